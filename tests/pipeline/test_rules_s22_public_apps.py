"""What everyone may reach because its own names say it is public (session 22): a sign-in bypass for everyone on an
application created in the same plan for a host named public (nothing that asked for a sign-in before stops asking),
and a read-only grant to everyone on objects the grant names public web assets, are reported at medium; the same
bypass on an existing application or an internal host, and the same grant on a data name or with a writing role,
stay held."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity

BYPASS = {"name": "everyone", "decision": "bypass", "precedence": 1, "include": [{"everyone": True}]}


def _app(domain: str, name: str, action: str = "create") -> dict[str, Any]:
    after = {"name": name, "domain": domain, "type": "self_hosted", "session_duration": "24h"}
    return resource("cloudflare_zero_trust_access_application.portal", after,
                    None if action == "create" else after, actions=[action])


def _severity(tmp_path: Path, app: dict[str, Any]) -> Severity | None:
    policy = resource("cloudflare_zero_trust_access_policy.everyone", BYPASS, unknown={"application_id": True})
    return judge(tmp_path, [app, policy]).get("bypass-for-everyone")


@pytest.mark.parametrize(("domain", "name"), [("status.example-shop.com", "Status page"),
                                              ("docs.example-shop.com", "Public documentation")])
def test_a_new_public_page_let_through_for_everyone_is_medium(tmp_path: Path, domain: str, name: str) -> None:
    assert _severity(tmp_path, _app(domain, name)) is Severity.MEDIUM


@pytest.mark.parametrize("app", [
    _app("admin.example-shop.com", "Back office"),       # a new application for an administrative host
    _app("grafana.example-shop.com", "Grafana"),         # a new application whose names say nothing public
    _app("status.example-shop.com", "Status page", "no-op"),  # an application that already asked for a sign-in
])
def test_a_bypass_for_everyone_elsewhere_stays_high(tmp_path: Path, app: dict[str, Any]) -> None:
    assert _severity(tmp_path, app) is Severity.HIGH


@pytest.mark.parametrize(("address", "role", "target", "severity"), [
    # a read-only grant on what the grant names public web assets
    ("google_storage_bucket_iam_member.site", "roles/storage.objectViewer", {"bucket": "b/shop-www-static-assets"},
     Severity.MEDIUM),
    ("google_cloud_run_v2_service_iam_member.site", "roles/run.invoker", {"name": "marketing-site"}, Severity.MEDIUM),
    # the same grant on a name that says people's or the business's data, or with a role that writes
    ("google_storage_bucket_iam_member.site", "roles/storage.objectViewer", {"bucket": "b/shop-invoice-downloads"},
     Severity.HIGH),
    ("google_storage_bucket_iam_member.site", "roles/storage.objectViewer", {"bucket": "b/shop-customer-exports"},
     Severity.HIGH),
    ("google_storage_bucket_iam_member.site", "roles/storage.objectAdmin", {"bucket": "b/shop-www-static-assets"},
     Severity.HIGH),
    # a name with no public word at all
    ("google_cloud_run_v2_service_iam_member.site", "roles/run.invoker", {"name": "ledger-api"}, Severity.HIGH),
])
def test_everyone_reading_what_its_name_says_is_public_is_medium(
        tmp_path: Path, address: str, role: str, target: dict[str, str], severity: Severity) -> None:
    grant = resource(address, {"member": "allUsers", "role": role, **target})
    assert judge(tmp_path, [grant]).get("iam-public-member") is severity


@pytest.mark.parametrize(("name", "access", "severity"), [
    ("images", "blob", Severity.MEDIUM),          # anonymous reads of a container its name says holds web images
    ("images", "container", Severity.HIGH),       # listing too
    ("exports", "blob", Severity.HIGH),           # a name that says data
])
def test_a_store_opened_for_reads_of_public_assets_is_medium(
        tmp_path: Path, name: str, access: str, severity: Severity) -> None:
    container = resource(f"azurerm_storage_container.{name}", {"name": name, "storage_account_name": "shopmedia",
                                                               "container_access_type": access})
    assert judge(tmp_path, [container]).get("public-bucket") is severity


def _service(name: str, port: int, scheme: str) -> dict[str, Any]:
    return {"metadata": [{"name": name, "namespace": "web", "annotations": {
        "service.beta.kubernetes.io/aws-load-balancer-scheme": scheme}}],
        "spec": [{"type": "LoadBalancer", "port": [{"port": port, "target_port": "8080"}]}]}


@pytest.mark.parametrize(("name", "port", "severity"), [
    ("storefront", 443, Severity.MEDIUM),   # the public web front on a web port
    ("storefront", 8443, Severity.HIGH),    # another port
    ("orders-api", 443, Severity.HIGH),     # nothing says public web
])
def test_a_public_web_front_made_internet_facing_on_web_ports_is_medium(
        tmp_path: Path, name: str, port: int, severity: Severity) -> None:
    service = resource(f"kubernetes_service_v1.{name.replace('-', '_')}", _service(name, port, "internet-facing"),
                       _service(name, port, "internal"))
    found = judge(tmp_path, [service])
    exposure = {found.get("public-service"), found.get("public-access")} - {None}
    assert exposure and (Severity.HIGH if Severity.HIGH in exposure else Severity.MEDIUM) is severity
