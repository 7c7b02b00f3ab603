"""Dependency confusion (confusion.py) and fork builds on deploy pipelines (pipelines.py): each risky change with
a benign look-alike that stays likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tests.pipeline.test_rules_publishers import entry
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

SUPPLY = "supply-chain-opened"
CI = "ci-trust-widened"


def judged(tmp_path: Path, kind: str, old: dict[str, Any], new: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, [entry(kind, old, new)])
    return result.label, worst_by_rule(result)


def test_group_asking_the_public_remote_first_is_high(tmp_path: Path) -> None:
    old = {"key": "pip-all", "members": ["pip-internal", "pypi-proxy"]}
    new = {**old, "members": ["pypi-proxy", "pip-internal"]}
    label, worst = judged(tmp_path, "vault_pip_group_repository.all", old, new)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(SUPPLY) is Severity.HIGH


def test_group_keeping_internal_first_stays_safe(tmp_path: Path) -> None:
    old = {"key": "pip-all", "members": ["pip-internal", "pypi-proxy"]}
    new = {**old, "members": ["pip-internal", "pip-hosted-legacy", "pypi-proxy"]}
    label, worst = judged(tmp_path, "vault_pip_group_repository.all", old, new)
    assert SUPPLY not in worst and label is Label.LIKELY_SAFE


def test_remote_dropping_the_internal_scope_exclusion_is_high(tmp_path: Path) -> None:
    old = {"key": "gems-remote", "url": "https://rubygems.org", "exclude_patterns": ["acme-*", "acmecorp-*"]}
    new = {**old, "exclude_patterns": ["acmecorp-*"]}
    label, worst = judged(tmp_path, "vault_remote_gem_repository.gems", old, new)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(SUPPLY) is Severity.HIGH


def test_remote_keeping_its_exclusions_stays_safe(tmp_path: Path) -> None:
    old = {"key": "gems-remote", "url": "https://rubygems.org", "exclude_patterns": ["acme-*"]}
    new = {**old, "exclude_patterns": ["acme-*", "acmecorp-*"]}
    label, worst = judged(tmp_path, "vault_remote_gem_repository.gems", old, new)
    assert SUPPLY not in worst and label is Label.LIKELY_SAFE


def test_internal_repository_gaining_a_public_upstream_is_high(tmp_path: Path) -> None:
    old = {"name": "private-pip", "description": "internal wheels", "external_connections": []}
    new = {**old, "external_connections": [{"name": "public:pypi", "status": "AVAILABLE"}]}
    label, worst = judged(tmp_path, "crate_package_repository.wheels", old, new)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(SUPPLY) is Severity.HIGH


def test_proxy_only_repository_gaining_a_public_upstream_stays_safe(tmp_path: Path) -> None:
    old = {"name": "pypi-cache", "description": "proxy of public pypi", "external_connections": []}
    new = {**old, "external_connections": [{"name": "public:pypi", "status": "AVAILABLE"}]}
    label, worst = judged(tmp_path, "crate_package_repository.cache", old, new)
    assert SUPPLY not in worst and label is Label.LIKELY_SAFE


def pipeline(name: str, forks: bool) -> dict[str, Any]:
    return {"name": name, "description": "", "settings": [{"build_pull_requests": True,
                                                          "build_pull_request_forks": forks}]}


def test_release_pipeline_building_fork_pull_requests_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "relay_pipeline.ship", pipeline("ship-to-production", False),
                          pipeline("ship-to-production", True))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(CI) is Severity.HIGH


def test_test_only_pipeline_building_fork_pull_requests_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "relay_pipeline.lint", pipeline("lint-and-unit-tests", False),
                          pipeline("lint-and-unit-tests", True))
    assert CI not in worst and label is Label.LIKELY_SAFE
