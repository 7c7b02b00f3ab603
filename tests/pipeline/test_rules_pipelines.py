"""CI/CD and secrets platforms: which code may run widened, deployment gates removed, build agents opened to
untrusted jobs, secret sets applied everywhere, value attributes not read as switches; each with a benign
look-alike that stays quiet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity

HIGH = Severity.HIGH


def _worst(found: dict[str, Severity]) -> Severity | None:
    return max(found.values(), key=lambda s: list(Severity)[::-1].index(s), default=None)


def _high(found: dict[str, Severity]) -> bool:
    return HIGH in found.values()


@pytest.mark.parametrize(("before", "after", "fires"), [
    ("selected", "all", True),
    ("local_only", "all", True),
    ("all", "selected", False),
    ("local_only", "selected", False),
])
def test_which_code_may_run_widened(tmp_path: Path, before: str, after: str, fires: bool) -> None:
    found = judge(tmp_path, [resource("buildhub_pipeline_permissions.app", {"repo": "app", "allowed_plugins": after},
                                      {"repo": "app", "allowed_plugins": before})])
    assert ("ci-trust-widened" in found) is fires


@pytest.mark.parametrize(("before", "after", "fires"), [
    ({"approvers": [{"teams": [7], "users": []}], "protected_branches": True},
     {"approvers": [], "protected_branches": True}, True),
    ({"approvers": [{"teams": [7]}], "protected_branches": True},
     {"approvers": [{"teams": [7]}], "protected_branches": False}, True),
    ({"approvers": [{"teams": [7], "users": []}], "protected_branches": True},
     {"approvers": [{"teams": [7, 9], "users": []}], "protected_branches": True}, False),
])
def test_deployment_gate_removed(tmp_path: Path, before: dict[str, Any], after: dict[str, Any],
                                 fires: bool) -> None:
    found = judge(tmp_path, [resource("shipyard_environment.prod", {"name": "prod", **after},
                                      {"name": "prod", **before})])
    assert ("ci-trust-widened" in found) is fires


@pytest.mark.parametrize(("key", "before", "after", "fires"), [
    ("accept_untrusted_jobs", False, True, True),
    ("allows_public_repositories", False, True, True),
    ("accept_untrusted_jobs", True, False, False),
])
def test_build_agents_opened_to_untrusted_code(tmp_path: Path, key: str, before: bool, after: bool,
                                               fires: bool) -> None:
    found = judge(tmp_path, [resource("rigci_agent_pool.deploy", {"name": "deploy", "max_agents": 4, key: after},
                                      {"name": "deploy", "max_agents": 4, key: before})])
    assert ("ci-trust-widened" in found) is fires
    found = judge(tmp_path, [resource("rigci_agent_pool.deploy", {"name": "deploy", "max_agents": 9, key: before},
                                      {"name": "deploy", "max_agents": 4, key: before})])
    assert "ci-trust-widened" not in found


@pytest.mark.parametrize(("sensitive", "fires"), [(True, True), (False, False)])
def test_secret_set_applied_everywhere(tmp_path: Path, sensitive: bool, fires: bool) -> None:
    member = {"id": "v-1", "key": "DEPLOY_TOKEN", "value": "x9", "sensitive": sensitive, "set_id": "set-1"}
    found = judge(tmp_path, [
        resource("envvault_variable_set.prod", {"id": "set-1", "name": "prod", "global": True},
                 {"id": "set-1", "name": "prod", "global": False}),
        resource("envvault_variable.token", member, member, actions=["no-op"],
                 sensitive={"value": True} if sensitive else {}),
    ])
    assert ("secret-set-global" in found) is fires


@pytest.mark.parametrize("name", ["insecure_value", "value", "default_value"])
def test_attributes_that_hold_values_are_no_switches(tmp_path: Path, name: str) -> None:
    found = judge(tmp_path, [resource("paramstore_parameter.flag", {"name": "/app/flag", name: "true"},
                                      {"name": "/app/flag", name: "false"})])
    assert not _high(found), found


def test_an_insecure_switch_is_still_read(tmp_path: Path) -> None:
    found = judge(tmp_path, [resource("aws_ssm_parameter.x", {"name": "x", "insecure": True},
                                      {"name": "x", "insecure": False})])
    assert _worst(found) is not None


@pytest.mark.parametrize(("value", "fires"), [("api-key", False), ("access_key", False), ("Qz7-api-key-19fA", True)])
def test_a_bare_credential_word_names_a_secret(tmp_path: Path, value: str, fires: bool) -> None:
    after = {"vault": "prod/app", "secret": value, "value": "v-123456", "disable_previous": True}
    found = judge(tmp_path, [resource("lockbox_secret_version.app", after, after, actions=["create", "delete"],
                                      sensitive={"value": True})])
    assert ("credential-in-plan" in found) is fires


@pytest.mark.parametrize(("kind", "settings", "severity"), [
    ("tickly_build_schedule", {"active": False}, Severity.MEDIUM),
    ("tickly_build_trigger", {"status": "paused"}, Severity.MEDIUM),
    ("tickly_build_schedule", {"active": True}, HIGH),
    ("tickly_signing_key", {"enabled": False}, HIGH),
])
def test_an_inactive_runner_deleted_runs_nothing(tmp_path: Path, kind: str, settings: dict[str, Any],
                                                 severity: Severity) -> None:
    found = judge(tmp_path, [resource(f"{kind}.nightly", None, {"name": "nightly", "cron": "0 2 * * *", **settings},
                                      actions=["delete"])])
    assert found["resource-delete"] is severity


@pytest.mark.parametrize(("count", "severity"), [(0, Severity.MEDIUM), (14, HIGH)])
def test_a_workspace_that_manages_nothing_loses_nothing(tmp_path: Path, count: int, severity: Severity) -> None:
    found = judge(tmp_path, [resource("stackhub_workspace.api", None, {"name": "api", "resource_count": count},
                                      actions=["delete"])])
    assert found["resource-delete"] is severity
