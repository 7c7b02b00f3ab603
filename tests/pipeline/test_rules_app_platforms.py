"""App platforms and serverless containers judged by what their settings mean, on invented providers: negated
access checks, route requirements, settings written as name/value lists, site password gates, variable kinds,
access modes, deploy gates, client-bundled secrets, TCP proxies, secret-store references made literal and monitors
re-made live; each with a benign look-alike that stays likely safe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tests.pipeline.test_rules_monitoring_and_modes import resource
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.references import inlined, is_literal_secret, is_reference


def judge(tmp_path: Path, *changes: dict[str, Any]) -> dict[str, Severity]:
    """{rule: worst severity} of a plan with CHANGES, rules alone."""
    return worst_by_rule(review_rules_alone(tmp_path, list(changes)))


def label(tmp_path: Path, *changes: dict[str, Any]) -> Label:
    """The label of a plan with CHANGES, rules alone."""
    return review_rules_alone(tmp_path, list(changes)).label


def update(kind: str, before: Any, after: Any) -> dict[str, Any]:
    """One resource of type KIND updated from BEFORE to AFTER."""
    return resource(f"{kind}.x", after, before=before)


# --- a negated switch on an access check -----------------------------------------------------------------------

def test_an_access_check_disabled_by_a_negated_switch_weakens_auth(tmp_path: Path) -> None:
    change = update("nimbus_run_service", {"name": "admin", "invoker_iam_disabled": False},
                    {"name": "admin", "invoker_iam_disabled": True})
    assert judge(tmp_path, change).get("auth-weakened") is Severity.HIGH
    assert judge(tmp_path, update("nimbus_gateway", {"disable_authentication": False},
                                  {"disable_authentication": True})).get("auth-weakened") is Severity.HIGH


def test_a_negated_check_turned_back_on_and_local_sign_in_disabled_are_quiet(tmp_path: Path) -> None:
    assert label(tmp_path, update("nimbus_run_service", {"invoker_iam_disabled": True},
                                  {"invoker_iam_disabled": False})) is Label.LIKELY_SAFE
    assert label(tmp_path, update("nimbus_search_service", {"local_auth_disabled": False},
                                  {"local_auth_disabled": True})) is Label.LIKELY_SAFE


# --- a route's sign-in and HTTPS requirements, judged on a replace too ------------------------------------------

def _version(login: str, security: str, version: str) -> dict[str, Any]:
    return {"version_id": version, "handlers": [{"url_regex": ".*", "login": login, "security_level": security}]}


def test_a_replaced_version_whose_routes_stop_requiring_sign_in_and_https_is_weaker(tmp_path: Path) -> None:
    change = resource("zephyr_app_version.intranet", _version("LOGIN_OPTIONAL", "SECURE_OPTIONAL", "v2"),
                      before=_version("LOGIN_ADMIN", "SECURE_ALWAYS", "v1"), actions=["create", "delete"])
    found = judge(tmp_path, change)
    assert found.get("auth-weakened") is Severity.HIGH
    assert found.get("tls-downgrade") is Severity.HIGH


def test_a_new_version_with_the_same_or_stricter_routes_is_not_weaker(tmp_path: Path) -> None:
    same = resource("zephyr_app_version.intranet", _version("LOGIN_ADMIN", "SECURE_ALWAYS", "v2"),
                    before=_version("LOGIN_ADMIN", "SECURE_ALWAYS", "v1"), actions=["create", "delete"])
    found = judge(tmp_path, same)
    assert "auth-weakened" not in found and "tls-downgrade" not in found
    assert label(tmp_path, update("zephyr_app_version", _version("LOGIN_OPTIONAL", "SECURE_DEFAULT", "v1"),
                                  _version("LOGIN_REQUIRED", "SECURE_ALWAYS", "v1"))) is Label.LIKELY_SAFE


# --- settings written as name/value lists: the name is read as the key, acronyms split ---------------------------

def _settings(policy: str, size: str = "2") -> dict[str, Any]:
    return {"name": "shop", "setting": [
        {"namespace": "acme:listener:443", "name": "SSLPolicy", "value": policy, "resource": ""},
        {"namespace": "acme:asg", "name": "MinSize", "value": size, "resource": ""}]}


def test_a_tls_policy_lowered_in_a_name_value_setting_is_a_downgrade(tmp_path: Path) -> None:
    change = update("kelp_environment", _settings("ELBSecurityPolicy-TLS13-1-2-2021-06"),
                    _settings("ELBSecurityPolicy-TLS-1-0-2015-04"))
    assert judge(tmp_path, change).get("tls-downgrade") is Severity.HIGH


def test_a_tls_policy_raised_and_a_scale_up_in_name_value_settings_are_quiet(tmp_path: Path) -> None:
    change = update("kelp_environment", _settings("ELBSecurityPolicy-TLS-1-0-2015-04", "2"),
                    _settings("ELBSecurityPolicy-TLS13-1-2-2021-06", "4"))
    assert label(tmp_path, change) is Label.LIKELY_SAFE


# --- a site's password gate ---------------------------------------------------------------------------------------

def test_basic_auth_switched_off_on_a_site_branch_opens_it(tmp_path: Path) -> None:
    change = update("orbit_site_branch", {"branch_name": "staging", "enable_basic_auth": True},
                    {"branch_name": "staging", "enable_basic_auth": False})
    assert judge(tmp_path, change).get("auth-weakened") is Severity.HIGH


def test_basic_auth_turned_on_for_a_site_or_off_on_an_api_server_is_quiet(tmp_path: Path) -> None:
    assert label(tmp_path, update("orbit_site_branch", {"enable_basic_auth": False},
                                  {"enable_basic_auth": True})) is Label.LIKELY_SAFE
    # On an API server basic auth is a legacy sign-in path: switching it off is the stronger side.
    assert label(tmp_path, update("orbit_api_server", {"basic_auth_enabled": True},
                                  {"basic_auth_enabled": False})) is Label.LIKELY_SAFE


# --- a variable's kind moved from secret to plain -----------------------------------------------------------------

def _app(kind: str) -> dict[str, Any]:
    return {"spec": [{"name": "api", "service": [{"name": "api", "env": [
        {"key": "DB_PASSWORD", "value": "(sensitive)", "scope": "RUN_TIME", "type": kind}]}]}]}


def test_a_secret_variable_made_general_is_unmasked(tmp_path: Path) -> None:
    assert judge(tmp_path, update("ferry_app", _app("SECRET"), _app("GENERAL"))).get("variable-unmasked") \
        is Severity.HIGH


def test_a_plain_variable_made_secret_is_quiet(tmp_path: Path) -> None:
    assert label(tmp_path, update("ferry_app", _app("GENERAL"), _app("SECRET"))) is Label.LIKELY_SAFE


# --- a one-word access mode --------------------------------------------------------------------------------------

def test_an_access_policy_moved_from_sso_to_public_opens_the_service(tmp_path: Path) -> None:
    change = update("stratus_service", {"access_policy": "sso", "image": "app:1"},
                    {"access_policy": "public", "image": "app:2"})
    assert judge(tmp_path, change).get("public-access") is Severity.HIGH


def test_an_access_mode_tightened_or_a_switch_word_widened_is_quiet(tmp_path: Path) -> None:
    assert label(tmp_path, update("stratus_service", {"access_policy": "public"},
                                  {"access_policy": "sso"})) is Label.LIKELY_SAFE
    # `enabled` means "whoever may see the project": the word alone does not say the project was private.
    assert label(tmp_path, update("stratus_project", {"visibility": "public", "pages_access_level": "enabled"},
                                  {"visibility": "public", "pages_access_level": "public"})) is Label.LIKELY_SAFE


# --- a deploy gate of any provider ----------------------------------------------------------------------------------

def _gate(approvals: int, bypass: list[str], block: bool) -> dict[str, Any]:
    return {"stage": "production", "required_approvals": approvals, "bypass_actors": bypass,
            "block_on_failed_checks": block}


@pytest.mark.parametrize("after", [_gate(0, ["group:release"], True), _gate(2, ["group:release", "*"], True),
                                   _gate(2, ["group:release"], False)], ids=["approvals", "bypass", "checks"])
def test_a_deploy_gate_loosened_in_any_way_is_weaker(tmp_path: Path, after: dict[str, Any]) -> None:
    change = update("harbor_deploy_gate", _gate(2, ["group:release"], True), after)
    assert judge(tmp_path, change).get("protection-disabled") is Severity.HIGH


def test_a_deploy_gate_made_stricter_is_quiet(tmp_path: Path) -> None:
    # stricter in every way: more approvals, checks enforced, and fewer holders may bypass it (a bypass list that
    # gains members is a loosening: test_rules_modesbypass.py)
    change = update("harbor_deploy_gate", _gate(1, ["group:sre", "group:ops"], False), _gate(2, ["group:sre"], True))
    assert label(tmp_path, change) is Label.LIKELY_SAFE


# --- server secrets under a client-bundle prefix ---------------------------------------------------------------

def test_a_server_secret_under_a_client_bundle_prefix_is_shared(tmp_path: Path) -> None:
    variable = resource("skyline_project_env.x", {"key": "VITE_STRIPE_SECRET_KEY", "value": "(sensitive)",
                                                   "target": ["production"]})
    assert judge(tmp_path, variable).get("secrets-shared") is Severity.HIGH
    site = update("skyline_site", {"env": {"REACT_APP_API_URL": "https://api.example.com"}},
                  {"env": {"REACT_APP_API_URL": "https://api.example.com", "REACT_APP_DB_PASSWORD": "(sensitive)"}})
    assert judge(tmp_path, site).get("secrets-shared") is Severity.HIGH


@pytest.mark.parametrize("key", ["NEXT_PUBLIC_POSTHOG_KEY", "VITE_STRIPE_PUBLISHABLE_KEY", "VITE_SUPABASE_ANON_KEY",
                                 "STRIPE_SECRET_KEY"])
def test_publishable_keys_and_unprefixed_secrets_are_not_bundled(tmp_path: Path, key: str) -> None:
    variable = resource("skyline_project_env.x", {"key": key, "value": "(sensitive)", "target": ["production"]})
    assert "secrets-shared" not in judge(tmp_path, variable)


# --- a TCP proxy in front of a database port ---------------------------------------------------------------------

def test_a_tcp_proxy_to_a_database_port_publishes_it(tmp_path: Path) -> None:
    proxy = resource("quarry_tcp_proxy.db", {"service_id": "svc-1", "application_port": 5432})
    assert judge(tmp_path, proxy).get("public-host") is Severity.HIGH


def test_a_tcp_proxy_to_a_web_port_is_quiet(tmp_path: Path) -> None:
    proxy = resource("quarry_tcp_proxy.game", {"service_id": "svc-1", "application_port": 8080})
    assert label(tmp_path, proxy) is Label.LIKELY_SAFE


# --- a secret-store reference replaced by the secret itself ------------------------------------------------------

REF = "@Microsoft.KeyVault(SecretUri=https://kv-prod.vault.azure.net/secrets/stripe-key/)"
LIVE = "sk_live_51MzQ8hLkq2Xv9TpZr0aB7cD3eF4gH5iJ6kL7"


def _function(before: dict[str, str], after: dict[str, str]) -> dict[str, Any]:
    change = update("acme_function_app", {"name": "fn", "app_settings": before}, {"name": "fn", "app_settings": after})
    change["change"]["before_sensitive"] = {"app_settings": True}
    change["change"]["after_sensitive"] = {"app_settings": True}
    return change


def test_a_reference_replaced_by_a_literal_secret_in_a_sensitive_map_is_found_and_masked(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, [_function({"STRIPE_KEY": REF}, {"STRIPE_KEY": LIVE})])
    assert worst_by_rule(result).get("credential-in-plan") is Severity.HIGH
    assert LIVE not in json.dumps([f.message for f in result.findings])


def test_a_password_put_in_place_of_a_reference_is_masked_even_unmarked(tmp_path: Path) -> None:
    password = "Pr0d-Db-P@ss-2026-Ams!"
    change = update("acme_function_app", {"name": "fn", "app_settings": {"DB_PASSWORD": REF}},
                    {"name": "fn", "app_settings": {"DB_PASSWORD": password}})
    result = review_rules_alone(tmp_path, [change])
    assert worst_by_rule(result).get("credential-in-plan") is Severity.HIGH
    assert password not in result.model_dump_json()


def test_a_reference_added_or_moved_to_another_reference_is_quiet(tmp_path: Path) -> None:
    other = "@Microsoft.KeyVault(VaultName=kv-prod;SecretName=stripe-key;SecretVersion=2)"
    assert label(tmp_path, _function({"STRIPE_KEY": REF}, {"STRIPE_KEY": other})) is Label.LIKELY_SAFE
    assert label(tmp_path, _function({}, {"STRIPE_KEY": REF})) is Label.LIKELY_SAFE


def test_references_and_literals_by_shape() -> None:
    assert is_reference("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf")
    assert is_reference("op://prod/stripe/credential") and not is_reference("sk_live_abc")
    assert is_literal_secret("Pr0d-Db-P@ss-2026!") and not is_literal_secret("enabled")
    assert not is_literal_secret("https://api.example.com/v1")
    document = {"resource_changes": [{"address": "a.b", "change": {"before": {"env": [{"value": REF}]},
                                                                    "after": {"env": [{"value": LIVE}]}}}]}
    assert inlined(document) == [("a.b", "env[0].value", LIVE)]


# --- a monitor re-made live in the same apply ------------------------------------------------------------------

def _check(kind: str, status: str) -> dict[str, Any]:
    return {"name": "checkout", "type": kind, "status": status, "message": "@oncall-checkout"}


def test_a_synthetic_check_replaced_and_live_is_medium(tmp_path: Path) -> None:
    change = resource("acme_synthetics_test.checkout", _check("browser", "live"), before=_check("api", "live"),
                      actions=["delete", "create"])
    assert judge(tmp_path, change).get("resource-replace") is Severity.MEDIUM
    assert label(tmp_path, change) is Label.LIKELY_SAFE


def test_a_synthetic_check_replaced_paused_stays_high(tmp_path: Path) -> None:
    change = resource("acme_synthetics_test.checkout", _check("browser", "paused"), before=_check("api", "live"),
                      actions=["delete", "create"])
    assert judge(tmp_path, change).get("resource-replace") is Severity.HIGH


def test_the_invoke_check_off_on_a_service_named_a_public_website_is_medium(tmp_path: Path) -> None:
    site = update("nimbus_run_service", {"name": "marketing-site", "invoker_iam_disabled": False},
                  {"name": "marketing-site", "invoker_iam_disabled": True})
    assert judge(tmp_path, site).get("auth-weakened") is Severity.MEDIUM
    console = update("nimbus_run_service", {"name": "public-admin-console", "invoker_iam_disabled": False},
                     {"name": "public-admin-console", "invoker_iam_disabled": True})
    assert judge(tmp_path, console).get("auth-weakened") is Severity.HIGH


# --- app platforms' other doors, by what their keys mean --------------------------------------------------------

@pytest.mark.parametrize(("kind", "strong", "weak", "rule"), [
    ("zed_web_app", {"client_certificate_mode": "Required"}, {"client_certificate_mode": "Optional"}, "auth-weakened"),
    ("zed_web_app", {"auth": [{"unauthenticated_action": "RedirectToLoginPage"}]},
     {"auth": [{"unauthenticated_action": "AllowAnonymous"}]}, "auth-weakened"),
    ("zed_web_app", {"remote_debugging_enabled": False}, {"remote_debugging_enabled": True}, "auth-weakened"),
    ("zed_web_app", {"ftp_publish_basic_authentication_enabled": False},
     {"ftp_publish_basic_authentication_enabled": True}, "auth-weakened"),
    ("zed_app", {"require_auth": True}, {"require_auth": False}, "auth-weakened"),
    ("zed_project", {"password_protection": [{"deployment_type": "all"}]}, {"password_protection": []},
     "auth-weakened"),
    ("zed_container_app", {"ingress": [{"external_enabled": False}]}, {"ingress": [{"external_enabled": True}]},
     "public-access"),
    ("zed_http_function", {"auth_level": "function"}, {"auth_level": "anonymous"}, "public-access"),
    ("zed_site", {"preview_access": "team_only"}, {"preview_access": "anyone_with_link"}, "public-access"),
    ("zed_environment", {"setting": [{"namespace": "zed:vpc", "name": "ELBScheme", "value": "internal"}]},
     {"setting": [{"namespace": "zed:vpc", "name": "ELBScheme", "value": "public"}]}, "public-access"),
], ids=["client-cert", "unauthenticated", "debugger", "publish-basic", "require-auth", "password-gate", "external",
        "auth-level", "preview-access", "lb-scheme"])
def test_an_app_platform_door_opened_is_high_and_closing_it_is_quiet(
        tmp_path: Path, kind: str, strong: dict[str, Any], weak: dict[str, Any], rule: str) -> None:
    assert judge(tmp_path, update(kind, strong, weak)).get(rule) is Severity.HIGH
    assert label(tmp_path, update(kind, weak, strong)) is Label.LIKELY_SAFE


def test_a_remote_debugger_on_a_dev_slot_is_medium(tmp_path: Path) -> None:
    slot = update("zed_web_app_slot", {"name": "dev", "tags": {"env": "dev"}, "remote_debugging_enabled": False},
                  {"name": "dev", "tags": {"env": "dev"}, "remote_debugging_enabled": True})
    assert judge(tmp_path, slot).get("auth-weakened") is Severity.MEDIUM


def test_a_parameter_whose_own_type_goes_from_secure_to_plain_is_unmasked(tmp_path: Path) -> None:
    change = resource("zed_ssm_parameter.db", {"name": "/prod/db/password", "type": "String"},
                      before={"name": "/prod/db/password", "type": "SecureString"}, actions=["delete", "create"])
    assert judge(tmp_path, change).get("variable-unmasked") is Severity.HIGH
    hardened = update("zed_ssm_parameter", {"name": "/prod/db/password", "type": "String"},
                      {"name": "/prod/db/password", "type": "SecureString"})
    assert "variable-unmasked" not in judge(tmp_path, hardened)


def test_a_container_made_public_and_serving_plain_http_is_high_and_the_reverse_quiet(tmp_path: Path) -> None:
    private = {"name": "worker", "privacy": "private", "http_option": "redirected"}
    public = {"name": "worker", "privacy": "public", "http_option": "enabled"}
    found = judge(tmp_path, update("zed_container", private, public))
    assert found.get("public-access") is Severity.HIGH and found.get("tls-downgrade") is Severity.HIGH
    assert label(tmp_path, update("zed_container", public, private)) is Label.LIKELY_SAFE


def test_a_setting_name_repeated_in_two_namespaces_is_read_in_each(tmp_path: Path) -> None:
    def listeners(secure: str) -> dict[str, Any]:
        return {"setting": [{"namespace": "zed:listener:443", "name": "Protocol", "value": secure},
                            {"namespace": "zed:listener:8080", "name": "Protocol", "value": "HTTP"}]}
    assert judge(tmp_path, update("zed_environment", listeners("HTTPS"), listeners("HTTP"))).get("tls-downgrade") \
        is Severity.HIGH
    assert label(tmp_path, update("zed_environment", listeners("HTTP"), listeners("HTTPS"))) is Label.LIKELY_SAFE
