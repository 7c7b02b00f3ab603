"""Model backends, by the name users pass to --backend."""

from __future__ import annotations

from collections.abc import Callable

from tfreview.backends.base import Backend
from tfreview.backends.llamacpp import LlamaCppBackend
from tfreview.backends.none import NoneBackend
from tfreview.backends.ollama import OllamaBackend
from tfreview.backends.openai import OpenAIBackend
from tfreview.errors import ConfigError

BACKENDS: dict[str, Callable[[], Backend]] = {
    "ollama": OllamaBackend,
    "none": NoneBackend,
    "openai": OpenAIBackend,
    "llamacpp": LlamaCppBackend,
}


def get_backend(name: str) -> Backend:
    """The backend registered under name; ConfigError for an unknown name."""
    try:
        factory = BACKENDS[name]
    except KeyError:
        choices = ", ".join(BACKENDS)
        raise ConfigError(f"unknown backend {name!r} — choose one of: {choices}") from None
    return factory()
