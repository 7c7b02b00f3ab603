"""The two labels tfreview puts on a plan, and who decided them."""

from __future__ import annotations

from enum import Enum


class Label(str, Enum):
    """The closed set of review labels."""

    LIKELY_SAFE = "likely_safe"
    NEEDS_CLOSE_REVIEW = "needs_close_review"

    @property
    def text(self) -> str:
        """The label as shown to people."""
        return self.value.replace("_", " ")


class DecidedBy(str, Enum):
    """Which stage set the final label."""

    RULES = "rules"
    MODEL = "model"
    ERROR = "error"
