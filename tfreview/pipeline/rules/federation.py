"""Risk rules, identity: federated identity bindings (Vault JWT/OIDC roles, workload identity federation, OIDC
trust settings of any provider) widened — a bound claim, subject or audience turned into a wildcard or dropped
while the role still hands out policies or roles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding
from tfreview.pipeline.rules.common import mentions
from tfreview.pipeline.rules.judge import TRUST

# Attributes that say which external identities may sign in; `bound_*` is Vault's spelling, the rest any provider's.
BOUND = lazy_compile(r"^bound_(?!claims_type$)\w+$")
SUBJECT = lazy_compile(r"^(?:sub|subjects?|subject_\w+|allowed_subjects?|attribute_condition|claims_matching_expression"
                       r"|allowed_audiences?|audiences?|repository|repositories|workflow_ref)$")
# Resource types whose subject-like attributes are a federated binding (not an e-mail or certificate subject).
FEDERATED_TYPE = lazy_compile(r"jwt|oidc|federat|workload_identity|identity_pool|auth_backend|trust|saml|"
                              r"openid|identity_provider|service_account_binding")
GRANT_KEY = lazy_compile(r"polic|role|scope|permission|group")
# role_name, role_type: what it is, not what it grants
NOT_GRANT = lazy_compile(r"(?:name|type|_id|claim|ttl|backend)$")
MAX_SHOWN = 3
ADMIN = lazy_compile(r"(?:^|[^a-z])(?:admin|admins|administrator|root|owner|superuser|sudo)(?:[^a-z]|$)", re.IGNORECASE)


def changed(change: Change) -> Iterator[Finding]:
    """A finding when CHANGE widens a federated binding that still grants."""
    for reason in widened(change):
        yield finding(TRUST, change.address, f"{change.address}: widens which federated identities may sign in as it "
                      f"({reason}) while it still grants its policies or roles", Severity.HIGH)


def widened(change: Change) -> Iterator[str]:
    """Why CHANGE widens who may sign in as its identity (nothing when it narrows, adds a binding or grants none)."""
    if change.action not in (Action.CREATE, Action.UPDATE, Action.REPLACE):
        return
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    federated = bool(FEDERATED_TYPE.search(change.type))
    keys = [k for k in {*before, *after} if BOUND.match(k) or (federated and SUBJECT.match(k))]
    if not keys or not _grants(after):
        return
    reasons: list[str] = []
    shared = _shared_issuer(after)
    for key in sorted(keys):
        old, new = before.get(key), after.get(key)
        if change.action is Action.CREATE or not before:
            reasons += [f'{key} "{v[:80]}" matches any owner' for v in _values(new, after, key)
                        if _open(v) or (shared and _ownerless(v))]
        elif isinstance(old, dict) and old:
            new_claims = new if isinstance(new, dict) else {}
            lost = sorted(str(k)[:80] for k in old if _empty(new_claims.get(k)) and not _implied(old[k], new_claims))
            if lost:
                reasons.append(f"{key} drops {', '.join(lost[:MAX_SHOWN])}")
            for claim, value in new_claims.items():
                was = _flat(old.get(claim))
                reasons += [f'{key}.{str(claim)[:80]} "{v[:80]}" (was {_show(was)})' for v in _flat(value)
                            if _wider(v, was, before, after, key)]
        elif not _empty(old) and _empty(new):
            reasons.append(f"{key} removed (was {_show(_flat(old))})")
        else:
            was = _flat(old)
            reasons += [f'{key} "{v[:80]}" (was {_show(was)})' for v in _flat(new)
                        if _wider(v, was, before, after, key) or (_vacuous(v) and not any(map(_vacuous, was)))
                        or (_open_prefix(v) and not any(map(_open_prefix, was)))
                        or (shared and _ownerless(v) and any(_owner_tested(w) for w in was))]
    if not reasons and _admin(after):
        reasons += [f'{key} "{v[:80]}" is a wildcard and it grants an admin policy' for key in sorted(keys)
                    for v in _values(after.get(key), after, key)
                    if _wild(v) and v not in _values(before.get(key), before, key)]
    if reasons:
        yield "; ".join(reasons[:MAX_SHOWN])


def _implied(dropped: Any, claims: dict[str, Any]) -> bool:
    """Whether every value of a dropped claim is held by a claim that stays, as a whole segment of it without a
    wildcard: `repository_owner = acme-corp` dropped beside `repository = acme-corp/payments` (or a `sub` of
    `repo:acme-corp/payments:…`) names the same owner, more narrowly."""
    kept = [v for value in claims.values() for v in _flat(value) if "*" not in v and "?" not in v]
    values = _flat(dropped)
    return bool(values) and all(
        "*" not in old and any(re.search(rf"(?:^|[:/]){re.escape(old)}[/:]", v) for v in kept) for old in values)


def _grants(after: dict[str, Any]) -> bool:
    """Whether the binding still hands something out (policies, roles…); True when it names no such attribute."""
    found = [v for k, v in after.items() if GRANT_KEY.search(k) and not BOUND.match(k) and not NOT_GRANT.search(k)]
    return not found or any(not _empty(v) for v in found)


def _admin(after: dict[str, Any]) -> bool:
    """Whether the binding hands out an admin, root or owner policy or role (by its name)."""
    found = [v for k, v in after.items() if GRANT_KEY.search(k) and not BOUND.match(k) and not NOT_GRANT.search(k)]
    return any(ADMIN.search(text) for value in found for text in _flat(value))


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _flat(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if v is not None and not isinstance(v, (dict, list))]
    if isinstance(value, str):
        return [p.strip() for p in value.split(",")] if "," in value and "*" in value else [value]
    return [] if value is None or isinstance(value, dict) else [str(value)]


def _values(value: Any, side: dict[str, Any], key: str) -> list[str]:
    if isinstance(value, dict):
        return [v for item in value.values() for v in _flat(item) if _globs(side, key)]
    return _flat(value)


def _globs(side: dict[str, Any], key: str) -> bool:
    """Whether "*" is a wildcard in KEY's values (Vault's bound_claims only when bound_claims_type is glob)."""
    return key != "bound_claims" or str(side.get("bound_claims_type") or "string").lower() == "glob"


def _prefix(value: str) -> str:
    return re.split(r"[*?]", value, maxsplit=1)[0]


def _wild(value: str) -> bool:
    return "*" in value or "?" in value


def _wider(value: str, was: list[str], before: dict[str, Any], after: dict[str, Any], key: str) -> bool:
    """Whether VALUE admits identities that none of WAS admitted: a new wildcard, or a shorter fixed prefix."""
    if not _wild(value):
        return _shortened(value, was)
    if not _globs(after, key):
        return False
    if not was:
        return False  # a binding that was unset bound nothing: setting it narrows
    for old in was:
        if not _globs(before, key) or not _wild(old):
            continue
        if _prefix(old).startswith(_prefix(value)) and len(_prefix(value)) < len(_prefix(old)):
            continue
        return False  # an old pattern already admitted as much
    return True


def _shortened(value: str, was: list[str]) -> bool:
    """Whether an exact subject lost its trailing qualifiers (`repo:o/r:environment:prod` → `repo:o/r`): wider."""
    if not value or value in was:
        return False
    return any(old.startswith(value) and old[len(value)] in ":/" for old in was if len(old) > len(value))


def _open(value: str) -> bool:
    """Whether a pattern leaves its owner open: `*`, `repo:*`, `*/infra`, `system:serviceaccount:*:x`, or a
    condition whose only test of the owner is a prefix that does not end at a separator (`startsWith('acme')`)."""
    if not _wild(value):
        return _open_prefix(value)
    rest = re.sub(r"^(?:repo|project_path|project|organization|workspace|group|pipeline|system:serviceaccount)[:=]",
                  "", value.strip())
    owner = re.split(r"[/:]", rest, maxsplit=1)[0]
    return owner == "" or _wild(owner)


# A claim tested by prefix (CEL `startsWith`), and a claim pinned exactly (`==`): owner claims name who owns the repo.
PREFIX_TEST = lazy_compile(r"assertion\.([\w.]+)\.startsWith\(\s*['\"]([^'\"]*)['\"]\s*\)")
PINNED = lazy_compile(r"assertion\.([\w.]+)\s*==")
OWNER_CLAIM = lazy_compile(r"repository\w*|\w*owner\w*|sub|subject|namespace\w*|project\w*|organization\w*|workspace\w*"
                          r"|email\w*|hd|tid|tenant\w*|actor\w*|enterprise\w*|job_workflow_ref|\w*_slug|user\w*")


def _open_prefix(value: str) -> bool:
    """Whether a condition admits any owner whose name merely begins like the real one (`acme` admits
    `acme-attacker`) and pins no owner claim exactly; a prefix ending at `/`, `:` or `@` names one owner."""
    loose = [c for c, p in PREFIX_TEST.findall(value) if OWNER_CLAIM.fullmatch(c) and not p.endswith(("/", ":", "@"))]
    return bool(loose) and not any(OWNER_CLAIM.fullmatch(c) for c in PINNED.findall(value))


# Every claim or mapped attribute a condition reads (`assertion.iss`, `attribute.repository`, `google.subject`).
CLAIMS = lazy_compile(r"\b(?:assertion|attribute|google|claims?|token)\.([A-Za-z_][\w.]*)")


# Issuers that sign tokens for every customer of a platform (any repository, project or workspace of anyone):
# a condition on them must name an owner. A company's own identity provider or cluster issuer is not one.
SHARED_ISSUERS = (b"token.actions.githubusercontent.com", b"gitlab.com", b"app.terraform.io", b"oidc.circleci.com",
                  b"agent.buildkite.com", b"api.bitbucket.org", b"vstoken.dev.azure.com", b"oidc.spacelift.io",
                  b"accounts.google.com", b"sts.windows.net/common", b"login.microsoftonline.com/common")


def _shared_issuer(after: dict[str, Any]) -> bool:
    """Whether the binding federates a platform's shared issuer (GitHub Actions, gitlab.com, Terraform Cloud…)."""
    return mentions(after, SHARED_ISSUERS)


def _owner_tested(value: str) -> bool:
    """Whether a condition reads any claim that names who owns the token (repository, owner, subject, project…)."""
    return any(OWNER_CLAIM.fullmatch(step) for claim in CLAIMS.findall(value) for step in claim.split("."))


def _ownerless(value: str) -> bool:
    """Whether a condition reads claims but none that names an owner (`assertion.iss == '…'`, `assertion.aud …`):
    every workflow of every tenant of a shared issuer passes it."""
    return bool(CLAIMS.search(value)) and not _owner_tested(value)


# A condition that only tests claims for being set (`assertion.repository_owner != ''`): every token passes it.
VACUOUS = lazy_compile(r"^\s*[\w.\[\]'\"]+\s*!=\s*(?:''|\"\"|null)\s*$")


def _vacuous(value: str) -> bool:
    """Whether a condition holds for every token: each of its `&&` parts only tests that a claim is set."""
    return all(VACUOUS.match(part) for part in re.split(r"&&|\band\b", value)) if value.strip() else False


def _show(values: list[str]) -> str:
    return ", ".join(f'"{v[:80]}"' for v in values[:MAX_SHOWN]) or "unset"
