"""Risk rules, identity (reported under iam-wildcard, iam.py): a resource policy's grant to a principal lifted from
one path of a store to the whole store — `bucket/partner-a/*` → `bucket/*`, or a `prefix` condition dropped from
a listing — for the same principal and actions. The principal now reads every sibling's files (every other
customer's exports). High for a principal of another account; medium for one of the plan's own accounts.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.policy import Statement
from tfreview.pipeline.rules.principals import ACCOUNT

Document = tuple[str, list[Statement]]

# A condition key that scopes a listing or a read to a path (`s3:prefix`, `s3:delimiter` aside, any `*:prefix`).
PREFIX_KEY = lazy_compile(r"(?:^|:)(?:prefix|path|key_?prefix)$")


def _path(resource: str) -> list[str]:
    """The segments of a resource's path after its store, without the trailing `*` (`b/p/*` → [b, p])."""
    return [p for p in resource.split(":::", 1)[-1].split("/") if p and p != "*"]


def _lifted(old: str, new: str) -> bool:
    """Whether resource NEW is a strict ancestor of OLD in the same store, a wildcard below it (`b/*` over `b/p/*`)."""
    before, after = _path(old), _path(new)
    return new.endswith("*") and 0 < len(after) < len(before) and before[:len(after)] == after \
        and old.split(":::", 1)[0] == new.split(":::", 1)[0]


def _prefixes(statement: Statement) -> tuple[str, ...]:
    return tuple(v for keys in statement.conditions.values() for k, vals in keys.items() if PREFIX_KEY.search(k)
                 for v in vals)


def _same_grant(old: Statement, new: Statement) -> bool:
    return old.allows and old.principals == new.principals and set(old.actions) == set(new.actions)


def _why(old: Statement, new: Statement) -> str | None:
    """How NEW reaches more of the store than OLD for the same principal and actions, or None."""
    if not _same_grant(old, new):
        return None
    lifted = [(o, n) for n in new.resources for o in old.resources if _lifted(o, n)]
    if lifted and not any(n in old.resources for _, n in lifted):
        return f"{lifted[0][0]} → {lifted[0][1]}"
    if _prefixes(old) and not _prefixes(new) and set(old.resources) == set(new.resources):
        return f"the {', '.join(_prefixes(old)[:2])} prefix condition is dropped"
    return None


def _foreign(statement: Statement, own: frozenset[str]) -> bool:
    accounts = [m.group(1) for p in statement.principals.get("AWS", ()) if (m := ACCOUNT.match(p))]
    return any(a not in own for a in accounts)


def widened(before: list[Document], after: list[Document], own: frozenset[str]) -> Iterator[tuple[str, Severity]]:
    """(message, severity) for each grant of a resource policy that AFTER lifts from a path to its whole store."""
    old = [s for _, statements in before for s in statements if s.allows and s.has_principal]
    for where, statements in after:
        for new in statements:
            if not new.allows or not new.has_principal or "*" in new.principals.get("AWS", ("",)):
                continue
            why = next(filter(None, (_why(o, new) for o in old if not o.sid or o.sid == new.sid)), None)
            if why:
                foreign = _foreign(new, own)
                yield (f"{where} {new.name} lifts its grant to "
                       f"{'another account' if foreign else 'its principal'} from one path to the whole store "
                       f"({why}): every sibling's files are now reachable",
                       Severity.HIGH if foreign else Severity.MEDIUM)
