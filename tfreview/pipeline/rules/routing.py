"""Risk rules, routing integrity (`route-filter-removed`): what filters the routes a BGP session accepts or announces
taken away. Without it a customer or peer can announce anyone's prefixes (a hijack) and a router re-announces its
peers' routes to its transit (a route leak). Read for any provider's vocabulary:

- a session, group or neighbour's import or export policy, prefix list or route map emptied;
- its prefix limit removed or set to 0 (unlimited);
- RPKI origin validation or IRR filtering switched off;
- a route policy that now accepts every route: an RPL `pass` or `done` outside any `if`, a policy-level default
  action of accept (Junos `then accept`), a term that accepts with no condition or a protocol alone;
- a session created with every filter it has off.

A limit raised, a policy swapped for another named one, a new term with its own conditions, and a session created
with its filters on say nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.values import leaves, plain

RULE = declare("route-filter-removed", Severity.HIGH,
               "A BGP session, group or route policy loses what filters the routes it accepts or announces (import or "
               "export policy, prefix limit, RPKI or IRR validation), or a route policy now accepts every route: "
               "a hijack or a route leak goes through.")

ROUTING_TYPES = lazy_compile(r"bgp|peer|neighbou?r|route_server|routing|router|policy_statement|policyoptions"
                             r"|route_policy|route_map|prefix_list|\brpl\b|_rpl_")
SESSION_TYPES = lazy_compile(r"bgp|peer|neighbou?r|route_server|session")
POLICY_KEY = lazy_compile(r"^(?:import|export|import_polic(?:y|ies)|export_polic(?:y|ies)|route_maps?_(?:in|out)"
                          r"|(?:in|out)bound_(?:filters?|polic(?:y|ies)|route_maps?|prefix_lists?)"
                          r"|(?:prefix|filter|distribute)_lists?_(?:in|out)|(?:import|export)_(?:route_maps?|filters?))$")
LIMIT_KEY = lazy_compile(r"^(?:max(?:imum)?_?prefix(?:es)?(?:_v[46]|_ipv[46])?(?:_limit)?|prefix_limit"
                         r"|max_prefix_count)$")
VALIDATION_KEY = lazy_compile(r"rpki|origin_validation|route_validation|(?:^|_)irr(?:_|$)")
VALIDATION_OFF = frozenset({"off", "disabled", "disable", "none", "false", "no", "accept", "allow", "ignore",
                            "log", "log-only", "log_only", "logonly", "monitor", "permissive"})
ACCEPTS = frozenset({"accept", "permit", "pass", "allow", "done"})
# Keys beside a policy term's action that do not narrow what it matches.
NOT_CONDITIONS = frozenset({"name", "then", "action", "description", "comment", "sequence", "seq", "priority", "order",
                            "id", "term", "terms", "enabled", "protocol", "family"})
TERM_KEYS = frozenset({"term", "terms", "rule", "rules", "statement", "statements", "entry", "entries", "sequence",
                       "sequences"})
_RPL_IF = lazy_compile(r"^\s*if\b.*\bthen\s*$")
_RPL_END = lazy_compile(r"^\s*endif\s*$")
_RPL_PASS = lazy_compile(r"^\s*(?:pass|done)\s*$")


def _filters(values: Any) -> dict[str, bool]:
    """Each filtering setting of a session or group (its plain path) and whether it filters."""
    found: dict[str, bool] = {}
    for path, value in leaves(values) if isinstance(values, dict) else ():
        where = plain(path)
        key = where.rsplit(".", 1)[-1]
        if POLICY_KEY.match(key):
            found[where] = value not in (None, "", [], {})
        elif LIMIT_KEY.match(key) or (key == "maximum" and "prefix" in where):
            found[where] = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
        elif VALIDATION_KEY.search(key) and not key.endswith(("_id", "_name", "_server", "_servers")):
            found[where] = not (value is False or value is None
                                or (isinstance(value, str) and value.strip().lower() in VALIDATION_OFF))
    return found


def _removed(before: dict[str, bool], after: dict[str, bool], block_gone: bool) -> list[str]:
    """The filters on before and off after (or gone with their block)."""
    return [path for path, on in before.items() if on and (after.get(path) is False
                                                            or (path not in after and block_gone))]


def _term_accepts_all(term: dict[str, Any]) -> bool:
    action = [str(v).strip().lower() for v in string_leaves(term.get("then", term.get("action")))]
    if not action or not set(action) & ACCEPTS:
        return False
    return not any(value not in (None, "", [], {}, [{}]) for key, value in term.items()
                   if str(key).lower() not in NOT_CONDITIONS)


def _accepts_all(values: Any) -> str | None:
    """How a route policy accepts every route, or None."""
    if not isinstance(values, dict):
        return None
    for text in string_leaves(values):
        if "\n" in text and _rpl_passes(text):
            return "its policy text passes every route outside any if"
    default = [str(v).strip().lower() for key in ("then", "default_action")
               for v in string_leaves(values.get(key))]
    if set(default) & ACCEPTS:
        return "its default action accepts every route no term matched"
    for key in TERM_KEYS & values.keys():
        terms = values[key] if isinstance(values[key], list) else [values[key]]
        for term in terms:
            if isinstance(term, dict) and _term_accepts_all(term):
                return f"its term {term.get('name', '')!s} accepts with no condition but a protocol".replace(" ''", "")
    return None


def _rpl_passes(text: str) -> bool:
    """Whether route-policy text holds a `pass` or `done` outside any `if … endif`."""
    depth = 0
    for line in text.splitlines():
        if _RPL_IF.match(line):
            depth += 1
        elif _RPL_END.match(line):
            depth = max(0, depth - 1)
        elif depth == 0 and _RPL_PASS.match(line):
            return True
    return False


@on_change(type_pattern=ROUTING_TYPES, actions=(Action.CREATE, Action.UPDATE, Action.REPLACE))
def _route_filters(change: Change) -> Iterator[Finding]:
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    if before:
        old, new = _filters(before), _filters(after)
        gone = _removed(old, new, block_gone=True)
        if gone:
            yield finding(RULE, change.address, f"{change.address}: {', '.join(gone[:3])} no longer filters: the "
                          "routes it accepts or announces go through unchecked (a hijack or a route leak)")
        widened = _accepts_all(after)
        if widened and not _accepts_all(before):
            yield finding(RULE, change.address, f"{change.address}: {widened}, where it filtered before: every route "
                          "is accepted or announced (a hijack or a route leak)")
    elif SESSION_TYPES.search(change.type):
        made = _filters(after)
        if len(made) >= 2 and not any(made.values()):
            yield finding(RULE, change.address, f"{change.address}: a session created with every filter off "
                          f"({', '.join(sorted(made)[:3])}): whatever the peer announces is accepted")
