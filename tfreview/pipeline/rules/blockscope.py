"""Risk rules, sign-in and membership (risk rules stage; feeds `auth-weakened` and `group-self-join`), readings of
who a control still covers:

- A policy that blocks (a conditional-access policy whose grant is `block`, any provider's rule whose action or
  effect is deny or block) and whose *included* scope loses entries — a client type, an application, a platform,
  a location it applied to — now blocks less: `client_app_types` losing `other` lets IMAP, POP and SMTP basic auth
  back in. An exclusion list that grows by a named account (a second break-glass user) is not this.
- An authentication strength required by a policy moved down the built-in ladder of Microsoft Entra ID (phishing-
  resistant MFA …0004 > passwordless MFA …0003 > MFA …0002).
- A directory group opened to self-service joining (`who_can_join` from invited or by request to everyone in the
  domain, or anyone) while the plan grants that group a privileged role: whoever joins holds the role. A group that
  holds nothing the plan shows is medium.
- An administrator permission set assigned to a group whose name (in the assignment's own key) says everyone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, on_change, rule
from tfreview.pipeline.rules.common import as_dict, sides
from tfreview.pipeline.rules.everyone import EVERYONE_AUDIENCE
from tfreview.pipeline.rules.grantreach import grant_level
from tfreview.pipeline.rules.grants import grants
from tfreview.pipeline.rules.values import leaves, plain
from tfreview.pipeline.rules.vocabulary.terms import AUTH

BLOCKING = lazy_compile(r"(?:^|\.)(?:built_in_controls|action|effect|decision|grant_type)$")
BLOCK_WORDS = frozenset({"block", "deny", "denied", "blocked"})
# Lists that say what a policy applies to (not whom it spares).
INCLUDED = lazy_compile(r"(?:^|\.)(?:client_app_types|included_\w+|platforms?|include_\w+|applies_to\w*)$")


def _blocks(values: dict[str, Any]) -> bool:
    return any(BLOCKING.search(plain(path)) and any(str(v).lower() in BLOCK_WORDS
                                                    for v in (value if isinstance(value, list) else [value]))
               for path, value in leaves(values))


def _scopes(values: dict[str, Any]) -> dict[str, set[str]]:
    return {plain(path): {str(v) for v in value} for path, value in leaves(values)
            if isinstance(value, list) and INCLUDED.search(plain(path))}


@on_change(actions=(Action.UPDATE,), words=(b"block", b"deny"))
def _block_narrowed(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if not (_blocks(before) and _blocks(after)):
        return
    old, new = _scopes(before), _scopes(after)
    for path in sorted(old.keys() & new.keys()):
        dropped = old[path] - new[path]
        if dropped and not {"all", "All", "*"} & new[path]:
            yield finding(AUTH, change.address, f"{change.address}: the blocking policy no longer covers "
                          f"{', '.join(sorted(dropped))} ({path}): what it blocked there is let through again")
            return


# --- authentication strength ------------------------------------------------------------------------------------
# Entra ID's built-in authentication strengths, by the last digit of their well-known ids.
STRENGTHS = {"00000000-0000-0000-0000-000000000004": 3, "00000000-0000-0000-0000-000000000003": 2,
             "00000000-0000-0000-0000-000000000002": 1}
STRENGTH_PATH = lazy_compile(r"authentication_strength\w*(?:\.id)?$")


def _strength(value: Any) -> int | None:
    text = str(value).rsplit("/", 1)[-1].lower() if isinstance(value, str) else ""
    return STRENGTHS.get(text)


@on_change(actions=(Action.UPDATE,), words=(b"authentication_strength",))
def _strength_lowered(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    old = {plain(p): v for p, v in leaves(before) if STRENGTH_PATH.search(plain(p))}
    for path, value in leaves(after):
        path = plain(path)
        was, now = _strength(old.get(path)), _strength(value)
        if was is not None and now is not None and now < was:
            yield finding(AUTH, change.address, f"{change.address}: {path} moves to a weaker built-in authentication "
                          "strength (phishing-resistant → passwordless → plain MFA): a phishable factor now passes")
            return


# --- self-service joining of a group that holds a role ------------------------------------------------------------
JOIN = lazy_compile(r"who_?can_?join|join_?policy|membership_?mode|self_?join\w*")
JOIN_LADDER = {"invited_can_join": 0, "invite_only": 0, "can_request_to_join": 1, "closed": 0,
               "all_in_domain_can_join": 2, "open": 3, "anyone_can_join": 3}


def _openings(change: Change) -> Iterator[tuple[str, str, str]]:
    before, after = sides(change)
    for key, value in after.items():
        was, now = JOIN_LADDER.get(str(before.get(key, "")).lower()), JOIN_LADDER.get(str(value).lower())
        if JOIN.fullmatch(key) and was is not None and now is not None and now >= 2 > was:
            yield key, str(before.get(key)), str(value)


@rule("group-self-join", Severity.HIGH, "A directory group is opened to self-service joining (everyone in the domain "
      "or anyone may join) while the plan grants it a privileged role: whoever joins holds the role.")
def _self_join(ri: ReviewInput) -> Iterator[Finding]:
    changes = [c for c in ri.changeset.changes
               if c.mode == "managed" and c.action is Action.UPDATE and "group" in c.type]
    opened = [(c, o) for c in changes for o in _openings(c)]
    if not opened:
        return
    held: dict[str, str] = {}
    for change in ri.changeset.changes:
        if change.mode != "managed" or change.action is Action.DELETE:
            continue
        for role_name, member in grants(change.type, as_dict(change.after)):
            if grant_level(change.type, role_name, member, as_dict(change.after)) is Severity.HIGH:
                held.setdefault(member.rpartition(":")[2].lower(), role_name)
    for change, (key, was, now) in opened:
        email = str(as_dict(change.after).get("email", "")).lower()
        holds = held.get(email)
        yield finding("group-self-join", change.address, f"{change.address}: {key} {was} → {now}: anyone it admits "
                      "can add themselves" + (f", and the group holds {holds}" if holds else ""),
                      None if holds else Severity.MEDIUM)


# --- an administrator permission set assigned to a group named for everyone -----------------------------------------
# An SSO assignment names its principal and permission set by opaque ids; the address the team gave it (a for_each
# key "payments-prod/all-staff/AdministratorAccess") is the plan's only words for whom and what. Both naming an
# all-hands group and an administrator set: every employee administers the account.
ASSIGNMENTS = lazy_compile(r"account_assignment|permission_set_assignment|app_role_assignment")
ADMIN_SET = lazy_compile(r"administratoraccess|poweruseraccess|(?:^|[-_/ ])(?:admin|administrators?|owners?)"
                         r"(?:[-_/ ]|$)", re.IGNORECASE)


@on_change(actions=(Action.CREATE, Action.UPDATE))
def _admin_to_everyone(change: Change) -> Iterator[Finding]:
    if not ASSIGNMENTS.search(change.type):
        return
    key = change.address.rpartition("[")[2] if change.address.endswith("]") else change.name
    words = key.strip('"]')
    admin = ADMIN_SET.search(words)
    if admin is not None and EVERYONE_AUDIENCE.search(words.replace(admin[0], " ")):
        yield finding(AUTH, change.address, f"{change.address}: an administrator permission set assigned to a group "
                      "its own name calls everyone: every member of the organisation administers the account")
