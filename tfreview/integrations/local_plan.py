"""The local pre-apply check: `terraform plan -out`, then `terraform show -json`, in the workspace.

The planfile is kept where the user asked (`-out`, default `tfplan` in the workspace): what was reviewed is
exactly what `terraform apply PLANFILE` applies.

`show -json` runs with `-chdir=` the workspace (not in the temporary directory holding the planfile),
because Terraform loads provider schemas from the workspace's `.terraform/` to render a plan.
Terraform's own output goes to the caller's LINE callback (stderr); stdout stays the review.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

from tfreview.errors import PlanError
from tfreview.pipeline.plan import find_terraform, terraform_error

PLAN_TIMEOUT_S = 3600
SHOW_TIMEOUT_S = 300


def plan_and_show(workdir: Path, planfile: Path, out_dir: Path, extra_args: Sequence[str],
                  terraform_bin: str | None, line: Callable[[str], None]) -> Path:
    """Plan WORKDIR into PLANFILE (kept, for `terraform apply PLANFILE`), convert it into OUT_DIR, return the JSON."""
    binary = find_terraform(terraform_bin)
    if not workdir.is_dir():
        raise PlanError(f"--chdir {workdir} is not a directory")
    planfile = planfile.resolve()
    planfile.unlink(missing_ok=True)  # a stale planfile must never be reviewed in place of this plan
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


def planfile_and_args(out: Path | None, workdir: Path, args: Sequence[str]) -> tuple[Path, list[str]]:
    """Where the planfile goes — --out, else Terraform's own `-out` among ARGS (relative to WORKDIR, as
    Terraform reads it under -chdir), else WORKDIR/tfplan — and the Terraform arguments without `-out`."""
    terraform_out, rest = _split_out_flag(args)
    if out is not None:
        return out, rest
    if terraform_out is not None:
        return (terraform_out if terraform_out.is_absolute() else workdir / terraform_out), rest
    return workdir / "tfplan", rest


def _split_out_flag(args: Sequence[str]) -> tuple[Path | None, list[str]]:
    """Terraform's own `-out=FILE` (or `-out FILE`) among ARGS, and the other arguments."""
    out: Path | None = None
    rest: list[str] = []
    items = iter(args)
    for arg in items:
        if arg.startswith(("-out=", "--out=")):
            out = Path(arg.split("=", 1)[1])
        elif arg in ("-out", "--out"):
            value = next(items, None)
            if value is None:
                raise PlanError("-out needs a file name, e.g. -- -out=tfplan")
            out = Path(value)
        else:
            rest.append(arg)
    return out, rest


def apply_command(binary: str, workdir: Path, planfile: Path) -> str:
    """The exact command that applies the reviewed planfile, as a user would type it."""
    name = Path(binary).name if Path(binary).name in ("terraform", "tofu") else binary
    chdir = "" if workdir.resolve() == Path.cwd().resolve() else f" -chdir={shlex.quote(str(workdir))}"
    try:
        shown = planfile.resolve().relative_to(workdir.resolve())
    except ValueError:
        shown = planfile.resolve()
    return f"{name}{chdir} apply {shlex.quote(str(shown))}"


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
        reason = terraform_error(done.stderr.decode(errors="replace")) or f"exit {done.returncode}"
        raise PlanError(f"`{Path(binary).name} show -json` failed: {reason}")
    return done.stdout
