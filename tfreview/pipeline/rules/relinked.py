"""Risk rules, lifecycle helper (delete grading): an object that carries live traffic or an identity, deleted and
created again under a new address in the same plan (a rename or a re-keyed `for_each` without a `moved` block). A
config-only object re-made so (a monitor, a record) loses nothing and is graded by the rename rung (medium); these
lose what the new one cannot take over: a network link (a peering, a virtual interface, a VPN or interconnect
attachment) drops every connection while the old one is gone and the new one can fail while it still holds the
VLAN or the remote side; a user account re-made loses its enrolled factors, sessions, app assignments and every
downstream identity keyed on its id. ladders.py grades deletes with it (high)."""

from __future__ import annotations

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.planview import PlanView, plan_view

LIVE = lazy_compile(r"peering|virtual_interface|vpn_connection|vpn_gateway_connection|interconnect_attachment"
                    r"|(?:^|_)tunnel|cross_connect|circuit_connection|(?:^|_)users?$")
IDENTITY_KEYS = ("login", "email", "user_name", "username", "user_principal_name", "name")


def _identity(values: object) -> tuple[str, str] | None:
    if not isinstance(values, dict):
        return None
    return next(((k, str(values[k])) for k in IDENTITY_KEYS if isinstance(values.get(k), str) and values[k]), None)


def _created(view: PlanView) -> dict[tuple[str, str, str], Change]:
    return {(c.type, *ident): c for c in view.of(Action.CREATE) if LIVE.search(c.type)
            and (ident := _identity(c.after)) is not None}


def remade_live(change: Change, ri: ReviewInput) -> str | None:
    """Why this delete drops something live although the plan creates its twin, or None."""
    if change.action is not Action.DELETE or not LIVE.search(change.type):
        return None
    ident = _identity(change.before)
    twin = plan_view(ri).derived("live objects created", _created).get((change.type, *ident)) if ident else None
    if twin is None:
        return None
    what = "its connections drop while it is gone" if not change.type.endswith(("user", "users")) else \
        "its enrolled factors, sessions and assignments keyed on its id are lost"
    return (f"re-created as {twin.address} with the same {ident[0]} ({ident[1]}), not moved: {what}; add a moved "  # type: ignore[index]
            "block to keep it")
