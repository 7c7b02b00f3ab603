"""Changes whose plan shows that what goes is handed over: a log selector moved to its qualified sibling, a grant
re-made with the object it names; each with a risky twin that stays high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tests.pipeline.test_rules_semantics import change, every_check
from tfreview.pipeline.changes import Action
from tfreview.pipeline.findings import Severity


def _logging(before: dict[str, Any], after: dict[str, Any]) -> list[Severity]:
    item = change("lumenmon_diagnostic_setting", {"name": "kv", "enabled_log": [before]},
                  {"name": "kv", "enabled_log": [after]}, Action.REPLACE, actions=["create", "delete"])
    return [f.severity for f in every_check(item) if f.rule == "logging-disabled"]


def test_a_log_category_moved_to_its_category_group_still_logs() -> None:
    assert _logging({"category": "AuditEvent", "category_group": ""},
                    {"category": "", "category_group": "audit"}) == []


def test_a_log_category_emptied_with_nothing_in_its_place_is_high() -> None:
    assert Severity.HIGH in _logging({"category": "AuditEvent", "category_group": ""},
                                     {"category": "", "category_group": ""})
    assert Severity.HIGH in _logging({"category": "AuditEvent", "retention": ""},  # not a sibling of its name
                                     {"category": "", "retention": "30"})


def test_a_grant_of_privileges_to_a_role_replaced_is_a_link(tmp_path: Path) -> None:
    grant = {"account_role_name": "ETL_RUNNER", "privileges": ["USAGE"],
             "on_account_object": [{"object_type": "WAREHOUSE", "object_name": "etl_wh"}]}
    replaced = gone("frostdb_grant_privileges_to_account_role.etl", grant, "replace_because_cannot_update",
                    actions=["delete", "create"])
    assert worst(tmp_path, [replaced], "resource-replace") is Severity.MEDIUM


def test_the_granted_role_itself_replaced_stays_high(tmp_path: Path) -> None:
    role = gone("frostdb_account_role.etl", {"name": "ETL_RUNNER"}, "replace_because_cannot_update",
                actions=["delete", "create"])
    assert worst(tmp_path, [role], "resource-replace") is Severity.HIGH


def _workload(template: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": [{"name": "checkout-canary", "namespace": "shop"}],
            "spec": [{"replicas": "1", "template": [{"spec": [template]}]}]}


def test_a_stateless_deployment_deleted_is_medium(tmp_path: Path) -> None:
    pod = {"container": [{"name": "checkout", "image": "acme/checkout:2.3.0-rc1"}]}
    assert worst(tmp_path, [gone("kubernetes_deployment_v1.canary", _workload(pod))]) \
        is Severity.MEDIUM


def test_a_workload_with_a_claim_a_stateful_set_or_a_namespace_deleted_stays_high(tmp_path: Path) -> None:
    pod = {"container": [{"name": "db"}],
           "volume": [{"name": "data", "persistent_volume_claim": [{"claim_name": "data"}]}]}
    assert worst(tmp_path, [gone("kubernetes_deployment_v1.db", _workload(pod))]) is Severity.HIGH
    plain = {"container": [{"name": "db"}]}
    assert worst(tmp_path, [gone("kubernetes_stateful_set_v1.db", _workload(plain))]) \
        is Severity.HIGH
    assert worst(tmp_path, [gone("kubernetes_namespace_v1.shop", {"metadata": [{"name": "shop"}]})]) \
        is Severity.HIGH
