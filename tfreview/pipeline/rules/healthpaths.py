"""Risk rules, context grading (identity): endpoints that answer anyone on purpose, because nothing is behind them.

A sign-in bypass for everyone on an access application whose every domain is one health or status path
(`status.acme.io/healthz`, `/ping`, `/readyz`) is how an uptime checker reaches a probe: medium, not high. The
application is found through the policy's configured reference (or its `application_id` value); a bypass on a whole
host, or on any other path, stays high. Likewise an API method opened to anyone whose integration in the plan is a
MOCK (a fixed response, no backend).
"""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.addresses import config_address, referenced_object
from tfreview.pipeline.configuration import configuration
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_medium, grader
from tfreview.pipeline.rules.common import as_dict, as_list
from tfreview.pipeline.rules.guardrails import BYPASS
from tfreview.pipeline.rules.judge import PUBLIC
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.vocabulary.terms import PUBLIC as OPEN

# The last path segment of a probe endpoint, by the names health checkers use.
PROBE_PATH = lazy_compile(r"_?(?:health|healthz|healthcheck|health-check|health_check|status|statusz|ping|ready"
                          r"|readyz|readiness|live|livez|liveness|heartbeat|up)/?")
DOMAIN_KEYS = ("domain", "self_hosted_domains", "domains", "destinations", "uri")


@grader
def probe_bypass(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A bypass for everyone (or a public-member finding of one) on a policy whose application covers only probe
    paths: medium, with the paths named."""
    if not any(f.rule in (BYPASS, PUBLIC) and f.severity is Severity.HIGH for f in findings):
        return findings
    view = plan_view(review_input)
    changes = {c.address: c for c in view.changes}
    config = configuration(review_input.plan)
    graded = []
    for found in findings:
        change = changes.get(found.address or "")
        if found.rule in (BYPASS, PUBLIC) and found.severity is Severity.HIGH and change is not None \
                and "bypass" in str(as_dict(change.after).get("decision", "")).lower():
            app = _application(change.address, as_dict(change.after), changes, config)
            paths = _probe_paths(app) if app is not None else None
            if paths:
                found = graded_medium(found, f"its application covers only {', '.join(paths[:3])}, a health probe's "
                                      "path: how an uptime checker reaches it")
        graded.append(found)
    return graded


def _application(address: str, values: dict[str, Any], changes: dict[str, Any], config: Any) -> dict[str, Any] | None:
    """The after values of the application a policy belongs to: by the configured reference, else by id."""
    expression = as_dict((config.expressions(address) or {}).get("application_id"))
    targets = {referenced_object(str(r), address) for r in as_list(expression.get("references"))}
    target = next((c for c in changes.values() if config_address(c.address) in targets), None)
    if target is not None:
        return as_dict(target.after)
    wanted = values.get("application_id")
    return next((as_dict(c.after) for c in changes.values() if wanted and as_dict(c.after).get("id") == wanted), None)


def _probe_paths(app: dict[str, Any]) -> list[str]:
    """The application's domains when each one is a host with a probe path; [] otherwise."""
    domains = [str(d) for key in DOMAIN_KEYS for d in as_list(app.get(key)) if isinstance(d, str) and d]
    if not domains:
        return []
    for domain in domains:
        host, _, path = domain.strip().partition("/")
        if not host or not path or not PROBE_PATH.fullmatch(path.rsplit("/", 2)[-1] or path.rsplit("/", 2)[-2]):
            return []
    return sorted(set(domains))


@grader
def mock_routes(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A method opened to anyone (authorization NONE) whose integration in this plan is a MOCK: a fixed response
    (a health check's 200), no backend or data behind it; medium."""
    if not any(f.rule == OPEN and f.severity is Severity.HIGH and "authorization" in f.message for f in findings):
        return findings
    view = plan_view(review_input)
    config = configuration(review_input.plan)
    mocks = [(c, _target(c, config)) for c in view.changes if c.type.endswith("_integration")
             and str(as_dict(c.after).get("type", "")).upper() == "MOCK"]
    changes = {c.address: c for c in view.changes}
    graded = []
    for found in findings:
        method = changes.get(found.address or "")
        if found.rule == OPEN and found.severity is Severity.HIGH and method is not None \
                and method.type.endswith("_method"):
            route = _target(method, config)
            if any(_same_route(m, t, method, route) for m, t in mocks):
                found = graded_medium(found, "its integration is a MOCK: a fixed response, no backend or data behind "
                                      "it")
            elif api := _private_api(method, view.changes, config):
                found = graded_medium(found, f"{api} is a PRIVATE API: only callers inside the network, through its "
                                      "VPC endpoint, reach it")
        graded.append(found)
    return graded


def _private_api(method: Any, changes: list[Any], config: Any) -> str | None:
    """The address of the method's API when the plan shows it private (endpoint type PRIVATE only), else None."""
    wanted = as_dict(method.after).get("rest_api_id")
    expression = as_dict((config.expressions(method.address) or {}).get("rest_api_id"))
    referenced = {referenced_object(str(r), method.address) for r in as_list(expression.get("references"))}
    for api in changes:
        values = as_dict(api.after)
        types = [t for block in as_list(values.get("endpoint_configuration"))
                 for t in as_list(as_dict(block).get("types"))]
        if types == ["PRIVATE"] and (config_address(api.address) in referenced
                                     or (wanted and values.get("id") == wanted)):
            return str(api.address)
    return None


def _same_route(mock: Any, target: tuple[str, str, str], method: Any, wanted: tuple[str, str, str]) -> bool:
    """Whether a MOCK integration is the method's: the same API, resource and HTTP method, or, where either
    resource is unknown, the same API and HTTP method under the same resource name (`…integration.health`)."""
    if target[0] != wanted[0] or target[2] != wanted[2]:
        return False
    if target[1] and wanted[1]:
        return target[1] == wanted[1]
    return str(mock.address).rsplit(".", 1)[-1] == str(method.address).rsplit(".", 1)[-1]


def _target(change: Any, config: Any) -> tuple[str, str, str]:
    """(api, resource, HTTP method) a method or integration is for: the resource by id, or by its configured
    reference when the id is known only after apply."""
    values = as_dict(change.after)
    resource = values.get("resource_id")
    if not isinstance(resource, str) or not resource:
        expression = as_dict((config.expressions(change.address) or {}).get("resource_id"))
        resource = next((found for r in as_list(expression.get("references"))
                         if (found := referenced_object(str(r), change.address))), "")
    return str(values.get("rest_api_id", "")), resource, str(values.get("http_method", "")).upper()
