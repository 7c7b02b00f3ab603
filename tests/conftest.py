"""Shared fixtures: the Ollama double, and an environment free of tfreview and Ollama settings."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
import pytest

from tests.ollama_double import ollama  # noqa: F401
from tests.openai_double import openai  # noqa: F401


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clear tfreview, Ollama and GitHub Actions settings so the shell or CI runner cannot change results."""
    for name in list(os.environ):
        if name.startswith(("TFREVIEW_", "GITHUB_")) or name in ("OLLAMA_HOST", "RUNNER_TEMP"):
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def private_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Point the verdict cache at a fresh directory so no test reads or writes the real user cache."""
    root = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(root))
    monkeypatch.setattr(platformdirs, "user_cache_dir", lambda *args, **kwargs: str(root / "tfreview"))
    return root / "tfreview" / "verdicts"
