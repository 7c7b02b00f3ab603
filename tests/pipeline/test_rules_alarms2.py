"""Replaces and cuts a careful reviewer waves through (grantswap.py, keptsettings.py, watch.py): a grant handed to a
sibling, a reference moved within its bucket, exceptions trimmed while a block stays on, web ports added, runtime
logs kept a week, only performance logs dropped; each beside its risky twin, which stays high."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

REPLACE = "resource-replace"


def entry(address: str, before: Any, after: Any, replace: bool = True) -> dict[str, Any]:
    """One resource change by an invented provider (a destroy-first replace, or an update)."""
    kind, name = address.split(".")
    actions = ["delete", "create"] if replace else ["update"]
    body: dict[str, Any] = {"actions": actions, "before": before, "after": after, "after_unknown": {},
                            "after_sensitive": {}}
    if replace:
        body["replace_paths"] = [[k] for k in sorted(before) if before.get(k) != after.get(k) and k != "id"]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/nimbus", "change": body,
            **({"action_reason": "replace_because_cannot_update"} if replace else {})}


def judged(tmp_path: Path, address: str, before: Any, after: Any,
           replace: bool = True) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, [entry(address, before, after, replace)])
    return result.label, worst_by_rule(result)


def member(name: str, project: str) -> dict[str, Any]:
    return {"queue": "render", "role": "roles/queues.publisher",
            "member": f"serviceAccount:{name}@{project}.iam.gserviceaccount.com"}


def test_member_swapped_to_a_service_account_of_the_same_project_is_medium(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "nimbus_queue_iam_member.pushers", member("old-api", "orbit-prod"),
                          member("new-worker", "orbit-prod"))
    assert worst.get(REPLACE) is Severity.MEDIUM and label is Label.LIKELY_SAFE


def test_member_swapped_to_another_projects_account_stays_high(tmp_path: Path) -> None:
    _label, worst = judged(tmp_path, "nimbus_queue_iam_member.pushers", member("old-api", "orbit-prod"),
                           member("new-worker", "vendor-sandbox"))
    assert worst.get(REPLACE) is Severity.HIGH


def test_member_and_role_both_changing_stays_high(tmp_path: Path) -> None:
    _label, worst = judged(tmp_path, "nimbus_queue_iam_member.pushers", member("old-api", "orbit-prod"),
                           {**member("new-worker", "orbit-prod"), "role": "roles/queues.admin"})
    assert worst.get(REPLACE) is Severity.HIGH


def catalog_grant(table: str, wildcard: bool = False, database: str = "ledger") -> dict[str, Any]:
    return {"principal": "arn:aws:iam::123456789012:role/readers", "permissions": ["SELECT", "DESCRIBE"],
            "table": [{"catalog_id": "123456789012", "database_name": database, "name": table,
                       "wildcard": wildcard}]}


def test_grant_moved_to_a_sibling_table_is_medium(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "nimbus_catalog_permissions.readers", catalog_grant("orders"),
                          catalog_grant("orders_v2"))
    assert worst.get(REPLACE) is Severity.MEDIUM and label is Label.LIKELY_SAFE


def test_grant_widened_to_every_table_or_moved_to_another_database_stays_high(tmp_path: Path) -> None:
    _label, wild = judged(tmp_path, "nimbus_catalog_permissions.readers", catalog_grant("orders"),
                          catalog_grant("orders_v2", wildcard=True))
    _label, moved = judged(tmp_path, "nimbus_catalog_permissions.readers", catalog_grant("orders"),
                           catalog_grant("orders", database="payroll"))
    assert wild.get(REPLACE) is Severity.HIGH and moved.get(REPLACE) is Severity.HIGH


def security_config(bundle: str, in_transit: bool = True) -> dict[str, Any]:
    return {"name": "prod-encryption", "configuration": json.dumps({"Encryption": {
        "InTransit": in_transit, "AtRest": True, "Certificate": {"Provider": "PEM", "Object": bundle}}})}


def test_config_repointed_to_a_renewed_bundle_in_the_same_bucket_is_medium(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "nimbus_security_configuration.prod",
                          security_config("s3://orbit-certs/tls/bundle.zip"),
                          security_config("s3://orbit-certs/tls/bundle-2031.zip"))
    assert worst.get(REPLACE) is Severity.MEDIUM and label is Label.LIKELY_SAFE


def test_config_pointed_at_another_bucket_or_switched_off_stays_high(tmp_path: Path) -> None:
    _label, other = judged(tmp_path, "nimbus_security_configuration.prod",
                           security_config("s3://orbit-certs/tls/bundle.zip"),
                           security_config("s3://someone-else/tls/bundle.zip"))
    _label, off = judged(tmp_path, "nimbus_security_configuration.prod",
                         security_config("s3://orbit-certs/tls/bundle.zip"),
                         security_config("s3://orbit-certs/tls/bundle-2031.zip", in_transit=False))
    assert other.get(REPLACE) is Severity.HIGH and off.get(REPLACE) is Severity.HIGH


def access_block(block: bool, ranges: list[int]) -> dict[str, Any]:
    return {"block_public_rules": block, "permitted_public_port_range": [
        {"min_range": port, "max_range": port} for port in ranges]}


def test_exception_removed_while_the_block_stays_on_is_medium(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "nimbus_public_access_block.account", access_block(True, [22, 8443]),
                          access_block(True, [8443]))
    assert worst.get(REPLACE) is Severity.MEDIUM and label is Label.LIKELY_SAFE


def test_exception_added_or_block_off_stays_high(tmp_path: Path) -> None:
    _label, added = judged(tmp_path, "nimbus_public_access_block.account", access_block(True, [8443]),
                           access_block(True, [22, 8443]))
    _label, off = judged(tmp_path, "nimbus_public_access_block.account", access_block(True, [22, 8443]),
                         access_block(False, [8443]))
    assert added.get(REPLACE) is Severity.HIGH and off.get(REPLACE) is Severity.HIGH


def rule(port: int, cidr: str) -> dict[str, Any]:
    return {"protocol": "tcp", "from_port": port, "to_port": port, "cidrs": [cidr]}


PORTS = {"instance_name": "shop", "port_info": [rule(80, "0.0.0.0/0"), rule(22, "198.51.100.0/28")]}


def test_public_ports_gaining_https_is_medium(tmp_path: Path) -> None:
    after = {**PORTS, "port_info": [*PORTS["port_info"], rule(443, "0.0.0.0/0")]}
    label, worst = judged(tmp_path, "nimbus_instance_public_ports.shop", PORTS, after)
    assert worst.get(REPLACE) is Severity.MEDIUM and label is Label.LIKELY_SAFE


def test_public_ports_gaining_an_admin_port_stays_high(tmp_path: Path) -> None:
    after = {**PORTS, "port_info": [*PORTS["port_info"], rule(8080, "198.51.100.0/28")]}
    label, worst = judged(tmp_path, "nimbus_instance_public_ports.shop", PORTS, after)
    assert worst.get(REPLACE) is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def log_group(name: str, days: int) -> dict[str, Any]:
    return {"name": name, "retention_in_days": days}


def test_function_runtime_logs_kept_a_week_is_low(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "aws_cloudwatch_log_group.resizer", log_group("/aws/lambda/resizer", 14),
                          log_group("/aws/lambda/resizer", 7), replace=False)
    assert worst.get("backup-reduced") is Severity.LOW and label is Label.LIKELY_SAFE


def test_function_logs_cut_below_a_week_or_named_as_evidence_stay_high(tmp_path: Path) -> None:
    _label, short = judged(tmp_path, "aws_cloudwatch_log_group.resizer", log_group("/aws/lambda/resizer", 30),
                           log_group("/aws/lambda/resizer", 3), replace=False)
    _label, audit = judged(tmp_path, "aws_cloudwatch_log_group.resizer", log_group("/aws/lambda/audit-feed", 14),
                           log_group("/aws/lambda/audit-feed", 7), replace=False)
    assert short.get("backup-reduced") is Severity.HIGH and audit.get("backup-reduced") is Severity.HIGH


def exports(kinds: list[str]) -> dict[str, Any]:
    return {"cluster_identifier": "orders", "enabled_cloudwatch_logs_exports": kinds}


def test_dropping_only_the_profiler_export_is_medium(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "nimbus_document_cluster.orders", exports(["audit", "profiler"]),
                          exports(["audit"]), replace=False)
    assert worst.get("logging-disabled") is Severity.MEDIUM and label is Label.LIKELY_SAFE


def test_dropping_the_audit_export_stays_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "nimbus_document_cluster.orders", exports(["audit", "profiler"]),
                          exports(["profiler"]), replace=False)
    assert worst.get("logging-disabled") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW
