"""Risk rules, scale: more deletes, changes or dependents of a destroyed resource than .tfreview.hcl's thresholds
allow."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.pipeline.changes import Action
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, is_helper_type, rule
from tfreview.pipeline.rules.ladders import loses_something

DESTROYING = (Action.DELETE, Action.REPLACE)
QUIET = (Action.NO_OP, Action.READ)


# Only what is lost counts: a delete or replace that resource-delete/-replace grade as disposable, re-made in the
# same apply or rebuilt (stateless workloads, links, immutable versions, teardowns, renames) loses nothing.
@rule("scale-deletes", Severity.HIGH,
      "The plan destroys, losing what they hold, more resources than thresholds.max_deletes (default 5).")
def _many_deletes(ri: ReviewInput) -> Iterator[Finding]:
    limit = ri.config.thresholds.max_deletes
    count = sum(1 for c in ri.changeset.changes
                if c.action in DESTROYING and c.mode == "managed" and not is_helper_type(c.type)
                and loses_something(c, ri))
    if count > limit:
        yield finding("scale-deletes", None,
                      f"the plan destroys {count} resources that lose what they hold (deletes and replaces), more "
                      f"than thresholds.max_deletes = {limit}")


# A large plan of routine changes is not by its size alone a reason for close review: medium by default
# (raise it with `rule "scale-changes" { severity = "high" }`). Many destroys stay high (scale-deletes).
@rule("scale-changes", Severity.MEDIUM,
      "The plan changes more resources than thresholds.max_changes (default 100); raise to high in .tfreview.hcl.")
def _many_changes(ri: ReviewInput) -> Iterator[Finding]:
    limit = ri.config.thresholds.max_changes
    count = sum(1 for c in ri.changeset.changes
                if c.action not in QUIET and c.mode == "managed" and not is_helper_type(c.type))
    if count > limit:
        yield finding("scale-changes", None,
                      f"the plan changes {count} resources, more than thresholds.max_changes = {limit}")


@rule("blast-radius", Severity.HIGH,
      "A destroyed or replaced resource has more dependents than thresholds.max_dependents (default 10).")
def _wide_blast_radius(ri: ReviewInput) -> Iterator[Finding]:
    limit = ri.config.thresholds.max_dependents
    for change in ri.changeset.changes:
        if change.action in DESTROYING and change.mode == "managed" and len(change.dependents) > limit:
            shown = ", ".join(change.dependents[:5]) + (", …" if len(change.dependents) > 5 else "")
            verb = "destroyed" if change.action is Action.DELETE else "replaced"
            yield finding("blast-radius", change.address,
                          f"{change.address} is {verb} and {len(change.dependents)} resources depend on it "
                          f"({shown}), more than thresholds.max_dependents = {limit}")
