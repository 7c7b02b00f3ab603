"""Risk rules, reach: code inside a resource (an identity provider's action, an edge function, a hook script) that
newly sends a user's profile, request data or its secrets to a host the plan does not show as its own.

A network call (`fetch`, `axios`, `requests.post`, `http.request`, `curl`…) added to code text whose URL names a
public host outside every domain the rest of the plan names, and whose arguments carry people's data or secrets
(`event.user`, `profile`, `email`, `event.secrets`, `request.ip`). A call to the plan's own domains, to an alerting
vendor or cloud platform, or one that sends only ids stays quiet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, managed, rule
from tfreview.pipeline.rules.code import MAX_CALL, texts
from tfreview.pipeline.rules.common import mentions
from tfreview.pipeline.rules.domains import public, registrable, special_use
from tfreview.pipeline.rules.egress import ALERTING, PLATFORMS

RULE = "code-sends-user-data"
SEND_CALL = lazy_compile(r"\b(?:fetch|axios(?:\s*\.\s*(?:post|put|patch|request))?|(?:requests|httpx|session|client"
                         r"|http|https|got|superagent|needle|request)\s*\.\s*(?:post|put|patch|request)|urlopen"
                         r"|\$\.(?:post|ajax)|curl)\s*\(", re.IGNORECASE)
URL = lazy_compile(r"https?://((?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*)", re.IGNORECASE)
HOSTS = lazy_compile(r"(?:://|@)((?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*)", re.IGNORECASE)
# What a payload must name to carry people's data or secrets (not an id or a count).
PERSONAL = lazy_compile(r"\b(?:event|context|ctx|req|request)\s*\.\s*(?:user|secrets|request\s*\.\s*ip|body|headers)\b"
                        r"|\buser(?:_?metadata|_?profile|\.email|\.name|\.phone\w*)?\b(?!_?id\b|\s*\.\s*(?:id|user_id)\b)"
                        r"|\bprofile\b|\bemail\b|\bphone\w*|\bsecrets?\b|\bpassword\b|\btokens?\b|\bip\b",
                        re.IGNORECASE)
PRECHECK = (b"fetch", b"axios", b"post", b"request", b"urlopen", b"curl", b"ajax")


def _calls(text: str) -> Iterator[str]:
    """The text of every network send call in CODE, from its name to its closing parenthesis."""
    for match in SEND_CALL.finditer(text):
        depth, end = 1, match.end()
        stop = min(len(text), end + MAX_CALL)
        while end < stop and depth:
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        yield " ".join(text[match.start():end].split())


def _outside(host: str, own: set[str]) -> bool:
    host = host.lower()
    if "." not in host or special_use(host) or not public(host):
        return False
    domain = registrable(host)
    return domain not in own and domain not in ALERTING and not any(host == p or host.endswith("." + p)
                                                                     for p in PLATFORMS)


def _own_domains(ri: ReviewInput, change: Change) -> set[str]:
    """Registrable domains the plan names outside the code this change adds."""
    found: set[str] = set()
    for other in ri.changeset.changes:
        sides = [other.before] if other is change else [other.before, other.after]
        for side in sides:
            if isinstance(side, dict):
                found |= {registrable(h.lower()) for _, text in texts(side) for h in HOSTS.findall(text)}
    return found


@rule(RULE, Severity.HIGH, "Code inside a resource (an identity action, edge function, hook) newly sends a user's "
      "profile, request data or secrets to a host the plan does not show as its own.")
def _sends_user_data(ri: ReviewInput) -> Iterator[Finding]:
    for change in managed(ri.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE):
        if not isinstance(change.after, dict) or not mentions(change.after, PRECHECK):
            continue
        old = {call for _, text in texts(change.before or {}) for call in _calls(text)}
        new = [(path, call) for path, text in texts(change.after) for call in _calls(text) if call not in old]
        if not new:
            continue
        own = _own_domains(ri, change)
        for path, call in new:
            hosts = [h for h in URL.findall(call) if _outside(h, own)]
            carried = PERSONAL.search(call.split(",", 1)[1] if "," in call else "")
            if hosts and carried:
                yield finding(RULE, change.address, f"{change.address}: {path} now sends {carried.group()!r} to "
                              f"{hosts[0]}, a host the plan does not show as its own (user data leaves the "
                              "organisation)")
                break
