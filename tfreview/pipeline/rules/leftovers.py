"""Risk rules, lifecycle helper (delete grading): objects whose delete leaves nothing without them, read from their own
attributes and the plan beside them — an address attached to nothing, a machine recipe no kept object launches
from, a chart release whose chart another kept release in its namespace still runs. They hold no data; ladders.py
grades deletes with them."""

from __future__ import annotations

from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.kinds import DATA_WORDS
from tfreview.pipeline.rules.planview import kept_values_text, plan_view

# Reserved public addresses of any provider (an Elastic IP, a static or floating IP).
ADDRESSES = lazy_compile(r"(?:^|_)(?:eip|address|public_ip|static_ip|floating_?ip|reserved_ip)(?:_v\d+)?$")
# The settings that say what an address is attached to (an association, a machine, an interface, a load balancer).
ATTACHMENT_KEYS = ("association_id", "instance", "network_interface", "users", "ip_configuration_id", "droplet_id",
                   "server_id", "port_id", "assigned_to", "attached_to", "fixed_ip", "nat_gateway_id")
# Machine recipes: a template machines are launched from, holding no data (launch templates are versioned, not
# immutable: kinds.IMMUTABLE lists the immutable ones).
RECIPES = lazy_compile(r"(?:^|_)(?:launch|machine|vm|node)_templates?$")
CHARTS = lazy_compile(r"(?:^|_)(?:helm_release|release)$")


def _before(change: Change) -> dict[str, Any]:
    return change.before if isinstance(change.before, dict) and change.action is Action.DELETE else {}


def idle_address(change: Change) -> str | None:
    """Why releasing this address cuts no traffic: every setting that would attach it says nothing."""
    attrs = _before(change)
    present = [key for key in ATTACHMENT_KEYS if key in attrs]
    if not ADDRESSES.search(change.type) or not present or any(attrs[key] not in (None, "", [], {}) for key in present):
        return None
    return ("an address attached to nothing: releasing it cuts no traffic; it cannot be got back, so check no "
            "allow list elsewhere names it")


def unused_recipe(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting this machine recipe stops nothing: no object the plan keeps names it (its id or name)."""
    attrs = _before(change)
    names = [str(attrs[key]) for key in ("id", "name") if isinstance(attrs.get(key), str) and len(attrs[key]) >= 4]
    if not RECIPES.search(change.type) or not names:
        return None
    kept = kept_values_text(plan_view(ri))
    if any(orjson.dumps(name).decode() in kept for name in names):
        return None
    return "a machine recipe no kept object launches from: machines made from it keep running, it holds no data"


def chart_still_running(change: Change, ri: ReviewInput) -> str | None:
    """Why uninstalling this release stops nothing: another release that already runs (kept, not created: a release
    re-made under a new address is an uninstall and a reinstall) runs the same chart in its namespace, and the chart
    is no data engine (a database chart keeps each release's own data)."""
    attrs = _before(change)
    chart, namespace = attrs.get("chart"), attrs.get("namespace")
    if not CHARTS.search(change.type) or not isinstance(chart, str) \
            or DATA_WORDS.search(chart.lower().replace("-", "_")):
        return None
    for other in plan_view(ri).changes:
        values = other.after if isinstance(other.after, dict) else {}
        if other is not change and other.type == change.type and other.action in (Action.NO_OP, Action.UPDATE) \
                and values.get("chart") == chart and values.get("namespace") == namespace:
            return f"{other.address} runs the same chart {chart} in {namespace}: the workload continues under it"
    return None
