"""Risk rules, lifecycle helper: a Kubernetes-model network policy (pure allow rules: a pod selected by no policy
is open, one selected by any is open only to what some policy admits) deleted when it admitted every peer on every
port in each direction it governed, or a firewall rule that only allowed every protocol on every port deleted
(traffic it matched falls to the rules below it, which allow no more): access can only narrow; ladders.py grades
deletes with it."""

from __future__ import annotations

from typing import Any

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.rules.common import as_list

# The peer lists and port lists of a rule, in provider (snake_case) and manifest (camelCase) spelling.
PEERS = ("from", "to")
PORTS = ("ports",)
DIRECTIONS = {"ingress": "Ingress", "egress": "Egress"}
# Protocol and port values that mean every protocol or every port; the verbs of a rule that allows.
EVERY = {"all", "-1", "*", "any", "0-65535", "1-65535", "0", ""}
ALLOWS = {"allow", "accept", "permit"}


def policy_spec(before: dict[str, Any]) -> dict[str, Any] | None:
    """The policy's spec: a provider block (`spec[0]`) or a manifest's `spec` of kind NetworkPolicy."""
    manifest = before.get("manifest")
    if isinstance(manifest, dict):
        if str(manifest.get("kind", "")).lower() != "networkpolicy":
            return None
        spec = manifest.get("spec")
    else:
        spec = before.get("spec")
    spec = spec[0] if isinstance(spec, list) and len(spec) == 1 else spec
    return spec if isinstance(spec, dict) else None


def _governed(spec: dict[str, Any]) -> list[str]:
    """The directions the policy governs: its policy types, else Ingress and Egress when it has egress rules."""
    declared = as_list(spec.get("policy_types", spec.get("policyTypes")))
    if declared:
        return [str(d).lower() for d in declared]
    return ["ingress", *(["egress"] if as_list(spec.get("egress")) else [])]


def _admits_all(rule: Any) -> bool:
    """Whether a rule names no peers and no ports: it admits every peer on every port."""
    return isinstance(rule, dict) and not any(as_list(rule.get(k)) for k in (*PEERS, *PORTS))


def allow_all_policy_deleted(change: Change) -> str | None:
    """Why deleting this network policy cannot open anything: in every direction it governed one of its rules
    admitted every peer on every port; else None (a default-deny or a narrow allow may be all that isolates pods)."""
    before = change.before if isinstance(change.before, dict) else {}
    spec = policy_spec(before) if change.action is Action.DELETE else None
    if spec is None or ("pod_selector" not in spec and "podSelector" not in spec):
        return None
    directions = _governed(spec)
    if not directions or any(d not in DIRECTIONS for d in directions):
        return None
    if all(any(_admits_all(rule) for rule in as_list(spec.get(d))) for d in directions):
        return ("a network policy that admitted every peer on every port is deleted: the pods it selected stay "
                "open only to what the remaining policies admit, so access can only narrow")
    return None


def _every(value: Any) -> bool:
    """Whether a protocol or port setting names every protocol or port (`all`, `-1`, `*`, empty)."""
    return all(str(v).strip().lower() in EVERY for v in as_list(value) if v is not None)


def _allows_everything(rule: Any) -> bool:
    """Whether a rule (or its `allow` block) allows every protocol on every port."""
    return isinstance(rule, dict) and all(_every(v) for k, v in rule.items()
                                          if "protocol" in k.lower() or "port" in k.lower())


def allow_all_rule_deleted(change: Change) -> str | None:
    """Why deleting this firewall rule cannot open anything: it only allowed, every protocol on every port (an
    `allow` block, or `action`/`access` = allow with a protocol of all); None for a deny or a narrow allow."""
    before = change.before if isinstance(change.before, dict) else {}
    if change.action is not Action.DELETE or any(as_list(before.get(k)) for k in ("deny", "denied")):
        return None
    verb = before.get("action", before.get("access"))
    if "allow" in before and verb is None:
        rules = as_list(before.get("allow"))
    elif isinstance(verb, str) and verb.strip().lower() in ALLOWS and any("protocol" in k.lower() for k in before):
        rules = [before]
    else:
        return None
    if rules and all(_allows_everything(rule) for rule in rules) and any(_every(r.get("protocol")) for r in rules
                                                                        if "protocol" in r):
        return ("a firewall rule that only allowed every protocol on every port is deleted: the traffic it matched "
                "falls to the remaining rules, so access can only narrow")
    return None
