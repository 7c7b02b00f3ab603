"""Risk rules, spend (`spend-guard-removed`): a change that takes away what stops a resource's cost from running
away, on any provider — the auto-suspend, auto-stop or auto-termination of compute set to never (0, -1, off), a
spending quota or budget removed or raised tenfold, the action that suspends work at the limit removed. A bill that
runs for a month before anyone reads it is an incident too.

A ceiling on capacity (`max_cluster_count`, `max_nodes`, a t-shirt size such as SMALL → X4LARGE) raised sixteen-fold
or more counts only beside one of those on the same resource: raising a ceiling for a launch is a decision, raising
it where nothing stops it any more is how a runaway bill starts. A guard made longer (auto-suspend 60 → 300
seconds), a quota raised by less than tenfold, or a guard added are not findings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.values import leaves, number, plain

RULE = declare("spend-guard-removed", Severity.HIGH,
               "what stops a resource's cost running away taken off: auto-suspend/stop set to never, a spending "
               "quota or budget removed or raised tenfold, the suspend-at-limit action removed")

# The last key of a leaf's path (`auto_suspend`, `autotermination_minutes`, `auto_pause_delay_in_minutes`).
AUTO_STOP = lazy_compile(r"^(?:auto_?(?:suspend|stop|termination|terminate|pause|shutdown)\w*"
                         r"|suspend_after\w*|idle_(?:shutdown|suspend|stop)\w*|scale_to_zero\w*)$", re.IGNORECASE)
LIMIT = lazy_compile(r"^(?:credit_quota|budget(?:_amount|_limit)?|limit_amount|spend(?:ing)?_limit\w*"
                     r"|max_spend\w*|cost_limit|credit_limit|monthly_(?:limit|budget)|hard_limit(?:_amount)?)$",
                     re.IGNORECASE)
SUSPEND_AT_LIMIT = lazy_compile(r"^(?:suspend\w*_triggers?|suspend_immediate\w*|stop_on_limit|hard_limit_action"
                                r"|action_on_limit)$", re.IGNORECASE)
CEILING = lazy_compile(r"^(?:max_\w*(?:count|clusters|nodes|workers|instances|replicas|size)|\w*_max(?:imum)?"
                       r"|(?:warehouse|cluster|node)_size)$", re.IGNORECASE)
NEVER = frozenset({"never", "off", "disabled", "none", "false"})
# T-shirt sizes in order, each about double the one before, spelled without separators or case: Databricks'
# `2X-Small` … `4X-Large`, Snowflake's `XSMALL` … `X6LARGE` (its `XXLARGE` is `2X-Large`).
SIZES = ("2xsmall", "xsmall", "small", "medium", "large", "xlarge", "2xlarge", "3xlarge", "4xlarge", "5xlarge",
         "6xlarge")
ALIASES = {"xxsmall": "2xsmall", "x2small": "2xsmall", "xxlarge": "2xlarge", "x2large": "2xlarge",
           "x3large": "3xlarge", "x4large": "4xlarge", "x5large": "5xlarge", "x6large": "6xlarge"}
SIZE_RANK = {size: rank for rank, size in enumerate(SIZES)} | {alias: SIZES.index(size)
                                                                for alias, size in ALIASES.items()}
TENFOLD = 10.0
SIXTEENFOLD = 16.0


def _stops_never(before: Any, after: Any) -> bool:
    """An auto-stop that stopped (a positive delay, or on) and now never does (0, -1, off, removed)."""
    if before is True:
        return after is False
    old = number(before)
    if old is None or old <= 0:
        return False
    if after is None or after is False or (isinstance(after, str) and after.strip().lower() in NEVER):
        return True
    new = number(after)
    return new is not None and new <= 0


def _raised(before: Any, after: Any, factor: float) -> bool:
    """A positive amount removed or multiplied by FACTOR or more."""
    old = number(before)
    if old is None or old <= 0:
        return False
    new = number(after)
    return after is None or (new is not None and new >= old * factor)


def _rank(value: Any) -> int | None:
    text = re.sub(r"[^a-z0-9]", "", value.lower()) if isinstance(value, str) else ""
    return SIZE_RANK.get(text)


def _ceiling_raised(before: Any, after: Any) -> bool:
    old, new = _rank(before), _rank(after)
    if old is not None and new is not None:
        return new - old >= 4  # each size doubles: four steps are sixteen-fold
    return _raised(before, after, SIXTEENFOLD) and after is not None


def _moves(change: Change) -> Iterator[tuple[str, str]]:
    """(kind, what moved) for each move of the change's guards: kind is `guard` or `ceiling`."""
    before = dict(leaves(change.before)) if isinstance(change.before, dict) else {}
    after = dict(leaves(change.after)) if isinstance(change.after, dict) else {}
    for path, old in before.items():
        new = after.get(path)
        if new == old:
            continue
        key = plain(path).rpartition(".")[2]
        if AUTO_STOP.match(key) and _stops_never(old, new):
            yield "guard", f"`{path}` {old!r} → {new!r} (never stops)"
        elif LIMIT.match(key) and _raised(old, new, TENFOLD):
            yield "guard", f"`{path}` {old!r} → {new!r}" + (" (no limit)" if new is None else " (tenfold or more)")
        elif SUSPEND_AT_LIMIT.match(key) and old not in (None, [], "") and new in (None, [], ""):
            yield "guard", f"`{path}` removed (nothing suspends at the limit)"
        elif CEILING.match(key) and _ceiling_raised(old, new):
            yield "ceiling", f"`{path}` {old!r} → {new!r}"


# Every guard's name holds one of these (a ceiling alone is never a finding): changes without them are not read.
GUARD_WORDS = (b"auto", b"suspend", b"idle", b"scale_to_zero", b"quota", b"budget", b"limit", b"spend", b"credit")


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=GUARD_WORDS)
def _guard_removed(change: Change) -> Iterator[Finding]:
    moves = list(_moves(change))
    guards = [what for kind, what in moves if kind == "guard"]
    if not guards:
        return
    ceilings = [what for kind, what in moves if kind == "ceiling"]
    also = f"; its ceiling is raised too: {', '.join(ceilings[:2])}" if ceilings else ""
    yield finding(RULE, change.address, f"{change.address}: what stops its cost running away is taken off: "
                  f"{'; '.join(guards[:3])}{also}")
