"""The review result: the single source of the JSON output schema (DESIGN.md, schema_version 1)."""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field

from tfreview.labels import DecidedBy, Label
from tfreview.pipeline.changes import Change, OutputChange
from tfreview.pipeline.findings import Finding

SCHEMA_VERSION = 1


class Summary(BaseModel):
    """Counts of changes per kind."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    create: int = 0
    update: int = 0
    delete: int = 0
    replace: int = 0
    read: int = 0
    no_op: int = 0
    forget: int = 0
    import_: int = Field(0, alias="import")
    move: int = 0
    drift: int = 0
    output_changes: int = 0


class PlanInfo(BaseModel):
    """Facts about the plan itself."""

    terraform_version: str = ""
    format_version: str = ""
    applyable: bool = True
    complete: bool = True
    errored: bool = False


class ModelInfo(BaseModel):
    """Which model was asked and what it said."""

    backend: Literal["ollama", "openai", "none", "fake"] | str = "none"
    name: str | None = None
    verdict: Label | None = None
    duration_s: float = 0.0
    cached: bool = Field(False, description="the verdict was reused from an identical change-set, not asked anew")


class ReviewResult(BaseModel):
    """Everything a review produced; `--format json` prints exactly this."""

    model_config = ConfigDict(serialize_by_alias=True)

    schema_version: Literal[1] = 1
    label: Label
    label_text: str
    decided_by: DecidedBy
    reasoning: str = Field("", description="the model's extracted thinking, masked; empty without a model")
    explanation: str = Field("", description="the model's final answer without the verdict line")
    findings: list[Finding] = Field(default_factory=list)
    summary: Summary = Field(default_factory=Summary)
    changes: list[Change] = Field(default_factory=list)
    drift: list[Change] = Field(default_factory=list)
    outputs: list[OutputChange] = Field(default_factory=list, description="root module outputs that change")
    plan: PlanInfo = Field(default_factory=PlanInfo)
    model: ModelInfo = Field(default_factory=ModelInfo)
    errors: list[str] = Field(default_factory=list)
    # Not part of the JSON document: lets the text report suggest --backend none next to the label.
    model_unreachable: bool = Field(False, exclude=True)

    @property
    def needs_review(self) -> bool:
        """Whether the label is 'needs close review'."""
        return self.label is Label.NEEDS_CLOSE_REVIEW

    def to_json(self) -> str:
        """The JSON document of `--format json`, serialised by orjson straight from the pipeline's objects.

        The document is what `model_dump_json` would write (tests check it against the schema); rebuilding
        tens of thousands of models through pydantic's serializer costs more than the whole review.
        """
        return orjson.dumps(self, default=_plain, option=orjson.OPT_INDENT_2).decode()


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the review output."""
    return ReviewResult.model_json_schema(mode="serialization")


def _plain(value: Any) -> Any:
    """orjson's fallback for pydantic models: their serialised fields as a dict, by alias, excluded ones left out."""
    if isinstance(value, BaseModel):
        return {key: getattr(value, name) for name, key in _output_fields(type(value))}
    raise TypeError(f"cannot serialise {type(value).__name__}")


@cache
def _output_fields(model: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """(attribute, JSON key) for every field MODEL writes, computed fields included, in declaration order."""
    by_alias = bool(model.model_config.get("serialize_by_alias"))
    fields = [(name, (info.alias if by_alias and info.alias else name))
              for name, info in model.model_fields.items() if not info.exclude]
    return (*fields, *((name, name) for name in model.model_computed_fields))

