"""What a process imports: `--backend none` pays for no HTTP client, model backend, server or template engine."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT, plan_path

HEAVY = ("httpx", "httpcore", "ollama", "starlette", "uvicorn", "xllamacpp", "torch", "transformers", "jinja2",
         "hcl2", "tfreview.backends.ollama", "tfreview.backends.openai", "tfreview.integrations.run_task")

PROBE = """
import sys
from pathlib import Path
from tfreview.cli import main
sys.argv = ["tfreview", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
heavy = {HEAVY!r}
print(sorted(m for m in sys.modules if m.startswith(heavy)), file=sys.stderr)
"""


def imported(*args: str) -> list[str]:
    """The heavy modules a tfreview process imported for ARGS."""
    completed = subprocess.run([sys.executable, "-c", PROBE.replace("{HEAVY!r}", repr(HEAVY)), *args],
                               capture_output=True, text=True, cwd=ROOT, check=False)
    return ast.literal_eval(completed.stderr.strip().splitlines()[-1])  # the probe's last line


def test_rules_only_review_imports_no_client_backend_or_server() -> None:
    assert imported("review", str(plan_path("update")), "--backend", "none", "--format", "json") == []


def test_help_and_version_import_nothing_heavy() -> None:
    assert imported("--help") == []
    assert imported("--version") == []


def test_help_lists_the_commands_without_loading_them() -> None:
    completed = subprocess.run([sys.executable, "-c", "import sys\nfrom tfreview.cli import main\n"
                                "sys.argv = ['tfreview', '--help']\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
                                "print(sorted(m for m in sys.modules if m.startswith(('tfreview.commands.', 'rich'))"
                                " and m not in ('tfreview.commands.options', 'tfreview.commands.output')),"
                                " file=sys.stderr)"], capture_output=True, text=True, cwd=ROOT, check=False)
    assert ast.literal_eval(completed.stderr.strip().splitlines()[-1]) == []
    assert "review     Review PLAN" in completed.stdout


def test_each_listed_summary_is_the_commands_own_help() -> None:
    from tfreview.cli import COMMANDS, SUMMARIES, main

    assert list(SUMMARIES) == list(COMMANDS)
    for name in COMMANDS:
        command = main.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.get_short_help_str(1000) == SUMMARIES[name], name


def test_a_model_review_imports_its_backend() -> None:
    assert "tfreview.backends.ollama" in imported("review", str(plan_path("update")), "--host",
                                                  "http://127.0.0.1:9", "--timeout", "1")


def test_the_report_is_the_same_in_every_process() -> None:
    """No finding's order or text depends on Python's per-process hash seed."""
    plans = [ROOT / "fixtures" / "corpus" / "google" / "inc_project_editor_binding.json",
             ROOT / "fixtures" / "fresh" / "adversarial" / "r13_iam_passrole_lambda.json",
             ROOT / "fixtures" / "fresh" / "context" / "b01_180_routine_changes.json"]

    def report(plan: Path, seed: str) -> str:
        done = subprocess.run([sys.executable, "-c", "from tfreview.cli import main; main()", "review", str(plan),
                               "--backend", "none", "--format", "json"], capture_output=True, text=True, cwd=ROOT,
                              check=False, env={**os.environ, "PYTHONHASHSEED": seed})
        return done.stdout

    for plan in plans:
        assert report(plan, "1") == report(plan, "2") != ""


def test_python_dash_m_runs_the_same_command_line() -> None:
    completed = subprocess.run([sys.executable, "-m", "tfreview", "--version"], capture_output=True, text=True,
                               cwd=ROOT, check=False)
    assert completed.returncode == 0 and completed.stdout.startswith("tfreview, version ")
