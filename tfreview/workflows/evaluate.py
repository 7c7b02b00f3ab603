"""Score a configuration (rules alone, or rules + a model) on a labelled set of plans.

The labels file is the manifest format of `fixtures/manifest.json`:
`{"version": 1, "plans": [{"path": ..., "expected": "likely_safe|needs_close_review", "why": ..., "rules": [...]}]}`.
Each path is relative to DIR (`tfreview eval DIR`), except that a path starting with DIR's own name is
taken from DIR's parent — so a manifest written at the repository root, like the fixtures one, works
both as `tfreview eval . --labels fixtures/manifest.json` and as `tfreview eval fixtures`.

An entry may name its `family` (exposure, identity, destruction, downgrade, reach, credentials, malformed,
or `benign-…` for a look-alike that must stay likely safe); the run reports recall or false alarms per family.

"Positive" means needs close review: recall is the share of risky plans caught, the false-alarm rate
the share of safe plans flagged. Every plan ends in one outcome:
- `judged`: a label was computed (by the rules, or the rules and the model);
- `plan_error`: tfreview refused the plan (what `tfreview review` reports with exit 2). No label is safe
  then, so it counts as "needs close review": right for a malformed plan, a false alarm for a safe one;
- `model_error` / `unreachable`: the model was asked and gave no usable verdict (or its server could
  not be reached). The review failed closed, but that is not the model's judgment: these plans are
  left out of the metrics and counted as not judged;
- `crash`: tfreview itself failed unexpectedly on the plan: not judged either.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

from tfreview.backends import get_backend
from tfreview.backends.base import Backend
from tfreview.errors import ConfigError, PlanError
from tfreview.labels import Label
from tfreview.pipeline.review import review
from tfreview.result import ReviewResult
from tfreview.settings import Settings

MANIFEST_NAME = "manifest.json"
BENIGN = "benign"
Outcome = Literal["judged", "plan_error", "model_error", "unreachable", "crash"]
JUDGED: tuple[Outcome, ...] = ("judged", "plan_error")


class LabelledPlan(BaseModel):
    """One manifest entry."""

    path: str
    expected: Label
    why: str = ""
    rules: list[str] = Field(default_factory=list, description="high-severity rules expected to fire")
    family: str = Field("", pattern=r"^([a-z][a-z0-9]*(-[a-z0-9]+)*)?$",
                        description="failure mode, or benign-… for a look-alike that must stay likely safe")

    @model_validator(mode="after")
    def _family_matches_label(self) -> LabelledPlan:
        benign = self.family.split("-")[0] == BENIGN
        if self.family and benign != (self.expected is Label.LIKELY_SAFE):
            want = "likely_safe" if benign else "needs_close_review"
            raise ValueError(f"family {self.family!r} is for plans expected {want}")
        return self


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
    family: str = ""
    outcome: Outcome = "judged"
    model_verdict: Label | None = None
    missing_rules: list[str] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)

    @property
    def correct(self) -> bool:
        """Whether the label is the expected one."""
        return self.got is self.expected

    @property
    def judged(self) -> bool:
        """Whether the row has a label of its own (not a model failure or a crash)."""
        return self.outcome in JUDGED


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
    not_judged: int = Field(0, description="plans left out above: the model failed or tfreview crashed")


class EvalRun(BaseModel):
    """One configuration scored on the whole set."""

    name: str
    backend: str
    model: str | None
    num_ctx: int
    duration_s: float
    metrics: Metrics
    families: dict[str, Metrics] = Field(default_factory=dict, description="the same metrics per family")
    rows: list[Row]

    @property
    def failures(self) -> list[Row]:
        """Rows that could not be judged."""
        return [r for r in self.rows if not r.judged]


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
    backend = backend or get_backend(settings.backend)
    started = time.monotonic()
    rows = []
    for index, (entry, path) in enumerate(zip(manifest.plans, paths, strict=True), 1):
        row = _score(entry, path, settings, backend)
        rows.append(row)
        if on_row:
            on_row(index, row)
    return EvalRun(name=name or settings.backend, backend=settings.backend,
                   model=None if settings.backend == "none" else settings.model, num_ctx=settings.num_ctx,
                   duration_s=round(time.monotonic() - started, 3), metrics=metrics(rows),
                   families=by_family(rows), rows=rows)


def by_family(rows: list[Row]) -> dict[str, Metrics]:
    """Metrics of each family named in the manifest, in name order."""
    names = sorted({r.family for r in rows if r.family})
    return {name: metrics([r for r in rows if r.family == name]) for name in names}


def metrics(rows: list[Row]) -> Metrics:
    """Confusion matrix, recall of 'needs close review', false-alarm rate and accuracy over judged rows."""
    judged = [r for r in rows if r.judged]

    def count(expected: Label, got: Label) -> int:
        return sum(1 for r in judged if r.expected is expected and r.got is got)

    safe, risky = Label.LIKELY_SAFE, Label.NEEDS_CLOSE_REVIEW
    tp, fn, fp, tn = count(risky, risky), count(risky, safe), count(safe, risky), count(safe, safe)
    return Metrics(
        total=len(judged), true_positive=tp, false_negative=fn, false_positive=fp, true_negative=tn,
        recall_needs_review=_ratio(tp, tp + fn), false_alarm_rate=_ratio(fp, fp + tn),
        accuracy=_ratio(tp + tn, len(judged)),
        confusion={e.value: {g.value: count(e, g) for g in Label} for e in Label},
        not_judged=len(rows) - len(judged),
    )


def _score(entry: LabelledPlan, path: Path, settings: Settings, backend: Backend) -> Row:
    started = time.monotonic()
    base = {"path": entry.path, "expected": entry.expected, "family": entry.family}
    try:
        result = review(path, settings, backend)
    except PlanError as exc:
        return Row(**base, got=Label.NEEDS_CLOSE_REVIEW, decided_by="error", outcome="plan_error",
                   time_s=round(time.monotonic() - started, 3), errors=[str(exc)])
    except ConfigError:
        raise  # the same for every plan: stop at once
    except Exception as exc:  # one plan must not end the run: it is reported as not judged
        return Row(**base, got=Label.NEEDS_CLOSE_REVIEW, decided_by="error", outcome="crash",
                   time_s=round(time.monotonic() - started, 3),
                   errors=[f"tfreview failed on this plan ({type(exc).__name__}: {exc}) — please report it"])
    return _row(entry, result, time.monotonic() - started, _outcome(settings, result))


def _outcome(settings: Settings, result: ReviewResult) -> Outcome:
    if settings.backend == "none" or not result.errors:
        return "judged"
    return "unreachable" if result.model_unreachable else "model_error"


def _row(entry: LabelledPlan, result: ReviewResult, elapsed: float, outcome: Outcome = "judged") -> Row:
    fired = {f.rule for f in result.findings}
    return Row(path=entry.path, expected=entry.expected, got=result.label, decided_by=result.decided_by.value,
               time_s=round(elapsed, 3), model_verdict=result.model.verdict, family=entry.family, outcome=outcome,
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
