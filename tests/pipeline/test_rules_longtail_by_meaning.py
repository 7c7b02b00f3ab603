"""The long tail of identity and protection controls, read by what attributes mean (vocabulary/longtail.py,
vocabulary/throttles.py, everyone.py, transport.py, blinding.py, grantswap.py, hardcoded.py, credential_names.py):
each risky change beside a benign look-alike that stays likely safe. Providers and names are invented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

AUTH = "auth-weakened"
PRIVILEGED = "iam-privileged-role"
TLS = "tls-downgrade"
LOGGING = "logging-disabled"


def entry(address: str, before: Any, after: Any, **change: Any) -> dict[str, Any]:
    """One resource change by an invented provider (an update, or a create when BEFORE is None)."""
    kind, name = address.split(".")
    actions = ["create"] if before is None else ["update"]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}, **change}}


def judged(tmp_path: Path, *changes: dict[str, Any], **sections: Any) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, list(changes), **sections)
    return result.label, worst_by_rule(result)


def settings(**values: Any) -> dict[str, Any]:
    return {"id": "obj-0001", "name": "ledger", **values}


# --- an assignment requirement turned off --------------------------------------------------------------------


def test_app_no_longer_requiring_assignment_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("skyid_enterprise_app.ledger", settings(user_assignment_required=True),
                                          settings(user_assignment_required=False)))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(AUTH) is Severity.HIGH


def test_app_keeping_its_assignment_requirement_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("skyid_enterprise_app.ledger",
                                          settings(user_assignment_required=True, owners=["a@example.com"]),
                                          settings(user_assignment_required=True,
                                                   owners=["a@example.com", "b@example.com"])))
    assert AUTH not in worst and label is Label.LIKELY_SAFE


def test_app_starting_to_require_assignment_stays_safe(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, entry("skyid_enterprise_app.ledger", settings(user_assignment_required=False),
                                           settings(user_assignment_required=True)))
    assert label is Label.LIKELY_SAFE


# --- a rate limit that only watches, or lets ten times as many attempts through ------------------------------


def limit(mode: str, threshold: int, period: int = 60) -> dict[str, Any]:
    return settings(threshold=threshold, period=period, action=[{"mode": mode, "timeout": 600}])


def test_sign_in_limit_moved_to_log_mode_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("edgeco_rate_limit.signin", limit("block", 5), limit("log", 5)))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(AUTH) is Severity.HIGH


def test_sign_in_limit_raised_twentyfold_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("edgeco_rate_limit.signin", limit("block", 5), limit("block", 100)))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(AUTH) is Severity.HIGH


def test_sign_in_limit_tuned_a_little_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("edgeco_rate_limit.signin", limit("block", 5), limit("block", 10, 120)))
    assert AUTH not in worst and label is Label.LIKELY_SAFE


def test_sign_in_limit_moved_from_log_to_block_stays_safe(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, entry("edgeco_rate_limit.signin", limit("log", 5), limit("block", 5)))
    assert label is Label.LIKELY_SAFE


def test_rate_limit_block_inside_another_type_is_read_too(tmp_path: Path) -> None:
    before = settings(rate_limit=[{"threshold": 50, "action": "challenge"}])
    label, worst = judged(tmp_path, entry("edgeco_waf_rule.api", before,
                                          settings(rate_limit=[{"threshold": 50, "action": "count"}])))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(AUTH) is Severity.HIGH


# --- a manage level granted to the group every account belongs to --------------------------------------------


def acl(*grants: tuple[str, str]) -> dict[str, Any]:
    return settings(access_control=[{"group_name": group, "permission_level": level, "user_name": ""}
                                    for group, level in grants])


def test_manage_granted_to_every_account_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("lakeco_permissions.warehouse",
                                          acl(("platform-admins", "CAN_MANAGE"), ("analysts", "CAN_USE")),
                                          acl(("platform-admins", "CAN_MANAGE"), ("all-users", "CAN_MANAGE"))))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(PRIVILEGED) is Severity.HIGH


def test_view_granted_to_every_account_is_not_this_rule(tmp_path: Path) -> None:
    _label, worst = judged(tmp_path, entry("lakeco_permissions.warehouse",
                                           acl(("platform-admins", "CAN_MANAGE")),
                                           acl(("platform-admins", "CAN_MANAGE"), ("all-users", "CAN_VIEW"))))
    assert PRIVILEGED not in worst


def test_manage_granted_to_a_named_team_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("lakeco_permissions.warehouse",
                                          acl(("platform-admins", "CAN_MANAGE"), ("analysts", "CAN_USE")),
                                          acl(("platform-admins", "CAN_MANAGE"), ("analysts", "CAN_RESTART"))))
    assert PRIVILEGED not in worst and label is Label.LIKELY_SAFE


# --- single sign-on mapping every user to admin -------------------------------------------------------------


BY_GROUP = "contains(groups[*], 'dash-admins') && 'Admin' || 'Viewer'"


def sso(path: str, assign_admin: bool = False) -> dict[str, Any]:
    return settings(oauth=[{"role_attribute_path": path, "allow_assign_server_admin": assign_admin,
                            "scopes": "openid email"}])


def test_sso_mapping_everyone_to_admin_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("dashco_sso_settings.okta", sso(BY_GROUP), sso("'Admin'", True)))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(PRIVILEGED) is Severity.HIGH


def test_sso_mapping_kept_by_group_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("dashco_sso_settings.okta", sso(BY_GROUP),
                                          sso("contains(groups[*], 'dash-admins') && 'Editor' || 'Viewer'")))
    assert PRIVILEGED not in worst and label is Label.LIKELY_SAFE


def test_sso_mapping_read_from_a_claim_named_admin_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("dashco_sso_settings.okta", sso(BY_GROUP), sso("admin_level")))
    assert PRIVILEGED not in worst and label is Label.LIKELY_SAFE


def test_saml_default_role_raised_to_admin_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("dashco_saml_config.corp", settings(default_role="Viewer"),
                                          settings(default_role="Admin")))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(PRIVILEGED) is Severity.HIGH


def test_saml_default_role_lowered_from_admin_stays_safe(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, entry("dashco_saml_config.corp", settings(default_role="Admin"),
                                           settings(default_role="Viewer")))
    assert label is Label.LIKELY_SAFE


# --- a database's SSL mode ordered by what it still enforces ------------------------------------------------


def ssl(mode: str) -> dict[str, Any]:
    return settings(network=[{"private_only": True, "ssl_mode": mode}])


def test_client_certificates_dropped_but_encryption_kept_is_not_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("sqlco_instance.billing", ssl("TRUSTED_CLIENT_CERTIFICATE_REQUIRED"),
                                          ssl("ENCRYPTED_ONLY")))
    assert worst.get(TLS) is Severity.MEDIUM and label is Label.LIKELY_SAFE


def test_unencrypted_connections_allowed_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("sqlco_instance.billing", ssl("TRUSTED_CLIENT_CERTIFICATE_REQUIRED"),
                                          ssl("ALLOW_UNENCRYPTED_AND_ENCRYPTED")))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(TLS) is Severity.HIGH


# --- an audit-log exemption for the cloud's own service agent -----------------------------------------------


AGENT = "serviceAccount:service-210987654321@gcp-sa-healthcheck.iam.gserviceaccount.com"


def audit(*exempt: str) -> dict[str, Any]:
    return settings(audit_log_config=[{"log_type": "ADMIN_READ", "exempted_members": []},
                                      {"log_type": "DATA_READ", "exempted_members": list(exempt)}])


def test_service_agent_exempted_from_audit_logs_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("cloudx_audit_config.all", audit(), audit(AGENT)))
    assert worst.get(LOGGING) is Severity.MEDIUM and label is Label.LIKELY_SAFE


def test_workload_account_exempted_from_audit_logs_is_high(tmp_path: Path) -> None:
    workload = "serviceAccount:batch-runner@orders-prod.iam.gserviceaccount.com"
    label, worst = judged(tmp_path, entry("cloudx_audit_config.all", audit(), audit(AGENT, workload)))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(LOGGING) is Severity.HIGH


# --- a Kafka ACL handed to another service account of the same organisation ----------------------------------


def kafka_acl(principal: str, operation: str = "READ") -> dict[str, Any]:
    return {"principal": principal, "operation": operation, "permission": "ALLOW", "host": "*",
            "pattern_type": "PREFIXED", "resource_name": "invoices.", "resource_type": "TOPIC"}


def replaced(address: str, before: dict[str, Any], after: dict[str, Any], path: str) -> dict[str, Any]:
    change = entry(address, before, after, replace_paths=[[path]])
    change["change"]["actions"] = ["delete", "create"]
    change["action_reason"] = "replace_because_cannot_update"
    return change


def test_acl_handed_to_another_service_account_stays_safe(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, replaced("streamco_kafka_acl.reader", kafka_acl("User:sa-q7w2e9"),
                                              kafka_acl("User:sa-z4x8c1"), "principal"))
    assert label is Label.LIKELY_SAFE


def test_acl_replaced_with_another_operation_is_high(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, replaced("streamco_kafka_acl.reader", kafka_acl("User:sa-q7w2e9"),
                                              kafka_acl("User:sa-z4x8c1", "ALTER"), "principal"))
    assert label is Label.NEEDS_CLOSE_REVIEW


# --- a literal secret a replaced object already held -------------------------------------------------------


def keyed(secret: str) -> dict[str, Any]:
    return {"name": "relay", "region": "eu-1", "credentials": [{"key": "RELAYKEY01", "secret": secret}]}


def configured(secret: str) -> dict[str, Any]:
    expressions = {"name": {"constant_value": "relay"}, "region": {"constant_value": "eu-1"},
                   "credentials": [{"key": {"constant_value": "RELAYKEY01"}, "secret": {"constant_value": secret}}]}
    return {"root_module": {"resources": [{"address": "queueco_relay.main", "mode": "managed",
                                            "type": "queueco_relay", "name": "main", "expressions": expressions}]}}


def secret_replace(tmp_path: Path, old: str, new: str) -> dict[str, Severity]:
    change = replaced("queueco_relay.main", keyed(old), {**keyed(new), "region": "eu-2"}, "region")
    change["change"]["before_sensitive"] = change["change"]["after_sensitive"] = {"credentials": True}
    return judged(tmp_path, change, configuration=configured(new))[1]


def test_replaced_object_keeping_its_literal_secret_is_not_a_new_one(tmp_path: Path) -> None:
    assert "secret-in-code" not in secret_replace(tmp_path, "q8Zr2mX5vL0pW3", "q8Zr2mX5vL0pW3")


def test_replaced_object_given_a_new_literal_secret_is_reported(tmp_path: Path) -> None:
    assert secret_replace(tmp_path, "q8Zr2mX5vL0pW3", "n4Tb7kY1cH9sF6").get("secret-in-code") is Severity.MEDIUM


# --- an API-key setting whose value is an enum, not a key ---------------------------------------------------


def test_api_key_setting_holding_an_enum_is_no_credential(tmp_path: Path) -> None:
    before = settings(restrict_create_apikey="RESTRICTED", mfa="A")
    label, worst = judged(tmp_path, entry("acctco_settings.main", before, {**before, "mfa": "B"}))
    assert "credential-in-plan" not in worst and label is Label.LIKELY_SAFE


def test_api_key_setting_holding_a_key_is_a_credential(tmp_path: Path) -> None:
    _label, worst = judged(tmp_path, entry("acctco_settings.main", settings(apikey="a"),
                                           settings(apikey="Xk29fLq8ZpR3vT7w")))
    assert worst.get("credential-in-plan") is Severity.HIGH
