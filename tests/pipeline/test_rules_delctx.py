"""A delete, replace or create judged with its context in the same plan: a database machine whose own settings
switch its public address off (the address it reports after apply is none). Its twins — the switch on or unknown,
a blocker that is no switch — stay high."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import review
from tfreview.settings import Settings

CBD = ["create", "delete"]
DBC = ["delete", "create"]


def remade(address: str, before: dict[str, Any], actions: list[str], **changed: Any) -> dict[str, Any]:
    """One replace entry of `terraform show -json`: BEFORE with CHANGED applied after, forced by CHANGED."""
    entry = gone(address, before, "replace_because_cannot_update", actions=actions)
    entry["change"]["after"] = {**before, **changed}
    entry["change"]["replace_paths"] = [[key] for key in changed]
    return entry


def kept(address: str, values: dict[str, Any]) -> dict[str, Any]:
    """One no-op entry: VALUES stay as they are."""
    entry = gone(address, values, actions=["no-op"])
    entry["action_reason"] = None
    return entry


def created(address: str, after: dict[str, Any], unknown: dict[str, Any]) -> dict[str, Any]:
    """One create entry whose UNKNOWN attributes are known only after apply."""
    entry = gone(address, {}, actions=["create"])
    entry["action_reason"] = None
    entry["change"].update(before=None, after=after, after_unknown=unknown)
    return entry


def findings(tmp_path: Path, changes: list[dict[str, Any]]) -> tuple[str, list[tuple[str, str, Severity]]]:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}))
    result = review(path, Settings(backend="none"))
    assert not result.errors
    return result.label.value, [(f.rule, f.address, f.severity) for f in result.findings]


def severity(tmp_path: Path, changes: list[dict[str, Any]], address: str, rule: str = "resource-replace") -> Severity:
    return next(s for r, a, s in findings(tmp_path, changes)[1] if a == address and r == rule)


# A database machine whose own settings switch its public address off: the address it reports is none.
SQL_REPLICA = {"name": "catalog-pg-replica", "master_instance_name": "catalog-pg", "database_version": "POSTGRES_15",
               "settings": [{"tier": "db-custom-4-16384", "ip_configuration": [
                   {"ipv4_enabled": False, "private_network": "projects/p/global/networks/prod-vpc"}]}]}
UNKNOWN_IPS = {"public_ip_address": True, "private_ip_address": True, "ip_address": True}


def test_a_database_replica_with_its_public_switch_off_binds_no_public_address(tmp_path: Path) -> None:
    plan = [created("google_sql_database_instance.catalog_replica", SQL_REPLICA, UNKNOWN_IPS)]
    assert findings(tmp_path, plan) == ("likely_safe", [])


def test_an_invented_postgres_server_with_public_access_off_binds_no_public_address(tmp_path: Path) -> None:
    server = {"name": "orders-postgres", "public_network_access_enabled": False, "version": "16"}
    plan = [created("zenith_postgres_server.orders", server, {"public_ip_address": True})]
    assert not [f for f in findings(tmp_path, plan)[1] if f[0] == "public-host"]


def test_a_database_machine_with_its_public_switch_on_or_unknown_stays_high(tmp_path: Path) -> None:
    on = {**SQL_REPLICA, "settings": [{"ip_configuration": [{"ipv4_enabled": True}]}]}
    plan = [created("google_sql_database_instance.catalog_replica", on, UNKNOWN_IPS)]
    assert severity(tmp_path, plan, "google_sql_database_instance.catalog_replica", "public-host") is Severity.HIGH
    unknown = {**SQL_REPLICA, "settings": [{"ip_configuration": [{"ipv4_enabled": None}]}]}
    plan = [created("google_sql_database_instance.catalog_replica", unknown, UNKNOWN_IPS)]
    assert severity(tmp_path, plan, "google_sql_database_instance.catalog_replica", "public-host") is Severity.HIGH
    blocked = {"name": "orders-db", "block_public_access": True}  # a blocker true is no switch turned off
    plan = [created("zenith_vm.orders_db", blocked, {"public_ip_address": True})]
    assert severity(tmp_path, plan, "zenith_vm.orders_db", "public-host") is Severity.HIGH
