"""The AI safety controls (risk rules stage): content filters, guardrails, moderation, prompt-attack shields and PII
redaction of any AI service, taught to the controls vocabulary by their words and ladders rather than per vendor.

A filter strength runs high > medium > low > none (more blocked at high); a severity threshold runs the other way
(a filter that blocks from "low" up blocks more than one that blocks only "high"). controls.py applies these
lines to every update and replace of every resource type, so a provider never seen before is read by its words.
"""

from __future__ import annotations

from tfreview.pipeline.findings import Severity, declare
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.strengths import flag, inverted, ladder, present

SAFETY_WEAKENED = declare("ai-safety-weakened", Severity.HIGH,
                    "An AI service's safety control is relaxed: a content filter or its blocking turned off, a filter "
                    "strength lowered or a severity threshold raised, a prompt-attack, jailbreak or PII filter "
                    "removed, a guardrail taken off an agent or endpoint (any provider).")

# Words that name an AI safety control, as one snake_case word of an attribute or block (`content_filter`,
# `content_policy_config`, `prompt_shield`, `pii_entities_config`, `safety_settings`, `guardrail_configuration`).
_WORDS = (r"content_?filters?|content_?safety|content_?moderation|moderation|guardrails?|safety|harm|harm_categor\w*"
          r"|jailbreak|prompt_?attacks?|prompt_?shields?|prompt_?injection|pii|redaction|rai|responsible_ai|toxicity"
          r"|content_polic(?:y|ies)|sensitive_information")
SAFETY = rf"(?:\w+_)?(?:{_WORDS})(?:_\w+)?"
# An attribute inside such a block, at any depth: `content_policy_config.filters_config.input_strength`.
INSIDE = rf"{SAFETY}(?:\.\w+)*\."

control(SAFETY_WEAKENED, rf"{INSIDE}(?:\w+_)?(?:enabled|enable|enforced|active|blocking)|{SAFETY}_(?:enabled|enforced)"
        rf"|enable_{SAFETY}", flag, "an AI content filter or guardrail turned off")
control(SAFETY_WEAKENED, rf"{INSIDE}(?:\w+_)?(?:disabled|bypass\w*|skip\w*)|(?:disable|bypass|skip)_{SAFETY}", inverted,
        "an AI content filter or guardrail bypassed")
# Strength: how much a filter blocks (Bedrock's input_strength/output_strength, any `*_strength`).
control(SAFETY_WEAKENED, rf"{INSIDE}(?:\w+_)?strength", ladder(
    ("high", "strict", "strong", "maximum", "max"), ("medium", "moderate"), ("low", "minimal", "weak"),
    ("none", "off", "disabled", "block_none")), "an AI content filter's strength lowered")
# Threshold: the severity from which content is blocked (Azure's severity_threshold, Gemini's BLOCK_*_AND_ABOVE).
control(SAFETY_WEAKENED, rf"{INSIDE}(?:\w+_)?threshold", ladder(
    ("low", "block_low_and_above", "harm_block_threshold_low"), ("medium", "block_medium_and_above"),
    ("high", "block_only_high"), ("none", "block_none", "off", "disabled")),
    "an AI content filter now blocks only more severe content")
# Action on a match: blocking or masking protects; none, allow or detect-only lets it through.
control(SAFETY_WEAKENED, rf"{INSIDE}(?:\w+_)?action", ladder(
    ("block", "deny", "reject", "anonymize", "anonymise", "mask", "redact"),
    ("none", "allow", "log", "detect", "audit", "off", "disabled")), "an AI filter now lets matches through")
# A guardrail reference or a filter entry removed (a guardrail taken off an agent, a PII entity dropped).
control(SAFETY_WEAKENED, rf"(?:\w+_)?guardrails?(?:_\w+)?(?:\.\w+)*|{INSIDE}(?:\w+_)?(?:type|name|category|identifier"
        r"|id|version)", present, "an AI guardrail or one of its filters removed",
        severity=Severity.HIGH)
# Filtering mode of an AI safety policy: synchronous blocking filters before anything is returned; asynchronous
# or deferred filtering streams content first and judges it after.
control(SAFETY_WEAKENED, r"mode|\w+_mode", ladder(("blocking", "default", "synchronous", "sync"),
                                          ("asynchronous_filter", "asynchronous", "async", "deferred")),
        "content now reaches users before the AI filter decides",
        types=r"rai_polic|content_filter|guardrail|moderation|(?:^|_)safety")
