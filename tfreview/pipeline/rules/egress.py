"""Risk rules, reach: a destination (a webhook or push endpoint, a sink, a log server, a copy or replication target,
an alert mailbox) newly pointing outside the organisation. Which values name a receiver is receivers.py's, what the
plan shows as its own is owned.py's.

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
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, managed, rule
from tfreview.pipeline.rules.addressing import internal_address
from tfreview.pipeline.rules.common import keyed_leaves, mentions
from tfreview.pipeline.rules.domains import public, registrable, special_use
from tfreview.pipeline.rules.foreign import EVERYTHING
from tfreview.pipeline.rules.mailboxes import PERSONAL_MAIL as PERSONAL_MAIL
from tfreview.pipeline.rules.owned import Own, bucket_named, carries_own, evidence
from tfreview.pipeline.rules.peering import SCOPES, kin
from tfreview.pipeline.rules.policytext import ACCOUNT, ARN_ACCOUNT
from tfreview.pipeline.rules.receivers import (
    NOT_DEST_WORDS,
    WORD,
    forwarder,
    host_of,
    is_destination,
    key_words,
    leaves,
    pulls,
)

RULE = "egress-outside"
# Alerting and paging vendors: sending alerts there is the point of an alerting setup.
ALERTING = frozenset({"pagerduty.com", "opsgenie.com", "victorops.com", "slack.com", "datadoghq.com",
                      "datadoghq.eu", "office.com", "office365.com", "sentry.io", "newrelic.com", "discord.com",
                      "webex.com", "statuspage.io", "incident.io", "squadcast.com", "xmatters.com"})
# Cloud platforms whose host names say nothing about the owner: their paths or ARNs do (projects/X, an account;
# Entra ID's sign-in endpoints name the tenant in the path).
PLATFORMS = frozenset({"amazonaws.com", "amazonaws.com.cn", "googleapis.com", "gserviceaccount.com", "azure.com",
                       "windows.net", "azure.net", "microsoft.com", "google.com", "confluent.cloud",
                       "microsoftonline.com", "microsoftonline.us"})
# Data platforms that give every customer a host of their own domain (`acme.snowflakecomputing.com`, Splunk Cloud's
# `http-inputs-acme.splunkcloud.com`): the host's first label names the customer's account, so another label is
# another customer's warehouse.
TENANT_PLATFORMS = frozenset({"splunkcloud.com", "grafana.net", "snowflakecomputing.com", "azuredatabricks.net",
                              "databricks.com", "mongodb.net", "aivencloud.com", "clickhouse.cloud",
                              "elastic-cloud.com", "supabase.co", "neon.tech", "singlestore.com",
                              "cockroachlabs.cloud", "timescale.com", "firebolt.io"})
# Generic first words of a host that say nothing of its owner (`webhook.site`, `hooks.example`).
GENERIC = frozenset({"webhook", "webhooks", "hook", "hooks", "api", "app", "apps", "events", "event", "collect",
                     "ingest", "relay", "data", "log", "logs", "mail", "cloud", "dev", "test", "free", "www", "web",
                     "site", "alerts", "notify", "hub", "my", "the", "http", "https", "input", "inputs"})
# Another attribute naming what the change delivers: a topic, queue, stream or log of the plan's own.
# What copies data in bulk (records, logs, backups, objects, rows) rather than a notice that something happened.
BULK = frozenset({"replication", "replica", "replicate", "copy", "copies", "backup", "backups", "snapshot", "export",
                  "exports", "sink", "log", "logs", "logging", "trail", "audit", "archive", "stream", "firehose",
                  "delivery", "share", "dataset", "bucket", "table", "transfer", "sync", "mirror", "forward",
                  "forwarder", "output", "outputs", "dump"})
PLAIN = frozenset({"http", "ws", "ftp", "tcp", "syslog"})
# An admission webhook: the cluster sends it every object its rules match (pod specs, secrets) and, if mutating,
# runs what it sends back.
ADMISSION = lazy_compile(r"(?:Mutating|Validating)(?:Admission)?WebhookConfiguration", re.IGNORECASE)
ADMISSION_TYPE = lazy_compile(r"(?:mutating|validating)_(?:admission_)?webhook(?:_configuration)?")
# A match expression that takes every message (a mail route's `catch_all()`, a recipient pattern `.*`).
CATCH_ALL = lazy_compile(r"^\s*(?:catch_all\s*\(\s*\)|match_\w+\s*\(\s*[\"']\.\*[\"']\s*\))\s*$", re.IGNORECASE)
BUCKET_NAME = lazy_compile(r"[a-z0-9][a-z0-9._-]{2,62}")
# MQTT's multi-level wildcard as the whole topic a rule reads (`SELECT * FROM '#'`, a topic filter `#`): every
# message of every device.
EVERY_TOPIC = lazy_compile(r"^\s*#\s*$|\bFROM\s+'#'", re.IGNORECASE)
# A project named in a receiver (`projects/acme-secops/topics/siem`), not a number.
NAMED_PROJECT = lazy_compile(r"projects/([a-z][a-z0-9-]{3,})/")
ANY_PREFIX = lazy_compile(r"^(?:[a-z]+://)?\*?/?$", re.IGNORECASE)
# A C-speed first check: a change that mentions none of these cannot name a receiver.
PRECHECK = (b"://", b"@", b"arn:", b"projects/", b"url", b'uri"', b"endpoint", b"webhook", b"destination", b"server",
            b"target", b"recipient", b"addresses", b"sink", b"prefix", b"email", b"push", b"copy", b"output",
            b"host")  # host covers relayhost and smarthost


def _inside(host: str) -> bool:
    """Whether HOST is internal by itself: a special-use name, a private address, a name under no public suffix
    (`kubernetes.default.svc`), or no name at all."""
    if not host or "." not in host or special_use(host):
        return True
    internal = internal_address(host)
    return not public(host) if internal is None else internal


def _platform(host: str) -> bool:
    """Whether HOST belongs to a cloud platform whose names say nothing of the owner (`sqs.*.amazonaws.com`)."""
    return any(host == p or host.endswith("." + p) for p in PLATFORMS)


def _loose(after: Any) -> str | None:
    """Why the change's delivery is loose by itself: every event, every admitted object, or TLS checks skipped."""
    for path, text in leaves(after):
        key = path[-1].lower() if path else ""
        if key == "kind" and ADMISSION.fullmatch(text.strip()):
            return f"every object it admits passing through it (a {text.strip()})"
        if text.strip() in EVERYTHING and ("event" in key or "filter" in key or "categor" in key):
            return f"every event ({key} {text.strip()})"
        if CATCH_ALL.match(text) or (key in ("sql", "query", "topic", "topic_filter") and EVERY_TOPIC.search(text)):
            return f"every message ({key} {text.strip()})"
    for name, value in keyed_leaves(after, bool):
        key = name.lower()
        if ("insecure" in key or "verif" in key) and value == ("insecure" in key or "skip" in key):
            return f"TLS checks off ({name})"
    return None


def _unfiltered(change: Change) -> str | None:
    """Why a new stream forwarder is loose: no filter or event selection, so it gets every event of its source."""
    keys = {w for path, _ in leaves(change.after) for key in path for w in key_words(key)}
    if change.action is Action.CREATE and forwarder(change) and not keys & {"filter", "filters", "events", "event"}:
        return "every event of its source (no filter)"
    return None


def _admission(change: Change) -> str | None:
    """Why an admission webhook typed as such (`kubernetes_mutating_webhook_configuration_v1`) is loose."""
    named = ADMISSION_TYPE.search(change.type)
    return None if named is None else f"every object it admits passing through it (a {named.group(0)})"


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
    first = WORD.findall(domain)[0] if WORD.findall(domain) else ""
    # a word for the flow itself (`archive-relay.net`, `backup-sync.io`) names no organisation
    ours = domain in own.domains or (len(first) >= 4 and first not in GENERIC | BULK and first in own.words)
    if domain in TENANT_PLATFORMS:  # the customer is the host's first label, not the platform's domain
        tenant = host.split(".", 1)[0]
        ours = host in own.names or tenant in own.names or any(
            len(w) >= 4 and w not in GENERIC and w in own.words for w in WORD.findall(tenant))
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


def _moved_bucket(change: Change, path: tuple[str, ...], text: str, added: bool) -> tuple[str, set[str]] | None:
    """The bucket an existing object's bucket receiver moves to (a storage URL, a `bucket_name` in a sink block),
    with the words of the project the old receiver named; None for a receiver that is or was no bucket, or one the
    object did not have before. A receiver in a project named by its words (`projects/acme-secops/topics/siem`)
    moved to a bucket counts too: the bucket must then be named like that project."""
    if added or change.action not in (Action.UPDATE, Action.REPLACE) or not path:
        return None
    kept = {t for p, t in leaves(change.after) if p == path}
    dropped = [t for p, t in leaves(change.before) if p == path and t not in kept]
    projects = {w for t in dropped for m in NAMED_PROJECT.finditer(t) for w in WORD.findall(m.group(1).lower())
                if len(w) >= 4 and not w.isdigit()}
    if not projects and not any(_bucket(path, t) for t in dropped):
        return None  # a bucket added beside one kept, or a log group turned into a bucket, is no bucket moved
    bucket = _bucket(path, text)
    return None if bucket is None else (bucket, projects)


def _bucket(path: tuple[str, ...], text: str) -> str | None:
    """The bucket a receiver value at PATH names: a storage URL, an S3 ARN or a name under a `bucket` key."""
    named = bucket_named(text)
    if named is None and "bucket" in key_words(path[-1]) and BUCKET_NAME.fullmatch(text.strip()):
        named = text.strip().lower()
    return named


def _judge_bucket(bucket: str, own: Own, projects: set[str]) -> tuple[str, Severity] | None:
    """Why a moved bucket receiver is outside what the plan shows: no other value of the plan (a bucket it
    creates or keeps, a grant, a policy, the old receiver) names it, and its name does not start with the words of
    the plan's own buckets or share one with the project the old receiver lived in. Bucket names are global: one
    nobody here names can be anybody's."""
    first = WORD.findall(bucket)[0]
    if bucket in own.names or first in own.bucket_words or set(WORD.findall(bucket)) & projects:
        return None
    return f"bucket {bucket}, which no resource of the plan creates, keeps or names", Severity.HIGH


# Copies a service makes only to accounts of the same organization (AWS Backup's cross-account copy requires both
# accounts in one AWS Organization): where the plan shows no account of its own, the receiver is as likely the
# organization's DR or vault account as anyone's, and is medium. Beside accounts the plan shows, a new one stays high.
ORGANIZATION_BOUND = (("aws_backup_plan", "copy_action"),)
SAME_ORGANIZATION = " (AWS Backup copies only to accounts of the same organization)"


def _organization_bound(change: Change, path: tuple[str, ...]) -> bool:
    return any(change.type == kind and block in path for kind, block in ORGANIZATION_BOUND)


def _judge(change: Change, path: tuple[str, ...], text: str, own: Own, loose: str | None,
           carried: bool, added: bool = False) -> tuple[str, Severity] | None:
    """Why one new destination value is outside the organisation, and how bad."""
    allowing = path and any(w.startswith("allow") for w in key_words(path[-1]))
    if allowing and text.strip() and ANY_PREFIX.match(text.strip()):
        return f"any destination ({text.strip()!r} allows every host)", Severity.HIGH
    moved = _moved_bucket(change, path, text, added)
    if moved is not None:
        return _judge_bucket(moved[0], own, moved[1])
    parsed = host_of(text)
    if parsed is not None and not _platform(parsed[1]):
        if path and key_words(path[-1]) & NOT_DEST_WORDS:
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
        if _organization_bound(change, path) and not any(ACCOUNT.match(scope) for scope in own.scopes):
            return f"{outside[0]}, an account the plan never shows as its own{SAME_ORGANIZATION}", Severity.MEDIUM
        # A new notice (a lifecycle hook's queue, an alarm's topic) in another account carries ids, not data.
        notice = change.action is Action.CREATE and not loose and not carried \
            and not (key_words(change.type) | {w for part in path for w in key_words(part)}) & BULK
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
    candidates = [(c, [(p, t) for p, t in leaves(c.after) if is_destination(p, forwarder(c))]) for c in changes
                  if not pulls(c)]
    candidates = [(c, found) for c, found in candidates if found]
    if not candidates:
        return  # the plan-wide walk for what is ours runs only when some change names a destination
    own = evidence(ri, [c for c, _ in candidates])
    for change, found in candidates:
        before = {t for _, t in leaves(change.before)}
        held = {p for p, _ in leaves(change.before)}
        loose = _loose(change.after) or _unfiltered(change) or _admission(change)
        carried = carries_own(change.after, own)
        judged = [(j, p) for p, t in found if t not in before
                  for j in [_judge(change, p, t, own, loose, carried, p not in held)] if j is not None]
        if judged:
            (why, severity), path = max(judged, key=lambda item: item[0][1] == Severity.HIGH)
            leaves_it = "it stays in the organisation" if why.endswith(SAME_ORGANIZATION) \
                else "it leaves the organisation"
            yield finding(RULE, change.address,
                          f"{change.address} now sends data to {why} ({'.'.join(path)}): {leaves_it}; confirm the "
                          "receiver is yours or trusted", severity)
