"""A secret the platform minted as a token for an identity (its type says service-account or bootstrap token)
deleted: medium, a credential revoked; an opaque secret, a TLS secret or a registry secret stays high."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tfreview.pipeline.findings import Severity


def _secret(kind: str) -> dict[str, object]:
    return {"id": "payments/writer-token", "type": kind, "data": {"token": "(sensitive value)"},
            "metadata": [{"name": "writer-token", "namespace": "payments",
                          "annotations": {"kubernetes.io/service-account.name": "writer"}}]}


@pytest.mark.parametrize("kind", ["kubernetes.io/service-account-token", "bootstrap.kubernetes.io/token"])
def test_issued_token_secret_deleted_is_medium(tmp_path: Path, kind: str) -> None:
    assert worst(tmp_path, [gone("kubernetes_secret_v1.writer_token", _secret(kind))]) is Severity.MEDIUM


@pytest.mark.parametrize("kind", ["Opaque", "kubernetes.io/tls", "kubernetes.io/dockerconfigjson"])
def test_stored_secret_deleted_stays_high(tmp_path: Path, kind: str) -> None:
    assert worst(tmp_path, [gone("kubernetes_secret_v1.writer_token", _secret(kind))]) is Severity.HIGH
