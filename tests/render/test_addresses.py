"""Address lists: natural order, count-index runs as ranges, instance keys per resource."""

from __future__ import annotations

import pytest

from tests.comment_reader import named_addresses
from tfreview.render.addresses import collapse_ranges, grouped, natural_key


def test_natural_order() -> None:
    addresses = ["a.web[10]", "a.web[2]", "a.db", "module.m[10].x", "module.m[9].x", "a.web[1]"]
    assert sorted(addresses, key=natural_key) == [
        "a.db", "a.web[1]", "a.web[2]", "a.web[10]", "module.m[9].x", "module.m[10].x"]


@pytest.mark.parametrize(("addresses", "expected"), [
    ([f"aws_instance.web[{i}]" for i in range(1700)], ["aws_instance.web[0..1699]"]),
    (["w[0]", "w[1]", "w[2]", "w[7]", "w[10]", "w[11]"], ["w[0..2]", "w[7]", "w[10..11]"]),
    (["a[0]", "b[1]", "a[1]", "b[2]"], ["a[0..1]", "b[1..2]"]),  # one resource per run
    (['m["0"]', 'm["1"]', "m[007]", "m[008]"], ["m[007]", "m[008]", 'm["0"]', 'm["1"]']),  # keys, not indexes
    (["x[0].y[1]", "x[0].y[2]", "x[1].y[3]"], ["x[0].y[1..2]", "x[1].y[3]"]),
    (["a[1]", "a[1]", "a[0]"], ["a[0..1]"]),
], ids=["one-run", "gaps", "per-resource", "for-each-keys", "nested", "duplicates"])
def test_collapse_ranges(addresses: list[str], expected: list[str]) -> None:
    assert collapse_ranges(addresses) == expected


def test_grouped_names_every_address_once() -> None:
    addresses = ["a.b", "a.b[0]", "a.b[1]", 'a.b["x"]', "c", "d[3]", "d[5]", "e[4]"]
    lines = grouped(addresses)
    assert [line for line, _ in lines] == ["`a.b`", '`a.b` (3) [0..1, "x"]', "`c`", "`d` (2) [3, 5]", "`e[4]`"]
    assert sum(n for _, n in lines) == len(addresses)
    assert sorted(named_addresses("\n".join(f"- {line}" for line, _ in lines))) == sorted(addresses)
