"""Risk rules, network policy: a rule list that gains an unconditional allow (risk rules stage).

A network policy of any kind — Kubernetes NetworkPolicy, Calico or Cilium CRDs through kubernetes_manifest, a
`kubernetes_network_policy` block — lists egress and ingress rules. A rule that allows and matches nothing (no
destination, source, selector, ports or nets: `{action: Allow}`, an empty `egress {}`) lets every packet through;
one that replaces a default deny turns the policy into allow-all. An allow to a named destination, namespace or
CIDR beside the deny is not news, nor an allow that an earlier unconditional deny shadows. A new policy is judged
only where policies are additive (Kubernetes NetworkPolicy): one that allows everything to every pod of its
namespace exists only to override a deny there; a new allow scoped to a source or a port is not news.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.network import INGRESS
from tfreview.pipeline.rules.traffic import EGRESS

DIRECTIONS = {"egress": EGRESS, "ingress": INGRESS}
ALLOWING = frozenset({"allow", "accept", "permit", "pass"})
DENYING = frozenset({"deny", "drop", "reject", "block"})
# Keys that say what a rule does, not which traffic it matches.
NEUTRAL = frozenset({"action", "ipversion", "ip_version", "metadata", "description", "name"})


def _action(rule: dict[str, Any]) -> str:
    """A rule's action, lower case; `allow` when it names none (Kubernetes NetworkPolicy rules only allow)."""
    action = rule.get("action")
    return action.strip().lower() if isinstance(action, str) else "allow"


def _unconditional(rule: dict[str, Any]) -> bool:
    """Whether a rule matches every packet: every key that could match is absent or empty."""
    return all(key.lower() in NEUTRAL or value in (None, "", [], {}) or value == [{}]
               for key, value in rule.items())


def _opens(rules: Any) -> bool:
    """Whether a rule list lets every packet through: an unconditional allow that no unconditional deny before it
    shadows."""
    for rule in rules if isinstance(rules, list) else []:
        if not isinstance(rule, dict) or not _unconditional(rule):
            continue
        action = _action(rule)
        if action in DENYING:
            return False
        if action in ALLOWING:
            return True
    return False


def _rule_lists(value: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    """(path, direction, rules) of every egress or ingress rule list inside VALUE."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key.lower() in DIRECTIONS and isinstance(item, list):
                yield f"{path}.{key}".lstrip("."), key.lower(), item
            else:
                yield from _rule_lists(item, f"{path}.{key}".lstrip("."))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _rule_lists(item, f"{path}[{index}]")


def _policy(side: dict[str, Any], change: Change) -> Any:
    """What a side says: a kubernetes_manifest's own manifest (its `object` echoes it), else the whole side."""
    return side.get("manifest") if change.type == "kubernetes_manifest" else side


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"egress", b"ingress"))
def allow_all_rule(change: Change) -> Iterator[Finding]:
    """A network policy's egress or ingress rules newly let every packet through."""
    before, after = sides(change)
    old = {path: rules for path, _direction, rules in _rule_lists(_policy(before, change))}
    for path, direction, rules in _rule_lists(_policy(after, change)):
        if path in old and not _opens(old[path]) and old[path] and _opens(rules):
            yield finding(DIRECTIONS[direction], change.address,
                          f"{change.address}: {path} now allows all {direction} traffic (an unconditional allow "
                          "replaces what it restricted)")


# Kubernetes NetworkPolicies are additive: a pod is allowed what any policy selecting it allows. A new policy that
# selects every pod of its namespace with an unconditional allow therefore undoes every deny there (a default-deny
# included); where no deny exists it changes nothing, so its only effect is to override one.
ADDITIVE = frozenset({"kubernetes_network_policy", "kubernetes_network_policy_v1"})
SELECTORS = ("pod_selector", "podSelector")


def _selects_every_pod(spec: dict[str, Any]) -> bool:
    """Whether a NetworkPolicy spec's pod selector is empty (every pod of the namespace)."""
    selector = next((spec[key] for key in SELECTORS if key in spec), None)
    blocks = selector if isinstance(selector, list) else [selector]
    return all(block in (None, {}, []) or (isinstance(block, dict) and all(v in (None, "", [], {})
                                                                             for v in block.values()))
               for block in blocks)


def _new_spec(change: Change) -> dict[str, Any] | None:
    """A created Kubernetes NetworkPolicy's spec (the resource's or a manifest's), or None for anything else."""
    _before, after = sides(change)
    if change.type == "kubernetes_manifest":
        manifest = after.get("manifest")
        if not isinstance(manifest, dict) or str(manifest.get("kind")) != "NetworkPolicy":
            return None
        spec: Any = manifest.get("spec")
    elif change.type in ADDITIVE:
        spec = after.get("spec")
        spec = spec[0] if isinstance(spec, list) and spec else spec
    else:
        return None
    return spec if isinstance(spec, dict) else None


@on_change(actions=(Action.CREATE,), words=(b"egress", b"ingress"))
def allow_all_policy_created(change: Change) -> Iterator[Finding]:
    """A new Kubernetes NetworkPolicy lets every pod of its namespace send or receive anything (it overrides any
    deny there: policies are additive)."""
    spec = _new_spec(change)
    if spec is None or not _selects_every_pod(spec):
        return
    types = spec.get("policy_types", spec.get("policyTypes"))
    enforced = {str(t).lower() for t in types} if isinstance(types, list) and types else set(DIRECTIONS)
    for path, direction, rules in _rule_lists(spec):
        if direction in enforced and _opens(rules):
            yield finding(DIRECTIONS[direction], change.address,
                          f"{change.address}: {path} allows all {direction} traffic to every pod of its namespace "
                          "(network policies are additive: this overrides any default deny there)")
