"""Risk rules, context (dates): moments a plan's objects carry, read against the plan's own timestamp, never the
wall clock, so a review gives the same answer whenever it runs. An object whose own label or annotation says it
expires (`acme.io/expires: 2024-06-30`, `delete-after`, `ttl-until`) on a date the plan has passed was made to be
torn down by then; a grant's condition that ends it soon is time-boxed (timeboxed.py).
"""

from __future__ import annotations

from datetime import datetime, timezone

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.environments import label_pairs

# A label or annotation key (its last part, after a domain prefix) that dates the object's end.
EXPIRY_KEY = lazy_compile(r"(?:^|[/._-])(?:expires?|expiry|expiration|expires[-_]?(?:at|on)|expir(?:y|ation)[-_]date"
                          r"|delete[-_]after|ttl[-_]until|end[-_]date|sunset)$", )
DATE = lazy_compile(r"\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")


def moment(text: str) -> datetime | None:
    """TEXT as an aware datetime (ISO date or date-time; UTC when it names no zone), or None."""
    if not DATE.fullmatch(text.strip()):
        return None
    try:
        found = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo is not None else found.replace(tzinfo=timezone.utc)


def plan_time(review_input: ReviewInput) -> datetime | None:
    """When the plan was written, from its own `timestamp`; None when it has none."""
    stamp = review_input.plan.timestamp
    return moment(stamp) if isinstance(stamp, str) and stamp else None


def expired_on(attrs: dict[str, object], now: datetime) -> str | None:
    """The date an object's own expiry label or annotation names, when NOW is past it; else None."""
    for key, value in [*label_pairs(attrs), *_annotations(attrs)]:
        if EXPIRY_KEY.search(key.lower()) and (end := moment(value)) is not None and end < now:
            return value.strip()
    return None


def _annotations(attrs: dict[str, object]) -> list[tuple[str, str]]:
    metadata = attrs.get("metadata")
    first = metadata[0] if isinstance(metadata, list) and metadata and isinstance(metadata[0], dict) else {}
    found = first.get("annotations") if isinstance(first, dict) else None
    return [(str(k), str(v)) for k, v in found.items()] if isinstance(found, dict) else []
