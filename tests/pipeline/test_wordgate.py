"""The dispatcher's first check: a per-change check with words is called only with changes that hold one of them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from tests.helpers import ROOT
from tfreview.errors import PlanError
from tfreview.pipeline import wordgate
from tfreview.pipeline.changes import Change, normalize
from tfreview.pipeline.findings import CHANGE_HOOKS, Finding, ReviewInput, on_change
from tfreview.pipeline.mask import mask_document
from tfreview.pipeline.plan import parse_plan
from tfreview.pipeline.resolved import resolve_unknowns
from tfreview.pipeline.risk import _change_findings, evaluate
from tfreview.pipeline.shape import check_shape


def plan(*afters: Any) -> dict[str, Any]:
    """A plan creating one acme_probe per AFTER value."""
    return {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": [
        {"address": f"acme_probe.p{i}", "mode": "managed", "type": "acme_probe", "name": f"p{i}",
         "provider_name": "registry.terraform.io/acme/acme",
         "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {}}}
        for i, after in enumerate(afters)]}


@pytest.fixture
def called() -> Iterator[list[str]]:
    """Addresses a gated check (words `needle`, `haystack`) and an ungated one were called with."""
    seen: list[str] = []
    registered = len(CHANGE_HOOKS)

    @on_change(types=("acme_probe",), words=(b"needle", b"haystack"))
    def _gated(change: Change) -> Iterator[Finding]:
        seen.append(f"gated {change.address}")
        return iter(())

    @on_change(types=("acme_probe",))
    def _open(change: Change) -> Iterator[Finding]:
        seen.append(f"open {change.address}")
        return iter(())

    yield seen
    del CHANGE_HOOKS[registered:]


def review(document: dict[str, Any]) -> None:
    masking = mask_document(document)
    parsed = parse_plan(document)
    evaluate(ReviewInput(plan=parsed, changeset=normalize(parsed), masking=masking))


def test_a_gated_check_sees_only_changes_with_its_words(called: list[str]) -> None:
    review(plan({"name": "plain"}, {"Name": "a NEEDLE"}, {"HayStack": 1}, None))
    assert sorted(called) == ["gated acme_probe.p1", "gated acme_probe.p2",
                              "open acme_probe.p0", "open acme_probe.p1", "open acme_probe.p2", "open acme_probe.p3"]


@pytest.mark.parametrize("after", [
    {"name": "\u212a"},  # Kelvin sign: lower-cases to a Latin k in the checks' own reading
    {"doc": '{"n\\u0065edle": 1}'},  # a JSON escape inside an embedded document
    {"doc": "%7B%22needle%22%3A1%7D"},  # a percent-encoded document
], ids=["non-ascii", "backslash", "percent"])
def test_text_that_could_hide_a_word_opens_every_gate(called: list[str], after: Any) -> None:
    review(plan(after))
    assert sorted(called) == ["gated acme_probe.p0", "open acme_probe.p0"]


@pytest.mark.parametrize("word", [b"Needle", b"ne\\edle", b"", "nädel".encode()])
def test_words_the_serialised_text_cannot_hold_are_refused(word: bytes) -> None:
    with pytest.raises(ValueError, match="lower-case ASCII"):
        on_change(types=("acme_probe",), words=(word,))(lambda change: iter(()))


def test_an_action_the_check_does_not_want_is_not_gated_in(called: list[str]) -> None:
    document = plan({"name": "needle"})
    document["resource_changes"][0]["change"].update(actions=["delete"], before={"name": "needle"}, after=None)
    review(document)
    assert called == []


def test_a_type_pattern_is_read_once_per_type_and_action() -> None:
    seen: list[str] = []
    registered = len(CHANGE_HOOKS)

    @on_change(type_pattern=re.compile(r"probe$"))
    def _typed(change: Change) -> Iterator[Finding]:
        seen.append(change.address)
        return iter(())

    try:
        document = plan({"name": "a"}, {"name": "b"})
        document["resource_changes"][1].update(type="acme_probe_set", address="acme_probe_set.p1")
        review(document)
    finally:
        del CHANGE_HOOKS[registered:]
    assert seen == ["acme_probe.p0"]


def test_no_gate_hides_a_finding_on_any_fixture_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every per-change finding on every fixture plan, with each check's words in force and with every gate open:
    a check edited to find something new without its words fails here (update its `words`)."""
    hidden = []
    for path in sorted((ROOT / "fixtures").rglob("*.json")):
        try:
            document = orjson.loads(path.read_bytes())
            check_shape(document)
            masking = mask_document(document)
            parsed = parse_plan(document)
            normalized = normalize(parsed)
        except (PlanError, orjson.JSONDecodeError, AttributeError, TypeError):
            continue  # labels, manifests and the plans that test refusals (a malformed shape normalize refuses too)
        changeset = resolve_unknowns(ReviewInput(plan=parsed, changeset=normalized, masking=masking)).changeset
        gated = _change_findings(changeset, set())
        with monkeypatch.context() as patched:
            patched.setattr(wordgate, "serialised", lambda change: None)
            opened = _change_findings(changeset, set())
        hidden += [f"{path.relative_to(ROOT)}: {f.rule} {f.message}" for f in opened if f not in gated]
    assert hidden == []
