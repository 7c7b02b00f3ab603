"""An allow-list that comes to hold an entry matching everything (matchall.py), with benign look-alikes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import judge_one
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def actions_allowlist(*patterns: str) -> dict[str, Any]:
    return {"allowed_actions": "selected", "enabled_repositories": "all",
            "allowed_actions_config": [{"github_owned_allowed": True, "verified_allowed": False,
                                        "patterns_allowed": list(patterns)}]}


@pytest.mark.parametrize(("address", "before", "after"), [
    ("forge_actions_permissions.org", actions_allowlist("hashicorp/setup-terraform@*"),
     actions_allowlist("hashicorp/setup-terraform@*", "*/*")),
    ("mesh_endpoint_service.ledger", {"allowed_principals": ["arn:aws:iam::111122223333:root"]},
     {"allowed_principals": ["arn:aws:iam::111122223333:root", "*"]}),
    ("idp_tenant.corp", None, {"name": "corp", "trusted_external_tenants": ["*"]}),
], ids=["actions-pattern", "principals", "tenants-on-create"])
def test_allow_list_gaining_an_entry_that_matches_everything_is_high(
        tmp_path: Path, address: str, before: Any, after: Any) -> None:
    label, worst = judge_one(tmp_path, address, before, after)
    assert worst.get("allowlist-emptied") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


@pytest.mark.parametrize(("address", "before", "after"), [
    ("forge_actions_permissions.org", actions_allowlist("hashicorp/setup-terraform@*"),
     actions_allowlist("hashicorp/setup-terraform@*", "acme-corp/*")),  # the org's own actions
    ("cdn_bucket_cors.assets", {"cors_rule": [{"allowed_origins": ["https://acme.io"], "allowed_methods": ["GET"]}]},
     {"cors_rule": [{"allowed_origins": ["*"], "allowed_methods": ["GET"], "allowed_headers": ["*"]}]}),
    ("mesh_endpoint_service.ledger", {"allowed_principals": ["*"], "acceptance_required": True},
     {"allowed_principals": ["*"], "acceptance_required": True, "tags": {"team": "ledger"}}),  # already there
    ("waf_rule.block", {"blocked_countries": ["KP"]}, {"blocked_countries": ["*"]}),
], ids=["own-org-pattern", "cors", "already-held", "deny-list"])
def test_allow_list_that_still_restricts_or_is_no_gate_stays_safe(
        tmp_path: Path, address: str, before: Any, after: Any) -> None:
    label, worst = judge_one(tmp_path, address, before, after)
    assert "allowlist-emptied" not in worst and label is Label.LIKELY_SAFE
