"""Risk rules, lifecycle helper (delete grading): dated copies of a source rotated out — snapshots or backups of
a volume, disk or database deleted while a newer dated copy of the same source stays and the source itself stays
with no retention cut: the oldest recovery points age out, the newest is kept. Copies with no date, a source that
goes or keeps less, no newer copy left, or a copy still inside the retention it states itself (`retention = "26w"`,
by the plan's timestamp) stay high; ladders.py grades deletes with it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import as_dict
from tfreview.pipeline.rules.environments import label_pairs
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.pruned import COPIES, last_word, source_names
from tfreview.pipeline.rules.units import duration, instant, ordered_words
from tfreview.pipeline.rules.values import number

# A date in a key, name or description: 2026-05-02, 20250301, 2026_08 (year and month at least).
_DATE = lazy_compile(r"(?<!\d)(20\d\d)[-_./]?(0[1-9]|1[0-2])(?:[-_./]?([0-3]\d))?(?!\d)")
_RETENTION = lazy_compile(r"retention|retain|keep|backups?_count|copies")
RETENTION_WORDS = frozenset({"retention", "retain", "keep", "ttl", "expire", "expiry"})
_LABELS = ("name", "description", "id", "snapshot_id", "db_snapshot_identifier", "snapshot_name")


def dated(change: Change, values: Any) -> tuple[int, int, int] | None:
    """The date a copy was taken: from its instance key, else its name, description or id."""
    texts = [change.address.rsplit("[", 1)[1] if change.address.endswith("]") else ""]
    texts += [str(v) for k in _LABELS if isinstance(v := as_dict(values).get(k), str)]
    for text in texts:
        if (found := _DATE.search(text)) is not None:
            return int(found[1]), int(found[2]), int(found[3] or 0)
    return None


def _index(view: PlanView) -> tuple[dict[str, tuple[int, int, int]], set[str]]:
    """The newest date of a kept copy per source name, and the source names something cuts (deleted, replaced,
    or a retention number lowered)."""
    newest: dict[str, tuple[int, int, int]] = {}
    cut: set[str] = set()
    for change in view.changes:
        if change.mode != "managed":
            continue
        if last_word(change) in COPIES:
            if change.action in (Action.NO_OP, Action.UPDATE, Action.CREATE) \
                    and (when := dated(change, change.after)) is not None:
                for name in source_names(change.after):
                    newest[name] = max(newest.get(name, when), when)
        elif change.action in (Action.DELETE, Action.REPLACE) or _keeps_less(change):
            cut |= _names(change.before)
    return newest, cut


def _keeps_less(change: Change) -> bool:
    """Whether an update lowers a retention or copy count at its top level (backup_retention_period 14 → 0)."""
    if change.action is not Action.UPDATE:
        return False
    before, after = as_dict(change.before), as_dict(change.after)
    for key, was in before.items():
        old = None if isinstance(was, bool) else number(was)
        if old is not None and _RETENTION.search(key) and ((new := number(after.get(key))) is None or new < old):
            return True
    return False


def _names(values: Any) -> set[str]:
    """The identities an object goes by (its id, name, identifier, ARN and their last path segments)."""
    found: set[str] = set()
    for key, value in as_dict(values).items():
        if isinstance(value, str) and value and (key in ("id", "name", "arn", "self_link")
                                                 or key.endswith("identifier")):
            found |= {value, value.rstrip("/").rsplit("/", 1)[-1]}
    return found


def rotated_out(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting a dated copy loses no recovery the source still needs, or None: a newer dated copy of the same
    source stays and nothing deletes the source or cuts its retention."""
    if change.action is not Action.DELETE or last_word(change) not in COPIES:
        return None
    when, sources = dated(change, change.before), source_names(change.before)
    if when is None or not sources or _within_retention(change.before, when, ri):
        return None
    newest, cut = plan_view(ri).derived("dated copies kept", _index)
    if sources & cut:
        return None
    kept = [newest[s] for s in sources if s in newest]
    if not kept or max(kept) <= when:
        return None
    return "an older dated copy rotated out: a newer copy of the same source stays, and the source is kept"


def _within_retention(values: Any, when: tuple[int, int, int], ri: ReviewInput) -> bool:
    """Whether a copy states a retention (a `retention = "26w"` tag or setting) that it is still inside when the
    plan was made, or states one with no plan time to measure it by."""
    attrs = as_dict(values)
    pairs = [*label_pairs(attrs), *((k, v) for k, v in attrs.items() if isinstance(v, str))]
    kept = [seconds for key, value in pairs if set(ordered_words(key)) & RETENTION_WORDS
            and (seconds := duration(value)) is not None and seconds > 0]
    if not kept:
        return False
    now = instant(ri.plan.timestamp)
    taken = datetime(when[0], when[1], max(when[2], 1), tzinfo=timezone.utc)
    return now is None or (now - taken).total_seconds() <= min(kept)
