"""Risk rules, software supply chain (feeds `supply-chain-opened`): where code comes from moved to a host that
imitates the one it came from.

A chart, package or image repository (`repository`, `registry`, `index_url`, a source or mirror URL, on any
provider) that moves from `charts.jetstack.io` to `charts.jetstack-io.com`, or from `registry.npmjs.org` to
`registry.npmjs.org.example.net`, keeps the old name's words under a domain someone else registered: the classic
typosquat, and whoever holds that domain now ships the code the cluster or build runs. A move within the same
domain (`charts.acme.io` → `helm.acme.io`), to a host that does not imitate the old one (an internal mirror named
after the service it mirrors), or a version bump finds nothing here.

Code a page or a function loads by URL (a `<script src>` an edge worker injects, an import in a function's text)
is read the same way against the public code CDNs every site loads from: a URL new to the change whose host passes
for one of them under another domain (`cdn.jsdelivr-static.net`, `unpkg-cdn.com`) runs that domain's owner's
script in every visitor's browser, card forms included. The CDNs themselves, and hosts that imitate none, are quiet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import sides, string_leaves
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


# Public CDNs and tag hosts that pages load script from: a host imitating one serves its owner's code instead.
CODE_CDNS = ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "ajax.googleapis.com", "code.jquery.com",
             "cdn.skypack.dev", "esm.sh", "ga.jspm.io", "www.googletagmanager.com", "www.google-analytics.com",
             "js.stripe.com", "static.cloudflareinsights.com", "browser.sentry-cdn.com",
             "js-agent.newrelic.com", "www.datadoghq-browser-agent.com", "connect.facebook.net",
             "stackpath.bootstrapcdn.com", "cdn.shopify.com", "js.hs-scripts.com")
# The CDNs' owners' other domains, which carry the owner's name (Cloudflare Access, DNS over HTTPS, R2).
CDN_DOMAINS = frozenset(registrable(host) for host in CODE_CDNS) | {
    "cloudflareaccess.com", "cloudflare-dns.com", "cloudflarestorage.com", "cloudflare-ipfs.com",
    "cloudflareclient.com", "cloudflare-gateway.com", "cloudflare.net"}
URL = lazy_compile(r"(?:https?:)?//([a-z0-9][a-z0-9.-]*\.[a-z]{2,})(?=[/:'\"?#\s>]|$)", re.IGNORECASE)


CODE_WORDS = ("script", ".js", ".mjs")


def _url_hosts(values: object) -> set[str]:
    """The hosts every URL names in VALUES' strings that speak of code (CODE_WORDS), lower case."""
    return {match.lower() for text in string_leaves(values) if "//" in text
            and any(word in text.lower() for word in CODE_WORDS) for match in URL.findall(text)}


@on_change(words=tuple(word.encode() for word in CODE_WORDS))
def _code_cdn_imitated(change: Change) -> Iterator[Finding]:
    """A URL new to the change whose host imitates a public code CDN under another registrable domain."""
    before, after = sides(change)
    for host in sorted(_url_hosts(after) - _url_hosts(before)):
        if registrable(host) in CDN_DOMAINS:
            continue
        cdn = next((cdn for cdn in CODE_CDNS if imitates(cdn, host)), None)
        if cdn:
            yield finding(SUPPLY, change.address, f"{change.address}: now loads code from {host}, a host that "
                          f"imitates {cdn} under another domain ({registrable(host)}): whoever registered it runs "
                          "script in every visitor's browser")
            return
