"""Record masked reviews as JSONL (`--record DIR`) and the human verdicts given on them (`tfreview feedback`).

DIR/reviews.jsonl holds one line per review, DIR/feedback.jsonl one line per human verdict; the last
verdict given on a run counts. Only masked data is written: the prompt is built from the masked plan,
and reasoning, explanation and errors are masked again with the plan's secrets before they are stored.
Each line is appended whole with one O_APPEND write and fsync'd; a line cut short (a full disk, a
crash) is skipped with a warning when read, and the next append starts on a fresh line.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import threading
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

import orjson
from pydantic import BaseModel, Field, ValidationError

from tfreview.errors import ConfigError
from tfreview.labels import DecidedBy, Label
from tfreview.pipeline.changes import ChangeSet
from tfreview.pipeline.findings import Finding
from tfreview.pipeline.mask import mask_text
from tfreview.result import ReviewResult, Summary
from tfreview.workflows.cache_key import canonical_changes

if TYPE_CHECKING:
    from tfreview.pipeline.prepared import Prepared

REVIEWS_FILE = "reviews.jsonl"
FEEDBACK_FILE = "feedback.jsonl"
_WRITE_LOCK = threading.Lock()
_Item = TypeVar("_Item", bound=BaseModel)
log = logging.getLogger("tfreview.record")


class ReviewRecord(BaseModel):
    """One recorded review: what the model was asked, what it said, and the final label."""

    version: Literal[1] = 1
    run_id: str
    timestamp: str
    source: str = Field(description="the plan file as given, or 'stdin'")
    changeset_hash: str = Field(description="sha256 of the masked, normalized changes")
    backend: str
    model: str | None
    prompt: str | None = Field(description="the masked prompt; None when no model was asked")
    template_version: str | None = None
    reasoning: str = ""
    explanation: str = ""
    model_verdict: Label | None = None
    findings: list[Finding] = Field(default_factory=list)
    summary: Summary = Field(default_factory=Summary)
    label: Label
    decided_by: DecidedBy
    errors: list[str] = Field(default_factory=list)


class Feedback(BaseModel):
    """A human verdict on a recorded review."""

    version: Literal[1] = 1
    run_id: str
    timestamp: str
    label: Label
    note: str = ""


def changeset_hash(changeset: ChangeSet) -> str:
    """sha256 of the masked change-set in the verdict cache's canonical form (model and settings left out)."""
    # cache_key.canonical_changes sorts the changes and strips workspace names from addresses, so the
    # same change planned in two workspaces is one training example.
    canonical = orjson.dumps(canonical_changes(changeset), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()


def record_review(directory: Path, source: str | Path, prepared: Prepared, result: ReviewResult) -> ReviewRecord:
    """Append one masked review to DIRECTORY/reviews.jsonl and return it."""
    secrets = prepared.masking.secrets
    prompt = prepared.prompt
    record = ReviewRecord(
        run_id=uuid.uuid4().hex,
        timestamp=_now(),
        source="stdin" if str(source) == "-" else str(source),
        changeset_hash=changeset_hash(prepared.changeset),
        backend=result.model.backend,
        model=result.model.name,
        prompt=mask_text(prompt.text, secrets) if prompt else None,
        template_version=prompt.template_version if prompt else None,
        reasoning=mask_text(result.reasoning, secrets),
        explanation=mask_text(result.explanation, secrets),
        model_verdict=result.model.verdict,
        findings=result.findings,
        summary=result.summary,
        label=result.label,
        decided_by=result.decided_by,
        errors=[mask_text(e, secrets) for e in result.errors],
    )
    _append(directory / REVIEWS_FILE, record)
    return record


def add_feedback(directory: Path, run_id: str, label: Label, note: str = "") -> tuple[ReviewRecord, Feedback]:
    """Store a human verdict on the recorded run RUN_ID (a unique prefix or 'last' works)."""
    record = find_run(load_reviews(directory), run_id, directory)
    feedback = Feedback(run_id=record.run_id, timestamp=_now(), label=label, note=note)
    _append(directory / FEEDBACK_FILE, feedback)
    return record, feedback


def load_reviews(directory: Path) -> list[ReviewRecord]:
    """Every recorded review in DIRECTORY, oldest first."""
    path = directory / REVIEWS_FILE
    if not path.is_file():
        raise ConfigError(f"no recorded reviews in {directory} — record some with "
                          f"`tfreview review PLAN --record {directory}`")
    return _read(path, ReviewRecord)


def load_feedback(directory: Path) -> dict[str, Feedback]:
    """The human verdict per run id (the last one given), empty when there is none."""
    path = directory / FEEDBACK_FILE
    if not path.is_file():
        return {}
    return {f.run_id: f for f in _read(path, Feedback)}


def find_run(records: list[ReviewRecord], run_id: str, directory: Path) -> ReviewRecord:
    """The record whose run id is RUN_ID or starts with it; 'last' is the newest."""
    if run_id == "last" and records:
        return records[-1]
    matches = [r for r in records if r.run_id.startswith(run_id.lower())] if run_id else []
    if len(matches) == 1:
        return matches[0]
    problem = "matches several runs — give more of it" if matches else "is not a recorded run"
    raise ConfigError(f"run id {run_id!r} {problem} in {directory} — list runs with "
                      f"`tfreview feedback --list --record {directory}`")


def _read(path: Path, model: type[_Item]) -> list[_Item]:
    """The items of a JSONL file; a line cut short is skipped with a warning, other damage is a ConfigError."""
    try:
        lines = path.read_bytes().split(b"\n")
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    items = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            items.append(model.model_validate_json(line))
        except ValidationError as exc:
            if not _cut_short(exc):
                raise ConfigError(f"{path}:{number} is not a tfreview record — remove or repair that line") from None
            log.warning("tfreview: skipping %s:%d, a record cut short while it was written (disk full?)",
                        path, number)
    return items


def _cut_short(exc: ValidationError) -> bool:
    """Whether the JSON ended early: what a torn append leaves, unlike a line edited by hand."""
    return any(e["type"] == "json_invalid" and "EOF while parsing" in e["msg"] for e in exc.errors())


def _append(path: Path, item: BaseModel) -> None:
    """Append one JSON line with a single O_APPEND write, then fsync: concurrent appends never interleave."""
    line = (item.model_dump_json() + "\n").encode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _WRITE_LOCK:
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666)
            try:
                if _torn_tail(fd):
                    line = b"\n" + line  # never glue a record onto the remains of a torn one
                if os.write(fd, line) != len(line):
                    raise OSError(errno.ENOSPC, "No space left on device (short write)")
                os.fsync(fd)
            finally:
                os.close(fd)
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror} — pass a writable --record DIR "
                          "with free space") from exc


def _torn_tail(fd: int) -> bool:
    """Whether the file is non-empty and does not end with a newline."""
    if os.fstat(fd).st_size == 0:
        return False
    os.lseek(fd, -1, os.SEEK_END)
    return os.read(fd, 1) != b"\n"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")

