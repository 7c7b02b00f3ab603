"""Risk rules, landing-zone guardrails: the plan-wide checks of `guardrail-relaxed` (its per-change checks are in
guardrails.py), each reading the whole plan: a production account moved under a sandbox parent (reparented.py), a
Deny that exempts an outsider (denyexempt.py)."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.pipeline.findings import RULES, Finding, ReviewInput, rule
from tfreview.pipeline.rules.denyexempt import widened
from tfreview.pipeline.rules.guardrails import GUARDRAIL
from tfreview.pipeline.rules.reparented import moved_under_weaker_parent


@rule(GUARDRAIL, RULES[GUARDRAIL].severity, RULES[GUARDRAIL].description)
def _guardrails_across_the_plan(ri: ReviewInput) -> Iterator[Finding]:
    yield from moved_under_weaker_parent(ri)
    yield from widened(ri)
