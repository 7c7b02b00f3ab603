"""Risk rules, context grading (identity): a sign-in bypass for everyone on an access application whose every
domain is one health or status path (`status.acme.io/healthz`, `/ping`, `/readyz`) is how an uptime checker
reaches a probe: medium, not high. The application is found through the policy's configured reference (or its
`application_id` value); a bypass on a whole host, or on any other path, stays high.
"""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.configuration import configuration
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_medium, grader
from tfreview.pipeline.rules.common import as_dict, as_list
from tfreview.pipeline.rules.guardrails import BYPASS
from tfreview.pipeline.rules.judge import PUBLIC
from tfreview.pipeline.rules.planview import plan_view

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
    for reference in as_list(expression.get("references")):
        target = changes.get(str(reference).removesuffix(".id"))
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
