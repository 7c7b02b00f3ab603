"""Ordinary work that must not cry wolf — a renamed setting, a secret moved into a store reference, a name under a
blanket sensitive mark, an allow-all network policy or firewall rule or a user's password deleted, a DNS record or
an observer re-made as it was, a deleted object whose referrers move to its successor, a v1 retired after its v2, a
rule moved to its successor kind, a webhook endpoint that checks signatures; each with a risky twin that stays high.
Invented providers (acme_*) check that the rules read what attributes mean, not names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import review
from tfreview.settings import Settings

ACTIONS = {"create": ["create"], "update": ["update"], "delete": ["delete"], "replace": ["delete", "create"]}


def entry(address: str, action: str, before: Any = None, after: Any = None, **change: Any) -> dict[str, Any]:
    """One resource_changes entry; CHANGE adds after_unknown, before_sensitive, replace_paths…"""
    kind, name = address.split(".")[-2:]
    reason = change.pop("reason", "delete_because_no_resource_config" if action == "delete" else None)
    body = {"actions": ACTIONS[action], "before": before, "after": after, "after_unknown": {}, "after_sensitive": {},
            **change}
    found = {"address": address, "mode": "managed", "type": kind, "name": name,
             "provider_name": "registry.terraform.io/acme/acme", "change": body}
    if reason:
        found["action_reason"] = reason
    return found


def worst(tmp_path: Path, changes: list[dict[str, Any]], rule: str, address: str | None = None) -> Severity | None:
    """Review with rules alone: the worst severity of RULE's findings (on ADDRESS when given), None when none."""
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}))
    result = review(path, Settings(backend="none"))
    assert not result.errors
    found = [f.severity for f in result.findings if f.rule == rule and address in (None, f.address)]
    return min(found, key=lambda s: s.rank) if found else None


# --- a setting renamed by a provider upgrade --------------------------------------------------------------
def _store(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    return [entry("acme_vault_store.logs", "update", {"name": "logs", **old}, {"name": "logs", **new})]


def test_renamed_setting_that_keeps_its_value_is_no_downgrade(tmp_path: Path) -> None:
    plan = _store({"enable_encryption_at_rest": True}, {"encryption_at_rest_enabled": True})
    assert worst(tmp_path, plan, "encryption-disabled") is None


def test_setting_dropped_while_its_renamed_twin_is_off_stays_high(tmp_path: Path) -> None:
    plan = _store({"enable_encryption_at_rest": True}, {"encryption_at_rest_enabled": False})
    assert worst(tmp_path, plan, "encryption-disabled") is Severity.HIGH


def test_setting_dropped_without_a_twin_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _store({"enable_encryption_at_rest": True}, {}), "encryption-disabled") is Severity.HIGH


def test_renamed_setting_listed_null_on_both_sides_is_no_downgrade(tmp_path: Path) -> None:
    plan = _store({"enable_encryption_at_rest": True, "encryption_at_rest_enabled": None},
                  {"enable_encryption_at_rest": None, "encryption_at_rest_enabled": True})
    assert worst(tmp_path, plan, "encryption-disabled") is None


def test_setting_nulled_while_its_listed_twin_is_off_stays_high(tmp_path: Path) -> None:
    plan = _store({"enable_encryption_at_rest": True, "encryption_at_rest_enabled": None},
                  {"enable_encryption_at_rest": None, "encryption_at_rest_enabled": False})
    assert worst(tmp_path, plan, "encryption-disabled") is Severity.HIGH


def test_setting_nulled_while_its_twin_was_already_set_stays_high(tmp_path: Path) -> None:
    plan = _store({"enable_encryption_at_rest": True, "encryption_at_rest_enabled": True},
                  {"enable_encryption_at_rest": None, "encryption_at_rest_enabled": True})
    assert worst(tmp_path, plan, "encryption-disabled") is Severity.HIGH


# --- a secret moved into a store reference -----------------------------------------------------------------
def _route(value: str) -> list[dict[str, Any]]:
    header = {"name": "X-Partner-Token", "value_from_secret": value}
    return [entry("acme_route.partner", "update", {"name": "partner", "header": [dict(header, value_from_secret=None)]},
                  {"name": "partner", "header": [header]})]


def test_secret_store_uri_of_any_scheme_is_a_reference(tmp_path: Path) -> None:
    assert worst(tmp_path, _route("keystone://prod/partners/token"), "credential-in-plan") is None


def test_token_in_the_same_place_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _route("pk_live_7Hq2Rz9Lm3XwAb12"), "credential-in-plan") is Severity.HIGH


def test_uri_with_a_password_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _route("redis://default:Hunter2Pass9x@cache:6379"), "credential-in-plan") is Severity.HIGH


# --- a name under a blanket sensitive mark -------------------------------------------------------------------
def _settings(extra: dict[str, str]) -> list[dict[str, Any]]:
    before = {"name": "func-ingest", "app_settings": {"Storage__accountName": "stacingestprod"}}
    after = {"name": "func-ingest", "app_settings": {"Storage__accountName": "stacingestprod", **extra}}
    return [entry("acme_function_app.ingest", "update", before, after, before_sensitive={"app_settings": True})]


def test_account_name_under_a_blanket_mark_is_no_leaked_copy(tmp_path: Path) -> None:
    assert worst(tmp_path, _settings({}), "sensitive-copy") is None


def test_the_same_value_copied_under_another_key_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _settings({"NOTE": "stacingestprod"}), "sensitive-copy") is Severity.HIGH


# --- an allow-all network policy deleted -----------------------------------------------------------------------
def _policy(types: list[str], ingress: list[dict[str, Any]]) -> dict[str, Any]:
    spec = {"pod_selector": [{"match_labels": {}}], "policy_types": types, "ingress": ingress, "egress": []}
    return entry("acme_network_policy_v1.api", "delete", {"metadata": [{"name": "api"}], "spec": [spec]})


def test_deleting_an_allow_all_network_policy_is_medium(tmp_path: Path) -> None:
    plan = [_policy(["Ingress"], [{"from": [], "ports": []}])]
    assert worst(tmp_path, plan, "resource-delete") is Severity.MEDIUM


def test_deleting_a_default_deny_policy_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [_policy(["Ingress"], [])], "resource-delete") is Severity.HIGH


def test_deleting_a_narrow_allow_policy_stays_high(tmp_path: Path) -> None:
    narrow = {"from": [{"namespace_selector": [{"match_labels": {"team": "edge"}}]}], "ports": []}
    assert worst(tmp_path, [_policy(["Ingress"], [narrow])], "resource-delete") is Severity.HIGH


def test_deleting_a_policy_that_also_denies_egress_stays_high(tmp_path: Path) -> None:
    plan = [_policy(["Ingress", "Egress"], [{"from": [], "ports": []}])]
    assert worst(tmp_path, plan, "resource-delete") is Severity.HIGH


def _rule(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [entry("acme_edge_firewall.legacy", "delete", {"name": "legacy", "source_ranges": ["10.0.0.0/8"], **body})]


def test_deleting_an_allow_every_protocol_rule_is_medium(tmp_path: Path) -> None:
    plan = _rule({"allow": [{"protocol": "all", "ports": []}]})
    assert worst(tmp_path, plan, "resource-delete") is Severity.MEDIUM


def test_deleting_a_flat_allow_any_rule_is_medium(tmp_path: Path) -> None:
    plan = _rule({"action": "Allow", "protocol": "*", "destination_port_range": "*"})
    assert worst(tmp_path, plan, "resource-delete") is Severity.MEDIUM


def test_deleting_a_deny_rule_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _rule({"deny": [{"protocol": "all", "ports": []}]}), "resource-delete") is Severity.HIGH
    plan = _rule({"action": "Deny", "protocol": "*", "destination_port_range": "*"})
    assert worst(tmp_path, plan, "resource-delete") is Severity.HIGH


def test_deleting_a_narrow_allow_rule_stays_high(tmp_path: Path) -> None:
    plan = _rule({"allow": [{"protocol": "tcp", "ports": ["22"]}]})
    assert worst(tmp_path, plan, "resource-delete") is Severity.HIGH


# --- a user's sign-in password revoked ------------------------------------------------------------------------
def test_deleting_one_users_password_is_a_revoked_credential(tmp_path: Path) -> None:
    plan = [entry("acme_user_login.jdoe", "delete", {"user_name": "jdoe", "password_reset_required": False})]
    assert worst(tmp_path, plan, "resource-delete") is Severity.MEDIUM


def test_deleting_the_password_policy_stays_high(tmp_path: Path) -> None:
    plan = [entry("acme_account_password_policy.main", "delete", {"minimum_password_length": 14})]
    assert worst(tmp_path, plan, "resource-delete") is Severity.HIGH


def test_deleting_a_store_with_a_user_and_password_stays_high(tmp_path: Path) -> None:
    before = {"username": "admin", "password": "x", "allocated_storage": 200, "engine": "postgres"}
    assert worst(tmp_path, [entry("acme_sql_server.main", "delete", before)], "resource-delete") is Severity.HIGH


# --- a sensitive CI variable deleted -------------------------------------------------------------------------
def test_deleting_a_sensitive_variable_revokes_a_pushed_secret(tmp_path: Path) -> None:
    before = {"key": "CLOUD_SECRET", "category": "env", "sensitive": True, "workspace_id": "ws-prod"}
    assert worst(tmp_path, [entry("acme_run_variable.s", "delete", before)], "resource-delete") is Severity.MEDIUM


def test_deleting_a_plain_variable_stays_high(tmp_path: Path) -> None:
    before = {"key": "DEPLOY_REGION", "category": "env", "sensitive": False, "workspace_id": "ws-prod"}
    assert worst(tmp_path, [entry("acme_run_variable.s", "delete", before)], "resource-delete") is Severity.HIGH


# --- a certificate rotated create-before-destroy ------------------------------------------------------------
def _cert(actions: list[str], bits: int, kind: str = "acme_secret_backend_cert_request") -> list[dict[str, Any]]:
    plan = entry(f"{kind}.int", "replace", {"common_name": "CA 2025", "key_bits": 2048},
                 {"common_name": "CA 2026", "key_bits": bits}, reason="replace_because_cannot_update")
    plan["change"]["actions"] = actions
    return [plan]


def test_certificate_rotated_create_before_destroy_is_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, _cert(["create", "delete"], 4096), "resource-replace") is Severity.MEDIUM


def test_certificate_rotated_to_a_weaker_key_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _cert(["create", "delete"], 1024), "resource-replace") is Severity.HIGH


def test_certificate_destroyed_before_its_successor_stays_high(tmp_path: Path) -> None:
    # A signing request may go first (nothing serves it: test_rules_upgrades); a certificate may not.
    assert worst(tmp_path, _cert(["delete", "create"], 4096, "acme_secret_backend_cert"), "resource-replace") \
        is Severity.HIGH


# --- old snapshots pruned while their policy keeps more ------------------------------------------------------
def _pruned(keep: int, *extra: dict[str, Any]) -> list[dict[str, Any]]:
    return [entry("acme_disk_snapshot.old", "delete", {"disk_id": "d-1", "label": "nightly-0901"}),
            entry("acme_disk_snapshot_schedule.nightly", "update", {"disk_id": "d-1", "keep_last": 7},
                  {"disk_id": "d-1", "keep_last": keep}), *extra]


def test_snapshot_pruned_while_its_schedule_keeps_more_is_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, _pruned(14), "resource-delete", "acme_disk_snapshot.old") is Severity.MEDIUM


def test_snapshot_pruned_while_its_schedule_keeps_fewer_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _pruned(3), "resource-delete", "acme_disk_snapshot.old") is Severity.HIGH


def test_snapshot_pruned_with_its_disk_stays_high(tmp_path: Path) -> None:
    plan = _pruned(14, entry("acme_disk.data", "delete", {"id": "d-1", "size_gb": 100}))
    assert worst(tmp_path, plan, "resource-delete", "acme_disk_snapshot.old") is Severity.HIGH


def test_snapshot_pruned_without_a_schedule_stays_high(tmp_path: Path) -> None:
    plan = _pruned(14)[:1]
    assert worst(tmp_path, plan, "resource-delete", "acme_disk_snapshot.old") is Severity.HIGH


# --- a DNS record re-made under the same name -------------------------------------------------------------------
def _record(name: str, new_name: str) -> list[dict[str, Any]]:
    before = {"zone_id": "z1", "name": name, "type": "A", "content": "203.0.113.40", "proxied": True}
    after = {"zone_id": "z1", "name": new_name, "type": "CNAME", "content": "shop.pages.example", "proxied": True}
    return [entry("acme_dns_record.www", "replace", before, after, replace_paths=[["type"]],
                  reason="replace_because_cannot_update")]


def test_record_replaced_under_the_same_name_is_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, _record("www", "www"), "resource-replace") is Severity.MEDIUM


def test_record_replaced_under_another_name_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _record("www", "shop"), "resource-replace") is Severity.HIGH


def test_apex_record_replaced_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _record("acme-shop.com", "acme-shop.com"), "resource-replace") is Severity.HIGH


# --- an observer re-made as it was ----------------------------------------------------------------------------
def _check(url: str, message: str) -> list[dict[str, Any]]:
    before = {"name": "status up", "type": "api", "status": "live", "locations": ["eu-1", "us-1"],
              "message": "status down @slack-sre", "request": [{"url": "https://status.acme.example"}]}
    after = dict(before, type="browser", message=message, request=[{"url": url}])
    return [entry("acme_synthetics_test.status", "replace", before, after, replace_paths=[["type"]],
                  reason="replace_because_cannot_update")]


def test_observer_replaced_watching_and_telling_the_same_is_medium(tmp_path: Path) -> None:
    plan = _check("https://status.acme.example", "status down @slack-sre")
    assert worst(tmp_path, plan, "resource-replace") is Severity.MEDIUM


def test_observer_replaced_that_tells_nobody_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _check("https://status.acme.example", "status down"), "resource-replace") is Severity.HIGH


def test_observer_replaced_watching_another_host_stays_high(tmp_path: Path) -> None:
    plan = _check("https://other.acme.example", "status down @slack-sre")
    assert worst(tmp_path, plan, "resource-replace") is Severity.HIGH


# --- referrers moved to a successor -----------------------------------------------------------------------------
def _oncall(route_after: str | None, create: bool = True, tls: bool = True) -> list[dict[str, Any]]:
    unknown = {"rule": [{"route_to": True}]} if route_after is None else {}
    old = {"id": "PLG9X2A", "name": "checkout (legacy)", "require_tls": True}
    changes = [entry("acme_oncall_service.legacy", "delete", old),
               entry("acme_router.main", "update", {"id": "R1", "rule": [{"route_to": "PLG9X2A"}]},
                     {"id": "R1", "rule": [{"route_to": route_after}]}, after_unknown=unknown)]
    if create:
        changes.append(entry("acme_oncall_service.checkout", "create", None, {"name": "checkout", "require_tls": tls},
                             after_unknown={"id": True}))
    return changes


def test_deleted_service_whose_router_moves_to_its_successor_is_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, _oncall(None), "resource-delete") is Severity.MEDIUM


def test_deleted_service_still_routed_to_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _oncall("PLG9X2A"), "resource-delete") is Severity.HIGH


def test_deleted_service_whose_successor_is_weaker_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _oncall(None, tls=False), "resource-delete") is Severity.HIGH


def test_deleted_service_without_a_successor_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _oncall(None, create=False), "resource-delete") is Severity.HIGH


def _rota(kind: str) -> list[dict[str, Any]]:
    return [entry("acme_rota.old", "delete", {"name": "EU only"}),
            entry("acme_rota.follow_the_sun", "create", None, {"name": "follow the sun"}, after_unknown={"id": True}),
            entry("acme_escalation.main", "update", {"rule": [{"target": [{"type": kind, "id": "PSCH0LD"}]}]},
                  {"rule": [{"target": [{"type": kind}]}]}, after_unknown={"rule": [{"target": [{"id": True}]}]})]


def test_rota_without_id_whose_reference_of_its_kind_moves_is_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, _rota("rota_reference"), "resource-delete") is Severity.MEDIUM


def test_rota_without_id_when_another_kind_of_reference_moves_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _rota("user_reference"), "resource-delete") is Severity.HIGH


# --- a v1 retired after its v2 --------------------------------------------------------------------------------
def _versions(deleted: str, kept: str, retention: int = 14, log: str = "/fn/{name}",
              key: str = "arn:acme:kms:k1") -> list[dict[str, Any]]:
    fn = {"function_name": kept, "runtime": "python3.12", "kms_key_arn": key}
    old = {"function_name": deleted, "kms_key_arn": "arn:acme:kms:k1"}
    return [entry(f"acme_function.{deleted.replace('-', '_')}", "delete", old),
            entry(f"acme_function.{kept.replace('-', '_')}", "update", fn, dict(fn, memory_size=768)),
            entry("acme_log_group.old", "delete", {"name": log.format(name=deleted), "retention_in_days": retention})]


def test_v1_retired_while_v2_serves_is_medium(tmp_path: Path) -> None:
    plan = _versions("report-gen-v1", "report-gen-v2")
    assert worst(tmp_path, plan, "resource-delete", "acme_function.report_gen_v1") is Severity.MEDIUM


def test_v1_retired_while_a_weaker_v2_serves_stays_high(tmp_path: Path) -> None:
    plan = _versions("report-gen-v1", "report-gen-v2", key="")
    assert worst(tmp_path, plan, "resource-delete", "acme_function.report_gen_v1") is Severity.HIGH


def test_v2_deleted_while_v1_stays_is_high(tmp_path: Path) -> None:
    plan = _versions("report-gen-v2", "report-gen-v1")
    assert worst(tmp_path, plan, "resource-delete", "acme_function.report_gen_v2") is Severity.HIGH


def test_short_lived_log_group_of_a_deleted_function_is_medium(tmp_path: Path) -> None:
    plan = _versions("report-gen-v1", "report-gen-v2")
    assert worst(tmp_path, plan, "resource-delete", "acme_log_group.old") is Severity.MEDIUM


def test_log_group_kept_for_a_year_stays_high(tmp_path: Path) -> None:
    plan = _versions("report-gen-v1", "report-gen-v2", retention=365)
    assert worst(tmp_path, plan, "resource-delete", "acme_log_group.old") is Severity.HIGH


def test_log_group_of_a_function_that_stays_is_high(tmp_path: Path) -> None:
    plan = _versions("report-gen-v1", "report-gen-v2", log="/fn/report-gen-v2")
    assert worst(tmp_path, plan, "resource-delete", "acme_log_group.old") is Severity.HIGH


def test_audit_log_group_stays_high(tmp_path: Path) -> None:
    plan = _versions("report-gen-v1", "report-gen-v2", log="/audit/{name}")
    assert worst(tmp_path, plan, "resource-delete", "acme_log_group.old") is Severity.HIGH


# --- a rule moved to its successor kind ----------------------------------------------------------------------
def _rules(zone: str, expression: str) -> list[dict[str, Any]]:
    old = {"id": "9a78", "zone_id": "z1", "target": "acme.example/blog*", "status": "active",
           "actions": [{"forwarding_url": [{"url": "https://blog.acme.example/$1", "status_code": 301}]}]}
    new = {"zone_id": zone, "name": "redirects", "rules": [{"action": "redirect", "expression": expression}]}
    return [entry("acme_page_rule.old", "delete", old), entry("acme_ruleset.redirects", "create", None, new)]


def test_page_rule_moved_to_a_ruleset_for_the_same_paths_is_medium(tmp_path: Path) -> None:
    plan = _rules("z1", 'starts_with(http.request.uri.path, "/blog")')
    assert worst(tmp_path, plan, "resource-delete") is Severity.MEDIUM


def test_page_rule_deleted_while_a_ruleset_serves_other_paths_stays_high(tmp_path: Path) -> None:
    plan = _rules("z1", 'starts_with(http.request.uri.path, "/shop")')
    assert worst(tmp_path, plan, "resource-delete") is Severity.HIGH


def test_page_rule_deleted_while_another_zone_gets_the_ruleset_stays_high(tmp_path: Path) -> None:
    plan = _rules("z2", 'starts_with(http.request.uri.path, "/blog")')
    assert worst(tmp_path, plan, "resource-delete") is Severity.HIGH


def _unparented(new: dict[str, Any]) -> list[dict[str, Any]]:
    old = {"target": "acme.example/static/*", "actions": [{"cache_level": "cache_everything"}]}
    return [entry("acme_page_rule.old", "delete", old), entry("acme_ruleset.cache", "create", None, new)]


def test_page_rule_moved_where_neither_names_a_parent_is_medium(tmp_path: Path) -> None:
    plan = _unparented({"rules": [{"expression": 'starts_with(http.request.uri.path, "/static/")'}]})
    assert worst(tmp_path, plan, "resource-delete") is Severity.MEDIUM


def test_page_rule_without_a_parent_while_a_zone_gets_the_ruleset_stays_high(tmp_path: Path) -> None:
    plan = _unparented({"zone_id": "z2", "rules": [{"expression": 'starts_with(http.request.uri.path, "/static/")'}]})
    assert worst(tmp_path, plan, "resource-delete") is Severity.HIGH


# --- a webhook endpoint that checks signatures ---------------------------------------------------------------
def _webhook(variables: dict[str, str]) -> list[dict[str, Any]]:
    fn = {"function_name": "stripe-webhook", "environment": [{"variables": variables}]}
    return [entry("aws_lambda_function_url.hook", "create", None,
                  {"function_name": "stripe-webhook", "authorization_type": "NONE"}),
            entry("aws_lambda_function.hook", "update", fn, dict(fn, timeout=30))]


def test_function_url_without_auth_in_front_of_a_signature_check_is_medium(tmp_path: Path) -> None:
    plan = _webhook({"SIGNING_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:1:secret:whsec"})
    assert worst(tmp_path, plan, "public-access") is Severity.MEDIUM


def test_function_url_without_auth_and_no_signature_check_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _webhook({"LOG_LEVEL": "info"}), "public-access") is Severity.HIGH
