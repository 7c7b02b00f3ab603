"""Risk rules, context grading (availability): the idle colour of a blue/green pair scaled to zero. A fleet, group or
deployment named for one colour (`api-blue`, `kubernetes_deployment.blue`) cut to zero while the plan holds its twin
of the other colour, of the same type and name but for the colour, running copies: the cutover has happened and the
old colour stands by for rollback. Medium, naming the twin; a twin that runs nothing leaves the cut high.
"""

from __future__ import annotations

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, grader
from tfreview.pipeline.rules.grading import high_graded_medium
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.values import leaves, number
from tfreview.pipeline.rules.vocabulary.terms import ZERO

COLOURS = {"blue": "green", "green": "blue"}
_WORDS = lazy_compile(r"([^a-z0-9]+)")
# Settings that count the copies a fleet runs (desired_capacity, replicas, desired_count, min_size…).
COPIES = lazy_compile(r"(?:^|[._\]])(?:desired_capacity|desired_count|desired_size|replicas|min_size|instance_count"
                      r"|node_count|task_count)$")


def _twin_names(change: Change) -> set[str]:
    """The names this object's twin of the other colour would have (its address's name and its own `name`)."""
    after = change.after if isinstance(change.after, dict) else {}
    names = {change.address.rsplit(f"{change.type}.", 1)[-1], str(after.get("name") or "")}
    twins = set()
    for name in filter(None, names):
        parts = _WORDS.split(name.lower())
        twins |= {"".join([*parts[:i], COLOURS[part], *parts[i + 1:]]) for i, part in enumerate(parts)
                  if part in COLOURS}
    return twins


def _running(change: Change) -> bool:
    """Whether a kept object runs copies: a count setting above zero."""
    after = change.after if isinstance(change.after, dict) else {}
    return any(COPIES.search(path) and (n := number(value)) is not None and n > 0 for path, value in leaves(after))


def _kept_by_name(view: PlanView) -> dict[tuple[str, str], list[Change]]:
    """The plan's kept objects by (type, name): their address's name and their own `name`."""
    index: dict[tuple[str, str], list[Change]] = {}
    for other in view.changes:
        if other.action in (Action.DELETE, Action.FORGET):
            continue
        after = other.after if isinstance(other.after, dict) else {}
        for name in {other.address.rsplit(f"{other.type}.", 1)[-1], str(after.get("name") or "").lower()}:
            index.setdefault((other.type, name), []).append(other)
    return index


def _twin(change: Change, review_input: ReviewInput) -> Change | None:
    """The running twin of the other colour the plan keeps, or None."""
    names = _twin_names(change)
    if not names:
        return None
    index = plan_view(review_input).derived("kept objects by type and name", _kept_by_name)
    return next((other for name in sorted(names) for other in index.get((change.type, name), [])
                 if other is not change and _running(other)), None)


@grader
def idle_colour(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Scaled to zero, beside a running twin of the other colour: medium."""
    return high_graded_medium(review_input, findings, ZERO, lambda found, change: _idle(change, review_input))


def _idle(change: Change, review_input: ReviewInput) -> str | None:
    """Why a colour cut to zero is medium: its twin of the other colour runs."""
    twin = _twin(change, review_input)
    return None if twin is None else (f"its twin of the other colour, {twin.address}, runs: a blue/green cutover, "
                                      "the idle colour kept for rollback")
