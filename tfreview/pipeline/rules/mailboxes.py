"""Risk rules, reach (reported under foreign-data-share): a grant of any provider's IAM or role-binding type whose
new principal is a personal mailbox (`user:someone@gmail.com`, an RBAC binding's `user`), or a service account of
a project the plan never shows as its own (`sync@other-project.iam.gserviceaccount.com`): the access leaves the
organisation with whoever holds that mailbox or project; and a consumer mail domain added to a list of allowed mail
domains (sharing, invitations, sign-in); and mail newly forwarded, copied, journaled, replied to or reported
(DMARC `rua=mailto:`) to a personal mailbox, whatever the setting is called. Only principals, domains and mailboxes
the change adds are judged. Its list of consumer mail domains is also read by egress.py (reports sent there) and
grants.py (a grant to a whole domain, where anyone may open an account)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, managed
from tfreview.pipeline.rules.common import sides, string_leaves
from tfreview.pipeline.rules.imitation import imitates
from tfreview.pipeline.rules.peering import kin
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.receivers import key_words

# Personal mailboxes: an alert or report sent there leaves the organisation with whoever holds the mailbox, and a
# grant to the whole domain (`domain:gmail.com`) reaches anyone who signs up.
PERSONAL_MAIL = frozenset({"gmail.com", "googlemail.com", "yahoo.com", "outlook.com", "hotmail.com", "live.com",
                           "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de",
                           "mail.ru", "yandex.ru", "yandex.com", "qq.com", "163.com", "zoho.com", "tutanota.com",
                           "mail.com"})
# Types that grant access to a principal, by the words of their names (any provider, invented ones included).
GRANTING = lazy_compile(r"(?:^|_)(?:iam|rbac|acl|acls|grant|grants|permission|permissions|binding|bindings|member"
                        r"|members|membership|memberships|assignment|assignments|access|collaborator|collaborators"
                        r"|invitation|share|policy)(?:_|$)")
MAILBOX = lazy_compile(r"(?:^|[\s:;,<])[\w.+'-]+@([\w-]+(?:\.[\w-]+)+)(?=$|[\s;,>])")
SERVICE_ACCOUNT = lazy_compile(r"([\w.-]+)@([a-z][a-z0-9-]{4,28}[a-z0-9])\.iam\.gserviceaccount\.com$")
# A Google service agent (`service-123456789012@gcp-sa-pubsub`, `bq-771234567890@bigquery-encryption`): Google runs
# it for the plan's own project (its number is in the name), in a project Google owns.
SERVICE_AGENT = lazy_compile(r"(?:[a-z][a-z-]*-)?p?\d{6,}")
# The cloud's own service agents: Google's (`service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com`,
# `service-123@compute-system.iam…`, `123@cloudservices.gserviceaccount.com`) and AWS's service-linked roles
# (`arn:aws:iam::123456789012:role/aws-service-role/…`), which the service itself assumes.
PLATFORM_AGENT = lazy_compile(r"(?:serviceaccount:)?(?:service-(?:org-|folder-)?\d{6,}@[a-z][a-z0-9-]+"
                              r"\.iam\.gserviceaccount\.com|[\w.-]+@gcp-sa-[a-z0-9-]+\.iam\.gserviceaccount\.com"
                              r"|\d{6,}@cloudservices\.gserviceaccount\.com"
                              r"|arn:aws[\w-]*:iam::\d{12}:role/aws-service-role/[\w+=,.@/-]+)")


def platform_agent(member: str) -> bool:
    """Whether MEMBER is the cloud's own service agent acting for the project, not an identity the customer's
    people or workloads use."""
    return PLATFORM_AGENT.fullmatch(member.strip().lower()) is not None


# A member that was removed and is only remembered (`deleted:user:…`): it holds nothing.
GONE = "deleted:"
PROJECT_KEYS = frozenset({"project", "project_id", "project_number", "billing_project"})
PROJECT_PATH = lazy_compile(r"projects/([a-z][a-z0-9-]{4,28}[a-z0-9])(?:/|$)")


def _added(change: Change) -> list[str]:
    """Strings the change's new side holds that its old side did not."""
    before, after = sides(change)
    old = set(string_leaves(before))
    return [text for text in string_leaves(after) if text not in old and not text.startswith(GONE)]


def _own_projects(changes: list[Change]) -> set[str]:
    """Projects the plan's resources live in: their `project` attributes and `projects/<id>/` paths."""
    own: set[str] = set()
    for change in changes:
        for side in (change.before, change.after):
            if not isinstance(side, dict):
                continue
            for key, value in side.items():
                if key in PROJECT_KEYS and isinstance(value, str):
                    own.add(value)
                elif isinstance(value, str) and "projects/" in value:
                    own.update(PROJECT_PATH.findall(value))
    return own


def _principals(change: Change) -> Iterator[tuple[str, str | None]]:
    """(principal text, its service account's project or None) for each added text that names a mailbox."""
    for text in _added(change):
        if "@" not in text:
            continue
        account = SERVICE_ACCOUNT.search(text)
        if account:
            if not account.group(2).startswith("gcp-sa-") and not SERVICE_AGENT.fullmatch(account.group(1)):
                yield text, account.group(2)
        elif MAILBOX.search(text):
            yield text, None


def personal_grantees(ri: ReviewInput) -> Iterator[Finding]:
    """Grants the plan adds to a personal mailbox or to an outside project's service account."""
    grants = [c for c in managed(ri.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE)
              if GRANTING.search(c.type) and _mentions_mailbox(c.after)]
    if not grants:
        return
    own: set[str] | None = None
    for change in grants:
        for text, project in _principals(change):
            if project is None:
                domains = {m.lower() for m in MAILBOX.findall(text)}
                personal = sorted(domains & PERSONAL_MAIL)
                if personal:
                    yield finding("foreign-data-share", change.address,
                                  f"{change.address} grants access to {text}, a personal {personal[0]} mailbox: "
                                  "the access leaves the organisation with whoever holds it")
                continue
            own = _own_projects(ri.changeset.changes) if own is None else own
            if own and project not in own and (sibling := kin(project, own)) is not None:
                yield finding("foreign-data-share", change.address,
                              f"{change.address} grants access to {text}, a service account of project {project}, "
                              f"named like this plan's own {sibling}: confirm it is in your organisation",
                              Severity.MEDIUM)
            elif own and project not in own:
                yield finding("foreign-data-share", change.address,
                              f"{change.address} grants access to {text}, a service account of project {project}, "
                              "which nothing else in this plan owns: confirm that project is yours or trusted")


def _mentions_mailbox(value: Any) -> bool:
    """Whether any string of VALUE holds an `@`."""
    return any("@" in text for text in string_leaves(value))


# A list of the mail domains users may share with, invite or sign in from (`allowed_email_domains`,
# `sharing_allowed_domains`, `whitelisted_domains`): a consumer mail domain there admits anyone who opens an account.
DOMAIN_LIST = lazy_compile(r"(?:\w+_)?(?:email|mail|sharing|share|invite|invitation|signup|sign_up|login|user|member"
                           r"|allowed|permitted|trusted|whitelisted|allowlisted)_domains?(?:_\w+)?")


@lru_cache(maxsize=8192)  # a plan repeats its attribute names on every change of a type: each is read once
def _domain_list(key: str) -> bool:
    return DOMAIN_LIST.fullmatch(key.lower()) is not None


def consumer_domains(ri: ReviewInput) -> Iterator[Finding]:
    """Consumer mail domains (gmail.com, outlook.com, …) a change adds to a list of allowed mail domains."""
    for change in managed(ri.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE):
        for key, added in _domain_lists(change):
            personal = sorted({d.strip().lower().lstrip("@*.") for d in added} & PERSONAL_MAIL)
            if personal:
                yield finding("foreign-data-share", change.address,
                              f"{change.address}: {key} now admits {', '.join(personal)}, a consumer mail domain: "
                              "anyone who opens a mailbox there is let in (sharing, invitations, sign-in)")


def _domain_lists(change: Change) -> Iterator[tuple[str, list[str]]]:
    """(key, domains added) of every allowed-domain list in the change, top level or one block down."""
    before, after = sides(change)
    for key, value in after.items():
        if _domain_list(str(key)):
            old = set(string_leaves(before.get(key)))
            yield key, [d for d in string_leaves(value) if d not in old]
        elif isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
            was = before.get(key)
            inner_before = was[0] if isinstance(was, list) and was and isinstance(was[0], dict) else {}
            for inner, found in value[0].items():
                if _domain_list(str(inner)):
                    old = set(string_leaves(inner_before.get(inner)))
                    yield f"{key}.{inner}", [d for d in string_leaves(found) if d not in old]


# Words of a key that say mail is delivered to its address (`forward_to`, `blind_copy_to`, `reply_to_address`,
# `journal_recipient`, `redirect_message_to`), and the verbs of an action block that does it (`type = "forward"`).
DELIVERY_KEYS = frozenset({"forward", "forwarding", "forwards", "redirect", "copy", "copies", "cc", "bcc", "blind",
                           "reply", "journal", "journaling", "archive", "rua", "ruf"})
DELIVERY_VERBS = frozenset({"forward", "redirect", "copy", "bcc", "blind_copy", "journal"})
# A mailto: link inside any text (a DMARC record's `rua=mailto:…`): reports or mail are sent there.
MAILTO = lazy_compile(r"mailto:([\w.+'-]+@([\w-]+(?:\.[\w-]+)+))", re.IGNORECASE)
ADDRESS = lazy_compile(r"^\s*[\w.+'-]+@([\w-]+(?:\.[\w-]+)+)\s*$")
# Keys that describe rather than configure: an address in a description is not where mail goes.
DESCRIBING = frozenset({"description", "comment", "comments", "notes", "note", "title", "display"})


def personal_deliveries(ri: ReviewInput) -> Iterator[Finding]:
    """Mail (forwarded, copied, journaled, replies, DMARC reports) newly sent to a personal mailbox, or moved to a
    domain that imitates the one it went to: whoever holds it gets a silent copy of the organisation's mail,
    whatever the provider or resource calls the setting."""
    for change, delivered in _new_mail(ri):
        was = {path: domain for path, _, domain in _deliveries(change.before)}
        for path, mailbox, domain in delivered:
            if domain in PERSONAL_MAIL:
                yield finding("foreign-data-share", change.address,
                              f"{change.address}: mail now goes to {mailbox} ({path}), a personal {domain} "
                              "mailbox: a copy of the organisation's mail leaves it with whoever holds that mailbox")
                break
            if path in was and was[path] != domain and imitates(was[path], domain):
                yield finding("foreign-data-share", change.address,
                              f"{change.address}: mail now goes to {mailbox} ({path}), a domain that imitates "
                              f"{was[path]} under another owner: a copy of the organisation's mail goes to whoever "
                              "registered it")
                break


# Keys whose words say the mail goes on without its sender or recipients seeing it: a blind copy or a redirect.
COVERT_KEYS = frozenset({"bcc", "blind", "redirect"})


def covert_copies(ri: ReviewInput) -> Iterator[Finding]:
    """Mail newly blind-copied or redirected to a domain the plan never shows as the organisation's own: a mail-flow
    rule that does it sends a silent copy of the organisation's mail to whoever runs that domain. The organisation's
    own domains are those of every other address in the plan (its senders, groups, accepted domains); a plan that
    names none is not judged."""
    found = [(c, path, mailbox, domain) for c, delivered in _new_mail(ri)
             for path, mailbox, domain in delivered if key_words(path.rsplit(".", 1)[-1]) & COVERT_KEYS]
    if not found:
        return
    own = _own_domains(ri, {mailbox for _, _, mailbox, _ in found})
    reported = set()
    for change, path, mailbox, domain in found:
        if own and change.address not in reported and domain not in PERSONAL_MAIL \
                and not any(domain == d or domain.endswith("." + d) for d in own):
            reported.add(change.address)
            yield finding("foreign-data-share", change.address,
                          f"{change.address}: mail is now sent on to {mailbox} ({path}), at {domain}, a domain "
                          f"this plan never shows as the organisation's own ({', '.join(sorted(own)[:3])}): a silent "
                          "copy of its mail goes to whoever runs that domain")


def _new_mail(ri: ReviewInput) -> list[tuple[Change, list[tuple[str, str, str]]]]:
    return plan_view(ri).derived("new mail deliveries", _new_deliveries)


def _new_deliveries(view: PlanView) -> list[tuple[Change, list[tuple[str, str, str]]]]:
    """Each created or updated change that newly delivers mail, with (path, mailbox, domain) of each new delivery."""
    found = []
    for change in view.of(Action.CREATE, Action.UPDATE, Action.REPLACE):
        if not _mentions_mailbox(change.after):
            continue
        before, after = sides(change)
        held = set(string_leaves(before))
        delivered = [(path, mailbox, domain) for path, mailbox, domain in _deliveries(after)
                     if mailbox not in held and not any(mailbox in text for text in held)]
        if delivered:
            found.append((change, delivered))
    return found


def _own_domains(ri: ReviewInput, delivered: set[str]) -> set[str]:
    """The domains of every address in the plan's changes other than those mail is delivered to."""
    own: set[str] = set()
    for change in ri.changeset.changes:
        for text in string_leaves(change.after) if _mentions_mailbox(change.after) else ():
            for match in MAILBOX.finditer(text):
                address = match.group(0).strip(" \t\n;,<").lower()
                if address not in delivered and match.group(1).lower() not in PERSONAL_MAIL:
                    own.add(match.group(1).lower())
    return own


def _deliveries(value: Any, path: str = "", verb: bool = False, depth: int = 0) -> Iterator[tuple[str, str, str]]:
    """(path, mailbox, its domain) of every address VALUE delivers mail to: under a delivery key, in a block whose
    action is a delivery verb, or a mailto: link in any text."""
    if depth > 10:
        return
    if isinstance(value, dict):
        verbs = verb or any(isinstance(v, str) and v.strip().lower() in DELIVERY_VERBS for v in value.values())
        for key, item in value.items():
            words = key_words(str(key))
            if not words & DESCRIBING:
                yield from _deliveries(item, f"{path}.{key}" if path else str(key),
                                       verbs or bool(words & DELIVERY_KEYS), depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _deliveries(item, path, verb, depth + 1)
    elif isinstance(value, str):
        for link in MAILTO.finditer(value):
            yield path, link.group(1).lower(), link.group(2).lower()
        address = ADDRESS.match(value) if verb else None
        if address:
            yield path, value.strip().lower(), address.group(1).lower()
