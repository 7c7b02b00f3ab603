"""Secrets handed to forks, the public or other untrusted parties by a flag turning on, and flags that do not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.sharing import shares_secrets


@pytest.mark.parametrize(("name", "shares"), [
    ("expose_secrets_to_forks", True), ("secrets_in_forks", True), ("share_secrets_publicly", True),
    ("forks_receive_secret_env_vars", True), ("pass_credentials_to_external_contributors", True),
    ("passTokensToForks", True), ("allow_anonymous_token_access", True),
    ("use_external_secrets", False), ("external_secrets_enabled", False), ("hide_secrets_from_forks", False),
    ("disable_secrets_for_forks", False), ("allow_fork_pull_requests", False), ("secrets_enabled", False),
    ("public_key_enabled", False),
])
def test_flags_that_hand_secrets_to_untrusted_parties(name: str, shares: bool) -> None:
    assert shares_secrets(name) is shares


@pytest.mark.parametrize(("before", "after", "fires"), [
    (False, True, True), (None, True, True), (True, False, False), (True, True, False), (False, False, False)])
def test_secrets_shared_with_forks_only_when_the_flag_turns_on(tmp_path: Path, before: Any, after: Any,
                                                                fires: bool) -> None:
    prior = None if before is None else {"name": "web", "allow_fork_pull_requests": True,
                                         "ci": [{"expose_secrets_to_forks": before}]}
    found = judge(tmp_path, [resource("pipeforge_pipeline.web", {
        "name": "web", "allow_fork_pull_requests": True, "ci": [{"expose_secrets_to_forks": after}]}, prior)])
    assert ("secrets-shared" in found) is fires
    if fires:
        assert found["secrets-shared"] is Severity.HIGH


@pytest.mark.parametrize(("kind", "visibility", "fires"), [
    ("vaultly_organization_secret", "all", True), ("vaultly_organization_secret", "selected", False),
    ("vaultly_repository_secret", "all", False)])
def test_organisation_secret_created_for_everyone_in_it(tmp_path: Path, kind: str, visibility: str,
                                                        fires: bool) -> None:
    found = judge(tmp_path, [resource(f"{kind}.deploy", {"secret_name": "DEPLOY", "visibility": visibility})])
    assert ("secrets-shared" in found) is fires
