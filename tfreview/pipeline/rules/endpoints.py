"""Risk rules, context grading: everyone allowed to *invoke* a service that the plan shows is a public web endpoint
is how a public HTTP service is made (like 443 open on a load balancer): medium, not high.

Only an invoke-only role qualifies (it calls the endpoint; it reads no data and changes no configuration), and
only on a service this plan manages whose own name and labels say it is public-facing (public, web, site, www…)
and none say it is internal or administrative. Viewer, reader, editor and admin roles to everyone stay high, and
so does invoking a service the plan does not show or one that calls itself internal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import module_of
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, grader
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.judge import PUBLIC
from tfreview.pipeline.rules.planview import plan_view

INVOKE_ONLY = re.compile(r"(?:^|[/.:_\- ])invoker\Z", re.IGNORECASE)  # roles/run.invoker, cloudfunctions.invoker…
PUBLIC_WORDS = frozenset({"public", "web", "www", "site", "website", "frontend", "landing", "homepage"})
PRIVATE_WORDS = frozenset({"internal", "admin", "private", "backoffice", "intranet", "console", "management",
                           "ops", "restricted"})
TARGET_KEYS = ("service", "name", "function", "cloud_function", "app", "endpoint")
_WORD = re.compile(r"[a-z0-9]+")


@grader
def public_endpoint(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Everyone allowed to invoke a service whose own names say it is a public web endpoint: medium."""
    if not any(f.rule == PUBLIC and f.severity is Severity.HIGH for f in findings):
        return findings
    view = plan_view(review_input)
    changes = {c.address: c for c in view.changes if c.mode == "managed"}
    graded: list[Finding] = []
    for found in findings:
        grant = changes.get(found.address or "")
        if found.rule == PUBLIC and found.severity is Severity.HIGH and grant is not None and _invoke_only(grant):
            service = _service(grant, changes.values())
            if service is not None and _says_public(service):
                found = found.model_copy(update={"severity": Severity.MEDIUM, "message": found.message +
                                                 f" — invoke-only, on {service.address}, which this plan names"
                                                 " a public web endpoint"})
        graded.append(found)
    return graded


def _invoke_only(grant: Change) -> bool:
    """Whether every role the grant gives is an invoker role."""
    _, after = sides(grant)
    roles = [after.get(key) for key in ("role", "roles") if after.get(key)]
    flat = [r for role in roles for r in (role if isinstance(role, list) else [role])]
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
        if module_of(change.address) == module and str(values.get("name", "")).rsplit("/", 1)[-1] in names:
            return change
    return None


def _says_public(service: Change) -> bool:
    """Whether the service's own name, labels and tags say public web and nothing says internal or admin."""
    _, after = sides(service)
    texts = [str(after.get("name", "")), service.address.rsplit(".", 1)[-1]]
    for key in ("labels", "tags", "annotations"):
        if isinstance(after.get(key), dict):
            texts += [f"{k} {v}" for k, v in after[key].items()]
    words = {w for text in texts for w in _WORD.findall(text.lower())}
    return bool(words & PUBLIC_WORDS) and not words & PRIVATE_WORDS
