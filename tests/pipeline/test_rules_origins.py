"""Where code comes from moved to an unencrypted origin (origins.py): a chart repository, package index, registry or
module source leaving https for plain http is high (medium on a private name); a move to a mirror over https or
oci, or back to https, stays safe."""

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
