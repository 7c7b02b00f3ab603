"""Risk rules, lifecycle helpers (replace grading) for network paths that stay up while a part is re-made.

One leg of a redundant pair of links re-made while its sibling stays: a private link (a Megaport VXC, an
Interconnect attachment, a Direct Connect virtual interface, a VPN connection or tunnel, an ExpressRoute connection)
replaced while another instance of the same resource block (its `for_each` or `count` sibling) is kept as it is:
traffic fails over to the kept leg while this one is rebuilt, the way carriers and clouds ask such links to be
migrated. Both legs replaced in one apply is an outage and stays high. A route re-made to lead to an attachment that
inspects traffic (appliance mode, a firewall's name) keeps it inspected; one re-made to any other hop is judged as a
replace.
"""
from __future__ import annotations

import re

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.addresses import config_address, referenced_object
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import configuration
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import as_dict, as_list
from tfreview.pipeline.rules.planview import PlanView, plan_view

LINKS = lazy_compile(r"vxc|interconnect_attachment|virtual_interface|vpn_(?:connection|tunnel)|vpn_gateway_connection"
                     r"|express_route_(?:circuit_)?connection|cross_connect|(?:^|_)dx_\w+|private_link_connection")
_INDEX = lazy_compile(r"\[[^\]]*\]$")


def redundant_leg(change: Change, ri: ReviewInput) -> str | None:
    """Why replacing this link loses nothing: a sibling of its resource block is kept, and carries the traffic."""
    if change.action is not Action.REPLACE or not LINKS.search(change.type) or not _INDEX.search(change.address):
        return None
    siblings = plan_view(ri).derived("link siblings by block", _blocks).get(_INDEX.sub("", change.address), [])
    kept = [c for c in siblings if c is not change and c.action in (Action.NO_OP, Action.UPDATE)]
    if not kept or any(c.action is Action.REPLACE for c in siblings if c is not change):
        return None
    return f"one leg of a redundant pair: {kept[0].address} is kept and carries the traffic while it is re-made"


def _blocks(view: PlanView) -> dict[str, list[Change]]:
    """Every link change of the plan, by its resource block's address (the index left off)."""
    found: dict[str, list[Change]] = {}
    for change in view.changes:
        if LINKS.search(change.type) and _INDEX.search(change.address):
            found.setdefault(_INDEX.sub("", change.address), []).append(change)
    return found


# --- a route re-made onto an inspecting hop -----------------------------------------------------------------------
ROUTES = lazy_compile(r"(?:^|_)routes?$")
HOP_KEY = lazy_compile(r"\w*(?:attachment|gateway|appliance|interface|instance)_id")
# What an attachment or appliance says of itself when it exists to inspect (AWS's `appliance_mode_support`, a name
# or tag of a firewall or inspection path).
INSPECTING = lazy_compile(r"inspect|firewall|(?:^|[-_])(?:fw|nva|ids|ips|gwlb)(?:[-_]|$)", re.IGNORECASE)


def inspected_hop(change: Change, ri: ReviewInput) -> str | None:
    """Why re-making a route loses nothing: it now leads to an attachment or appliance that says it inspects
    traffic (appliance mode on, named for a firewall or inspection), found by id or by the configured reference."""
    if change.action is not Action.REPLACE or not ROUTES.search(change.type):
        return None
    config = configuration(ri.plan)
    expressions = config.expressions(change.address) or {}
    after = change.after if isinstance(change.after, dict) else {}
    for key in [k for k in {*after, *expressions} if HOP_KEY.fullmatch(k)]:
        references = as_dict(expressions.get(key)).get("references")
        targets = {referenced_object(str(r), change.address) for r in as_list(references)}
        for hop in plan_view(ri).changes:
            values = as_dict(hop.after)
            named = config_address(hop.address) in targets or (after.get(key) and values.get("id") == after.get(key))
            if named and _inspects(values):
                return f"re-made to lead to {hop.address}, which inspects traffic: it still goes through the firewall"
    return None


def _inspects(values: dict[str, object]) -> bool:
    if str(values.get("appliance_mode_support", "")).lower() == "enable":
        return True
    names = [str(values.get("name") or ""), *(str(v) for v in as_dict(values.get("tags")).values())]
    return any(INSPECTING.search(name) for name in names)
