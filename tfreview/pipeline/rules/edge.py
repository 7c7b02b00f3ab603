"""Risk rules, the edge: mail-authentication policies weakened, a WAF told to skip all traffic, and an origin's
restricted ingress widened to the whole internet (risk rules stage).

Judged by what values mean, for any provider: an SPF record's `all` qualifier (-all > ~all > ?all > +all) and a
DMARC policy (reject > quarantine > none) are read wherever such text appears; a filter rule whose action skips or
bypasses protections and whose match expression is always true disarms the filter for every request; an ingress
rule that admitted one named peer (a CDN's prefix list, a security group, a private range) and now admits
0.0.0.0/0 lets the internet around that peer, even on 80/443. A `tls` block dropped from a resource that stays
serves it in plaintext; a domain's DKIM keys deleted with none created and the mail identity kept leaves its mail
unsigned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import (
    EVERY_ACTION,
    Finding,
    ReviewInput,
    Severity,
    declare,
    finding,
    managed,
    on_change,
    rule,
)
from tfreview.pipeline.rules.common import as_list, known, sides
from tfreview.pipeline.rules.senders import unknown_receivers, unknown_senders
from tfreview.pipeline.rules.tautology import always_true, client_chosen, whole_host, whole_section
from tfreview.pipeline.rules.values import world_sources

MAIL = "mail-policy-weakened"
BYPASS = declare("filter-bypass-all", Severity.HIGH,
                 "A WAF or firewall rule skips or bypasses protections for every request (match expression "
                 "always true), or skips the whole filter for a whole section of the application (`/api/`) or a "
                 "whole host.")
WIDENED = declare("ingress-widened", Severity.HIGH,
                  "An ingress rule that admitted one named source (a CDN prefix list, a security group, a private "
                  "range) now admits the whole internet, even on 80/443.")

TLS = declare("tls-removed", Severity.HIGH,
              "A TLS block is dropped from a resource that keeps serving (an ingress, a listener): plaintext.")
SIGNING = declare("mail-signing-removed", Severity.HIGH,
                  "A domain's DKIM keys are deleted while its mail identity stays and no new key is published.")

SPF = lazy_compile(r"\bv=spf1\b", re.IGNORECASE)
SPF_ALL = lazy_compile(r"(?:^|\s)([-~?+]?)all\b", re.IGNORECASE)
# Strength of the SPF `all` qualifier; no `all` at all is as weak as `?all` (neutral).
SPF_STRENGTH = {"-": 3, "~": 2, "?": 1, "+": 0, "": 0}
DMARC = lazy_compile(r"\bv=dmarc1\b", re.IGNORECASE)
DMARC_POLICY = lazy_compile(r"(?:^|[;\s])p\s*=\s*(reject|quarantine|none)\b", re.IGNORECASE)
# The subdomain policy (`sp=`): absent, subdomains follow `p`; weaker, every subdomain can be forged.
DMARC_SUBDOMAINS = lazy_compile(r"(?:^|[;\s])sp\s*=\s*(reject|quarantine|none)\b", re.IGNORECASE)
DMARC_STRENGTH = {"reject": 2, "quarantine": 1, "none": 0}
MAX_DEPTH = 8

SKIP_ACTIONS = {"skip", "bypass", "allow_all", "disable", "disabled", "off", "exempt", "exclude"}
LETS_THROUGH = {"allow", "pass", "whitelist", "allowlist", "bypass", "skip"}
EXPRESSION_KEYS = lazy_compile(r"expression|match|condition|filter|when|predicate")
FILTER_TYPES = lazy_compile(r"waf|ruleset|firewall|security_policy|web_acl|rule_group|armor")

SINGLE_RULE_TYPES = {"aws_security_group_rule", "aws_vpc_security_group_ingress_rule"}
PEER_KEYS = ("prefix_list_id", "prefix_list_ids", "referenced_security_group_id", "source_security_group_id",
             "cidr_ipv4", "cidr_ipv6", "cidr_blocks", "ipv6_cidr_blocks")


def _strings(value: Any, depth: int = 0) -> Iterator[str]:
    """Every string leaf of VALUE."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, depth + 1)


def _mail_strength(values: dict[str, Any]) -> dict[str, int]:
    """{"SPF"|"DMARC": weakest strength} of the mail policies held in VALUES (DMARC's weaker of `p` and `sp`)."""
    found: dict[str, int] = {}
    for text in _strings(values):
        if SPF.search(text):
            qualifiers = SPF_ALL.findall(text)
            strength = min((SPF_STRENGTH[q] for q in qualifiers), default=0)
            found["SPF"] = min(found.get("SPF", strength), strength)
        if DMARC.search(text):
            policy = DMARC_POLICY.search(text)
            strength = DMARC_STRENGTH[policy.group(1).lower()] if policy else 0
            if subdomains := DMARC_SUBDOMAINS.search(text):
                strength = min(strength, DMARC_STRENGTH[subdomains.group(1).lower()])
            found["DMARC"] = min(found.get("DMARC", strength), strength)
    return found



def mail_tightened(before: Any, after: Any) -> bool:
    """Whether the mail policies AFTER holds are each at least as strict as BEFORE's and one is stricter (DMARC
    p=none → quarantine, SPF ~all → -all)."""
    old, new = _mail_strength({"v": before}), _mail_strength({"v": after})
    return bool(old) and old.keys() == new.keys() and all(new[k] >= old[k] for k in old) \
        and any(new[k] > old[k] for k in old)


@on_change(words=(b"v=spf1", b"v=dmarc1"))
def _mail_policy_weakened(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if not before or not after:
        return
    old, new = _mail_strength(before), _mail_strength(after)
    for kind in sorted(old.keys() & new.keys()):
        if new[kind] < old[kind]:
            yield finding(MAIL, change.address, f"{change.address}: its {kind} policy is weakened — others may "
                          "send mail as the domain")


@rule(MAIL, Severity.HIGH,
      "An SPF or DMARC policy is weakened (SPF -all to ~all/?all/+all, DMARC reject to quarantine/none, a subdomain "
      "policy below the domain's, an SPF include of an unknown sender): others may send mail as the domain; or the "
      "domain's MX records move its inbound mail to an unknown host.")
def _unknown_mail_hosts(ri: ReviewInput) -> Iterator[Finding]:
    yield from unknown_senders(ri, MAIL)
    yield from unknown_receivers(ri, MAIL)


def _bypasses(values: dict[str, Any], depth: int = 0) -> Iterator[str]:
    """Descriptions of the enabled rules in VALUES that skip protections for every request, or for any client that
    writes a header it chooses (an allow in a filter's list lets those through just the same)."""
    if depth > MAX_DEPTH:
        return
    action = str(values.get("action") or "").strip().lower()
    if action in SKIP_ACTIONS | LETS_THROUGH and values.get("enabled") is not False:
        expressions = [v for k, v in values.items() if EXPRESSION_KEYS.search(k.lower()) and isinstance(v, str)]
        if expressions and action in SKIP_ACTIONS and all(always_true(e) for e in expressions):
            yield f"action {action} on expression {expressions[0].strip()!r} skips the filter for all traffic"
        elif expressions and action in SKIP_ACTIONS and _skips_whole_filter(values) and \
                all(sections := [whole_section(e) for e in expressions]):
            yield (f"action {action} on expression {expressions[0].strip()!r} skips the whole filter for every "
                   f"request under /{sections[0]}/, the application itself")
        elif expressions and action in SKIP_ACTIONS and _skips_whole_filter(values) and \
                all(hosts := [whole_host(e) for e in expressions]):
            yield (f"action {action} on expression {expressions[0].strip()!r} skips the whole filter for every "
                   f"request to {hosts[0]}, a whole site")
        elif expressions and all(client_chosen(e) for e in expressions):
            yield (f"action {action} on expression {expressions[0].strip()!r} skips the filter for any client that "
                   "writes that header (user agent, referer and forwarding headers are the client's to choose)")
    for value in values.values():
        for child in (v for v in as_list(value) if isinstance(v, dict)):
            yield from _bypasses(child, depth + 1)


# What a skip leaves out: named rules of a ruleset (`rules = {ruleset: "id1,id2"}`) tune false positives; a
# whole ruleset (`ruleset = "current"`), phase or product turns the filter off.
SKIPS_NAMED_RULES = lazy_compile(r"^(?:rules|rule_ids?|excluded_rules?)$")
SKIPS_WHOLE = lazy_compile(r"^(?:ruleset|rulesets|phases|products|ruleset_ids?)$")


def _skips_whole_filter(values: dict[str, Any]) -> bool:
    """Whether a skip rule's parameters leave out a whole ruleset, phase or product (or name nothing narrower)."""
    parameters = [p for key in ("action_parameters", "parameters", "skip") for p in as_list(values.get(key))
                  if isinstance(p, dict)]
    if any(SKIPS_NAMED_RULES.match(k) and v not in (None, "", [], {}) for p in parameters for k, v in p.items()):
        return False
    return not parameters or any(SKIPS_WHOLE.match(k) and v not in (None, "", [], {}) for p in parameters
                                 for k, v in p.items())


@on_change(type_pattern=FILTER_TYPES)
def _filter_bypass(change: Change) -> Iterator[Finding]:
    if not FILTER_TYPES.search(change.type):
        return
    before, after = sides(change)
    old = set(_bypasses(before))
    for match in sorted(set(_bypasses(after)) - old):
        yield finding(BYPASS, change.address, f"{change.address}: a rule with {match}")


def _sources(values: dict[str, Any]) -> tuple[bool, bool]:
    """(admits the whole internet, admits a named peer or narrower range) for one ingress rule's values."""
    if str(values.get("type") or "ingress").lower() != "ingress":
        return False, False
    items = [v for key in PEER_KEYS for v in as_list(values.get(key)) if known(v) and v not in (None, "")]
    world = bool(world_sources([v for v in items if isinstance(v, str)], words=False))
    narrow = any(isinstance(v, str) and not world_sources([v], words=False) for v in items)
    return world, narrow


@on_change(types=tuple(SINGLE_RULE_TYPES))
def _ingress_widened(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if not before or not after:
        return
    was_world, was_narrow = _sources(before)
    now_world, _ = _sources(after)
    if now_world and was_narrow and not was_world:
        yield finding(WIDENED, change.address, f"{change.address}: its source widens from a named peer or range "
                      "to the whole internet (anyone may reach what only that source could)")


TLS_KEY = lazy_compile(r"(?:\w+_)?tls")


def _tls_blocks(values: dict[str, Any], path: str = "", depth: int = 0) -> set[str]:
    """Paths of the non-empty `tls` blocks in VALUES."""
    found: set[str] = set()
    for key, value in values.items() if depth <= MAX_DEPTH else ():
        where = f"{path}.{key}" if path else key
        children = [v for v in as_list(value) if isinstance(v, dict)] if isinstance(value, (dict, list)) else []
        if TLS_KEY.fullmatch(key.lower()) and children:
            found.add(where)
        for child in children:
            found |= _tls_blocks(child, where, depth + 1)
    return found


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b'tls":',))  # a TLS block in before
def _tls_removed(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if not after:
        return
    # A block under an attribute known only after apply is not removed: kubernetes_manifest's `object` (the API's
    # read-back of `manifest`) is unknown on every update, and the manifest beside it says what is served.
    unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
    for path in sorted(_tls_blocks(before) - _tls_blocks(after)):
        if unknown.get(path.split(".", 1)[0]) is not True:
            yield finding(TLS, change.address, f"{change.address}: its {path} block is removed — served without TLS")


DKIM_NAME = lazy_compile(r"(?:^|\.)_domainkey(?:\.(.+))?$")


def _dkim_domain(values: dict[str, Any]) -> str | None:
    """The domain a DKIM key record (`selector._domainkey.example.org`) signs for, or None."""
    for key in ("name", "fqdn", "hostname", "record_name"):
        match = DKIM_NAME.search(str(values.get(key) or "").strip().rstrip(".").lower())
        if match:
            zone = next((str(values[k]) for k in ("domain", "zone", "zone_name", "dns_name") if values.get(k)), "")
            return match.group(1) or zone.rstrip(".").lower() or "(its zone)"
    return None


@rule(SIGNING, Severity.HIGH, "A domain's DKIM keys are deleted while its mail identity stays and no new key is "
      "published.")
def _signing_removed(ri: ReviewInput) -> Iterator[Finding]:
    removed: dict[str, list[str]] = {}
    published: set[str] = set()
    gone: list[str] = []
    kept: list[str] = []
    for change in managed(ri.changeset, *EVERY_ACTION):
        before, after = sides(change)
        if change.action == Action.DELETE and (domain := _dkim_domain(before)):
            removed.setdefault(domain, []).append(change.address)
        elif after and (domain := _dkim_domain(after)):
            published.add(domain)
        elif change.action == Action.DELETE:
            gone.append(orjson.dumps(before).decode().lower())
        elif after:
            kept.append(orjson.dumps(after).decode().lower())
    for domain, addresses in sorted(removed.items()):
        if domain in published or any(domain in text for text in gone):
            continue
        # One old selector deleted alone is a rotation's clean-up; every key of a domain whose identity the plan
        # keeps is its signing switched off.
        if len(addresses) > 1 or any(domain in text for text in kept):
            yield from (finding(SIGNING, address, f"{address}: a DKIM key of {domain} is deleted and none is "
                                "published: its mail goes out unsigned") for address in addresses)


DANGLING = declare("dns-dangling", Severity.HIGH,
                   "A DNS record stays pointed at a hosted name (a pages site, an app, a bucket website, a CDN) "
                   "whose owner the plan deletes or unconfigures: anyone who claims that name serves the domain.")
RECORD_TYPES = lazy_compile(r"(?:^|_)(?:record|records|record_set|dns_record)(?:_|$)")
TARGET_KEYS = ("records", "record", "value", "values", "content", "target", "data", "rrdatas", "cname", "alias")
HOSTNAME = lazy_compile(r"^(?=.*[a-z])[a-z0-9_-]+(?:\.[a-z0-9_-]+)+\.?$")


def _record_names(values: dict[str, Any]) -> tuple[str, list[str]]:
    """(the record's own name, the host names it points at)."""
    own = str(values.get("hostname") or values.get("fqdn") or values.get("name") or "").rstrip(".").lower()
    targets = [str(v).strip().strip('"').rstrip(".").lower() for key in TARGET_KEYS for v in as_list(values.get(key))
               if isinstance(v, str)]
    for alias in (a for a in as_list(values.get("alias")) if isinstance(a, dict)):
        targets.append(str(alias.get("name") or "").rstrip(".").lower())
    return own, sorted({t for t in targets if HOSTNAME.match(t) and t != own})


def _holds(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", text) is not None


@rule(DANGLING, Severity.HIGH, "A DNS record stays pointed at a hosted name whose owner the plan deletes or "
      "unconfigures.")
def _dangling(ri: ReviewInput) -> Iterator[Finding]:
    records: list[tuple[str, str, list[str]]] = []
    owners: list[tuple[str, str, str]] = []
    for change in managed(ri.changeset, *EVERY_ACTION):
        before, after = sides(change)
        if RECORD_TYPES.search(change.type):
            if change.action != Action.DELETE and after:
                records.append((change.address, *_record_names(after)))
            continue
        owners.append((change.address, orjson.dumps(before).decode().lower(), orjson.dumps(after).decode().lower()))
    for address, own, targets in records:
        for target in targets:
            released = [a for a, old, new in owners if _holds(old, target) and not _holds(new, target)]
            if released and not any(_holds(new, target) or (own and _holds(new, own)) for _, _, new in owners):
                yield finding(DANGLING, address, f"{address}: still points at {target}, which {released[0]} "
                              "releases — anyone who claims that name serves this domain")
