"""Risk rules, identity: read AWS-style policy documents (identity, resource and trust policies) into
normalised statements, whatever their spelling (JSON text, decoded objects, `aws_iam_policy_document` blocks)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.decoding import unpercent
from tfreview.pipeline.rules.common import as_list, known

READ_PREFIXES = ("Describe", "List", "Get", "BatchGet", "Head", "Lookup", "Search", "Query", "Scan", "View")
MAX_DOCUMENT_CHARS = 1_000_000  # a policy is at most 20 KiB in AWS; anything far larger is not one


@dataclass(frozen=True)
class Statement:
    """One statement, every field a tuple of strings whatever the source spelled (string, list, block)."""

    effect: str = "Allow"
    sid: str = ""
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] = ()
    not_resources: tuple[str, ...] | None = None
    principals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    not_principals: dict[str, tuple[str, ...]] | None = None
    # operator (as written) -> condition key (lowercase) -> values
    conditions: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    @property
    def allows(self) -> bool:
        """Whether the statement grants (Effect Allow, the default)."""
        return self.effect.lower() != "deny"

    @property
    def has_principal(self) -> bool:
        """Whether this is a resource or trust policy statement (it names who)."""
        return bool(self.principals) or self.not_principals is not None

    @property
    def name(self) -> str:
        """How a message names the statement."""
        return f'statement "{self.sid}"' if self.sid else "statement"

    def key(self) -> bytes:
        """A canonical form, to tell new statements from ones already granted (Sid ignored)."""
        return orjson.dumps([self.effect.lower(), _unordered(self.actions), _unordered(self.not_actions),
                             _unordered(self.resources), _unordered(self.not_resources), self.principals,
                             self.not_principals, self.conditions], option=orjson.OPT_SORT_KEYS)


def _unordered(values: tuple[str, ...] | None) -> list[str] | None:
    return None if values is None else sorted(set(values))


def named_as_before(statements: list[Statement], before: list[Statement]) -> list[Statement]:
    """STATEMENTS, each one that grants exactly what a statement of BEFORE granted (order and Sid aside) named as
    that one was: what it allows was there already, so its verdicts read as the old ones."""
    names = {old.key(): old.sid for old in before}
    return [replace(s, sid=names[s.key()]) if s.key() in names else s for s in statements]


def narrowed_who(new: Statement, old: Statement) -> bool:
    """Whether Allow NEW is Allow OLD with its principals narrowed from everyone (`"*"`, any account) to someone:
    the same or fewer actions and resources, the same conditions. Whoever NEW names, OLD let in already."""
    everyone = "*" in old.principals.get("*", ()) or "*" in old.principals.get("AWS", ())
    if not (new.allows and old.allows and everyone and new.has_principal and new.not_principals is None
            and old.not_principals is None and new.conditions == old.conditions):
        return False
    return _reaches(replace(old, principals=new.principals), new)


def denies_at_least(new: Statement, old: Statement) -> bool:
    """Whether Deny NEW blocks everything Deny OLD blocked: the same statement but for its conditions, where each
    negated test (`StringNotEquals` an allow-list of regions) lists fewer values and each plain test more."""
    if new.allows or old.allows or new.conditions.keys() != old.conditions.keys() or not _reaches(new, old):
        return False
    for operator, tests in old.conditions.items():
        if tests.keys() != new.conditions[operator].keys():
            return False
        negated = "not" in operator.lower()
        for variable, values in tests.items():
            kept, was = set(new.conditions[operator][variable]), set(values)
            if not (kept <= was if negated else kept >= was):
                return False
    return True


def _reaches(new: Statement, old: Statement) -> bool:
    """Whether NEW names every action and resource OLD named (a Deny's list grown, `s3:Delete*` for
    `s3:DeleteBucket`) for the same principals. Statements written with NotAction or NotResource must match as
    written: what they leave out is not read here."""
    if None not in (new.not_actions, old.not_actions, new.not_resources, old.not_resources) or \
            (new.not_actions, new.not_resources) != (old.not_actions, old.not_resources):
        return replace(new, conditions={}, sid="").key() == replace(old, conditions={}, sid="").key()
    return new.principals == old.principals and new.not_principals == old.not_principals \
        and all(any(matches(n, a) for n in new.actions) for a in old.actions) \
        and all(any(_resource_pattern(n).fullmatch(r) for n in new.resources) for r in old.resources)


@cache
def _resource_pattern(wildcard: str) -> re.Pattern[str]:
    """A resource wildcard (`*`, `?`) as a pattern; unlike actions, resource names keep their case."""
    return re.compile(re.escape(wildcard).replace(r"\*", ".*").replace(r"\?", "."), re.DOTALL)


# Verbs of actions that erase, shorten or unguard what a resource keeps (`backup:DeleteRecoveryPoint`,
# `s3:PutLifecycleConfiguration`, `kms:ScheduleKeyDeletion`, `cloudtrail:StopLogging`, `s3:PutBucketPolicy`).
ERASING = lazy_compile(r"^(?:[\w-]+:)?(?:\*|delete|remove|purge|destroy|schedule\w*deletion|update\w*lifecycle"
                       r"|put\w*lifecycle|put\w*retention|bypass\w*retention|put\w*policy|stop\w*logging"
                       r"|disable|detach|deactivate|leave)", re.IGNORECASE)


def erasing_actions(statement: Statement) -> list[str]:
    """The actions a statement names that erase, shorten or unguard what a resource keeps."""
    return [a for a in statement.actions if ERASING.match(a)]


def exempted(new: Statement, old: Statement) -> tuple[str, ...] | None:
    """The values Deny NEW newly exempts where it is Deny OLD but for negated tests (`StringNotEquals` a list of
    regions) that list more specific values: the guardrail still stands, narrowed to let those through. None when
    NEW differs otherwise, drops a test, or exempts a wildcard (a pattern that lets anything through)."""
    if new.allows or old.allows or new.conditions.keys() != old.conditions.keys() or \
            replace(new, conditions={}, sid="").key() != replace(old, conditions={}, sid="").key():
        return None
    added: list[str] = []
    for operator, tests in old.conditions.items():
        negated = "not" in operator.lower()
        if tests.keys() != new.conditions[operator].keys():
            return None
        for variable, values in tests.items():
            kept, was = set(new.conditions[operator][variable]), set(values)
            if kept == was:
                continue
            if not negated or not kept > was or any("*" in v or "?" in v or not v for v in kept - was):
                return None
            added += sorted(kept - was)
    return tuple(added) or None


def voided(new: Statement, old: Statement) -> tuple[str, ...] | None:
    """The wildcard values Deny NEW's negated tests newly exempt where it is Deny OLD otherwise (`StringNotLike`
    gaining `…:role/*`): the statement still reads as a guardrail, but every principal or value the pattern matches
    walks through it. None when NEW differs otherwise or exempts no wildcard."""
    if new.allows or old.allows or new.conditions.keys() != old.conditions.keys() or \
            replace(new, conditions={}, sid="").key() != replace(old, conditions={}, sid="").key():
        return None
    wild: list[str] = []
    for operator, tests in old.conditions.items():
        if tests.keys() != new.conditions[operator].keys():
            return None
        for variable, values in tests.items():
            kept, was = set(new.conditions[operator][variable]), set(values)
            if kept == was:
                continue
            if "not" not in operator.lower() or not kept > was:
                return None
            wild += sorted(v for v in kept - was if "*" in v or "?" in v or not v)
    return tuple(wild) or None


def decode(document: Any) -> Any:
    """A policy document as an object: JSON text parsed, unknown/masked/unreadable text → None."""
    if isinstance(document, str):
        text = unpercent(document).strip()
        if not known(document) or not text.startswith("{") or len(text) > MAX_DOCUMENT_CHARS:
            return None
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            return None
    return document


def is_document(value: Any) -> bool:
    """Whether a decoded value is shaped like a policy document ({"Statement": ...})."""
    return isinstance(value, dict) and isinstance(value.get("Statement"), (dict, list))


def parse(document: Any) -> list[Statement]:
    """The normalised statements of a policy document (JSON text or object); [] when unreadable."""
    value = decode(document)
    if not is_document(value):
        return []
    return [from_json(s) for s in as_list(value["Statement"]) if isinstance(s, dict)]


def from_json(raw: dict[str, Any]) -> Statement:
    """Normalise one statement of JSON policy grammar."""
    not_principal = raw.get("NotPrincipal")
    return Statement(
        effect=str(raw.get("Effect") or "Allow"), sid=str(raw.get("Sid") or ""),
        actions=_strings(raw.get("Action")),
        not_actions=_strings(raw["NotAction"]) if "NotAction" in raw else None,
        resources=_strings(raw.get("Resource")),
        not_resources=_strings(raw["NotResource"]) if "NotResource" in raw else None,
        principals=_principal_map(raw.get("Principal")),
        not_principals=_principal_map(not_principal) if not_principal is not None else None,
        conditions=_condition_map(raw.get("Condition")),
    )


def from_block(block: dict[str, Any]) -> Statement:
    """Normalise one `statement` block of `data.aws_iam_policy_document` (planned values or configuration)."""
    not_principals = _principal_blocks(block.get("not_principals"))
    conditions: dict[str, dict[str, tuple[str, ...]]] = {}
    for item in as_list(block.get("condition")):
        if isinstance(item, dict) and isinstance(item.get("test"), str) and isinstance(item.get("variable"), str):
            conditions.setdefault(item["test"], {})[item["variable"].lower()] = _strings(item.get("values"))
    return Statement(
        effect=str(block.get("effect") or "Allow"), sid=str(block.get("sid") or ""),
        actions=_strings(block.get("actions")),
        not_actions=_strings(block.get("not_actions")) if block.get("not_actions") else None,
        resources=_strings(block.get("resources")),
        not_resources=_strings(block.get("not_resources")) if block.get("not_resources") else None,
        principals=_principal_blocks(block.get("principals")),
        not_principals=not_principals or None,
        conditions=conditions,
    )


def _principal_map(value: Any) -> dict[str, tuple[str, ...]]:
    if isinstance(value, str):
        return {"*": (value,)} if value == "*" else {"AWS": (value,)}
    if isinstance(value, list):  # a bare list (OSS, COS bucket policies: `"Principal": ["*"]`), read item by item
        found: dict[str, tuple[str, ...]] = {}
        for kind, ids in (pair for item in value for pair in _principal_map(item).items()):
            found[kind] = found.get(kind, ()) + ids
        return found
    if not isinstance(value, dict):
        return {}
    return {str(kind): _strings(ids) for kind, ids in value.items()}


def _principal_blocks(value: Any) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for item in as_list(value):
        if isinstance(item, dict) and isinstance(item.get("type"), str):
            found[item["type"]] = found.get(item["type"], ()) + _strings(item.get("identifiers"))
    return found


def _condition_map(value: Any) -> dict[str, dict[str, tuple[str, ...]]]:
    if not isinstance(value, dict):
        return {}
    return {str(op): {str(k).lower(): _strings(v) for k, v in block.items()}
            for op, block in value.items() if isinstance(block, dict)}


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in as_list(value) if isinstance(v, (str, int, float)) and not isinstance(v, bool))


@cache
def _pattern(text: str) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text.lower())
    return re.compile(body + r"\Z")


def matches(pattern: str, action: str) -> bool:
    """Whether an IAM action pattern (`s3:Get*`, `*`) covers an action; case-insensitive like IAM."""
    return _pattern(pattern).match(action.lower()) is not None


def grants_action(statement: Statement, action: str) -> bool:
    """Whether the statement's Action (or NotAction) covers ACTION."""
    if statement.not_actions is not None:
        return not any(matches(p, action) for p in statement.not_actions)
    return any(matches(p, action) for p in statement.actions)


# --- the functions rule modules used before Statement existed; raw JSON statements in, as before ----------


def statements(document: Any) -> list[dict[str, Any]]:
    """The raw statements of a policy given as JSON text or an object; [] when unreadable or unknown."""
    value = decode(document)
    if not is_document(value):
        return []
    return [s for s in as_list(value["Statement"]) if isinstance(s, dict)]


def new_statements(before: Any, after: Any) -> list[dict[str, Any]]:
    """Allow statements of AFTER that BEFORE did not have (so an unchanged grant is not news)."""
    old = {from_json(s).key() for s in statements(before)}
    return [s for s in statements(after) if from_json(s).allows and from_json(s).key() not in old]


def label(statement: dict[str, Any]) -> str:
    """How a message names a raw statement."""
    return from_json(statement).name


def actions(statement: dict[str, Any]) -> tuple[str, ...]:
    """The actions a raw statement lists."""
    return _strings(statement.get("Action"))


def wildcard_actions(statement: dict[str, Any]) -> list[str]:
    """Actions that grant a whole service or everything: "*", "*:*", "s3:*"."""
    return [a for a in _strings(statement.get("Action")) if a == "*" or a.endswith(":*")]


def wildcard_resource(statement: dict[str, Any]) -> bool:
    """Whether the statement applies to every resource."""
    return "*" in _strings(statement.get("Resource"))


def read_only(statement: dict[str, Any]) -> bool:
    """Whether every action only reads (Describe*, List*, Get*, ...)."""
    actions = _strings(statement.get("Action"))
    return bool(actions) and all(a.partition(":")[2].startswith(READ_PREFIXES) for a in actions)


def principals(statement: dict[str, Any]) -> dict[str, list[str]]:
    """Principal as {kind: [values]}; a bare "*" is {"*": ["*"]}."""
    return {kind: list(ids) for kind, ids in _principal_map(statement.get("Principal")).items()}


def public_principal(statement: dict[str, Any]) -> bool:
    """Whether anyone at all is the principal: "*", {"AWS": "*"}, or an allow to everyone but those a NotPrincipal
    names (every other principal of every account)."""
    found = principals(statement)
    return "*" in found.get("*", []) or "*" in found.get("AWS", []) \
        or (statement.get("NotPrincipal") is not None and str(statement.get("Effect", "")).lower() == "allow")


def conditions(statement: dict[str, Any]) -> list[str]:
    """The condition keys of a statement, e.g. ["token.actions.githubusercontent.com:sub"]."""
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return []
    return [key for block in condition.values() if isinstance(block, dict) for key in block]
