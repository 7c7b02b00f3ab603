"""Risk rules, reach: a network link created between a production network and a non-production one (any
provider): a transit gateway propagation or association, a peering, an attachment or a route whose own name says
it joins prod to dev, test or staging (`prod_to_dev`, `dev-prod-peering`). Every host of the weaker environment
learns a path to production, so whatever runs there (anyone's test code) reaches it. Read from the link's own
resource name, for_each key, `name` and name tag only; a link between shared services and dev, or prod and prod,
stays quiet."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.environments import NON_PRODUCTION_ENVS, PRODUCTION_TOKENS

CROSSED = declare("prod-linked-nonprod", Severity.HIGH,
                  "A network link (a transit gateway propagation or association, a peering, an attachment, a route) "
                  "is created whose own name joins a production network to a non-production one: every host there "
                  "learns a path to production (any provider).")
# Types that join two networks or teach one the other's routes.
LINKS = lazy_compile(r"(?:^|_)(?:propagation|association|peering|peering_connection|attachment|route|routes"
                     r"|network_link|vnet_link|connection|interconnect)(?:_|$)")
NETWORKS = lazy_compile(r"transit_gateway|tgw|vpc|vnet|virtual_network|network|peering|route|mesh|hub")
_TOKEN = lazy_compile(r"[a-z0-9]+")
_KEY = lazy_compile(r'\["([^"\]]*)"\]$')
# Non-production words of a link's name; `stage` alone is also a pipeline's, and `perf` a tuning word: not read.
NON_PRODUCTION = NON_PRODUCTION_ENVS - {"stage", "perf", "benchmark"} | {"nonprod", "npe", "uat", "sbx"}


def _name_words(change: Change) -> set[str]:
    _, after = sides(change)
    tags = after.get("tags") if isinstance(after.get("tags"), dict) else {}
    # the for_each key too: `propagation.this["prod/sandbox"]` is named for the two segments it joins
    key = _KEY.search(change.address)
    names = [change.name, str(after.get("name") or ""), str((tags or {}).get("Name") or ""), key[1] if key else ""]
    return {w for text in names for w in _TOKEN.findall(text.lower())}


@on_change(actions=(Action.CREATE, Action.REPLACE))
def _prod_linked(change: Change) -> Iterator[Finding]:
    if not LINKS.search(change.type) or not NETWORKS.search(change.type):
        return
    words = _name_words(change)
    prod, other = words & PRODUCTION_TOKENS, words & NON_PRODUCTION
    if prod and other:
        yield finding(CROSSED, change.address, f"{change.address}: a network link named for {sorted(prod)[0]} and "
                      f"{sorted(other)[0]} joins production to a non-production network: every host there learns "
                      "a path to production; keep the environments' routes apart (share through a hub or an "
                      "inspected path)")
