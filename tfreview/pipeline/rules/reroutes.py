"""Risk rules, lifecycle helper (delete grading): an entry point retired while another of its type still routes to
the same backends — an ingress, route or listener rule deleted while one the plan creates or keeps, in the same
namespace, sends to every service (and port) it did. The deleted one only routed and held no data; the backends
keep a way in (the successor's exposure is judged by its own rules). ladders.py grades deletes with it."""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.values import leaves, plain

# Types that only route requests to backends.
ROUTERS = lazy_compile(r"(?:^|_)(?:ingress|route|http_route|grpc_route|tcp_route|tls_route|virtual_service"
                       r"|listener_rule|gateway_route|ingress_route)(?:_v\d+)?$")
# Where a router names the backend it sends to, and the keys under it that say which one.
BACKEND = lazy_compile(r"(?:^|\.)(?:backend|backends|backend_refs?|service|destination|upstream|target_group"
                       r"|forward)(?:\.|$)")
WHICH = frozenset({"name", "service_name", "number", "port", "port_number", "host", "target_group_arn", "arn",
                   "service", "namespace"})
# Where a router names the namespace it lives in.
NAMESPACE = frozenset({"metadata.namespace", "namespace"})


def _backends(values: Any) -> frozenset[tuple[str, str]]:
    """The (path without indices, value) pairs that name the backends a router sends to."""
    found: set[tuple[str, str]] = set()
    for path, value in leaves(values):
        flat = plain(path)
        if BACKEND.search(flat) and flat.rpartition(".")[2] in WHICH and isinstance(value, (str, int)) \
                and not isinstance(value, bool) and value not in ("", 0):
            found.add((flat, str(value)))
    return frozenset(found)


def _namespace(values: Any) -> str | None:
    return next((str(v) for p, v in leaves(values) if plain(p) in NAMESPACE and isinstance(v, str)), None)


def _routers_kept(view: PlanView) -> dict[tuple[str, str | None], list[frozenset[tuple[str, str]]]]:
    """Per (type, namespace), the backends of each router the plan creates or keeps."""
    index: dict[tuple[str, str | None], list[frozenset[tuple[str, str]]]] = {}
    for change in view.changes:
        if change.mode == "managed" and change.action not in (Action.DELETE, Action.REPLACE) \
                and ROUTERS.search(change.type) and (found := _backends(change.after)):
            index.setdefault((change.type, _namespace(change.after)), []).append(found)
    return index


def rerouted(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting a router loses no way to its backends, or None: a router of its type the plan creates or keeps
    in the same namespace sends to every backend it did."""
    if change.action is not Action.DELETE or not ROUTERS.search(change.type):
        return None
    backends = _backends(change.before)
    if not backends:
        return None
    kept = plan_view(ri).derived("routers kept", _routers_kept).get((change.type, _namespace(change.before)), [])
    if not any(backends <= other for other in kept):
        return None
    return "an entry point that only routed: another of its type the plan keeps still sends to the same backends"
