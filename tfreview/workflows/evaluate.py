"""Score a configuration (rules alone, or rules + a model) on a labelled set of plans.

The labels file is the manifest format of `fixtures/manifest.json`:
`{"version": 1, "plans": [{"path": ..., "expected": "likely_safe|needs_close_review", "why": ..., "rules": [...]}]}`.
Each path is relative to DIR (`tfreview eval DIR`), except that a path starting with DIR's own name is
taken from DIR's parent — so a manifest written at the repository root, like the fixtures one, works
both as `tfreview eval . --labels fixtures/manifest.json` and as `tfreview eval fixtures`.

"Positive" means needs close review: recall is the share of risky plans caught, the false-alarm rate
the share of safe plans flagged.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from tfreview.backends.base import Backend
from tfreview.errors import ConfigError
from tfreview.labels import Label
from tfreview.pipeline.review import review
from tfreview.result import ReviewResult
from tfreview.settings import Settings

MANIFEST_NAME = "manifest.json"


class LabelledPlan(BaseModel):
    """One manifest entry."""

    path: str
    expected: Label
    why: str = ""
    rules: list[str] = Field(default_factory=list, description="high-severity rules expected to fire")


class Manifest(BaseModel):
    """A labelled set of plans."""

    version: Literal[1]
    plans: list[LabelledPlan]


class Row(BaseModel):
    """How one plan was labelled."""

    path: str
    expected: Label
    got: Label
    decided_by: str
    time_s: float
    model_verdict: Label | None = None
    missing_rules: list[str] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)

    @property
    def correct(self) -> bool:
        """Whether the label is the expected one."""
        return self.got is self.expected


class Metrics(BaseModel):
    """The confusion matrix and the rates derived from it."""

    total: int
    true_positive: int = Field(description="needs close review, flagged")
    false_negative: int = Field(description="needs close review, labelled likely safe")
    false_positive: int = Field(description="likely safe, flagged")
    true_negative: int = Field(description="likely safe, labelled likely safe")
    recall_needs_review: float | None
    false_alarm_rate: float | None
    accuracy: float | None
    confusion: dict[str, dict[str, int]] = Field(description="expected label → got label → count")


class EvalRun(BaseModel):
    """One configuration scored on the whole set."""

    name: str
    backend: str
    model: str | None
    num_ctx: int
    duration_s: float
    metrics: Metrics
    rows: list[Row]


class EvalReport(BaseModel):
    """What `tfreview eval --output` writes."""

    version: Literal[1] = 1
    labels: str
    runs: list[EvalRun]


def load_manifest(path: Path) -> Manifest:
    """Read and validate a labels file."""
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise ConfigError(f"cannot read labels file {path}: {exc.strerror}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{path} is not a labels manifest ({where}: {first['msg']}) — see fixtures/README.md") \
            from None


def resolve_paths(manifest: Manifest, directory: Path) -> list[Path]:
    """Every plan's file, checked before anything runs so a long model run cannot stop half-way."""
    resolved = [_resolve(entry.path, directory) for entry in manifest.plans]
    missing = [entry.path for entry, path in zip(manifest.plans, resolved, strict=True) if not path.is_file()]
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise ConfigError(f"plan {missing[0]}{more} not found under {directory} — plan paths are relative "
                          "to DIR (or to its parent when they start with DIR's name)")
    return resolved


def run_eval(manifest: Manifest, directory: Path, settings: Settings, *, name: str = "",
             backend: Backend | None = None, on_row: Callable[[int, Row], None] | None = None) -> EvalRun:
    """Review every plan of MANIFEST with SETTINGS and score the labels."""
    paths = resolve_paths(manifest, directory)
    started = time.monotonic()
    rows = []
    for index, (entry, path) in enumerate(zip(manifest.plans, paths, strict=True), 1):
        row = _score(entry, path, settings, backend)
        rows.append(row)
        if on_row:
            on_row(index, row)
    return EvalRun(name=name or settings.backend, backend=settings.backend,
                   model=None if settings.backend == "none" else settings.model, num_ctx=settings.num_ctx,
                   duration_s=round(time.monotonic() - started, 3), metrics=metrics(rows), rows=rows)


def metrics(rows: list[Row]) -> Metrics:
    """Confusion matrix, recall of 'needs close review', false-alarm rate and accuracy."""
    def count(expected: Label, got: Label) -> int:
        return sum(1 for r in rows if r.expected is expected and r.got is got)

    safe, risky = Label.LIKELY_SAFE, Label.NEEDS_CLOSE_REVIEW
    tp, fn, fp, tn = count(risky, risky), count(risky, safe), count(safe, risky), count(safe, safe)
    return Metrics(
        total=len(rows), true_positive=tp, false_negative=fn, false_positive=fp, true_negative=tn,
        recall_needs_review=_ratio(tp, tp + fn), false_alarm_rate=_ratio(fp, fp + tn),
        accuracy=_ratio(tp + tn, len(rows)),
        confusion={e.value: {g.value: count(e, g) for g in Label} for e in Label},
    )


def _score(entry: LabelledPlan, path: Path, settings: Settings, backend: Backend | None) -> Row:
    started = time.monotonic()
    result = review(path, settings, backend)
    return _row(entry, result, time.monotonic() - started)


def _row(entry: LabelledPlan, result: ReviewResult, elapsed: float) -> Row:
    fired = {f.rule for f in result.findings}
    return Row(path=entry.path, expected=entry.expected, got=result.label, decided_by=result.decided_by.value,
               time_s=round(elapsed, 3), model_verdict=result.model.verdict,
               missing_rules=[r for r in entry.rules if r not in fired], errors=result.errors)


def _resolve(relative: str, directory: Path) -> Path:
    path = Path(relative)
    if path.is_absolute():
        return path
    if path.parts and path.parts[0] == directory.resolve().name:
        return directory.resolve().parent / path
    return directory / path


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
