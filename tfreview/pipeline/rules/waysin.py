"""Risk rules, lifecycle helper (delete grading): a way in for people retired while the same plan creates another
(any provider). A bastion or jump host, a VPN, an allow rule for remote administration and the public address or
gateway that served them only let people reach a network: deleting them loses no data, and where a managed way in
is created alongside (a bastion service, a zero-trust tunnel or access route, Session Manager endpoints), the
people who used them keep a way in. The successor must not be open to the whole internet; a deleted deny rule is
never a way in. Likewise a sign-in path that asks one factor only (a password-only sign-on rule, a userpass auth
method) retired while the same plan makes another of its provider ask a second factor or single sign-on.
ladders.py grades deletes with it."""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import as_dict
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.units import words
from tfreview.pipeline.rules.values import leaves

# Words of a type, name or tag that say an object is a way in for people.
WAY_IN = frozenset({"bastion", "jump", "jumphost", "jumpbox", "vpn", "openvpn", "wireguard"})
# Types that are a way in by what they are (a customer gateway is the office end of a VPN).
WAY_IN_TYPES = lazy_compile(r"(?:^|_)(?:bastion|vpn|customer_gateway|client_vpn|jump_?host)(?:_|$)")
# Types of a managed way in: a bastion service, a tunnel, a zero-trust access application or route.
MANAGED = lazy_compile(r"(?:^|_)(?:bastion|tunnel|zero_trust|access_(?:application|app|route)|verified_access"
                       r"|iap_tunnel|vpn)(?:_|$)")
# An endpoint of a managed remote-session service (`com.amazonaws.us-east-1.ssmmessages`).
SESSION_SERVICES = lazy_compile(r"\.(?:ssm|ssmmessages|ec2-instance-connect)$")
# Settings that name the object or where it belongs (a rule's group): their words tell what it is.
NAMING = lazy_compile(r"(?:^|_)(?:name|names|tags|description|group_name|display_name|title)$")
# Settings that say who may connect, and the values that admit everyone.
WHO = lazy_compile(r"cidr|source|address_prefix|allowed|ip_range|client|principal")
WORLD = frozenset({"0.0.0.0/0", "::/0", "*", "internet", "any"})
# Types that hold data, and settings of a machine that attach data disks: never only a way in.
STORES = lazy_compile(r"(?:^|_)(?:db|database|rds|sql|bucket|volume|disk|table|storage|cache|queue|file_system"
                      r"|filesystem|snapshot|backup|secret|key|key_vault|cluster)(?:_|$)")
DATA_DISKS = lazy_compile(r"ebs_block_device|data_disk|attached_disk|storage_data_disk|volume_attachment")
# Types of a sign-in path: sign-on rules and policies, auth methods and backends.
SIGN_IN = lazy_compile(r"(?:^|_)(?:signon|sign_on|sign_in|signin|login|auth|authentication|jwt|oidc|saml)(?:_|$)")
# Settings that ask a second factor, values that say one factor or a password only, and single sign-on.
FACTOR = lazy_compile(r"mfa|2fa|two_factor|second_factor|factor_mode|multi_factor")
ONE_FACTOR = frozenset({"1fa", "userpass", "password", "password_only"})
STRONG = frozenset({"2fa", "mfa", "oidc", "saml", "jwt"})
DENY = frozenset({"deny", "block", "drop", "reject"})
MIN_ID = 6


def _texts(values: Any) -> list[tuple[str, str]]:
    """Every string leaf of a value with its path, items of lists of strings included."""
    return [(path, item) for path, leaf in leaves(values) for item in (leaf if isinstance(leaf, list) else [leaf])
            if isinstance(item, str)]


def _own_words(change: Change, values: dict[str, Any]) -> set[str]:
    """The words of an object's type, its block name and its naming settings (tags included)."""
    found = words(change.type) | words(change.name or "")
    for key, value in values.items():
        if NAMING.search(key):
            for _path, text in _texts(value):
                found |= words(text)
    return found


def _excluded(change: Change, values: dict[str, Any]) -> bool:
    """Whether a deleted object can be no mere way in: it denies (a deny rule), or it holds data."""
    return bool(STORES.search(change.type)) \
        or any(DATA_DISKS.search(k) and v not in (None, [], {}, "") for k, v in values.items()) \
        or any(text.strip().lower() in DENY for _path, text in _texts(values))


class _Retired:
    """The plan's deleted ways in, and the ids they held (a public address names its machine)."""

    def __init__(self, view: PlanView) -> None:
        self.addresses: set[str] = set()
        ids: set[str] = set()
        for change in view.of(Action.DELETE):
            before = as_dict(change.before)
            if not _excluded(change, before) \
                    and (WAY_IN_TYPES.search(change.type) or _own_words(change, before) & WAY_IN):
                self.addresses.add(change.address)
                ids |= {v for k, v in before.items() if k in ("id", "arn") and isinstance(v, str) and len(v) >= MIN_ID}
        for change in view.of(Action.DELETE):
            before = as_dict(change.before)
            if not _excluded(change, before) \
                    and any(isinstance(v, str) and v in ids for k, v in before.items() if k not in ("id", "arn")):
                self.addresses.add(change.address)  # the address or group of a retired way in
        self.successors = [c for c in view.of(Action.CREATE) if _managed_way_in(c)]
        self.one_factor = {c.address for c in view.of(Action.DELETE) if SIGN_IN.search(c.type)
                           and isinstance(c.before, dict) and not _excluded(c, c.before) and _one_factor(c.before)}
        self.stronger = [c for c in view.of(Action.CREATE, Action.UPDATE) if SIGN_IN.search(c.type)
                         and isinstance(c.after, dict) and _strong(c.after)
                         and not (c.action is Action.UPDATE and isinstance(c.before, dict) and _strong(c.before))]


def _one_factor(values: dict[str, Any]) -> bool:
    """Whether a sign-in path asks one factor only: a second-factor switch off, or a one-factor mode or kind."""
    texts = _texts(values)
    if any(FACTOR.search(path) and text.strip().lower() not in ONE_FACTOR for path, text in texts):
        return False
    switches = [v for path, v in leaves(values) if FACTOR.search(path) and isinstance(v, bool)]
    return (bool(switches) and not any(switches)) or any(
        text.strip().lower() in ONE_FACTOR and (FACTOR.search(path) or path == "type") for path, text in texts)


def _strong(values: dict[str, Any]) -> bool:
    """Whether a sign-in path asks a second factor or single sign-on."""
    return any(v is True for path, v in leaves(values) if FACTOR.search(path)) or any(
        text.strip().lower() in STRONG and (FACTOR.search(path) or path in ("type", "role_type"))
        for path, text in _texts(values))


def _managed_way_in(change: Change) -> bool:
    """Whether a create is a managed way in for people that does not admit the whole internet."""
    after = as_dict(change.after)
    service = after.get("service_name")
    if not (MANAGED.search(change.type) or (isinstance(service, str) and SESSION_SERVICES.search(service))):
        return False
    return not any(text.strip().lower() in WORLD and WHO.search(path) for path, text in _texts(after))


def way_in_replaced(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting a way in for people loses nothing, or None: the same plan creates a managed way in that does
    not admit the whole internet."""
    if change.action is not Action.DELETE:
        return None
    retired = plan_view(ri).derived("ways in retired", _Retired)
    provider = change.type.split("_")[0]
    if change.address in retired.one_factor:
        stronger = [c for c in retired.stronger if c.type.split("_")[0] == provider]
        if stronger:
            return (f"a sign-in path that asked one factor only, retired while {stronger[0].address} asks a second "
                    "factor or single sign-on")
    if change.address not in retired.addresses or not retired.successors:
        return None
    return (f"a way in for people, retired while {retired.successors[0].address} is created as the new one; "
            "it held no data")
