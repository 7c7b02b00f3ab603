"""Risk rules, reach: private DNS that answers for a public domain with an address outside the organisation's
networks (feeds `private-dns-public`). A private zone attached to a network (a Route 53 zone with a `vpc` block, a
managed zone of private visibility) or a resolver override (a response-policy rule, a hosts override) named for a
public domain (`github.com`, `registry-1.docker.io`) answering an outside address sends every clone, pull or
sign-in from that network to a host nobody vetted. An internal answer (10.x, a private VIP such as
private.googleapis.com) is split-horizon or private access, and a private domain (`.internal`, `.corp`) is the
organisation's own: both stay quiet."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action
from tfreview.pipeline.findings import ALTERING, Finding, ReviewInput, Severity, finding, managed, rule
from tfreview.pipeline.rules.addressing import internal_address
from tfreview.pipeline.rules.common import sides, string_leaves
from tfreview.pipeline.rules.guardrails import PRIVATE_DNS, RULES_TEXT

ZONES = lazy_compile(r"(?:^|_)(?:zone|managed_zone|hosted_zone)$")
RECORDS = lazy_compile(r"record|recordset|record_set")
# Resolver overrides: every answer they give is private to the networks they are bound to.
OVERRIDES = lazy_compile(r"response_policy_rule|(?:dns|host|hosts)_override|hosts_entry|(?:^|_)rpz(?:_|$)")
NAME_KEYS = ("name", "dns_name", "fqdn", "hostname", "domain")
# Top-level domains that never resolve on the internet: the organisation's own private names.
PRIVATE_TLDS = frozenset({"internal", "local", "corp", "lan", "home", "intranet", "private", "test", "example",
                          "invalid", "localhost", "arpa", "localdomain", "intra"})
# Public addresses that serve private access: Google's restricted and private access VIPs.
PRIVATE_VIPS = tuple(ipaddress.ip_network(n) for n in ("199.36.153.4/30", "199.36.153.8/30"))


def _outside(text: str) -> bool:
    """Whether TEXT is an IP address outside the organisation's ranges (addressing.py) and no private-access VIP."""
    if internal_address(text) is not False:
        return False
    address = ipaddress.ip_address(text.strip().strip("[]"))
    return not any(address.version == net.version and address in net for net in PRIVATE_VIPS)


def _private_zone(values: dict[str, Any]) -> bool:
    """Whether a zone is bound to networks: a `vpc` block, private visibility, a private visibility config."""
    return bool(values.get("vpc")) or str(values.get("visibility") or "").lower() == "private" \
        or bool(values.get("private_visibility_config"))


def _names(values: dict[str, Any]) -> list[str]:
    return [str(v).strip().rstrip(".").lower() for k, v in values.items() if k in NAME_KEYS and isinstance(v, str)
            and v.strip()]


def _public_domain(name: str) -> bool:
    labels = [label for label in name.lstrip("*.").split(".") if label]
    return len(labels) >= 2 and labels[-1] not in PRIVATE_TLDS and not labels[-1].isdigit()


@rule(PRIVATE_DNS, Severity.HIGH, RULES_TEXT)  # the per-change check in guardrails.py reports under it too
def _public_name_overridden(ri: ReviewInput) -> Iterator[Finding]:
    zones = {name for c in ri.changeset.changes if ZONES.search(c.type) and isinstance(c.after, dict)
             and _private_zone(c.after) for name in _names(c.after)}
    for change in managed(ri.changeset, *ALTERING):
        override = OVERRIDES.search(change.type) is not None
        if not override and not (RECORDS.search(change.type) and zones):
            continue
        before, after = sides(change)
        names = [n for n in _names(after) if _public_domain(n)
                 and (override or any(n == z or n.endswith("." + z) for z in zones))]
        old = set(string_leaves(before)) if change.action is not Action.CREATE else set()
        outside = [s for s in string_leaves(after) if s not in old and _outside(s)]
        if names and outside:
            yield finding(PRIVATE_DNS, change.address, f"{change.address}: private DNS answers {names[0]}, a public "
                          f"domain, with outside address {outside[0]}: every lookup of it from the network goes to "
                          "that host (clones, image pulls, sign-ins)")
