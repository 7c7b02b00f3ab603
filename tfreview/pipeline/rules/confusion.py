"""Risk rules, dependency confusion (risk rules stage): package repositories that let a public registry answer for
internal package names. An aggregating (virtual, group) repository that now asks a public remote before the
internal one; a remote that stops excluding the internal scopes (`@acme/**`); an internal repository that gains a
direct public upstream. Anyone may then publish an internal name on the public registry with a higher version and
have builds install it. Internal members first, exclusions kept, and a public upstream on a proxy-only repository
are not reported. Read by what attributes mean on any artifact manager (Artifactory, Nexus, CodeArtifact, Azure
Artifacts…).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import as_list, show, sides, string_leaves
from tfreview.pipeline.rules.supplychain import SUPPLY

REPOSITORY_TYPE = lazy_compile(r"repositor|registry|feed|package|artifact")
AGGREGATE_TYPE = lazy_compile(r"virtual|group|aggregat|codeartifact_repository")
MEMBER_KEYS = lazy_compile(r"repositories|repository_keys|repository_names|members|member_names|member_repos"
                           r"|upstreams?|upstream_repositories|upstream_sources")
EXCLUDE_KEYS = lazy_compile(r"\w*exclu\w*|blocked_\w*patterns?|deny_patterns?")
CONNECTION_KEYS = lazy_compile(r"external_connections?|external_connection_names?|public_upstreams?")
_WORD = lazy_compile(r"[a-z0-9]+")
PUBLIC_WORDS = frozenset({"remote", "proxy", "public", "npmjs", "pypi", "central", "mirror", "upstream", "external",
                          "dockerhub", "nuget", "rubygems", "crates", "cran", "conda", "gradle"})
INTERNAL_WORDS = frozenset({"local", "internal", "private", "hosted", "release", "releases", "snapshot",
                            "snapshots", "inhouse", "corp", "company", "own"})
PROXY_ONLY = frozenset({"proxy", "mirror", "cache", "caching", "public", "upstream", "remote", "external",
                        "thirdparty", "oss", "opensource"})
DESCRIBING = lazy_compile(r"name|key|repository|repository_name|description|id")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _member(item: Any) -> str:
    """A member's name: the string itself or the first string of its block (`{repository_name = …}`)."""
    return next(iter(string_leaves(item)), "") if isinstance(item, (dict, list)) else str(item or "")


def _first(members: list[str], words: frozenset[str]) -> int:
    return next((i for i, m in enumerate(members) if _words(m) & words), len(members))


def _public_first(value: Any) -> bool:
    """Whether an ordered member list asks a public remote before any internal member it holds."""
    members = [_member(i) for i in as_list(value)]
    internal = _first(members, INTERNAL_WORDS)
    return internal < len(members) and _first(members, PUBLIC_WORDS) < internal


def _internal_first(value: Any) -> bool:
    members = [_member(i) for i in as_list(value)]
    internal = _first(members, INTERNAL_WORDS)
    return internal < len(members) and internal < _first(members, PUBLIC_WORDS)


def _patterns(value: Any) -> set[str]:
    return {p.strip() for text in string_leaves(value) for p in text.split(",") if p.strip()}


@on_change(actions=(Action.UPDATE, Action.REPLACE), type_pattern=REPOSITORY_TYPE)
def _resolution_opened(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    for key, new in after.items():
        old = before.get(key)
        if AGGREGATE_TYPE.search(change.type) and MEMBER_KEYS.fullmatch(key) and _internal_first(old) \
                and _public_first(new):
            yield finding(SUPPLY, change.address, f"{change.address}: {key} {show(old)} → {show(new)} (a public "
                          "remote now answers before the internal repository: a package published there under an "
                          "internal name is installed instead)")
        dropped = sorted(_patterns(old) - _patterns(new)) if EXCLUDE_KEYS.fullmatch(key) else []
        if dropped and _words(change.type + " " + _describe(after)) & PUBLIC_WORDS:
            yield finding(SUPPLY, change.address, f"{change.address}: {key} no longer excludes {show(dropped[0])} "
                          "(the public registry may now answer for those internal names: dependency confusion)")


def _describe(values: dict[str, Any]) -> str:
    return " ".join(v for k, v in values.items() if DESCRIBING.fullmatch(k) and isinstance(v, str))


@on_change(actions=(Action.UPDATE, Action.REPLACE), type_pattern=REPOSITORY_TYPE)
def _public_upstream(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    words = _words(_describe(after)) | ({"internal"} if "@" in _describe(after) else set())
    if not words & INTERNAL_WORDS or words & PROXY_ONLY:
        return
    for key, new in after.items():
        if not CONNECTION_KEYS.fullmatch(key):
            continue
        added = sorted(set(string_leaves(new)) - set(string_leaves(before.get(key))))
        public = [a for a in added if _words(a) & PUBLIC_WORDS]
        if public:
            yield finding(SUPPLY, change.address, f"{change.address}: {key} gains {show(public[0])} on a repository "
                          "of internal packages (the public registry may now answer for internal names: dependency "
                          "confusion)")
            return


# An upstream kept as its own object (a feed's upstream source): where it points, the order it is asked in, and
# the package scopes it may answer for.
UPSTREAM_TYPE = lazy_compile(r"(?:^|_)upstreams?(?:_|$)")
PUBLIC_REGISTRIES = lazy_compile(r"(?:^|\.|//)(?:registry\.npmjs\.org|registry\.yarnpkg\.com|pypi\.org"
                                 r"|files\.pythonhosted\.org|repo1?\.maven\.org|repo\.maven\.apache\.org"
                                 r"|api\.nuget\.org|rubygems\.org|crates\.io|proxy\.golang\.org)(?:[:/]|$)")
ORDER_KEYS = ("priority", "order", "position", "rank")
SCOPE_KEYS = lazy_compile(r"\w*scope\w*|\w*filter\w*|\w*pattern\w*|\w*include\w*|\w*exclu\w*")


@on_change(actions=(Action.CREATE,), type_pattern=UPSTREAM_TYPE)
def _public_upstream_first(change: Change) -> Iterator[Finding]:
    """A new upstream of an internal feed (its own values say internal) to a public registry, asked first (priority
    1 or 0) with no scope filter: a package published there under an internal name wins."""
    _, after = sides(change)
    if not _words(" ".join(string_leaves(after))) & INTERNAL_WORDS:
        return
    public = next((text for text in string_leaves(after) if PUBLIC_REGISTRIES.search(text.lower())), None)
    order = next((after[k] for k in ORDER_KEYS if isinstance(after.get(k), int) and not isinstance(after[k], bool)),
                 None)
    scoped = any(SCOPE_KEYS.fullmatch(k) and v not in (None, "", [], {}) for k, v in after.items())
    if public and order is not None and order <= 1 and not scoped:
        yield finding(SUPPLY, change.address, f"{change.address}: a new upstream to {public} asked first ("
                      f"priority {order}) with no scope filter: a package published there under an internal name is "
                      "installed instead (dependency confusion)")
