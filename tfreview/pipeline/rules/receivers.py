"""Which value of a change names where its data is sent, and what host it names (risk rules stage; feeds
`egress-outside` through egress.py, and clients.py).

A leaf names a receiver when its own key says so (`url`, `endpoint`, `webhook`, `destination`, `recipients`)
or an enclosing block does (`destination`, `push`, `outputs`), never under a configuration block (`environment`,
`headers`, `tags`) nor under a key that makes it an identity or a source (`service_account`, `sender`, `origin`).
JSON held in strings is read as blocks; objects that pull from or probe a URL send nothing there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.rules.common import snake_case

# Words of an attribute that names where data is sent, and of a block whose every value is about the receiver.
DEST_WORDS = frozenset({"url", "urls", "uri", "endpoint", "endpoints", "webhook", "webhooks", "destination",
                        "destinations", "server", "servers", "target", "targets", "recipient", "recipients",
                        "addresses", "sink", "prefixes", "forward", "hook", "hooks", "relayhost", "smarthost"})
BLOCK_WORDS = frozenset({"destination", "destinations", "target", "targets", "webhook", "webhooks", "sink",
                         "recipient", "recipients", "email", "push", "copy", "outputs"})
# A reference to the resource's own parent (a server_id, a target_name), not a receiver.
REFERENCE_WORDS = frozenset({"id", "ids", "name", "names"})
# Words of an id that names whose account, project or subscription a receiver lives in (`aws_account_id` inside a
# `destination` block, `destination_storage_account_id`): the owner of the receiver, never the resource's parent.
SCOPE_WORDS = frozenset({"account", "project", "subscription", "tenant"})
# Words that make an address an identity or a source, not a receiver (a service account's email, a sender).
NOT_DEST_WORDS = frozenset({"account", "service", "owner", "identity", "principal", "member", "user", "admin",
                            "sender", "from", "reply", "source", "issuer", "audience", "origin", "callback",
                            "redirect", "logout", "login", "homepage", "image", "repository", "repo", "registry",
                            "blocked", "block", "denied", "deny", "exclude", "excluded"})
# A link for people to open (a runbook, docs, a support page, a logo): nothing is sent there. Only a key made of
# these words and a link word alone (`runbook_url`, `help_link`) is one: `support_webhook_url` still receives.
LINK_WORDS = frozenset({"runbook", "runbooks", "playbook", "documentation", "docs", "doc", "wiki", "help", "support",
                        "about", "terms", "privacy", "tos", "logo", "icon", "avatar", "guide", "manual", "readme",
                        "info", "url", "uri", "link", "links", "href", "page"})
# Blocks that configure the workload itself (its environment, headers, labels), not a receiver of its data.
CONFIG_WORDS = frozenset({"environment", "env", "variables", "vars", "tags", "labels", "metadata", "annotations",
                          "headers", "settings", "description"})
# Objects whose type says they send (a repository's webhook is a webhook, not a repository).
SENDING = frozenset({"webhook", "hook", "notification", "subscription", "sink", "export", "destination", "output"})
# Objects that pull from a URL (a Git or chart source, a registry) or probe it (a synthetic check): not receivers.
PULLING = frozenset({"repository", "repo", "registry", "source", "chart", "image", "package", "synthetics",
                     "synthetic", "uptime", "probe", "healthcheck", "canary"})
# Objects that only notify or filter: a notification destination carries alerts, a destination filter drops data.
FORWARDER_NOT = frozenset({"notification", "notifications", "alert", "alerts", "filter", "filters", "contact"})
URL = lazy_compile(r"^([a-z][a-z0-9+.-]*)://(?:[^@/?#\s]*@)?([^:/?#\s]*)", re.IGNORECASE)
HOST = lazy_compile(r"^((?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*)(?::\d+)?(?:/\S*)?$", re.IGNORECASE)
# A bare IPv4 address with a port (`198.51.100.77:9000`): a service endpoint, as much a host as a name is.
IP_PORT = lazy_compile(r"^((?:\d{1,3}\.){3}\d{1,3}):\d{1,5}(?:/\S*)?$")
# An MTA's next hop in brackets (Postfix `relayhost = [smtp.example.net]:587`, `[203.0.113.5]:2525`): the host
# named exactly, no MX lookup.
BRACKETED = lazy_compile(r"^\[((?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*|\d{1,3}(?:\.\d{1,3}){3})\](?::\d+)?$", re.IGNORECASE)
EMAIL = lazy_compile(r"^[^@\s/:]+@((?:[a-z0-9-]+\.)+[a-z]{2,})$", re.IGNORECASE)
NAME = lazy_compile(r"[a-z0-9._\-\[\]]*")
FORWARD_CALL = lazy_compile(r"^\s*forward\s*\(\s*[\"']([^\"']+)[\"']\s*\)\s*$", re.IGNORECASE)
WORD = lazy_compile(r"[a-z0-9]+")
MAX_DEPTH = 12


def key_words(key: str) -> set[str]:
    """The lower-case words of a key or type name (camelCase split too)."""
    return set(WORD.findall(snake_case(key)))


def leaves(value: Any, path: tuple[str, ...] = (), depth: int = 0) -> Iterator[tuple[tuple[str, ...], str]]:
    """(path of keys, string) for every scalar leaf, reading JSON documents held in strings (a state machine)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, str(key)), depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item, path, depth + 1)
    elif isinstance(value, str) and value[:1] in "{[" and len(value) > 1:
        try:
            yield from leaves(orjson.loads(value), path, depth + 1)
        except orjson.JSONDecodeError:
            yield path, value
    elif isinstance(value, str) and (call := FORWARD_CALL.match(value)):
        yield (*path, "forward"), call.group(1)  # a mail route's action `forward("https://…")`
    elif isinstance(value, str | int) and not isinstance(value, bool):
        yield path, str(value)


def is_destination(path: tuple[str, ...], forwarder: bool = False) -> bool:
    """Whether a leaf at PATH names a receiver (its own key or an enclosing block says so, no configuration block;
    a FORWARDER's `settings` hold its receiver)."""
    words = [key_words(k) for k in path]
    config = CONFIG_WORDS - {"settings"} if forwarder else CONFIG_WORDS
    if not words or any(w & config for w in words):
        return False
    leaf = words[-1]
    if leaf <= LINK_WORDS and leaf - {"url", "uri", "link", "links", "href", "page"}:
        return False
    inside = any(w & BLOCK_WORDS for w in words[:-1])
    # `bucket_name` inside a `sink` block is the receiver itself, not the resource's parent.
    if leaf & REFERENCE_WORDS and not leaf & {"destination", "target"} \
            and not (inside and leaf & (SCOPE_WORDS | {"bucket"})):
        return False
    if forwarder and leaf & {"host", "hostname"} and not leaf & NOT_DEST_WORDS:
        return True  # a destination object's `host` is where its stream lands (a loader's warehouse host)
    # `destination_account_id`: the account is where the data goes, not an identity of the sender.
    stop = NOT_DEST_WORDS - SCOPE_WORDS if "destination" in leaf else NOT_DEST_WORDS
    return bool(leaf & DEST_WORDS and not leaf & stop) or inside


def under_receiver(path: tuple[str, ...]) -> bool:
    """Whether a leaf at PATH sits inside a block that describes a receiver (`destination { … }`): even its
    references (`replica_kms_key_id`) are the receiver's, never evidence of what the sender owns."""
    words = [key_words(k) for k in path]
    return any(w & BLOCK_WORDS for w in words[:-1]) and not any(w & CONFIG_WORDS for w in words)


def host_of(text: str) -> tuple[str, str] | None:
    """(scheme, host) of a URL, a host[:port][/path], an IPv4 address with a port, an MTA's `[host]:port` or a
    mailbox (scheme `mailto`); None for anything else."""
    url = URL.match(text)
    if url:
        host = url.group(2).lower()
        return (url.group(1).lower(), host) if NAME.fullmatch(host) else None
    mail = EMAIL.match(text)
    if mail:
        return "mailto", mail.group(1).lower()
    bare = HOST.match(text) or IP_PORT.match(text) or BRACKETED.match(text)
    return ("", bare.group(1).lower()) if bare else None


def pulls(change: Change) -> bool:
    """Whether the object pulls from or probes its URLs (its type or `kind` says source, repository, synthetics…)."""
    kinds = [t for p, t in leaves(change.after) if p and p[-1] == "kind"]
    words = set().union(*(key_words(name) for name in [change.type, *kinds]))
    return bool(words & PULLING) and not words & SENDING


def forwarder(change: Change) -> bool:
    """Whether the object forwards a data stream (an event pipeline's destination), not notices or a filter."""
    words = key_words(change.type)
    return bool(words & {"destination", "forwarder", "output"}) and not words & FORWARDER_NOT
