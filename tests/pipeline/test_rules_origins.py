"""Where code comes from (origins.py, rollbacks.py): a chart repository, package index, registry or module source
leaving https for plain http is high (medium on a private name), a move to a mirror over https or oci stays safe;
an edge component rolled back across a minor release is high, a patch revert or an internal rollback is not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

RULE = "supply-chain-opened"


def judged(tmp_path: Path, address: str, before: dict[str, Any], after: dict[str, Any]
           ) -> tuple[Label, dict[str, Severity]]:
    kind, name = address.split(".")
    change = {"address": address, "mode": "managed", "type": kind, "name": name,
              "provider_name": "registry.terraform.io/acme/acme",
              "change": {"actions": ["update"], "before": before, "after": after, "after_unknown": {},
                         "after_sensitive": {}}}
    result = review_rules_alone(tmp_path, [change])
    return result.label, worst_by_rule(result)


@pytest.mark.parametrize(("address", "key", "old", "new"), [
    ("helm_release.ingress", "repository", "https://kubernetes.github.io/ingress-nginx",
     "http://kubernetes-charts.ingress-nginx.io/stable"),
    ("pyfarm_build_config.api", "index_url", "https://pypi.org/simple", "http://pypi-mirror.fastpkgs.net/simple"),
    ("argo_application.web", "repo_url", "https://github.com/acme/deploy.git", "git://github.com/acme/deploy.git"),
    ("pluginhub_install.sso", "plugin_url", "https://plugins.vendor.com/sso.zip", "http://45.33.32.156/sso.zip"),
])
def test_source_moved_to_plain_http_is_high(tmp_path: Path, address: str, key: str, old: str, new: str) -> None:
    label, worst = judged(tmp_path, address, {"id": "r", key: old}, {"id": "r", key: new})
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(RULE) is Severity.HIGH


def test_source_moved_to_a_private_http_mirror_is_medium(tmp_path: Path) -> None:
    _label, worst = judged(tmp_path, "helm_release.ingress", {"id": "r", "repository": "https://charts.bitnami.com"},
                           {"id": "r", "repository": "http://chartmuseum.tools.svc.cluster.local:8080"})
    assert worst.get(RULE) is Severity.MEDIUM


@pytest.mark.parametrize(("old", "new"), [
    ("https://kubernetes.github.io/ingress-nginx", "oci://registry.acme.internal/charts"),
    ("https://charts.bitnami.com/bitnami", "oci://registry-1.docker.io/bitnamicharts"),
    ("http://charts.example.org", "https://charts.example.org"),
])
def test_source_moved_over_https_or_oci_or_to_https_is_safe(tmp_path: Path, old: str, new: str) -> None:
    label, worst = judged(tmp_path, "helm_release.ingress", {"id": "r", "repository": old},
                          {"id": "r", "repository": new})
    assert label is Label.LIKELY_SAFE and RULE not in worst


def test_a_webhook_url_is_not_a_source(tmp_path: Path) -> None:
    _label, worst = judged(tmp_path, "acme_webhook.ci", {"id": "w", "url": "https://ci.acme.io/hook"},
                           {"id": "w", "url": "http://ci.acme.io/hook"})
    assert RULE not in worst


@pytest.mark.parametrize(("address", "fields", "key", "old", "new"), [
    ("helm_release.ingress_nginx", {"chart": "ingress-nginx"}, "version", "4.12.1", "4.10.0"),
    ("helm_release.edge", {"chart": "traefik", "namespace": "edge"}, "version", "v33.1.0", "v32.0.4"),
    ("meshly_gateway_deployment.public", {"name": "public"}, "release_version", "2.5.0", "1.9.3"),
    ("kubernetes_deployment.proxy", {"name": "envoy-proxy"}, "image", "envoyproxy/envoy:1.31.2",
     "envoyproxy/envoy:1.29.0"),
])
def test_edge_component_rolled_back_a_minor_release_is_high(tmp_path: Path, address: str, fields: dict[str, str],
                                                            key: str, old: str, new: str) -> None:
    label, worst = judged(tmp_path, address, {"id": "r", **fields, key: old}, {"id": "r", **fields, key: new})
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(RULE) is Severity.HIGH


@pytest.mark.parametrize(("fields", "old", "new"), [
    ({"chart": "ingress-nginx"}, "4.11.3", "4.11.2"),  # a patch revert
    ({"chart": "ingress-nginx"}, "4.12.1", "4.12.2"),  # forward
    ({"chart": "loki", "namespace": "logging"}, "6.10.0", "6.9.0"),  # nothing the internet reaches
])
def test_patch_revert_upgrade_or_internal_rollback_is_safe(tmp_path: Path, fields: dict[str, str], old: str,
                                                           new: str) -> None:
    label, worst = judged(tmp_path, "helm_release.x", {"id": "r", **fields, "version": old},
                          {"id": "r", **fields, "version": new})
    assert label is Label.LIKELY_SAFE and RULE not in worst
