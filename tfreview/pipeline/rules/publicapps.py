"""Risk rules, context grading (identity): what everyone may reach because its own names say it is public.

- A sign-in bypass for everyone on an application this same plan creates for a host its own names call public (a
  status page, the marketing site, public docs). Everyone reaching it without signing in is the purpose, and nothing
  that asked for a sign-in before stops asking: the application did not exist. A bypass on an application that
  already existed, one created for a host named internal or administrative (or not named public at all), or one in
  another module, stays high.
- A read-only grant to everyone (an object viewer, a data viewer, an invoker) on a bucket, dataset or service that
  the grant names public web assets (`www-static-assets`, `marketing-site`, `public-fonts`, `status-page`), with
  nothing in the name saying internal, private or data of people or the business. Serving those to anyone is their
  purpose; a write, an admin role, or any other name stays high.

Each is graded medium, naming why.
"""

from __future__ import annotations

import re

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_medium, grader
from tfreview.pipeline.rules.common import as_list, sides
from tfreview.pipeline.rules.endpoints import PRIVATE_WORDS, PUBLIC_WORDS, resource_words
from tfreview.pipeline.rules.guardrails import BYPASS
from tfreview.pipeline.rules.planview import plan_view

APPLICATIONS = lazy_compile(r"access_application|(?:^|_)application$|_app$")
POLICIES = lazy_compile(r"access_polic|access_rule")
# What a public page is for, beside the web words endpoints.py reads: an uptime status page, public docs.
PUBLIC_PAGES = PUBLIC_WORDS | {"status", "statuspage", "docs", "documentation", "marketing", "blog", "careers"}
GRADED = (BYPASS, "iam-public-member")
# What public web assets are called, beside the page words: static files, images, fonts, downloads, open data.
ASSET_WORDS = PUBLIC_PAGES | {"static", "assets", "asset", "cdn", "fonts", "images", "img", "media", "opendata",
                              "open"}
# Names that say the object holds what must not be public, whatever else they say.
KEPT_WORDS = PRIVATE_WORDS | {"backup", "backups", "export", "exports", "customer", "customers", "user", "users", "pii",
                              "logs", "audit", "billing", "invoice", "invoices", "receipts", "statements", "reports",
                              "documents", "contracts", "records", "medical", "health", "tax", "finance", "payroll",
                              "secrets", "uploads", "raw", "data", "downloads"}
# A role that only reads objects or invokes (GCP `roles/storage.objectViewer`, `roles/run.invoker`, a data viewer).
READ_ONLY_ROLE = lazy_compile(r"(?:^|[/.])(?:\w*viewer|\w*reader|\w*invoker)$", re.IGNORECASE)
TARGETS = ("bucket", "name", "service", "dataset_id", "function", "cloud_function", "repository")
NAME_WORD = lazy_compile(r"[a-z0-9]+")


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


@grader
def public_assets_read(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Everyone granted only reads on objects the grant names public web assets: medium."""
    if not any(f.rule == "iam-public-member" and f.severity is Severity.HIGH for f in findings):
        return findings
    grants = {c.address: c for c in plan_view(review_input).changes if c.action is not Action.DELETE}
    graded = []
    for found in findings:
        grant = grants.get(found.address or "")
        target = _public_asset(grant) if grant is not None and found.rule == "iam-public-member" \
            and found.severity is Severity.HIGH else None
        if target is not None:
            found = graded_medium(found, f"read-only, on {target}, which its name says is served to the public")
        graded.append(found)
    return graded


def _public_asset(grant: Change) -> str | None:
    """The target a read-only grant names, when its words say public web assets and nothing says kept private."""
    _, after = sides(grant)
    roles = [r for key in ("role", "roles") for r in as_list(after.get(key)) if r]
    if not roles or not all(isinstance(r, str) and READ_ONLY_ROLE.search(r.strip()) for r in roles):
        return None
    for key in TARGETS:
        value = after.get(key)
        if isinstance(value, str) and value:
            words = set(NAME_WORD.findall(value.rsplit("/", 1)[-1].lower()))
            if words & ASSET_WORDS and not words & KEPT_WORDS:
                return value.rsplit("/", 1)[-1]
    return None
