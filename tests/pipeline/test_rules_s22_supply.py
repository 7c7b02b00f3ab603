"""Session 22, supply and reach: each principle with a plan written unlike its fixture, and a benign look-alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tests.pipeline.test_rules_detectors_through_configuration import resource
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def verdict(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> tuple[Label, dict[str, Severity]]:
    """The label and the worst finding per rule of a plan of CHANGES, reviewed by the rules alone."""
    result = review_rules_alone(tmp_path, changes, **sections)
    return result.label, worst_by_rule(result)


# --- a CI variable holding a token by its shape, or named a personal access token, left unmasked ---------------

def _variable(name: str, value: str, masked: bool) -> dict[str, Any]:
    return resource("acme_ci_variable.login", {"name": name, "value": value, "masked": masked, "protected": False},
                    sensitive={"value": True})


@pytest.mark.parametrize(("name", "value"), [
    ("REGISTRY_LOGIN", "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"),  # a GitHub token by its shape alone
    ("DEPLOY_PAT", "some-opaque-value-1234"),  # a personal access token by its name
])
def test_unmasked_ci_variable_holding_a_token_is_held(tmp_path: Path, name: str, value: str) -> None:
    label, worst = verdict(tmp_path, [_variable(name, value, masked=False)])
    assert worst.get("secrets-shared") is Severity.HIGH
    assert label is Label.NEEDS_CLOSE_REVIEW


@pytest.mark.parametrize(("name", "value", "masked"), [
    ("REGISTRY_LOGIN", "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", True),  # masked: kept out of job logs
    ("PATH_PREFIX", "/opt/tools/bin", False),  # a PATH setting, not a token
    ("IMAGE_PATTERN", "registry.example.com/app:*", False),
])
def test_masked_token_or_plain_setting_stays_quiet(tmp_path: Path, name: str, value: str, masked: bool) -> None:
    label, worst = verdict(tmp_path, [_variable(name, value, masked)])
    assert "secrets-shared" not in worst
    assert label is Label.LIKELY_SAFE


# --- a CI definition read from another namespace's project ------------------------------------------------------

def _project(definition: str, own: dict[str, Any]) -> dict[str, Any]:
    before = {"name": "billing", **own, "pipeline_config_path": ".ci/pipeline.yml"}
    return resource("acme_vcs_project.billing", {**before, "pipeline_config_path": definition}, before)


def test_ci_definition_from_another_namespace_is_held(tmp_path: Path) -> None:
    own = {"web_url": "https://git.example.com/payments/billing"}
    label, worst = verdict(tmp_path, [_project("ci/main.yml@someone-else/pipelines:main", own)])
    assert worst.get("supply-chain-opened") is Severity.HIGH
    assert label is Label.NEEDS_CLOSE_REVIEW


@pytest.mark.parametrize(("definition", "own"), [
    ("ci/main.yml@payments/shared/pipelines:v1.2.0", {"web_url": "https://git.example.com/payments/billing"}),
    ("ci/main.yml@Payments/pipelines", {"path_with_namespace": "payments/billing"}),  # the group's own template
    ("ci/other.yml", {"path_with_namespace": "payments/billing"}),  # another file of the repository
])
def test_ci_definition_from_own_group_stays_quiet(tmp_path: Path, definition: str, own: dict[str, Any]) -> None:
    label, worst = verdict(tmp_path, [_project(definition, own)])
    assert "supply-chain-opened" not in worst
    assert label is Label.LIKELY_SAFE


def test_ci_definition_from_a_project_whose_own_group_is_unknown_is_medium(tmp_path: Path) -> None:
    label, worst = verdict(tmp_path, [_project("ci/main.yml@someone-else/pipelines", {})])
    assert worst.get("supply-chain-opened") is Severity.MEDIUM
    assert label is Label.LIKELY_SAFE


# --- a tunnel publishing a database's port at a public name, its access check saying nobody is checked -------------

def _tunnel(access: dict[str, Any], port: int = 6379) -> dict[str, Any]:
    return resource("acme_edge_tunnel.cache", {
        "domain": "cache-debug.edge.example.net", "origin": {"address": "10.2.3.4", "port": port}, **access})


@pytest.mark.parametrize("access", [{"auth_policy": "none", "allowed_users": []}, {"access": "public"},
                                    {"allowed_identities": ["*"]}, {}])
def test_tunnel_publishing_a_database_port_unchecked_is_held(tmp_path: Path, access: dict[str, Any]) -> None:
    label, worst = verdict(tmp_path, [_tunnel(access)])
    assert worst.get("public-host") is Severity.HIGH
    assert label is Label.NEEDS_CLOSE_REVIEW


@pytest.mark.parametrize(("access", "port"), [({"auth_policy": "sso", "allowed_users": ["group:dba"]}, 6379),
                                              ({"access_mode": "identity"}, 6379), ({"access": "public"}, 443)])
def test_tunnel_behind_an_identity_check_or_to_a_web_port_stays_quiet(
        tmp_path: Path, access: dict[str, Any], port: int) -> None:
    label, worst = verdict(tmp_path, [_tunnel(access, port)])
    assert "public-host" not in worst
    assert label is Label.LIKELY_SAFE


# --- a build's script newly piping a download from a host nobody vouches for into a shell ------------------------

def _startup(command: str, before: str = "apt-get install -y nginx") -> dict[str, Any]:
    return resource("acme_ci_job.bake", {"name": "bake", "steps": [{"build_script": command}]},
                    {"name": "bake", "steps": [{"build_script": before}]})


def test_script_piping_a_download_from_an_unknown_host_is_held(tmp_path: Path) -> None:
    label, worst = verdict(tmp_path, [_startup("set -e\nwget -qO- https://setup.quickagent.io/v2 | sudo sh -s --\n")])
    assert worst.get("boot-script-weakens") is Severity.HIGH
    assert label is Label.NEEDS_CLOSE_REVIEW


@pytest.mark.parametrize("command", [
    "curl -fsSL https://get.docker.com | sh",  # a publisher's own installer
    "curl -fsSL https://artifacts.internal.acme.io/agent.sh | bash",  # the organisation's internal zone
    "curl -fsSL https://setup.quickagent.io/v2 -o /tmp/setup && sha256sum -c /tmp/setup.sha256",  # not piped
])
def test_script_piping_a_vouched_download_stays_quiet(tmp_path: Path, command: str) -> None:
    label, worst = verdict(tmp_path, [_startup(command)])
    assert "boot-script-weakens" not in worst
    assert label is Label.LIKELY_SAFE


WORKFLOW = "on: push\njobs:\n  build:\n    steps:\n      - run: curl -sSL https://tools.fastsetup.dev/i | bash\n"


@pytest.mark.parametrize(("file", "held"), [(".github/workflows/release.yml", True), ("docs/setup.md", False)])
def test_ci_definition_file_piping_an_unknown_download_is_held(tmp_path: Path, file: str, held: bool) -> None:
    written = resource("github_repository_file.release", {"repository": "app", "file": file, "content": WORKFLOW})
    label, worst = verdict(tmp_path, [written])
    assert (worst.get("boot-script-weakens") is Severity.HIGH) is held
    assert label is (Label.NEEDS_CLOSE_REVIEW if held else Label.LIKELY_SAFE)


def test_machine_boot_script_installing_a_vendor_agent_is_left_to_its_other_dangers(tmp_path: Path) -> None:
    boot = resource("acme_machine.web", {"user_data": "curl -fsSL https://setup.quickagent.io/v2 | bash"},
                    {"user_data": "yum install -y nginx"})
    label, worst = verdict(tmp_path, [boot])
    assert "boot-script-weakens" not in worst
    assert label is Label.LIKELY_SAFE


def test_script_piping_a_download_from_the_plans_own_domain_is_medium(tmp_path: Path) -> None:
    record = resource("acme_dns_record.artifacts", {"name": "artifacts.acme-corp.com", "value": "10.0.0.8"})
    label, worst = verdict(tmp_path, [_startup("curl -fsSL https://artifacts.acme-corp.com/setup | bash"), record])
    assert worst.get("boot-script-weakens") is Severity.MEDIUM
    assert label is Label.LIKELY_SAFE
