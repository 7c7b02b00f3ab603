"""Risk rules, successors (risk rules stage, delete grading): a deleted object whose same-type create in the same plan
names the same thing at a newer version (a compliance standard, ruleset or policy upgraded: CIS 1.2 → 1.4).
"""

from __future__ import annotations

import re
from typing import Any

from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.planview import PlanView, plan_view

_SEGMENTS = re.compile(r"[/:]")
_VERSION = re.compile(r"^v?\d+(?:[._-]\d+)*$", re.IGNORECASE)
_NUMBERS = re.compile(r"\d+")
_LETTERS = re.compile(r"[a-z]{4,}", re.IGNORECASE)


def _stem_and_version(value: Any) -> tuple[str, tuple[int, ...]] | None:
    """('cis-aws-foundations-benchmark', (1, 2, 0)) for `…/cis-aws-foundations-benchmark/v/1.2.0`, or None when the
    value names no versioned thing."""
    if not isinstance(value, str):
        return None
    segments = [s for s in _SEGMENTS.split(value.strip().lower()) if s]
    versions = [s for s in segments if _VERSION.match(s) and any(c.isdigit() for c in s)]
    names = [s for s in segments if not _VERSION.match(s) and s != "v" and _LETTERS.search(s)]
    if not versions or not names:
        return None
    return names[-1], tuple(int(n) for n in _NUMBERS.findall(versions[-1]))


def _versioned_creates(view: PlanView) -> dict[tuple[str, str, str], list[tuple[tuple[int, ...], Change]]]:
    """Creates by (type, attribute, stem), with the version each names: built once per plan."""
    index: dict[tuple[str, str, str], list[tuple[tuple[int, ...], Change]]] = {}
    for resource_type, creates in view.creates_by_type.items():
        for other in creates:
            after = other.after if isinstance(other.after, dict) else {}
            for key, value in after.items():
                if (named := _stem_and_version(value)) is not None:
                    index.setdefault((resource_type, key, named[0]), []).append((named[1], other))
    return index


def successor(change: Change, ri: ReviewInput) -> str | None:
    """Why a delete is an upgrade (a create of its type names the same thing at a newer version), or None."""
    before = change.before if isinstance(change.before, dict) else {}
    index = plan_view(ri).derived("versioned creates", _versioned_creates)
    for key, value in before.items():
        if (old := _stem_and_version(value)) is None:
            continue
        for version, other in index.get((change.type, key, old[0]), []):
            if version > old[1]:
                return (f"replaced by {other.address} in the same plan: {old[0]} "
                        f"{'.'.join(map(str, old[1]))} → {'.'.join(map(str, version))}")
    return None
