"""Risk rules, availability (reported under `availability-reduced`): a rolling update policy that now takes every
instance of a group down at once — a managed instance group's `max_unavailable_fixed` at its `target_size` with no
surge, a `max_unavailable_percent` or `maxUnavailable` of 100%, an instance refresh whose `min_healthy_percentage`
is 0, a scale set's batch of 100%. Each rollout (a new template, an image bump) is then a full outage while the
new instances boot. Read by key shape on any provider; a policy that already did so, or one that surges new
instances in first, is not news.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.values import leaves, number

AVAILABILITY = "availability-reduced"
SIZE = lazy_compile(r"target_size|desired_capacity|desired_count|desired_size|replicas|instances|instance_count"
                    r"|node_count")
UNAVAILABLE = lazy_compile(r"max_?unavailable(?:_fixed|_count)?")
UNAVAILABLE_PERCENT = lazy_compile(r"max_?unavailable_?percent(?:age)?|max_batch_instance_percent")
MIN_HEALTHY = lazy_compile(r"min_?healthy_?percent(?:age)?")
SURGE = lazy_compile(r"max_?surge(?:_fixed|_percent|_count)?")


@on_change(actions=(Action.UPDATE,), words=(b"unavailable", b"min_healthy", b"minhealthy", b"max_batch_instance"))
def _all_at_once(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    was, now = _takes_all(before), _takes_all(after)
    if now and not was:
        yield finding(AVAILABILITY, change.address, f"{change.address}: its rolling updates now take every instance "
                      f"down at once ({now}): each rollout is a full outage while the new ones boot", Severity.HIGH)


def _takes_all(values: dict[str, Any]) -> str | None:
    """How the update policy in VALUES takes the whole group down at once, or None."""
    pairs = [(path.rsplit(".", 1)[-1].lower(), value) for path, value in leaves(values)]
    size = next((n for key, value in pairs if SIZE.fullmatch(key) and (n := number(value)) is not None and n >= 2),
                None)
    if any(SURGE.fullmatch(key) and _positive(value) for key, value in pairs):
        return None
    for key, value in pairs:
        percent = _percent(value)
        if UNAVAILABLE_PERCENT.fullmatch(key) and (percent if percent is not None else number(value) or 0) >= 100:
            return f"{key} {value}"
        if UNAVAILABLE.fullmatch(key) and percent is not None and percent >= 100:
            return f"{key} {value}"
        if UNAVAILABLE.fullmatch(key) and size and (count := number(value)) is not None and count >= size:
            return f"{key} {value} of {size:g}"
        if MIN_HEALTHY.fullmatch(key) and number(value) == 0:
            return f"{key} 0"
    return None


def _percent(value: Any) -> float | None:
    text = str(value).strip() if isinstance(value, str) else ""
    return number(text[:-1]) if text.endswith("%") else None


def _positive(value: Any) -> bool:
    amount = _percent(value)
    amount = number(value) if amount is None else amount
    return amount is not None and amount > 0
