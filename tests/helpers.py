"""Small helpers shared by tests: paths of real fixtures and the canary secret."""

from __future__ import annotations

import socket
from pathlib import Path

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
