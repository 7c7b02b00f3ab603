"""The local pre-apply check: `terraform plan -out`, then `terraform show -json`, in the workspace.

`show -json` runs with `-chdir=` the workspace (not in the temporary directory holding the planfile),
because Terraform loads provider schemas from the workspace's `.terraform/` to render a plan.
Terraform's own output goes to the caller's LINE callback (stderr); stdout stays the review.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from tfreview.errors import PlanError
from tfreview.pipeline.plan import find_terraform

PLAN_TIMEOUT_S = 3600
SHOW_TIMEOUT_S = 300


def plan_and_show(workdir: Path, out_dir: Path, extra_args: Sequence[str], terraform_bin: str | None,
                  line: Callable[[str], None]) -> Path:
    """Plan WORKDIR into OUT_DIR/tfplan, convert it, and return the path of the plan JSON."""
    binary = find_terraform(terraform_bin)
    if not workdir.is_dir():
        raise PlanError(f"--chdir {workdir} is not a directory")
    planfile = (out_dir / "tfplan").resolve()
    code = _stream([binary, f"-chdir={workdir}", "plan", "-input=false", f"-out={planfile}", *extra_args], line)
    if not planfile.is_file() or planfile.stat().st_size == 0:
        raise PlanError(f"`{Path(binary).name} plan` failed (exit {code}) and wrote no plan — see its output "
                        f"above; run `{Path(binary).name} -chdir={workdir} init` first if it asks for it")
    if code not in (0, 2):  # 2: changes present under -detailed-exitcode
        line(f"tfreview: terraform plan exited {code} but wrote a plan; reviewing it (an errored plan "
             "is labelled needs close review)")
    document = out_dir / "plan.json"
    document.write_bytes(_show(binary, workdir, planfile))
    return document


def _stream(argv: list[str], line: Callable[[str], None]) -> int:
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    try:
        with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                              env=env, text=True, errors="replace") as process:
            assert process.stdout is not None
            for text in process.stdout:
                line(text.rstrip("\n"))
            return process.wait(timeout=PLAN_TIMEOUT_S)
    except OSError as exc:
        raise PlanError(f"cannot run {argv[0]}: {exc.strerror}") from exc
    except subprocess.TimeoutExpired:
        raise PlanError(f"`{Path(argv[0]).name} plan` did not finish in {PLAN_TIMEOUT_S}s") from None


def _show(binary: str, workdir: Path, planfile: Path) -> bytes:
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    try:
        done = subprocess.run([binary, f"-chdir={workdir}", "show", "-json", "-no-color", str(planfile)],
                              capture_output=True, env=env, timeout=SHOW_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise PlanError(f"`{Path(binary).name} show -json` did not finish in {SHOW_TIMEOUT_S}s") from None
    except OSError as exc:
        raise PlanError(f"cannot run {binary}: {exc.strerror}") from exc
    if done.returncode != 0:
        first = next((s for s in done.stderr.decode(errors="replace").splitlines() if s.strip()), "")
        raise PlanError(f"`{Path(binary).name} show -json` failed: {first.strip(' │╷╵') or done.returncode}")
    return done.stdout
