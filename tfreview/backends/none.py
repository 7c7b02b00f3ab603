"""The `none` backend: rules only, no model is asked."""

from __future__ import annotations

from tfreview.backends.base import BackendSettings, ModelReply
from tfreview.errors import BackendError


class NoneBackend:
    """Stands in the registry so `--backend none` is a real choice; the pipeline never calls it."""

    name = "none"

    def chat(self, prompt: str, settings: BackendSettings) -> ModelReply:
        """Refuse: with the none backend, review() decides from the rules alone."""
        raise BackendError("the none backend asks no model — the label comes from the rules alone")

    def identity(self, settings: BackendSettings) -> str:
        """No weights: the rules alone."""
        return "none"
