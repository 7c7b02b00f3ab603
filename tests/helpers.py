"""Small helpers shared by tests: paths of real fixtures and the canary secret."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "fixtures" / "plans"
CANARY = "CANARY-tfreview-7f3a9c1e-secret"
OLD_SECRET = "old-secret-value-before-rotation"


def plan_path(name: str) -> Path:
    """Path of a real-Terraform plan fixture by scenario name."""
    return PLANS / f"{name}.json"
