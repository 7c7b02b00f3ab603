"""Benign look-alikes of risky changes and the risky changes they resemble, judged by what attributes mean on
invented providers: deletes that narrow (lifecycle ladders), rotations, transport and agent controls, host
namespaces. Each risky case has a look-alike that stays likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def entry(address: str, before: Any, after: Any, actions: list[str] | None = None) -> dict[str, Any]:
    """One resource change of `terraform show -json` (the provider is read from the type's prefix)."""
    kind, name = address.rsplit(".", 2)[-2:]
    actions = actions or (["create"] if before is None else ["delete"] if after is None else ["update"])
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": f"registry.terraform.io/acme/{kind.split('_', 1)[0]}",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def judged(tmp_path: Path, *changes: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, list(changes))
    return result.label, worst_by_rule(result)


# --- transport and agent controls on invented providers ------------------------------------------------------

def test_a_route_lowered_to_tls_1_0_with_a_3des_suite_is_high(tmp_path: Path) -> None:
    strong = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
    label, found = judged(tmp_path, entry("meshy_route.pay", {"tls_min_version": "1.2", "cipher_suites": strong},
                                          {"tls_min_version": "1.0",
                                           "cipher_suites": [*strong, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"]}))
    assert found["tls-downgrade"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_a_weak_suite_alone_is_high_and_a_strong_one_added_is_not(tmp_path: Path) -> None:
    strong = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
    _, found = judged(tmp_path, entry("meshy_route.pay", {"cipher_suites": strong},
                                      {"cipher_suites": [*strong, "TLS_RSA_WITH_RC4_128_SHA"]}))
    assert found["tls-downgrade"] is Severity.HIGH
    label, found = judged(tmp_path, entry("meshy_route.pay", {"tls_min_version": "1.2", "cipher_suites": strong},
                                          {"tls_min_version": "1.3",
                                           "cipher_suites": [*strong, "TLS_AES_256_GCM_SHA384"]}))
    assert "tls-downgrade" not in found and label is Label.LIKELY_SAFE


def test_an_agent_policy_with_tamper_protection_off_is_high(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("fleety_agent_policy.servers", {"tamper_protection": True},
                                          {"tamper_protection": False}))
    assert found["detection-disabled"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_an_agent_policy_with_tamper_protection_turned_on_is_safe(tmp_path: Path) -> None:
    label, _ = judged(tmp_path, entry("fleety_agent_policy.servers", {"tamper_protection": False, "name": "a"},
                                      {"tamper_protection": True, "name": "b"}))
    assert label is Label.LIKELY_SAFE


# --- host namespaces -----------------------------------------------------------------------------------------

def _pod(**spec: Any) -> dict[str, Any]:
    return {"spec": [{"replicas": "3", "template": [{"spec": [{**spec, "container": [{"name": "a",
                                                                                     "image": "x:1"}]}]}]}]}


def test_a_deployment_given_host_network_and_host_pid_is_high(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("kubernetes_deployment.debug", _pod(host_network=False, host_pid=False),
                                          _pod(host_network=True, host_pid=True)))
    assert found["workload-node-escape"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_one_host_namespace_or_a_daemonset_agent_stays_medium(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("kubernetes_deployment.web", _pod(host_network=False),
                                          _pod(host_network=True)))
    assert found["workload-node-escape"] is Severity.MEDIUM and label is Label.LIKELY_SAFE
    label, found = judged(tmp_path, entry("kubernetes_daemon_set_v1.node_exporter", None,
                                          _pod(host_network=True, host_pid=True)))
    assert found["workload-node-escape"] is Severity.MEDIUM and label is Label.LIKELY_SAFE


# --- deletes that narrow or hand over (lifecycle ladder) --------------------------------------------------------

def _delete_severity(tmp_path: Path, *changes: dict[str, Any]) -> tuple[Label, Severity]:
    label, found = judged(tmp_path, *changes)
    return label, found["resource-delete"]


def test_an_ordered_allow_rule_deleted_narrows_and_a_deny_rule_deleted_stays_high(tmp_path: Path) -> None:
    rule = {"name": "rdp-in", "priority": 300, "direction": "Inbound", "access": "Allow",
            "destination_port_range": "3389", "source_address_prefix": "*"}
    assert _delete_severity(tmp_path, entry("cloudy_firewall_entry.rdp", rule, None)) == \
        (Label.LIKELY_SAFE, Severity.MEDIUM)
    assert _delete_severity(tmp_path, entry("cloudy_firewall_entry.rdp", {**rule, "access": "Deny"}, None))[1] \
        is Severity.HIGH


def test_a_public_acl_deleted_narrows_and_a_private_one_stays_high(tmp_path: Path) -> None:
    assert _delete_severity(tmp_path, entry("blobby_bucket_acl.assets", {"bucket": "b1", "acl": "public-read"},
                                            None)) == (Label.LIKELY_SAFE, Severity.MEDIUM)
    # An object's private ACL deleted may fall back to its bucket's default object ACL (private_acl_removed grades
    # only a bucket's own private default); a bucket ACL with grants stays high too.
    assert _delete_severity(tmp_path, entry("blobby_object_acl.assets", {"bucket": "b1", "acl": "private"},
                                            None))[1] is Severity.HIGH
    assert _delete_severity(tmp_path, entry("blobby_bucket_acl.assets", {"bucket": "b1", "acl": "",
                                                                          "grant": [{"id": "c0ffee", "perm": "READ"}]},
                                            None))[1] is Severity.HIGH


def _listener(port: int, protocol: str) -> dict[str, Any]:
    return {"load_balancer_arn": "arn:lb/web-prod", "port": port, "protocol": protocol}


def test_a_listener_deleted_while_its_balancer_keeps_an_https_one_is_medium(tmp_path: Path) -> None:
    label, severity = _delete_severity(
        tmp_path, entry("edgy_lb_listener.legacy", _listener(8443, "HTTPS"), None),
        entry("edgy_lb_listener.main", {**_listener(443, "HTTPS"), "ssl_policy": "old"},
              {**_listener(443, "HTTPS"), "ssl_policy": "new"}))
    assert (label, severity) == (Label.LIKELY_SAFE, Severity.MEDIUM)


def test_the_only_listener_or_one_leaving_plain_http_stays_high(tmp_path: Path) -> None:
    assert _delete_severity(tmp_path, entry("edgy_lb_listener.main", _listener(443, "HTTPS"), None))[1] \
        is Severity.HIGH
    assert _delete_severity(
        tmp_path, entry("edgy_lb_listener.main", _listener(443, "HTTPS"), None),
        entry("edgy_lb_listener.plain", {**_listener(80, "HTTP"), "x": 1}, {**_listener(80, "HTTP"), "x": 2}))[1] \
        is Severity.HIGH


def _budget(min_available: str) -> dict[str, Any]:
    return {"metadata": [{"name": "api", "namespace": "shop"}], "spec": [{"min_available": min_available}]}


def test_an_object_moved_to_its_versioned_type_under_the_same_name_is_medium(tmp_path: Path) -> None:
    label, severity = _delete_severity(tmp_path, entry("kubernetes_pod_disruption_budget.api", _budget("2"), None),
                                       entry("kubernetes_pod_disruption_budget_v1.api", None, _budget("4")))
    assert (label, severity) == (Label.LIKELY_SAFE, Severity.MEDIUM)


def test_a_versioned_type_created_under_another_name_leaves_the_delete_high(tmp_path: Path) -> None:
    other = {"metadata": [{"name": "web", "namespace": "shop"}], "spec": [{"min_available": "4"}]}
    assert _delete_severity(tmp_path, entry("kubernetes_pod_disruption_budget.api", _budget("2"), None),
                            entry("kubernetes_pod_disruption_budget_v1.web", None, other))[1] is Severity.HIGH


def _app(secret: str) -> dict[str, Any]:
    return {"spec": [{"template": [{"spec": [{"container": [{"name": "app", "env_from": [
        {"secret_ref": [{"name": secret}]}]}]}]}]}]}


def _old_secret() -> dict[str, Any]:
    return entry("kubernetes_secret.legacy", {"metadata": [{"name": "orders-db-legacy", "namespace": "orders"}],
                                              "data": {"password": "x"}}, None)


def test_a_secret_whose_consumer_moves_to_one_the_plan_creates_is_medium(tmp_path: Path) -> None:
    fetched = {"manifest": {"kind": "ExternalSecret", "metadata": {"name": "orders-db", "namespace": "orders"},
                            "spec": {"target": {"name": "orders-db"}}}}
    label, severity = _delete_severity(tmp_path, _old_secret(), entry("kubernetes_manifest.fetched", None, fetched),
                                       entry("kubernetes_deployment.orders", _app("orders-db-legacy"),
                                             _app("orders-db")))
    assert (label, severity) == (Label.LIKELY_SAFE, Severity.MEDIUM)


def test_a_secret_still_referenced_or_moved_to_nothing_new_stays_high(tmp_path: Path) -> None:
    still = entry("kubernetes_deployment.orders", _app("orders-db-legacy"), {**_app("orders-db-legacy"), "x": 1})
    assert _delete_severity(tmp_path, _old_secret(), still)[1] is Severity.HIGH
    moved = entry("kubernetes_deployment.orders", _app("orders-db-legacy"), _app("orders-db"))
    assert _delete_severity(tmp_path, _old_secret(), moved)[1] is Severity.HIGH


def _key(enabled: bool) -> dict[str, Any]:
    return entry("cryptic_kms_key.legacy", {"key_id": "1234abcd-legacy", "is_enabled": enabled,
                                            "deletion_window_in_days": 30}, None)


def _alias_moved() -> list[dict[str, Any]]:
    return [entry("cryptic_kms_key.v2", None, {"description": "v2", "is_enabled": True}),
            entry("cryptic_kms_alias.jobs", {"target_key_id": "1234abcd-legacy"}, {"target_key_id": None})]


def test_a_disabled_key_whose_consumer_moves_to_a_new_key_is_medium(tmp_path: Path) -> None:
    assert _delete_severity(tmp_path, _key(False), *_alias_moved()) == (Label.LIKELY_SAFE, Severity.MEDIUM)


def test_a_live_key_deleted_even_with_a_successor_stays_high(tmp_path: Path) -> None:
    assert _delete_severity(tmp_path, _key(True), *_alias_moved())[1] is Severity.HIGH


def _secondary(name: str) -> dict[str, Any]:
    return {"name": "billing", "server_id": f"srv/{name}", "create_mode": "Secondary",
            "creation_source_database_id": "srv/primary/databases/billing"}


def test_a_geo_secondary_deleted_while_its_primary_stays_is_medium(tmp_path: Path) -> None:
    label, severity = _delete_severity(tmp_path, entry("sqly_database.geo_ne", _secondary("ne"), None),
                                       entry("sqly_database.geo_sc", None, _secondary("sc")))
    assert (label, severity) == (Label.LIKELY_SAFE, Severity.MEDIUM)


def test_a_secondary_deleted_with_its_primary_or_a_primary_stays_high(tmp_path: Path) -> None:
    primary = {"name": "billing", "server_id": "srv/primary", "id": "srv/primary/databases/billing",
               "create_mode": "Default"}
    assert _delete_severity(tmp_path, entry("sqly_database.geo_ne", _secondary("ne"), None),
                            entry("sqly_database.billing", primary, None))[1] is Severity.HIGH
    assert _delete_severity(tmp_path, entry("sqly_database.billing", primary, None))[1] is Severity.HIGH


# --- allow-lists and rotations ------------------------------------------------------------------------------

def _sql(public: bool, networks: list[dict[str, str]]) -> dict[str, Any]:
    return {"settings": [{"ip_configuration": [{"ipv4_enabled": public, "private_network": "vpc",
                                                "authorized_networks": networks}]}]}


def test_an_allow_list_emptied_as_the_public_address_is_turned_off_is_safe(tmp_path: Path) -> None:
    office = [{"name": "office", "value": "198.51.100.7/32"}]
    label, found = judged(tmp_path, entry("cloudy_sql_instance.reporting", _sql(True, office), _sql(False, [])))
    assert "allowlist-emptied" not in found and label is Label.LIKELY_SAFE


def test_an_allow_list_emptied_while_the_public_address_stays_is_high(tmp_path: Path) -> None:
    office = [{"name": "office", "value": "198.51.100.7/32"}]
    label, found = judged(tmp_path, entry("cloudy_sql_instance.reporting", _sql(True, office), _sql(True, [])))
    assert found["allowlist-emptied"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_a_new_org_wide_key_whose_predecessor_is_deleted_is_a_rotation(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("datadog_api_key.q4", None, {"name": "ci-q4"}),
                          entry("datadog_api_key.q3", {"name": "ci-q3", "id": "k3"}, None))
    assert found["iam-privileged-role"] is Severity.MEDIUM and label is Label.LIKELY_SAFE


def test_a_new_org_wide_key_with_no_predecessor_or_a_wider_scope_stays_high(tmp_path: Path) -> None:
    _, found = judged(tmp_path, entry("datadog_api_key.q4", None, {"name": "ci-q4"}))
    assert found["iam-privileged-role"] is Severity.HIGH
    _, found = judged(tmp_path, entry("acme_api_key.new", None, {"name": "n", "scopes": ["admin"]}),
                      entry("acme_api_key.old", {"name": "o", "scopes": ["read"]}, None))
    assert found["iam-privileged-role"] is Severity.HIGH
