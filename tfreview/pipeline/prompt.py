"""Prompt stage: render the review prompt from the jinja2 templates in prompts/."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from tfreview.pipeline.changes import ChangeSet
from tfreview.pipeline.findings import Finding
from tfreview.pipeline.plan import Plan
from tfreview.pipeline.summary import ALWAYS_LISTED, estimate_tokens, summarize_for_prompt

if TYPE_CHECKING:
    import jinja2

TEMPLATE = "review.md.j2"
# Room kept free in the context for the model's thinking and answer.
ANSWER_RESERVE_TOKENS = 2048
# More findings of one rule than this are folded into one line of addresses.
GROUP_FINDINGS_ABOVE = 5
# The template's own text, findings aside; measured generously.
TEMPLATE_OVERHEAD_TOKENS = 600


class Prompt(BaseModel):
    """A rendered prompt and what went into it."""

    text: str
    tokens: int
    summary_level: int
    summary_complete: bool
    template_version: str


def prompts_dir() -> Path:
    """Where the templates live: packaged as tfreview/_prompts in a wheel, prompts/ in a checkout."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "_prompts"
    return packaged if packaged.is_dir() else package.parent / "prompts"


@cache
def _environment() -> jinja2.Environment:
    import jinja2  # only reviews that ask a model render a prompt

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(prompts_dir()),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )


@cache
def template_version() -> str:
    """A short hash of every template, so cached verdicts expire when a prompt changes."""
    digest = hashlib.sha256()
    for path in sorted(prompts_dir().rglob("*.j2")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def build_prompt(plan: Plan, changeset: ChangeSet, findings: list[Finding], num_ctx: int) -> Prompt:
    """The prompt for one review, its change summary compressed to fit NUM_CTX."""
    always_listed = {c.address for c in changeset.changes if c.action in ALWAYS_LISTED}
    finding_lines = findings_for_prompt(findings, always_listed)
    findings_tokens = estimate_tokens("\n".join(finding_lines))
    budget = num_ctx - ANSWER_RESERVE_TOKENS - TEMPLATE_OVERHEAD_TOKENS - findings_tokens
    summary = summarize_for_prompt(changeset, max(budget, 256))
    nonce = hashlib.sha256(summary.text.encode()).hexdigest()[:10]
    text = _environment().get_template(TEMPLATE).render(
        fence_open=f"<<<PLAN DATA {nonce}",
        fence_close=f"PLAN DATA {nonce}>>>",
        findings_fence_open=f"<<<RULE FINDINGS {nonce}",
        findings_fence_close=f"RULE FINDINGS {nonce}>>>",
        terraform_version=plan.terraform_version,
        format_version=plan.format_version,
        applyable=plan.applyable,
        complete=plan.complete,
        errored=plan.errored,
        summary=summary.text,
        findings=finding_lines,
        summary_note=_note(summary.level),
    )
    return Prompt(text=text, tokens=estimate_tokens(text), summary_level=summary.level,
                  summary_complete=summary.complete, template_version=template_version())


def findings_for_prompt(findings: list[Finding], listed: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """One line per finding; a rule that fires many times becomes one line naming every address.

    Addresses in LISTED (deletes, replaces and forgets, which the summary always names) are not repeated:
    on a plan with thousands of deletes that would double the prompt.
    """
    by_rule: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault((finding.rule, finding.severity.value), []).append(finding)
    lines = []
    for (rule_id, severity), group in by_rule.items():
        if len(group) <= GROUP_FINDINGS_ABOVE:
            lines += [f"[{severity}] {rule_id}: {f.message}" for f in group]
        else:
            unlisted = [f.address or "-" for f in group if f.address not in listed]
            named = ", ".join(unlisted) if unlisted else "each one listed in the plan data above"
            if unlisted and len(unlisted) < len(group):
                named += f"; the other {len(group) - len(unlisted)} are listed in the plan data above"
            lines.append(f"[{severity}] {rule_id} × {len(group)}: {named}")
    return lines


def _note(level: int) -> str:
    if level == 0:
        return ""
    return ("the plan was too large to show in full; identical changes are grouped and long values "
            "shortened, but every delete, replace and forget is listed.")
