"""Risk rules, software supply chain (feeds `supply-chain-opened`): where code comes from moved to a host that
imitates the one it came from.

A chart, package or image repository (`repository`, `registry`, `index_url`, a source or mirror URL, on any
provider) that moves from `charts.jetstack.io` to `charts.jetstack-io.com`, or from `registry.npmjs.org` to
`registry.npmjs.org.example.net`, keeps the old name's words under a domain someone else registered: the classic
typosquat, and whoever holds that domain now ships the code the cluster or build runs. A move within the same
domain (`charts.acme.io` → `helm.acme.io`), to a host that does not imitate the old one (an internal mirror named
after the service it mirrors), or a version bump finds nothing here.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.imitation import host_of, imitates, registrable
from tfreview.pipeline.rules.supplychain import SUPPLY
from tfreview.pipeline.rules.values import pairs, plain

# Leaf keys that name where code, charts, packages or images come from.
SOURCE_KEYS = lazy_compile(r"(?:^|[._])(?:repository|repo|repository_url|repo_url|registry|registry_url|registry_server"
                           r"|index_url|extra_index_url|source|source_url|mirror|mirrors|chart_repository|feed|feed_url"
                           r"|package_source|artifact_url|download_url|upstream|upstream_url)$")
@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"repo", b"registry", b"index_url", b"source", b"mirror",
                                                           b"feed", b"upstream", b"_url"))
def _source_imitated(change: Change) -> Iterator[Finding]:
    for path, before, after in pairs(change):
        if not SOURCE_KEYS.search(plain(path).lower()):
            continue
        old, new = host_of(before), host_of(after)
        if old and new and old != new and imitates(old, new):
            yield finding(SUPPLY, change.address, f"{change.address}: {path} moves from {old} to {new}, a host that "
                          f"imitates it under another domain ({registrable(new)}): whoever registered it now ships "
                          "what is installed")
            return
