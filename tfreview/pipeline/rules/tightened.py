"""Risk rules, lifecycle helper: a configuration object replaced only to turn its controls on or make them stricter
(encryption modes from DISABLED to a KMS mode, a key set where none was); lifecycle.py grades replaces with it."""

from __future__ import annotations

import re

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.rules.controls import direction, off_word
from tfreview.pipeline.rules.values import pairs

# Attributes the provider computes for each new object: a replace gives them new values, which say nothing.
COMPUTED = frozenset({"id", "arn", "self_link", "etag", "unique_id", "create_time", "creation_date", "created_at"})


def tightened(change: Change, stateful: bool) -> str | None:
    """Why a replace of an object holding no data only strengthens controls, or None: every changed value is one
    the controls vocabulary names and none weakens (a value it cannot rank counts when it goes from off to set)."""
    if change.action is not Action.REPLACE or stateful:
        return None
    stronger = False
    for path, before, after in pairs(change):
        if re.split(r"[.\[]", path, maxsplit=1)[0] in COMPUTED and (after is UNKNOWN or after is None):
            continue
        if after is UNKNOWN:
            return None
        way = direction(change.type, path, before, after)
        if way == 0 and off_word(before) == 0 and off_word(after) == 1:
            way = 1
        if way != 1:
            return None
        stronger = True
    return "replaced only to turn its controls on or make them stricter: no data is held" if stronger else None
