"""Model backends, by the name users pass to --backend.

Each backend's module is imported only when that backend is chosen: `--backend none` must not pay for an
HTTP client or a model runtime.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tfreview.errors import ConfigError

if TYPE_CHECKING:
    from tfreview.backends.base import Backend


def _ollama() -> Backend:
    from tfreview.backends.ollama import OllamaBackend

    return OllamaBackend()


def _openai() -> Backend:
    from tfreview.backends.openai import OpenAIBackend

    return OpenAIBackend()


def _none() -> Backend:
    from tfreview.backends.none import NoneBackend

    return NoneBackend()


def _transformers() -> Backend:
    from tfreview.backends.transformers import TransformersBackend  # torch itself loads only on first use

    return TransformersBackend()


def _llamacpp() -> Backend:
    from tfreview.backends.llamacpp import LlamaCppBackend  # xllamacpp itself loads only on first use

    return LlamaCppBackend()


BACKENDS: dict[str, Callable[[], Backend]] = {
    "ollama": _ollama,
    "none": _none,
    "openai": _openai,
    "transformers": _transformers,
    "llamacpp": _llamacpp,
}


def get_backend(name: str) -> Backend:
    """The backend registered under name; ConfigError for an unknown name."""
    try:
        factory = BACKENDS[name]
    except KeyError:
        choices = ", ".join(BACKENDS)
        raise ConfigError(f"unknown backend {name!r} — choose one of: {choices}") from None
    return factory()
