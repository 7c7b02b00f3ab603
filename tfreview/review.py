"""The review pipeline: load → mask → normalize → rules → prompt → model → decide."""

from __future__ import annotations

import time
from pathlib import Path

from tfreview.backends import get_backend
from tfreview.backends.base import Backend, ModelReply
from tfreview.changes import Action, ChangeSet, normalize
from tfreview.errors import BackendError
from tfreview.labels import DecidedBy, Label
from tfreview.mask import MaskReport, mask_document, mask_text
from tfreview.plan import Plan, parse_plan, read_plan_document
from tfreview.prompt import build_prompt
from tfreview.result import ModelInfo, PlanInfo, ReviewResult, Summary
from tfreview.risk import Finding, ReviewInput, Severity, evaluate
from tfreview.settings import Settings
from tfreview.summary import count, ordered
from tfreview.verdict import parse_verdict


def review(source: str | Path, settings: Settings, backend: Backend | None = None) -> ReviewResult:
    """Review one plan. Plan and config errors raise; model failures fail closed into the result."""
    document = read_plan_document(source, settings.terraform_bin)
    masking = mask_document(document)
    plan = parse_plan(document)
    changeset = normalize(plan)
    findings = evaluate(ReviewInput(plan=plan, changeset=changeset, config=settings.file, masking=masking))
    result = _rules_result(plan, changeset, findings, settings)
    if settings.backend == "none" or not (findings or _has_changes(changeset)):
        return result
    return _ask_model(result, plan, changeset, settings, backend or get_backend(settings.backend), masking)


def _rules_result(plan: Plan, changeset: ChangeSet, findings: list[Finding], settings: Settings) -> ReviewResult:
    label = Label.NEEDS_CLOSE_REVIEW if _has_high(findings) else Label.LIKELY_SAFE
    return ReviewResult(
        label=label,
        label_text=label.text,
        decided_by=DecidedBy.RULES,
        findings=findings,
        summary=Summary.model_validate(count(changeset)),
        changes=ordered(changeset.changes),
        drift=changeset.drift,
        plan=PlanInfo(terraform_version=plan.terraform_version, format_version=plan.format_version,
                      applyable=plan.applyable, complete=plan.complete, errored=plan.errored),
        model=ModelInfo(backend=settings.backend, name=None if settings.backend == "none" else settings.model),
    )


def _ask_model(result: ReviewResult, plan: Plan, changeset: ChangeSet, settings: Settings,
               backend: Backend, masking: MaskReport) -> ReviewResult:
    prompt = build_prompt(plan, changeset, result.findings, settings.num_ctx)
    if not prompt.summary_complete:
        return _failed(result, f"the plan does not fit --num-ctx {settings.num_ctx} even compressed "
                               f"(~{prompt.tokens} tokens) — raise --num-ctx")
    started = time.monotonic()
    try:
        reply = backend.chat(prompt.text, settings.backend_settings())
    except BackendError as exc:
        result.model.duration_s = round(time.monotonic() - started, 3)
        return _failed(result, mask_text(str(exc), masking.secrets))
    return _decide(result, reply, masking)


def _decide(result: ReviewResult, reply: ModelReply, masking: MaskReport) -> ReviewResult:
    verdict = parse_verdict(reply.content)
    result.reasoning = mask_text(reply.thinking, masking.secrets)
    result.explanation = mask_text(verdict.explanation, masking.secrets)
    result.model.verdict = verdict.label
    result.model.duration_s = round(reply.duration_s, 3)
    if verdict.label is None:
        return _failed(result, f"the model gave no usable verdict: {verdict.problem}")
    if result.label is Label.NEEDS_CLOSE_REVIEW:
        return result  # the rules' floor stands whatever the model says
    result.label = verdict.label
    result.label_text = verdict.label.text
    result.decided_by = DecidedBy.MODEL
    return result


def _failed(result: ReviewResult, reason: str) -> ReviewResult:
    """Fail closed: the label becomes 'needs close review' and the reason is recorded."""
    result.errors.append(reason)
    if result.label is Label.LIKELY_SAFE:
        result.label = Label.NEEDS_CLOSE_REVIEW
        result.label_text = result.label.text
        result.decided_by = DecidedBy.ERROR
    return result


def _has_high(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.HIGH for f in findings)


def _has_changes(changeset: ChangeSet) -> bool:
    """Whether there is anything for a model to judge."""
    return (any(c.action is not Action.NO_OP or c.moved or c.importing for c in changeset.changes)
            or bool(changeset.drift or changeset.deferred)
            or any(o.action is not Action.NO_OP for o in changeset.outputs))
