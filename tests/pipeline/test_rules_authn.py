"""Authentication and exposure by meaning (invented providers throughout): auth modes moved to none/anonymous,
anyone may write, public hosts, foreign token issuers, policies every token holds, and the endpoints that stay
safe because they still authenticate, check signatures or say they are public and read-only; wiring deletes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def entry(address: str, actions: list[str], before: Any, after: Any, reason: str | None = None) -> dict[str, Any]:
    """One resource_changes entry of `terraform show -json`."""
    kind, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.example.com/acme/acme", **({"action_reason": reason} if reason else {}),
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "before_sensitive": {}, "after_sensitive": {}}}


def _label(tmp_path: Path, changes: list[dict[str, Any]]) -> tuple[str, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, changes)
    return result.label.value, worst_by_rule(result)


def _update(address: str, before: dict[str, Any], changed: dict[str, Any]) -> dict[str, Any]:
    return entry(address, ["update"], before, {**before, **changed})


# --- authentication modes moving to none, on any type and inside JSON text ------------------------------------
@pytest.mark.parametrize(("before", "changed"), [
    ({"name": "gw", "auth_mode": "oidc"}, {"auth_mode": "none"}),
    ({"name": "gw", "routes": [{"authorization": [{"type": "AUTHENTICATION_ONLY"}]}]},
     {"routes": [{"authorization": [{"type": "ANONYMOUS"}]}]}),
    ({"name": "gw", "config": json.dumps({"authType": "function"})}, {"config": json.dumps({"authType": "anonymous"})}),
    ({"name": "gw", "site_authentication": {"deployment_type": "all_deployments"}},
     {"site_authentication": {"deployment_type": "none"}}),
    ({"name": "gw", "auth": [{"is_anonymous_access_allowed": False}]},
     {"auth": [{"is_anonymous_access_allowed": True}]}),
    ({"name": "gw", "ingress": [{"is_publicly_accessible": False}]}, {"ingress": [{"is_publicly_accessible": True}]}),
    ({"name": "net", "policy": json.dumps([{"AllowFromPublic": False}])},
     {"policy": json.dumps([{"AllowFromPublic": True}])}),
    ({"name": "studio", "app_network_access_type": "VpcOnly"}, {"app_network_access_type": "PublicInternetOnly"}),
], ids=["auth-mode", "route-anonymous", "json-camel", "auth-block", "anonymous-allowed", "publicly-accessible",
        "json-allow-from-public", "camel-access-type"])
def test_authentication_or_privacy_dropped_is_high(tmp_path: Path, before: dict[str, Any],
                                                   changed: dict[str, Any]) -> None:
    label, worst = _label(tmp_path, [_update("zeta_gateway.main", before, changed)])
    assert worst.get("public-access") == Severity.HIGH
    assert label == "needs_close_review"


@pytest.mark.parametrize(("before", "changed"), [
    ({"name": "gw", "auth_mode": "none"}, {"auth_mode": "oidc"}),  # tightening
    ({"name": "gw", "config": json.dumps({"authType": "function", "methods": ["POST"]})},
     {"config": json.dumps({"authType": "function", "methods": ["GET", "POST"]})}),
    ({"name": "studio", "app_network_access_type": "PublicInternetOnly"}, {"app_network_access_type": "VpcOnly"}),
    ({"name": "gw", "auth_mode": "oidc"}, {"auth_mode": "jwt"}),
], ids=["tightened", "json-other-key", "camel-tightened", "mode-swapped"])
def test_authentication_kept_or_tightened_is_safe(tmp_path: Path, before: dict[str, Any],
                                                  changed: dict[str, Any]) -> None:
    label, worst = _label(tmp_path, [_update("zeta_gateway.main", before, changed)])
    assert "public-access" not in worst
    assert label == "likely_safe"


def test_anyone_may_write_is_high_and_a_new_public_read_set_is_not(tmp_path: Path) -> None:
    before = {"name": "kb", "public_read": False, "public_write": False}
    _, worst = _label(tmp_path, [_update("vecta_collection.kb", before, {"public_write": True})])
    assert worst.get("public-access") == Severity.HIGH
    demo = entry("vecta_collection.demo", ["create"], None,
                 {"name": "demo", "public_read": True, "public_write": False})
    label, worst = _label(tmp_path, [demo])
    assert worst.get("public-access") == Severity.MEDIUM and label == "likely_safe"


# --- endpoints that still authenticate, check signatures, or are public and read-only --------------------------
def test_new_public_endpoint_that_still_authenticates_is_medium(tmp_path: Path) -> None:
    oidc = entry("zeta_endpoint.eu", ["create"], None, {"name": "llm-eu", "public": True, "auth_mode": "oidc"})
    label, worst = _label(tmp_path, [oidc])
    assert worst.get("public-access") == Severity.MEDIUM and label == "likely_safe"
    bare = entry("zeta_endpoint.eu", ["create"], None, {"name": "llm-eu", "public": True, "auth_mode": "none"})
    assert _label(tmp_path, [bare])[1].get("public-access") == Severity.HIGH


def _domain(anonymous: bool) -> dict[str, Any]:
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
                                                      "Action": "es:ESHttp*", "Resource": "*"}]}
    return entry("aws_opensearch_domain.vectors", ["create"], None, {
        "domain_name": "vectors", "access_policies": json.dumps(policy),
        "advanced_security_options": [{"enabled": True, "anonymous_auth_enabled": anonymous}],
        "vpc_options": [{"subnet_ids": ["subnet-1"]}]})


def test_open_resource_policy_on_a_domain_with_access_control_is_medium(tmp_path: Path) -> None:
    assert _label(tmp_path, [_domain(anonymous=False)])[1].get("iam-public-member") == Severity.MEDIUM
    assert _label(tmp_path, [_domain(anonymous=True)])[1].get("iam-public-member") == Severity.HIGH


def _function(env: dict[str, str], name: str = "orders-hook") -> list[dict[str, Any]]:
    fn = entry("zeta_fn_service.hook", ["create"], None, {"name": name, "env": env})
    grant = entry("zeta_fn_service_iam_member.all", ["create"], None,
                  {"name": name, "role": "roles/fn.invoker", "member": "allUsers"})
    return [fn, grant]


def test_everyone_invoking_a_receiver_that_checks_signatures_is_medium(tmp_path: Path) -> None:
    label, worst = _label(tmp_path, _function({"PAYGATE_WEBHOOK_SECRET": "projects/acme/secrets/paygate-whsec"}))
    assert worst.get("iam-public-member") == Severity.MEDIUM and label == "likely_safe"
    assert _label(tmp_path, _function({"LOG_LEVEL": "info"}))[1].get("iam-public-member") == Severity.HIGH


def _url(methods: list[str], name: str) -> list[dict[str, Any]]:
    url = entry("zeta_function_url.page", ["create"], None, {"function_name": name, "authorization_type": "NONE",
                                                           "cors": [{"allow_methods": methods}]})
    permission = entry("zeta_permission.page", ["create"], None, {"function_name": name, "principal": "*",
                                                                "action": "zeta:InvokeFunctionUrl"})
    return [url, permission]


def test_a_new_public_read_only_endpoint_is_medium_and_a_writable_one_high(tmp_path: Path) -> None:
    label, worst = _label(tmp_path, _url(["GET"], "public-status-page"))
    assert worst.get("public-access") == Severity.MEDIUM and label == "likely_safe"
    assert _label(tmp_path, _url(["GET", "POST"], "public-status-page"))[0] == "needs_close_review"
    assert _label(tmp_path, _url(["GET"], "billing-export"))[0] == "needs_close_review"


def test_a_versioned_secret_reference_is_a_name_not_a_secret(tmp_path: Path) -> None:
    ref = {"key": "PAYGATE_WEBHOOK_SECRET", "secret": "paygate-whsec", "version": "latest"}
    fn = entry("zeta_fn_service.hook", ["create"], None, {"name": "hook", "secret_env": [ref]})
    assert "credential-in-plan" not in _label(tmp_path, [fn])[1]
    inline = {"key": "PAYGATE_WEBHOOK_SECRET", "secret": "whsec9f8a7b6c5d4e3f2a1b0c", "version": "latest"}
    fn = entry("zeta_fn_service.hook", ["create"], None, {"name": "hook", "secret_env": [inline]})
    assert _label(tmp_path, [fn])[1].get("credential-in-plan") == Severity.HIGH


# --- public hosts --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("settings", "expected"), [
    ({"node_public_ip_enabled": True}, "needs_close_review"),
    ({"setup": [{"disable_public_ip": False}]}, "needs_close_review"),
    ({"node_public_ip_enabled": False, "subnet_id": "snet-1"}, "likely_safe"),
    ({"setup": [{"disable_public_ip": True}]}, "likely_safe"),
], ids=["public-ip-on", "disable-public-ip-off", "private", "disabled"])
def test_notebook_compute_with_a_public_ip(tmp_path: Path, settings: dict[str, Any], expected: str) -> None:
    change = entry("zeta_notebook_instance.lab", ["create"], None, {"name": "lab", **settings})
    assert _label(tmp_path, [change])[0] == expected


def _address_for(kind: str, ports: list[int]) -> list[dict[str, Any]]:
    ip = entry("zeta_ip.app", ["create"], None, {"app": "acme-broker", "type": kind})
    machine = _update("zeta_machine.app", {"app": "acme-broker", "services": []},
                      {"services": [{"internal_port": p, "ports": [{"port": p}]} for p in ports]})
    return [ip, machine]


def test_public_address_on_a_workload_serving_non_web_ports(tmp_path: Path) -> None:
    assert _label(tmp_path, _address_for("v4", [4222]))[1].get("public-host") == Severity.HIGH
    assert "public-host" not in _label(tmp_path, _address_for("v4", [443, 80]))[1]
    assert "public-host" not in _label(tmp_path, _address_for("privatev6", [4222]))[1]


# --- token issuers and policies every token holds --------------------------------------------------------------
def _authorizer(old: str, new: str) -> dict[str, Any]:
    before = {"name": "main", "jwt": [{"issuer": old, "audience": ["https://api.acme.io"]}]}
    return _update("zeta_authorizer.main", before, {"jwt": [{"issuer": new, "audience": ["https://api.acme.io"]}]})


def test_issuer_moved_to_a_domain_the_plan_does_not_show_is_high(tmp_path: Path) -> None:
    change = _authorizer("https://idp.acme.io/", "https://dev-9x8y7z.idhost.example.net/")
    assert _label(tmp_path, [change])[1].get("issuer-foreign") == Severity.HIGH
    assert "issuer-foreign" not in _label(tmp_path, [_authorizer("https://acme.idhost.example.net/",
                                                                 "https://login.acme.io/")])[1]


def _policy(name: str, path: str) -> dict[str, Any]:
    own = 'path "auth/token/lookup-self" {\n  capabilities = ["read"]\n}\n'
    return _update(f"zeta_vault_policy.{name}", {"name": name, "policy": own},
                   {"policy": own + f'path "{path}" {{\n  capabilities = ["read", "list"]\n}}\n'})


def test_a_policy_every_token_holds_reading_secrets_is_high(tmp_path: Path) -> None:
    assert _label(tmp_path, [_policy("default", "secret/data/brokers/*")])[1].get("everyone-policy") \
        == Severity.HIGH
    assert "everyone-policy" not in _label(tmp_path, [_policy("orders", "secret/data/brokers/orders")])[1]
    assert "everyone-policy" not in _label(tmp_path, [_policy("default", "sys/capabilities-self")])[1]


# --- wiring deletes --------------------------------------------------------------------------------------------
def _trigger(extra: list[dict[str, Any]]) -> list[dict[str, Any]]:
    gone = "delete_because_no_resource_config"
    rule = entry("zeta_event_rule.warm", ["delete"], {"id": "nightly-warm", "arn": "zeta:rule/nightly-warm",
                                                      "schedule": "cron(0 3 * * ? *)"}, None, gone)
    target = entry("zeta_event_target.warm", ["delete"], {"id": "nightly-warm-fn", "rule": "nightly-warm",
                                                          "arn": "zeta:function:warmer"}, None, gone)
    return [rule, target, *extra]


def test_a_trigger_retired_whole_is_medium(tmp_path: Path) -> None:
    label, worst = _label(tmp_path, _trigger([]))
    assert worst.get("resource-delete") == Severity.MEDIUM and label == "likely_safe"
    kept = _update("zeta_job.other", {"name": "other", "after": "x"}, {"after": "nightly-warm"})
    assert _label(tmp_path, _trigger([kept]))[1].get("resource-delete") == Severity.HIGH


def test_a_subscription_whose_topic_keeps_its_messages_is_medium(tmp_path: Path) -> None:
    sub = entry("zeta_subscription.old", ["delete"], {"topic": "ledger-events", "name": "reporting"}, None)
    topic = {"name": "ledger-events", "retention_hours": 720}
    label, worst = _label(tmp_path, [sub, _update("zeta_topic.ledger", topic, {"retention_hours": 2160})])
    assert worst.get("resource-delete") == Severity.MEDIUM and label == "likely_safe"
    bare = {"name": "ledger-events", "partitions": 6}
    assert _label(tmp_path, [sub, _update("zeta_topic.ledger", bare, {"partitions": 12})])[1].get(
        "resource-delete") == Severity.HIGH


@pytest.mark.parametrize(("config", "expected"), [
    ({"authType": "anonymous", "methods": ["GET", "POST"]}, Severity.HIGH),  # takes writes without auth
    ({"authType": "anonymous", "methods": ["GET"]}, Severity.MEDIUM),
    ({"authType": "function", "methods": ["POST"]}, None),  # signed requests only
], ids=["anonymous-writes", "anonymous-reads", "signed"])
def test_created_without_auth_inside_a_json_setting(tmp_path: Path, config: dict[str, Any],
                                                    expected: Severity | None) -> None:
    trigger = entry("zeta_fc_trigger.export", ["create"], None, {"name": "http", "config": json.dumps(config)})
    assert _label(tmp_path, [trigger])[1].get("public-access") == expected
