"""Risk rules, reach: a network link created between a production network and a non-production one (any
provider): a transit gateway propagation or association, a peering, an attachment or a route whose own name says
it joins prod to dev, test or staging (`prod_to_dev`, `dev-prod-peering`). Every host of the weaker environment
learns a path to production, so whatever runs there (anyone's test code) reaches it. Read from the link's own
resource name, for_each key, `name` and name tag only; a link between shared services and dev, or prod and prod,
stays quiet. So is a link whose own name says one environment newly pointed (by id) at an object of the plan named
for the other: a sandbox attachment's association moved to the production route table."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import RULES, Finding, ReviewInput, Severity, declare, finding, on_change, rule
from tfreview.pipeline.rules.common import as_dict, show, sides
from tfreview.pipeline.rules.environments import NON_PRODUCTION_ENVS, PRODUCTION_TOKENS, module_words
from tfreview.pipeline.rules.planview import PlanView, plan_view

CROSSED = declare("prod-linked-nonprod", Severity.HIGH,
                  "A network link (a transit gateway propagation or association, a peering, an attachment, a route) "
                  "is created whose own name joins a production network to a non-production one: every host there "
                  "learns a path to production (any provider).")
JOINED = declare("segments-joined", Severity.HIGH,
                 "Network segments are joined by a routing setting: a transit gateway's default route-table "
                 "association or propagation turned on (every attachment lands in one flat table), route "
                 "propagation turned on for a route table that pinned its traffic to a firewall, or a peering that "
                 "starts exporting its learned routes to the peer.")
# Types that join two networks or teach one the other's routes.
LINKS = lazy_compile(r"(?:^|_)(?:propagation|association|peering|peering_connection|attachment|route|routes"
                     r"|network_link|vnet_link|connection|interconnect)(?:_|$)")
NETWORKS = lazy_compile(r"transit_gateway|tgw|vpc|vnet|virtual_network|network|peering|route|mesh|hub")
_TOKEN = lazy_compile(r"[a-z0-9]+")
_KEY = lazy_compile(r'\["([^"\]]*)"\]$')
# Non-production words of a link's name; `stage` alone is also a pipeline's, and `perf` a tuning word: not read.
NON_PRODUCTION = NON_PRODUCTION_ENVS - {"stage", "perf", "benchmark"} | {"nonprod", "npe", "uat", "sbx"}
MIN_ID = 6  # a shorter id would be found among unrelated values


def _name_words(change: Change, before: bool = False) -> set[str]:
    after = sides(change)[0 if before else 1]
    tags = after.get("tags") if isinstance(after.get("tags"), dict) else {}
    # the for_each key too: `propagation.this["prod/sandbox"]` is named for the two segments it joins
    key = _KEY.search(change.address)
    names = [change.name, str(after.get("name") or ""), str((tags or {}).get("Name") or ""), key[1] if key else ""]
    # and its module instance's key: `module.spoke["sbx-data-science"]` is a sandbox spoke
    return {w for text in names for w in _TOKEN.findall(text.lower())} | set(module_words(change.module)) - {"this"}


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


def segments_parted(change: Change) -> str | None:
    """Why deleting a network link loses nothing: its own name says it joined production to a non-production network
    (the link prod-linked-nonprod reports on a create), so removing it restores the segmentation; it holds no data."""
    if change.action is not Action.DELETE or not LINKS.search(change.type) or not NETWORKS.search(change.type):
        return None
    words = _name_words(change, before=True)
    prod, other = words & PRODUCTION_TOKENS, words & NON_PRODUCTION
    if prod and other:
        return (f"a link named for {sorted(prod)[0]} and {sorted(other)[0]}: removing it parts production from a "
                "non-production network again")
    return None


# --- a peering that starts handing this network's learned routes to the peer -----------------------------------
EXPORTS = lazy_compile(r"export_custom_routes|export_subnet_routes_with_public_ip|export_routes")
PEER_KEYS = lazy_compile(r"peer_network|peer_vpc\w*|remote_\w*network\w*|peering|id")
# The networks a cloud's own managed services peer in from (Private Service Access, Cloud SQL): routes exported
# there are how those services reach the workloads, and nobody else sits behind them.
SERVICE_PRODUCERS = lazy_compile(r"servicenetworking|cloudsql|/networks/(?:sn|servicenetworking)-", re.IGNORECASE)


@on_change(actions=(Action.UPDATE, Action.CREATE), type_pattern=LINKS)
def _routes_exported(change: Change) -> Iterator[Finding]:
    if not LINKS.search(change.type) or "peering" not in change.type:
        return
    before, after = sides(change)
    named = sorted((k != "peer_network", k == "id", str(v)) for k, v in after.items() if PEER_KEYS.fullmatch(k) and v)
    if change.action is Action.CREATE or any(SERVICE_PRODUCERS.search(text) for *_, text in named):
        return
    peer = named[0][2] if named else ""
    for key in sorted(k for k in after if EXPORTS.fullmatch(k)):
        if after[key] is True and before.get(key) is False:
            yield finding(JOINED, change.address, f"{change.address}: {key} false → true: the peer {show(peer)} now "
                          "learns this network's routes (and reaches what lies behind them: on-premises, other "
                          "peerings)")
            return


def _ids(view: PlanView) -> dict[str, Change]:
    """The plan's objects that stay (any action but a delete) by their id (once per plan)."""
    return {value: c for c in view.changes if c.action is not Action.DELETE
            for value in [as_dict(c.after).get("id") or as_dict(c.before).get("id")]
            if isinstance(value, str) and len(value) >= MIN_ID}


@rule(CROSSED, Severity.HIGH, RULES[CROSSED].description)
def _pointed_across(ri: ReviewInput) -> Iterator[Finding]:
    """A link whose own name says one environment, newly pointed at an object (by its id) named for the other: a
    sandbox attachment associated with the production route table."""
    for change in plan_view(ri).of(Action.CREATE, Action.REPLACE, Action.UPDATE):
        if not LINKS.search(change.type) or not NETWORKS.search(change.type):
            continue
        own = _name_words(change)
        before, after = sides(change)
        for key, value in after.items():
            if not isinstance(value, str) or before.get(key) == value:
                continue
            target = plan_view(ri).derived("stays by id", _ids).get(value)
            if target is None or target is change:
                continue
            theirs = _name_words(target)
            crossed = (own & NON_PRODUCTION and theirs & PRODUCTION_TOKENS and not own & PRODUCTION_TOKENS) or \
                (own & PRODUCTION_TOKENS and theirs & NON_PRODUCTION and not own & NON_PRODUCTION)
            if crossed:
                yield finding(CROSSED, change.address, f"{change.address}: a link named for "
                              f"{sorted(own & (NON_PRODUCTION | PRODUCTION_TOKENS))[0]} now points {key} at "
                              f"{target.address}, named for {sorted(theirs & (NON_PRODUCTION | PRODUCTION_TOKENS))[0]}:"
                              " one environment's hosts learn a path into the other's")
                break
