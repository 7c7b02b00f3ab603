"""Speed shortcuts that must decide exactly what the slow path decides: a C-speed scan that spares a walk only
when the walk could find nothing, and memos of pure functions (issue 13). Each shortcut has its twin: the case
where the scan must let the walk run."""

from __future__ import annotations

import pytest

from tfreview.pipeline.references import _may_refer, inlined, is_reference
from tfreview.pipeline.rules.vocabulary.meanings import at_rest, audience, transport

LIVE = "sk_live_51Hx9QpLmZ2vT8rW"
# One spelling per alternative of references.REFERENCE, in mixed case.
REFERENCES = [
    "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db)",
    "https://KV-prod.Vault.Azure.Net/Secrets/db/1",
    "arn:aws-us-gov:SSM:us-gov-west-1:123456789012:parameter/db",
    "{{resolve:secretsmanager:prod/db:SecretString:password}}",
    "projects/acme/secrets/db/versions/3",
    "gcpsm://acme/db", "ref+awsssm://prod/db", "vault:secret/data/db#password",
    "${{ secrets.DB_PASSWORD }}", "secretref:db-password",
]


@pytest.mark.parametrize("reference", REFERENCES)
def test_every_reference_spelling_lets_the_walk_run(reference: str) -> None:
    assert is_reference(reference) and _may_refer({"env": [{"value": reference}]})
    document = {"resource_changes": [{"address": "zephyr_app.api", "change": {
        "before": {"env": [{"value": reference}]}, "after": {"env": [{"value": LIVE}]}}}]}
    assert inlined(document) == [("zephyr_app.api", "env[0].value", LIVE)]


@pytest.mark.parametrize("reference", ["@Micro\u017foft.KeyVault(SecretUri=x)",  # case folding beyond ASCII
                                       "arn:aws:\u017fecretsmanager:eu-west-1:1:secret:db"])
def test_non_ascii_text_is_always_walked(reference: str) -> None:
    assert is_reference(reference) and _may_refer({"value": reference})


def test_values_without_any_reference_are_not_walked_and_find_nothing() -> None:
    before = {"env": [{"value": "plain-config-value-123"}], "tags": {"team": "payments"}}
    assert not _may_refer(before) and not _may_refer(None) and not _may_refer(42)
    document = {"resource_changes": [{"address": "zephyr_app.api", "change": {
        "before": before, "after": {"env": [{"value": LIVE}], "tags": {"team": "payments"}}}}]}
    assert inlined(document) == []


def test_a_bare_string_before_is_walked() -> None:
    assert _may_refer("anything")


@pytest.mark.parametrize(("strength", "value", "expected"), [
    (transport, "TLS1.2", 1), (transport, "plaintext", 0), (transport, "no_tls", None),
    (at_rest, "AES256", 1), (at_rest, "none", 0), (audience, "everyone", 0),
])
def test_a_remembered_strength_is_the_computed_one(strength: object, value: str, expected: float | None) -> None:
    assert callable(strength)
    assert strength(value) == expected and strength(value) == expected  # the second answer comes from the memo
    assert strength([value]) is None and strength({"v": value}) is None and strength(None) is None
