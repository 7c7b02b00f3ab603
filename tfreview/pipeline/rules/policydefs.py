"""Risk rules, security controls in policy definitions (reported under the rule of the control they weaken): a
definition that says which values the resources made under it may take (a Databricks cluster policy or policy
family override: `{"data_security_mode": {"type": "fixed", "value": "SINGLE_USER"}}`) now allows, for a setting the
controls vocabulary reads, a value weaker than every value it allowed before (`allowlist` adding `NONE`; a fixed
`true` of an encryption switch made `unlimited`). Every cluster made under the policy may now take that value.

A definition that allows only values as strong as before (a stricter allowlist, a new setting fixed), or a
setting it did not limit before, is not a finding.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.controls import matching_controls
from tfreview.pipeline.rules.values import document, leaves

ANY = "any value"  # what an `unlimited` entry allows (a `range` or `regex` entry is not read)
BOOLEANS = (True, False)


def _allowed(definition: Any) -> dict[str, Any]:
    """Setting → the tuple of values a DEFINITION allows it (ANY when unlimited), for the entries it limits."""
    if not isinstance(definition, dict):
        return {}
    allowed: dict[str, Any] = {}
    for setting, entry in definition.items():
        kind = entry.get("type") if isinstance(entry, dict) else None
        if kind == "fixed" and "value" in entry:
            allowed[setting] = (entry["value"],)
        elif kind == "allowlist" and isinstance(entry.get("values"), list):
            allowed[setting] = tuple(entry["values"])
        elif kind == "unlimited":
            allowed[setting] = ANY
        elif kind == "forbidden":
            allowed[setting] = ()
    return allowed


def _weaker(resource_type: str, setting: str, old: tuple[Any, ...], new: Any) -> tuple[str, Any] | None:
    """(rule id, value) for a value NEW allows that the vocabulary reads weaker than every value OLD allowed."""
    controls = matching_controls(resource_type, setting)
    if not controls or not old:
        return None
    candidates = BOOLEANS if new == ANY and all(isinstance(v, bool) for v in old) else () if new == ANY else new
    for value in candidates:
        if value in old:
            continue
        # each value allowed before is read stronger than this one, by one control or another
        rules = [next((c.rule for c in controls if c.weakened(u, value)), None) for u in old]
        if all(rules):
            return str(rules[0]), value
    return None


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"allowlist", b"unlimited", b"fixed"))
def _definition_loosened(change: Change) -> Iterator[Finding]:
    governed = change.type.removesuffix("_policy").removesuffix("_policies")
    before = dict(leaves(change.before)) if isinstance(change.before, dict) else {}
    for path, text in leaves(change.after):
        if not isinstance(text, str) or '"type"' not in text or text == before.get(path):
            continue
        old, new = _allowed(document(before.get(path))), _allowed(document(text))
        for setting, allowed in new.items():
            if setting not in old or old[setting] == ANY:
                continue
            weaker = _weaker(governed, setting, old[setting], allowed)
            if weaker:
                rule_id, value = weaker
                yield finding(rule_id, change.address, f"{change.address}: {path} now allows {setting} = {value!r} "
                              f"(it allowed only {list(old[setting])[:4]!r}): every resource made under it may "
                              "take the weaker value")
