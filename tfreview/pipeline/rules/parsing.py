"""Risk rules, parsing: what the parser read but does not understand: action lists Terraform never writes, newer
plan formats, resources whose new values are not there to read.

Neither may pass as "nothing happens": the change counts as an update at least (changes.to_action), and
these findings hold the label at "needs close review".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfreview.pipeline.changes import Action, Change, unknown_actions
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, rule
from tfreview.pipeline.mask import MASK

# Terraform bumps the major version of the JSON plan format for changes a consumer must understand, and the
# minor one for additions it may ignore (https://developer.hashicorp.com/terraform/internals/json-format).
KNOWN_MAJORS = frozenset({0, 1})
SHOWN_ACTIONS = 5
KNOWN_MODES = frozenset({"managed", "data", "ephemeral"})
# The one action written for an ephemeral resource, and the one mode it is written for (jsonplan: Open → ["open"]).
OPENED = ["open"]
SHOWN_CHARS = 40


@rule("unknown-action", Severity.HIGH,
      "A change's action list is not one Terraform writes (a newer Terraform, a typo): never read as no-op; or its "
      "mode is neither managed, data nor ephemeral (no rule would judge it), or its action is not one of its mode's "
      "(a data source deleted, a managed resource read); or a no-op whose values change.")
def _unknown_actions(ri: ReviewInput) -> Iterator[Finding]:
    changeset = ri.changeset
    groups: list[tuple[str, list[Change]]] = [
        ("", changeset.changes), ("drift: ", changeset.drift), ("deferred: ", [d.change for d in changeset.deferred]),
    ]
    for prefix, changes in groups:
        for change in changes:
            message = _message(change.actions, change.action.value)
            if message:
                yield finding("unknown-action", change.address, f"{prefix}{change.address}: {message}")
            if change.mode not in KNOWN_MODES:
                yield finding("unknown-action", change.address,
                              f"{prefix}{change.address}: has mode {_short(change.mode)!r}, which Terraform never "
                              "writes (managed, data or ephemeral); no rule judged it — check which tool made this "
                              "plan")
            elif (change.mode == "ephemeral") != (change.actions == OPENED):
                yield finding("unknown-action", change.address,
                              f"{prefix}{change.address}: {change.mode} resource with actions "
                              f"{[_short(a) for a in change.actions[:SHOWN_ACTIONS]]}: only an ephemeral resource is "
                              "opened, and it is only ever opened — check which tool made this plan")
            elif not message and (mismatch := _not_of_its_mode(change)):
                yield finding("unknown-action", change.address, f"{prefix}{change.address}: {mismatch}")
    for change in changeset.changes:
        if change.actions == ["no-op"] and change.mode == "managed" and change.before != change.after \
                and _differ(change.before, change.after):
            yield finding("unknown-action", change.address,
                          f"{change.address}: its action is no-op, but its values before and after differ: Terraform "
                          "writes no-op only for an unchanged resource, so this plan contradicts itself — check "
                          "which tool made or edited it")
    for output in changeset.outputs:
        message = _message(output.actions, output.action.value)
        if message:
            yield finding("unknown-action", f"output.{output.name}", f"output.{output.name}: {message}")


# Actions after which Terraform always writes the resource's new values as an object.
WRITES_VALUES = (Action.CREATE, Action.UPDATE, Action.REPLACE)


@rule("values-unseen", Severity.HIGH,
      "A created, updated or replaced resource has no readable new values (after is null, or not an object, and "
      "wholly unknown): nothing about it can be checked.")
def _values_unseen(ri: ReviewInput) -> Iterator[Finding]:
    for change in ri.changeset.changes:
        if change.mode == "managed" and change.action in WRITES_VALUES and not isinstance(change.after, dict):
            unknown = " and is known only after apply" if change.after_unknown is True else ""
            yield finding("values-unseen", change.address,
                          f"{change.address}: the plan shows no new values for this {change.action.value}{unknown}; "
                          "what it will set cannot be checked — read the configuration, or re-run the plan")


@rule("plan-format", Severity.HIGH,
      "The plan's format_version is a major version tfreview does not know (it reads 0.x and 1.x).")
def _format(ri: ReviewInput) -> Iterator[Finding]:
    version = ri.plan.format_version
    match = re.fullmatch(r"(\d+)\.\d+(\.\d+)?", version)
    if match is None or int(match.group(1)) not in KNOWN_MAJORS:
        yield finding("plan-format", None,
                      f"the plan's format_version is {_short(version)!r}; tfreview reads 0.x and 1.x, and a newer "
                      "major version may mean what tfreview reads has changed — upgrade tfreview")


def _message(actions: list[str], treated_as: str) -> str | None:
    unknown = unknown_actions(actions)
    if unknown is None:
        return None
    listed = ", ".join(repr(_short(a)) for a in actions[:SHOWN_ACTIONS])
    more = f" and {len(actions) - SHOWN_ACTIONS} more" if len(actions) > SHOWN_ACTIONS else ""
    if not actions:
        what = "has an empty action list"
    elif unknown:
        what = f"has action(s) Terraform does not define: {', '.join(repr(_short(a)) for a in unknown[:SHOWN_ACTIONS])}"
    else:
        what = f"has an action list Terraform never writes: [{listed}{more}]"
    return f"{what}; treated as {treated_as}, never as no-op — check which Terraform version made this plan"


def _not_of_its_mode(change: Change) -> str | None:
    """Why CHANGE's action is not one its mode has: Terraform reads data sources and nothing else (a no-op aside),
    and never reads a managed resource. Every rule skips data sources, so a delete written as one goes unjudged."""
    shown = [_short(a) for a in change.actions[:SHOWN_ACTIONS]]
    if change.mode == "data" and change.actions not in (["read"], ["no-op"]):
        return (f"data source with actions {shown}: Terraform only ever reads a data source, so no rule judged "
                "this change — check which tool made this plan")
    if change.mode == "managed" and "read" in change.actions:
        return (f"managed resource with actions {shown}: Terraform reads only data sources, so no rule judged this "
                "change — check which tool made this plan")
    return None


def _differ(before: object, after: object) -> bool:
    """Whether two sides hold different values, a masked value (either side) matching anything: a sensitivity
    marking that differs between the sides is no change of value."""
    if before == MASK or after == MASK:
        return False
    if isinstance(before, dict) and isinstance(after, dict):
        return before.keys() != after.keys() or any(_differ(v, after[k]) for k, v in before.items())
    if isinstance(before, list) and isinstance(after, list):
        return len(before) != len(after) or any(_differ(b, a) for b, a in zip(before, after, strict=True))
    return before != after


def _short(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"
