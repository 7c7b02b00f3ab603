"""Risk rules, software supply chain (reported as gitops-source-moved, declared in workloads.py): the repository a
deployer takes its code from — a Terraform or HCP workspace's VCS repo, a build project's or trigger's source, any
provider's repo setting — moves to another owner (a personal fork, another organisation) or another host. Whoever
owns that repository now decides what is planned and applied. The same owner's other repository (a rename within
the organisation) or another branch of the same repository is not reported; kubernetes_manifest sources are
workloads.py's.

A production deployer that waited for a person now applies or syncs by itself (a workspace's `auto_apply`, an
Argo CD application's `automated` sync, any provider's `autoDeploy`) is reported as auth-weakened: an approval no
longer asked for. Its production is read from the address, name and labels; a sandbox's or preview's is not news."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import snake_case
from tfreview.pipeline.rules.environments import PRODUCTION_TOKENS, label_tokens, non_production
from tfreview.pipeline.rules.values import pairs, plain

SOURCE = "gitops-source-moved"
UNCONFIRMED = "auth-weakened"  # declared in vocabulary/terms.py: an approval no longer asked for
# A block or attribute that names where code comes from (`vcs_repo`, `source`, `github`, `repository_url`).
REPO_PLACE = lazy_compile(r"(?:^|[._])(?:vcs|vcs_repo|repo|repos|repository|repositories|source|sources|github"
                          r"|gitlab|bitbucket|git|code_source|source_repo|source_repository)(?:_\w+)?(?:\.|$)")
# The keys that identify the repository itself (not its branch, path or trigger settings).
REPO_KEYS = frozenset({"identifier", "repo", "repository", "full_name", "repo_url", "repository_url", "url",
                       "location", "clone_url", "git_url", "source_url", "uri", "repo_identifier", "repository_id",
                       "full_repository_id", "full_repository_name", "repository_full_name"})
# An API's CamelCase keys (a pipeline action's `FullRepositoryId`) read as snake_case.
OWNER_KEYS = frozenset({"owner", "organization", "organisation", "org"})
# owner/name, optionally after a scheme, user and host: `acme/infra`, `https://github.com/acme/infra.git`.
SLUG = lazy_compile(r"(?P<owner>[a-z0-9][a-z0-9_.-]*)/(?P<name>[a-z0-9][a-z0-9_.-]*?)(?:\.git)?/?")
URL = lazy_compile(r"(?:[a-z+]+://)?(?:[^@/]+@)?(?P<host>[a-z0-9.-]+\.[a-z]{2,})[:/](?P<owner>[a-z0-9][a-z0-9_.-]*)"
                   r"/(?P<name>[a-z0-9][a-z0-9_.-]*?)(?:\.git)?(?:/.*)?")
# Images and charts have repositories too: who publishes them is judged by the image and chart rules.
ARTEFACTS = lazy_compile(r"image|chart|container|registry|docker|ecr|package")
AUTO_APPLY = ("auto_apply", "autoapply", "auto_deploy", "auto_merge")


def _repository(value: Any) -> tuple[str, str] | None:
    """(host, owner) of a repository reference; host is empty for an `owner/name` slug."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if (match := URL.fullmatch(text)) is not None:
        return match["host"].removeprefix("www."), match["owner"]
    if (match := SLUG.fullmatch(text)) is not None:
        return "", match["owner"]
    return None


def _moved(path: str, before: Any, after: Any) -> str | None:
    """'from → to' when the repository at PATH changes owner or host, else None."""
    where, _, key = snake_case(plain(path)).rpartition(".")
    if not REPO_PLACE.search(f"{where}.{key}" if where else key) or ARTEFACTS.search(where):
        return None
    if key in OWNER_KEYS and where and isinstance(before, str) and isinstance(after, str) \
            and before.strip() and after.strip() and before.strip().lower() != after.strip().lower():
        return f"owner {before} → {after}"
    old, new = (_repository(before), _repository(after)) if key in REPO_KEYS else (None, None)
    if old is None or new is None or old == new or (old[1] == new[1] and "" in (old[0], new[0])):
        return None
    return f"{before} → {after}"


@on_change(actions=(Action.UPDATE, Action.REPLACE))
def _repository_moved(change: Change) -> Iterator[Finding]:
    if change.type == "kubernetes_manifest" or ARTEFACTS.search(change.type):
        return
    for path, before, after in pairs(change):
        moved = _moved(path, before, after)
        if moved is not None:
            after_values = change.after if isinstance(change.after, dict) else {}
            auto = next((k for k in AUTO_APPLY if after_values.get(k) is True), None)
            applied = f"; {auto} is on, so its code is applied with no one confirming" if auto else ""
            yield finding(SOURCE, change.address, f"{change.address}: {path} {moved}: the code it deploys now comes "
                          f"from another owner's repository{applied}")
            return


# --- deploys no one confirms, on production -------------------------------------------------------------------------
AUTO_SWITCHES = frozenset({"auto_apply", "autoapply", "auto_deploy", "autodeploy", "auto_sync", "autosync"})
AUTO_BLOCKS = frozenset({"automated"})  # Argo CD's sync_policy.automated: present, every commit is synced
_TOKEN = lazy_compile(r"[a-z0-9]+")


def _automatic(value: Any, path: str = "") -> set[str]:
    """The paths inside VALUE at which a deployer applies or syncs by itself (a switch true, an automated block)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            name = snake_case(str(key))
            if (name in AUTO_SWITCHES and inner is True) or (name in AUTO_BLOCKS and inner not in (None, [], {})):
                found.add(f"{path}{key}")
            found |= _automatic(inner, f"{path}{key}.")
    elif isinstance(value, list):
        for item in value:
            found |= _automatic(item, path)
    return found


def _production(change: Change) -> bool:
    """Whether the object's address, name or labels say production, and its environment tags do not say otherwise."""
    attrs = change.after if isinstance(change.after, dict) else {}
    words = set(_TOKEN.findall(change.address.lower())) | label_tokens(attrs)
    meta = attrs.get("metadata")
    meta = meta[0] if isinstance(meta, list) and meta and isinstance(meta[0], dict) else meta
    names = [attrs.get("tag_names"), attrs.get("name"), meta.get("name") if isinstance(meta, dict) else None]
    words |= {w for name in names for w in _TOKEN.findall(str(name or "").lower())}
    return bool(words & PRODUCTION_TOKENS) and not non_production(change)


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(*(w.encode() for w in AUTO_SWITCHES), b"automated"))
def _confirmation_removed(change: Change) -> Iterator[Finding]:
    """A production deployer that waited for someone to confirm now applies or syncs every merge by itself: a bad
    commit (or a destroy) reaches production with no one reading the plan."""
    turned_on = _automatic(change.after) - _automatic(change.before)
    if turned_on and _production(change):
        yield finding(UNCONFIRMED, change.address, f"{change.address}: {', '.join(sorted(turned_on))} turned on in "
                      "production: every merge is applied with no one confirming the plan")
