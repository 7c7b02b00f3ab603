"""A list that only loses entries is read entry by entry: dropping a rule that exempted traffic from the checks (a
skip, bypass or allow) weakens nothing; dropping a rule that blocks, or changing the kept ones, is still read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import worst
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.aligned import align

SKIP = {"action": "skip", "expression": "(ip.src in {192.0.2.0/24})", "enabled": True,
        "action_parameters": [{"phases": ["http_request_firewall_managed"]}]}
BLOCK = {"action": "block", "expression": "(http.request.uri.path contains \"/admin\")", "enabled": True,
         "action_parameters": []}


def _ruleset(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, Any]:
    values = {"id": "rs1", "name": "custom", "kind": "zone", "phase": "http_request_firewall_custom"}
    return {"address": "acme_waf_ruleset.custom", "mode": "managed", "type": "acme_waf_ruleset", "name": "custom",
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": ["update"], "before": {**values, "rules": before},
                       "after": {**values, "rules": after}, "after_unknown": {}, "after_sensitive": {}}}


def _highs(tmp_path: Path, before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[Severity | None]:
    return [s for rule in ("detection-disabled", "protection-disabled")
            if (s := worst(tmp_path, [_ruleset(before, after)], rule)) is Severity.HIGH]


@pytest.mark.parametrize(("before", "after"), [
    ([SKIP, BLOCK], [BLOCK]),
    ([BLOCK, {**SKIP, "action": "bypass"}, BLOCK], [BLOCK, BLOCK]),
], ids=["skip-dropped-first", "bypass-dropped-between"])
def test_exemption_dropped_is_not_a_weakening(tmp_path: Path, before: list[dict[str, Any]],
                                              after: list[dict[str, Any]]) -> None:
    assert _highs(tmp_path, before, after) == []


@pytest.mark.parametrize(("before", "after"), [
    ([SKIP, BLOCK], [SKIP]),
    ([SKIP, BLOCK], [{**BLOCK, "enabled": False}]),
    ([BLOCK, SKIP], [SKIP]),
], ids=["block-dropped", "block-switched-off", "block-dropped-first"])
def test_blocking_rule_dropped_or_switched_off_stays_high(tmp_path: Path, before: list[dict[str, Any]],
                                                          after: list[dict[str, Any]]) -> None:
    assert Severity.HIGH in _highs(tmp_path, before, after)


def test_align_pads_where_entries_went_or_came() -> None:
    assert align([SKIP, BLOCK], [BLOCK]) == ([SKIP, BLOCK], [None, BLOCK])
    assert align([BLOCK], [SKIP, BLOCK]) == ([None, BLOCK], [SKIP, BLOCK])
    assert align([SKIP, BLOCK], [{**BLOCK, "enabled": False}]) == ([SKIP, BLOCK], [{**BLOCK, "enabled": False}])
