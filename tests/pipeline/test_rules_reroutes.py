"""An ingress or route deleted while another of its type in the same namespace, created or kept, still sends to
every backend it did: medium; a successor to another service, port or namespace, or none, stays high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tests.pipeline.test_rules_successors_take_over import kept, made
from tfreview.pipeline.findings import Severity


def _ingress(name: str, host: str, service: str = "admin-ui", port: int = 8080,
             namespace: str = "admin") -> dict[str, Any]:
    backend = [{"service": [{"name": service, "port": [{"number": port, "name": ""}]}], "resource": []}]
    return {"metadata": [{"name": name, "namespace": namespace, "annotations": {}}],
            "spec": [{"ingress_class_name": "nginx", "rule": [{"host": host, "http": [{"path": [
                {"path": "/", "path_type": "Prefix", "backend": backend}]}]}]}]}


OLD = _ingress("admin-public", "admin.example.com")


@pytest.mark.parametrize("other", [
    made("kubernetes_ingress_v1.internal", _ingress("admin-internal", "admin.internal.example.com")),
    kept("kubernetes_ingress_v1.internal", _ingress("admin-internal", "admin.internal.example.com")),
], ids=["created", "kept"])
def test_router_whose_backends_another_still_serves_is_medium(tmp_path: Path, other: dict[str, Any]) -> None:
    assert worst(tmp_path, [gone("kubernetes_ingress_v1.public", OLD), other]) is Severity.MEDIUM


@pytest.mark.parametrize("others", [
    [],
    [made("kubernetes_ingress_v1.internal", _ingress("admin-internal", "a.internal", service="status-ui"))],
    [made("kubernetes_ingress_v1.internal", _ingress("admin-internal", "a.internal", port=9090))],
    [made("kubernetes_ingress_v1.internal", _ingress("admin-internal", "a.internal", namespace="other"))],
], ids=["none", "other-service", "other-port", "other-namespace"])
def test_router_whose_backends_nobody_serves_stays_high(tmp_path: Path, others: list[dict[str, Any]]) -> None:
    assert worst(tmp_path, [gone("kubernetes_ingress_v1.public", OLD), *others]) is Severity.HIGH
