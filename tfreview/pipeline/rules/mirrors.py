"""Risk rules, context grading: a new public registry project or repository that only mirrors a public registry
(a pull-through or proxy cache whose upstream — its own URL, or the registry object it references — is Docker Hub,
Quay, GHCR, a public ECR gallery or the like, reached with no credentials) serves what anyone can already pull.
Its public-access finding is medium, not high. An upstream reached with credentials (a private organisation's
images), a private host, or an existing project made public stay as graded."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.addresses import referenced_object, references_in
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import Configuration, configuration
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_medium, grader
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.vocabulary.terms import PUBLIC

# Registries whose anonymous pulls return only public images and packages.
PUBLIC_REGISTRIES = frozenset({"hub.docker.com", "registry-1.docker.io", "docker.io", "index.docker.io",
                               "registry.hub.docker.com", "quay.io", "ghcr.io", "gcr.io", "mirror.gcr.io",
                               "public.ecr.aws", "registry.k8s.io", "k8s.gcr.io", "mcr.microsoft.com",
                               "registry.npmjs.org", "pypi.org", "files.pythonhosted.org", "repo.maven.apache.org",
                               "repo1.maven.org", "proxy.golang.org", "rubygems.org", "crates.io"})
UPSTREAM_KEYS = lazy_compile(r"(?:\w+_)?(?:url|endpoint|endpoint_url|upstream|upstream_url|remote_url|registry_url"
                             r"|upstream_registry_url)")
# Who an upstream signs in as; a secret beside an empty identity signs in as no one (registries ask for both).
IDENTITY_KEYS = lazy_compile(r"(?:\w+_)?(?:access_id|username|user|access_key|access_key_id|client_id|login)")
SECRET_KEYS = lazy_compile(r"(?:\w+_)?(?:access_secret|password|token|secret|credentials?|secret_key|auth)")
# The attribute by which a project names the registry it mirrors (`registry_id`, `upstream`, `proxy_registry`).
MIRROR_REFERENCE = lazy_compile(r"\w*(?:registry|upstream|remote|proxy|mirror)\w*")


def _anonymous_public_upstream(values: Any) -> bool:
    """Whether VALUES (a registry object or remote repository) point at a public registry with no credentials."""
    if not isinstance(values, dict):
        return False
    hosts = {(urlsplit(v if "://" in v else f"https://{v}").hostname or "") for k, v in values.items()
             if UPSTREAM_KEYS.fullmatch(k) and isinstance(v, str) and v.strip()}
    identities = [v for k, v in values.items() if IDENTITY_KEYS.fullmatch(k)]
    secrets = [v for k, v in values.items() if SECRET_KEYS.fullmatch(k)]
    signed_in = any(_set(v) for v in identities) if identities else any(_set(v) for v in secrets)
    return bool(hosts) and hosts <= PUBLIC_REGISTRIES and not signed_in


def _set(value: Any) -> bool:
    return value not in (None, "", [], {})


def _mirrors_public(change: Change, config: Configuration) -> bool:
    """Whether a created project or repository mirrors a public registry anonymously, by its own upstream URL or
    the registry object its mirror attribute references."""
    _, after = sides(change)
    if _anonymous_public_upstream(after):
        return True
    expressions = config.expressions(change.address) or {}
    targets = {referenced_object(r, change.address) for key, expression in expressions.items()
               if MIRROR_REFERENCE.fullmatch(key) for r in references_in(expression)}
    return any(_anonymous_public_upstream(config.planned.get(t, (None, None))[0]) for t in targets if t)


@grader
def public_mirror(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Public access on a new project that only mirrors a public registry: medium."""
    if not any(f.rule == PUBLIC and f.severity is Severity.HIGH for f in findings):
        return findings
    changes = {c.address: c for c in review_input.changeset.changes if c.action is Action.CREATE}
    config = configuration(review_input.plan)
    graded: list[Finding] = []
    for found in findings:
        target = changes.get(found.address or "")
        if found.rule == PUBLIC and found.severity is Severity.HIGH and target is not None \
                and _mirrors_public(target, config):
            found = graded_medium(found, "it only mirrors a public registry, anonymously: what it serves is "
                                  "already public")
        graded.append(found)
    return graded
