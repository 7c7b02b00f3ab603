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

A `<script src>` newly written into the pages a worker or edge function serves, from a host that is none of those
CDNs, puts a third party's code on every page it serves: medium, and high on pages the plan shows take payments (the
script's own name, or a route that runs it, says checkout, pay, billing, cart or card: the Magecart pattern, which
PCI DSS answers by authorising every payment-page script) unless the plan names that host's domain as its own
elsewhere (a route, a zone, a record).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, graded_high, grader, on_change
from tfreview.pipeline.rules.common import sides, string_leaves
from tfreview.pipeline.rules.direction import words
from tfreview.pipeline.rules.imitation import host_of, imitates, registrable
from tfreview.pipeline.rules.installers import named_elsewhere
from tfreview.pipeline.rules.planview import plan_view
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


SCRIPT_SRC = lazy_compile(r"<script\b[^>]*?\bsrc\s*=\s*\\?[\"']?(?:https?:)?//([a-z0-9][a-z0-9.-]*\.[a-z]{2,})",
                          re.IGNORECASE)
INJECTED = "into the pages it serves"
PAYMENT_WORDS = frozenset({"checkout", "pay", "payment", "payments", "billing", "cart", "card", "cards"})
ROUTE_HOST = lazy_compile(r"^\*?\.?([a-z0-9][a-z0-9.-]*\.[a-z]{2,})(?:/|$)", re.IGNORECASE)  # a route's host
INJECTED_FROM = lazy_compile(r"writes a <script> from (\S+) " + INJECTED)


def _script_hosts(values: object) -> set[str]:
    return {host.lower() for text in string_leaves(values) if "<script" in text.lower()
            for host in SCRIPT_SRC.findall(text)}


@on_change(words=(b"<script",))
def _third_party_script(change: Change) -> Iterator[Finding]:
    """A `<script src>` new to the change from a host that is no public code CDN (a look-alike is reported above)."""
    before, after = sides(change)
    for host in sorted(_script_hosts(after) - _script_hosts(before)):
        if registrable(host) in CDN_DOMAINS or any(imitates(cdn, host) for cdn in CODE_CDNS):
            continue
        yield finding(SUPPLY, change.address, f"{change.address}: now writes a <script> from {host} {INJECTED}: that "
                      "host's owner runs code in every visitor's browser", Severity.MEDIUM)
        return


@grader
def payment_page_script(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A third party's script injected into pages the plan shows take payments: high."""
    if not any(f.rule == SUPPLY and INJECTED in f.message for f in findings):
        return findings
    changes = plan_view(review_input).changes
    graded: list[Finding] = []
    for found in findings:
        match = INJECTED_FROM.search(found.message) if found.rule == SUPPLY else None
        if match and found.severity is Severity.MEDIUM and (pages := _payment_pages(changes, found.address)) \
                and registrable(match.group(1)) not in named_elsewhere(changes, found.address) \
                | {registrable(host) for host in _served_hosts(changes, found.address)}:
            found = graded_high(found, f"it serves {pages}, where card details are typed")
        graded.append(found)
    return graded


def _payment_pages(changes: list[Change], address: str | None) -> str | None:
    """What says the script serves payment pages: its own address or name, or a route that runs it by name."""
    script, name, routes = _routes_running(changes, address)
    if script is None:
        return None
    if words(f"{script.address} {name}") & PAYMENT_WORDS:
        return script.address
    for route in routes:
        paying = [text for text in string_leaves(sides(route)[1]) if text != name and words(text) & PAYMENT_WORDS]
        if paying:
            return f"{route.address} ({paying[0]})"
    return None


def _served_hosts(changes: list[Change], address: str | None) -> set[str]:
    """The hosts of the routes that run the script at ADDRESS by name (`shop.example.com/checkout*`)."""
    _, _, routes = _routes_running(changes, address)
    return {match.group(1).lower() for route in routes for text in string_leaves(sides(route)[1])
            if (match := ROUTE_HOST.match(text)) is not None}


def _routes_running(changes: list[Change], address: str | None) -> tuple[Change | None, str, list[Change]]:
    """The script at ADDRESS, its name, and the other changes that name it (the routes that run it)."""
    script = next((c for c in changes if c.address == address), None)
    name = str(sides(script)[1].get("name") or "") if script is not None else ""
    return script, name, [c for c in changes if name and c is not script and name in sides(c)[1].values()]
