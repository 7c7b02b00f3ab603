"""Risk rules, context grading: everyone allowed to *invoke* a service that the plan shows is a public web endpoint
is how a public HTTP service is made (like 443 open on a load balancer): medium, not high; so is its invoke check
switched off (`invoker_iam_disabled`).

Only an invoke-only role or action qualifies (it calls the endpoint; it reads no data and changes no
configuration), and only on a service this plan manages whose own name and labels say it is public-facing
(public, web, site, www…) and none say it is internal or administrative, or whose configuration names the secret
it checks callers' signatures with (a webhook receiver); the same holds for a new endpoint created without auth
in front of such a receiver (a function URL whose function names its signing secret). Viewer, reader, editor and
admin roles to everyone stay high, and so does invoking a service the plan does not show or one that calls itself
internal.

A new endpoint that still authenticates every caller (its own auth mode is oidc/jwt/iam…, or its access-control
block is on with anonymous access off) is medium when it is created public or with a resource policy open to
everyone; and a new endpoint created without auth that says it is public and serves only reads (GET/HEAD) is
medium too; so is a new public receiver that verifies every caller's signature (its signing secret set, no
verification switch or scheme off), and a new edge (CDN) property whose origin in this plan accepts only the edge's
authenticated pulls (neither saying admin or internal). See authn.py for what "still authenticates" reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import module_of
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_medium, grader
from tfreview.pipeline.rules.authn import (
    READ_METHODS,
    methods,
    pulls_authenticated,
    signed,
    still_authenticates,
    verifies,
)
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.judge import PUBLIC
from tfreview.pipeline.rules.network import INGRESS
from tfreview.pipeline.rules.openroutes import harmless_route
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.vocabulary import AUTH
from tfreview.pipeline.rules.vocabulary import PUBLIC as EXPOSED

INVOKE_ONLY = lazy_compile(r"(?:^|[/.:_\- ])invoker\Z", re.IGNORECASE)  # roles/run.invoker, cloudfunctions.invoker…
INVOKE_ACTION = lazy_compile(r"^[\w-]+:Invoke\w*\Z")  # lambda:InvokeFunction, lambda:InvokeFunctionUrl
PUBLIC_WORDS = frozenset({"public", "web", "www", "site", "website", "frontend", "landing", "homepage"})
PRIVATE_WORDS = frozenset({"internal", "admin", "private", "backoffice", "intranet", "console", "management",
                           "ops", "restricted"})
# The invoke check of a service switched off by a negated switch (`invoker_iam_disabled`): anyone may invoke it.
INVOKER_OFF = lazy_compile(r"\binvoker\w*_disabled\b")
TARGET_KEYS = ("service", "name", "function", "cloud_function", "app", "endpoint", "function_name")
_WORD = lazy_compile(r"[a-z0-9]+")


@grader
def public_endpoint(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Everyone allowed to invoke a service whose own names say it is a public web endpoint: medium."""
    if not any(f.rule in (PUBLIC, EXPOSED, AUTH, INGRESS) and f.severity is Severity.HIGH for f in findings):
        return findings
    view = plan_view(review_input)
    changes = {c.address: c for c in view.changes if c.mode == "managed"}
    graded: list[Finding] = []
    for found in findings:
        grant = changes.get(found.address or "")
        if found.rule == PUBLIC and found.severity is Severity.HIGH and grant is not None and _invoke_only(grant):
            service = _service(grant, changes.values())
            why = None if service is None else (
                "which this plan names a public web endpoint" if _says_public(service) and _reads_only(service)
                is not False else signed(sides(service)[1]))
            if service is not None and why is not None:
                found = graded_medium(found, f"invoke-only, on {service.address}, {why}")
        elif found.severity is Severity.HIGH and grant is not None and grant.action is Action.CREATE \
                and found.rule in (PUBLIC, EXPOSED):
            why = _still_guarded(found, grant, changes.values())
            if why is not None:
                found = graded_medium(found, f"a new endpoint: {why}")
        elif found.rule == INGRESS and found.severity is Severity.HIGH and grant is not None \
                and grant.action is Action.CREATE and (why := harmless_route(grant, changes.values())) is not None:
            found = graded_medium(found, f"an HTTP route, {why}")
        elif found.rule == AUTH and found.severity is Severity.HIGH and grant is not None \
                and INVOKER_OFF.search(found.message) and _says_public(grant) and _reads_only(grant) is not False:
            found = graded_medium(found, "invoke-only, on a service this plan names a public web endpoint")
        graded.append(found)
    return graded


def _still_guarded(found: Finding, endpoint: Change, changes: Iterable[Change]) -> str | None:
    """Why a new endpoint created public or without auth still has a control in front of it, or None."""
    after = sides(endpoint)[1]
    if not _no_auth(found):
        why = still_authenticates(after)
    elif _says_public(endpoint) and _reads_only(endpoint):
        why = "it names itself a public endpoint and serves only reads"
    else:
        why = _fronts_signed(endpoint, changes) or harmless_route(endpoint, changes)
    return why or verifies(after) or _origin_locked(endpoint, changes)


def _fronts_signed(endpoint: Change, changes: Iterable[Change]) -> str | None:
    """Why an endpoint without auth still checks its callers: the service it fronts names its signing secret."""
    service = _service(endpoint, changes)
    why = None if service is None else signed(sides(service)[1])
    return None if service is None or why is None else f"it fronts {service.address}, {why}"


def _origin_locked(edge: Change, changes: Iterable[Change]) -> str | None:
    """Why a new edge property stays closed at its back: the origin it names (in this plan, nothing about either
    says admin or internal) accepts only the edge's authenticated pulls."""
    _, values = sides(edge)
    named = {v for v in values.values() if isinstance(v, str) and v}
    module = module_of(edge.address)
    for change in changes:
        _, own = sides(change)
        if change is edge or change.action is Action.DELETE or module_of(change.address) != module \
                or own.get("name") not in named or _says_private(edge) or _says_private(change):
            continue
        why = pulls_authenticated(own)
        if why is not None:
            return f"it fronts {change.address}; {why}"
    return None


def _no_auth(found: Finding) -> bool:
    """Whether the finding says the endpoint is created without authentication."""
    return "anyone who can reach it can call it" in found.message


def _reads_only(change: Change) -> bool | None:
    """Whether the methods an endpoint declares are all reads; None when it declares none."""
    declared = methods(sides(change)[1])
    return None if not declared else declared <= READ_METHODS


def _invoke_only(grant: Change) -> bool:
    """Whether every role (or permission action) the grant gives only invokes."""
    _, after = sides(grant)
    roles = [after.get(key) for key in ("role", "roles") if after.get(key)]
    flat = [r for role in roles for r in (role if isinstance(role, list) else [role])]
    if not flat and isinstance(after.get("action"), str):
        return INVOKE_ACTION.match(after["action"].strip()) is not None
    return bool(flat) and all(isinstance(r, str) and INVOKE_ONLY.search(r.strip()) for r in flat)


def _service(grant: Change, changes: Iterable[Change]) -> Change | None:
    """The service the grant is on: a non-IAM resource of the same module whose name the grant names."""
    _, after = sides(grant)
    names = {str(after[key]).rsplit("/", 1)[-1] for key in TARGET_KEYS if isinstance(after.get(key), str)}
    module = module_of(grant.address)
    for change in changes:
        _, values = sides(change)
        if change is grant or "_iam_" in change.type or change.action is Action.DELETE:
            continue
        own = {str(values.get(key, "")).rsplit("/", 1)[-1] for key in ("name", "function_name")} - {""}
        if module_of(change.address) == module and own & names:
            return change
    return None


def _says_private(change: Change) -> bool:
    """Whether a resource's own name, labels, tags or host name say internal or administrative."""
    return bool(resource_words(change, "hostname") & PRIVATE_WORDS)


def _says_public(service: Change) -> bool:
    """Whether the service's own name, labels and tags say public web and nothing says internal or admin."""
    words = resource_words(service)
    return bool(words & PUBLIC_WORDS) and not words & PRIVATE_WORDS


def resource_words(service: Change, *keys: str) -> set[str]:
    """The words of a resource's own name, function name, address name, labels, tags and annotations (and KEYS)."""
    _, after = sides(service)
    texts = [str(after.get(key, "")) for key in ("name", "function_name", *keys)] + [service.address.rsplit(".", 1)[-1]]
    for key in ("labels", "tags", "annotations"):
        if isinstance(after.get(key), dict):
            texts += [f"{k} {v}" for k, v in after[key].items()]
    return {w for text in texts for w in _WORD.findall(text.lower())}
