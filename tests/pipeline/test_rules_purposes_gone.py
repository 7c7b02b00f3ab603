"""Deletes whose purpose goes with the same plan (purposes.py) and record sets or sinks made again (remade.py); each
with a twin that stays high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tests.pipeline.test_rules_successors_take_over import kept, made
from tfreview.pipeline.findings import Severity


def changed(address: str, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """One in-place update entry."""
    entry = made(address, after)
    entry["change"].update(actions=["update"], before=before, after_unknown={})
    return entry


# --- a scaler of capacity its target stops having ----------------------------------------------------------------
TABLE = {"id": "sessions", "name": "sessions", "billing_mode": "PROVISIONED", "read_capacity": 50}
SCALER = {"id": "table/sessions", "resource_id": "table/sessions", "scalable_dimension": "dynamodb:table:Read",
          "min_capacity": 5, "max_capacity": 100}


@pytest.mark.parametrize(("kind", "mode", "on_demand"), [
    ("aws_dynamodb_table", "billing_mode", "PAY_PER_REQUEST"),
    ("acme_table", "capacity_mode", "OnDemand"),
], ids=["dynamodb", "any-provider"])
def test_scaler_of_a_target_moved_on_demand_is_medium(tmp_path: Path, kind: str, mode: str,
                                                      on_demand: str) -> None:
    provider = kind.split("_")[0]
    old = {"id": "sessions", "name": "sessions", mode: "PROVISIONED", "read_capacity": 50}
    table = changed(f"{kind}.sessions", old, {**old, mode: on_demand, "read_capacity": 0})
    scaler = gone(f"{provider}_appautoscaling_target.read", SCALER)
    assert worst(tmp_path, [table, scaler]) is Severity.MEDIUM


@pytest.mark.parametrize(("before", "after"), [
    (TABLE, dict(TABLE, read_capacity=80)),
    (dict(TABLE, name="other", id="other"), dict(TABLE, name="other", id="other", billing_mode="PAY_PER_REQUEST")),
], ids=["stays-provisioned", "other-table-moved"])
def test_scaler_of_a_provisioned_target_stays_high(tmp_path: Path, before: dict[str, Any],
                                                   after: dict[str, Any]) -> None:
    table = changed("aws_dynamodb_table.sessions", before, after)
    assert worst(tmp_path, [table, gone("aws_appautoscaling_target.read", SCALER)]) is Severity.HIGH


# --- a guard of an object archived read-only -----------------------------------------------------------------
REPO = {"id": "legacy-billing", "name": "legacy-billing", "archived": False, "visibility": "private"}
PROTECTION = {"id": "BPR_1", "repository_id": "legacy-billing", "pattern": "main", "enforce_admins": True}


def test_branch_protection_of_a_repo_archived_is_medium(tmp_path: Path) -> None:
    repo = changed("github_repository.legacy", REPO, dict(REPO, archived=True))
    assert worst(tmp_path, [repo, gone("github_branch_protection.main", PROTECTION)]) is Severity.MEDIUM


@pytest.mark.parametrize("after", [dict(REPO, description="still active"), dict(REPO, id="x-repo", name="x-repo",
                                                                                  archived=True)],
                         ids=["repo-active", "other-repo-archived"])
def test_branch_protection_of_an_active_repo_stays_high(tmp_path: Path, after: dict[str, Any]) -> None:
    repo = changed("github_repository.legacy", dict(REPO, id=after["id"], name=after["name"]), after)
    assert worst(tmp_path, [repo, gone("github_branch_protection.main", PROTECTION)]) is Severity.HIGH


# --- a duplicate monitor whose twin stays ------------------------------------------------------------------------
MONITOR = {"id": "1", "name": "[checkout] errors", "type": "metric alert",
           "query": "sum(last_5m):sum:errors{service:checkout} > 10", "message": "@pagerduty-checkout"}


def test_duplicate_monitor_with_a_twin_kept_is_medium(tmp_path: Path) -> None:
    dup = gone("datadog_monitor.dup", dict(MONITOR, id="2", name="[checkout] errors (copy)", message="@slack-x"))
    assert worst(tmp_path, [kept("module.m.datadog_monitor.errors", MONITOR), dup]) is Severity.MEDIUM


@pytest.mark.parametrize("twin", [None, dict(MONITOR, query="sum(last_5m):sum:errors{service:cart} > 10"),
                                  dict(MONITOR, type="query alert")], ids=["no-twin", "other-query", "other-type"])
def test_monitor_deleted_without_a_twin_stays_high(tmp_path: Path, twin: dict[str, Any] | None) -> None:
    changes = [gone("datadog_monitor.dup", dict(MONITOR, id="2"))]
    changes += [kept("datadog_monitor.other", twin)] if twin else []
    assert worst(tmp_path, changes) is Severity.HIGH


# --- a disposable or non-production module torn down whole -------------------------------------------------------
def _stack(env: str, service_tags: dict[str, str]) -> list[dict[str, Any]]:
    db = {"identifier": f"{env}-db", "engine": "postgres", "skip_final_snapshot": False,
          "final_snapshot_identifier": f"{env}-db-final", "tags": {"env": env}}
    return [gone(f"module.{env}_stack.aws_db_instance.main", db),
            gone(f"module.{env}_stack.aws_ecs_service.api", {"name": "api", "cluster": env, "tags": service_tags}),
            gone(f"module.{env}_stack.aws_lb_listener.https", {"id": "arn:listener/app/x/1", "port": 443})]


@pytest.mark.parametrize("env", ["qa", "preview"])
def test_members_of_a_non_production_module_torn_down_whole_are_medium(tmp_path: Path, env: str) -> None:
    assert worst(tmp_path, _stack(env, {"env": env})) is Severity.MEDIUM


def test_a_production_member_inside_a_preview_teardown_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _stack("preview", {"env": "prod"})) is Severity.HIGH


def test_a_module_the_plan_keeps_part_of_stays_high(tmp_path: Path) -> None:
    lb = kept("module.qa_stack.aws_lb.app", {"name": "qa-lb"})
    lb["module_address"] = "module.qa_stack"
    stack = [*_stack("qa", {"env": "qa"}), lb]
    assert worst(tmp_path, stack) is Severity.HIGH


# --- an apex record set made again, a sink handed to its successor -----------------------------------------------
def _mx(content: str) -> dict[str, Any]:
    return {"zone_id": "z1", "name": "acme.example", "type": "MX", "content": content, "priority": 10}


def test_apex_mx_replaced_by_new_mx_is_medium(tmp_path: Path) -> None:
    changes = [gone("cloudflare_record.mx_old", _mx("aspmx.l.google.com")),
               made("cloudflare_record.mx_new", _mx("mx1.mail.example.net"))]
    assert worst(tmp_path, changes, "dns-delegation") is Severity.MEDIUM


@pytest.mark.parametrize("new", [None, dict(_mx("x.example.net"), type="TXT"), dict(_mx("x.example.net"),
                                                                                   name="other.example")],
                         ids=["no-new-mx", "other-type", "other-name"])
def test_apex_mx_deleted_without_a_new_set_stays_high(tmp_path: Path, new: dict[str, Any] | None) -> None:
    changes = [gone("cloudflare_record.mx_old", _mx("aspmx.l.google.com"))]
    changes += [made("cloudflare_record.other", new)] if new else []
    assert worst(tmp_path, changes, "dns-delegation") is Severity.HIGH


def _diag(name: str, workspace: str, categories: list[str], source: str = "kv-prod") -> dict[str, Any]:
    return {"name": name, "target_resource_id": f"/subs/1/vaults/{source}", "log_analytics_workspace_id": workspace,
            "enabled_log": [{"category": c} for c in categories]}


DIAG = "azurerm_monitor_diagnostic_setting"


def test_diagnostic_setting_handed_to_a_successor_is_medium(tmp_path: Path) -> None:
    changes = [gone(f"{DIAG}.old", _diag("kv", "law-a", ["AuditEvent"])),
               made(f"{DIAG}.new", _diag("kv-v2", "law-b", ["AuditEvent"]))]
    assert worst(tmp_path, changes, "logging-disabled") is Severity.MEDIUM


@pytest.mark.parametrize("new", [None, _diag("kv-v2", "law-b", []), _diag("kv-v2", "law-b", ["AuditEvent"], "kv-x")],
                         ids=["no-successor", "fewer-categories", "other-source"])
def test_diagnostic_setting_without_a_like_successor_stays_high(tmp_path: Path, new: dict[str, Any] | None) -> None:
    changes = [gone(f"{DIAG}.old", _diag("kv", "law-a", ["AuditEvent"]))]
    changes += [made(f"{DIAG}.new", new)] if new else []
    assert worst(tmp_path, changes, "logging-disabled") is Severity.HIGH
