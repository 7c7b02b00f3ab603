"""Risk rules, identity: judge what an identity policy document allows — wildcards, NotAction,
privilege-escalation sets (feeds `iam-wildcard` and `iam-escalation` through iam.py). Who a policy lets in
(everyone, other accounts, federated identities without a subject) is principals.py's."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.actions import (
    ESCALATION,
    PRIVILEGED_ROLE,
    REWRITES_RIGHTS,
    ROUTINE,
    SENSITIVE_SERVICES,
    TELEMETRY_SERVICES,
    is_destructive,
    is_permission,
    is_read,
    privileged_role,
    service,
    verb,
)
from tfreview.pipeline.rules.policy import Statement, grants_action

WILDCARD = "iam-wildcard"
ESCALATES = "iam-escalation"
PUBLIC = "iam-public-member"
TRUST = "iam-open-trust"

BROAD_ARN = lazy_compile(r"^(?:[A-Za-z0-9_-]+[/:])?\*(?:/\*)?$")
# Actions the escalation catalogue names: reported as iam-escalation, not as plain writes.
ESCALATION_ACTIONS = frozenset(a.lower() for method in ESCALATION for a in method.actions)


# Services whose every action stays within the stores a statement names: no code runs and no identity is passed.
DATA_SERVICES = frozenset({"s3", "dynamodb", "sqs", "sns", "kinesis", "firehose", "logs", "glacier"})


def _named_resources(statement: Statement) -> bool:
    """Whether every resource is one named store (an S3 bucket and its objects, `bucket/*`, count as one)."""
    def named(resource: str) -> bool:
        parts = resource.split(":", 5)
        tail = parts[5] if len(parts) == 6 else ""
        head = tail.split("/", 1)[0] if parts[2:3] == ["s3"] else tail
        return resource.startswith("arn:") and bool(head) and "*" not in head and "?" not in head
    return bool(statement.resources) and all(named(r) for r in statement.resources)


def _object_paths_only(statement: Statement) -> bool:
    """Whether every resource is a path of objects under a prefix inside one named bucket (`bucket/renders/*`): S3
    applies only object actions there, never the bucket's own policy, ACL, lifecycle or deletion. The bucket's whole
    contents (`bucket/*`) or the bucket itself are more than a prefix."""
    def under_prefix(resource: str) -> bool:
        parts = resource.split(":", 5)
        tail = parts[5] if len(parts) == 6 and parts[2] == "s3" else ""
        bucket, _, path = tail.partition("/")
        prefix = path.split("*", 1)[0]
        return bool(bucket) and not any(c in bucket for c in "*?") and len(prefix.strip("/")) >= 1
    return bool(statement.resources) and all(under_prefix(r) for r in statement.resources)


@dataclass(frozen=True)
class Verdict:
    """One thing a document allows that a reviewer must see; TEXT names the statement but not the resource."""

    rule: str
    severity: Severity
    text: str


def broad(statement: Statement) -> bool:
    """Whether the statement reaches every resource of its services (Resource "*", "…:role/*", NotResource)."""
    if statement.not_resources is not None:
        return True
    return any(_broad_resource(r) for r in statement.resources)


def _broad_resource(resource: str) -> bool:
    if resource == "*":
        return True
    if not resource.startswith("arn:"):
        return False
    parts = resource.split(":", 5)
    tail = parts[5] if len(parts) == 6 else ""
    if parts[2:3] == ["s3"]:  # arn:aws:s3:::bucket/key — "bucket/*" is one bucket's objects
        return tail.startswith("*")
    return bool(BROAD_ARN.match(tail))


def _scope(statement: Statement) -> str:
    if statement.not_resources is not None:
        return "on every resource except NotResource"
    return 'on Resource "*"' if broad(statement) else "on its resources"


def identity(statements: list[Statement], privileged_roles: frozenset[str] = frozenset()) -> Iterator[Verdict]:
    """What identity statements (no Principal) allow that a reviewer must see; PRIVILEGED_ROLES are role names the
    plan makes admin (an AdministratorAccess attachment), so passing one is passing admin."""
    grants = [s for s in statements if s.allows and not s.has_principal]
    flagged: list[Statement] = []
    seen: set[Verdict] = set()
    for statement in grants:
        verdicts = [v for v in _identity_statement(statement) if v not in seen]
        seen.update(verdicts)
        wildcard = statement.not_actions is not None or any("*" in a or "?" in a for a in statement.actions)
        if wildcard and any(v.rule == WILDCARD and v.severity is Severity.HIGH for v in verdicts):
            flagged.append(statement)  # its escalation paths are the wildcard's: one finding says it
        yield from verdicts
    yield from _escalation(grants, flagged, privileged_roles)


def _identity_statement(statement: Statement) -> Iterator[Verdict]:
    name = statement.name
    if statement.not_actions is not None:
        yield Verdict(WILDCARD, Severity.HIGH, f"{name} allows every action except NotAction "
                      f"{', '.join(statement.not_actions[:4]) or '(none)'} {_scope(statement)} (full admin)")
        return
    everywhere = broad(statement)
    full = [a for a in statement.actions if a in ("*", "*:*")]
    if full:
        yield Verdict(WILDCARD, Severity.HIGH, f"{name} allows Action {full[0]} {_scope(statement)} (full admin)")
        return
    wild, risky, routine_only = [], [], True
    for action in statement.actions:
        if action.lower() in ROUTINE or is_read(action) or action.lower() in ESCALATION_ACTIONS:
            continue
        routine_only = False
        if "*" in action or "?" in action:
            wild.append(action)
        elif everywhere and (is_permission(action) or is_destructive(action)):
            risky.append(action)
    if wild:
        services = {service(a) for a in wild}
        whole = [a for a in wild if verb(a) == "*"]
        sensitive = services & SENSITIVE_SERVICES
        high = bool(sensitive) or (everywhere and not services <= TELEMETRY_SERVICES)
        if high and not everywhere and statement.conditions and services <= DATA_SERVICES \
                and _named_resources(statement):
            high = False  # full control of named stores, for callers a Condition scopes: shown, not held
        if high and services == {"s3"} and _object_paths_only(statement):
            high = False  # every object action under a named prefix: no bucket policy, ACL of the bucket or delete
        yield Verdict(WILDCARD, Severity.HIGH if high else Severity.MEDIUM,
                      f"{name} allows Action {', '.join(whole or wild)} {_scope(statement)}")
    elif risky:
        # A Condition (tags, regions, callers) usually scopes such writes: still worth a look, not a floor.
        severity = Severity.MEDIUM if statement.conditions else Severity.HIGH
        yield Verdict(WILDCARD, severity,
                      f"{name} allows write/permission actions {', '.join(risky[:6])} {_scope(statement)}")
    elif everywhere and not routine_only and statement.actions:
        yield Verdict(WILDCARD, Severity.MEDIUM, f'{name} allows write actions {_scope(statement)}')


def _escalation(grants: list[Statement], flagged: list[Statement], privileged_roles: frozenset[str],
                ) -> Iterator[Verdict]:
    """Escalation methods the statements grant together, unless a wildcard finding already covers them."""
    for method in ESCALATION:
        holders = [[s for s in grants if grants_action(s, a)] for a in method.actions]
        if not all(holders) or all(any(s in flagged for s in group) for group in holders):
            continue
        wide = all(any(broad(s) for s in group) for group in holders)
        if method.on_any_resource and not wide:
            continue
        passrole = holders[0] if method.actions[0] == "iam:PassRole" else []
        if passrole and all(_passed_to_service(s) or not broad(s) for s in passrole):
            wide = False
        passable = sorted({r for s in passrole for r in s.resources if privileged_role(r, privileged_roles)
                           and not (_passed_to_service(s) and _family(r, privileged_roles))})
        if all(a.lower() in REWRITES_RIGHTS for a in method.actions):
            yield Verdict(ESCALATES, Severity.HIGH, f"grants a privilege-escalation path: {method.name} (the holder "
                          "can rewrite its own or another identity's rights, whichever resource it names)")
        elif passable:
            yield Verdict(ESCALATES, Severity.HIGH, f"grants a privilege-escalation path: {method.name}, and the role "
                          f"it may pass, {', '.join(passable[:2])}, is privileged or any role (run code as it)")
        else:
            where = "" if wide else " (on named resources only)"
            yield Verdict(ESCALATES, Severity.HIGH if wide else Severity.MEDIUM,
                          f"grants a privilege-escalation path: {method.name}{where}")
    every_account = sorted({r for s in grants if s not in flagged and grants_action(s, "sts:AssumeRole")
                            for r in s.resources if _every_account(r) and privileged_role(r, privileged_roles)})
    if every_account:
        yield Verdict(ESCALATES, Severity.HIGH, f"allows sts:AssumeRole into {every_account[0]}: a privileged role "
                      "in every account (`*` in the account field), the organisation's members included")
    if any(grants_action(s, "iam:PassRole") and broad(s) and not _passed_to_service(s) and s not in flagged
           for s in grants):
        yield Verdict(ESCALATES, Severity.MEDIUM,
                      'allows iam:PassRole on any role with no iam:PassedToService condition')


def _every_account(resource: str) -> bool:
    """Whether an ARN's account field is a wildcard (`arn:aws:iam::*:role/…`): the same name in every account."""
    parts = resource.split(":", 5)
    return len(parts) == 6 and parts[0] == "arn" and ("*" in parts[4] or "?" in parts[4])


def _passed_to_service(statement: Statement) -> bool:
    return any("iam:passedtoservice" in keys for keys in statement.conditions.values())


def _family(resource: str, privileged_roles: frozenset[str]) -> bool:
    """Whether a wildcard role ARN names one family of roles (`role/lambda-exec-*`), not any role: a fixed name
    prefix, no admin word, and no role the plan makes admin among those it matches."""
    name = resource.rsplit(":role/", 1)[1] if ":role/" in resource else ""
    prefix = re.split(r"[*?]", name, maxsplit=1)[0].rsplit("/", 1)[-1]
    return len(prefix) >= 3 and not PRIVILEGED_ROLE.search(name) and \
        not any(fnmatch.fnmatchcase(role, name.rsplit("/", 1)[-1]) for role in privileged_roles)


