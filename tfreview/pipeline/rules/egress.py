"""Risk rules, reach: a destination (a webhook or push endpoint, a sink, a log server, a copy or replication target,
an alert mailbox) newly pointing outside the organisation.

What is "ours" is read from the rest of the plan, for any provider: the domains, accounts and projects its other
values name, the values a destination held before, and the organisation words its names use (`acme` of
`acme-shop`). A new destination elsewhere is judged by what it means: a personal mailbox, plain HTTP to a public
host, an "allow any https" prefix, an account or project the plan never shows, a destination moved off an existing
resource, or one that gets every event, skips TLS checks or carries the plan's own topic or stream is high; a new
webhook to a domain the plan cannot place is low; an alerting vendor (PagerDuty, Slack…) is expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, managed, rule
from tfreview.pipeline.rules.addressing import internal_address
from tfreview.pipeline.rules.common import mentions
from tfreview.pipeline.rules.domains import public, registrable, special_use
from tfreview.pipeline.rules.foreign import ACCOUNT, ARN_ACCOUNT, EVERYTHING
from tfreview.pipeline.rules.ownership import vouched
from tfreview.pipeline.rules.peering import OWN_KEYS, SCOPES, kin

RULE = "egress-outside"
# Words of an attribute that names where data is sent, and of a block whose every value is about the receiver.
DEST_WORDS = frozenset({"url", "urls", "uri", "endpoint", "endpoints", "webhook", "webhooks", "destination",
                        "destinations", "server", "servers", "target", "targets", "recipient", "recipients",
                        "addresses", "sink", "prefixes", "forward", "hook", "hooks"})
BLOCK_WORDS = frozenset({"destination", "destinations", "target", "targets", "webhook", "webhooks", "sink",
                         "recipient", "recipients", "email", "push", "copy", "outputs"})
# A reference to the resource's own parent (a server_id, a target_name), not a receiver.
REFERENCE_WORDS = frozenset({"id", "ids", "name", "names"})
# Words that make an address an identity or a source, not a receiver (a service account's email, a sender).
NOT_DEST_WORDS = frozenset({"account", "service", "owner", "identity", "principal", "member", "user", "admin",
                            "sender", "from", "reply", "source", "issuer", "audience", "origin", "callback",
                            "redirect", "logout", "login", "homepage", "image", "repository", "repo", "registry",
                            "blocked", "block", "denied", "deny", "exclude", "excluded"})
# Blocks that configure the workload itself (its environment, headers, labels), not a receiver of its data.
CONFIG_WORDS = frozenset({"environment", "env", "variables", "vars", "tags", "labels", "metadata", "annotations",
                          "headers", "settings", "description"})
# Alerting and paging vendors: sending alerts there is the point of an alerting setup.
ALERTING = frozenset({"pagerduty.com", "opsgenie.com", "victorops.com", "slack.com", "datadoghq.com",
                      "datadoghq.eu", "office.com", "office365.com", "sentry.io", "newrelic.com", "discord.com",
                      "webex.com", "statuspage.io", "incident.io", "squadcast.com", "xmatters.com"})
# Cloud platforms whose host names say nothing about the owner: their paths or ARNs do (projects/X, an account).
PLATFORMS = frozenset({"amazonaws.com", "amazonaws.com.cn", "googleapis.com", "gserviceaccount.com", "azure.com",
                       "windows.net", "azure.net", "microsoft.com", "google.com", "confluent.cloud"})
# Objects whose type says they send (a repository's webhook is a webhook, not a repository).
SENDING = frozenset({"webhook", "hook", "notification", "subscription", "sink", "export", "destination", "output"})
# Objects that pull from a URL (a Git or chart source, a registry) or probe it (a synthetic check): not receivers.
PULLING = frozenset({"repository", "repo", "registry", "source", "chart", "image", "package", "synthetics",
                     "synthetic", "uptime", "probe", "healthcheck", "canary"})
# Personal mailboxes: an alert or report sent there leaves the organisation with whoever holds the mailbox.
PERSONAL_MAIL = frozenset({"gmail.com", "googlemail.com", "yahoo.com", "outlook.com", "hotmail.com", "live.com",
                           "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de",
                           "mail.ru", "yandex.ru", "yandex.com", "qq.com", "163.com", "zoho.com", "tutanota.com",
                           "mail.com"})
# Generic first words of a host that say nothing of its owner (`webhook.site`, `hooks.example`).
GENERIC = frozenset({"webhook", "webhooks", "hook", "hooks", "api", "app", "apps", "events", "event", "collect",
                     "ingest", "relay", "data", "log", "logs", "mail", "cloud", "dev", "test", "free", "www", "web",
                     "site", "alerts", "notify", "hub", "my", "the"})
# Another attribute naming what the change delivers: a topic, queue, stream or log of the plan's own.
# What copies data in bulk (records, logs, backups, objects, rows) rather than a notice that something happened.
BULK = frozenset({"replication", "replica", "replicate", "copy", "copies", "backup", "backups", "snapshot", "export",
                  "exports", "sink", "log", "logs", "logging", "trail", "audit", "archive", "stream", "firehose",
                  "delivery", "share", "dataset", "bucket", "table", "transfer", "sync", "mirror", "forward",
                  "forwarder", "output", "outputs", "dump"})
# Objects that only notify or filter: a notification destination carries alerts, a destination filter drops data.
FORWARDER_NOT = frozenset({"notification", "notifications", "alert", "alerts", "filter", "filters", "contact"})
CARRIED = lazy_compile(r"topic|queue|stream|log_group|bucket|table|subscription")
PLAIN = frozenset({"http", "ws", "ftp", "tcp", "syslog"})
# An admission webhook: the cluster sends it every object its rules match (pod specs, secrets) and, if mutating,
# runs what it sends back.
ADMISSION = lazy_compile(r"(?:Mutating|Validating)(?:Admission)?WebhookConfiguration", re.IGNORECASE)
ADMISSION_TYPE = lazy_compile(r"(?:mutating|validating)_(?:admission_)?webhook(?:_configuration)?")
URL = lazy_compile(r"^([a-z][a-z0-9+.-]*)://(?:[^@/?#\s]*@)?([^:/?#\s]*)", re.IGNORECASE)
HOST = lazy_compile(r"^((?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*)(?::\d+)?(?:/\S*)?$", re.IGNORECASE)
EMAIL = lazy_compile(r"^[^@\s/:]+@((?:[a-z0-9-]+\.)+[a-z]{2,})$", re.IGNORECASE)
HOSTS_IN_TEXT = lazy_compile(r"(?:://|@)((?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*)", re.IGNORECASE)
NAME = lazy_compile(r"[a-z0-9._\-\[\]]*")
FORWARD_CALL = lazy_compile(r"^\s*forward\s*\(\s*[\"']([^\"']+)[\"']\s*\)\s*$", re.IGNORECASE)
# A match expression that takes every message (a mail route's `catch_all()`, a recipient pattern `.*`).
CATCH_ALL = lazy_compile(r"^\s*(?:catch_all\s*\(\s*\)|match_\w+\s*\(\s*[\"']\.\*[\"']\s*\))\s*$", re.IGNORECASE)
ANY_PREFIX = lazy_compile(r"^(?:[a-z]+://)?\*?/?$", re.IGNORECASE)
# A C-speed first check: a change that mentions none of these cannot name a receiver.
PRECHECK = (b"://", b"@", b"arn:", b"projects/", b"url", b'uri"', b"endpoint", b"webhook", b"destination", b"server",
            b"target", b"recipient", b"addresses", b"sink", b"prefix", b"email", b"push", b"copy", b"output")
_WORD = lazy_compile(r"[a-z0-9]+")
_CAMEL = lazy_compile(r"(?<=[a-z0-9])(?=[A-Z])")
MAX_DEPTH = 12


@dataclass
class Own:
    """What the plan shows as its own: scopes (accounts, projects), registrable domains and organisation words."""

    scopes: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)

    def add(self, key: str, text: str) -> None:
        """Take one value the plan already holds as evidence of what is its own."""
        self.scopes |= {next(g for g in m.groups() if g) for m in SCOPES.finditer(text)}
        if key in OWN_KEYS or ACCOUNT.match(text):
            self.scopes.add(text)
        self.domains |= {registrable(h) for h in HOSTS_IN_TEXT.findall(text)}
        self.words |= {w for w in _WORD.findall(text.lower()) if len(w) >= 3}


def _words(key: str) -> set[str]:
    return set(_WORD.findall(_CAMEL.sub("_", key).lower()))


def _leaves(value: Any, path: tuple[str, ...] = (), depth: int = 0) -> Iterator[tuple[tuple[str, ...], str]]:
    """(path of keys, string) for every scalar leaf, reading JSON documents held in strings (a state machine)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, str(key)), depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, path, depth + 1)
    elif isinstance(value, str) and value[:1] in "{[" and len(value) > 1:
        try:
            yield from _leaves(orjson.loads(value), path, depth + 1)
        except orjson.JSONDecodeError:
            yield path, value
    elif isinstance(value, str) and (call := FORWARD_CALL.match(value)):
        yield (*path, "forward"), call.group(1)  # a mail route's action `forward("https://…")`
    elif isinstance(value, str | int) and not isinstance(value, bool):
        yield path, str(value)


def _is_destination(path: tuple[str, ...], forwarder: bool = False) -> bool:
    """Whether a leaf at PATH names a receiver (its own key or an enclosing block says so, no configuration block;
    a FORWARDER's `settings` hold its receiver)."""
    words = [_words(k) for k in path]
    config = CONFIG_WORDS - {"settings"} if forwarder else CONFIG_WORDS
    if not words or any(w & config for w in words):
        return False
    leaf = words[-1]
    if leaf & REFERENCE_WORDS and not leaf & {"destination", "target"}:
        return False
    return bool(leaf & DEST_WORDS and not leaf & NOT_DEST_WORDS) or any(w & BLOCK_WORDS for w in words[:-1])


def _host(text: str) -> tuple[str, str] | None:
    """(scheme, host) of a URL, a host[:port][/path] or a mailbox (scheme `mailto`); None for anything else."""
    url = URL.match(text)
    if url:
        host = url.group(2).lower()
        return (url.group(1).lower(), host) if NAME.fullmatch(host) else None
    mail = EMAIL.match(text)
    if mail:
        return "mailto", mail.group(1).lower()
    bare = HOST.match(text)
    return ("", bare.group(1).lower()) if bare else None


def _inside(host: str) -> bool:
    """Whether HOST is internal by itself: a special-use name, a private address, a name under no public suffix
    (`kubernetes.default.svc`), or no name at all."""
    if not host or "." not in host or special_use(host):
        return True
    internal = internal_address(host)
    return not public(host) if internal is None else internal


def _pulls(change: Change) -> bool:
    """Whether the object pulls from or probes its URLs (its type or `kind` says source, repository, synthetics…)."""
    kinds = [t for p, t in _leaves(change.after) if p and p[-1] == "kind"]
    words = set().union(*(_words(name) for name in [change.type, *kinds]))
    return bool(words & PULLING) and not words & SENDING


def _platform(host: str) -> bool:
    """Whether HOST belongs to a cloud platform whose names say nothing of the owner (`sqs.*.amazonaws.com`)."""
    return any(host == p or host.endswith("." + p) for p in PLATFORMS)


def _evidence(ri: ReviewInput, changes: list[Change]) -> Own:
    """What the plan shows as its own, from every value except destinations new in this plan."""
    own, judged = Own(), {id(c) for c in changes}
    for change in ri.changeset.changes:
        before = set()
        for path, text in _leaves(change.before):
            own.add(path[-1] if path else "", text)
            before.add(text)
        for path, text in _leaves(change.after):
            if text in before or not (id(change) in judged and _is_destination(path, _forwarder(change))):
                own.add(path[-1] if path else "", text)
    own.scopes |= vouched(ri)
    return own


def _carries_own(after: Any, own: Own) -> bool:
    """Whether another attribute names a topic, queue, stream or log of the plan's own that the change delivers."""
    for path, text in _leaves(after):
        if path and CARRIED.search(path[-1].lower()) and SCOPES.search(text):
            return bool({next(g for g in m.groups() if g) for m in SCOPES.finditer(text)} & own.scopes)
    return False


def _loose(after: Any) -> str | None:
    """Why the change's delivery is loose by itself: every event, every admitted object, or TLS checks skipped."""
    for path, text in _leaves(after):
        key = path[-1].lower() if path else ""
        if key == "kind" and ADMISSION.fullmatch(text.strip()):
            return f"every object it admits passing through it (a {text.strip()})"
        if text.strip() in EVERYTHING and ("event" in key or "filter" in key or "categor" in key):
            return f"every event ({key} {text.strip()})"
        if CATCH_ALL.match(text):
            return f"every message ({key} {text.strip()})"
    for name, value in _flags(after):
        key = name.lower()
        if ("insecure" in key or "verif" in key) and value == ("insecure" in key or "skip" in key):
            return f"TLS checks off ({name})"
    return None


def _forwarder(change: Change) -> bool:
    """Whether the object forwards a data stream (an event pipeline's destination), not notices or a filter."""
    words = _words(change.type)
    return bool(words & {"destination", "forwarder", "output"}) and not words & FORWARDER_NOT


def _unfiltered(change: Change) -> str | None:
    """Why a new stream forwarder is loose: no filter or event selection, so it gets every event of its source."""
    keys = {w for path, _ in _leaves(change.after) for key in path for w in _words(key)}
    if change.action is Action.CREATE and _forwarder(change) and not keys & {"filter", "filters", "events", "event"}:
        return "every event of its source (no filter)"
    return None


def _admission(change: Change) -> str | None:
    """Why an admission webhook typed as such (`kubernetes_mutating_webhook_configuration_v1`) is loose."""
    named = ADMISSION_TYPE.search(change.type)
    return None if named is None else f"every object it admits passing through it (a {named.group(0)})"


def _flags(value: Any, key: str = "") -> Iterator[tuple[str, bool]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _flags(v, str(k))
    elif isinstance(value, list):
        for item in value:
            yield from _flags(item, key)
    elif isinstance(value, bool):
        yield key, value


def _judge_host(change: Change, scheme: str, host: str, own: Own, loose: str | None,
                carried: bool, added: bool = False) -> tuple[str, Severity] | None:
    """Why a new destination host is outside the organisation and how bad; None when it is ours or expected."""
    if _inside(host):
        return None
    domain = registrable(host)
    if domain in ALERTING or _platform(host):
        return None
    if scheme == "mailto" and domain in PERSONAL_MAIL:
        return f"a personal mailbox at {domain}", Severity.HIGH
    first = _WORD.findall(domain)[0] if _WORD.findall(domain) else ""
    ours = domain in own.domains or (len(first) >= 4 and first not in GENERIC and first in own.words)
    if scheme in PLAIN:
        where = "" if ours else ", a host the plan does not show as its own"
        return f"{host} over plain {scheme}{where}", Severity.HIGH
    if ours:
        return None
    # A mailbox added where the attribute held none is a notification list starting, as on a new resource;
    # one that replaces a mailbox (or any other receiver) moves what an existing resource sends.
    if change.action in (Action.UPDATE, Action.REPLACE) and not (scheme == "mailto" and added):
        return f"{host}, a domain the plan does not show as its own, on an existing resource", Severity.HIGH
    if loose or (carried and scheme != "mailto"):  # a team mailbox on an alerts topic is how alerting starts
        what = loose or "the plan's own topic or stream"
        return f"{host}, a domain the plan does not show as its own, with {what}", Severity.HIGH
    return f"{host}, a domain the plan does not show as its own", Severity.LOW


def _judge(change: Change, path: tuple[str, ...], text: str, own: Own, loose: str | None,
           carried: bool, added: bool = False) -> tuple[str, Severity] | None:
    """Why one new destination value is outside the organisation, and how bad."""
    allowing = path and any(w.startswith("allow") for w in _words(path[-1]))
    if allowing and text.strip() and ANY_PREFIX.match(text.strip()):
        return f"any destination ({text.strip()!r} allows every host)", Severity.HIGH
    parsed = _host(text)
    if parsed is not None and not _platform(parsed[1]):
        if path and _words(path[-1]) & NOT_DEST_WORDS:
            return None
        return _judge_host(change, parsed[0], parsed[1], own, loose, carried, added)
    arn = ARN_ACCOUNT.match(text)
    scopes = {arn.group(1)} if arn else {text} if ACCOUNT.match(text) else {
        next(g for g in m.groups() if g) for m in SCOPES.finditer(text)}
    if scopes:
        outside = sorted(scopes - own.scopes)
        if not outside:
            return None
        sibling = kin(outside[0], own.scopes)
        if sibling is not None:
            return f"{outside[0]}, named like this plan's own {sibling}", Severity.MEDIUM
        # A new notice (a lifecycle hook's queue, an alarm's topic) in another account carries ids, not data.
        notice = change.action is Action.CREATE and not loose and not carried \
            and not (_words(change.type) | {w for part in path for w in _words(part)}) & BULK
        return f"{outside[0]}, an account or project the plan never shows as its own", \
            Severity.MEDIUM if notice else Severity.HIGH
    return None


@rule(RULE, Severity.HIGH,
      "A destination (webhook, push endpoint, sink, log server, copy or replication target, alert mailbox) newly "
      "points outside the organisation: another account, a foreign domain, a personal mailbox, plain HTTP, or any "
      "host.")
def _egress(ri: ReviewInput) -> Iterator[Finding]:
    changes = [c for c in managed(ri.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE)
               if c.after and mentions(c.after, PRECHECK)]
    candidates = [(c, [(p, t) for p, t in _leaves(c.after) if _is_destination(p, _forwarder(c))]) for c in changes
                  if not _pulls(c)]
    candidates = [(c, found) for c, found in candidates if found]
    if not candidates:
        return  # the plan-wide walk for what is ours runs only when some change names a destination
    own = _evidence(ri, [c for c, _ in candidates])
    for change, found in candidates:
        before = {t for _, t in _leaves(change.before)}
        held = {p for p, _ in _leaves(change.before)}
        loose = _loose(change.after) or _unfiltered(change) or _admission(change)
        carried = _carries_own(change.after, own)
        judged = [(j, p) for p, t in found if t not in before
                  for j in [_judge(change, p, t, own, loose, carried, p not in held)] if j is not None]
        if judged:
            (why, severity), path = max(judged, key=lambda item: item[0][1] == Severity.HIGH)
            yield finding(RULE, change.address,
                          f"{change.address} now sends data to {why} ({'.'.join(path)}): it leaves the "
                          "organisation; confirm the receiver is yours or trusted", severity)
