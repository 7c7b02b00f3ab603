"""Shared fixtures: the Ollama double, and an environment free of tfreview and Ollama settings."""

from __future__ import annotations

import os

import pytest

from tests.ollama_double import ollama  # noqa: F401


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clear TFREVIEW_* and OLLAMA_HOST so a developer's shell cannot change test results."""
    for name in list(os.environ):
        if name.startswith("TFREVIEW_") or name == "OLLAMA_HOST":
            monkeypatch.delenv(name)
