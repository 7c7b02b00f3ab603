"""Risk rules, identity: rule-style ACL policies held as text (Consul/Nomad style `acl = "write"`,
`namespace "*" { policy = "write" }`), anonymous identities given rights, tokens made management tokens, and
signing roles allowed any name — read for what they grant, on any provider."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.capabilities import braced_block, strip_comments
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.judge import ESCALATES, WILDCARD

ADMIN = ESCALATES  # what lets its holder grant itself everything
ANY_NAME = WILDCARD  # a signing role that covers every name

POLICY_KEY = lazy_compile(r"(?:^|_)(?:polic(?:y|ies)|hcl|rules?)$")
TOP_GRANT = lazy_compile(r'(?:^|[\s;{}])(acl|operator|keyring|management)\s*=\s*"?(\w+)"?')
BLOCK = lazy_compile(r'(?:^|[\s;{}])([a-z_]+)\s*(?:"((?:[^"\\]|\\.)*)"\s*)?\{')
BLOCK_POLICY = lazy_compile(r'\bpolicy\s*=\s*"(\w+)"')
CAPS = lazy_compile(r'\bcapabilities\s*=\s*\[([^\]]*)\]')
STRONG = frozenset({"write", "manage", "management", "sudo", "admin", "true"})
WRITING = STRONG | {"create", "update", "delete", "submit-job", "alloc-exec", "*"}
ANONYMOUS = lazy_compile(r"^(?:anonymous|anon|u_anon|unauthenticated|00000000-0000-0000-0000-000000000002)$", re.I)
WHO_KEY = lazy_compile(r"^(?:id|name|token_id|accessor_id|role|role_name|principals?|principal_ids|users?|members?"
                       r"|subjects?)$")
GRANT_KEY = lazy_compile(r"grant|permission|action")
FULL_WILDCARD = lazy_compile(r"^\*$|(?:^|;)\s*actions?\s*=\s*\*\s*(?:;|$)")
MANAGEMENT = lazy_compile(r"(?:^|[-_ ])(?:global-)?management$|^(?:root|admin|administrator|superuser)$", re.I)
MAX_TEXT = 200_000
NEGATED = lazy_compile(r"(?:^|_)(?:dis|not_|deny|denied|excluded?|forbidden|blocked)")


def grants(text: str, anonymous: bool) -> set[str]:
    """What a rule-style ACL text grants that makes its holder an admin (or, when ANONYMOUS, any write)."""
    if len(text) > MAX_TEXT or ("{" not in text and "=" not in text):
        return set()
    clean = strip_comments(text)
    found: set[str] = set()
    depth_zero = _top_level(clean)
    for match in TOP_GRANT.finditer(depth_zero):
        if match.group(2).lower() in STRONG:
            found.add(f'{match.group(1)} = "{match.group(2)}"')
    for match in BLOCK.finditer(clean):
        kind, label = match.group(1), match.group(2)
        if kind == "path":
            continue  # path-capability (Vault) policies are judged in `capabilities`
        body = braced_block(clean, match.end()) or ""
        level = BLOCK_POLICY.search(body)
        caps = CAPS.search(body)
        rights = {level.group(1).lower()} if level else set()
        if caps:
            rights |= {c.strip().strip('"').lower() for c in caps.group(1).split(",") if c.strip()}
        wide = label is None or label in ("", "*") or kind in ("acl", "operator")
        shown = f'{kind} "{label}"' if label is not None else kind
        if wide and rights & STRONG:
            found.add(f"{shown} {sorted(rights & STRONG)[0]}")
        elif anonymous and rights & WRITING:
            found.add(f"{shown} {sorted(rights & WRITING)[0]}")
    return found


def _top_level(text: str) -> str:
    """TEXT with every brace block's body removed, so only top-level assignments remain."""
    out, depth = [], 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            out.append(char)
    return "".join(out)


def _anonymous(values: dict[str, Any]) -> bool:
    """Whether the identity a resource configures is the anonymous (unauthenticated) one."""
    return any(isinstance(v, str) and ANONYMOUS.match(v.strip()) for k, value in values.items() if WHO_KEY.match(k)
               for v in (value if isinstance(value, list) else [value]))


def _texts(values: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for key, value in values.items():
        if isinstance(value, str) and POLICY_KEY.search(key):
            yield key, value


def _named_policies(values: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for key, value in values.items():
        if (POLICY_KEY.search(key) or key in ("type", "role")) and not NEGATED.search(key):
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and MANAGEMENT.search(item.strip()):
                    names.append(f"{key} = {item.strip()[:60]}")
    return names


# A POLICY_KEY, a MANAGEMENT name, an ANONYMOUS identity or allow_any: each finding below needs one.
@on_change(words=(b"polic", b"hcl", b"rule", b"management", b"root", b"admin", b"superuser", b"anon",
                  b"unauthenticated", b"00000000-0000-0000-0000-000000000002", b"allow_any"))
def _acl_text(change: Change) -> Iterator[Finding]:
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    if not after:
        return
    anonymous = _anonymous(after)
    old = {g for _, text in _texts(before) for g in grants(text, anonymous)}
    for key, text in _texts(after):
        new = sorted(grants(text, anonymous) - old)
        if new:
            who = "the anonymous (unauthenticated) identity" if anonymous else "its holders"
            yield finding(ADMIN, change.address, f"{change.address}: {key} now grants {who} {', '.join(new[:3])} "
                          "— control of the ACL system or write on everything")
    token_like = "token" in change.type or "acl" in change.type or anonymous
    if token_like:
        was = set(_named_policies(before))
        added = [n for n in _named_policies(after) if n not in was]
        if added:
            who = "the anonymous (unauthenticated) token" if anonymous else "this token"
            yield finding(ADMIN, change.address, f"{change.address}: {added[0]} makes {who} a management "
                          "(full admin) credential")
    if anonymous:
        yield from _anonymous_wildcards(change.address, before, after)
    for key, value in after.items():
        if key.startswith("allow_any") and value is True and before.get(key) is not True:
            yield finding(ANY_NAME, change.address, f"{change.address}: {key} turns on — the role signs for any "
                          "name, not only its allowed domains")


def _anonymous_wildcards(address: str, before: dict[str, Any], after: dict[str, Any]) -> Iterator[Finding]:
    """Grant strings given to the anonymous identity that newly allow every action (`actions=*`, `*`)."""
    for key, value in after.items():
        if not GRANT_KEY.search(key) or not isinstance(value, list):
            continue
        was = before.get(key) if isinstance(before.get(key), list) else []
        wide = [str(v) for v in value if isinstance(v, str) and v not in (was or []) and FULL_WILDCARD.search(v)]
        if wide:
            yield finding(ADMIN, address, f"{address}: {key} gives the anonymous (unauthenticated) identity "
                          f"\"{wide[0][:80]}\" — every action to anyone")


ACL_POLICY_TYPE = lazy_compile(r"(?:^|_)(?:acl_)?polic(?:y|ies)$")
GUARDRAIL_TYPE = lazy_compile(r"sentinel|opa|organi[sz]ation|boundar|scp|guard|password|network|firewall|lifecycle")


def allow_only_policy_deleted(change: Change) -> str | None:
    """Why deleting an ACL policy held as text narrows access: every block of its text only grants (no deny),
    so whoever held it can only do less; else None."""
    before = change.before if isinstance(change.before, dict) else {}
    if not ACL_POLICY_TYPE.search(change.type) or GUARDRAIL_TYPE.search(change.type):
        return None
    texts = [text for _, text in _texts(before)]
    if len(texts) != 1 or len(texts[0]) > MAX_TEXT:
        return None
    levels = _levels(texts[0])
    if not levels or any("deny" in rights for rights in levels):
        return None
    return "an ACL policy that only grants is deleted: access narrows; check nobody still needs it"


def _levels(text: str) -> list[set[str]]:
    """The rights of each block of a path or rule-style ACL text; [] when any block states none."""
    clean = strip_comments(text)
    found: list[set[str]] = []
    for match in BLOCK.finditer(clean):
        body = braced_block(clean, match.end())
        if body is None:
            return []
        level, caps = BLOCK_POLICY.search(body), CAPS.search(body)
        if level is None and caps is None:
            return []
        rights = {level.group(1).lower()} if level else set()
        if caps:
            rights |= {c.strip().strip('"').lower() for c in caps.group(1).split(",") if c.strip()}
        found.append(rights)
    return found


# An authorizer's fallback that lets everyone in where no ACL names the resource (Kafka's
# `allow.everyone.if.no.acl.found=true`, a broker's `allow_anonymous true`), in a configuration text or as an
# attribute (`allow_everyone_if_no_acl_found`): every topic, queue or path without an explicit ACL becomes readable
# and writable by any client.
FALLBACK_OPEN = lazy_compile(r"(?im)^\s*([\w.\-]*allow[\w.\-]*(?:everyone|anyone|anonymous)[\w.\-]*)"
                             r"\s*(?:[=:]|\s)\s*[\"']?(?:true|yes|on|1)[\"']?\s*$")


def _open_fallbacks(values: dict[str, Any]) -> set[str]:
    """The settings in VALUES' texts, top-level or inside a map of files (a config map's `data`), or its own
    switches, that let everyone in where no ACL matches."""
    found: set[str] = set()
    for key, value in values.items():
        if isinstance(value, (str, dict, list)):
            found |= {m.group(1).lower() for text in string_leaves(value) if "\n" in text or text is value
                      for m in FALLBACK_OPEN.finditer(text[:MAX_TEXT])}
        elif value is True and "anonymous" not in key.lower() and FALLBACK_OPEN.match(f"{key}=true"):
            found.add(key.lower())  # an `allow_anonymous` switch is the vocabulary's (opening.py)
    return found


@on_change(words=(b"everyone", b"anyone", b"anonymous"))  # in FALLBACK_OPEN
def _open_fallback(change: Change) -> Iterator[Finding]:
    """A broker or authorizer configuration that newly allows everyone where no ACL is found."""
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    for setting in sorted(_open_fallbacks(after) - _open_fallbacks(before)):
        yield finding(WILDCARD, change.address, f"{change.address}: {setting} turns on — every resource with no "
                      "explicit ACL is open to every client, not only the principals granted it")
