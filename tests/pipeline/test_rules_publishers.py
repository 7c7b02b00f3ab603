"""Image and chart sources that move to another publisher (publishers.py): each risky change with a benign
look-alike that stays likely safe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

RULE = "supply-chain-opened"
OWN = "210987654321.dkr.ecr.eu-west-3.amazonaws.com/ledger:v3.1.0"


def entry(address: str, before: Any, after: Any, actions: list[str] | None = None) -> dict[str, Any]:
    """One resource change by an invented provider."""
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions or ["update"], "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def task(image: str) -> dict[str, Any]:
    return {"family": "ledger", "containers": json.dumps([{"name": "ledger", "image": image, "cpu": 256}])}


def judged(tmp_path: Path, old: dict[str, Any], new: dict[str, Any],
           kind: str = "nimbus_task_template.ledger") -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, [entry(kind, old, new)])
    return result.label, worst_by_rule(result)


@pytest.mark.parametrize("new", ["docker.io/speedyfix/ledger-hotfix:latest", "ghcr.io/someone-else/ledger:v3.1.1",
                                 "registry.example-mirrors.io/ledger/ledger:v3.1.0"])
def test_own_image_moved_to_another_publisher_is_high(tmp_path: Path, new: str) -> None:
    label, worst = judged(tmp_path, task(OWN), task(new))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(RULE) is Severity.HIGH


@pytest.mark.parametrize("new", ["210987654321.dkr.ecr.eu-west-3.amazonaws.com/ledger:v3.2.0",
                                 "ledgerteam.azurecr.io/ledger:v3.1.0",
                                 "europe-docker.pkg.dev/acme-prod/apps/ledger:v3.1.0",
                                 "registry.acme.internal/apps/ledger:v3.1.0"])
def test_tag_bump_or_move_to_own_registry_stays_safe(tmp_path: Path, new: str) -> None:
    label, worst = judged(tmp_path, task(OWN), task(new))
    assert RULE not in worst and label is Label.LIKELY_SAFE


@pytest.mark.parametrize(("old", "new"), [
    ("k8s.gcr.io/kube-state-metrics/kube-state-metrics:v2.9.0",
     "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.10.0"),
    ("quay.io/prometheus/node-exporter:v1.7.0", "docker.io/prom/node-exporter:v1.8.0")])
def test_same_publisher_new_home_stays_safe(tmp_path: Path, old: str, new: str) -> None:
    spec = {"template": [{"container": [{"name": "agent", "image": old}]}]}
    moved = {"template": [{"container": [{"name": "agent", "image": new}]}]}
    label, worst = judged(tmp_path, spec, moved, "orbit_pod_set.agent")
    assert RULE not in worst and label is Label.LIKELY_SAFE


PINNED = "ghcr.io/acme-corp/payments-api:1.14.2@sha256:" + "3c" * 32


@pytest.mark.parametrize("new", ["docker.io/acmecorp-payments/payments-api:latest", "docker.io/acme-corp/payments-api"])
def test_pinned_image_to_a_movable_tag_under_a_name_sharing_owner_is_high(tmp_path: Path, new: str) -> None:
    """Names that share a word (`acmecorp-payments` for `acme-corp`) prove no owner on a registry anyone writes to."""
    label, worst = judged(tmp_path, task(PINNED), task(new))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(RULE) is Severity.HIGH


@pytest.mark.parametrize("new", ["ghcr.io/acme-corp/payments-api:1.15.0@sha256:" + "4d" * 32,
                                 "ghcr.io/acme-corp/payments-api:1.15.0", "docker.io/acmecorp/payments-api:1.15.0"])
def test_pinned_bump_or_a_versioned_tag_stays_safe(tmp_path: Path, new: str) -> None:
    label, worst = judged(tmp_path, task(PINNED), task(new))
    assert worst.get(RULE) is not Severity.HIGH and label is Label.LIKELY_SAFE


def test_chart_repository_moved_to_an_unknown_host_is_high(tmp_path: Path) -> None:
    old = {"chart": "edge-proxy", "repository": "https://edgeproxy.github.io/charts", "version": "2.3.0"}
    new = {**old, "repository": "https://charts.quick-dl-cache.net/edge", "version": "2.3.0-p1"}
    label, worst = judged(tmp_path, old, new, "orbit_chart_release.edge")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(RULE) is Severity.HIGH


def test_chart_repository_moved_to_the_publishers_oci_home_stays_safe(tmp_path: Path) -> None:
    old = {"chart": "postgresql", "repository": "https://charts.bitnami.com/bitnami", "version": "15.1.0"}
    new = {**old, "repository": "oci://registry-1.docker.io/bitnamicharts", "version": "15.2.0"}
    label, worst = judged(tmp_path, old, new, "orbit_chart_release.db")
    assert RULE not in worst and label is Label.LIKELY_SAFE


def test_chart_value_image_repository_moved_is_found(tmp_path: Path) -> None:
    old = {"chart": "ledger", "set": [{"name": "image.repository", "value": "ledger.azurecr.io/ledger/api"}]}
    new = {"chart": "ledger", "set": [{"name": "image.repository", "value": "docker.io/randomuploads/api"}]}
    label, worst = judged(tmp_path, old, new, "orbit_chart_release.api")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(RULE) is Severity.HIGH


def constraint(repos: list[str]) -> dict[str, Any]:
    return {"manifest": {"kind": "ImageAllowedRepos", "spec": {"parameters": {"repos": repos}}}}


def test_allowlist_admitting_a_whole_public_registry_is_high(tmp_path: Path) -> None:
    old = ["210987654321.dkr.ecr.eu-west-3.amazonaws.com/", "registry.k8s.io/"]
    label, worst = judged(tmp_path, constraint(old), constraint([*old, "ghcr.io/"]), "orbit_manifest.allowed")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(RULE) is Severity.HIGH


def test_allowlist_admitting_one_namespace_stays_safe(tmp_path: Path) -> None:
    old = ["210987654321.dkr.ecr.eu-west-3.amazonaws.com/", "registry.k8s.io/"]
    label, worst = judged(tmp_path, constraint(old), constraint([*old, "ghcr.io/ledger-team/"]),
                          "orbit_manifest.allowed")
    assert RULE not in worst and label is Label.LIKELY_SAFE


@pytest.mark.parametrize(("old", "new"), [
    ("ghcr.io/acme-platform/orders-api@sha256:5c4b3a29", "ghcr.io/acrne-platform/orders-api:latest"),
    ("docker.io/grafana/grafana:10.4.1", "docker.io/grafanna/grafana:10.4.1"),
    ("registry.acme-corp.io/apps/orders:v2", "registry.acme-crop.io/apps/orders:v2"),
])
def test_an_image_from_a_look_alike_publisher_is_high(tmp_path: Path, old: str, new: str) -> None:
    label, worst = judged(tmp_path, task(old), task(new))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(RULE) is Severity.HIGH


def test_a_chart_repository_on_a_look_alike_host_is_high(tmp_path: Path) -> None:
    old = {"chart": "ingress-nginx", "repository": "https://kubernetes.github.io/ingress-nginx", "version": "4.10.1"}
    new = {**old, "repository": "https://kubernetes-github.io/ingress-nginx", "version": "4.11.3"}
    label, worst = judged(tmp_path, old, new, "orbit_chart_release.ingress")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(RULE) is Severity.HIGH


@pytest.mark.parametrize(("old", "new"), [
    ("gcr.io/acme-platform/orders:v1", "ghcr.io/acme-platform/orders:v1"),
    ("ghcr.io/acme-team1/orders:v1", "ghcr.io/acme-team2/orders:v1"),
    ("ghcr.io/acme-platform/orders-api:v1.4.0", "ghcr.io/acme-platform/orders-api:v1.4.1"),
])
def test_a_registry_move_a_team_number_or_a_tag_is_no_look_alike(tmp_path: Path, old: str, new: str) -> None:
    label, worst = judged(tmp_path, task(old), task(new))
    assert RULE not in worst and label is Label.LIKELY_SAFE
