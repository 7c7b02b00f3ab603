"""Public by design and handed over: a new public receiver that verifies every caller's signature, an edge (CDN)
property whose origin accepts only authenticated pulls, a delete that goes with a whole preview module instance, a
Secret a syncing object re-makes; each is medium and its risky twin stays high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tests.pipeline.test_rules_endpoints_peers_nonproduction import entry
from tfreview.pipeline.findings import Severity

RECEIVER = {"name": "partner-events", "path": "/partner/events", "public": True,
            "forward_to": "http://events.team.svc.cluster.local:8080/in"}


@pytest.mark.parametrize("checks", [
    {"verify_signatures": True, "signing_secret_ref": "vault://team/partner/webhook"},
    {"hmac_secret": "(sensitive value)", "source_ip_allowlist": ["192.0.2.0/24"]},
], ids=["verified", "hmac-secret"])
def test_public_receiver_that_verifies_signatures_is_medium(tmp_path: Path, checks: dict[str, Any]) -> None:
    result = review_rules_alone(tmp_path, [entry("zedhook_endpoint.partner", ["create"], None,
                                                 {**RECEIVER, **checks})])
    assert worst_by_rule(result).get("public-access") == Severity.MEDIUM
    assert result.label.value == "likely_safe"


@pytest.mark.parametrize("checks", [
    {"verify_signatures": False, "signing_secret_ref": "vault://team/partner/webhook"},
    {"verify_signatures": True},  # no secret to verify with
    {"signature_scheme": "none", "signing_secret_ref": "vault://team/partner/webhook"},
    {},
], ids=["verification-off", "no-secret", "scheme-none", "nothing"])
def test_public_receiver_without_a_working_check_stays_high(tmp_path: Path, checks: dict[str, Any]) -> None:
    result = review_rules_alone(tmp_path, [entry("zedhook_endpoint.partner", ["create"], None,
                                                 {**RECEIVER, **checks})])
    assert worst_by_rule(result).get("public-access") == Severity.HIGH


def _edge(origin: dict[str, Any], origin_name: str = "assets-prod") -> list[dict[str, Any]]:
    return [entry("skycache_origin.assets", ["create"], None,
                  {"name": origin_name, "hostname": f"{origin_name}.example.com", "port": 443, **origin}),
            entry("skycache_property.assets", ["create"], None,
                  {"hostname": "cdn.example.com", "public": True, "origin": origin_name})]


def test_edge_property_whose_origin_takes_only_authenticated_pulls_is_medium(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, _edge({"authenticated_origin_pull": True}))
    assert worst_by_rule(result).get("public-access") == Severity.MEDIUM
    assert result.label.value == "likely_safe"


@pytest.mark.parametrize(("origin", "name"), [
    ({}, "assets-prod"),  # no origin auth
    ({"authenticated_origin_pull": False}, "assets-prod"),
    ({"authenticated_origin_pull": True}, "admin-console"),  # fronts an admin origin
    ({"origin_auth_disabled": True}, "assets-prod"),
], ids=["no-origin-auth", "origin-auth-off", "admin-origin", "negated-switch"])
def test_other_edge_properties_stay_high(tmp_path: Path, origin: dict[str, Any], name: str) -> None:
    result = review_rules_alone(tmp_path, _edge(origin, name))
    assert worst_by_rule(result).get("public-access") == Severity.HIGH


def _preview(key: str, extra: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    module = f'module.stage["{key}"]'
    pvc = {"metadata": [{"name": "scratch", "namespace": f"env-{key}"}],
           "spec": [{"resources": [{"requests": {"storage": "5Gi"}}]}]}
    return [entry(f"{module}.kubernetes_namespace_v1.this", ["delete"], {"metadata": [{"name": f"env-{key}"}]}, None),
            entry(f"{module}.kubernetes_persistent_volume_claim_v1.scratch", ["delete"], pvc, None), *(extra or [])]


def test_volume_deleted_with_the_whole_preview_module_instance_is_medium(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, _preview("pr-2041"))
    assert worst_by_rule(result).get("resource-delete") == Severity.MEDIUM
    assert result.label.value == "likely_safe"


@pytest.mark.parametrize(("key", "extra"), [
    ("prod", None),  # the key names no preview
    ("pr-2041", [entry('module.stage["pr-2041"].kubernetes_config_map_v1.kept', ["no-op"], {"data": {}},
                       {"data": {}})]),
    ("pr-2041", [entry("kubernetes_persistent_volume_claim_v1.shared", ["delete"],
                       {"metadata": [{"name": "shared", "namespace": "apps"}]}, None)]),
], ids=["not-a-preview", "instance-kept", "delete-outside"])
def test_other_volume_deletes_stay_high(tmp_path: Path, key: str, extra: list[dict[str, Any]] | None) -> None:
    result = review_rules_alone(tmp_path, _preview(key, extra))
    address = f'module.stage["{key}"].kubernetes_persistent_volume_claim_v1.scratch'
    pvc = [f for f in result.findings if f.address == address]
    assert pvc and pvc[0].severity == Severity.HIGH


def _synced(spec: dict[str, Any], namespace: str = "api", kind: str = "ExternalSecret") -> list[dict[str, Any]]:
    secret = {"metadata": [{"name": "api-keys", "namespace": "api"}], "type": "Opaque", "data": "(sensitive)"}
    manifest = {"apiVersion": "sync.example.io/v1", "kind": kind,
                "metadata": {"name": "api-keys-sync", "namespace": namespace}, "spec": spec}
    return [entry("kubernetes_secret_v1.api_keys", ["delete"], secret, None),
            entry("kubernetes_manifest.api_keys_sync", ["create"], None, {"manifest": manifest})]


def test_secret_re_made_by_a_syncing_object_is_medium(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, _synced({"target": {"name": "api-keys"}, "storeRef": {"name": "vault"}}))
    assert worst_by_rule(result).get("resource-delete") == Severity.MEDIUM
    assert result.label.value == "likely_safe"


@pytest.mark.parametrize(("spec", "namespace", "kind"), [
    ({"target": {"name": "other-keys"}}, "api", "ExternalSecret"),  # makes another Secret
    ({"target": {"name": "api-keys"}}, "web", "ExternalSecret"),  # another namespace
    ({"target": {"name": "api-keys", "creationPolicy": "Merge"}}, "api", "ExternalSecret"),  # needs the old one
    ({"target": {"name": "api-keys"}}, "api", "ConfigMapSync"),  # not a secret kind
], ids=["other-name", "other-namespace", "merge-only", "not-a-secret-kind"])
def test_secret_deletes_without_a_maker_stay_high(tmp_path: Path, spec: dict[str, Any], namespace: str,
                                                  kind: str) -> None:
    result = review_rules_alone(tmp_path, _synced(spec, namespace, kind))
    assert worst_by_rule(result).get("resource-delete") == Severity.HIGH


def _status_route(**changes: Any) -> list[dict[str, Any]]:
    route = {"gateway_id": "gw-edge", "path_prefix": "/status", "upstream": "https://acme.statusvendor.io",
             "auth_mode": "none", "allowed_sources": ["0.0.0.0/0"], "methods": ["GET", "HEAD"], **changes}
    return [entry("gatekeep_route.status", ["create"], None, route)]


def test_read_only_route_to_an_already_public_page_is_medium(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, _status_route())
    assert {f.rule: f.severity for f in result.findings}.get("public-access") == Severity.MEDIUM
    assert all(f.severity != Severity.HIGH for f in result.findings)
    assert result.label.value == "likely_safe"


@pytest.mark.parametrize("changes", [
    {"methods": ["GET", "POST"]},  # writes
    {"upstream": "http://status.monitoring.svc.cluster.local:8080"},  # internal, plain http
    {"upstream": "https://10.0.4.17"},  # an address, not a public page
    {"upstream": "https://admin.acme.com"},
    {"path_prefix": "/admin/status"},
    {"methods": []},  # methods unknown
], ids=["writes", "cluster-local", "ip-upstream", "admin-upstream", "admin-path", "no-methods"])
def test_other_open_routes_stay_high(tmp_path: Path, changes: dict[str, Any]) -> None:
    result = review_rules_alone(tmp_path, _status_route(**changes))
    assert worst_by_rule(result).get("public-access") == Severity.HIGH


def _callback(route_key: str = "GET /auth/callback", sibling_auth: str = "JWT",
              siblings: int = 1) -> list[dict[str, Any]]:
    routes = [entry("zapi_route.callback", ["create"], None,
                    {"api_id": "api-77", "route_key": route_key, "authorization_type": "NONE"})]
    kept = [{"api_id": "api-77", "route_key": f"ANY /v{i}/{{proxy+}}", "authorization_type": sibling_auth}
            for i in range(siblings)]
    routes += [entry(f"zapi_route.other{i}", ["no-op"], route, route) for i, route in enumerate(kept)]
    return routes


def test_sign_in_callback_of_an_api_whose_other_routes_keep_auth_is_medium(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, _callback())
    assert worst_by_rule(result).get("public-access") == Severity.MEDIUM
    assert result.label.value == "likely_safe"


@pytest.mark.parametrize(("route_key", "sibling_auth", "siblings"), [
    ("GET /auth/callback", "NONE", 1),  # the whole API loses auth
    ("GET /auth/callback", "JWT", 0),  # no other route shows the API keeps auth
    ("GET /admin/callback", "JWT", 1),
    ("POST /auth/callback", "JWT", 1),
    ("GET /orders", "JWT", 1),  # not a redirect target
], ids=["every-route-open", "no-sibling", "admin-path", "write", "not-a-callback"])
def test_other_routes_without_auth_stay_high(tmp_path: Path, route_key: str, sibling_auth: str,
                                             siblings: int) -> None:
    result = review_rules_alone(tmp_path, _callback(route_key, sibling_auth, siblings))
    assert worst_by_rule(result).get("public-access") == Severity.HIGH


def test_data_engine_volume_of_a_preview_instance_stays_high(tmp_path: Path) -> None:
    changes = _preview("pr-2041")
    changes[1]["change"]["before"]["metadata"][0]["name"] = "postgres-data"
    changes[1]["address"] = changes[1]["address"].replace("scratch", "data")
    result = review_rules_alone(tmp_path, changes)
    assert worst_by_rule(result).get("resource-delete") == Severity.HIGH
