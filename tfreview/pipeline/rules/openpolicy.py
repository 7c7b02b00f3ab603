"""Risk rules, network exposure: a Kubernetes-model network policy (any provider, a manifest of kind
NetworkPolicy too) whose ingress rule comes to match every source. In that model a selector or list left empty
matches everything: a rule with no `from` peers admits every source, one with no `ports` every port, and a peer
whose namespace selector is empty every namespace; so emptying a rule opens the pods it selects. A policy that
exists already and comes to admit every source is high: any pod of any namespace (or the internet, by an ipBlock)
reaches what the policy guarded, past the one gateway or namespace it named. Only a rule that opens nothing but the
web's own ports (80, 443: an entry point such as an ingress controller, which every source must reach), or a policy
created now (a new policy only narrows), is medium."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.allowall import policy_spec
from tfreview.pipeline.rules.common import as_list, sides
from tfreview.pipeline.rules.network import INGRESS
from tfreview.pipeline.rules.ports import ADMIN_PORTS

WORLD = ("0.0.0.0/0", "::/0")
WEB_PORTS = {80, 443}
WEB_ONLY = "on the web's ports (80/443) only"
SELECTOR_KEYS = ("match_labels", "matchLabels", "match_expressions", "matchExpressions")


def _empty_selector(value: Any) -> bool:
    """Whether a label selector selects everything: present (a block or an object), with no labels and no
    expressions."""
    items = value if isinstance(value, list) else [value]
    return bool(items) and all(isinstance(i, dict) and not any(i.get(k) for k in SELECTOR_KEYS)
                               for i in items)


def _every_source(peer: Any) -> bool:
    """Whether one `from` peer matches every source: an ipBlock of the whole internet with no exceptions, or an
    empty namespace selector not narrowed by a pod selector."""
    if not isinstance(peer, dict):
        return False
    for block in as_list(peer.get("ip_block", peer.get("ipBlock"))):
        if isinstance(block, dict) and str(block.get("cidr", "")).strip() in WORLD and not as_list(block.get("except")):
            return True
    namespaces = peer.get("namespace_selector", peer.get("namespaceSelector"))
    pods = peer.get("pod_selector", peer.get("podSelector"))
    return namespaces is not None and _empty_selector(namespaces) and (not as_list(pods) or _empty_selector(pods))


def _opens(rule: Any) -> str | None:
    """How an ingress rule admits every source (on every port, on named admin ports, on the web's ports only, or
    on its listed ports), or None."""
    if not isinstance(rule, dict):
        return None
    peers = as_list(rule.get("from"))
    if peers and not any(_every_source(p) for p in peers):
        return None
    ports = as_list(rule.get("ports"))
    if not ports:
        return "on every port"
    numbers = {_number(p.get("port")) if isinstance(p, dict) else None for p in ports}
    admin = sorted(n for n in numbers if n in ADMIN_PORTS)
    if admin:
        return f"on {', '.join(f'{n} ({ADMIN_PORTS[n]})' for n in admin)}"
    return WEB_ONLY if numbers <= WEB_PORTS else "on its listed ports"


def _number(port: Any) -> int | None:
    text = str(port).strip()
    return int(text) if text.isdigit() else None


def _open_rules(values: dict[str, Any]) -> set[str]:
    """How each ingress rule of a policy that governs ingress admits every source."""
    spec = policy_spec(values) if values else None
    if spec is None or ("pod_selector" not in spec and "podSelector" not in spec):
        return set()
    types = [str(t).lower() for t in as_list(spec.get("policy_types", spec.get("policyTypes")))]
    if types and "ingress" not in types:
        return set()
    return {how for rule in as_list(spec.get("ingress")) if (how := _opens(rule))}


def admits_every_source(before: Any, after: Any) -> bool:
    """Whether a network policy AFTER (a successor, or the same policy) admits every source where BEFORE did not:
    a default-deny handed over to a policy that lets the whole cluster in is no successor."""
    return bool(_open_rules(after if isinstance(after, dict) else {})
                - _open_rules(before if isinstance(before, dict) else {}))


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"ingress",))
def _opened(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    new = _open_rules(after) - _open_rules(before)
    if not new:
        return
    worst = "on every port" if "on every port" in new else min(new - {WEB_ONLY}, default=WEB_ONLY)
    wide = worst != WEB_ONLY
    yield finding(INGRESS, change.address, f"{change.address}: an ingress rule now admits every source {worst} (an "
                  "empty `from` or a selector that matches everything) to the pods the policy selects",
                  Severity.HIGH if wide and change.action is not Action.CREATE else Severity.MEDIUM)
