"""The prepared plan: what the deterministic stages (load → mask → normalize → rules → prompt) produced.

It lives apart from `review` so that the workflows keyed on it (cache keys, records) import it without
importing the pipeline's entry, which calls them.
"""

from __future__ import annotations

from dataclasses import dataclass

from tfreview.pipeline.changes import ChangeSet
from tfreview.pipeline.findings import Finding
from tfreview.pipeline.mask import MaskReport
from tfreview.pipeline.plan import Plan
from tfreview.pipeline.prompt import Prompt


@dataclass
class Prepared:
    """Everything the deterministic stage produced for one plan; all of it masked."""

    plan: Plan
    changeset: ChangeSet
    findings: list[Finding]
    masking: MaskReport
    prompt: Prompt | None  # None when no model is to be asked

    @property
    def needs_model(self) -> bool:
        """Whether a model should be asked about this plan."""
        return self.prompt is not None
