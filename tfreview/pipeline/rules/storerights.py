"""Risk rules, identity: data-plane rights on a secret store (risk rules stage).

A key vault access policy, a secrets manager grant or a KMS-style key ring permission list (any provider) gives a
principal rights that destroy or reveal what the store holds — purge, delete, decrypt, unwrap, backup, or all.
High when the principal is a bare id that nothing in the plan knows (no identity it creates or reads, no reference
in its configuration) on a store that already exists: whoever that is now holds the store's secrets. Medium for an
identity the plan shows (an app's managed identity unwrapping its own key) or a store the plan creates (it holds
nothing yet), unless the rights erase past recovery (purge, all) on a store that already exists: no workload needs
to skip soft delete. Read rights alone (get, list) are not news.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import configuration
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding
from tfreview.pipeline.findings import rule as register
from tfreview.pipeline.rules.common import known, sides, string_leaves
from tfreview.pipeline.rules.planview import PlanView, plan_view

STORE_TYPES = lazy_compile(r"key_?vault|(?:^|_)vault|secret|key_?store|(?:^|_)kms|key_?ring|(?:^|_)hsm")
RIGHTS = lazy_compile(r"(?:^|_)(?:permissions|rights|privileges|operations)$")
PRINCIPAL_KEYS = ("object_id", "principal_id", "principal", "member", "grantee", "grantee_principal",
                  "identity_id", "user_id", "application_id")
RULE = "secret-store-rights"
# The pointer by which a grant names the store it is on (`key_vault_id`, `key_ring_id`, `secret_arn`).
PARENT = lazy_compile(r"(?:vault|store|ring|key|secret)_(?:id|name|arn|uri)$")
# Rights that destroy what the store holds or reveal it in the clear.
DESTRUCTIVE = frozenset({"purge", "delete", "decrypt", "unwrapkey", "unwrap", "backup", "all", "*", "full",
                         "fullcontrol", "manage", "admin"})
# Rights that erase the contents past any recovery window, whoever holds them: an administrator's, not a workload's.
ERASING = frozenset({"purge", "all", "*", "full", "fullcontrol"})


def _rights(block: dict[str, Any]) -> set[str]:
    """The lower-case rights a block's permission lists hold."""
    return {str(item).strip().lower().replace(" ", "") for key, value in block.items()
            if RIGHTS.search(key) and isinstance(value, list) for item in value if isinstance(item, str)}


def _blocks(value: Any) -> Iterator[dict[str, Any]]:
    """Every object inside VALUE (itself included) that holds a permission list."""
    if isinstance(value, dict):
        if any(RIGHTS.search(k) and isinstance(v, list) for k, v in value.items()):
            yield value
        for item in value.values():
            yield from _blocks(item)
    elif isinstance(value, list):
        for item in value:
            yield from _blocks(item)


def _holder(block: dict[str, Any], outer: dict[str, Any]) -> Any:
    """The principal a block's rights are for (its own id, else the resource's)."""
    for source in (block, outer):
        for key in PRINCIPAL_KEYS:
            if source.get(key) not in (None, ""):
                return source[key]
    return None


def _held(value: Any, outer: dict[str, Any]) -> dict[Any, set[str]]:
    """The rights each principal holds in VALUE (None: the resource names none)."""
    held: dict[Any, set[str]] = {}
    for block in _blocks(value):
        held.setdefault(_holder(block, outer), set()).update(_rights(block))
    return held


def _holders_by_change(view: PlanView) -> Counter[str]:
    """How many of the plan's changes hold each string value."""
    return Counter(text for change in view.changes
                   for text in {*string_leaves(change.before), *string_leaves(change.after)})


def _stranger(ri: ReviewInput, change: Change, holder: Any, counts: Counter[str]) -> bool:
    """Whether HOLDER is a bare id that no other change of the plan holds and its configuration writes as a
    literal (not a reference to an identity or a data source)."""
    if not isinstance(holder, str) or not known(holder) or len(holder) < 8 or counts[holder] > 1:
        return False
    expressions = configuration(ri.plan).expressions(change.address)
    return not any(_referenced(expressions, key) for key in PRINCIPAL_KEYS)


def _referenced(expressions: Any, key: str) -> bool:
    """Whether KEY, at any depth of a resource's expressions (inline blocks too), is a reference."""
    if isinstance(expressions, list):
        return any(_referenced(item, key) for item in expressions)
    if not isinstance(expressions, dict):
        return False
    own = expressions.get(key)
    if isinstance(own, dict) and own.get("references"):
        return True
    return any(_referenced(item, key) for name, item in expressions.items() if name != key)


def _new_store(change: Change, after: dict[str, Any]) -> bool:
    """Whether the store the rights are on is created by this plan: the store itself is created (no pointer to a
    parent store), or the pointer is known only after apply. A new store holds nothing yet."""
    if change.action is not Action.CREATE:
        return False
    pointers = [value for key, value in after.items() if PARENT.search(key)]
    return not pointers or any(not known(value) for value in pointers)


def _named(holder: Any) -> str:
    if holder is None:
        return "its principal"
    return "an identity known after apply" if holder == UNKNOWN else str(holder)


@register(RULE, Severity.HIGH,
          "A secret store's data-plane permissions (key vault access policy, secret or key ring grant, any "
          "provider) give a principal rights that destroy or reveal its contents (purge, delete, decrypt, unwrap, "
          "backup, all); high for a bare id the plan does not know.")
def store_rights(review_input: ReviewInput) -> Iterator[Finding]:
    view = plan_view(review_input)
    counts: Counter[str] | None = None
    for change in view.of(Action.CREATE, Action.UPDATE):
        if not STORE_TYPES.search(change.type):
            continue
        before, after = sides(change)
        old = _held(before, before)
        for holder, rights in _held(after, after).items():
            gained = sorted((rights - old.get(holder, set())) & DESTRUCTIVE)
            if not gained:
                continue
            if counts is None:
                counts = view.derived("holders-by-change", _holders_by_change)
            existing = not _new_store(change, after)
            stranger = existing and _stranger(review_input, change, holder, counts)
            erasing = existing and bool(set(gained) & ERASING)
            who = f"{holder}, an id nothing in the plan knows," if stranger else _named(holder)
            why = "; it can erase them beyond recovery (purge skips soft delete)" if erasing and not stranger else ""
            yield finding(RULE, change.address, f"{change.address}: gives {who} {', '.join(gained)} rights on the "
                          f"store's secrets or keys{why}", None if stranger or erasing else Severity.MEDIUM)

