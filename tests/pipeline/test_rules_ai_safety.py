"""AI safety controls of any provider (content filters, guardrails, prompt shields, PII redaction) read by their
words and ladders, each with a stricter or unrelated look-alike that stays likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_controls_reach_lifecycle import judge
from tfreview.pipeline.findings import Severity

RULE = "ai-safety-weakened"


def _filters(**values: Any) -> dict[str, Any]:
    return {"name": "policy", "content_filter": [{"name": "Violence", "source": "Prompt", "filter_enabled": True,
                                                  "block_enabled": True, "severity_threshold": "Medium",
                                                  **values}]}


def _strengths(strength: str) -> dict[str, Any]:
    return {"name": "g", "content_policy_config": [{"filters_config": [
        {"type": "PROMPT_ATTACK", "input_strength": strength, "output_strength": "NONE"}]}]}


AGENT = {"name": "support", "guardrail_configuration": [{"guardrail_identifier": "gr-1", "guardrail_version": "3"}]}
SETTINGS = {"model": "m-1", "safety_settings": [{"category": "HARM_CATEGORY_HATE_SPEECH",
                                                 "threshold": "BLOCK_LOW_AND_ABOVE"}]}
PII = {"name": "g", "sensitive_information_policy_config": [{"pii_entities_config": [
    {"type": "US_SOCIAL_SECURITY_NUMBER", "action": "BLOCK"}]}]}


@pytest.mark.parametrize(("resource_type", "before", "after"), [
    ("azurerm_cognitive_account_rai_policy", _filters(), _filters(filter_enabled=False, block_enabled=False)),
    ("azurerm_cognitive_account_rai_policy", _filters(), _filters(severity_threshold="High")),
    ("aws_bedrock_guardrail", _strengths("HIGH"), _strengths("NONE")),
    ("aws_bedrock_guardrail", _strengths("HIGH"), _strengths("LOW")),
    ("aws_bedrock_guardrail", PII, {**PII, "sensitive_information_policy_config": []}),
    ("aws_bedrock_guardrail", PII, {"name": "g", "sensitive_information_policy_config": [
        {"pii_entities_config": [{"type": "US_SOCIAL_SECURITY_NUMBER", "action": "NONE"}]}]}),
    ("aws_bedrockagent_agent", AGENT, {"name": "support", "guardrail_configuration": []}),
    # providers never seen: read by what their attributes say
    ("llmhub_model_deployment", SETTINGS, {**SETTINGS, "safety_settings": [
        {"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_NONE"}]}),
    ("mlgate_endpoint", {"prompt_shield": [{"enabled": True}]}, {"prompt_shield": [{"enabled": False}]}),
    ("azurerm_cognitive_account_rai_policy", {**_filters(), "mode": "Blocking"},
     {**_filters(), "mode": "Asynchronous_filter"}),
    ("acme_chat_app", {"content_moderation_enabled": True}, {"content_moderation_enabled": False}),
    ("acme_chat_app", {"moderation": [{"pii_redaction": "mask"}]}, {"moderation": [{"pii_redaction": "mask"}],
                                                                      "jailbreak_filter": [{"bypass": True}]}),
])
def test_an_ai_safety_control_relaxed_is_high(tmp_path: Path, resource_type: str, before: dict[str, Any],
                                              after: dict[str, Any]) -> None:
    label, worst = judge(tmp_path, resource_type, before, after)
    assert (label, worst.get(RULE)) == ("needs_close_review", Severity.HIGH)


@pytest.mark.parametrize(("resource_type", "before", "after"), [
    ("azurerm_cognitive_account_rai_policy", _filters(), _filters(severity_threshold="Low")),
    ("azurerm_cognitive_account_rai_policy", _filters(filter_enabled=False), _filters()),
    ("azurerm_cognitive_account_rai_policy", _filters(), {**_filters(), "content_filter": [
        *_filters()["content_filter"], {"name": "Jailbreak", "filter_enabled": True, "block_enabled": True,
                                        "severity_threshold": "High", "source": "Prompt"}]}),
    ("aws_bedrock_guardrail", _strengths("LOW"), _strengths("HIGH")),
    ("azurerm_cognitive_account_rai_policy", {**_filters(), "mode": "Blocking"}, {**_filters(), "mode": "Default"}),
    ("azurerm_cognitive_account_rai_policy", {**_filters(), "mode": "Deferred"}, {**_filters(), "mode": "Blocking"}),
    ("aws_bedrock_guardrail", PII, {"name": "g", "sensitive_information_policy_config": [
        {"pii_entities_config": [{"type": "US_SOCIAL_SECURITY_NUMBER", "action": "ANONYMIZE"}]}]}),
    ("aws_bedrockagent_agent", AGENT, {"name": "support", "guardrail_configuration": [
        {"guardrail_identifier": "gr-1", "guardrail_version": "4"}]}),
    ("llmhub_model_deployment", {**SETTINGS, "temperature": 0.2}, {**SETTINGS, "temperature": 0.7}),
    # look-alike words outside any AI safety control
    ("acme_log_pipeline", {"filter": [{"filter_enabled": True, "threshold": "low"}]},
     {"filter": [{"filter_enabled": False, "threshold": "high"}]}),
    ("acme_chat_app", {"harmony_enabled": True}, {"harmony_enabled": False}),
])
def test_a_stricter_or_unrelated_change_stays_likely_safe(tmp_path: Path, resource_type: str,
                                                         before: dict[str, Any], after: dict[str, Any]) -> None:
    label, worst = judge(tmp_path, resource_type, before, after)
    assert (label, worst.get(RULE)) == ("likely_safe", None)
