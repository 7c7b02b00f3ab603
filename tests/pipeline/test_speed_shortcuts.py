"""Speed shortcuts that must decide exactly what the slow path decides: a C-speed scan that spares a walk only
when the walk could find nothing, and memos of pure functions (issue 13). Each shortcut has its twin: the case
where the scan must let the walk run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pipeline.test_rules_app_platforms import judge
from tests.pipeline.test_rules_monitoring_and_modes import resource
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.references import _may_refer, inlined, is_reference
from tfreview.pipeline.rules.bundled import CLIENT_PREFIX
from tfreview.pipeline.rules.controls import CONTROLS
from tfreview.pipeline.rules.grants import PRIVILEGED
from tfreview.pipeline.rules.memberships import default_for_everyone
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


# --- client-bundle names: the gate words are the prefixes themselves, at the start of a JSON string ----------------

PREFIXES = ["NEXT_PUBLIC", "nuxt_public", "NUXT_ENV", "Vite", "REACT_APP", "EXPO_PUBLIC", "GATSBY", "VUE_APP", "PUBLIC",
            "STORYBOOK", "REDWOOD_ENV", "SANITY_STUDIO", "PLASMO_PUBLIC"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_client_bundle_prefix_passes_the_gate(tmp_path: Path, prefix: str) -> None:
    assert CLIENT_PREFIX.match(f"{prefix}_X")  # the list above is the rule's own
    as_key = resource("orbit_site.web", {"env": {f"{prefix}_DB_PASSWORD": "(sensitive)"}})
    as_name = resource("orbit_site_env.x", {"name": f"{prefix}_SERVICE_ROLE_KEY", "value": "(sensitive)"})
    assert judge(tmp_path, as_key).get("secrets-shared") is Severity.HIGH
    assert judge(tmp_path, as_name).get("secrets-shared") is Severity.HIGH


def test_a_prefix_inside_a_longer_name_is_no_client_bundle_name(tmp_path: Path) -> None:
    change = resource("orbit_site.web", {"env": {"LEGACY_NEXT_PUBLIC_DB_PASSWORD": "(sensitive)"}})
    assert "secrets-shared" not in judge(tmp_path, change)


# --- generic controls: each strength read once decides as both reads did ------------------------------------------

SAMPLES = [None, True, False, 0, 1, 3, 30, 0.5, "", "none", "plain", "TLS1.2", "tls1_0", "required", "optional",
           "enforce", "report_only", "everyone", "members", "private", "public", "*", "AES256", ["a"], {"k": "v"}]


def test_a_control_graded_from_its_strengths_is_the_control_weakened() -> None:
    for item in CONTROLS:
        for before in SAMPLES:
            for after in SAMPLES:
                assert item.graded(item.strength(before), item.strength(after)) == item.weakened(before, after)


# --- a default level for every member: the key's name is read first, the values only under a default key -------

@pytest.mark.parametrize(("key", "fires"), [("default_repository_permission", True), ("base_role", True),
                                            ("repository_permission", False), ("default_branch", False)])
def test_only_a_default_level_key_raised_reads_as_everyone_raised(key: str, fires: bool) -> None:
    change = Change(address="zephyr_org.main", type="zephyr_org", name="main", action=Action.UPDATE,
                    actions=["update"], before={key: "read"}, after={key: "admin"})
    assert any(f.rule == PRIVILEGED for f in default_for_everyone(change)) is fires


# --- a claimed volume made ephemeral: the gate words are the ephemeral keys, in every spelling the rule reads -------

@pytest.mark.parametrize("ephemeral", ["emptyDir", "empty_dir", "EmptyDir", "tmpfs"])
def test_every_ephemeral_volume_key_passes_the_gate(tmp_path: Path, ephemeral: str) -> None:
    before = {"volume": [{"name": "data", "persistent_volume_claim": [{"claim_name": "queue-data"}]}]}
    after = {"volume": [{"name": "data", ephemeral: [{"size_limit": "1Gi"}]}]}
    change = resource("orbit_workload.queue", after, before=before)
    assert judge(tmp_path, change).get("persistence-disabled") is Severity.HIGH
    kept = resource("orbit_workload.queue", {"volume": [*before["volume"], {"name": "scratch", ephemeral: [{}]}]},
                    before=before)
    assert "persistence-disabled" not in judge(tmp_path, kept)
