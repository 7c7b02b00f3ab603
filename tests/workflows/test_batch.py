"""`tfreview batch`: discovery, one model call per distinct change-set, failure isolation, the roll-up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bench.workspaces import write_workspaces
from tests.helpers import plan_path
from tests.ollama_double import OllamaDouble
from tests.openai_double import OpenAIDouble
from tfreview.cli import main
from tfreview.errors import ConfigError
from tfreview.settings import Settings
from tfreview.workflows.batch import run_batch
from tfreview.workflows.discover import Workspace, default_concurrency, find_workspaces, load_manifest
from tfreview.workflows.rollup import BatchReport


def batch(*args: object) -> Result:
    return CliRunner().invoke(main, ["batch", *map(str, args)], catch_exceptions=False)


def ollama_batch(ollama: OllamaDouble, *args: object) -> Result:
    return batch(*args, "--host", ollama.url, "--timeout", "10")


# --- one model call per distinct change-set -----------------------------------------------------


@pytest.mark.parametrize("concurrency", [1, 4])
def test_50_plans_with_5_change_sets_make_exactly_5_model_calls(
    ollama: OllamaDouble, tmp_path: Path, concurrency: int
) -> None:
    write_workspaces(tmp_path / "ws", 50, 5)
    cold = ollama_batch(ollama, tmp_path / "ws", "--concurrency", concurrency, "--format", "json")
    assert len(ollama.chat_bodies) == 5
    report = BatchReport.model_validate_json(cold.stdout)
    assert (report.total, report.model_calls, report.cache_hits, report.reused_in_batch) == (50, 5, 0, 45)
    warm = ollama_batch(ollama, tmp_path / "ws", "--concurrency", concurrency, "--format", "json")
    assert len(ollama.chat_bodies) == 5  # everything came from the cache
    again = BatchReport.model_validate_json(warm.stdout)
    assert (again.model_calls, again.cache_hits, again.reused_in_batch) == (0, 5, 45)
    assert again.labels == report.labels == {"likely_safe": 40, "needs_close_review": 10}
    # The model's identity is read once per run, not once per workspace (650 reads cost more than the answers).
    assert [r.path for r in ollama.requests].count("/api/tags") == 2


def test_no_cache_still_asks_each_change_set_once_per_batch(ollama: OllamaDouble, tmp_path: Path) -> None:
    write_workspaces(tmp_path / "ws", 20, 4)
    for _ in range(2):
        ollama_batch(ollama, tmp_path / "ws", "--no-cache", "--concurrency", 3)
    assert len(ollama.chat_bodies) == 8


def test_650_workspaces_roll_up(ollama: OllamaDouble, tmp_path: Path) -> None:
    write_workspaces(tmp_path / "ws", 650, 20)
    result = ollama_batch(ollama, tmp_path / "ws", "--concurrency", 4, "--format", "json", "-q",
                          "--output", f"json={tmp_path / 'rollup.json'}")
    assert result.exit_code == 1 and result.stdout == ""
    report = BatchReport.model_validate_json((tmp_path / "rollup.json").read_text())
    # Variants 0, 5, 10 and 15 destroy a database: 4 of every 20 workspaces need close review.
    assert report.labels == {"likely_safe": 520, "needs_close_review": 130}
    assert (report.total, report.model_calls, report.reused_in_batch, report.failed) == (650, 20, 630, 0)
    assert len(ollama.chat_bodies) == 20
    assert [w.label.value for w in report.workspaces[:130]] == ["needs_close_review"] * 130
    assert all(w.findings[0].rule == "resource-delete" for w in report.workspaces[:130])
    assert len({w.name for w in report.workspaces}) == 650


# --- failures are isolated ------------------------------------------------------------------------


def test_bad_plans_fail_closed_without_stopping_the_batch(ollama: OllamaDouble, tmp_path: Path) -> None:
    write_workspaces(tmp_path / "ws", 4, 4)
    (tmp_path / "ws" / "broken").mkdir()
    (tmp_path / "ws" / "broken" / "plan.json").write_text('{"format_version": "1.2", "resource_chan')
    (tmp_path / "ws" / "empty.json").write_text("")
    (tmp_path / "ws" / "terraform.tfvars.json").write_text('{"region": "eu-west-1"}')
    (tmp_path / "ws" / ".terraform").mkdir()
    (tmp_path / "ws" / ".terraform" / "modules.json").write_text('{"Modules": []}')
    result = ollama_batch(ollama, tmp_path / "ws", "--format", "json")
    assert result.exit_code == 1
    report = BatchReport.model_validate_json(result.stdout)
    assert report.total == 6 and report.failed == 2
    failed = {Path(w.name).name: w for w in report.workspaces if w.errors}
    assert set(failed) == {"plan.json", "empty.json"}
    assert all(w.decided_by.value == "error" and w.label.value == "needs_close_review" for w in failed.values())
    assert report.skipped == [str(tmp_path / "ws" / "terraform.tfvars.json")]
    assert report.labels == {"likely_safe": 3, "needs_close_review": 3}  # ws-0000 destroys a database


def test_a_failing_model_fails_only_its_change_sets(ollama: OllamaDouble, tmp_path: Path) -> None:
    ollama.chat_error(500, "llama runner process has terminated: exit status 2")
    write_workspaces(tmp_path / "ws", 6, 3)
    report = BatchReport.model_validate_json(ollama_batch(ollama, tmp_path / "ws", "--format", "json").stdout)
    assert report.failed == 6 and len(ollama.chat_bodies) == 3
    assert all("HTTP 500" in w.errors[0] for w in report.workspaces)


# --- the command --------------------------------------------------------------------------------


def test_all_safe_exits_0_with_a_text_roll_up_and_plain_progress(tmp_path: Path) -> None:
    result = batch(plan_path("create"), plan_path("update"), "--backend", "none")
    assert result.exit_code == 0
    assert result.stdout.startswith("tfreview batch: 2 workspaces — 0 need close review, 2 likely safe\n")
    assert "tfreview: [1/2] " in result.stderr and "tfreview: [2/2] " in result.stderr


def test_markdown_roll_up_lists_review_first(tmp_path: Path) -> None:
    result = batch(plan_path("create"), plan_path("failing_check"), "--backend", "none", "--format", "markdown")
    assert result.exit_code == 1
    text = result.stdout
    assert text.index("### Needs close review (1)") < text.index("<summary>Likely safe (1)</summary>")
    assert "check-failed" in text


def test_manifest_names_workspaces(tmp_path: Path) -> None:
    manifest = tmp_path / "plans.json"
    manifest.write_text(json.dumps({"workspaces": {"prod": str(plan_path("failing_check")), "dev": "missing.json"}}))
    report = BatchReport.model_validate_json(batch("--manifest", manifest, "--backend", "none", "--format",
                                                   "json").stdout)
    assert [w.name for w in report.workspaces] == ["dev", "prod"]
    assert "not found" in report.workspaces[0].errors[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "pass plan files or directories, or --manifest FILE"),
        (("nowhere",), "nowhere does not exist"),
        (("--manifest", "nowhere.json"), "cannot read manifest"),
        ((".", "--glob", "*.nothing"), "no plans found"),
        ((".", "--num-ctx", "10"), "invalid setting num_ctx"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...],
                             message: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plan.json").write_bytes(plan_path("create").read_bytes())
    result = CliRunner().invoke(main, ["batch", *args, "--backend", "none"])
    assert result.exit_code == 2
    assert message in result.stderr


def test_exit_zero(tmp_path: Path) -> None:
    assert batch(plan_path("failing_check"), "--backend", "none", "--exit-zero").exit_code == 0


# --- discovery and concurrency ------------------------------------------------------------------


def test_find_workspaces_globs_and_dedupes(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "tfplan").write_bytes(b"PK\x03\x04")
    (tmp_path / "b.tfplan").write_bytes(b"PK\x03\x04")
    (tmp_path / "c.json").write_bytes(plan_path("create").read_bytes())
    found, skipped = find_workspaces([tmp_path, tmp_path / "c.json"])
    assert sorted(Path(w.name).name for w in found) == ["b.tfplan", "c.json", "tfplan"] and skipped == []
    only, _ = find_workspaces([tmp_path], ["*.json"])
    assert [Path(w.name).name for w in only] == ["c.json"]


def test_manifest_must_map_names_to_paths(tmp_path: Path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text("[1, 2]")
    with pytest.raises(ConfigError, match="must map workspace names to plan paths"):
        load_manifest(bad)
    bad.write_text('{"prod": "p/plan.json"}')
    assert load_manifest(bad) == [Workspace("prod", tmp_path / "p" / "plan.json")]


@pytest.mark.parametrize("openai", ["llama"], indirect=True)
def test_default_concurrency_follows_llama_server_slots(openai: OpenAIDouble) -> None:
    assert default_concurrency(Settings(backend="ollama")) == 1
    assert default_concurrency(Settings(backend="openai", base_url=openai.url)) == 1  # no /props answer
    openai.slots = 3
    assert default_concurrency(Settings(backend="openai", base_url=openai.url)) == 3


def test_run_batch_reports_progress_for_every_workspace(tmp_path: Path) -> None:
    paths = write_workspaces(tmp_path, 7, 2)
    seen: list[str] = []
    report = run_batch([Workspace(p.parent.name, p) for p in paths], lambda p: Settings(backend="none"),
                       progress=lambda r: seen.append(r.name))
    assert sorted(seen) == sorted(w.name for w in report.workspaces) and report.total == 7
