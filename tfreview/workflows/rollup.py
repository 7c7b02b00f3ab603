"""The batch roll-up: one record per workspace, totals, and its text, Markdown and JSON renderings.

Renderers return strings and do no I/O. The JSON form is `BatchReport` itself (kind "batch").
"""

from __future__ import annotations

from collections import Counter
from typing import Literal

from pydantic import BaseModel, Field

from tfreview.labels import DecidedBy, Label
from tfreview.pipeline.findings import Finding
from tfreview.render.escape import markdown_code, markdown_inline, one_line, workflow_log

VerdictSource = Literal["model", "cache", "batch"] | None
FORMATS = ("text", "json", "markdown")
TOP_FINDINGS = 3
SAFE_NAMES_SHOWN = 20


class WorkspaceResult(BaseModel):
    """What the roll-up keeps of one workspace's review."""

    name: str
    path: str
    label: Label
    decided_by: DecidedBy
    findings: list[Finding] = Field(default_factory=list, description="high and medium findings, most severe first")
    errors: list[str] = Field(default_factory=list)
    verdict_source: VerdictSource = Field(
        None, description="model: asked now; cache: from the verdict cache; batch: an identical change-set "
                          "in this batch was asked; null: no model verdict")
    model_s: float = 0.0
    counts: dict[str, int] = Field(default_factory=dict)

    @property
    def needs_review(self) -> bool:
        """Whether the label is 'needs close review'."""
        return self.label is Label.NEEDS_CLOSE_REVIEW


class BatchReport(BaseModel):
    """Everything a batch run produced; `batch --format json` prints exactly this."""

    schema_version: Literal[1] = 1
    kind: Literal["batch"] = "batch"
    total: int
    labels: dict[str, int]
    failed: int = Field(description="workspaces with an error (unreadable plan, failed model call)")
    model_calls: int
    cache_hits: int
    reused_in_batch: int
    wall_s: float
    model_s: float = Field(description="model time of the calls made in this run")
    saved_s: float = Field(description="model time the reused verdicts originally took")
    concurrency: int
    skipped: list[str] = Field(default_factory=list, description="files found that are not plans")
    workspaces: list[WorkspaceResult] = Field(description="needs close review first, then by name")

    @property
    def needs_review(self) -> bool:
        """Whether any workspace needs close review."""
        return any(w.needs_review for w in self.workspaces)

    @classmethod
    def build(cls, results: list[WorkspaceResult], *, wall_s: float, concurrency: int,
              skipped: list[str]) -> BatchReport:
        """Totals over RESULTS."""
        sources = Counter(r.verdict_source for r in results)
        return cls(
            total=len(results),
            labels={label.value: sum(r.label is label for r in results) for label in Label},
            failed=sum(bool(r.errors) for r in results),
            model_calls=sources["model"], cache_hits=sources["cache"], reused_in_batch=sources["batch"],
            wall_s=round(wall_s, 3),
            model_s=round(sum(r.model_s for r in results if r.verdict_source == "model"), 3),
            saved_s=round(sum(r.model_s for r in results if r.verdict_source in ("cache", "batch")), 3),
            concurrency=concurrency, skipped=skipped,
            workspaces=sorted(results, key=lambda r: (not r.needs_review, r.name)),
        )


def render_rollup(report: BatchReport, fmt: str) -> str:
    """REPORT in FMT: text, markdown or json."""
    if fmt == "json":
        return report.model_dump_json(indent=2) + "\n"
    if fmt == "markdown":
        return workflow_log(_markdown(report))
    return workflow_log(_text(report))


def _headline(report: BatchReport) -> str:
    review, safe = report.labels[Label.NEEDS_CLOSE_REVIEW.value], report.labels[Label.LIKELY_SAFE.value]
    return f"{report.total} workspaces — {review} need close review, {safe} likely safe"


def _model_line(report: BatchReport) -> str:
    reused = report.cache_hits + report.reused_in_batch
    return (f"model: {report.model_calls} calls, {reused} verdicts reused ({report.cache_hits} from cache, "
            f"{report.reused_in_batch} within this batch); {report.failed} workspaces with errors")


def _time_line(report: BatchReport) -> str:
    return (f"time: {report.wall_s:.1f} s wall at concurrency {report.concurrency}, "
            f"{report.model_s:.1f} s of model time, ~{report.saved_s:.1f} s of model time saved by reuse")


def _finding_line(finding: Finding) -> str:
    return one_line(f"{finding.severity.value} {finding.rule}: {finding.message}")


def _text(report: BatchReport) -> str:
    lines = [f"tfreview batch: {_headline(report)}", f"  {_model_line(report)}", f"  {_time_line(report)}"]
    flagged = [w for w in report.workspaces if w.needs_review]
    if flagged:
        lines += ["", f"Needs close review ({len(flagged)}):"]
        for ws in flagged:
            lines.append(f"  {ws.name}  [decided by {ws.decided_by.value}{_source_note(ws)}]")
            lines += [f"    - {_finding_line(f)}" for f in ws.findings[:TOP_FINDINGS]]
            if len(ws.findings) > TOP_FINDINGS:
                lines.append(f"    … and {len(ws.findings) - TOP_FINDINGS} more findings")
            lines += [f"    ! {one_line(e)}" for e in ws.errors]
    safe = [w.name for w in report.workspaces if not w.needs_review]
    if safe:
        shown = ", ".join(safe[:SAFE_NAMES_SHOWN])
        more = f" and {len(safe) - SAFE_NAMES_SHOWN} more (see --format json)" if len(safe) > SAFE_NAMES_SHOWN else ""
        lines += ["", f"Likely safe ({len(safe)}): {shown}{more}"]
    if report.skipped:
        lines += ["", f"Skipped {len(report.skipped)} files that are not plans: {', '.join(report.skipped)}"]
    return "\n".join(lines) + "\n"


def _source_note(ws: WorkspaceResult) -> str:
    return {"cache": ", verdict from cache", "batch": ", verdict shared with an identical change-set"}.get(
        ws.verdict_source or "", "")


def _markdown(report: BatchReport) -> str:
    lines = [f"## tfreview batch: {_headline(report)}", "", f"- {_model_line(report)}", f"- {_time_line(report)}"]
    flagged = [w for w in report.workspaces if w.needs_review]
    if flagged:
        lines += ["", f"### Needs close review ({len(flagged)})", "",
                  "| workspace | decided by | top findings | errors |", "|---|---|---|---|"]
        for ws in flagged:
            found = "<br>".join(_cell(_finding_line(f)) for f in ws.findings[:TOP_FINDINGS]) or "—"
            name = markdown_code(ws.name).replace("|", "\\|")
            lines.append(f"| {name} | {ws.decided_by.value}{_source_note(ws)} | {found} | "
                         f"{'<br>'.join(_cell(e) for e in ws.errors) or '—'} |")
    safe = [w for w in report.workspaces if not w.needs_review]
    if safe:
        lines += ["", f"<details><summary>Likely safe ({len(safe)})</summary>", ""]
        lines += [f"- {markdown_code(w.name)}{_source_note(w)}" for w in safe]
        lines += ["", "</details>"]
    if report.skipped:
        lines += ["", f"Skipped {len(report.skipped)} files that are not plans: "
                      + ", ".join(markdown_code(s) for s in report.skipped)]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return markdown_inline(" ".join(text.split()))  # plan text: no HTML, links or code-span breaks; | escaped
