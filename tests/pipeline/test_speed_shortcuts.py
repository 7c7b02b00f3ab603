"""Speed shortcuts that must decide exactly what the slow path decides (issue 13): gate words that spare a check
only where it could find nothing, values read once instead of twice, memos of pure functions. Each gate has its
twin: a look-alike the check itself must still find nothing in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.pipeline.test_rules_app_platforms import judge
from tests.pipeline.test_rules_monitoring_and_modes import resource
from tfreview.pipeline.changes import Action, Change, ChangeSet
from tfreview.pipeline.configuration import Configuration, configuration
from tfreview.pipeline.credentials import _PASSWORD_CHARS, PROBES
from tfreview.pipeline.findings import Severity, managed
from tfreview.pipeline.plan import Plan
from tfreview.pipeline.rules.bootscript import dangers
from tfreview.pipeline.rules.bundled import CLIENT_PREFIX
from tfreview.pipeline.rules.controls import CONTROLS
from tfreview.pipeline.rules.grants import PRIVILEGED
from tfreview.pipeline.rules.memberships import default_for_everyone
from tfreview.pipeline.rules.vocabulary.meanings import at_rest, audience, transport


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


# --- the chosen-password probe starts from its mark: it finds exactly where the character-first form found --------

_CHARACTER_FIRST = re.compile(rb"[A-Za-z0-9_.+=@$-][!#%^&*?~]" + _PASSWORD_CHARS.encode() + rb'{0,62}\\?"')
PROBE_TEXTS = [b'"Qz8!kLm2#pW"', b'"#!/bin/bash\\necho"', b'"s3:*"', b'"a?b"', b'"x~y\\"', b'"!leading"', b'"tail!"',
               b'"https://x/?q=1&r=2"', b'"' + b"a" * 70 + b'!b"', b'"a!' + b"b" * 70 + b'"', b'"ab"', b'"a!b', b""]


@pytest.mark.parametrize("text", PROBE_TEXTS)
def test_the_password_probe_finds_what_the_character_first_form_finds(text: bytes) -> None:
    probe = next(p for p in PROBES if p.pattern.startswith(rb"[!#%^&*?~]"))
    assert (probe.search(text) is None) is (_CHARACTER_FIRST.search(text) is None)
    # A match starts one character later, inside the same string: scan.py names the same unit.
    assert [m.start() for m in probe.finditer(text)] == [m.start() + 1 for m in _CHARACTER_FIRST.finditer(text)]


# --- indexes built once per plan: the same answers, and a new plan never gets the last one's --------------------

def _changeset(*actions: Action) -> ChangeSet:
    return ChangeSet(changes=[Change(address=f"t_x.a{i}", type="t_x", name=f"a{i}", action=a, actions=[a.value],
                                     mode="data" if i == 0 else "managed") for i, a in enumerate(actions)])


def test_managed_changes_come_in_plan_order_for_each_set_of_actions() -> None:
    changeset = _changeset(Action.DELETE, Action.DELETE, Action.CREATE, Action.REPLACE, Action.DELETE)
    addresses = [c.address for c in managed(changeset, Action.REPLACE, Action.DELETE)]
    assert addresses == ["t_x.a1", "t_x.a3", "t_x.a4"]  # the data source a0 is no managed change
    assert [c.address for c in managed(changeset, Action.DELETE, Action.REPLACE)] == addresses
    other = _changeset(Action.CREATE, Action.DELETE)
    assert [c.address for c in managed(other, Action.DELETE)] == ["t_x.a1"]
    changeset.changes = changeset.changes[:2]  # a change-set given a new list is indexed again
    assert [c.address for c in managed(changeset, Action.DELETE)] == ["t_x.a1"]


def test_one_configuration_index_per_plan() -> None:
    document = {"format_version": "1.2", "configuration": {"root_module": {"resources": [
        {"address": "aws_s3_bucket.b", "expressions": {"bucket": {"constant_value": "logs"}}}]}}}
    plan, again = Plan.model_validate(document), Plan.model_validate(document)
    assert configuration(plan) is configuration(plan)
    assert configuration(again) is not configuration(plan)
    assert configuration(plan).values("aws_s3_bucket.b", ("bucket",)) == Configuration(plan).values(
        "aws_s3_bucket.b", ("bucket",)) == ["logs"]


# --- boot scripts: a script read once answers as a script read every time -----------------------------------------

def test_a_remembered_boot_script_reading_is_the_computed_one() -> None:
    script = "#!/bin/bash\necho 'PermitRootLogin yes' >> /etc/ssh/sshd_config\nsystemctl stop falcon-sensor\n"
    first, second = dangers(script), dangers(script)
    assert first == second == {"turns on root or password SSH login", "stops the agent 'falcon-sensor'"}
    assert isinstance(first, frozenset)  # shared between callers: nobody can change the remembered answer
