"""Risk rules, lifecycle helper (replace grading): a stateless object replaced only because its name changed (the
replace paths are naming settings alone) whose sources (who it admits: CIDRs, ranges, tags, accounts) stay the
same and that denies nothing — a firewall or security rule renamed to a naming standard. It holds no data, and
while it is re-made an allow rule only admits less; a deny rule's gap would admit more, so it stays high, and so
does a rename that also changes who is admitted. ladders.py grades replaces with it."""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.rules.exposure import SOURCE_KEY
from tfreview.pipeline.rules.values import leaves

NAMING = frozenset({"name", "name_prefix", "display_name", "description"})
_INDEX = lazy_compile(r"\[\d+\]")
# What admits or denies (a firewall, a security group or rule, an ACL, an IP set): a fleet or a service whose values
# happen to name subnets is not one, and its re-make is an outage, not a gap in a rule.
ACCESS_TYPES = lazy_compile(r"firewall|security_group|security_rule|network_security|(?:^|_)n?acl(?:_|$)|nsg"
                            r"|(?:^|_)rules?(?:_|$)|rule_?set|access_list|ip_?set|allow_?list|ingress|egress")
_DENY = lazy_compile(r"(?<![a-z])(?:deny|drop|reject|block)(?![a-z])")


def _sources(values: Any) -> dict[str, Any]:
    """The leaves that say who the object admits, by path without list indices."""
    return {_INDEX.sub("", p): v for p, v in leaves(values)
            if SOURCE_KEY.search(_INDEX.sub("", p).rpartition(".")[2])}


def _denies(values: Any) -> bool:
    """Whether any key or value says deny, drop, reject or block."""
    return any(_DENY.search(path.lower()) or (isinstance(v, str) and _DENY.search(v.lower()))
               for path, v in leaves(values))


def renamed_only(change: Change, stateful: bool) -> str | None:
    """Why a replace loses nothing, or None: forced by naming settings alone, the same sources before and after,
    and no deny in either."""
    if stateful or change.action is not Action.REPLACE or not change.replace_paths \
            or not ACCESS_TYPES.search(change.type):
        return None
    tops = {path.split(".", 1)[0].split("[", 1)[0] for path in change.replace_paths}
    if not tops <= NAMING or not isinstance(change.before, dict) or not isinstance(change.after, dict):
        return None
    before, after = _sources(change.before), _sources(change.after)
    if not before or before != after or _denies(change.before) or _denies(change.after):
        return None
    return f"replaced only for its {', '.join(sorted(tops))}: it admits the same sources as before and denies " \
           "nothing, so while it is re-made it only admits less"
