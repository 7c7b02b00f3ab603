"""Replaces judged by what the replaced object holds: access entries re-made narrower, with the wider, deny-list
and data-holding look-alikes that stay high."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_deletes_fixtures_replicas_routes import replaced
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import review
from tfreview.pipeline.rules.subranges import covers
from tfreview.settings import Settings


def label(tmp_path: Path, changes: list[dict[str, Any]]) -> str:
    """Review a plan with rules alone: its label."""
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}))
    result = review(path, Settings(backend="none"))
    assert not result.errors
    return result.label.value


def replace_severity(tmp_path: Path, changes: list[dict[str, Any]], address: str) -> Severity:
    """The severity of the resource-replace finding on ADDRESS."""
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}))
    result = review(path, Settings(backend="none"))
    return next(f.severity for f in result.findings if f.rule == "resource-replace" and f.address == address)


def test_covers_reads_cidrs_and_host_patterns() -> None:
    assert covers("10.40.0.0/16", "10.40.12.0/24") and not covers("10.40.12.0/24", "10.40.0.0/16")
    assert covers("%", "10.12.4.%") and covers("10.%", "10.12.%") and not covers("10.12.%", "%")
    assert not covers("10.12._", "10.12.%") and covers("*.corp.example", "db.corp.example")
    assert not covers("10.0.0.0/8", "%") and not covers("192.168.0.0/16", "10.0.0.0/24")


def test_access_entry_replaced_narrower_is_medium(tmp_path: Path) -> None:
    entry = {"id": "x1", "project_id": "p1", "cidr_block": "10.40.0.0/16", "comment": "office"}
    after = {"project_id": "p1", "cidr_block": "10.40.12.0/24", "comment": "office vpn only"}
    plan = [replaced("zeta_project_ip_access_list.o", entry, after, [["cidr_block"]])]
    assert replace_severity(tmp_path, plan, "zeta_project_ip_access_list.o") is Severity.MEDIUM
    user = {"id": "app@%", "user": "app", "host": "%", "tls_option": "SSL"}
    plan = [replaced("acme_sql_user.app", user, {**user, "id": None, "host": "10.12.4.%"}, [["host"]])]
    assert replace_severity(tmp_path, plan, "acme_sql_user.app") is Severity.MEDIUM


def test_access_entry_replaced_wider_or_changed_otherwise_stays_high(tmp_path: Path) -> None:
    entry = {"id": "x1", "project_id": "p1", "cidr_block": "10.40.12.0/24"}
    plan = [replaced("zeta_project_ip_access_list.o", entry, {**entry, "cidr_block": "10.40.0.0/16"},
                     [["cidr_block"]])]
    assert replace_severity(tmp_path, plan, "zeta_project_ip_access_list.o") is Severity.HIGH
    user = {"id": "app@10", "user": "app", "host": "10.12.4.%", "tls_option": "SSL"}
    plan = [replaced("acme_sql_user.app", user, {**user, "host": "%"}, [["host"]])]
    assert replace_severity(tmp_path, plan, "acme_sql_user.app") is Severity.HIGH
    loosened = {**user, "host": "10.12.4.1", "tls_option": "NONE"}
    plan = [replaced("acme_sql_user.app", {**user, "host": "10.12.4.%"}, loosened, [["host"]])]
    assert replace_severity(tmp_path, plan, "acme_sql_user.app") is Severity.HIGH


def test_deny_entry_or_data_store_narrowed_stays_high(tmp_path: Path) -> None:
    blocked = {"id": "b1", "cidr_block": "203.0.113.0/24", "action": "deny"}
    plan = [replaced("zeta_ip_access_entry.b", blocked, {**blocked, "cidr_block": "203.0.113.0/28"},
                     [["cidr_block"]])]
    assert replace_severity(tmp_path, plan, "zeta_ip_access_entry.b") is Severity.HIGH
    store = {"id": "d1", "name": "orders", "allowed_ips": ["10.0.0.0/8"]}
    plan = [replaced("zeta_database.d", store, {**store, "allowed_ips": ["10.1.0.0/16"]}, [["allowed_ips"]])]
    assert replace_severity(tmp_path, plan, "zeta_database.d") is Severity.HIGH
