"""Where packages and charts come from (publishers.py): a chart repository moved to a look-alike subdomain of a
platform that hands subdomains to anyone, a remote repository's upstream repointed to an unknown host. Benign
look-alikes: a version bump on the same repository, a cache setting of the same remote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

RULE = "supply-chain-opened"


def judged(tmp_path: Path, address: str, before: dict[str, Any],
           after: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    kind, name = address.split(".")
    change = {"address": address, "mode": "managed", "type": kind, "name": name,
              "provider_name": "registry.terraform.io/acme/acme",
              "change": {"actions": ["update"], "before": before, "after": after, "after_unknown": {},
                         "after_sensitive": {}}}
    result = review_rules_alone(tmp_path, [change])
    return result.label, worst_by_rule(result)


RELEASE = {"name": "tracing", "chart": "tempo-stack", "version": "3.1.0",
           "repository": "https://tracing-collective.github.io/charts"}


def test_chart_repository_moved_to_a_look_alike_subdomain_is_high(tmp_path: Path) -> None:
    after = {**RELEASE, "repository": "https://tracing-collective-mirror.github.io/charts"}
    label, worst = judged(tmp_path, "chartctl_release.tracing", RELEASE, after)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst[RULE] is Severity.HIGH


def test_chart_version_bump_on_the_same_repository_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "chartctl_release.tracing", RELEASE, {**RELEASE, "version": "3.2.0"})
    assert label is Label.LIKELY_SAFE and RULE not in worst


def test_same_publisher_on_another_path_of_its_subdomain_stays_safe(tmp_path: Path) -> None:
    after = {**RELEASE, "repository": "https://tracing-collective.github.io/helm-charts"}
    _label, worst = judged(tmp_path, "chartctl_release.tracing", RELEASE, after)
    assert RULE not in worst


REMOTE = {"key": "pypi-remote", "url": "https://pypi.org", "retrieval_cache_period_seconds": 7200}


def test_remote_repository_upstream_repointed_to_an_unknown_host_is_high(tmp_path: Path) -> None:
    after = {**REMOTE, "url": "http://pypi-cache.quickpkgs.net"}
    label, worst = judged(tmp_path, "binstore_remote_pypi_repository.pypi", REMOTE, after)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst[RULE] is Severity.HIGH


def test_remote_repository_cache_period_changed_stays_safe(tmp_path: Path) -> None:
    after = {**REMOTE, "retrieval_cache_period_seconds": 600}
    label, worst = judged(tmp_path, "binstore_remote_pypi_repository.pypi", REMOTE, after)
    assert label is Label.LIKELY_SAFE and RULE not in worst


def test_webhook_url_of_a_plain_resource_is_no_upstream(tmp_path: Path) -> None:
    before = {"name": "deploys", "url": "https://hooks.example.com/a"}
    after = {**before, "url": "https://other.example.net/b"}
    _label, worst = judged(tmp_path, "chatops_channel_hook.deploys", before, after)
    assert RULE not in worst
