"""Strength downgrades read by meaning, for providers and types nobody listed (keystrength.py,
vocabulary/levels.py, transport.py's client verification): a key below the floor, a reach opened from enclosed to
open, client verification loosened, a record level cut from everything to errors. Each risky case has a second
provider or shape beside it, and benign look-alikes that must stay likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def entry(address: str, before: Any, after: Any, actions: list[str] | None = None) -> dict[str, Any]:
    """One resource change; the provider is named by the type's prefix."""
    kind, name = address.split(".")
    actions = actions or (["create"] if before is None else ["update"])
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": f"registry.terraform.io/acme/{kind.split('_')[0]}",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def judged(tmp_path: Path, address: str, before: Any, after: Any,
           actions: list[str] | None = None) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, [entry(address, before, after, actions)])
    return result.label, worst_by_rule(result)


REPLACE = ["delete", "create"]
RSA_4096 = {"algorithm": "RSA", "ecdsa_curve": "P224", "rsa_bits": 4096, "id": "9f1e2d3c"}


# --- key strength ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("address", "before", "after", "actions"), [
    # a signing key re-made at 1024 bits (the default curve beside it is not the key in use)
    ("tls_private_key.jwt", RSA_4096, {"algorithm": "RSA", "ecdsa_curve": "P224", "rsa_bits": 1024}, REPLACE),
    # an invented PKI role issuing EC keys on a 224-bit curve, created so
    ("vaultly_pki_role.edge", None, {"name": "edge", "key_type": "ec", "key_bits": 224}, None),
    # a managed key's spec read from one word, cut in place
    ("cloudo_kms_key.signer", {"key_spec": "RSA_3072", "usage": "SIGN_VERIFY"},
     {"key_spec": "RSA_1024", "usage": "SIGN_VERIFY"}, None),
    # a CA whose certificates are signed with SHA-1
    ("acmeca_authority.internal", {"signing_algorithm": "SHA256WITHRSA", "key_algorithm": "RSA_2048"},
     {"signing_algorithm": "SHA1WITHRSA", "key_algorithm": "RSA_2048"}, None),
    # a certificate manifest's nested private key (bare `size` beside an RSA algorithm)
    ("kubeish_certificate.api", None, {"spec": {"privateKey": {"algorithm": "RSA", "size": 1024}}}, None),
    # an SSH host key made DSA
    ("boxco_ssh_host_key.bastion", {"key_algorithm": "ed25519"}, {"key_algorithm": "ssh-dss"}, None),
])
def test_a_key_below_the_floor_is_high(tmp_path: Path, address: str, before: Any, after: Any,
                                       actions: list[str] | None) -> None:
    label, worst = judged(tmp_path, address, before, after, actions)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("weak-key") is Severity.HIGH


@pytest.mark.parametrize(("address", "before", "after", "actions"), [
    # RSA → ECDSA P-256: the RSA size and the old default curve still shown are not the key in use
    ("tls_private_key.jwt", RSA_4096, {"algorithm": "ECDSA", "ecdsa_curve": "P256", "rsa_bits": 2048}, REPLACE),
    ("tls_private_key.deploy", None, {"algorithm": "ED25519", "ecdsa_curve": "P224", "rsa_bits": 2048}, None),
    ("tls_private_key.ca", None, {"algorithm": "RSA", "ecdsa_curve": "P224", "rsa_bits": 2048}, None),
    ("cloudo_kms_key.signer", {"key_spec": "RSA_2048"}, {"key_spec": "RSA_4096"}, None),
    ("cloudo_kms_key.data", None, {"key_spec": "SYMMETRIC_DEFAULT"}, None),
    ("vaultly_pki_role.edge", None, {"name": "edge", "key_type": "ec", "key_bits": 384}, None),
    # HMAC-SHA1 one-time passwords are not an SHA-1 signature
    ("realmly_realm.staff", None, {"otp_policy": {"algorithm": "HmacSHA1", "digits": 6}}, None),
    # a key already weak, left as it is while its labels change: not this change's doing
    ("cloudo_kms_key.legacy", {"key_spec": "RSA_1024", "labels": {"a": "1"}},
     {"key_spec": "RSA_1024", "labels": {"a": "2"}}, None),
])
def test_keys_at_or_above_the_floor_stay_safe(tmp_path: Path, address: str, before: Any, after: Any,
                                              actions: list[str] | None) -> None:
    label, worst = judged(tmp_path, address, before, after, actions)
    assert "weak-key" not in worst
    if actions is None:
        assert label is Label.LIKELY_SAFE, worst


# --- reach: enclosed → open --------------------------------------------------------------------------------------
LISTENER = {"name": "admin-console", "reachability": "vpc-only", "client_auth": "mtls", "cache_ttl_seconds": 0}


@pytest.mark.parametrize(("address", "before", "change"), [
    ("acmeplatform_edge_listener.admin", LISTENER, {"reachability": "global"}),
    ("cloudo_gateway.ops", {"name": "ops", "network_access": "internal"}, {"network_access": "internet"}),
    ("dashy_board.finance", {"name": "finance", "access_scope": "Private"}, {"access_scope": "Public"}),
])
def test_reach_opened_from_enclosed_is_high(tmp_path: Path, address: str, before: dict[str, Any],
                                            change: dict[str, Any]) -> None:
    label, worst = judged(tmp_path, address, before, {**before, **change})
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("public-access") is Severity.HIGH


@pytest.mark.parametrize(("address", "before", "change"), [
    ("acmeplatform_edge_listener.site", {**LISTENER, "reachability": "global", "client_auth": "none"},
     {"cache_ttl_seconds": 300}),
    ("cloudo_gateway.ops", {"name": "ops", "network_access": "internal"}, {"network_access": "vpc"}),
    ("cloudo_gateway.ops", {"name": "ops", "network_access": "regional"}, {"network_access": "global"}),
    ("cloudo_gateway.ops", {"name": "ops", "network_access": "public"}, {"network_access": "private"}),
])
def test_reach_kept_enclosed_or_closed_stays_safe(tmp_path: Path, address: str, before: dict[str, Any],
                                                  change: dict[str, Any]) -> None:
    label, worst = judged(tmp_path, address, before, {**before, **change})
    assert "public-access" not in worst and label is Label.LIKELY_SAFE, worst


# --- client verification loosened ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("address", "before", "change"), [
    ("acmeplatform_edge_listener.admin", LISTENER, {"client_auth": "optional"}),
    ("meshy_upstream.payments", {"name": "payments", "peer_verification": "required"}, {"peer_verification": "skip"}),
])
def test_client_verification_loosened_is_high(tmp_path: Path, address: str, before: dict[str, Any],
                                              change: dict[str, Any]) -> None:
    label, worst = judged(tmp_path, address, before, {**before, **change})
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("tls-downgrade") is Severity.HIGH


def test_client_verification_made_stricter_stays_safe(tmp_path: Path) -> None:
    before = {**LISTENER, "client_auth": "optional"}
    label, worst = judged(tmp_path, "acmeplatform_edge_listener.admin", before, {**before, "client_auth": "mtls"})
    assert "tls-downgrade" not in worst and label is Label.LIKELY_SAFE, worst


# --- record level: everything → errors ----------------------------------------------------------------------------
TAP = {"name": "control-plane-audit", "capture": "all", "sample_ratio": 1.0, "sink": "siem"}


@pytest.mark.parametrize(("address", "before", "change"), [
    ("acmeplatform_event_tap.audit", TAP, {"capture": "errors_only"}),
    ("zlog_audit_stream.admin", {"name": "admin", "level": "verbose"}, {"level": "critical"}),
    ("cloudo_project_settings.main", {"name": "main", "audit_level": "full"}, {"audit_level": "none"}),
])
def test_record_level_cut_to_errors_is_high(tmp_path: Path, address: str, before: dict[str, Any],
                                            change: dict[str, Any]) -> None:
    label, worst = judged(tmp_path, address, before, {**before, **change})
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("logging-disabled") is Severity.HIGH


@pytest.mark.parametrize(("address", "before", "change"), [
    # a sampled capture still sees every kind of event
    ("acmeplatform_event_tap.traces", {**TAP, "name": "request-traces", "sink": "tracing"},
     {"capture": "sampled", "sample_ratio": 0.1}),
    ("acmeplatform_event_tap.audit", {**TAP, "capture": "errors_only"}, {"capture": "all"}),
    ("zlog_audit_stream.admin", {"name": "admin", "level": "critical"}, {"level": "verbose"}),
    # an application's own log level is tuning, not audit
    ("appy_service.api", {"name": "api", "log_level": "debug"}, {"log_level": "error"}),
])
def test_record_level_kept_or_raised_stays_safe(tmp_path: Path, address: str, before: dict[str, Any],
                                                change: dict[str, Any]) -> None:
    label, worst = judged(tmp_path, address, before, {**before, **change})
    assert "logging-disabled" not in worst and label is Label.LIKELY_SAFE, worst
