"""The long tail of controls read by meaning (vocabulary/records.py, transport and legacy lines, spans.py,
disarmed.py, edge.py's client-chosen skips, rulestext.py, cleanups.py, mutabletags.py): each risky change beside
a benign look-alike that stays likely safe. Providers and names are invented."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def entry(address: str, before: Any, after: Any, actions: list[str] | None = None) -> dict[str, Any]:
    """One resource change by an invented provider."""
    kind, name = address.split(".")
    actions = actions or (["create"] if before is None else ["update"])
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def judged(tmp_path: Path, *changes: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, list(changes))
    return result.label, worst_by_rule(result)


def updated(tmp_path: Path, address: str, before: dict[str, Any], **after: Any) -> tuple[Label, dict[str, Severity]]:
    return judged(tmp_path, entry(address, before, {**before, **after}))


# --- TLS and legacy protocols read by meaning ------------------------------------------------------------------
APPLIANCE = {"hostname": "edge-fw", "admin_tls_versions": "tlsv1-2 tlsv1-3", "proto_min_version": "TLSv1-2",
             "strong_crypto": "enable", "mgmt_telnet": "disable"}


@pytest.mark.parametrize("change", [{"admin_tls_versions": "tlsv1-0 tlsv1-1 tlsv1-2 tlsv1-3"},
                                    {"strong_crypto": "disable"}, {"mgmt_telnet": "enable"}])
def test_appliance_crypto_downgrades_are_high(tmp_path: Path, change: dict[str, Any]) -> None:
    label, worst = updated(tmp_path, "quartzwall_global.main", APPLIANCE, **change)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("tls-downgrade") is Severity.HIGH


def test_tls_13_added_to_the_accepted_versions_stays_safe(tmp_path: Path) -> None:
    label, worst = updated(tmp_path, "quartzwall_global.main", {**APPLIANCE, "admin_tls_versions": "tlsv1-2"},
                           admin_tls_versions="tlsv1-2 tlsv1-3")
    assert "tls-downgrade" not in worst and label is Label.LIKELY_SAFE


# --- per-rule logging and log profiles ----------------------------------------------------------------------
def rule(**overrides: Any) -> dict[str, Any]:
    return {"name": "web-in", "action": "allow", "log_start": False, "log_end": True, "log_setting": "to-siem",
            **overrides}


def test_rule_end_log_off_and_profile_removed_is_high(tmp_path: Path) -> None:
    label, worst = updated(tmp_path, "bastionos_policy.edge", {"rules": [rule()]},
                           rules=[rule(log_end=False, log_setting="")])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("logging-disabled") is Severity.HIGH


def test_rule_start_log_toggled_stays_safe(tmp_path: Path) -> None:
    label, _ = updated(tmp_path, "bastionos_policy.edge", {"rules": [rule()]}, rules=[rule(log_start=True)])
    assert label is Label.LIKELY_SAFE


# --- audit streams: integrity, delivery, categories -----------------------------------------------------------
STREAM = {"name": "control-plane", "categories": ["login.*", "iam.*", "keys.*", "deploy.*"], "hash_chain": True,
          "on_failure": "block"}


@pytest.mark.parametrize("change", [{"categories": ["deploy.*"]}, {"hash_chain": False}, {"on_failure": "drop"}])
def test_audit_stream_losing_what_it_records_is_high(tmp_path: Path, change: dict[str, Any]) -> None:
    label, worst = updated(tmp_path, "tallybook_audit_stream.cp", STREAM, **change)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("logging-disabled") is Severity.HIGH


def test_audit_stream_gaining_a_category_stays_safe(tmp_path: Path) -> None:
    label, worst = updated(tmp_path, "tallybook_audit_stream.cp", STREAM,
                           categories=[*STREAM["categories"], "billing.*"])
    assert "logging-disabled" not in worst and label is Label.LIKELY_SAFE


# --- OAuth clients ----------------------------------------------------------------------------------------------
CLIENT = {"name": "spa", "app_type": "spa", "grant_types": ["implicit"], "trust_forwarded_ip_headers": False}


def test_password_grant_and_trusted_ip_header_are_high(tmp_path: Path) -> None:
    label, worst = updated(tmp_path, "keystone_oauth_app.spa", CLIENT, grant_types=["implicit", "password"],
                           trust_forwarded_ip_headers=True)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("auth-weakened") is Severity.HIGH


def test_authorization_code_and_refresh_added_stay_safe(tmp_path: Path) -> None:
    label, worst = updated(tmp_path, "keystone_oauth_app.spa", CLIENT,
                           grant_types=["implicit", "authorization_code", "refresh_token"])
    assert "auth-weakened" not in worst and label is Label.LIKELY_SAFE


# --- a connection's TLS settings ----------------------------------------------------------------------------------
def profile(tls: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": "orders", "pg_source": [{"host": "10.1.2.3", "port": 5432, "tls_settings": tls}]}


def test_connection_tls_settings_removed_is_high(tmp_path: Path) -> None:
    before = profile([{"ca_certificate": "-----BEGIN CERTIFICATE-----A", "mode": "verify-full"}])
    label, worst = judged(tmp_path, entry("streamly_source.orders", before, profile([])))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("tls-downgrade") is Severity.HIGH


def test_connection_certificate_rotated_stays_safe(tmp_path: Path) -> None:
    before = profile([{"ca_certificate": "-----BEGIN CERTIFICATE-----A", "mode": "verify-full"}])
    after = profile([{"ca_certificate": "-----BEGIN CERTIFICATE-----B", "mode": "verify-full"}])
    label, _ = judged(tmp_path, entry("streamly_source.orders", before, after))
    assert label is Label.LIKELY_SAFE


# --- kept spans ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("key", "old", "new"), [("frozen_period_secs", 31536000, 86400),
                                                 ("retention_hours", 8760, 24), ("history_retention", "90d", "12h"),
                                                 ("retention", 3650, 30)])
def test_retention_cut_to_a_day_or_a_hundredth_is_high(tmp_path: Path, key: str, old: Any, new: Any) -> None:
    label, worst = updated(tmp_path, "logvault_index.security", {"name": "security", key: old}, **{key: new})
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("backup-reduced") is Severity.HIGH


@pytest.mark.parametrize(("key", "old", "new"), [("retention_days", 30, 7), ("retention_secs", 86400, 31536000)])
def test_retention_tuned_or_raised_stays_safe(tmp_path: Path, key: str, old: Any, new: Any) -> None:
    label, worst = updated(tmp_path, "logvault_index.debug", {"name": "debug", key: old}, **{key: new})
    assert worst.get("backup-reduced") is not Severity.HIGH and label is Label.LIKELY_SAFE


# --- blocking rules switched off ----------------------------------------------------------------------------------
def test_blocking_rule_disabled_is_high(tmp_path: Path) -> None:
    label, worst = updated(tmp_path, "webguard_url_rule.malware",
                           {"name": "malware", "action": "BLOCK", "state": "ENABLED"}, state="DISABLED")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("detection-disabled") is Severity.HIGH


@pytest.mark.parametrize(("before", "change"), [({"action": "ALLOW", "state": "ENABLED"}, {"state": "DISABLED"}),
                                                ({"action": "BLOCK", "state": "ENABLED"},
                                                 {"description": "blocks malware and phishing"})])
def test_allow_rule_disabled_or_block_rule_described_stays_safe(tmp_path: Path, before: dict[str, Any],
                                                                 change: dict[str, Any]) -> None:
    label, worst = updated(tmp_path, "webguard_url_rule.other", {"name": "other", "description": "", **before},
                           **change)
    assert "detection-disabled" not in worst and label is Label.LIKELY_SAFE


# --- WAF skips keyed on what the client writes ----------------------------------------------------------------------
def waf(expression: str) -> dict[str, Any]:
    return {"name": "zone", "rules": [{"action": "skip", "expression": expression, "enabled": True}]}


@pytest.mark.parametrize("expression", ['(http.user_agent contains "PingBot")',
                                        'http.request.headers["x-forwarded-for"][0] eq "203.0.113.9"'])
def test_skip_keyed_on_a_client_header_is_high(tmp_path: Path, expression: str) -> None:
    label, worst = judged(tmp_path, entry("edgeco_waf_ruleset.zone", {"name": "zone", "rules": []}, waf(expression)))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("filter-bypass-all") is Severity.HIGH


@pytest.mark.parametrize("expression", ["ip.src in {203.0.113.9/32}", "cf.client.bot",
                                        '(http.user_agent contains "PingBot" and ip.src in $monitors)'])
def test_skip_keyed_on_the_address_or_a_verified_bot_stays_safe(tmp_path: Path, expression: str) -> None:
    _label, worst = judged(tmp_path, entry("edgeco_waf_ruleset.zone", {"name": "zone", "rules": []}, waf(expression)))
    assert "filter-bypass-all" not in worst


# --- security rules text --------------------------------------------------------------------------------------------
RULES = "service docstore {\n  match /databases/{db}/documents {\n    match /%s {\n      allow read, write: if %s;\n" \
        "    }\n  }\n}\n"


def ruleset(path: str, condition: str) -> dict[str, Any]:
    return {"source": [{"files": [{"name": "docstore.rules", "content": RULES % (path, condition)}]}]}


def test_rules_text_that_lets_anyone_in_is_high(tmp_path: Path) -> None:
    before = ruleset("users/{uid}", "request.auth != null && request.auth.uid == uid")
    label, worst = judged(tmp_path, entry("appbase_ruleset.db", before, ruleset("{document=**}", "true"),
                                          ["create", "delete"]))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("public-access") is Severity.HIGH


def test_rules_text_bound_to_the_owner_stays_safe(tmp_path: Path) -> None:
    before = ruleset("users/{uid}", "request.auth != null")
    label, worst = judged(tmp_path, entry("appbase_ruleset.db", before,
                                          ruleset("users/{uid}", "request.auth != null && request.auth.uid == uid")))
    assert "public-access" not in worst and label is Label.LIKELY_SAFE


# --- registry cleanup policies ----------------------------------------------------------------------------------
def cleanup(state: str, age: str) -> dict[str, Any]:
    return {"name": "images", "cleanup": [{"id": "drop", "action": "DELETE",
                                           "condition": [{"tag_state": state, "older_than": age}]}]}


def test_cleanup_deleting_tagged_images_within_a_day_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("crate_registry.images", cleanup("UNTAGGED", "2592000s"),
                                          cleanup("ANY", "86400s")))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("cleanup-in-use") is Severity.HIGH


def test_cleanup_of_untagged_images_after_a_month_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("crate_registry.images", cleanup("UNTAGGED", "7776000s"),
                                          cleanup("UNTAGGED", "2592000s")))
    assert "cleanup-in-use" not in worst and label is Label.LIKELY_SAFE


# --- mutable tags on a repository others push to ---------------------------------------------------------------------
def push_policy(principal: Any) -> str:
    return json.dumps({"Statement": [{"Effect": "Allow", "Principal": principal,
                                      "Action": ["registry:PutImage", "registry:BatchGetImage"]}]})


def mutable(tmp_path: Path, principal: Any) -> tuple[Label, dict[str, Severity]]:
    repo = {"name": "payments", "image_tag_mutability": "IMMUTABLE"}
    return judged(tmp_path, entry("boxhub_repository.payments", repo, {**repo, "image_tag_mutability": "MUTABLE"}),
                  entry("boxhub_repository_policy.payments", None,
                        {"repository": "payments", "policy": push_policy(principal)}))


def test_mutable_tags_where_anyone_in_the_org_pushes_is_high(tmp_path: Path) -> None:
    label, worst = mutable(tmp_path, {"AWS": "*"})
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("mutable-shared-tags") is Severity.HIGH


def test_mutable_tags_where_only_its_ci_role_pushes_stays_safe(tmp_path: Path) -> None:
    _label, worst = mutable(tmp_path, {"AWS": "arn:aws:iam::111122223333:role/payments-ci"})
    assert "mutable-shared-tags" not in worst
