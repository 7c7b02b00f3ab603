"""Risk rules, lifecycle helper: a configuration object replaced while every protection it sets stays — only a
reference moves within the same bucket or account (a renewed certificate bundle), an exception list of a block
that stays on loses entries, or a port set only gains web ports beside its unchanged rules; ladders.py grades
replaces with it."""

from __future__ import annotations

from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.rules.common import as_dict
from tfreview.pipeline.rules.kinds import looks_stateful
from tfreview.pipeline.rules.ports import WEB_PORTS, block_ports
from tfreview.pipeline.rules.portsets import only_rules
from tfreview.pipeline.rules.tightened import COMPUTED
from tfreview.pipeline.rules.values import leaves

# Where a reference lives: an S3 (or GCS) bucket, or an ARN's service, region and account.
_BUCKET = lazy_compile(r"^(?:s3|gs)://([^/]+)/")
_ARN = lazy_compile(r"^(arn:[\w-]+:[\w-]+:[\w-]*:\d{12}):")
# Keys of a list that names exceptions to a block, and of the switch that turns the block on.
EXCEPTIONS = lazy_compile(r"(?:^|_)(?:permitted|allowed|exempt|exempted|exception|exceptions)(?:_|$)")
BLOCKING = lazy_compile(r"(?:^|_)(?:block|blocks|deny|enforce|enforced|restrict|restricted)(?:_|$)")
WEB_PROTOCOLS = frozenset({"tcp", "http", "https"})


def _decoded(value: Any) -> Any:
    """VALUE, or the JSON document a string holds."""
    if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            return value
    return value


def _changed(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key) and key not in COMPUTED}


def _home(text: Any) -> str | None:
    """The bucket or account a reference lives in, or None when TEXT is not a reference."""
    found = (_BUCKET.match(text) or _ARN.match(text)) if isinstance(text, str) else None
    return None if found is None else found.group(1)


def reference_moved(change: Change) -> str | None:
    """Why a replaced configuration loses nothing, or None: every leaf that changes (JSON documents read) is a
    reference that moves within its own bucket or account; every switch and mode stays. Not for data holders."""
    before, after = as_dict(change.before), as_dict(change.after)
    if change.action is not Action.REPLACE or looks_stateful(change.type) or not before or not after \
            or not (keys := _changed(before, after)):
        return None
    moved: list[str] = []
    for key in keys:
        old, new = dict(leaves(_decoded(before.get(key)), key)), dict(leaves(_decoded(after.get(key)), key))
        if old.keys() != new.keys():
            return None
        for path in (p for p in old if old[p] != new[p]):
            if _home(old[path]) is None or _home(old[path]) != _home(new[path]):
                return None
            moved.append(f"{path} {old[path]} → {new[path]}")
    return None if not moved else ("only a reference moves within its own bucket or account ("
                                   + "; ".join(moved) + "); every switch stays as it was")


def exceptions_trimmed(change: Change) -> str | None:
    """Why a change tightens, or None: only lists of exceptions change, each losing entries and gaining none,
    while a blocking switch of the same object stays on."""
    before, after = as_dict(change.before), as_dict(change.after)
    if change.action is not Action.REPLACE or looks_stateful(change.type) or not before or not after \
            or not (keys := _changed(before, after)):
        return None
    if not any(BLOCKING.search(k) and before.get(k) is True and after.get(k) is True for k in before):
        return None
    for key in keys:
        old, new = before.get(key), after.get(key)
        if not EXCEPTIONS.search(key) or not isinstance(old, list) or not isinstance(new, list) \
                or any(item not in old for item in new) or len(new) >= len(old):
            return None
    return (f"only the exceptions {', '.join(sorted(keys))} lose entries while the block stays on: "
            "the re-made object admits less")


def _web_only(block: Any) -> bool:
    if not isinstance(block, dict) or str(block.get("protocol", "tcp")).lower() not in WEB_PROTOCOLS:
        return False
    spans = block_ports(block)
    return bool(spans) and all(isinstance(s, tuple) and s[0] == s[1] and s[0] in WEB_PORTS for s in spans)


def web_ports_added(change: Change) -> str | None:
    """Why a replaced port set loses nothing, or None: only a list of rule blocks changes, every old block stays
    as it was, and each added block opens a web port (80 or 443) alone."""
    before, after = as_dict(change.before), as_dict(change.after)
    if change.action is not Action.REPLACE or not only_rules(before) or len(keys := _changed(before, after)) != 1:
        return None
    key = next(iter(keys))
    old, new = before.get(key), after.get(key)
    if not isinstance(old, list) or not isinstance(new, list) or any(block not in new for block in old):
        return None
    added = [block for block in new if block not in old]
    if not added or not all(_web_only(block) for block in added):
        return None
    ports = sorted({s[0] for block in added for s in block_ports(block) if isinstance(s, tuple)})
    return (f"only rules for web port {', '.join(map(str, ports))} are added; every old rule stays as it was "
            "(what they open is judged on its own)")
