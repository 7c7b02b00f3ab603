"""The security-controls engine (risk rules stage): a control names attributes by path pattern and says which
way their values weaken; applied to every update, replace and create of every resource type of every provider.

vocabulary.py holds the table. A value weakens when its strength drops (a flag turned off, a mode down its
ladder, a TLS version lowered, a count to zero). An unknown-until-apply value is never "weakened", but a control
that was strong and becomes unknown is a medium `control-unknown` finding naming it. Creates are judged only by
controls whose weak value is notable on a new resource.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.findings import RULES, Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import known, show
from tfreview.pipeline.rules.disposable import non_production
from tfreview.pipeline.rules.units import moved_within
from tfreview.pipeline.rules.values import document, leaves, number, pairs, plain, tls_version, with_settings
from tfreview.pipeline.rules.watch import WATCHES

UNSEEN = declare("control-unknown", Severity.MEDIUM,
                 "A security control (protection, encryption, logging, exposure…) becomes known only after apply, "
                 "so the plan cannot show it stays on.")

ON = {"true", "on", "enabled", "enable", "yes", "active", "required", "enforced", "strict", "1"}
OFF = {"false", "off", "disabled", "disable", "no", "inactive", "suspended", "optional", "none", "0", "paused",
       "not_enforced", "unenforced"}
MAX_DOCUMENT = 100_000  # JSON text settings longer than this are not read leaf by leaf
SKIPPED_ROOTS = ("tags", "tags_all", "effective_labels", "terraform_labels", "timeouts")
Strength = Callable[[Any], float | None]


def flag(value: Any) -> float | None:
    """1 for on-words and true, 0 for off-words, false and null; None for anything else."""
    if value is True:
        return 1
    if value is False or value is None:
        return 0
    text = str(value).strip().lower()
    if text in ON or text.endswith(("_enforce", "_enforced")):
        return 1
    return 0 if text in OFF else None


# Switch enums that also say open/close (`ssl_action` Open → Close): read only on keys that name what they switch.
OPEN = {"open", "opened"}
SHUT = {"close", "closed"}


def switch(value: Any) -> float | None:
    """1 for an on-word (enabled, true, open), 0 for an off-word (disabled, false, close); None otherwise."""
    if isinstance(value, str) and value.strip().lower() in OPEN | SHUT:
        return 1 if value.strip().lower() in OPEN else 0
    return None if value is None else flag(value)


def unswitch(value: Any) -> float | None:
    """switch turned around: a setting that opens a door is strong while it says off (or is not set)."""
    strength = switch(value) if value is not None else 0
    return None if strength is None else 1 - strength


def inverted(value: Any) -> float | None:
    """A flag whose true is the weak side (force_destroy, publicly_accessible)."""
    strength = flag(value)
    return None if strength is None else 1 - strength


def present(value: Any) -> float | None:
    """1 while a value (a key id, a list of actions) is set, 0 once it is removed; flags are not read here."""
    if isinstance(value, bool):
        return None
    return 0 if value in (None, "", [], {}) else 1


_WORDS = re.compile(r"[^a-z]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
OFF_TOKENS = {"off", "disabled", "disable", "none", "false", "no", "paused", "suspended", "inactive", "unencrypted",
              "plaintext"}


def off_word(value: Any) -> float | None:
    """0 for false or a value whose words say off (`essentially_off`, `DISABLED`, `NONE`), 1 for any other set
    value (`SSE-KMS`, `strict`, true); null is not judged."""
    if isinstance(value, bool):
        return 1 if value else 0
    if not isinstance(value, str) or not known(value) or not value.strip():
        return None
    return 0 if OFF_TOKENS & set(_WORDS.split(value.lower())) else 1


NO_AUTH_TEXT = {"none", "anonymous", "anon", "public", "unauthenticated", "noauth", "no_auth", "no-auth", "off",
                "disabled", "allow_unauthenticated", "allowanonymous"}
NO_AUTH_WORDS = {"none", "anonymous", "anon", "unauthenticated", "noauth"}


def authenticated(value: Any) -> float | None:
    """0 when an authentication mode says none/anonymous/public/off (`NONE`, `ANONYMOUS`, `authType: anonymous`),
    1 for any other set word (`oidc`, `function`, `AWS_IAM`, `all_deployments`); null is not judged."""
    if isinstance(value, bool) or not isinstance(value, str) or not known(value) or not value.strip():
        return None
    text = value.strip().lower()
    words = set(_WORDS.split(_CAMEL.sub("_", value.strip()).lower()))
    return 0 if text in NO_AUTH_TEXT or words & NO_AUTH_WORDS else 1


REQUIRED_WORDS = {"always", "required", "require", "admin", "mandatory", "enforced", "enforce", "must"}
OPTIONAL_WORDS = {"optional", "never", "none", "anonymous", "off", "disabled"}


def requirement(value: Any) -> float | None:
    """1 when a requirement's words say always/required/admin (`LOGIN_ADMIN`, `SECURE_ALWAYS`), 0 when they say
    optional/never/none (`LOGIN_OPTIONAL`, `SECURE_NEVER`); None for anything else (`SECURE_DEFAULT`)."""
    if not isinstance(value, str) or not known(value):
        return None
    words = set(_WORDS.split(_CAMEL.sub("_", value.strip()).lower()))
    if words & OPTIONAL_WORDS:
        return 0
    return 1 if words & REQUIRED_WORDS else None


OPEN_ACCESS_WORDS = {"public", "anonymous", "anyone", "everyone", "unauthenticated", "unrestricted", "allusers",
                     "world", "open"}


def access_word(value: Any) -> float | None:
    """0 when a one-word access mode says anyone may come in (`public`, `anonymous`, `allUsers`), 1 for any other
    one word (`sso`, `private`, `password`). Text longer than a word (a JSON policy) is not read here, nor a switch
    word (`enabled`: on for whoever may see its container, which the word does not say)."""
    if not isinstance(value, str) or not known(value) or not re.fullmatch(r"[\w.:-]{1,40}", value.strip()) \
            or value.strip().lower() in ON | OFF:
        return None
    words = set(_WORDS.split(_CAMEL.sub("_", value.strip()).lower()))
    return 0 if words & OPEN_ACCESS_WORDS else 1


def on_word(value: Any) -> float | None:
    """off_word turned around: a public-access setting is strong while it says off."""
    strength = off_word(value)
    return None if strength is None else 1 - strength


def absent(value: Any) -> float | None:
    """1 while nothing is set, 0 once something is (an external IP block, a public IP id attached)."""
    if isinstance(value, bool):
        return None
    return 1 if value in (None, "", [], {}) else 0 if known(value) else None


EXPOSED_WORDS = {"public", "internet", "external", "regional", "edge", "global", "everyone", "anonymous", "open",
                 "all"}
CLOSED_WORDS = {"private", "vpc", "internal", "local", "none", "disabled", "off", "closed"}


def exposure_word(value: Any) -> float | None:
    """0 when the words of a value (or any item of a list) say public/internet/external, 1 when they say
    private/vpc/internal, None otherwise; camelCase words count apart (`PublicInternetOnly`, `VpcOnly`)."""
    items = value if isinstance(value, list) else [value]
    words = [set(_WORDS.split(_CAMEL.sub("_", v).lower())) for v in items if isinstance(v, str) and known(v)]
    if any(w & EXPOSED_WORDS for w in words):
        return 0
    return 1 if words and all(w & CLOSED_WORDS for w in words) else None


def ladder(*tiers: tuple[str, ...]) -> Strength:
    """Strength by tier, strongest first; values outside the ladder are not understood."""
    rank = {word: len(tiers) - i for i, tier in enumerate(tiers) for word in tier}

    def strength(value: Any) -> float | None:
        return rank.get(str(value).strip().lower()) if isinstance(value, str) else None
    return strength


_PROTOCOL_LIST = re.compile(r"[\s,;:]+")


def tls(value: Any) -> float | None:
    """The minimum TLS version a setting allows: a list of allowed protocols, also written as one string
    ("TLSv1 TLSv1.1 TLSv1.2", nginx's ssl_protocols), is as weak as its weakest member."""
    if isinstance(value, str) and len(_PROTOCOL_LIST.split(value.strip())) > 1:
        value = [v for v in _PROTOCOL_LIST.split(value.strip()) if v]
    if isinstance(value, list):
        versions = [v for v in (tls_version(item) for item in value) if v is not None]
        return min(versions) if versions else None
    return tls_version(value)


WEAK_CIPHERS = {"all", "default", "low", "export", "null", "enull", "anull", "rc4", "des", "3des", "md5", "exp"}


# Words of an IANA suite name (`TLS_RSA_WITH_3DES_EDE_CBC_SHA`) that make it weak: broken ciphers, no cipher,
# export strength, no authentication.
WEAK_SUITE_WORDS = {"rc4", "des", "3des", "null", "export", "export40", "export1024", "anon", "md5", "rc2", "idea"}
_SUITE_WORDS = re.compile(r"[_-]+")


def ciphers(value: Any) -> float | None:
    """1 for an OpenSSL cipher string or a list of suites that names only specific strong suites, 0 when it lets
    weak ones in ("ALL", "DEFAULT", "RC4", "LOW", "EXPORT", "NULL", or an IANA name such as
    `TLS_RSA_WITH_3DES_EDE_CBC_SHA`); exclusions ("!aNULL") weaken nothing."""
    if isinstance(value, list):
        value = " ".join(item for item in value if isinstance(item, str))
    if not isinstance(value, str) or not value.strip():
        return None
    tokens = {t.lower().lstrip("+") for t in _PROTOCOL_LIST.split(value) if t and not t.startswith(("!", "-"))}
    words = {w for t in tokens for w in _SUITE_WORDS.split(t)}
    return 0 if tokens & WEAK_CIPHERS or words & WEAK_SUITE_WORDS else 1


def https_word(value: Any) -> float | None:
    """1 while a redirect goes to HTTPS, 0 once it goes elsewhere or is removed."""
    return 1 if isinstance(value, str) and value.lower() == "https" else 0 if known(value) or value is None else None


def everyone(value: Any) -> float | None:
    """0 when a share or launch permission names everyone (`all`, `*`), 1 otherwise."""
    if not isinstance(value, (str, list)):
        return None
    items = value if isinstance(value, list) else [value]
    return 0 if any(str(v).lower() in ("all", "*", "everyone", "public", "allusers") for v in items) else 1


def allow_all(value: Any) -> float | None:
    """0 when an authorizer list or mode allows every request (`AlwaysAllow`, `allow_all`), 1 for any other."""
    if not isinstance(value, (str, list)) or not value:
        return None
    items = value if isinstance(value, list) else [value]
    return 0 if any(re.sub(r"[^a-z]", "", str(v).lower()) in ("alwaysallow", "allowall") for v in items) else 1


def count(value: Any) -> float | None:
    """A number (replicas, retention days)."""
    return number(value)


def capacity(value: Any) -> float | None:
    """A limit where a negative number means unlimited (Lambda reserved concurrency -1)."""
    amount = number(value)
    return float("inf") if amount is not None and amount < 0 else amount


def public_word(value: Any) -> float | None:
    """0 for ACLs and access types that let anyone read, 1 for any other known word."""
    if not isinstance(value, str) or not known(value):
        return None
    text = value.lower().replace("_", "-")
    return 0 if "public" in text or text in ("container", "blob", "authenticated-read", "authenticatedread",
                                             "allusers", "allauthenticatedusers") else 1


@dataclass(frozen=True)
class Control:
    """Attributes whose path ends with PATH (a regex over dotted segments), on types matching TYPES."""

    rule: str
    path: str
    strength: Strength
    what: str
    types: str = ""
    create: Severity | None = None  # a create with a value below create_below is notable, at this severity
    create_below: float = 1
    above_zero: Severity | None = None  # numbers: the severity of a drop that stays above zero (None: not news)
    severity: Severity | None = None
    outside_production: Severity | None = None  # the severity on a resource whose own tags say non-production

    def weakened(self, before: Any, after: Any) -> Severity | None:
        """The severity at which BEFORE → AFTER weakens this control; None when it does not."""
        old, new = self.strength(before), self.strength(after)
        if old is None or new is None or new >= old:
            return None
        if self.strength in (count, capacity) and new > 0:
            return self.above_zero
        return self.severity or RULE_SEVERITY[self.rule]


CONTROLS: list[Control] = []
# (types, attribute names) a curated rule already reads for a rule id: the generic control stays quiet there.
COVERED: dict[str, tuple[set[str], set[str]]] = {}
RULE_SEVERITY: dict[str, Severity] = {}


def control(rule_id: str, path: str, strength: Strength, what: str, **options: Any) -> None:
    """Add a control to the vocabulary."""
    RULE_SEVERITY[rule_id] = RULES[rule_id].severity
    CONTROLS.append(Control(rule_id, path, strength, what, **options))
    _matching.cache_clear()


@cache
def _pattern(path: str) -> re.Pattern[str]:
    return re.compile(rf"(?:^|[./\-])(?:{path})\Z")


@cache
def _type_pattern(types: str) -> re.Pattern[str]:
    return re.compile(types)


_ACRONYM = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
SWITCHES = {"enabled", "enable", "is_enabled", "state", "status", "mode"}


@cache
def _matching(resource_type: str, path: str) -> tuple[Control, ...]:
    if path.startswith(SKIPPED_ROOTS) or re.search(r"(?:^|[._])value$", path.lower()):  # holds a value, no switch
        return ()
    lowered = path.lower()
    names = _names(lowered)
    # camelCase keys of JSON documents, and setting names with acronyms (`SSLPolicy`), read as snake_case
    snake = _ACRONYM.sub("_", path).lower()
    if snake != lowered:
        names += _names(snake)
    return tuple(c for c in CONTROLS if any(_pattern(c.path).search(n) for n in names)
                 and (not c.types or _type_pattern(c.types).search(resource_type)))


def _names(path: str) -> list[str]:
    """PATH, and for a generic switch (`enabled`, `state`, `evaluation_mode`…) each enclosing block with it:
    `encryption.at_rest.enabled` is also read as `encryption.enabled` and `at_rest.enabled`."""
    segments = path.split(".")
    leaf = segments[-1]
    switch = leaf in SWITCHES or leaf.endswith(("_mode", "_state", "_status"))
    if len(segments) < 2 or not switch or FREE_FORM & set(segments):
        return [path]
    return [path] + [f"{segment}.enabled" for segment in segments[:-1]]


# Maps whose keys are chosen by users (environment variables, labels): their names say nothing about a control.
FREE_FORM = {"environment", "variables", "env", "data", "labels", "annotations", "tags", "metadata"}


def _covered(rule_id: str, resource_type: str, path: str) -> bool:
    """Whether a curated rule already reports this attribute of this type for RULE_ID."""
    types, names = COVERED.get(rule_id, (set(), set()))
    return resource_type in types and plain(path).rpartition(".")[2] in names


def _watched(resource_type: str, path: str, before: Any, after: Any) -> bool:
    """Whether watch.py's curated table already reports this attribute."""
    segments = plain(path).split(".")
    return any(w.fires(resource_type, segments, before, after) for w in WATCHES.get(segments[-1], ()))


def direction(resource_type: str, path: str, before: Any, after: Any) -> int | None:
    """+1 when the controls that name PATH read AFTER as stronger than BEFORE, -1 when any reads it weaker, 0 when
    they cannot tell, None when no control names PATH."""
    found = _matching(resource_type, plain(path))
    if not found:
        return None
    moves = {(new > old) - (new < old) for item in found
             if (old := item.strength(before)) is not None and (new := item.strength(after)) is not None}
    return -1 if -1 in moves else 1 if 1 in moves else 0


def _with_documents(found: tuple[tuple[str, Any, Any], ...]) -> Iterator[tuple[str, Any, Any]]:
    """The changed leaves, and inside a setting held as JSON text (a policy, a trigger's `config`) the leaves of
    the document that change: `config.authType` "function" → "anonymous"."""
    for path, before, after in found:
        yield path, before, after
        new = document(after) if isinstance(after, str) else None
        if new is None or len(after) > MAX_DOCUMENT:
            continue
        old = dict(leaves(document(before) if isinstance(before, str) else None, path))
        for inner, value in leaves(new, path):
            if old.get(inner) != value:
                yield inner, old.get(inner), value


@on_change(actions=(Action.UPDATE, Action.REPLACE))
def _weakened(change: Change) -> Iterator[Finding]:
    if change.before == change.after and not change.after_unknown:
        return
    seen: set[tuple[str, str]] = set()
    for path, before, after in _with_documents(pairs(change)):
        for item in _matching(change.type, plain(path)):
            if (item.rule, path) in seen:
                continue
            if after != UNKNOWN and item.strength(before) is not None and item.strength(after) is not None:
                seen.add((item.rule, path))  # the most specific line that reads both values decides for its rule
            if after == UNKNOWN:
                # A replace recomputes what is not configured; only an update's unknown control is news.
                if change.action is Action.UPDATE and _strong(item, before):
                    seen.add((item.rule, path))
                    yield finding(UNSEEN, change.address,
                                  f"{change.address}: {path} was {show(before)} and is known only after apply "
                                  f"({item.what} cannot be confirmed)")
                continue
            severity = item.weakened(before, after)
            if severity is not None and item.outside_production and non_production(change):
                severity = item.outside_production
            if severity is not None and not _watched(change.type, path, before, after) \
                    and not _covered(item.rule, change.type, path) and not moved_within(change, path, before, after) \
                    and not _implicit_tls(change, path):
                seen.add((item.rule, path))
                yield finding(item.rule, change.address,
                              f"{change.address}: {path} {show(before)} → {show(after)} ({item.what})", severity)


@on_change(actions=(Action.CREATE,))
def _created_weak(change: Change) -> Iterator[Finding]:
    if not isinstance(change.after, dict):
        return
    for path, value in leaves(with_settings(change.after)):
        for item in _matching(change.type, plain(path)):
            if item.create is None or value is None or _covered(item.rule, change.type, path):
                continue
            strength = item.strength(value)
            if strength is not None and strength < item.create_below:
                yield finding(item.rule, change.address,
                              f"{change.address} is created with {path} = {show(value)} ({item.what})", item.create)
                break


STARTTLS = re.compile(r"start_?tls", re.IGNORECASE)
SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*)://", re.IGNORECASE)


def _implicit_tls(change: Change, path: str) -> bool:
    """Whether STARTTLS is turned off because a URL of the same object moves to its TLS scheme (ldap:// →
    ldaps://): the whole connection is then encrypted from the start, which is stricter."""
    if not STARTTLS.search(plain(path).rpartition(".")[2]):
        return False
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    for key, value in after.items():
        old, new = SCHEME.match(str(before.get(key) or "")), SCHEME.match(str(value or ""))
        if old and new and new[1].lower() == old[1].lower() + "s":
            return True
    return False


def _strong(item: Control, before: Any) -> bool:
    """Whether BEFORE is a set value above the control's weakest (TLS: above 1.0; a ladder: above its bottom)."""
    strength = item.strength(before) if before is not None else None
    binary = (flag, inverted, present, absent, public_word, count, capacity, https_word, everyone, off_word, on_word,
              exposure_word, authenticated, requirement, access_word)
    weakest = 1.0 if item.strength is tls else 0 if item.strength in binary else 1
    return strength is not None and strength > weakest
