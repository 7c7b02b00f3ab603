"""A pull request's preview environment torn down whole: a namespace whose own name names one pull request
(`review-pr-88`), and what lives in it by its top-level namespace (a Helm release), are disposable; a namespace of
a product, or a store named for a pull request, is not."""

from __future__ import annotations

from pathlib import Path

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tfreview.pipeline.findings import Severity


def _namespace(name: str) -> dict[str, object]:
    return gone("kubernetes_namespace_v1.ns", {"metadata": [{"name": name, "labels": {"team": "shop"}}]})


def _release(namespace: str) -> dict[str, object]:
    return gone("helm_release.app", {"name": "shop", "namespace": namespace, "chart": "./charts/shop"})


def test_a_pull_requests_namespace_and_its_release_are_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, [_namespace("review-pr-88"), _release("review-pr-88")]) is Severity.MEDIUM
    assert worst(tmp_path, [gone("kite_app.preview", {"name": "shop-mr-17", "region": "eu"})]) is Severity.MEDIUM


def test_a_products_namespace_and_its_release_stay_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [_namespace("reviews"), _release("reviews")]) is Severity.HIGH
    assert worst(tmp_path, [_namespace("payments")]) is Severity.HIGH


def test_a_store_named_for_a_pull_request_needs_its_own_attributes(tmp_path: Path) -> None:
    mount = {"path": "preview/pr-42", "type": "kv", "description": "secrets for preview pr-42"}
    assert worst(tmp_path, [gone("vault_mount.pr42", mount)]) is Severity.HIGH


def test_a_cluster_wide_release_in_the_same_module_stays_high(tmp_path: Path) -> None:
    app = gone("module.review_app.helm_release.app", {"name": "shop-pr-88", "namespace": "review-pr-88",
                                                      "chart": "./charts/shop"}, "delete_because_no_module")
    release = {"name": "cert-manager", "namespace": "cert-manager", "chart": "cert-manager",
               "values": ["installCRDs: true\n"]}
    crds = gone("module.review_app.helm_release.cert_manager", release, "delete_because_no_module")
    assert worst(tmp_path, [app]) is Severity.MEDIUM
    assert worst(tmp_path, [app, crds]) is Severity.HIGH
