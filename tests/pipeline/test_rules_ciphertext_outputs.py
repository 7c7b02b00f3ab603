"""An output that carries a secret's ciphertext or hash (`encrypted_secret` under a PGP key, a sealed value) is made
to be written down; the same output carrying the clear secret stays a credential leak."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity


def _output_of(tmp_path: Path, address: str, after: dict[str, Any], attribute: str) -> dict[str, Severity]:
    kind, name = address.split(".")
    reference = f"{address}.{attribute}"
    configuration = {"root_module": {
        "resources": [{"address": address, "mode": "managed", "type": kind, "name": name, "expressions": {}}],
        "outputs": {"shared": {"expression": {"references": [reference, address]}, "sensitive": False}}}}
    outputs = {"shared": {"actions": ["create"], "before": None, "after": None, "after_unknown": True,
                          "before_sensitive": False, "after_sensitive": False}}
    change = resource(address, after, unknown={attribute: True, "id": True}, sensitive={"secret": True})
    return judge(tmp_path, [change], configuration=configuration, output_changes=outputs)


CASES = [
    ("aws_iam_access_key.sync", {"user": "sync", "pgp_key": "keybase:secops"}, "secret", "encrypted_secret"),
    ("aws_iam_user_login_profile.ops", {"user": "ops", "pgp_key": "keybase:secops"}, "password",
     "encrypted_password"),
    ("acme_vault_credential.ci", {"name": "ci"}, "client_secret", "sealed_client_secret"),
]


@pytest.mark.parametrize(("address", "after", "clear", "cipher"), CASES, ids=[c[0] for c in CASES])
def test_an_output_of_the_ciphertext_is_not_a_leak(tmp_path: Path, address: str, after: dict[str, Any], clear: str,
                                                   cipher: str) -> None:
    assert "credential-leak" not in _output_of(tmp_path, address, after, cipher)


@pytest.mark.parametrize(("address", "after", "clear", "cipher"), CASES, ids=[c[0] for c in CASES])
def test_an_output_of_the_clear_secret_stays_a_leak(tmp_path: Path, address: str, after: dict[str, Any], clear: str,
                                                    cipher: str) -> None:
    assert _output_of(tmp_path, address, after, clear).get("credential-leak") is Severity.HIGH
