"""Risk rules, values (attribute pairs): lists that only lost or only gained whole entries, the rest kept in
order, lined up entry by entry, so a removed rule reads as removed rather than every later rule as changed; and
whether a removed entry was an exemption (a skip, bypass or allow), whose removal weakens nothing."""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile

# Keys that say what an entry does, and the words that make it an exemption from the checks around it.
_ACTION_KEYS = lazy_compile(r"^(?:action|type|mode|decision|effect|verdict|behaviou?r)$")
_SPLIT = lazy_compile(r"[^a-z0-9]+")
EXEMPTIONS = frozenset({"skip", "bypass", "allow", "exempt", "exclude", "ignore", "whitelist", "allowlist"})


def align(old: Any, new: Any) -> tuple[Any, Any]:
    """OLD and NEW with every list of objects that only lost entries padded with None where they were (and one
    that only gained entries padded where they come), so kept entries share an index — matched by an identity key
    (priority, name, Sid) where every entry has one, else by being equal; else as they are."""
    if isinstance(old, dict) and isinstance(new, dict):
        pairs = {k: align(old.get(k), new.get(k)) for k in old.keys() & new.keys()}
        return ({k: pairs[k][0] if k in pairs else v for k, v in old.items()},
                {k: pairs[k][1] if k in pairs else v for k, v in new.items()})
    if isinstance(old, list) and isinstance(new, list) and old and new and len(old) != len(new) \
            and any(isinstance(v, dict) for v in old + new):
        short, long_ = (new, old) if len(new) < len(old) else (old, new)
        if (keyed := _by_identity(short, long_)) is not None:
            return (old, keyed) if long_ is old else (keyed, new)
        padded: list[Any] = []
        position = 0
        for item in long_:
            if position < len(short) and item == short[position]:
                padded.append(item)
                position += 1
            else:
                padded.append(None)
        if position == len(short):
            return (old, padded) if long_ is old else (padded, new)
    return old, new


# Keys that name a block of a list for good (a rule's priority or name, a statement's Sid): entries that keep theirs
# are the same entry, even where another setting of it changed beside the one added or removed.
IDENTITY_KEYS = ("rule_name", "name", "priority", "sid", "rule_no", "id")


def _by_identity(short: list[Any], long_: list[Any]) -> list[Any] | None:
    """SHORT padded with None to line up with LONG by an identity key every entry of both holds, unique on each
    side, when SHORT's keys are all among LONG's; else None."""
    for key in IDENTITY_KEYS:
        ids = [_identity(item, key) for item in short], [_identity(item, key) for item in long_]
        if any(i is None for side in ids for i in side) or any(len(set(side)) != len(side) for side in ids):
            continue
        if not set(ids[0]) <= set(ids[1]):
            return None
        by_id = dict(zip(ids[0], short, strict=True))
        return [by_id.get(i) for i in ids[1]]
    return None


def by_identity(items: list[Any]) -> tuple[str, dict[Any, Any]] | None:
    """A list's entries by the first identity key every one of them holds, unique among them, or None."""
    for key in IDENTITY_KEYS:
        ids = [_identity(item, key) for item in items]
        if items and None not in ids and len(set(ids)) == len(ids):
            return key, dict(zip(ids, items, strict=True))
    return None


def _identity(item: Any, key: str) -> Any:
    value = item.get(key) if isinstance(item, dict) else None
    return value if isinstance(value, (str, int)) and not isinstance(value, bool) and value != "" else None


def exemption_dropped(before: Any, after: Any, path: str) -> bool:
    """Whether PATH lies inside an entry of the first list on its way in BEFORE that exempts (action skip, bypass,
    allow) and that AFTER's list no longer holds anywhere."""
    value, other = before, after
    for step, index in _steps(path):
        value = value.get(step) if isinstance(value, dict) else None
        other = other.get(step) if isinstance(other, dict) else None
        if index is None:
            continue
        entries = other if isinstance(other, list) else []
        value = value[index] if isinstance(value, list) and index < len(value) else None
        return isinstance(value, dict) and value not in entries and _exempts(value)
    return False


def _exempts(entry: dict[str, Any]) -> bool:
    """Whether an entry's action is an exemption (and nothing else it says blocks or denies)."""
    actions = [v for k, v in entry.items() if _ACTION_KEYS.search(k) and isinstance(v, str)]
    said = [set(_SPLIT.split(v.lower())) for v in actions]
    return bool(said) and all(w & EXEMPTIONS and not w & {"deny", "block", "drop"} for w in said)


def _steps(path: str) -> list[tuple[str, int | None]]:
    """`rules[1].enabled` → [("rules", 1), ("enabled", None)]."""
    found: list[tuple[str, int | None]] = []
    for part in path.split("."):
        name, _, rest = part.partition("[")
        index = int(rest.split("]", 1)[0]) if rest and rest.split("]", 1)[0].isdigit() else None
        found.append((name, index))
    return found
