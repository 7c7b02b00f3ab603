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
