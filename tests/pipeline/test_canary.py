"""Canary secrets in every position of a plan never reach an output, a prompt, a request or a file.

fixtures/secrets/everywhere.json holds a marked attribute (old and new value), unmarked copies of it in a
tag and a variable, a sensitive variable and output, an AWS key in user_data, a private key in a
description, a password in a connection string and a GitHub token; fixtures/plans/sensitive.json is real
Terraform output with CANARY-tfreview-7f3a9c1e-secret. fixtures/secrets/hiding.json hides them where
shapes alone miss them: flag values in argument lists and command lines (`--db-password x`, `-px`,
`--token=x`, inside a container definition's JSON), a sensitive number copied as a number and into a tag,
and the newer key shapes (Stripe live and restricted keys, Slack bot token and webhook, a GCP service-account
key as JSON and base64, an Azure storage connection string).
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner, Result

from tests.helpers import CANARY, OLD_SECRET, ROOT, plan_path
from tests.ollama_double import OllamaDouble
from tfreview import backends
from tfreview.backends.base import ModelReply
from tfreview.backends.fake import FakeBackend
from tfreview.cli import main
from tfreview.pipeline.mask import mask_document
from tfreview.pipeline.plan import read_plan_document
from tfreview.pipeline.review import review
from tfreview.render import FORMATS, render
from tfreview.settings import Settings

EVERYWHERE = ROOT / "fixtures" / "secrets" / "everywhere.json"
HIDING = ROOT / "fixtures" / "secrets" / "hiding.json"
PLANS = {"everywhere": EVERYWHERE, "sensitive": plan_path("sensitive"), "hiding": HIDING}
PIN = "7391846"  # a sensitive number in hiding.json, copied as a number and inside a tag
GCP_B64 = "ewogICJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCIsCiAgInByaXZhdGVfa2V5IjogIkNBTkFSWWI2NGdjcDdmM2E5YzFlIgp9"
SECRETS = (
    CANARY, OLD_SECRET, "CANARY-db-7f3a9c1e-password", "CANARY-old-7f3a9c1e-password",
    "CANARY-var-7f3a9c1e-api-secret", "CANARY-output-7f3a9c1e-admin-token", "AKIACANARY7F3A9C1E00",
    "CANARYpk7f3a9c1e", "CANARYconn7f3a9c1e", "ghp_CANARYgh7f3a9c1e0123456789abcdefABCD",
    PIN, GCP_B64, GCP_B64[:40],
)
SAFE = ModelReply(thinking="Tags and an environment variable change; nothing is destroyed.",
                  content="Routine update.\n\nVERDICT: LIKELY SAFE")


def leaks(text: str) -> list[str]:
    """Every canary in TEXT; any spelling of the word counts."""
    found = [secret for secret in SECRETS if secret in text]
    return found + (["canary"] if "canary" in text.lower() else [])


def files_under(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text(errors="replace") for p in root.rglob("*") if p.is_file()}


def review_cli(plan: Path, tmp_path: Path, fmt: str, *extra: str) -> Result:
    outputs = [f"--output={f}={tmp_path / 'out' / f'review.{f}'}" for f in FORMATS]
    (tmp_path / "out").mkdir(exist_ok=True)
    return CliRunner().invoke(main, ["review", str(plan), "--format", fmt, *outputs, "--exit-zero",
                                     "--cache-dir", str(tmp_path / "cache"), "--record", str(tmp_path / "record"),
                                     *extra], catch_exceptions=False)


def assert_clean(result: Result, tmp_path: Path) -> None:
    assert result.exit_code == 0, result.output
    assert leaks(result.output) == [] and leaks(result.stderr) == []
    written = files_under(tmp_path)
    assert any(name.startswith("out") for name in written)
    for name, text in written.items():
        assert leaks(text) == [], f"{name} leaks"


@pytest.mark.parametrize("name", list(PLANS))
def test_the_plans_really_hold_the_canaries_and_masking_removes_them(name: str) -> None:
    document = read_plan_document(PLANS[name])
    assert leaks(orjson.dumps(document).decode())
    mask_document(document)
    assert leaks(orjson.dumps(document).decode()) == []


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", list(PLANS))
def test_rules_only_cli_output_and_files(name: str, fmt: str, tmp_path: Path) -> None:
    assert_clean(review_cli(PLANS[name], tmp_path, fmt, "--backend", "none"), tmp_path)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", list(PLANS))
def test_cli_with_a_model_output_prompt_and_files(name: str, fmt: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeBackend.always(SAFE)
    monkeypatch.setitem(backends.BACKENDS, "ollama", lambda: fake)
    assert_clean(review_cli(PLANS[name], tmp_path, fmt), tmp_path)
    assert fake.prompts and all(leaks(prompt) == [] for prompt in fake.prompts)


@pytest.mark.parametrize("name", list(PLANS))
def test_review_prompt_result_and_every_rendering(name: str) -> None:
    fake = FakeBackend.always(SAFE)
    result = review(PLANS[name], Settings(use_cache=False), backend=fake)
    assert leaks(fake.prompts[0]) == []
    assert "(sensitive" in fake.prompts[0]
    for fmt in FORMATS:
        assert leaks(render(result, fmt)) == [], fmt
    assert leaks(result.to_json()) == []


def test_credentials_are_reported_without_their_values() -> None:
    result = review(EVERYWHERE, Settings(backend="none"))
    messages = sorted(f.message for f in result.findings if f.rule == "credential-in-plan")
    assert messages == [
        "aws_instance.web: user_data contains an AWS access key (masked)",
        "aws_lambda_function.billing_export: environment[0].variables.DATABASE_URL contains a password in a "
        "connection string (masked)",
        "aws_lambda_function.billing_export: environment[0].variables.GITHUB_TOKEN contains a GitHub token (masked)",
        "aws_security_group.bastion: description contains a private key (masked)",
    ]


@pytest.mark.parametrize("name", list(PLANS))
def test_nothing_secret_goes_over_the_wire_to_ollama(name: str, ollama: OllamaDouble, tmp_path: Path) -> None:
    result = review_cli(PLANS[name], tmp_path, "json", "--host", ollama.url, "--timeout", "10")
    assert_clean(result, tmp_path)
    bodies = [r.raw.decode(errors="replace") for r in ollama.requests]
    assert any('"messages"' in body for body in bodies), "the model was asked"
    assert all(leaks(body) == [] for body in bodies)


def test_github_actions_files_stay_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "github_output"))
    assert_clean(review_cli(EVERYWHERE, tmp_path, "github", "--backend", "none"), tmp_path)
    assert (tmp_path / "summary.md").stat().st_size > 0


def test_hiding_credentials_are_each_reported_without_their_values() -> None:
    result = review(HIDING, Settings(backend="none"))
    messages = sorted(f.message for f in result.findings if f.rule == "credential-in-plan")
    assert messages == sorted([
        "aws_ecs_task_definition.worker: container_definitions contains a Slack webhook URL (masked)",
        "aws_ecs_task_definition.worker: container_definitions contains an Azure storage or shared access key (masked)",
        "aws_ecs_task_definition.worker: container_definitions contains a credential passed as an argument (masked)",
        "google_cloudfunctions_function.hook: environment_variables.SA_JSON contains a private key (masked)",
        "google_cloudfunctions_function.hook: environment_variables.SA_B64 contains a GCP service-account key (masked)",
        "google_cloudfunctions_function.hook: environment_variables.STRIPE contains a Stripe secret key (masked)",
        "google_cloudfunctions_function.hook: environment_variables.SLACK contains a Slack token (masked)",
        "kubernetes_deployment.api: spec[0].template[0].spec[0].container[0].args[3] contains a credential passed "
        "as an argument (masked)",
        "kubernetes_deployment.api: spec[0].template[0].spec[0].container[0].command[2] contains a token (masked)",
        "kubernetes_deployment.api: spec[0].template[0].spec[0].container[0].command[2] contains a credential "
        "passed as an argument (masked)",
        "kubernetes_deployment.api: spec[0].template[0].spec[0].container[0].env[0].value contains a Stripe secret "
        "key (masked)",
    ])
    assert result.needs_review
    ledger = next(c for c in result.changes if c.address == "aws_db_instance.ledger")
    assert ledger.address == "aws_db_instance.ledger", "masking never rewrites an address"


@pytest.mark.parametrize("name", list(PLANS))
def test_dataset_export_of_recorded_reviews_is_clean(name: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeBackend.always(SAFE)
    monkeypatch.setitem(backends.BACKENDS, "ollama", lambda: fake)
    assert_clean(review_cli(PLANS[name], tmp_path, "json"), tmp_path)
    out = tmp_path / "train.jsonl"
    export = CliRunner().invoke(main, ["dataset", "export", "--record", str(tmp_path / "record"), "--out", str(out),
                                       "--format", "messages"], catch_exceptions=False)
    assert export.exit_code == 0, export.output
    assert out.stat().st_size > 0 and '"messages"' in out.read_text()
    assert_clean(export, tmp_path)
