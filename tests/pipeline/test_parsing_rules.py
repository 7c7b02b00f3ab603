"""The `unknown-action`, `plan-format` and `values-unseen` rules: what the parser does not understand is high, never a
no-op; and `drift-on-changed` for drift that is only metadata."""

from __future__ import annotations

from typing import Any

import pytest

from tfreview.pipeline.changes import normalize
from tfreview.pipeline.findings import Finding, ReviewInput, Severity
from tfreview.pipeline.plan import parse_plan
from tfreview.pipeline.risk import evaluate


def findings(document: dict[str, Any]) -> list[Finding]:
    plan = parse_plan({"format_version": "1.2", **document})
    return evaluate(ReviewInput(plan=plan, changeset=normalize(plan)))


def entry(actions: list[str], address: str = "aws_sns_topic.alerts", mode: str = "managed") -> dict[str, Any]:
    return {"address": address, "mode": mode, "type": "aws_sns_topic", "name": "alerts",
            "change": {"actions": actions, "before": {"name": "a"}, "after": {"name": "a"}}}


@pytest.mark.parametrize("actions", [["no-op"], ["create"], ["update"], ["delete"], ["forget"],
                                     ["delete", "create"], ["create", "delete"], ["create", "forget"]])
def test_every_action_list_terraform_writes_is_known(actions: list[str]) -> None:
    assert not [f for f in findings({"resource_changes": [entry(actions)]}) if f.rule == "unknown-action"]


def test_a_data_source_read_is_known() -> None:
    read = entry(["read"], "data.aws_sns_topic.alerts", mode="data")
    assert not [f for f in findings({"resource_changes": [read]}) if f.rule == "unknown-action"]


@pytest.mark.parametrize(("mode", "actions", "fragment"),
                         [("data", ["delete"], "only ever reads a data source"),
                          ("data", ["update"], "only ever reads a data source"),
                          ("data", ["delete", "create"], "only ever reads a data source"),
                          ("managed", ["read"], "reads only data sources")])
def test_an_action_its_mode_never_has_is_high(mode: str, actions: list[str], fragment: str) -> None:
    # Every rule skips data sources: a prod database's delete written with mode "data" would pass unjudged.
    found = [f for f in findings({"resource_changes": [entry(actions, mode=mode)]}) if f.rule == "unknown-action"]
    assert len(found) == 1 and found[0].severity is Severity.HIGH and fragment in found[0].message


@pytest.mark.parametrize(
    ("actions", "fragment"),
    [(["update", "archive"], "does not define: 'archive'"),
     (["delete", "update"], "never writes: ['delete', 'update']"),
     ([], "empty action list"), (["x" * 500], "'" + "x" * 40 + "…'")],
    ids=["new-word", "new-combination", "empty", "long-word"],
)
def test_unknown_action_lists_are_high_and_named(actions: list[str], fragment: str) -> None:
    found = [f for f in findings({"resource_changes": [entry(actions)]}) if f.rule == "unknown-action"]
    assert len(found) == 1 and found[0].severity is Severity.HIGH
    assert found[0].address == "aws_sns_topic.alerts"
    assert fragment in found[0].message and "never as no-op" in found[0].message


def test_unknown_actions_in_drift_deferred_and_outputs_are_reported_too() -> None:
    found = findings({
        "resource_changes": [],
        "resource_drift": [entry(["mutate"], "aws_sns_topic.drifted")],
        "deferred_changes": [{"reason": "unknown", "resource_change": entry(["later"], "aws_sns_topic.later")}],
        "output_changes": {"url": {"actions": ["rotate"], "before": "a", "after": "b"}},
    })
    unknown = {(f.address, f.message.split(":")[0]) for f in found if f.rule == "unknown-action"}
    assert unknown == {("aws_sns_topic.drifted", "drift"), ("aws_sns_topic.later", "deferred"),
                       ("output.url", "output.url")}


@pytest.mark.parametrize("version", ["2.0", "10.1", "one", "", "1"])
def test_unknown_format_versions_are_high(version: str) -> None:
    found = [f for f in findings({"format_version": version, "resource_changes": []}) if f.rule == "plan-format"]
    assert len(found) == 1 and found[0].severity is Severity.HIGH


@pytest.mark.parametrize("version", ["0.1", "0.2", "1.0", "1.2", "1.3", "1.10"])
def test_format_versions_0_and_1_are_read(version: str) -> None:
    assert not [f for f in findings({"format_version": version, "resource_changes": []}) if f.rule == "plan-format"]


@pytest.mark.parametrize("action", ["update", "create"])
def test_a_change_without_new_values_is_high(action: str) -> None:
    change = entry([action])
    change["change"].update(after=None, after_unknown=True)
    found = [f for f in findings({"resource_changes": [change]}) if f.rule == "values-unseen"]
    assert len(found) == 1 and found[0].severity is Severity.HIGH and "known only after apply" in found[0].message


@pytest.mark.parametrize("actions", [["delete"], ["update"], ["forget"]])
def test_deletes_and_readable_values_are_not_unseen(actions: list[str]) -> None:
    change = entry(actions)
    if actions == ["delete"] or actions == ["forget"]:
        change["change"]["after"] = None
    assert not [f for f in findings({"resource_changes": [change]}) if f.rule == "values-unseen"]


def drifted(before_tags: dict[str, str], after_tags: dict[str, str], size: str = "m6i.large") -> dict[str, Any]:
    """A plan that puts back what was changed by hand: tags only, or the instance size too."""
    def instance(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
        return {"address": "aws_instance.api", "mode": "managed", "type": "aws_instance", "name": "api",
                "change": {"actions": ["update"], "before": before, "after": after}}
    ours = {"instance_type": "m6i.large", "tags": after_tags}
    theirs = {"instance_type": size, "tags": before_tags}
    return {"resource_drift": [instance(ours, theirs)], "resource_changes": [instance(theirs, ours)]}


def test_drift_of_tags_only_is_medium() -> None:
    found = [f for f in findings(drifted({"env": "prod"}, {"env": "prod", "cost_center": "cc-1"}))
             if f.rule == "drift-on-changed"]
    assert len(found) == 1 and found[0].severity is Severity.MEDIUM


def test_drift_of_behaviour_stays_high() -> None:
    found = [f for f in findings(drifted({"env": "prod"}, {"env": "prod", "cost_center": "cc-1"}, "m6i.4xlarge"))
             if f.rule == "drift-on-changed"]
    assert len(found) == 1 and found[0].severity is Severity.HIGH


def bookkeeping(actions: list[str]) -> dict[str, Any]:
    change = entry(actions, "aws_sns_topic.alerts_v2")
    change["previous_address"] = "aws_sns_topic.alerts"
    return {"applyable": False, "resource_changes": [change]}


def test_a_move_only_plan_marked_not_applyable_is_medium() -> None:
    found = [f for f in findings(bookkeeping(["no-op"])) if f.rule == "plan-not-applyable"]
    assert len(found) == 1 and found[0].severity is Severity.MEDIUM


def test_a_plan_with_real_changes_marked_not_applyable_stays_high() -> None:
    found = [f for f in findings(bookkeeping(["update"])) if f.rule == "plan-not-applyable"]
    assert len(found) == 1 and found[0].severity is Severity.HIGH


def ephemeral(actions: list[str], mode: str = "ephemeral") -> dict[str, Any]:
    return {"address": "ephemeral.random_password.db", "mode": mode, "type": "random_password", "name": "db",
            "change": {"actions": actions, "before": None, "after": {"length": 16}}}


def test_an_ephemeral_resource_opened_is_understood() -> None:
    # OpenTofu writes an ephemeral resource's open (jsonplan: mode "ephemeral", actions ["open"]): read, never stored.
    found = findings({"resource_changes": [ephemeral(["open"])]})
    assert not [f for f in found if f.severity is Severity.HIGH]


@pytest.mark.parametrize(("mode", "actions"), [("managed", ["open"]), ("ephemeral", ["create"]), ("data", ["open"])])
def test_open_is_understood_only_for_an_ephemeral_resource(mode: str, actions: list[str]) -> None:
    found = [f for f in findings({"resource_changes": [ephemeral(actions, mode)]}) if f.rule == "unknown-action"]
    assert found and found[0].severity is Severity.HIGH
