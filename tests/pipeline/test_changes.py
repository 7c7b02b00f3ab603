from __future__ import annotations

import pytest

from tests.helpers import plan_path
from tfreview.pipeline.changes import Action, normalize, to_action
from tfreview.pipeline.diff import UNKNOWN, format_path
from tfreview.pipeline.mask import mask_document
from tfreview.pipeline.plan import parse_plan, read_plan_document


def changeset(name: str):  # type: ignore[no-untyped-def]
    document = read_plan_document(plan_path(name))
    mask_document(document)
    return normalize(parse_plan(document))


def by_address(name: str):  # type: ignore[no-untyped-def]
    return {c.address: c for c in changeset(name).changes}


@pytest.mark.parametrize(
    ("actions", "expected"),
    [
        (["create"], Action.CREATE), (["update"], Action.UPDATE), (["delete"], Action.DELETE),
        (["delete", "create"], Action.REPLACE), (["create", "delete"], Action.REPLACE),
        (["read"], Action.READ), (["no-op"], Action.NO_OP), (["forget"], Action.FORGET),
        (["create", "forget"], Action.FORGET),
        # Lists Terraform never writes are never a no-op: the most dangerous action named, at least an update.
        ([], Action.UPDATE), (["no-op", "archive"], Action.UPDATE), (["create", "purge"], Action.UPDATE),
        (["delete", "purge"], Action.DELETE), (["create", "delete", "x"], Action.REPLACE),
        (["forget", "x"], Action.FORGET), (["update", "delete"], Action.DELETE),
    ],
    ids=lambda v: "+".join(v) if isinstance(v, list) else None,
)
def test_action_mapping(actions: list[str], expected: Action) -> None:
    assert to_action(actions) is expected


@pytest.mark.parametrize(
    ("scenario", "address", "action"),
    [
        ("create", "terraform_data.web", Action.CREATE),
        ("update", "terraform_data.web", Action.UPDATE),
        ("delete", "terraform_data.db", Action.DELETE),
        ("replace", "terraform_data.web", Action.REPLACE),
        ("replace_create_before_destroy", "terraform_data.web", Action.REPLACE),
        ("forget", "terraform_data.keep_obj", Action.FORGET),
        ("move", "terraform_data.renamed", Action.NO_OP),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_real_plans_normalize_to_the_right_action(scenario: str, address: str, action: Action) -> None:
    assert by_address(scenario)[address].action is action


def test_replace_keeps_reason_order_and_forcing_path() -> None:
    web = by_address("replace")["terraform_data.web"]
    assert web.actions == ["delete", "create"]
    assert web.action_reason == "replace_because_cannot_update"
    assert web.replace_paths == ["triggers_replace"]
    forcing = [a for a in web.attributes if a.forces_replacement]
    assert [a.path for a in forcing] == ["triggers_replace"]
    assert by_address("replace_create_before_destroy")["terraform_data.web"].actions == ["create", "delete"]


def test_update_lists_changed_and_unknown_paths() -> None:
    web = by_address("update")["terraform_data.web"]
    paths = {a.path: a for a in web.attributes}
    assert paths["input"].before != paths["input"].after
    assert paths["output"].after == UNKNOWN


def test_move_keeps_previous_address() -> None:
    renamed = by_address("move")["terraform_data.renamed"]
    assert renamed.moved and renamed.previous_address == "terraform_data.old"


def test_replace_by_request_and_triggers_reasons() -> None:
    reasons = {c.action_reason for c in changeset("replace_by_request").changes}
    assert {"replace_by_request", "replace_by_triggers"} <= reasons


def test_outputs_are_separate_and_masked() -> None:
    outputs = {o.name: o for o in changeset("sensitive").outputs}
    assert outputs["secret_out"].action is Action.UPDATE
    assert outputs["secret_out"].after == "(sensitive, changed)"


def test_nested_diff_paths() -> None:
    from tfreview.pipeline.changes import normalize_resource

    rc = ({
        "address": "aws_security_group.sg", "type": "aws_security_group",
        "change": {"actions": ["update"],
                   "before": {"tags": {"env": "a", "team": "x"},
                              "ingress": [{"from_port": 22, "cidr_blocks": ["10.0.0.0/8"]}]},
                   "after": {"tags": {"env": "b", "team": "x"},
                             "ingress": [{"from_port": 22, "cidr_blocks": ["0.0.0.0/0"]}]},
                   "after_unknown": {"tags": {}, "ingress": [{"cidr_blocks": [False]}]}},
    })

    paths = {a.path: (a.before, a.after) for a in normalize_resource(rc).attributes}
    assert paths == {"ingress[0].cidr_blocks": (["10.0.0.0/8"], ["0.0.0.0/0"]), "tags.env": ("a", "b")}


def test_format_path() -> None:
    assert format_path(["ingress", 0, "cidr_blocks"]) == "ingress[0].cidr_blocks"
    assert format_path(["triggers_replace"]) == "triggers_replace"


def test_known_list_marked_false_in_after_unknown_is_not_a_change() -> None:
    from tfreview.pipeline.changes import normalize_resource

    rc = {"address": "aws_instance.web", "type": "aws_instance",
          "change": {"actions": ["update"],
                     "before": {"sg": ["sg-1"], "tags": {"a": "1"}}, "after": {"sg": ["sg-1"], "tags": {"a": "2"}},
                     "after_unknown": {"sg": [False], "tags": {}}}}
    assert [a.path for a in normalize_resource(rc).attributes] == ["tags.a"]


def _drift(before: object, after: object, name: str = "x") -> dict[str, object]:
    return {"address": f"aws_s3_bucket.{name}", "mode": "managed", "type": "aws_s3_bucket", "name": name,
            "change": {"actions": ["update"], "before": before, "after": after}}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ({"tags": None}, {"tags": {}}),
        ({"grants": []}, {"grants": None}),
        ({"policy": ""}, {"policy": None}),
        ({"tags": {"a": None}, "rules": [{"x": []}]}, {"rules": [{"x": None}]}),
        ({"id": "b", "lifecycle_rule": None}, {"id": "b"}),
    ],
    ids=["null-to-map", "list-to-null", "empty-string", "nested", "missing-key"],
)
def test_drift_that_is_only_normalisation_is_not_drift(before: object, after: object) -> None:
    plan = parse_plan({"format_version": "1.2", "resource_changes": [], "resource_drift": [_drift(before, after)]})
    assert normalize(plan).drift == []


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ({"acl": "private"}, {"acl": "public-read"}),
        ({"force_destroy": False}, {"force_destroy": 0}),
        ({"grants": [None]}, {"grants": []}),
        ({"tags": {"env": "prod"}}, {"tags": {}}),
    ],
    ids=["value", "false-vs-0", "null-item", "tag-removed"],
)
def test_real_drift_stays(before: object, after: object) -> None:
    plan = parse_plan({"format_version": "1.2", "resource_changes": [], "resource_drift": [_drift(before, after)]})
    assert [c.address for c in normalize(plan).drift] == ["aws_s3_bucket.x"]


def test_deleted_outside_terraform_is_drift_even_when_empty() -> None:
    entry = _drift({}, None)
    entry["change"]["actions"] = ["delete"]  # type: ignore[index]
    plan = parse_plan({"format_version": "1.2", "resource_changes": [], "resource_drift": [entry]})
    assert [c.action for c in normalize(plan).drift] == [Action.DELETE]
