"""Read `.tfreview.hcl`: found from the plan's directory upward, or named with --config."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from tfreview.errors import ConfigError

CONFIG_NAME = ".tfreview.hcl"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Thresholds(_Strict):
    """Scale limits above which a plan needs close review."""

    max_deletes: int = Field(5, ge=0)
    max_changes: int = Field(100, ge=0)
    max_dependents: int = Field(10, ge=0)


class RuleConfig(_Strict):
    """A `rule "<id>" { ... }` block: an override of a built-in rule, or a custom rule."""

    severity: str | None = None
    enabled: bool = True
    match_type: str | None = None
    match_address: str | None = None
    actions: list[str] = Field(default_factory=list)
    attribute: str | None = None
    message: str | None = None

    @property
    def is_custom(self) -> bool:
        """Whether this block defines a custom rule rather than overriding a built-in one."""
        return bool(self.match_type or self.match_address)


class Protect(_Strict):
    """A `protect { ... }` block: resources whose every change needs close review."""

    types: list[str] = Field(default_factory=list)
    addresses: list[str] = Field(default_factory=list)


class FileConfig(_Strict):
    """Everything `.tfreview.hcl` may set."""

    backend: str | None = None
    model: str | None = None
    host: str | None = None
    base_url: str | None = None
    num_ctx: int | None = None
    num_predict: int | None = None
    temperature: float | None = None
    timeout: float | None = None
    terraform_bin: str | None = None
    cache_dir: str | None = None
    model_path: str | None = None
    quantize: str | None = None
    device: str | None = None
    gpu_layers: int | None = None
    threads: int | None = None
    max_plan_bytes: int | str | None = None
    thresholds: Thresholds = Field(default_factory=Thresholds)
    rule: dict[str, RuleConfig] = Field(default_factory=dict)
    protect: Protect = Field(default_factory=Protect)
    _rule_lines: dict[str, str] = PrivateAttr(default_factory=dict)

    def where(self, rule_id: str) -> str:
        """'FILE:LINE' of a `rule` block, for error messages; empty when the config was not read from a file."""
        return self._rule_lines.get(rule_id, "")


def locate_config(plan_source: str | None, cwd: Path, workspace: str | None = None) -> Path | None:
    """The config a review uses when --config is not given.

    The nearest .tfreview.hcl from the plan's directory upward, else from the working directory upward,
    else from WORKSPACE (GITHUB_WORKSPACE in Actions) upward: a plan written to $RUNNER_TEMP still finds
    the repository's config.
    """
    starts = [Path(plan_source)] if plan_source not in (None, "-") else []
    starts += [cwd, *([Path(workspace)] if workspace else [])]
    for start in starts:
        found = find_config(start)
        if found is not None:
            return found
    return None


def find_config(start: Path) -> Path | None:
    """The nearest .tfreview.hcl in START or a parent directory."""
    directory = start if start.is_dir() else start.parent
    for candidate in (directory.resolve(), *directory.resolve().parents):
        path = candidate / CONFIG_NAME
        if path.is_file():
            return path
    return None


def load_config(path: Path) -> FileConfig:
    """Parse one config file; the rules check their own blocks (`risk.check_config`)."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from exc
    # The HCL parser costs ~30 ms to import: only runs that have a config file pay for it.
    import hcl2
    from hcl2.utils import SerializationOptions
    from lark.exceptions import LarkError

    options = SerializationOptions(
        with_comments=False, explicit_blocks=False, strip_string_quotes=True, preserve_heredocs=False
    )
    try:
        raw = hcl2.loads(text, serialization_options=options)
    except (LarkError, ValueError) as exc:
        raise ConfigError(f"{path}: not valid HCL: {_first_line(exc)}") from None
    try:
        config = FileConfig.model_validate(_flatten_blocks(raw))
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        raise ConfigError(f"{path}{_line_of(text, error['loc'])}: {where}: {error['msg']}") from None
    config._rule_lines = {rule_id: f"{path}{_line_of(text, ('rule', rule_id))}" for rule_id in config.rule}
    return config


def _flatten_blocks(raw: dict[str, Any]) -> dict[str, Any]:
    """python-hcl2 gives every block as a list; single blocks become dicts, labelled ones a dict by label."""
    flat: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "rule" and isinstance(value, list):
            flat[key] = {label: body for block in value for label, body in block.items()}
        elif key in ("thresholds", "protect") and isinstance(value, list):
            if len(value) != 1:
                raise ConfigError(f"only one `{key}` block is allowed")
            flat[key] = value[0]
        else:
            flat[key] = value
    return flat


def _line_of(text: str, loc: tuple[Any, ...]) -> str:
    """':LINE' of the first line that mentions the offending key, when it can be found."""
    for key in reversed([str(p) for p in loc if isinstance(p, str)]):
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip().startswith(key) or f'"{key}"' in line:
                return f":{number}"
    return ""


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
