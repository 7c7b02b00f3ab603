"""Risk rules, credentials: secrets handed to people or to everything — a credential source moved from injected
(the proxy uses it, the user never sees it) to brokered (the user receives it), and a variable or secret set
applied to every workspace of an organisation, on any provider."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import (
    ALTERING,
    Finding,
    ReviewInput,
    Severity,
    declare,
    finding,
    managed,
    on_change,
    rule,
)

BROKERED = declare("credentials-brokered", Severity.HIGH,
                   "A credential source that was injected (used by the access proxy, never shown to the user) is "
                   "now brokered (handed to the user): people receive the raw secret, e.g. a host's SSH key.")
GLOBAL_SET = "credential-set-global"

_SPLIT = re.compile(r"[^a-z0-9]+")
SET_TYPE = re.compile(r"(?:variable|var|secret|credential|env)s?_?set|varset")
GLOBAL_KEYS = ("global", "applies_to_all", "all_workspaces", "apply_to_all")
# Variable names that hold a credential (AWS_SECRET_ACCESS_KEY, ARM_CLIENT_SECRET, VAULT_TOKEN, DB_PASSWORD).
CREDENTIAL_NAME = re.compile(r"secret|token|password|passwd|credential|private_?key|access_?key|api_?key",
                             re.IGNORECASE)


def _ids(values: dict[str, Any], word: str) -> set[str]:
    return {str(v) for key, value in values.items() if word in _SPLIT.split(key.lower()) and isinstance(value, list)
            for v in value if isinstance(v, (str, int))}


@on_change()
def _injected_to_brokered(change: Change) -> Iterator[Finding]:
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    moved = sorted((_ids(after, "brokered") - _ids(before, "brokered")) & _ids(before, "injected"))
    if moved:
        yield finding(BROKERED, change.address, f"{change.address}: credential source {moved[0][:80]} moves from "
                      "injected to brokered — users now receive the raw secret instead of the proxy using it")


@rule(GLOBAL_SET, Severity.HIGH,
      "A variable or secret set is applied to every workspace (global on) — an existing set (its contents not in "
      "the plan) or a new one holding a sensitive or credential-named variable: every workspace and everyone who "
      "can run plans in it gets them.")
def _global_credential_set(ri: ReviewInput) -> Iterator[Finding]:
    changes = list(managed(ri.changeset, *ALTERING))
    credentials = any(_credential_variable(c) for c in changes)
    for change in changes:
        if not SET_TYPE.search(change.type):
            continue
        before = change.before if isinstance(change.before, dict) else {}
        after = change.after if isinstance(change.after, dict) else {}
        key = next((k for k in GLOBAL_KEYS if after.get(k) is True and before.get(k) is not True), None)
        if key is not None and (change.action is not Action.CREATE or credentials):
            yield finding(GLOBAL_SET, change.address, f"{change.address}: {key} turns on — the set's variables "
                          f"(\"{str(after.get('name') or '')[:60]}\") reach every workspace in the organisation")


def _credential_variable(change: Change) -> bool:
    """Whether a created variable is sensitive or named like a credential."""
    after = change.after if isinstance(change.after, dict) else {}
    if "variable" not in change.type or change.action is not Action.CREATE:
        return False
    return after.get("sensitive") is True or bool(CREDENTIAL_NAME.search(str(after.get("key") or "")))
