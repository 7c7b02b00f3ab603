"""Teardowns that take their names with them: an app, site or protection policy deleted together with the DNS
records and hostnames that reached it, or succeeded by a new one its record is re-pointed to; each with the
risky twin that leaves a name behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_deletes_by_what_they_hold import made
from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tfreview.pipeline.findings import Severity

APP = {"id": "app-7f3e9c21", "name": "spring-sale", "web_url": "https://spring-sale-x1.appfleet.dev/"}
BINDING = {"id": "bind-0001", "app_id": "app-7f3e9c21", "hostname": "sale.shop.example",
           "cname": "spring-sale-x1.edge.appfleet.dev"}
RECORD = {"id": "Z1_sale", "zone_id": "Z1", "name": "sale.shop.example", "type": "CNAME",
          "records": ["spring-sale-x1.edge.appfleet.dev"]}


def updated(address: str, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """One update entry of `terraform show -json`."""
    entry = made(address, after)
    entry["change"].update(actions=["update"], before=before)
    return entry


def test_app_deleted_with_its_domain_and_record_is_medium(tmp_path: Path) -> None:
    plan = [gone("appfleet_app.sale", APP), gone("appfleet_domain.sale", BINDING),
            gone("nimbusdns_record.sale", RECORD)]
    assert worst(tmp_path, plan) is Severity.MEDIUM


def test_app_deleted_while_its_record_stays_is_high(tmp_path: Path) -> None:
    kept = updated("nimbusdns_record.sale", RECORD, {**RECORD, "ttl": 3600})
    plan = [gone("appfleet_app.sale", APP), gone("appfleet_domain.sale", BINDING), kept]
    assert worst(tmp_path, plan) is Severity.HIGH


def test_app_deleted_with_its_domain_but_no_record_for_its_target_is_high(tmp_path: Path) -> None:
    """The binding asked for a CNAME at its target; the plan does not delete one: it may be left dangling."""
    plan = [gone("appfleet_app.sale", APP), gone("appfleet_domain.sale", BINDING)]
    assert worst(tmp_path, plan) is Severity.HIGH


def test_protection_policy_deleted_with_its_hostname_is_medium(tmp_path: Path) -> None:
    policy = {"id": "pol_old", "name": "old-api", "path_pattern": "old-api.shop.example/*", "action": "block"}
    host = {"id": "host_old", "hostname": "old-api.shop.example", "origin": "old-lb.shop.example"}
    plan = [gone("wallguard_bot_policy.old", policy), gone("wallguard_hostname.old", host)]
    assert worst(tmp_path, plan) is Severity.MEDIUM


def test_protection_policy_deleted_while_its_hostname_stays_is_high(tmp_path: Path) -> None:
    policy = {"id": "pol_old", "name": "old-api", "path_pattern": "old-api.shop.example/*", "action": "block"}
    host = {"id": "host_old", "hostname": "old-api.shop.example", "origin": "old-lb.shop.example"}
    plan = [gone("wallguard_bot_policy.old", policy), updated("wallguard_hostname.old", host, {**host, "x": 1})]
    assert worst(tmp_path, plan) is Severity.HIGH


SERVICE = {"id": "svc-1", "name": "landing-web", "url": "https://landing-web.hostly.app",
           "custom_domains": [{"name": "go.shop.example"}]}
POINTER = {"id": "r1", "name": "go", "hostname": "go.shop.example", "type": "CNAME",
           "content": "landing-web.hostly.app"}


def test_service_succeeded_and_record_repointed_is_medium(tmp_path: Path) -> None:
    new = {"name": "landing-web-v2", "custom_domains": [{"name": "go.shop.example"}]}
    repointed = updated("nimbusdns_record.go", POINTER, {**POINTER, "content": "landing-web-v2.hostly.app"})
    plan = [gone("hostly_web_service.landing", SERVICE), made("hostly_web_service.landing_v2", new), repointed]
    assert worst(tmp_path, plan) is Severity.MEDIUM


def test_service_succeeded_but_record_still_points_at_old_is_high(tmp_path: Path) -> None:
    new = {"name": "landing-web-v2", "custom_domains": [{"name": "go.shop.example"}]}
    kept = updated("nimbusdns_record.go", POINTER, {**POINTER, "ttl": 60})
    plan = [gone("hostly_web_service.landing", SERVICE), made("hostly_web_service.landing_v2", new), kept]
    assert worst(tmp_path, plan) is Severity.HIGH


def test_service_deleted_with_record_repointed_but_no_successor_is_high(tmp_path: Path) -> None:
    repointed = updated("nimbusdns_record.go", POINTER, {**POINTER, "content": "elsewhere.hostly.app"})
    assert worst(tmp_path, [gone("hostly_web_service.landing", SERVICE), repointed]) is Severity.HIGH


def issuer(name: str, server: str) -> dict[str, Any]:
    """A kubernetes_manifest ClusterIssuer pointing at an ACME server."""
    return {"manifest": {"apiVersion": "cert-manager.io/v1", "kind": "ClusterIssuer", "metadata": {"name": name},
                         "spec": {"acme": {"server": server, "privateKeySecretRef": {"name": f"{name}-key"}}}}}


STAGING = "https://acme-staging-v02.api.certcorp.example/directory"


def test_staging_issuer_that_nothing_uses_deleted_is_medium(tmp_path: Path) -> None:
    plan = [gone("kubernetes_manifest.staging", issuer("certs-staging", STAGING))]
    assert worst(tmp_path, plan) is Severity.MEDIUM


def test_production_issuer_deleted_stays_high(tmp_path: Path) -> None:
    plan = [gone("kubernetes_manifest.prod", issuer("certs-prod", "https://acme-v02.api.certcorp.example/dir"))]
    assert worst(tmp_path, plan) is Severity.HIGH


def test_staging_named_issuer_on_production_server_stays_high(tmp_path: Path) -> None:
    plan = [gone("kubernetes_manifest.staging", issuer("certs-staging", "https://acme-v02.api.certcorp.example/d"))]
    assert worst(tmp_path, plan) is Severity.HIGH


def test_staging_issuer_still_referenced_stays_high(tmp_path: Path) -> None:
    certificate = {"manifest": {"kind": "Certificate", "metadata": {"name": "web"},
                                "spec": {"issuerRef": {"name": "certs-staging", "kind": "ClusterIssuer"}}}}
    plan = [gone("kubernetes_manifest.staging", issuer("certs-staging", STAGING)),
            updated("kubernetes_manifest.web", certificate, certificate)]
    assert worst(tmp_path, plan) is Severity.HIGH


def test_retirement_inside_a_kept_zone_is_medium(tmp_path: Path) -> None:
    """The zone the record lived in stays: it holds nothing that pointed at the app."""
    zone = {"id": "Z1", "name": "shop.example"}
    plan = [gone("appfleet_app.sale", APP), gone("appfleet_domain.sale", BINDING),
            gone("nimbusdns_record.sale", RECORD), updated("nimbusdns_zone.shop", zone, {**zone, "comment": "x"})]
    assert worst(tmp_path, plan) is Severity.MEDIUM
