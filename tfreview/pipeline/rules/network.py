"""Risk rules, network exposure: ingress from the whole internet beyond 80/443, public databases, public buckets.

Only openings a change adds are reported; an exposure that was already there is not news.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import tfreview.pipeline.rules.policy as policy
from tfreview.pipeline.changes import Change
from tfreview.pipeline.diff import any_unknown
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import as_list, blocks, dig, new_items, sides
from tfreview.pipeline.rules.ports import BY_DESIGN, served_by_design
from tfreview.pipeline.rules.values import whole_range, world_sources
from tfreview.pipeline.rules.watch import is_off, is_on, watch_delete

INGRESS = declare("network-open-ingress", Severity.HIGH,
                  "Ingress from the whole internet (0.0.0.0/0, ::/0, `*`, 0.0.0.0-255.255.255.255…) to ports other "
                  "than 80/443, in any resource of any provider.")
DATABASE = declare("public-database", Severity.HIGH,
                   "A database becomes reachable from the internet (publicly_accessible, 0.0.0.0/0 networks).")
BUCKET = declare("public-bucket", Severity.HIGH,
                 "A bucket or storage account becomes public (ACLs, public access block off, public policy).")

WEB_PORTS = {80, 443}
ALL_PORTS = (0, 65535)
NO_PORTS = ("icmp", "icmpv6", "1", "58")
PUBLIC_ACLS = {"public", "public-read", "public-read-write", "authenticated-read", "publicread", "publicreadwrite",
               "authenticatedread"}
PUBLIC_CONTAINER = ("blob", "container")  # azurerm container_access_type other than "private"
PUBLIC_GRANTEES = ("AllUsers", "AuthenticatedUsers", "allUsers", "allAuthenticatedUsers")
PUBLIC_ACCESS_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
GOOGLE_SOURCES = ("source_ranges", "source_tags", "source_service_accounts")
AZURE_RULE_TYPES = ("azurerm_network_security_rule", "azurerm_network_security_group")

# --- ingress -----------------------------------------------------------------------------------------


def _ports(low: Any, high: Any, protocol: Any) -> tuple[int, int] | None:
    """The port range a rule opens, None for ICMP; all ports for protocol -1/all."""
    proto = str(protocol).lower()
    if proto in NO_PORTS:
        return None
    if proto in ("-1", "all", "*") or low in (None, -1):
        return ALL_PORTS
    try:
        return int(low), int(high if high is not None else low)
    except (TypeError, ValueError):
        return ALL_PORTS


def _beyond_web(ports: tuple[int, int]) -> bool:
    low, high = ports
    return not (low == high and low in WEB_PORTS)


def _openings(resource_type: str, values: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(attribute, source, ports) for each way these values let the internet in beyond 80/443."""
    if resource_type == "aws_security_group":
        return [o for rule in blocks(values, "ingress") for o in _aws_rule("ingress", rule)]
    if resource_type == "aws_security_group_rule":
        return _aws_rule("", values) if values.get("type") == "ingress" else []
    if resource_type == "aws_vpc_security_group_ingress_rule":
        rule = {**values, "protocol": values.get("ip_protocol"),
                "cidr_blocks": [values.get("cidr_ipv4")], "ipv6_cidr_blocks": [values.get("cidr_ipv6")]}
        return _aws_rule("", rule)
    if resource_type == "google_compute_firewall":
        return _google_firewall(values)
    if resource_type == "azurerm_network_security_group":
        return [o for rule in blocks(values, "security_rule") for o in _azure_rule("security_rule", rule)]
    return _azure_rule("", values)


def _aws_rule(attribute: str, rule: dict[str, Any]) -> list[tuple[str, str, str]]:
    sources = world_sources(as_list(rule.get("cidr_blocks")) + as_list(rule.get("ipv6_cidr_blocks")), words=True)
    ports = _ports(rule.get("from_port"), rule.get("to_port"), rule.get("protocol"))
    if not sources or ports is None or not _beyond_web(ports):
        return []
    return [(attribute, source, _port_text(ports, rule.get("protocol"))) for source in sources]


def _google_firewall(values: dict[str, Any]) -> list[tuple[str, str, str]]:
    if str(values.get("direction") or "INGRESS").upper() != "INGRESS" or values.get("disabled") is True:
        return []
    sources = world_sources(as_list(values.get("source_ranges")), words=True)
    # With no source range, tag or service account, Google applies the rule to 0.0.0.0/0 (the API's default);
    # a key missing from the values is known only after apply, and is not read as empty.
    if "source_ranges" in values and not any(as_list(values.get(k)) for k in GOOGLE_SOURCES):
        sources = ["0.0.0.0/0 (no source given: Google's default)"]
    found = []
    for allow in blocks(values, "allow"):
        ranges = [_range(p) for p in as_list(allow.get("ports"))] or [_ports(0, 65535, allow.get("protocol"))]
        for ports in ranges:
            if ports and _beyond_web(ports) and str(allow.get("protocol")).lower() not in NO_PORTS:
                found += [("allow", s, _port_text(ports, allow.get("protocol"))) for s in sources]
    return found


def _azure_rule(attribute: str, rule: dict[str, Any]) -> list[tuple[str, str, str]]:
    if str(rule.get("direction")).lower() != "inbound" or str(rule.get("access")).lower() != "allow":
        return []
    prefixes = as_list(rule.get("source_address_prefix")) + as_list(rule.get("source_address_prefixes"))
    sources = world_sources(prefixes, words=True)
    ranges = as_list(rule.get("destination_port_range")) + as_list(rule.get("destination_port_ranges"))
    protocol = rule.get("protocol")
    found = []
    for ports in (_range(r) for r in ranges if r):
        if ports and _beyond_web(ports) and str(protocol).lower() != "icmp":
            found += [(attribute, s, _port_text(ports, protocol)) for s in sources]
    return found


def _range(text: Any) -> tuple[int, int] | None:
    if str(text).strip() in ("*", ""):
        return ALL_PORTS
    low, _, high = str(text).partition("-")
    try:
        return int(low), int(high or low)
    except ValueError:
        return None


def _port_text(ports: tuple[int, int], protocol: Any) -> str:
    proto = "all protocols" if str(protocol).lower() in ("-1", "all", "*") else str(protocol).lower()
    if ports == ALL_PORTS:
        return f"all ports/{proto}"
    low, high = ports
    text = f"port {low}/{proto}" if low == high else f"ports {low}-{high}/{proto}"
    return text + BY_DESIGN if served_by_design([ports], protocol) else text


@on_change(types=("aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule",
                  "google_compute_firewall", *AZURE_RULE_TYPES))
def _open_ingress(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
    if not as_list(after.get("source_ranges")) and any(any_unknown(unknown.get(k)) for k in GOOGLE_SOURCES):
        after = {k: v for k, v in after.items() if k != "source_ranges"}  # known after apply is not "none given"
    listed = allow_listed(before)
    for attribute, source, ports in new_items(_openings(change.type, before), _openings(change.type, after)):
        where = f"{attribute} " if attribute else ""
        public = ports.endswith(BY_DESIGN) and not listed
        note = f" (it admitted only {listed} before)" if listed else ""
        ports = ports if public else ports.removesuffix(BY_DESIGN)
        yield finding(INGRESS, change.address, f"{change.address}: {where}opens {ports} to {source}{note}",
                      Severity.MEDIUM if public else None)


# A rule's own list of the sources it admits: its named addresses before the plan.
SOURCE_LISTS = ("source_address_prefixes", "source_address_prefix", "source_ranges", "cidr_blocks", "cidr_ipv4",
                "ipv6_cidr_blocks", "source_addresses", "source_cidrs")


def allow_listed(before: dict[str, Any]) -> str | None:
    """The named sources an existing rule admitted (`194.60.112.0/24 and 2 more`), None when it admitted the world
    or named none: a UDP service port that had an allow-list (a carrier's SIP trunk) loses it when opened to all."""
    named = [str(v) for key in SOURCE_LISTS for v in as_list(before.get(key))
             if isinstance(v, str) and v.strip() and v.strip() != "*"]
    if not named or world_sources(named, words=True):
        return None
    return named[0] + (f" and {len(named) - 1} more" if len(named) > 1 else "")


# --- databases ---------------------------------------------------------------------------------------

PUBLICLY_ACCESSIBLE = ("aws_db_instance", "aws_rds_cluster_instance", "aws_redshift_cluster",
                       "aws_dms_replication_instance")
PUBLIC_NETWORK_ACCESS = ("azurerm_postgresql_flexible_server", "azurerm_mysql_flexible_server", "azurerm_mssql_server",
                         "azurerm_postgresql_server", "azurerm_mysql_server", "azurerm_cosmosdb_account",
                         "azurerm_redis_cache")
DB_FIREWALL_RULES = ("azurerm_postgresql_flexible_server_firewall_rule", "azurerm_mysql_flexible_server_firewall_rule",
                     "azurerm_mssql_firewall_rule", "azurerm_postgresql_firewall_rule", "azurerm_mysql_firewall_rule",
                     "azurerm_mariadb_firewall_rule", "azurerm_redis_firewall_rule")


@on_change(types=(*PUBLICLY_ACCESSIBLE, *PUBLIC_NETWORK_ACCESS, *DB_FIREWALL_RULES, "google_sql_database_instance"))
def _public_database(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if change.type in PUBLICLY_ACCESSIBLE and after.get("publicly_accessible") is True \
            and before.get("publicly_accessible") is not True:
        yield finding(DATABASE, change.address,
                      f"{change.address}: publicly_accessible = true (the database gets a public IP)")
    elif change.type in PUBLIC_NETWORK_ACCESS and before.get("public_network_access_enabled") is False \
            and after.get("public_network_access_enabled") is True:
        yield finding(DATABASE, change.address,
                      f"{change.address}: public_network_access_enabled false → true")
    elif change.type in DB_FIREWALL_RULES and (wide := whole_range(after)) and not whole_range(before):
        yield finding(DATABASE, change.address,
                      f"{change.address}: firewall rule allows {wide} (at least half of all addresses: the whole "
                      "internet)")
    elif change.type == "google_sql_database_instance":
        yield from _cloud_sql(change, before, after)


def _cloud_sql(change: Change, before: dict[str, Any], after: dict[str, Any]) -> Iterator[Finding]:
    path = ("settings", 0, "ip_configuration", 0)
    old, new = dig(before, *path) or {}, dig(after, *path) or {}
    for network in new_items(blocks(old, "authorized_networks"), blocks(new, "authorized_networks")):
        if world_sources(network.get("value"), words=True):
            yield finding(DATABASE, change.address,
                          f"{change.address}: settings.ip_configuration.authorized_networks allows "
                          f"{network.get('value')}")
    if old.get("ipv4_enabled") is False and new.get("ipv4_enabled") is True:
        yield finding(DATABASE, change.address,
                      f"{change.address}: settings.ip_configuration.ipv4_enabled false → true (public IP)",
                      Severity.MEDIUM)


# --- buckets -----------------------------------------------------------------------------------------

watch_delete(BUCKET, "the bucket's public access block is removed", "aws_s3_bucket_public_access_block")
watch_delete(BUCKET, "the account-wide S3 public access block is removed", "aws_s3_account_public_access_block")


@on_change(types=("aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block"))
def _public_access_block(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    off = [f for f in PUBLIC_ACCESS_FLAGS if is_off(after.get(f)) and (not before or is_on(before.get(f)))]
    if off:
        # block_public_policy and block_public_acls only refuse new public grants; restrict_public_buckets and
        # ignore_public_acls make every public grant, old or new, reach nobody outside. A block flag off beside its
        # neutralising partner opens nothing (an organisation-scoped policy needs it off); a neutralising flag off
        # lets the public grants already there through, whatever the block flags say.
        held = all(f in PAIRED and is_on(after.get(PAIRED[f])) for f in off)
        yield finding(BUCKET, change.address, f"{change.address}: {', '.join(off)} = false (public access allowed)"
                      + (f" — {', '.join(PAIRED[f] for f in off)} stays on, so nothing public gets through" if held
                         else ""), Severity.MEDIUM if held else None)


PAIRED = {"block_public_policy": "restrict_public_buckets", "block_public_acls": "ignore_public_acls"}


@on_change(types=("aws_s3_bucket_acl", "aws_s3_bucket", "google_storage_bucket_acl", "azurerm_storage_container"))
def _public_acl(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    key = {"google_storage_bucket_acl": "predefined_acl", "azurerm_storage_container": "container_access_type"}
    attribute = key.get(change.type, "acl")
    value = after.get(attribute)
    public = str(value).lower() in PUBLIC_ACLS or (attribute == "container_access_type" and value in PUBLIC_CONTAINER)
    if public and value != before.get(attribute):
        yield finding(BUCKET, change.address, f'{change.address}: {attribute} = "{value}" (public)')
    old, new = _grantees(before), _grantees(after)
    for grantee in new - old:
        yield finding(BUCKET, change.address, f"{change.address}: grants access to {grantee} (public)")


def _network_open(values: dict[str, Any]) -> bool:
    """Whether a storage account's network rules let every address in (default action Allow, public access on)."""
    rules = blocks(values, "network_rules")
    return (values.get("public_network_access_enabled") is not False and bool(rules)
            and all(str(r.get("default_action")).lower() == "allow" for r in rules))


def _grantees(values: dict[str, Any]) -> set[str]:
    found = {str(g.get("uri")) for acp in blocks(values, "access_control_policy") for grant in blocks(acp, "grant")
             for g in blocks(grant, "grantee") if str(g.get("uri")).endswith(PUBLIC_GRANTEES)}
    found |= {str(e) for e in as_list(values.get("role_entity")) if str(e).endswith(PUBLIC_GRANTEES)}
    return found


@on_change(types=("google_storage_bucket_access_control", "google_storage_default_object_access_control",
                  "google_storage_object_access_control"))
def _public_entity(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    entity = after.get("entity")
    if entity in PUBLIC_GRANTEES and entity != before.get("entity"):
        yield finding(BUCKET, change.address, f"{change.address}: entity = \"{entity}\" (public)")


@on_change(types=("aws_s3_bucket_policy", "aws_s3_bucket"))
def _public_bucket_policy(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    for statement in policy.new_statements(before.get("policy"), after.get("policy")):
        if policy.public_principal(statement) and not policy.conditions(statement):
            yield finding(BUCKET, change.address,
                          f'{change.address}: policy {policy.label(statement)} allows Principal "*" (anyone)')


@on_change(types=("azurerm_storage_account", "google_storage_bucket"))
def _storage_account(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    for flag in ("allow_nested_items_to_be_public", "allow_blob_public_access"):
        if after.get(flag) is True and before.get(flag) is not True:
            # Several azurerm versions default it on at create; on a network that lets everyone in it is public.
            severity = Severity.HIGH if before or _network_open(after) else Severity.MEDIUM
            yield finding(BUCKET, change.address, f"{change.address}: {flag} = true (anonymous blob access)",
                          severity)
    if before.get("public_network_access_enabled") is False and after.get("public_network_access_enabled") is True:
        # network rules that deny by default still fence it; none (or an Allow default) leaves it on the internet
        fenced = [r for r in blocks(after, "network_rules") if str(r.get("default_action")).lower() == "deny"]
        yield finding(BUCKET, change.address, f"{change.address}: public_network_access_enabled false → true"
                      + ("" if fenced else " with no network rule that denies by default (reachable from the "
                                            "internet)"),
                      Severity.MEDIUM if fenced else Severity.HIGH)
    if before.get("public_access_prevention") == "enforced" and after.get("public_access_prevention") == "inherited":
        yield finding(BUCKET, change.address,
                      f'{change.address}: public_access_prevention "enforced" → "inherited"')
