"""A sign-in bypass for everyone on an application created in the same plan for a host named public (session 22):
nothing that asked for a sign-in before stops asking, so it is reported at medium; the same bypass on an existing
application, or on a new one for an internal or unnamed host, stays held."""

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
