"""Risk rules, network exposure through a cloud's shared address space (risk rules stage).

A firewall or security rule admits, beyond web ports, the addresses a provider publishes for its whole public
cloud — read from a range lookup (Google's `cloud-netblocks`, AWS's `EC2`/`AMAZON` ranges, Azure's `AzureCloud`
service tag) or named by that tag: those are every customer's machines, so anyone who rents a VM there gets in.
Ranges of a provider's own probes or managed services (health checkers, EC2 Instance Connect, CloudFront), an
egress or deny rule, and a rule that opens only 80/443 are not reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import Configuration, configuration, module_of
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, managed, rule
from tfreview.pipeline.rules.common import as_list
from tfreview.pipeline.rules.direction import AWAY, faces_away, words
from tfreview.pipeline.rules.ports import ALL_PORTS, WEB_PORTS, block_ports, port_text

RULE = "source-cloud-tenants"
# Data sources that list a provider's published address ranges.
RANGE_LOOKUP = lazy_compile(r"ip_?ranges?|netblock|service_?tags?|ip_?addresses|ip_?prefixes")
# Range classes (exact, lower case) that hold every customer's addresses, not the provider's own services.
SHARED = lazy_compile(r"cloud-netblocks|ec2|amazon|azurecloud(?:\.[a-z0-9]+)?|compute(?:engine)?")


def _constants(node: Any) -> Iterator[str]:
    """Every constant string in an expression tree."""
    if isinstance(node, dict):
        yield from (str(v) for v in as_list(node.get("constant_value")) if isinstance(v, str))
        for key, value in node.items():
            if key != "constant_value":
                yield from _constants(value)
    elif isinstance(node, list):
        for item in node:
            yield from _constants(item)


def _shared_lookups(config: Configuration) -> dict[str, str]:
    """Config address → the shared class each range lookup of the configuration reads."""
    found: dict[str, str] = {}
    for path, module in config.modules.items():
        for address, expressions in module.resources.items():
            kind = address.split(".")[1] if address.startswith("data.") else ""
            if kind and RANGE_LOOKUP.search(kind):
                shared = next((c for c in _constants(expressions) if SHARED.fullmatch(c.strip().lower())), None)
                if shared:
                    found[f"{path}.{address}".lstrip(".")] = shared
    return found


def _references(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(attribute path, reference) for every reference in an expression tree."""
    if isinstance(node, dict):
        yield from ((path, r) for r in as_list(node.get("references")) if isinstance(r, str))
        for key, value in node.items():
            if key != "references":
                yield from _references(value, f"{path}.{key}".lstrip("."))
    elif isinstance(node, list):
        for item in node:
            yield from _references(item, path)


def _admits_beyond_web(change: Change) -> str | None:
    """The ports an inbound allow rule opens beyond 80/443, named; None when it faces away or opens web only."""
    after = change.after if isinstance(change.after, dict) else {}
    if faces_away(after) or words(change.type) & AWAY:
        return None
    spans = [p for p in block_ports(after) if isinstance(p, tuple)] or [ALL_PORTS]
    if all(low == high and low in WEB_PORTS for low, high in spans):
        return None
    return port_text(spans)


def _tagged(change: Change) -> str | None:
    """A shared-cloud tag named directly as a source (`source_address_prefix = "AzureCloud"`)."""
    after = change.after if isinstance(change.after, dict) else {}
    return next((str(v) for k, value in after.items() if "source" in words(k) for v in as_list(value)
                 if isinstance(v, str) and SHARED.fullmatch(v.strip().lower()) and v.strip().lower() != "ec2"), None)


@rule(RULE, Severity.HIGH, "A firewall or security rule admits, beyond web ports, a cloud's whole public address "
      "space (a range lookup of Google cloud-netblocks, AWS EC2/AMAZON ranges, the Azure AzureCloud tag): every "
      "customer of that cloud gets in.")
def _cloud_tenants(ri: ReviewInput) -> Iterator[Finding]:
    config = configuration(ri.plan)
    lookups = _shared_lookups(config) if config.present else {}
    for change in managed(ri.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE):
        source = _tagged(change)
        if source is None and lookups:
            module = module_of(change.address)
            source = next((f"{ref} ({lookups[key]})" for where, ref in _references(config.expressions(change.address))
                           if not words(where) & AWAY
                           for key in [f"{module}.{'.'.join(ref.split('.')[:3])}".lstrip(".")] if key in lookups),
                          None)
        if source is None or (ports := _admits_beyond_web(change)) is None:
            continue
        yield finding(RULE, change.address, f"{change.address} admits {ports} from {source}: that is every "
                      "customer's address in the provider's cloud, not your own hosts")
