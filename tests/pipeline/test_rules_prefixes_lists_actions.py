"""Principles found by unseen sets' first runs, each risky case beside a benign look-alike: a lifecycle rule limited
to the prefix a cloud's log delivery writes everything under (expiration.py); a list built from several references
read as the items of its known ones (resolved.py); a client-auth mode moved from verified to passed through
(vocabulary/signin.py); an action that stopped requests moved to none (vocabulary/postures.py); an output named for
a key whose secret is only known after apply (credentials.py); a sink's state moved from streaming to suspended
(vocabulary/terms.py); an access list that lets everyone on the network reach everything (anytoany.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label


def entry(address: str, before: Any, after: Any, unknown: dict[str, Any] | None = None,
          provider: str = "globex/globex") -> dict[str, Any]:
    kind, name = address.split(".")
    actions = ["create"] if before is None else ["update"]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": f"registry.terraform.io/{provider}",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": unknown or {},
                       "before_sensitive": {} if before is not None else False, "after_sensitive": {}}}


# --- a lifecycle rule limited to AWSLogs/ -----------------------------------------------------------------------

def lifecycle(tmp_path: Path, prefix: str) -> Label:
    rule = {"id": "trim", "status": "Enabled", "filter": [{"prefix": prefix}], "expiration": [{"days": 1}]}
    old = {"bucket": "globex-trail", "rule": [{"id": "keep", "status": "Enabled", "filter": [{"prefix": prefix}],
                                               "transition": [{"days": 90, "storage_class": "GLACIER"}]}]}
    new = {"bucket": "globex-trail", "rule": [rule]}
    return review_rules_alone(tmp_path, [entry("aws_s3_bucket_lifecycle_configuration.trail", old, new,
                                               provider="hashicorp/aws")]).label


def test_expiry_under_the_log_delivery_prefix_expires_the_whole_log_bucket(tmp_path: Path) -> None:
    assert lifecycle(tmp_path, "AWSLogs/") is Label.NEEDS_CLOSE_REVIEW


def test_expiry_under_a_scratch_prefix_stays_safe(tmp_path: Path) -> None:
    assert lifecycle(tmp_path, "tmp/uploads/") is Label.LIKELY_SAFE


# --- a member list built from a variable and a created resource ---------------------------------------------------

def binding(tmp_path: Path, extra: list[str]) -> Label:
    change = entry("google_project_iam_binding.readers", None, {"project": "globex-prod", "role": "roles/viewer"},
                   unknown={"members": True}, provider="hashicorp/google")
    configuration = {"root_module": {"resources": [
        {"address": "google_project_iam_binding.readers", "mode": "managed", "type": "google_project_iam_binding",
         "name": "readers", "expressions": {
             "project": {"constant_value": "globex-prod"}, "role": {"constant_value": "roles/viewer"},
             "members": {"references": ["var.extra_readers", "google_service_account.ci.email",
                                        "google_service_account.ci"]}}}]}}
    return review_rules_alone(tmp_path, [change], configuration=configuration,
                              variables={"extra_readers": {"value": extra}}).label


def test_members_joined_from_a_variable_holding_everyone_are_public(tmp_path: Path) -> None:
    assert binding(tmp_path, ["group:readers@globex.example", "allUsers"]) is Label.NEEDS_CLOSE_REVIEW


def test_members_joined_from_a_variable_of_named_readers_stay_safe(tmp_path: Path) -> None:
    assert binding(tmp_path, ["group:readers@globex.example"]) is Label.LIKELY_SAFE


# --- client-auth modes and actions -----------------------------------------------------------------------------

def moved(tmp_path: Path, address: str, key: str, block: str | None, before: str, after: str) -> dict[str, Any]:
    def side(value: str) -> dict[str, Any]:
        return {"name": "checkout", block: {key: value}} if block else {"name": "checkout", key: value}
    result = review_rules_alone(tmp_path, [entry(address, side(before), side(after))])
    return {"label": result.label, "worst": worst_by_rule(result)}


def test_client_auth_mode_moved_from_mtls_to_passthrough_is_weakened(tmp_path: Path) -> None:
    got = moved(tmp_path, "globex_origin_policy.checkout", "mode", "client_auth", "mtls", "passthrough")
    assert got["label"] is Label.NEEDS_CLOSE_REVIEW and "auth-weakened" in got["worst"]


def test_client_auth_mode_moved_from_optional_to_mtls_stays_safe(tmp_path: Path) -> None:
    got = moved(tmp_path, "globex_origin_policy.checkout", "mode", "client_auth", "optional", "mtls")
    assert got["label"] is Label.LIKELY_SAFE


def test_attack_group_action_moved_from_deny_to_none_stops_blocking(tmp_path: Path) -> None:
    got = moved(tmp_path, "globex_waf_group.sqli", "group_action", None, "deny", "none")
    assert got["label"] is Label.NEEDS_CLOSE_REVIEW and "detection-disabled" in got["worst"]


def test_attack_group_action_moved_from_alert_to_deny_stays_safe(tmp_path: Path) -> None:
    assert moved(tmp_path, "globex_waf_group.sqli", "group_action", None, "alert", "deny")["label"] \
        is Label.LIKELY_SAFE


# --- an output named for a key whose secret is known only after apply ---------------------------------------------

def test_plain_output_named_for_a_created_key_with_an_unknown_secret_leaks_it(tmp_path: Path) -> None:
    key = entry("globex_account_key.admin", None, {"account": "tf-admin"},
                unknown={"id": True, "private_key": True})
    outputs = {"admin_key": {"actions": ["create"], "before": None, "after": None, "after_unknown": True,
                             "before_sensitive": False, "after_sensitive": False}}
    assert review_rules_alone(tmp_path, [key], output_changes=outputs).label is Label.NEEDS_CLOSE_REVIEW


def test_plain_output_named_for_a_key_with_no_secret_created_stays_safe(tmp_path: Path) -> None:
    key = entry("globex_account_key.admin", None, {"account": "tf-admin"}, unknown={"id": True})
    outputs = {"admin_key": {"actions": ["create"], "before": None, "after": None, "after_unknown": True,
                             "before_sensitive": False, "after_sensitive": False}}
    assert review_rules_alone(tmp_path, [key], output_changes=outputs).label is Label.LIKELY_SAFE


# --- a sink that stops streaming -------------------------------------------------------------------------------

def sink(tmp_path: Path, before: str, after: str) -> Label:
    return review_rules_alone(tmp_path, [entry("globex_audit_sink.siem", {"name": "siem", "state": before},
                                               {"name": "siem", "state": after})]).label


def test_audit_sink_moved_from_streaming_to_suspended_stops_detection(tmp_path: Path) -> None:
    assert sink(tmp_path, "streaming", "suspended") is Label.NEEDS_CLOSE_REVIEW


def test_audit_sink_resumed_stays_safe(tmp_path: Path) -> None:
    assert sink(tmp_path, "paused", "streaming") is Label.LIKELY_SAFE


# --- an access list from everyone to everything ------------------------------------------------------------------

def acl(tmp_path: Path, source: str, destination: str) -> Label:
    def text(dst: str) -> str:
        return json.dumps({"acls": [{"action": "accept", "src": ["group:sre"], "dst": ["tag:db:5432"]},
                                    {"action": "accept", "src": [source], "dst": [dst]}]})
    return review_rules_alone(tmp_path, [entry("globex_mesh_acl.main", {"policy": text("tag:web:443")},
                                               {"policy": text(destination)})]).label


def test_everyone_on_the_mesh_reaching_every_host_and_port_is_high(tmp_path: Path) -> None:
    assert acl(tmp_path, "autogroup:member", "*:*") is Label.NEEDS_CLOSE_REVIEW


def test_everyone_reaching_one_more_web_port_or_admins_reaching_everything_stays_safe(tmp_path: Path) -> None:
    assert acl(tmp_path, "autogroup:member", "tag:web:8443") is Label.LIKELY_SAFE
    assert acl(tmp_path, "group:netadmins", "*:*") is Label.LIKELY_SAFE
