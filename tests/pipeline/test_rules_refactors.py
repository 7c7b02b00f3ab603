"""Refactors and plan mechanics: delete+create pairs judged by what the object holds, index shifts of monitor
definitions, sharp capacity cuts, database password resets, drift reverts read by their direction, targeted plans
and re-run jobs; each with a benign look-alike that stays "likely safe"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def _deleted(address: str, before: dict[str, Any], reason: str) -> dict[str, Any]:
    entry = resource(address, None, before, actions=["delete"])
    entry["action_reason"] = reason
    return entry


@pytest.mark.parametrize("kind", ["gitforge_project", "runco_workspace", "chartco_release"])
def test_a_container_renamed_without_moved_is_high(tmp_path: Path, kind: str) -> None:
    values = {"name": "infra-live", "owner": "platform"}
    found = judge(tmp_path, [_deleted(f'module.a["old"].{kind}.this', values, "delete_because_no_module"),
                             resource(f'module.a["new"].{kind}.this', values)])
    assert found["resource-delete"] is Severity.HIGH


def test_a_stateless_object_renamed_without_moved_stays_medium(tmp_path: Path) -> None:
    values = {"name": "checkout-latency", "query": "p99 > 1"}
    found = judge(tmp_path, [_deleted("module.a.watchco_monitor.this", values, "delete_because_no_module"),
                             resource("module.b.watchco_monitor.this", values)])
    assert found["resource-delete"] is Severity.MEDIUM


def _replica(identifier: str) -> dict[str, Any]:
    return {"identifier": identifier, "replicate_source_db": "orders-primary", "instance_class": "db.r6g.xlarge"}


def test_a_replica_torn_down_by_a_refactor_is_high(tmp_path: Path) -> None:
    found = judge(tmp_path, [_deleted("aws_db_instance.replica[0]", _replica("orders-replica-0"),
                                      "delete_because_wrong_repetition"),
                             resource('aws_db_instance.replica["eu"]', _replica("orders-replica-eu"))])
    assert found["resource-delete"] is Severity.HIGH


def test_a_replica_removed_on_purpose_stays_medium(tmp_path: Path) -> None:
    found = judge(tmp_path, [_deleted("aws_db_instance.replica[1]", _replica("orders-replica-1"),
                                      "delete_because_count_index")])
    assert found["resource-delete"] is Severity.MEDIUM


def _shift(kind: str, name_key: str) -> list[dict[str, Any]]:
    return [resource(f"{kind}.c[0]", {name_key: "search"}, {name_key: "checkout"}),
            resource(f"{kind}.c[1]", {name_key: "profile"}, {name_key: "search"}),
            _deleted(f"{kind}.c[2]", {name_key: "profile"}, "delete_because_count_index")]


def test_an_index_shift_of_monitor_definitions_is_medium(tmp_path: Path) -> None:
    assert judge(tmp_path, _shift("obsco_nrql_alert_condition", "name"))["resource-delete"] is Severity.MEDIUM


def test_an_index_shift_of_apps_with_identities_stays_high(tmp_path: Path) -> None:
    assert judge(tmp_path, _shift("idco_app_oauth", "label"))["resource-delete"] is Severity.HIGH


@pytest.mark.parametrize(("before", "after", "tags", "expected"), [
    (24, 1, {}, Severity.HIGH),
    ("12", "2", {}, Severity.HIGH),
    (24, 1, {"env": "dev"}, Severity.MEDIUM),
    (3, 1, {}, None),
    (24, 12, {}, None),
    (24, 0, {}, None),  # scaled-to-zero's, not this rule's
])
def test_sharp_capacity_cuts(tmp_path: Path, before: Any, after: Any, tags: dict[str, str],
                             expected: Severity | None) -> None:
    found = judge(tmp_path, [resource("fleetco_service.api", {"name": "api", "desired_count": after, "tags": tags},
                                      {"name": "api", "desired_count": before, "tags": tags})])
    assert found.get("capacity-cut") is expected


def test_a_lower_maximum_is_not_a_capacity_cut(tmp_path: Path) -> None:
    found = judge(tmp_path, [resource("fleetco_group.api", {"max_size": 4}, {"max_size": 40})])
    assert "capacity-cut" not in found


def _password(kind: str, key: str, old: Any, new: Any) -> dict[str, Any]:
    sensitive = {key: True} if isinstance(old, str) else {}
    return resource(f"{kind}.main", {"name": "crm", key: new}, {"name": "crm", key: old}, sensitive=sensitive)


def test_a_database_password_reset_in_place_is_high(tmp_path: Path) -> None:
    found = judge(tmp_path, [_password("dataco_postgres_cluster", "admin_password", "old", "new")])
    assert found["db-password-reset"] is Severity.HIGH


def test_a_rotation_carried_by_the_plan_is_medium(tmp_path: Path) -> None:
    rotated = resource("random_password.crm", {"length": 32}, {"length": 24}, actions=["delete", "create"])
    found = judge(tmp_path, [_password("dataco_postgres_cluster", "admin_password", "old", "new"), rotated])
    assert found["db-password-reset"] is Severity.MEDIUM


@pytest.mark.parametrize(("kind", "key", "old", "new"), [
    ("aws_db_instance", "manage_master_user_password", None, True),
    ("gitforge_project_variable", "password", "old", "new"),  # not a database: a CI variable rotated
])
def test_password_look_alikes_stay_quiet(tmp_path: Path, kind: str, key: str, old: Any, new: Any) -> None:
    assert "db-password-reset" not in judge(tmp_path, [_password(kind, key, old, new)])


def _drift(tmp_path: Path, planned: list[str], drifted: list[str]) -> tuple[Label, dict[str, Severity]]:
    values = {"bucket": "reports", "role": "roles/storage.objectViewer"}
    change = resource("google_storage_bucket_iam_binding.r", {**values, "members": planned},
                      {**values, "members": drifted})
    drift = resource("google_storage_bucket_iam_binding.r", {**values, "members": drifted},
                     {**values, "members": planned})
    result = review_rules_alone(tmp_path, [change], resource_drift=[drift])
    return result.label, worst_by_rule(result)


def test_a_plan_that_reverts_drift_which_opened_access_closes_it(tmp_path: Path) -> None:
    label, found = _drift(tmp_path, ["group:analysts@example.com"], ["allUsers", "group:analysts@example.com"])
    assert found["drift-on-changed"] is Severity.MEDIUM
    assert label is Label.LIKELY_SAFE


def test_a_plan_that_reverts_drift_which_closed_access_opens_it(tmp_path: Path) -> None:
    label, found = _drift(tmp_path, ["allUsers", "group:analysts@example.com"], ["group:analysts@example.com"])
    assert found["drift-on-changed"] is Severity.HIGH
    assert label is Label.NEEDS_CLOSE_REVIEW


def _targeted(tmp_path: Path, **sections: Any) -> dict[str, Severity]:
    change = resource("watchco_monitor.latency", {"threshold": 1.2}, {"threshold": 1.5})
    return worst_by_rule(review_rules_alone(tmp_path, [change], complete=False, applyable=True, **sections))


def test_a_targeted_plan_that_defers_nothing_is_medium(tmp_path: Path) -> None:
    assert _targeted(tmp_path)["plan-incomplete"] is Severity.MEDIUM


def test_an_incomplete_plan_with_deferred_changes_stays_high(tmp_path: Path) -> None:
    deferred = [{"reason": "resource_config_unknown", "resource_change": resource("k8sco_manifest.crd", {})}]
    found = _targeted(tmp_path, deferred_changes=deferred)
    assert found["plan-incomplete"] is Severity.HIGH
    assert found["plan-deferred"] is Severity.HIGH


def test_a_run_once_job_re_run_by_a_trigger_is_medium(tmp_path: Path) -> None:
    job = {"metadata": [{"name": "smoke"}], "spec": [{"backoff_limit": 2}]}
    entry = resource("kubernetes_job_v1.smoke", job, job, actions=["delete", "create"])
    entry["action_reason"] = "replace_by_triggers"
    assert judge(tmp_path, [entry])["resource-replace"] is Severity.MEDIUM


def test_a_run_once_job_replaced_for_another_reason_stays_high(tmp_path: Path) -> None:
    job = {"metadata": [{"name": "migrate"}]}
    entry = resource("kubernetes_job_v1.migrate", job, job, actions=["delete", "create"])
    entry["action_reason"] = "replace_because_tainted"
    assert judge(tmp_path, [entry])["resource-replace"] is Severity.HIGH


def test_a_resource_deleted_outside_terraform_and_created_again_is_medium(tmp_path: Path) -> None:
    values = {"ami": "ami-0a1b2c3d", "instance_type": "t3.micro", "tags": {"Name": "build-runner"}}
    gone = resource("aws_instance.runner", None, values, actions=["delete"])
    again = resource("aws_instance.runner", values, unknown={"id": True})
    result = review_rules_alone(tmp_path, [again], resource_drift=[gone])
    assert (result.label, worst_by_rule(result)["drift-on-changed"]) == (Label.LIKELY_SAFE, Severity.MEDIUM)


def test_what_is_created_again_is_still_judged_by_the_other_rules(tmp_path: Path) -> None:
    rule = {"type": "ingress", "from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"],
            "security_group_id": "sg-0a1b2c3d"}
    gone = resource("aws_security_group_rule.ssh", None, rule, actions=["delete"])
    again = resource("aws_security_group_rule.ssh", rule, unknown={"id": True})
    result = review_rules_alone(tmp_path, [again], resource_drift=[gone])
    assert result.label is Label.NEEDS_CLOSE_REVIEW
