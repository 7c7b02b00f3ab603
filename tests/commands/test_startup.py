"""What a process imports: `--backend none` pays for no HTTP client, model backend, server or template engine."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.helpers import ROOT, plan_path

HEAVY = ("httpx", "httpcore", "ollama", "starlette", "uvicorn", "xllamacpp", "torch", "transformers", "jinja2",
         "hcl2", "tfreview.backends.ollama", "tfreview.backends.openai", "tfreview.integrations.run_task")

PROBE = """
import sys
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


def test_a_model_review_imports_its_backend() -> None:
    assert "tfreview.backends.ollama" in imported("review", str(plan_path("update")), "--host",
                                                  "http://127.0.0.1:9", "--timeout", "1")
