"""Risk rules, context grading (identity): what everyone may reach because its own names say it is public.

- A sign-in bypass for everyone on an application this same plan creates for a host its own names call public (a
  status page, the marketing site, public docs). Everyone reaching it without signing in is the purpose, and nothing
  that asked for a sign-in before stops asking: the application did not exist. A bypass on an application that
  already existed, one created for a host named internal or administrative (or not named public at all), or one in
  another module, stays high.
- A read-only grant to everyone (an object viewer, a data viewer, an invoker) on a bucket, dataset or service that
  the grant names public web assets (`www-static-assets`, `marketing-site`, `public-fonts`, `status-page`), with
  nothing in the name saying internal, private or data of people or the business; a store opened for anonymous
  reads of its objects only (`container_access_type = "blob"`, a public-read ACL) whose own names say the same; and a
  bucket policy that lets anyone get objects by name (no listing, no writes) on a bucket whose name says published
  content only (`static`, `assets`, `opendata`: not `docs`, `images` or `media`, which private stores are called
  too); where the plan shows that bucket, its own labels must say public too (its website settings are
  websites.py's). A store's labels read "open data" as one term.
  Serving those to anyone is their purpose; a write, listing, an admin role, or any other name stays high.
- A Kubernetes Service or Helm release made to face the internet on web ports only (80/443, no console) whose own
  names say it is the public web front (`storefront`, `frontend`, `www`): serving the web is its purpose. A service
  with any other port, a console, or no such name stays high.

Each is graded medium, naming why.
"""

from __future__ import annotations

import re

import tfreview.pipeline.rules.policy as policy
from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_medium, grader
from tfreview.pipeline.rules.common import as_dict, as_list, sides
from tfreview.pipeline.rules.direction import words
from tfreview.pipeline.rules.endpoints import PRIVATE_WORDS, PUBLIC_WORDS, resource_words
from tfreview.pipeline.rules.environments import label_tokens
from tfreview.pipeline.rules.grading import high_graded_medium
from tfreview.pipeline.rules.guardrails import BYPASS
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.services import PUBLIC_SERVICE, web_ports_only

APPLICATIONS = lazy_compile(r"access_application|(?:^|_)application$|_app$")
POLICIES = lazy_compile(r"access_polic|access_rule")
# What a public page is for, beside the web words endpoints.py reads: an uptime status page, public docs.
PUBLIC_PAGES = PUBLIC_WORDS | {"status", "statuspage", "docs", "documentation", "marketing", "blog", "careers"}
GRADED = (BYPASS, "iam-public-member")
# What public web assets are called, beside the page words: static files, images, fonts, media, open data.
# Software handed to the public (a game client's patches, installers, release mirrors) is served the same way.
ASSET_WORDS = PUBLIC_PAGES | {"static", "assets", "asset", "cdn", "fonts", "images", "img", "media", "opendata",
                              "open", "patch", "patches", "installer", "installers", "mirror", "mirrors"}
# Names that say the object holds what must not be public, whatever else they say.
KEPT_WORDS = PRIVATE_WORDS | {"backup", "backups", "export", "exports", "customer", "customers", "user", "users", "pii",
                              "logs", "audit", "billing", "invoice", "invoices", "receipts", "statements", "reports",
                              "documents", "contracts", "records", "medical", "health", "tax", "finance", "payroll",
                              "secrets", "uploads", "raw", "data", "downloads"}
# A role that only reads objects or invokes (GCP `roles/storage.objectViewer`, `roles/run.invoker`, a data viewer).
READ_ONLY_ROLE = lazy_compile(r"(?:^|[/.])(?:\w*viewer|\w*reader|\w*invoker)$", re.IGNORECASE)
LISTING_ROLE = lazy_compile(r"bucket|list", re.IGNORECASE)  # a bucket-level reader lists every object's name
TARGETS = ("bucket", "name", "service", "dataset_id", "function", "cloud_function", "repository")
READ_GRADED = ("iam-public-member", "public-bucket")
READ_ONLY_MODES = frozenset({"blob", "public-read", "publicread"})  # anonymous reads of objects, no listing or writes
WRITE_MODES = frozenset({"public-read-write", "publicreadwrite", "container"})
SERVICE_TYPES = frozenset({"kubernetes_service", "kubernetes_service_v1", "kubernetes_manifest", "helm_release"})


@grader
def public_page_bypassed(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Bypass-for-everyone findings on a policy whose module creates a public-named application: medium."""
    return high_graded_medium(review_input, findings, GRADED,
                              lambda found, policy: _for_public_page(policy, review_input), (Action.CREATE,))


def _for_public_page(policy: Change, review_input: ReviewInput) -> str | None:
    """Why a bypass on a created access policy is medium: its module creates one application, for a public page."""
    if not POLICIES.search(policy.type):
        return None
    app = _public_app(policy, plan_view(review_input).derived("applications created", _applications_created))
    return None if app is None else (f"{app.address} is created in this plan for a public page: nothing that asked "
                                     "for a sign-in before stops asking")


def _applications_created(view: PlanView) -> list[Change]:
    return [c for c in view.of(Action.CREATE) if APPLICATIONS.search(c.type)]


def _public_app(policy: Change, created: list[Change]) -> Change | None:
    """The one application created beside POLICY (same module) when its names say public page and nothing private."""
    mine = [app for app in created if app.module == policy.module]
    if len(mine) != 1:
        return None
    said = resource_words(mine[0], "domain", "hostname")
    return mine[0] if said & PUBLIC_PAGES and not said & PRIVATE_WORDS else None


@grader
def public_assets_read(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Everyone granted only reads on objects the grant (or the store's own name) calls public web assets: medium."""
    if not any(f.rule in READ_GRADED and f.severity is Severity.HIGH for f in findings):
        return findings
    changes = {c.address: c for c in plan_view(review_input).changes if c.action is not Action.DELETE}
    shown = {str(sides(c)[1].get(key)): c for c in changes.values()
             if "_iam_" not in c.type and not c.type.endswith("_policy")  # the stores, not what grants on them
             for key in ("name", "bucket") if sides(c)[1].get(key)}
    graded = []
    for found in findings:
        change = changes.get(found.address or "")
        target = None
        if change is not None and found.severity is Severity.HIGH and found.rule == "iam-public-member":
            target = _public_asset(change)
            if target is not None and target in shown and not _labelled_public(shown[target]) \
                    and not _new_and_unlabelled(shown[target]):
                target = None  # the plan shows the store: its settings (websites.py) or its own labels decide
        elif change is not None and found.severity is Severity.HIGH and found.rule == "public-bucket":
            target = _public_asset_store(change) or _public_asset_policy(change)
            store = shown.get(target or "")
            if store is not None and not _labelled_public(store):
                target = None  # the plan shows the bucket: its website settings (websites.py) or its labels decide
        if target is not None:
            found = graded_medium(found, f"read-only, on {target}, which its name says is served to the public")
        graded.append(found)
    return graded


def _new_and_unlabelled(store: Change) -> bool:
    """Whether a store is created in this plan (it holds nothing yet: what it will serve is what its name says) and
    none of its labels says it keeps what must stay private."""
    return store.action is Action.CREATE and not _label_words(store) & KEPT_WORDS


def _labelled_public(store: Change) -> bool:
    """Whether a store's own labels or tags (not only its name) say public web assets, and none says kept."""
    said = _label_words(store)
    return bool(said & ASSET_WORDS) and not said & KEPT_WORDS


def _label_words(store: Change) -> set[str]:
    """The words of a store's labels, "open data" read as one word (data published for anyone, not data kept)."""
    said = label_tokens(sides(store)[1])
    return said - {"open", "data"} | {"opendata"} if {"open", "data"} <= said else said


# What anyone may do to a store of public assets by its purpose: read an object (or a version of it) by its name.
OBJECT_READS = frozenset({"s3:getobject", "s3:getobjectversion"})
# The asset words that name only published content: not those a private store is also called by (`docs` for
# documents, a `landing` zone for ingest, `media` uploads, `images` of deliveries or scans, a `site`'s records).
PUBLISHED_ONLY = ASSET_WORDS - {"docs", "documentation", "landing", "open", "site", "web", "media", "images", "img",
                                "frontend", "status", "careers", "blog"}


def _public_asset_policy(store: Change) -> str | None:
    """The bucket a policy opens to anyone for object reads only (no listing, no writes), when its name says
    published content only and nothing says kept private."""
    before, after = sides(store)
    opened = [s for s in policy.new_statements(before.get("policy"), after.get("policy"))
              if policy.public_principal(s) and not policy.conditions(s)]
    if not opened or not all(policy.actions(s) and {a.lower() for a in policy.actions(s)} <= OBJECT_READS
                             for s in opened):
        return None
    bucket = after.get("bucket") or after.get("id")
    if not isinstance(bucket, str) or not bucket:
        return None
    said = words(bucket)
    return bucket if said & PUBLISHED_ONLY and not said & KEPT_WORDS else None


def _public_asset_store(store: Change) -> str | None:
    """A store opened for anonymous reads only (`container_access_type = "blob"`, a public-read ACL) whose own names
    say public web assets and nothing says kept private."""
    _, after = sides(store)
    modes = {str(after.get(key, "")).lower() for key in ("container_access_type", "acl", "predefined_acl")}
    if not modes & READ_ONLY_MODES or modes & WRITE_MODES:
        return None
    metadata = after.get("metadata")
    said = resource_words(store) | {w for text in (metadata.values() if isinstance(metadata, dict) else ())
                                    for w in words(str(text))}
    return store.address if said & ASSET_WORDS and not said & KEPT_WORDS else None


def _public_asset(grant: Change) -> str | None:
    """The target a read-only grant names, when its words say public web assets and nothing says kept private."""
    _, after = sides(grant)
    roles = [r for key in ("role", "roles") for r in as_list(after.get(key)) if r]
    if not roles or not all(isinstance(r, str) and READ_ONLY_ROLE.search(r.strip()) and not LISTING_ROLE.search(r)
                            for r in roles):
        return None
    for key in TARGETS:
        value = after.get(key)
        if isinstance(value, str) and value:
            said = words(value.rsplit("/", 1)[-1])
            if said & ASSET_WORDS and not said & KEPT_WORDS:
                return value.rsplit("/", 1)[-1]
    return None


# What the public web front of a site is called, beside the web words endpoints.py reads.
FRONT_WORDS = PUBLIC_WORDS | {"storefront", "shop", "frontend", "webapp", "marketing", "landing"}
FRONT_GRADED = (PUBLIC_SERVICE, "public-access")


@grader
def public_web_front(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A service made internet-facing on web ports only, whose names say it is the public web front: medium."""
    if not any(f.rule in FRONT_GRADED and f.severity is Severity.HIGH for f in findings):
        return findings
    services = {c.address: c for c in plan_view(review_input).changes
                if c.type in SERVICE_TYPES and c.action is not Action.DELETE}
    graded = []
    for found in findings:
        service = services.get(found.address or "")
        if found.rule in FRONT_GRADED and found.severity is Severity.HIGH and service is not None \
                and web_ports_only(service) and (said := _service_words(service)) & FRONT_WORDS \
                and not said & PRIVATE_WORDS:
            found = graded_medium(found, "on web ports only, for a service its names call the public web front")
        graded.append(found)
    return graded


def _service_words(service: Change) -> set[str]:
    """The words of a service's own names: the resource's, its metadata name and app labels, a release's chart."""
    _, after = sides(service)
    meta = as_dict(next(iter(as_list(after.get("metadata"))), None))
    labels = as_dict(meta.get("labels"))
    texts = [service.name, str(after.get("name") or ""), str(after.get("chart") or ""), str(meta.get("name") or ""),
             *(str(v) for v in labels.values())]
    return {w for text in texts for w in words(text)}
