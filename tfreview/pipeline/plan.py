"""Load stage: `terraform show -json` output from a file or stdin, or a binary planfile converted on the fly.

The bytes come through source.py (regular files only, under a size cap), and the document's shape is checked
by shape.py before any other stage sees it. The pydantic models mirror the JSON plan representation
(https://developer.hashicorp.com/terraform/internals/json-format) for format_version 0.1 to 1.2. They keep
only what tfreview reads and ignore unknown keys, so newer Terraform and OpenTofu output still loads; a newer
major format version is reported by the `plan-format` rule.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tfreview.errors import PlanError
from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.shape import check_shape
from tfreview.pipeline.source import (
    CHUNK_BYTES,
    DEFAULT_MAX_PLAN_BYTES,
    check_planfile,
    read_capped,
    read_source,
    shown_path,
)

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
    # The state the plan started from, data sources read at plan time included (masked like planned_values):
    # rules read whose account the caller is (`data.aws_caller_identity`) and where managed objects live.
    prior_state: dict[str, Any] = Field(default_factory=dict)


    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        """Terraform omits empty sections; a `null` one means the same (the shape check allows it)."""
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value is not None}
        return data


def read_plan_document(source: str | Path, terraform_bin: str | None = None,
                       max_bytes: int = DEFAULT_MAX_PLAN_BYTES) -> dict[str, Any]:
    """Read PLAN (a path, or '-' for stdin), check its shape, and return the raw `show -json` document.

    Entries without an address (Terraform 1.0 drift) get the one Terraform would print before any other
    stage sees them.
    """
    data = read_source(source, max_bytes)
    if data.startswith(PLANFILE_MAGIC):
        data = _convert_planfile(data, source, terraform_bin, max_bytes)
    document = _parse_document(data, source)
    check_shape(document)
    add_addresses(document)
    return document


def parse_plan(document: dict[str, Any]) -> Plan:
    """Validate a raw (already masked) plan document into the typed Plan model."""
    try:
        return Plan.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PlanError(f"plan JSON has an unexpected shape at {where}: {first['msg']}") from exc


def add_addresses(document: dict[str, Any]) -> None:
    """Give every resource entry without an `address` the one built from its parts."""
    deferred = [d.get("resource_change") or {} for d in document.get("deferred_changes") or []]
    for entry in [*(document.get("resource_changes") or []), *(document.get("resource_drift") or []), *deferred]:
        if not entry.get("address"):
            entry["address"] = instance_address(entry)


def instance_address(entry: dict[str, Any]) -> str:
    """`module.a.data.aws_ami.x["k"]` from module_address, mode, type, name and index, as Terraform prints it."""
    address = f"{entry.get('type') or ''}.{entry.get('name') or ''}"
    if entry.get("mode") == "data":
        address = f"data.{address}"
    if entry.get("module_address"):
        address = f"{entry['module_address']}.{address}"
    index = entry.get("index")
    if isinstance(index, str):
        address += f"[{json.dumps(index, ensure_ascii=False)}]"
    elif isinstance(index, (int, float)) and not isinstance(index, bool):
        address += f"[{int(index)}]"
    return address


# Keys only a plan's JSON has (a state's has `values`): Terraform leaves `resource_changes` out when nothing changes,
# so a refresh-only plan may carry only its drift.
PLAN_KEYS = frozenset({"planned_values", "resource_changes", "resource_drift", "prior_state", "output_changes",
                       "applyable", "errored", "relevant_attributes", "deferred_changes"})


def _parse_document(data: bytes, source: str | Path) -> dict[str, Any]:
    name = "stdin" if str(source) == "-" else shown_path(source)
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if "depth" in str(exc) or "recursion" in str(exc).lower():
            raise PlanError(f"{name} is nested deeper than JSON parsers allow — "
                            "no Terraform plan nests this deep; check how the file was made") from None
        raise PlanError(
            f"{name} is neither plan JSON nor a saved planfile ({exc}) — "
            "create it with `terraform show -json tfplan > plan.json`"
        ) from None
    if not isinstance(document, dict) or "format_version" not in document:
        raise PlanError(
            f"{name} is JSON but not a Terraform plan (no format_version) — "
            "create it with `terraform show -json tfplan > plan.json`"
        )
    if not PLAN_KEYS & document.keys():
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


def _convert_planfile(data: bytes, source: str | Path, terraform_bin: str | None, max_bytes: int) -> bytes:
    name = "stdin" if str(source) == "-" else shown_path(source)
    check_planfile(data, max_bytes, name)
    binary = find_terraform(terraform_bin)
    if str(source) == "-":
        with tempfile.TemporaryDirectory() as tmp:
            planfile = Path(tmp) / "stdin.tfplan"
            planfile.write_bytes(data)
            return _run_show(binary, planfile, Path.cwd(), max_bytes)
    planfile = Path(source).resolve()
    # `show` reads the workspace's providers and backend settings from the directory the plan was made in.
    return _run_show(binary, planfile, planfile.parent, max_bytes)


def _run_show(binary: str, planfile: Path, cwd: Path, max_bytes: int) -> bytes:
    """`show -json PLANFILE`, its output read under the same cap as a plan file, killed after SHOW_TIMEOUT_S."""
    env = {**os.environ, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
    command = f"`{Path(binary).name} show -json {planfile.name}`"
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen([binary, "show", "-json", "-no-color", str(planfile)], cwd=cwd, env=env,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors)
        except OSError as exc:
            raise PlanError(f"cannot run {binary}: {exc.strerror}") from exc
        stdout = process.stdout
        assert stdout is not None  # stdout=PIPE
        timer = threading.Timer(SHOW_TIMEOUT_S, process.kill)
        timer.start()
        try:
            output = read_capped(iter(lambda: stdout.read(CHUNK_BYTES), b""), max_bytes, f"the output of {command}")
            code = process.wait()
        finally:
            timer.cancel()
            if process.poll() is None:
                process.kill()
                process.wait()
            stdout.close()
        if code < 0:
            raise PlanError(f"{command} did not finish in {SHOW_TIMEOUT_S}s")
        errors.seek(0)
        stderr = errors.read(CHUNK_BYTES).decode(errors="replace")
    if code != 0:
        detail = terraform_error(stderr) or f"exit {code}"
        advice = ("convert it with the Terraform version that made it" if "different Terraform versions" in detail
                  else "run it in the directory where the plan was made, after `init`")
        raise PlanError(f"{command} failed: {detail} — {advice}")
    return output


_ANSI = lazy_compile(r"\x1b\[[0-9;]*m")


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