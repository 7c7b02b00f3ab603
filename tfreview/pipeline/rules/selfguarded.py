"""Risk rules, identity helper: a resource policy's Principal "*" on a service that is reachable only inside a
private network and signs in every request itself (a VPC-only search domain with fine-grained access control) lets
in no one the service does not already authenticate; iam.py grades such a policy medium instead of high."""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import as_list
from tfreview.pipeline.rules.planview import plan_view

TARGET_KEYS = ("domain_name", "domain_arn", "domain_id", "resource_arn", "name", "arn", "id")
PRIVATE_NETWORK = lazy_compile(r"^vpc_(?:options|config|configuration|settings)$")
OWN_AUTH = lazy_compile(r"^\w*(?:advanced_security_options|fine_grained_access\w*|access_control\w*)$")


def _private(attrs: dict[str, Any]) -> bool:
    """Whether the object sits in a private network only (a VPC block with subnets) and is not public."""
    blocks = [b for k, v in attrs.items() if PRIVATE_NETWORK.match(k) for b in as_list(v) if isinstance(b, dict)]
    return any(as_list(b.get("subnet_ids")) for b in blocks) and attrs.get("public_network_access_enabled") is not True


def _authenticates(attrs: dict[str, Any]) -> bool:
    """Whether the object checks every request itself (fine-grained access control on, anonymous access off)."""
    blocks = [b for k, v in attrs.items() if OWN_AUTH.match(k) for b in as_list(v) if isinstance(b, dict)]
    return any(b.get("enabled") is True and b.get("anonymous_auth_enabled") is not True for b in blocks)


def _targets(change: Change, ri: ReviewInput) -> list[dict[str, Any]]:
    """The object a policy change protects: itself, or the plan's other objects that share its identifier."""
    after = change.after if isinstance(change.after, dict) else {}
    names = {str(after[k]) for k in TARGET_KEYS[:4] if isinstance(after.get(k), str) and after[k]}
    found = [after]
    for other in plan_view(ri).changes if names else []:
        values = other.after if isinstance(other.after, dict) else {}
        if other is not change and any(str(values.get(k)) in names for k in TARGET_KEYS):
            found.append(values)
    return found


def self_guarded(change: Change, ri: ReviewInput) -> str | None:
    """Why Principal "*" in this change's policy does not reach anyone, or None."""
    if any(_private(t) and _authenticates(t) for t in _targets(change, ri)):
        return ("the service is reachable only inside its private network and signs in every request itself "
                "(fine-grained access control)")
    return None
