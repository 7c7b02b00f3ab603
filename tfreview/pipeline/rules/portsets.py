"""Risk rules, lifecycle helper: a set of port rules (an instance's public ports, a firewall's rule blocks) replaced
only because the sources some rules admit narrow — in each changed rule, every new source lies inside an old one,
and a rule that admitted the whole internet admits any narrower source (a CIDR, an alias, a prefix list); ports,
protocols and the other rules stay as they were. ladders.py grades replaces with it."""

from __future__ import annotations

import re

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.narrowing import RESTRICTING
from tfreview.pipeline.rules.subranges import SOURCE_KEYS, covers
from tfreview.pipeline.rules.tightened import COMPUTED
from tfreview.pipeline.rules.values import WORLD_WORDS, leaves, pairs

# Named groups of sources (Lightsail's `cidr_list_aliases`, AWS prefix lists, security groups as sources).
ALIAS_KEYS = lazy_compile(r"(?:^|_)(?:aliases|cidr_list_aliases|prefix_list_ids?|source_security_group_ids?"
                          r"|source_tags|source_service_accounts)$")


def _source(key: str) -> bool:
    return bool(SOURCE_KEYS.search(key) or ALIAS_KEYS.search(key) or key.startswith("ipv6_cidr"))


def _sources(flat: dict[str, object], block: str) -> list[str]:
    """Every source text a rule block (by path) admits."""
    found: list[str] = []
    for path, value in flat.items():
        parent, _, key = path.rpartition(".")
        if parent == block and _source(key):
            found += [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and v.strip()]
    return found


NAMING = lazy_compile(r"^(?:\w*_)?(?:name|id|arn|region|zone|location|project)$")


def only_rules(before: dict[str, object]) -> bool:
    """Whether an object holds nothing but rule blocks that name sources, and the names of what they guard: a data
    holder (`looks_stateful` reads an instance's ports as an instance) has settings of its own."""
    rules = [value for key, value in before.items() if not NAMING.match(key) and key not in COMPUTED]
    return bool(rules) and all(isinstance(value, list) and value and all(
        isinstance(block, dict) and any(_source(k) for k in block) for block in value) for value in rules)


def sources_narrowed(change: Change) -> str | None:
    """Why replacing a set of rule blocks loses nothing, or None: only source keys inside blocks change, and each
    changed block admits no source its old self did not cover."""
    if change.action is not Action.REPLACE or not isinstance(change.before, dict) \
            or not isinstance(change.after, dict) or not only_rules(change.before) or RESTRICTING.search(change.type) \
            or any(RESTRICTING.search(text) for text in string_leaves([change.before, change.after])):
        return None
    blocks: set[str] = set()
    for path, _old, value in pairs(change):
        parent, _, key = path.rpartition(".")
        if re.split(r"[.\[]", path, maxsplit=1)[0] in COMPUTED and (value is None or value is UNKNOWN):
            continue
        if not parent or not parent.endswith("]") or not _source(key):
            return None
        blocks.add(parent)
    if not blocks:
        return None
    old, new = dict(leaves(change.before)), dict(leaves(change.after))
    for block in blocks:
        was, now = _sources(old, block), _sources(new, block)
        if not was or not all(any(o.strip().lower() in WORLD_WORDS or covers(o, n) for o in was) for n in now):
            return None
    return "only the sources of its rules narrow (each new source lies inside an old one): the re-made set admits less"
