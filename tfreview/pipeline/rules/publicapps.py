"""Risk rules, context grading (identity): a sign-in bypass for everyone on an application this same plan creates
for a host its own names call public (a status page, the marketing site, public docs). Everyone reaching it without
signing in is the purpose, and nothing that asked for a sign-in before stops asking: the application did not exist.
The bypass is graded medium, naming the application. A bypass on an application that already existed, one created
for a host named internal or administrative (or not named public at all), or one in another module, stays high.
"""

from __future__ import annotations

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_medium, grader
from tfreview.pipeline.rules.endpoints import PRIVATE_WORDS, PUBLIC_WORDS, resource_words
from tfreview.pipeline.rules.guardrails import BYPASS
from tfreview.pipeline.rules.planview import plan_view

APPLICATIONS = lazy_compile(r"access_application|(?:^|_)application$|_app$")
POLICIES = lazy_compile(r"access_polic|access_rule")
# What a public page is for, beside the web words endpoints.py reads: an uptime status page, public docs.
PUBLIC_PAGES = PUBLIC_WORDS | {"status", "statuspage", "docs", "documentation", "marketing", "blog", "careers"}
GRADED = (BYPASS, "iam-public-member")


@grader
def public_page_bypassed(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Bypass-for-everyone findings on a policy whose module creates a public-named application: medium."""
    if not any(f.rule in GRADED and f.severity is Severity.HIGH for f in findings):
        return findings
    view = plan_view(review_input)
    created = [c for c in view.of(Action.CREATE) if APPLICATIONS.search(c.type)]
    if not created:
        return findings
    policies = {c.address: c for c in view.of(Action.CREATE) if POLICIES.search(c.type)}
    graded = []
    for found in findings:
        policy = policies.get(found.address or "")
        app = _public_app(policy, created) if policy is not None else None
        if found.rule in GRADED and found.severity is Severity.HIGH and app is not None:
            found = graded_medium(found, f"{app.address} is created in this plan for a public page: nothing that "
                                         "asked for a sign-in before stops asking")
        graded.append(found)
    return graded


def _public_app(policy: Change, created: list[Change]) -> Change | None:
    """The one application created beside POLICY (same module) when its names say public page and nothing private."""
    mine = [app for app in created if app.module == policy.module]
    if len(mine) != 1:
        return None
    words = resource_words(mine[0], "domain", "hostname")
    return mine[0] if words & PUBLIC_PAGES and not words & PRIVATE_WORDS else None
