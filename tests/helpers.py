"""Small helpers shared by tests: paths of real fixtures and the canary secret."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tfreview.labels import Label
    from tfreview.pipeline.findings import Severity
    from tfreview.result import ReviewResult

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "fixtures" / "plans"
CANARY = "CANARY-tfreview-7f3a9c1e-secret"
OLD_SECRET = "old-secret-value-before-rotation"


def plan_path(name: str) -> Path:
    """Path of a real-Terraform plan fixture by scenario name."""
    return PLANS / f"{name}.json"


def closed_port_url(path: str = "") -> str:
    """A loopback URL where nothing listens: a model server that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}{path}"


def review_rules_alone(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> ReviewResult:
    """Write a `show -json` plan of CHANGES (plus top-level SECTIONS) and review it with the rules alone."""
    from tfreview.pipeline.review import review
    from tfreview.settings import Settings

    plan = {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes, **sections}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    result = review(path, Settings(backend="none"))
    assert not result.errors
    return result


def worst_by_rule(result: ReviewResult) -> dict[str, Severity]:
    """The most severe finding of each rule in RESULT."""
    worst: dict[str, Severity] = {}
    for f in result.findings:
        if f.rule not in worst or f.severity.rank < worst[f.rule].rank:
            worst[f.rule] = f.severity
    return worst


def judge_one(tmp_path: Path, address: str, before: Any, after: Any) -> tuple[Label, dict[str, Severity]]:
    """The label and worst finding per rule of a plan holding one change by an invented provider: created where
    BEFORE is None, updated otherwise."""
    kind, name = address.split(".")
    result = review_rules_alone(tmp_path, [{
        "address": address, "mode": "managed", "type": kind, "name": name,
        "provider_name": "registry.terraform.io/acme/acme",
        "change": {"actions": ["create"] if before is None else ["update"], "before": before, "after": after,
                   "after_unknown": {}, "after_sensitive": {}}}])
    return result.label, worst_by_rule(result)
