"""Read a plan: `terraform show -json` output from a file or stdin, or a binary planfile converted on the fly.

The pydantic models mirror the JSON plan representation
(https://developer.hashicorp.com/terraform/internals/json-format) for format_version 0.1 to 1.2. They keep
only what tfreview reads and ignore unknown keys, so newer Terraform and OpenTofu output still loads.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tfreview.errors import PlanError

PLANFILE_MAGIC = b"PK\x03\x04"  # a saved plan is a zip archive
SHOW_TIMEOUT_S = 300


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class ChangeBody(_Lenient):
    """The `change` object of a resource or output change."""

    actions: list[str] = Field(default_factory=list)
    before: Any = None
    after: Any = None
    after_unknown: Any = None
    before_sensitive: Any = None
    after_sensitive: Any = None
    replace_paths: list[list[Any]] | None = None
    importing: dict[str, Any] | None = None
    generated_config: str | None = None


class DeferredChange(_Lenient):
    """One entry of `deferred_changes` (Terraform 1.9+ with deferred actions)."""

    reason: str = "unknown"
    resource_change: dict[str, Any]


class CheckResult(_Lenient):
    """One entry of `checks`: the status of a check block, precondition or postcondition."""

    address: dict[str, Any] = Field(default_factory=dict)
    status: str = "unknown"
    instances: list[dict[str, Any]] = Field(default_factory=list)
    problems: list[dict[str, Any]] = Field(default_factory=list)


class Plan(_Lenient):
    """The parts of `terraform show -json` that tfreview reviews."""

    format_version: str = "0.1"
    terraform_version: str = ""
    timestamp: str | None = None
    # Older formats lack these three; Terraform then refused to save incomplete or errored plans.
    applyable: bool = True
    complete: bool = True
    errored: bool = False
    variables: dict[str, Any] = Field(default_factory=dict)
    # Raw entries: changes.normalize_resource reads them directly (see there for why).
    resource_changes: list[Any] = Field(default_factory=list)
    resource_drift: list[Any] = Field(default_factory=list)
    output_changes: dict[str, ChangeBody] = Field(default_factory=dict)
    deferred_changes: list[DeferredChange] = Field(default_factory=list)
    relevant_attributes: list[dict[str, Any]] = Field(default_factory=list)
    checks: list[CheckResult] = Field(default_factory=list)
    configuration: dict[str, Any] = Field(default_factory=dict)


def read_plan_document(source: str | Path, terraform_bin: str | None = None) -> dict[str, Any]:
    """Read PLAN (a path, or '-' for stdin) and return the raw `show -json` document."""
    data = _read_bytes(source)
    if data.startswith(PLANFILE_MAGIC):
        data = _convert_planfile(data, source, terraform_bin)
    return _parse_document(data, source)


def parse_plan(document: dict[str, Any]) -> Plan:
    """Validate a raw (already masked) plan document into the typed Plan model."""
    try:
        return Plan.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PlanError(f"plan JSON has an unexpected shape at {where}: {first['msg']}") from exc


def _read_bytes(source: str | Path) -> bytes:
    if str(source) == "-":
        if sys.stdin.isatty():
            raise PlanError("no plan given — pass a plan file, or pipe `terraform show -json tfplan` into tfreview")
        data = sys.stdin.buffer.read()
        if not data:
            raise PlanError("no plan on stdin — pipe `terraform show -json tfplan` into tfreview")
        return data
    path = Path(source)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise PlanError(f"plan file {path} not found") from None
    except IsADirectoryError:
        raise PlanError(f"{path} is a directory — pass a plan JSON file or a saved planfile") from None
    except OSError as exc:
        raise PlanError(f"cannot read {path}: {exc.strerror}") from exc


def _parse_document(data: bytes, source: str | Path) -> dict[str, Any]:
    name = "stdin" if str(source) == "-" else str(source)
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise PlanError(
            f"{name} is neither plan JSON nor a saved planfile ({exc}) — "
            "create it with `terraform show -json tfplan > plan.json`"
        ) from None
    if not isinstance(document, dict) or "format_version" not in document:
        raise PlanError(
            f"{name} is JSON but not a Terraform plan (no format_version) — "
            "create it with `terraform show -json tfplan > plan.json`"
        )
    if "planned_values" not in document and "resource_changes" not in document:
        raise PlanError(f"{name} looks like a state file, not a plan — pass the output of show -json on a planfile")
    return document


def find_terraform(terraform_bin: str | None) -> str:
    """The Terraform or OpenTofu executable to convert planfiles with."""
    if terraform_bin:
        found = shutil.which(terraform_bin)
        if not found:
            raise PlanError(f"--terraform-bin {terraform_bin} is not an executable")
        return str(Path(found).resolve())  # `show` runs in the planfile's directory: a relative path would break
    for candidate in ("terraform", "tofu"):
        found = shutil.which(candidate)
        if found:
            return found
    raise PlanError(
        "this is a binary planfile and neither terraform nor tofu is on PATH — "
        "install one, pass --terraform-bin, or pass `terraform show -json` output instead"
    )


def _convert_planfile(data: bytes, source: str | Path, terraform_bin: str | None) -> bytes:
    binary = find_terraform(terraform_bin)
    if str(source) == "-":
        with tempfile.TemporaryDirectory() as tmp:
            planfile = Path(tmp) / "stdin.tfplan"
            planfile.write_bytes(data)
            return _run_show(binary, planfile, cwd=Path.cwd())
    planfile = Path(source).resolve()
    # `show` reads the workspace's providers and backend settings from the directory the plan was made in.
    return _run_show(binary, planfile, cwd=planfile.parent)


def _run_show(binary: str, planfile: Path, cwd: Path) -> bytes:
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
    try:
        done = subprocess.run(
            [binary, "show", "-json", "-no-color", str(planfile)],
            cwd=cwd,
            env=env,
            capture_output=True,
            timeout=SHOW_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PlanError(f"`{binary} show -json` did not finish in {SHOW_TIMEOUT_S}s") from None
    except OSError as exc:
        raise PlanError(f"cannot run {binary}: {exc.strerror}") from exc
    if done.returncode != 0:
        detail = terraform_error(done.stderr.decode(errors="replace")) or f"exit {done.returncode}"
        advice = ("convert it with the Terraform version that made it" if "different Terraform versions" in detail
                  else "run it in the directory where the plan was made, after `init`")
        raise PlanError(f"`{Path(binary).name} show -json {planfile.name}` failed: {detail} — {advice}")
    return done.stdout


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def terraform_error(stderr: str) -> str:
    """Terraform's own reason on one line: the first `Error:` summary and its detail paragraph."""
    lines = [_ANSI.sub("", line).strip(" │╷╵\t") for line in stderr.splitlines()]
    for index, line in enumerate(lines):
        if line.startswith("Error:"):
            detail: list[str] = []
            for following in lines[index + 1:]:
                if not following and detail:
                    break
                if following.startswith("Error:"):
                    break
                if following:
                    detail.append(following)
            summary = line.removeprefix("Error:").strip()
            return f"{summary}: {' '.join(detail)}" if detail else summary
    meaningful = [line for line in lines if line]
    return meaningful[0] if meaningful else ""