"""SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif) and other SARIF viewers.

Follows GitHub's "SARIF support for code scanning" subset: `$schema`, `version`, `runs[].tool.driver`
with `rules[]` (id, shortDescription, fullDescription, help, defaultConfiguration.level), and results
with ruleId, level, message.text, one physicalLocation and partialFingerprints. A plan has no source
lines, so every result points at line 1 of the reviewed plan file; the resource address is the
result's logical location and part of its fingerprint, so alerts stay stable across runs.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tfreview import __version__
from tfreview.pipeline.findings import RULES, Finding, Severity
from tfreview.render.escape import json_text, one_line
from tfreview.result import ReviewResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note", Severity.INFO: "note"}
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}


def render_sarif(result: ReviewResult, artifact: str = "plan.json") -> str:
    """The findings as one SARIF run; ARTIFACT is the plan's path relative to the repository root."""
    rule_ids = sorted({*RULES, *(f.rule for f in result.findings)})
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "tfreview", "version": __version__, "semanticVersion": __version__,
                                "rules": [_rule(r) for r in rule_ids]}},
            "results": [_result(f, rule_ids.index(f.rule), artifact) for f in result.findings],
            "properties": {"label": result.label.value, "label_text": result.label_text,
                           "decided_by": result.decided_by.value, "errors": [one_line(e) for e in result.errors]},
        }],
    }
    return json_text(json.dumps(log, indent=2, ensure_ascii=False)) + "\n"


def _rule(rule_id: str) -> dict[str, Any]:
    known = RULES.get(rule_id)
    description = known.description if known else f"tfreview rule {rule_id}"
    level = LEVELS[known.severity] if known else "warning"
    return {
        "id": rule_id,
        "name": rule_id,
        "shortDescription": {"text": description},
        "fullDescription": {"text": description},
        "help": {"text": f"{description} Review the change in the plan before applying it."},
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["terraform", "plan-review"], "precision": "high",
                       "problem.severity": PROBLEM_SEVERITY[level]},
    }


def _result(finding: Finding, rule_index: int, artifact: str) -> dict[str, Any]:
    identity = f"{finding.rule}\0{finding.address or ''}"
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": one_line(finding.message)},  # viewers show it as one line of text
        "locations": [{
            "physicalLocation": {"artifactLocation": {"uri": artifact},
                                 "region": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 2}},
        }],
        "partialFingerprints": {"primaryLocationLineHash": hashlib.sha256(identity.encode()).hexdigest()[:16] + ":1"},
    }
    if finding.address:
        result["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": one_line(finding.address),
                                                       "kind": "resource"}]
    return result
