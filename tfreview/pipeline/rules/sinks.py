"""Risk rules, lifecycle helper (delete grading): a log or audit sink replaced by a new one of its type that selects
the same events — the create keeps every setting of the old one but its name and where it sends, so the stream goes
on (the new destination is judged by its own rules; what the old one already delivered stays where it is).
lifecycle.py grades deletes with it."""

from __future__ import annotations

import json
import re
from typing import Any

from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.kinds import AUDIT_DEVICES
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.replicas import ROUTES

# Settings that name the sink or where it sends: they may differ between the old sink and its successor.
PLACE = re.compile(r"^(?:id|arn|name|display_name|description)$|destination|target|endpoint|url|uri|bucket|path"
                   r"|_arn$|_id$|_name$")
# Settings that say which events the sink carries: the successor must carry the same ones.
SELECTION = re.compile(r"event|filter|categor|type|include|exclude|log|level|source")


def _settings(values: Any) -> dict[str, str]:
    """The settings that are not the sink's name or place, as JSON text."""
    values = values if isinstance(values, dict) else {}
    return {k: json.dumps(v, sort_keys=True) for k, v in values.items() if not PLACE.search(k) and v is not None}


def sink_succeeded(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting a log or audit sink stops no stream, or None: a create of its type, switched on, holds every
    setting of the old one except its name and destination, and those include what it selects."""
    if not (AUDIT_DEVICES.search(change.type) or ROUTES.search(change.type)):
        return None
    old = _settings(change.before)
    if not any(SELECTION.search(key) for key in old):
        return None
    for other in plan_view(ri).creates_by_type.get(change.type, []):
        after = other.after if isinstance(other.after, dict) else {}
        new = _settings(after)
        if after.get("enabled") is not False and after.get("disabled") is not True and all(
                new.get(key) == value for key, value in old.items()):
            return f"{other.address} carries the same events on: the stream goes on through the new sink"
    return None
