"""SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif) and other SARIF viewers.

Follows GitHub's "SARIF support for code scanning" subset: `$schema`, `version`, `runs[].tool.driver`
with `rules[]` (id, shortDescription, fullDescription, help, defaultConfiguration.level and
`properties.security-severity`, which code scanning turns into critical/high/medium/low), and results
with ruleId, level, message.text, one physicalLocation and partialFingerprints.

A result points at the resource's block in the configuration (`SarifContext.locations`, found by the caller:
renderers do no I/O); a resource with no block (removed from the configuration) points at the plan file.
The fingerprint holds the rule, the address and the workspace, so alerts stay stable across runs and two
workspaces with the same addresses do not close each other's alerts. A review that failed (the model
could not be asked) is a result too, so an upload never silently closes the alerts of the last run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tfreview import __version__
from tfreview.labels import DecidedBy
from tfreview.pipeline.findings import RULES, Finding, Severity
from tfreview.render.escape import json_text, one_line
from tfreview.result import ReviewResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note", Severity.INFO: "note"}
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}
# Code scanning: >= 7.0 high, >= 4.0 medium, > 0 low.
SECURITY_SEVERITY = {Severity.HIGH: "8.0", Severity.MEDIUM: "5.0", Severity.LOW: "2.0", Severity.INFO: "1.0"}
REVIEW_FAILED = "review-failed"
REVIEW_FAILED_HELP = ("The review could not be completed (the model could not be asked or gave no usable "
                      "answer), so the plan is labelled needs close review. Fix the cause and run it again.")


@dataclass(frozen=True)
class SarifContext:
    """Where results point: the plan file, resource blocks by address, and the workspace they belong to."""

    artifact: str = "plan.json"
    locations: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    workspace: str = ""


def render_sarif(result: ReviewResult, context: SarifContext | None = None) -> str:
    """The findings (and a failed review) as one SARIF run."""
    context = context or SarifContext()
    findings = list(result.findings)
    if result.decided_by is DecidedBy.ERROR or (result.errors and not findings):
        findings.append(Finding(rule=REVIEW_FAILED, severity=Severity.HIGH, address=None,
                                message="; ".join(result.errors) or "the review failed"))
    rule_ids = sorted({*RULES, *(f.rule for f in findings)})
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "tfreview", "version": __version__, "semanticVersion": __version__,
                                "rules": [_rule(r) for r in rule_ids]}},
            "automationDetails": {"id": f"tfreview/{context.workspace or 'default'}/"},
            "results": [_result(f, rule_ids.index(f.rule), context) for f in findings],
            "properties": {"label": result.label.value, "label_text": result.label_text,
                           "decided_by": result.decided_by.value, "errors": [one_line(e) for e in result.errors]},
        }],
    }
    return json_text(json.dumps(log, indent=2, ensure_ascii=False)) + "\n"


def _rule(rule_id: str) -> dict[str, Any]:
    known = RULES.get(rule_id)
    if rule_id == REVIEW_FAILED:
        description, severity = REVIEW_FAILED_HELP, Severity.HIGH
    else:
        description = known.description if known else f"tfreview rule {rule_id}"
        severity = known.severity if known else Severity.MEDIUM
    level = LEVELS[severity]
    help_text = f"{description} Read the change in the plan (and its reasoning in the review) before applying it."
    return {
        "id": rule_id,
        "name": rule_id,
        "shortDescription": {"text": description},
        "fullDescription": {"text": description},
        "help": {"text": help_text, "markdown": f"**{rule_id}**: {help_text}"},
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["terraform", "plan-review", "security"], "precision": "high",
                       "problem.severity": PROBLEM_SEVERITY[level],
                       "security-severity": SECURITY_SEVERITY[severity]},
    }


def _result(finding: Finding, rule_index: int, context: SarifContext) -> dict[str, Any]:
    identity = f"{context.workspace}\0{finding.rule}\0{finding.address or ''}"
    uri, line = context.locations.get(finding.address or "", (context.artifact, 1))
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": one_line(finding.message)},  # viewers show it as one line of text
        "locations": [{
            "physicalLocation": {"artifactLocation": {"uri": uri},
                                 "region": {"startLine": line, "startColumn": 1}},
        }],
        "partialFingerprints": {
            "primaryLocationLineHash": hashlib.sha256(identity.encode()).hexdigest()[:16] + ":1",
        },
    }
    if finding.address:
        result["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": one_line(finding.address),
                                                       "kind": "resource"}]
    return result
