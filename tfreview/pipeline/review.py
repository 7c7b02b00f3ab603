"""The review pipeline: prepare (load → mask → normalize → rules → prompt) → ask the model → decide.

`review()` runs all three for one plan. Batch runs and caches use the stages separately: every plan is
prepared, identical change-sets are asked once, and each plan is decided with its own findings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import orjson

from tfreview.backends import get_backend
from tfreview.backends.base import Backend, ModelReply
from tfreview.errors import BackendError, BackendUnavailable, PlanError
from tfreview.labels import DecidedBy, Label
from tfreview.pipeline.changes import Action, ChangeSet, normalize, paused_gc
from tfreview.pipeline.findings import ReviewInput, Severity
from tfreview.pipeline.mask import MaskReport, mask_document, mask_text
from tfreview.pipeline.plan import parse_plan, read_plan_document
from tfreview.pipeline.prepared import Prepared
from tfreview.pipeline.prompt import build_prompt
from tfreview.pipeline.risk import evaluate
from tfreview.pipeline.summary import count, ordered
from tfreview.pipeline.verdict import parse_verdict
from tfreview.result import ModelInfo, PlanInfo, ReviewResult, Summary
from tfreview.settings import Settings

TOO_DEEP = ("the plan holds a value nested too deeply to review (JSON text inside an attribute, maybe) — "
            "no Terraform plan nests this deep; check how the file was made")


@dataclass
class ModelOutcome:
    """What asking the model gave: a reply, or the reason there is none."""

    reply: ModelReply | None = None
    error: str | None = None
    duration_s: float = 0.0
    cached: bool = False
    unreachable: bool = False  # the model's server or file could not be reached at all


def review(source: str | Path, settings: Settings, backend: Backend | None = None) -> ReviewResult:
    """Review one plan. Plan and config errors raise; model failures fail closed into the result."""
    prepared = prepare(source, settings)
    outcome = None
    if prepared.needs_model:
        outcome = ask_cached(prepared, settings, backend or get_backend(settings.backend))
    result = decide(prepared, settings, outcome)
    if settings.record_dir is not None:
        from tfreview.workflows.record import record_review  # only when --record is given

        record_review(settings.record_dir, source, prepared, result)
    return result


def ask_cached(prepared: Prepared, settings: Settings, backend: Backend, *, key: str | None = None) -> ModelOutcome:
    """Ask the model, reusing the verdict of an identical change-set when the cache has one."""
    if not settings.use_cache or prepared.prompt is None:
        return ask(prepared, settings, backend)
    from tfreview.workflows.cache import VerdictCache, new_entry  # only when a model is asked
    from tfreview.workflows.cache_key import cache_key, with_identity

    cache = VerdictCache(settings.cache_dir)
    try:  # the weights' identity is part of the key: unknown weights are never answered from the cache
        identity = backend.identity(settings.backend_settings())
    except BackendError as exc:
        return ModelOutcome(error=str(exc), unreachable=isinstance(exc, BackendUnavailable))
    key = with_identity(key or cache_key(prepared, settings, backend.name), identity)
    hit = cache.get(key)
    if hit is not None:
        return ModelOutcome(reply=hit.reply, duration_s=hit.duration_s, cached=True)
    outcome = ask(prepared, settings, backend)
    # Failures are never cached, and neither is an answer without a usable verdict: asking again may help.
    if outcome.reply is not None and parse_verdict(outcome.reply.content).label is not None:
        entry = new_entry(backend.name, settings.model, outcome.reply, outcome.duration_s)
        cache.put(key, entry, prepared.masking.secrets)
    return outcome


def prepare(source: str | Path, settings: Settings) -> Prepared:
    """The deterministic stage: load, mask, normalize, run the rules, and build the prompt if needed."""
    try:
        with paused_gc():  # the stage allocates millions of acyclic objects; see paused_gc
            document = read_plan_document(source, settings.terraform_bin, settings.max_plan_bytes)
            masking = mask_document(document)
            plan = parse_plan(document)
            changeset = normalize(plan)
            findings = evaluate(ReviewInput(plan=plan, changeset=changeset, config=settings.file, masking=masking))
            masking.hidden = {}  # the clear values behind marks were for the rules alone: not kept past them
            wanted = settings.backend != "none" and bool(findings or _has_changes(changeset))
            prompt = build_prompt(plan, changeset, findings, settings.num_ctx) if wanted else None
    # The load stage caps the document's depth, but JSON text inside a value (a policy) is parsed again by
    # rules, deeper than Python's recursion limit or orjson's 255 levels allow: refuse it on one line.
    except RecursionError:
        raise PlanError(TOO_DEEP) from None
    except orjson.JSONEncodeError as exc:
        if "ecursion" not in str(exc):
            raise
        raise PlanError(TOO_DEEP) from None
    return Prepared(plan, changeset, findings, masking, prompt)


def ask(prepared: Prepared, settings: Settings, backend: Backend) -> ModelOutcome:
    """Ask the model about a prepared plan; never raises for a model failure."""
    prompt = prepared.prompt
    if prompt is None:
        return ModelOutcome(error="no prompt was built for this plan")
    if not prompt.summary_complete:
        return ModelOutcome(error=f"the plan does not fit --num-ctx {settings.num_ctx} even compressed "
                                  f"(~{prompt.tokens} tokens) — raise --num-ctx")
    started = time.monotonic()
    try:
        reply = backend.chat(prompt.text, settings.backend_settings())
    except BackendError as exc:
        return ModelOutcome(error=str(exc), duration_s=time.monotonic() - started,
                            unreachable=isinstance(exc, BackendUnavailable))
    return ModelOutcome(reply=reply, duration_s=reply.duration_s or time.monotonic() - started)


def decide(prepared: Prepared, settings: Settings, outcome: ModelOutcome | None) -> ReviewResult:
    """The final label: rules set the floor, the model may only escalate, any failure fails closed."""
    result = _rules_result(prepared, settings)
    if outcome is None:
        return result
    result.model.duration_s = round(outcome.duration_s, 3)
    result.model.cached = outcome.cached
    result.model_unreachable = outcome.unreachable
    if outcome.reply is None:
        return _failed(result, mask_text(outcome.error or "the model gave no answer", prepared.masking.secrets))
    return _apply_reply(result, outcome.reply, prepared.masking)


def _rules_result(prepared: Prepared, settings: Settings) -> ReviewResult:
    plan, changeset, findings = prepared.plan, prepared.changeset, prepared.findings
    label = Label.NEEDS_CLOSE_REVIEW if any(f.severity is Severity.HIGH for f in findings) else Label.LIKELY_SAFE
    return ReviewResult(
        label=label,
        label_text=label.text,
        decided_by=DecidedBy.RULES,
        findings=findings,
        summary=Summary.model_validate(count(changeset)),
        changes=ordered(changeset.changes),
        drift=changeset.drift,
        outputs=[o for o in changeset.outputs if o.action is not Action.NO_OP],
        plan=PlanInfo(terraform_version=plan.terraform_version, format_version=plan.format_version,
                      applyable=plan.applyable, complete=plan.complete, errored=plan.errored),
        model=ModelInfo(backend=settings.backend, name=None if settings.backend == "none" else settings.model),
    )


def _apply_reply(result: ReviewResult, reply: ModelReply, masking: MaskReport) -> ReviewResult:
    verdict = parse_verdict(reply.content)
    result.reasoning = mask_text(reply.thinking, masking.secrets)
    result.explanation = mask_text(verdict.explanation, masking.secrets)
    result.model.verdict = verdict.label
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


def _has_changes(changeset: ChangeSet) -> bool:
    """Whether there is anything for a model to judge."""
    return (any(c.action is not Action.NO_OP or c.moved or c.importing for c in changeset.changes)
            or bool(changeset.drift or changeset.deferred)
            or any(o.action is not Action.NO_OP for o in changeset.outputs))
