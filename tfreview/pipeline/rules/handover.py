"""Risk rules, credentials: secrets handed to people or to everything — a credential source moved from injected
(the proxy uses it, the user never sees it) to brokered (the user receives it), and a variable or secret set
applied to every workspace of an organisation, on any provider."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change

BROKERED = declare("credentials-brokered", Severity.HIGH,
                   "A credential source that was injected (used by the access proxy, never shown to the user) is "
                   "now brokered (handed to the user): people receive the raw secret, e.g. a host's SSH key.")
GLOBAL_SET = declare("credential-set-global", Severity.HIGH,
                     "A variable or secret set is applied to every workspace (global on) while it holds or names "
                     "credentials: every workspace and everyone who can run plans in it gets them.")

_SPLIT = re.compile(r"[^a-z0-9]+")
SET_TYPE = re.compile(r"(?:variable|var|secret|credential|env)s?_?set|varset")
GLOBAL_KEYS = ("global", "applies_to_all", "all_workspaces", "apply_to_all")
CREDENTIAL_WORDS = {"key", "keys", "cred", "creds", "credential", "credentials", "secret", "secrets", "token",
                    "tokens", "password", "passwords", "deploy", "prod", "production", "admin", "aws", "gcp",
                    "azure"}


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


@on_change()
def _global_credential_set(change: Change) -> Iterator[Finding]:
    if not SET_TYPE.search(change.type):
        return
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    key = next((k for k in GLOBAL_KEYS if after.get(k) is True and before.get(k) is not True), None)
    if key is None:
        return
    words = {w for k in ("name", "description") for w in _SPLIT.split(str(after.get(k) or "").lower())}
    if change.action is Action.UPDATE or words & CREDENTIAL_WORDS:
        yield finding(GLOBAL_SET, change.address, f"{change.address}: {key} turns on — the set's variables "
                      f"(\"{str(after.get('name') or '')[:60]}\") reach every workspace in the organisation")
