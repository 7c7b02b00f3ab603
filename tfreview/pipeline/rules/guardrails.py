"""Risk rules, landing-zone guardrails: organisation-wide policies of any provider weakened — a policy effect moved
down its ladder (Deny > Audit > Disabled), an org-policy constraint opened to allow-all, an enforced perimeter
emptied, a broad exemption that never expires — and the access around them: standing admin instead of eligible,
break-glass accounts deleted, access policies bypassed for everyone, private DNS names pointed at the internet.

`relaxation_removed` tells ladders.py that deleting an exemption or an allow-all override restores the stricter
policy above it.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import as_list, known, show, sides, string_leaves
from tfreview.pipeline.rules.environments import non_production
from tfreview.pipeline.rules.grants import AZURE_ADMIN, AZURE_ADMIN_IDS
from tfreview.pipeline.rules.policy import decode
from tfreview.pipeline.rules.units import instant
from tfreview.pipeline.rules.values import leaves, plain

GUARDRAIL = declare("guardrail-relaxed", Severity.HIGH,
                    "An organisation guardrail is weakened: a policy effect moved down its ladder (Deny > Audit > "
                    "Disabled), a constraint opened to allow-all, an enforced perimeter emptied, a broad "
                    "exemption added with no near expiry, a Deny that exempts an id the plan shows nowhere else "
                    "(or everyone), or a production account, project or subscription moved under a sandbox or "
                    "development parent.")
STANDING = declare("standing-admin", Severity.HIGH,
                   "A privileged role is assigned as active and permanent (no expiry) instead of eligible or "
                   "time-bound.")
BREAK_GLASS = declare("break-glass-removed", Severity.HIGH,
                      "An emergency (break-glass) account is deleted: nobody can get in when sign-in breaks.")
BYPASS = declare("bypass-for-everyone", Severity.HIGH,
                 "An access policy skips authentication (bypass) for everyone.")
RULES_TEXT = ("A private DNS record points at a public internet address, or private DNS (a zone bound to a network, "
              "a resolver override) answers for a public domain with an outside address: the network's traffic "
              "for it leaves to another host.")
PRIVATE_DNS = declare("private-dns-public", Severity.HIGH, RULES_TEXT)

# --- policy effects -----------------------------------------------------------------------------------------------
EFFECTS = {"deny": 3, "denyaction": 3, "block": 3, "audit": 2, "auditifnotexists": 2, "deployifnotexists": 2,
           "modify": 2, "append": 2, "manual": 2, "warn": 2, "disabled": 1}
EFFECT_KEY = lazy_compile(r"(?:^|\.)\w*effect(?:\.(?:value|default_?value))?$", re.IGNORECASE)
SKIPPED = ("tags", "tags_all", "labels", "metadata")


def _decoded_leaves(values: dict[str, Any]) -> dict[str, Any]:
    """Leaves of VALUES, with JSON text (policy parameters) read as the object it holds."""
    found: dict[str, Any] = {}
    for path, value in leaves({k: v for k, v in values.items() if k not in SKIPPED}):
        inner = decode(value) if isinstance(value, str) and value.lstrip().startswith("{") else None
        if isinstance(inner, dict):
            found.update((f"{path}.{p}", v) for p, v in leaves(inner))
        else:
            found[plain(path)] = value
    return found


def _effect(value: Any) -> int | None:
    return EFFECTS.get(value.strip().lower()) if isinstance(value, str) else None


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"effect",))
def _effects(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    old, new = _decoded_leaves(before), _decoded_leaves(after)
    for path, value in new.items():
        strength, was = _effect(value), _effect(old.get(path))
        if EFFECT_KEY.search(path) and strength is not None and was is not None and strength < was:
            yield finding(GUARDRAIL, change.address, f"{change.address}: policy effect {path} {show(old[path])} → "
                          f"{show(value)}: what it denied is only reported or not checked at all")


# --- org-policy constraints opened to everything ------------------------------------------------------------------
POLICY_TYPES = lazy_compile(r"polic|constraint|guardrail")
ALLOW_ALL = lazy_compile(r"(?:^|\.)allow_?all$|(?:^|\.)allow(?:ed)?(?:_values)?\.all$", re.IGNORECASE)
TRUE = {"true", "yes", "1"}
DENY_ALL = lazy_compile(r"(?:^|\.)deny_?all$|(?:^|\.)deny(?:_values)?\.all$", re.IGNORECASE)
DENIES = lazy_compile(r"(?:^|\.)(?:deny_?all|deny\.all|enforced?)$", re.IGNORECASE)


def _true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in TRUE)


def allows_all(values: dict[str, Any]) -> list[str]:
    """Paths of VALUES that open a constraint to every value (`allow_all = TRUE`, `allow { all = true }`)."""
    return [path for path, value in leaves(values) if ALLOW_ALL.search(plain(path)) and _true(value)]


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"all",), type_pattern=POLICY_TYPES)
def _opened(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    was = {plain(p) for p in allows_all(before)}
    for path in allows_all(after):
        if plain(path) not in was:
            yield finding(GUARDRAIL, change.address, f"{change.address}: {path} is true: the constraint allows "
                          "every value, the organisation's restriction no longer applies here")
            return
    denied = {plain(p) for p, v in leaves(after) if DENY_ALL.search(plain(p)) and _true(v)}
    for path, value in leaves(before):
        if DENY_ALL.search(plain(path)) and "dry_run" not in path and _true(value) and plain(path) not in denied:
            yield finding(GUARDRAIL, change.address, f"{change.address}: {path} is no longer true: the constraint "
                          "stops denying every value (a dry-run copy only reports)")
            return


# --- perimeters whose enforced configuration is emptied -----------------------------------------------------------
PERIMETER = lazy_compile(r"perimeter|fence")
ENFORCED_BLOCK = lazy_compile(r"^(?:status|enforced\w*)$")
GUARDED_LISTS = lazy_compile(r"resources|restricted_services|projects|members")


def _guarded(block: Any) -> dict[str, int]:
    return {k: len(as_list(v)) for item in as_list(block) if isinstance(item, dict)
            for k, v in item.items() if GUARDED_LISTS.fullmatch(k)}


@on_change(actions=(Action.UPDATE,), type_pattern=PERIMETER)
def _perimeter(change: Change) -> Iterator[Finding]:
    if not PERIMETER.search(change.type):
        return
    before, after = sides(change)
    for key, block in before.items():
        if not ENFORCED_BLOCK.match(key) or after.get(key) == block or not known(after.get(key)):
            continue
        old, new = _guarded(block), _guarded(after.get(key))
        emptied = sorted(k for k, n in old.items() if n and not new.get(k))
        if emptied:
            yield finding(GUARDRAIL, change.address, f"{change.address}: the enforced {key} no longer lists "
                          f"{', '.join(emptied)}: the perimeter stops protecting them (a dry-run spec only reports)")


# --- exemptions -----------------------------------------------------------------------------------------------------
# An exemption by any name: a waiver, an exception, or a scope excluded from a policy or policy set (a workspace
# taken out of an org's policy set is exempt from every policy in it). Not a log or scan exclusion: no policy.
EXEMPTION = lazy_compile(r"exemption|waiver|exception|polic(?:y|ies)(?:_sets?)?_exclusion|exclusion_from_polic")
NARROW_SCOPE = lazy_compile(r"/resourcegroups/|resource_group|(?:^|_)resource_polic")
EXPIRY = lazy_compile(r"expir\w*|\w*end_(?:date|time)\w*|valid_until|not_after")
FAR = timedelta(days=366)


def _expiry(values: dict[str, Any]) -> tuple[bool, datetime | None]:
    """(whether an expiry attribute exists, its time when readable)."""
    for key, value in values.items():
        if EXPIRY.fullmatch(key):
            return True, instant(value)
    return False, None


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), type_pattern=EXEMPTION)
def _exempted(change: Change) -> Iterator[Finding]:
    if not EXEMPTION.search(change.type) or NARROW_SCOPE.search(change.type) or non_production(change):
        return
    before, after = sides(change)
    scopes = [v for k, v in after.items() if (k.endswith("_id") or k == "scope") and isinstance(v, str)
              and "assignment" not in k and "definition" not in k]
    if any(NARROW_SCOPE.search(s.lower()) for s in scopes):
        return
    has, until = _expiry(after)
    if has and until is not None and until - datetime.now(UTC) <= FAR:
        return
    if change.action is Action.UPDATE and _expiry(before) == (has, until):
        return
    when = "never expires" if until is None else f"expires only {until.date().isoformat()}"
    yield finding(GUARDRAIL, change.address, f"{change.address}: an exemption at a broad scope "
                  f"({', '.join(scopes) or 'not a resource group'}) {when}: the guardrail stops applying there")


def relaxation_removed(change: Change) -> str | None:
    """Why deleting this exemption or allow-all policy override only restores the stricter policy above it."""
    before = change.before if isinstance(change.before, dict) else {}
    if EXEMPTION.search(change.type):
        return "an exemption removed: the policy it waived applies again"
    if POLICY_TYPES.search(change.type) and allows_all(before) and not any(
            DENIES.search(plain(path)) and _true(value) for path, value in leaves(before)):
        return "an override that allowed everything removed: the stricter inherited policy applies again"
    return None


# --- standing admin -------------------------------------------------------------------------------------------------
ACTIVE = lazy_compile(r"(?:^|_)(?:active|permanent|standing)(?:_|$)")
ADMIN_ROLE = lazy_compile(r"owner|admin|administrator|root|superuser", re.IGNORECASE)
END_KEY = lazy_compile(r"(?:^|_)end(?:_|$)|duration|expir|until")
NO_END = {"noexpiration", "no_expiration", "permanent", "never", "none"}


def _endless(values: dict[str, Any]) -> bool:
    """Whether a schedule sets no end: no end time, durations zero or unset, or an expiry type that says never."""
    for path, value in leaves(values):
        key = plain(path).rsplit(".", 1)[-1].lower()
        if END_KEY.search(key) and known(value) and value not in (0, "", []):
            if isinstance(value, str) and value.strip().lower().replace(" ", "") in NO_END:
                continue
            if value is False:
                continue
            return False
    return True


@on_change(actions=(Action.CREATE, Action.REPLACE), type_pattern=ACTIVE)
def _standing(change: Change) -> Iterator[Finding]:
    if not ACTIVE.search(change.type) or "assign" not in change.type:
        return
    _, after = sides(change)
    roles = [str(v) for k, v in after.items() if "role" in k and isinstance(v, str)]
    names = [AZURE_ADMIN_IDS.get(r.rsplit("/", 1)[-1], r) for r in roles]
    admin = [n for n in names if (n in AZURE_ADMIN and n != "Contributor") or ADMIN_ROLE.search(n.rsplit("/", 1)[-1])]
    if admin and _endless({k: v for k, v in after.items() if "role" not in k}):
        yield finding(STANDING, change.address, f"{change.address}: {admin[0]} is assigned active with no expiry: "
                      "standing admin instead of just-in-time activation")


# --- break-glass accounts -------------------------------------------------------------------------------------------
EMERGENCY = lazy_compile(r"break[-_ ]?glass|emergency[-_ ]?(?:access|admin|account)", re.IGNORECASE)
# Types that are a sign-in identity (a user, an account, a principal), not an alert or a policy about one.
IDENTITY = lazy_compile(r"user|account|principal|identity|member|login|admin|operator|person")


@on_change(actions=(Action.DELETE,))
def _break_glass(change: Change) -> Iterator[Finding]:
    before = change.before if isinstance(change.before, dict) else {}
    if POLICY_TYPES.search(change.type) or not IDENTITY.search(change.type):
        return
    if not (EMERGENCY.search(change.type.replace("_", " ")) or any(EMERGENCY.search(s) for s in string_leaves(before))):
        return
    yield finding(BREAK_GLASS, change.address, f"{change.address}: an emergency (break-glass) account is deleted: "
                  "keep one that works before removing it")


# --- access bypass for everyone -------------------------------------------------------------------------------------
BYPASS_WORDS = {"bypass", "non_identity", "skip"}
DECISION = lazy_compile(r"decision|action|mode")
WORLD = {"everyone", "0.0.0.0/0", "::/0", "*", "all"}


def _selects(flag: Any) -> bool:
    """Whether an `everyone` selector is set: true, or present as a block (`everyone = {}`); false or empty is not."""
    return flag is True or isinstance(flag, dict) or (isinstance(flag, list) and bool(flag)) or (
        isinstance(flag, str) and flag.strip().lower() == "true")


def _everyone(value: Any) -> bool:
    """Whether a value names everyone: a set `everyone` key, or a member such as `everyone`, `*` or 0.0.0.0/0."""
    if isinstance(value, dict):
        return any((str(k).lower() == "everyone" and _selects(v)) or _everyone(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_everyone(item) for item in value)
    return isinstance(value, str) and value.strip().lower() in WORLD


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=tuple(w.encode() for w in BYPASS_WORDS))
def _bypass(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    for key, value in after.items():
        word = value.strip().lower() if isinstance(value, str) else ""
        if word in BYPASS_WORDS and DECISION.fullmatch(key) and before.get(key) != value \
                and _everyone({k: v for k, v in after.items() if k.startswith("include")}):
            yield finding(BYPASS, change.address, f"{change.address}: {key} {show(before.get(key))} → {show(value)} "
                          "for everyone: anyone reaches it without signing in")


# --- private DNS names pointing out -------------------------------------------------------------------------------
PRIVATE_ZONE = lazy_compile(r"private_dns|private_zone|privatelink")


def _public(text: Any) -> bool:
    try:
        return isinstance(text, str) and ipaddress.ip_address(text.strip()).is_global
    except ValueError:
        return False


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"record",))  # in its type
def _private_dns(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    zone = str(after.get("zone_name") or "")
    if "record" not in change.type or not (PRIVATE_ZONE.search(change.type) or zone.lower().startswith("privatelink.")):
        return
    old = set(string_leaves(before))
    public = [s for s in string_leaves({k: v for k, v in after.items() if k not in SKIPPED})
              if s not in old and _public(s)]
    if public:
        yield finding(PRIVATE_DNS, change.address, f"{change.address}: a private DNS name now resolves to public "
                      f"address {public[0]}: traffic meant for a private endpoint goes to the internet")
