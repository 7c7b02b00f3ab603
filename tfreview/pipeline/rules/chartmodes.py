"""Risk rules, sign-in: a chart's development, insecure or debug mode switched on through its values (a Helm `set`
block or a values document, any chart of any release provider): a dev server runs without its production
safeguards (in memory, unsealed, a known root token, no auth), so the switch is a control turned off. Reported
under auth-weakened (declared in vocabulary/terms.py); a debug switch, which only exposes more, or a release the
plan shows is non-production, is medium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import as_list, sides
from tfreview.pipeline.rules.environments import non_production
from tfreview.pipeline.rules.values import yaml_scalars

AUTH = "auth-weakened"
_WORDS = lazy_compile(r"(?<=[a-z0-9])(?=[A-Z])|[^A-Za-z0-9]+")
# Words that name a mode without production safeguards; debug only exposes more (medium).
UNSAFE_MODES = frozenset({"dev", "devmode", "development", "insecure", "unsafe"})
DEBUG_MODES = frozenset({"debug", "debugmode"})
SWITCH_WORDS = frozenset({"enabled", "enable", "on", "mode", "active"})
TRUTHY = frozenset({"true", "1", "yes", "on", "enabled"})
SET_KEYS = ("set", "set_string", "set_values")


def _words(segment: str) -> list[str]:
    return [w.lower() for w in _WORDS.split(segment) if w]


def chart_settings(values: dict[str, Any]) -> dict[str, str]:
    """A release's chart values by dotted path: its values documents, then its `set` blocks (which win)."""
    found: dict[str, str] = {}
    for text in (t for t in as_list(values.get("values")) if isinstance(t, str)):
        found.update(yaml_scalars(text))
    for item in (i for key in SET_KEYS for i in as_list(values.get(key)) if isinstance(i, dict)):
        if isinstance(item.get("name"), str) and isinstance(item.get("value"), str | bool | int):
            found[item["name"].replace("\\.", "_")] = str(item["value"])
    return found


def mode_of(path: str, value: str) -> str | None:
    """The unsafe or debug mode a setting switches on (`server.dev.enabled = true`, `devMode: true`), or None."""
    if value.strip().lower() not in TRUTHY:
        return None
    segments = [s for s in path.split(".") if s]
    last = _words(segments[-1]) if segments else []
    near = {w for s in segments[-2:] for w in _words(s)} | {"".join(_words(s)) for s in segments[-2:]}
    if not last or (last[-1] not in SWITCH_WORDS and last[-1] not in UNSAFE_MODES | DEBUG_MODES):
        return None
    return next((w for w in sorted(near) if w in UNSAFE_MODES | DEBUG_MODES), None)


@on_change(words=(b"dev", b"insecure", b"unsafe", b"debug"))
def _mode_on(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if not any(isinstance(after.get(k), list) for k in ("values", *SET_KEYS)):
        return
    old = chart_settings(before)
    for path, value in chart_settings(after).items():
        mode = mode_of(path, value)
        if mode is None or mode_of(path, old.get(path, "")) is not None:
            continue
        yield finding(AUTH, change.address, f"{change.address}: chart value {path} = {value} switches on {mode} "
                      "mode, which runs without the production safeguards (storage, sealing, authentication)",
                      Severity.MEDIUM if mode in DEBUG_MODES or non_production(change) else None)
