"""Controls, reach, credentials and lifecycle judged by principle, each with a benign look-alike."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def judge(tmp_path: Path, resource_type: str, before: Any, after: Any,
          actions: list[str] | None = None) -> tuple[str, dict[str, Severity]]:
    """Review a one-change plan with rules alone: (label, {rule: worst severity})."""
    if actions is None:
        actions = ["create"] if before is None else ["delete"] if after is None else ["update"]
    result = review_rules_alone(tmp_path, [{
        "address": f"{resource_type}.x", "mode": "managed", "type": resource_type, "name": "x",
        "provider_name": "registry.terraform.io/acme/acme",
        "change": {"actions": actions, "before": before, "after": after, "after_unknown": {}}}])
    return result.label.value, worst_by_rule(result)


# --- lifecycle: deletes judged by what they lose ------------------------------------------------------

@pytest.mark.parametrize(("resource_type", "before", "severity"), [
    ("kubernetes_job_v1", {"metadata": [{"name": "migrate-1"}]}, Severity.LOW),
    ("acme_batch_job", {"name": "backfill"}, Severity.LOW),
    ("aws_iam_access_key", {"user": "ci", "status": "Inactive"}, Severity.MEDIUM),
    ("acme_api_key", {"name": "old"}, Severity.MEDIUM),
    ("cloudflare_record", {"name": "staging-old", "type": "CNAME", "content": "lb.internal"}, Severity.MEDIUM),
    ("aws_route53_record", {"name": "api.example.com", "type": "A"}, Severity.MEDIUM),
])
def test_deletes_that_lose_no_data_are_not_high(tmp_path: Path, resource_type: str, before: Any,
                                                severity: Severity) -> None:
    label, worst = judge(tmp_path, resource_type, before, None)
    assert (label, worst) == ("likely_safe", {"resource-delete": severity})


@pytest.mark.parametrize(("resource_type", "before"), [
    ("aws_glue_job_definition_store", {"name": "x"}),
    ("acme_job_queue", {"name": "q"}),
    ("aws_kms_key", {"key_id": "k"}),
    ("aws_db_instance", {"identifier": "orders"}),
    ("aws_route53_record", {"name": "example.com", "type": "A"}),
    ("aws_route53_record", {"name": "sub.example.com", "type": "NS"}),
    ("acme_cron_job", {"name": "nightly"}),
])
def test_stateful_and_apex_deletes_stay_high(tmp_path: Path, resource_type: str, before: Any) -> None:
    label, worst = judge(tmp_path, resource_type, before, None)
    assert label == "needs_close_review" and Severity.HIGH in worst.values()


# --- credentials: decoded, numeric by name; names, units and lookups are not secrets --------------------

PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n" \
      "-----END RSA PRIVATE KEY-----\n"


def _b64(text: str) -> str:

    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("after", [
    {"name": "ci", "material": _b64(PEM)},
    {"name": "ci", "key_b64": _b64(PEM)[:60] + "\n" + _b64(PEM)[60:]},
    {"name": "ci", "recovery_pin": 48213377},
    {"name": "ci", "admin_pin": "90417733"},
    {"name": "ci", "recovery_codes": ["83920174", "11029384"]},
])
def test_encoded_keys_and_numeric_secrets_are_masked_and_reported(tmp_path: Path, after: dict[str, Any]) -> None:
    label, worst = judge(tmp_path, "acme_service_key", None, after)
    assert label == "needs_close_review" and worst.get("credential-in-plan") is Severity.HIGH


@pytest.mark.parametrize("after", [
    {"name": "ci", "material": _b64("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")},
    {"name": "ci", "pin_count": 4, "port": 8443, "spin_up_seconds": 3000},
    {"startup": "export VAULT_TOKEN=$(gcloud secrets versions access latest --secret=batch-vault-token)\n"},
    {"creation_token": "shared-home", "token_validity_units": [{"access_token": "minutes", "id_token": "hours"}]},
    {"secret_id": "prod-db-password", "token_name": "ci-deploy"},
])
def test_names_units_and_lookups_are_not_secrets(tmp_path: Path, after: dict[str, Any]) -> None:
    assert judge(tmp_path, "acme_thing", None, after) == ("likely_safe", {})


def test_a_token_that_is_not_a_word_is_still_a_secret(tmp_path: Path) -> None:
    _, worst = judge(tmp_path, "acme_thing", None, {"creation_token": "tok-9f8e7d6c5b4a1a2b"})
    assert worst.get("credential-in-plan") is Severity.HIGH


# --- ordered modes: factors, lifetimes, audit modes, private-or-not, sharing ------------------------------

@pytest.mark.parametrize(("resource_type", "before", "after", "rule"), [
    ("acme_signon_rule", {"factor_mode": "2FA"}, {"factor_mode": "1FA"}, "auth-weakened"),
    ("acme_policy", {"required_factors": 2}, {"required_factors": 1}, "auth-weakened"),
    ("acme_signon_rule", {"re_authentication_frequency": "PT2H"}, {"re_authentication_frequency": "PT43800H"},
     "auth-weakened"),
    ("acme_app", {"session_lifetime_minutes": 60}, {"session_lifetime_minutes": 43200}, "auth-weakened"),
    ("acme_app", {"max_session_length": "8h"}, {"max_session_length": "720h"}, "auth-weakened"),
    ("acme_audit_config", {"delivery_mode": "immutable"}, {"delivery_mode": "best_effort"}, "logging-disabled"),
    ("acme_cluster", {"audit_log_mode": "strict"}, {"audit_log_mode": "permissive"}, "logging-disabled"),
    ("acme_trail", {"mode": "full"}, {"mode": "off"}, "logging-disabled"),
    ("acme_bucket", {"access_type": "NoPublicAccess"}, {"access_type": "ObjectReadWithoutList"}, "public-access"),
    ("acme_dashboard", {"visibility": "internal"}, {"visibility": "shared_link"}, "public-access"),
    ("acme_project", {"sharing_mode": "none"}, {"sharing_mode": "ObjectRead"}, "public-access"),
    ("acme_workspace", {"global_remote_state": False}, {"global_remote_state": True}, "public-access"),
])
def test_ordered_modes_weaken(tmp_path: Path, resource_type: str, before: Any, after: Any, rule: str) -> None:
    label, worst = judge(tmp_path, resource_type, before, after)
    assert label == "needs_close_review" and worst.get(rule) is Severity.HIGH, worst


@pytest.mark.parametrize(("resource_type", "before", "after"), [
    ("acme_signon_rule", {"factor_mode": "1FA"}, {"factor_mode": "2FA"}),
    ("acme_signon_rule", {"re_authentication_frequency": "PT12H"}, {"re_authentication_frequency": "PT2H"}),
    ("acme_app", {"session_lifetime_minutes": 30}, {"session_lifetime_minutes": 60}),
    ("aws_iam_role", {"max_session_duration": 3600}, {"max_session_duration": 43200}),
    ("aws_lb", {"idle_timeout": 60}, {"idle_timeout": 4000}),
    ("acme_audit_config", {"delivery_mode": "best_effort"}, {"delivery_mode": "immutable"}),
    ("acme_app", {"log_level": "debug"}, {"log_level": "error"}),
    ("acme_bucket", {"access_type": "ObjectRead"}, {"access_type": "NoPublicAccess"}),
    ("acme_bucket", {"storage_tier": "Standard"}, {"storage_tier": "Archive"}),
    ("acme_volume", {"access_mode": "ReadWriteOnce"}, {"access_mode": "ReadWriteMany"}),
    ("acme_workspace", {"global_remote_state": True}, {"global_remote_state": False}),
])
def test_ordered_modes_strengthened_or_unrelated_stay_quiet(tmp_path: Path, resource_type: str, before: Any,
                                                            after: Any) -> None:
    assert judge(tmp_path, resource_type, before, after) == ("likely_safe", {})


# --- guards read across a resource ---------------------------------------------------------------------

def _index(*exclusions: dict[str, Any]) -> dict[str, Any]:
    return {"name": "main", "exclusion_filter": [{"name": "debug", "is_enabled": True,
                                                  "filter": [{"query": "status:debug", "sample_rate": 1.0}]},
                                                 *exclusions]}


@pytest.mark.parametrize(("resource_type", "before", "after", "severity"), [
    ("datadog_logs_index", _index(), _index({"name": "cost", "is_enabled": True,
                                             "filter": [{"query": "source:cloudtrail", "sample_rate": 1.0}]}),
     Severity.HIGH),
    ("acme_logging_exclusion", None, {"filter": "logName:cloudaudit.googleapis.com%2Factivity", "disabled": False},
     Severity.HIGH),
    ("acme_log_pipeline", {"drop_rules": []}, {"drop_rules": [{"match": "service:okta system log"}]}, Severity.HIGH),
    ("datadog_logs_index", _index(), _index({"name": "sample", "is_enabled": True,
                                             "filter": [{"query": "source:guardduty", "sample_rate": 0.5}]}),
     Severity.MEDIUM),
])
def test_security_logs_excluded(tmp_path: Path, resource_type: str, before: Any, after: Any,
                                severity: Severity) -> None:
    _, worst = judge(tmp_path, resource_type, before, after)
    assert worst.get("logging-disabled") is severity, worst


@pytest.mark.parametrize(("resource_type", "before", "after"), [
    ("datadog_logs_index", _index(), _index({"name": "hc", "is_enabled": True,
                                             "filter": [{"query": "path:/healthz", "sample_rate": 1.0}]})),
    ("datadog_logs_index", _index(), _index({"name": "off", "is_enabled": False,
                                             "filter": [{"query": "source:cloudtrail", "sample_rate": 1.0}]})),
    ("acme_logging_exclusion", None, {"filter": "severity<=DEBUG", "disabled": False}),
    ("datadog_logs_index", _index({"name": "old", "is_enabled": True, "filter": [{"query": "source:cloudtrail"}]}),
     _index({"name": "old", "is_enabled": True, "filter": [{"query": "source:cloudtrail"}]})),
])
def test_debug_and_existing_exclusions_stay_quiet(tmp_path: Path, resource_type: str, before: Any,
                                                  after: Any) -> None:
    assert "logging-disabled" not in judge(tmp_path, resource_type, before, after)[1]


VAR = {"key": "AWS_SECRET_ACCESS_KEY", "value": "(sensitive)", "masked": True, "protected": True}


@pytest.mark.parametrize(("resource_type", "before", "after", "rule"), [
    ("gitlab_project_variable", VAR, {**VAR, "masked": False, "protected": False}, "protection-disabled"),
    ("github_actions_variable", {"variable_name": "DEPLOY_TOKEN", "hidden": True},
     {"variable_name": "DEPLOY_TOKEN", "hidden": False}, "protection-disabled"),
    ("tfe_variable", None, {"key": "AWS_SECRET_ACCESS_KEY", "value": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                            "sensitive": False}, "credential-in-plan"),
])
def test_secret_variables_losing_their_guard(tmp_path: Path, resource_type: str, before: Any, after: Any,
                                             rule: str) -> None:
    assert judge(tmp_path, resource_type, before, after)[1].get(rule) is Severity.HIGH


@pytest.mark.parametrize(("resource_type", "before", "after"), [
    ("gitlab_project_variable", {"key": "LOG_LEVEL", "value": "info", "masked": True},
     {"key": "LOG_LEVEL", "value": "info", "masked": False}),
    ("gitlab_project_variable", {**VAR, "masked": False}, {**VAR, "masked": True}),
    ("tfe_variable", None, {"key": "AWS_REGION", "value": "eu-west-1", "sensitive": False}),
])
def test_plain_variables_and_hardening_stay_quiet(tmp_path: Path, resource_type: str, before: Any,
                                                  after: Any) -> None:
    assert judge(tmp_path, resource_type, before, after) == ("likely_safe", {})


@pytest.mark.parametrize(("resource_type", "after", "severity"), [
    ("aws_lambda_function_url", {"function_name": "admin", "authorization_type": "NONE"}, Severity.HIGH),
    ("aws_apigatewayv2_route", {"route_key": "POST /admin", "authorization_type": "NONE"}, Severity.HIGH),
    ("acme_function", {"name": "f", "auth_type": "anonymous"}, Severity.HIGH),
])
def test_endpoints_created_without_auth(tmp_path: Path, resource_type: str, after: Any, severity: Severity) -> None:
    assert judge(tmp_path, resource_type, None, after)[1].get("public-access") is severity


@pytest.mark.parametrize(("resource_type", "after"), [
    ("aws_lambda_function_url", {"function_name": "admin", "authorization_type": "AWS_IAM"}),
    ("aws_apigatewayv2_route", {"route_key": "POST /admin", "authorization_type": "JWT", "authorizer_id": "a1"}),
    ("aws_api_gateway_method", {"http_method": "OPTIONS", "authorization": "NONE"}),
])
def test_endpoints_with_auth_or_preflight_stay_quiet(tmp_path: Path, resource_type: str, after: Any) -> None:
    assert judge(tmp_path, resource_type, None, after) == ("likely_safe", {})
