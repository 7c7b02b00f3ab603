"""Risk rules, network crypto and traffic policy: VPN/IPsec crypto weakened (cipher, integrity, DH group, IKE
version), service-mesh mTLS relaxed (strict > permissive > off) and egress policy opened (allow-listed > allow-any),
firewall rule text that newly passes everything, a deny turned allow for the whole internet, and all DNS names
forwarded to an outside resolver; on any provider, by what the attribute means.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.strengths import flag
from tfreview.pipeline.rules.values import world_sources

CRYPTO = declare("vpn-crypto-weakened", Severity.HIGH,
                 "A VPN/IPsec/tunnel's encryption, integrity, Diffie-Hellman/PFS group or IKE version is lowered "
                 "(AES-GCM/AES256 > AES128 > 3DES > DES; SHA2 > SHA1 > MD5; DH 19-24 > 14-18 > 1/2/5; IKEv2 > "
                 "IKEv1); in a list the weakest member counts.")
MTLS = declare("mtls-relaxed", Severity.HIGH,
               "A service mesh's mutual-TLS mode is relaxed (strict > permissive > disabled): plaintext or "
               "unauthenticated peers are accepted.")
EGRESS = declare("egress-policy-opened", Severity.HIGH,
                 "An egress/outbound traffic policy mode goes from allow-listed (registry_only, deny, restricted) "
                 "to allow-any: workloads can reach any destination.")

# A mesh or proxy that only lets workloads reach known destinations (`MeshDestinationsOnly`, also inside JSON
# config text): turned off, workloads may reach anything.
control(EGRESS, r"\w*destinations?_only|\w*registry_only", flag,
        "workloads may reach any destination, not only known ones")

TUNNEL_TYPES = lazy_compile(r"vpn|ipsec|tunnel|(?:^|_)ike(?:_|$)|wireguard|site_to_site|gateway_connection")
MTLS_TYPES = lazy_compile(r"mtls|peer_?authentication|peerauthentication")
MAX_DEPTH = 10
_NUMBER = lazy_compile(r"\d+")


def _cipher(text: str) -> float | None:
    t = text.lower().replace("-", "").replace("_", "")
    if "gcm" in t or "aes256" in t or "chacha" in t or "aes192" in t:
        return 4
    if "aes" in t:
        return 3
    if "3des" in t or "tripledes" in t or "des3" in t:
        return 2
    if "des" in t or t in ("none", "null", "rc4"):
        return 1
    return None


def _integrity(text: str) -> float | None:
    t = text.lower().replace("-", "").replace("_", "")
    if "sha2" in t or "sha256" in t or "sha384" in t or "sha512" in t or "gcm" in t:
        return 3
    if "sha" in t:
        return 2
    if "md5" in t or t in ("none", "null"):
        return 1
    return None


def _group(text: str) -> float | None:
    t = text.lower()
    if t in ("none", "null", "off", "disabled"):
        return 0
    if t.startswith(("ecp", "pfs", "dhgroup")) and ("ecp" in t or "2048" in t):
        return 3 if "ecp" in t else 2  # Azure's ECP256/ECP384 are groups 19/20, DHGroup2048/PFS2048 is 14
    match = _NUMBER.search(t)
    if not match:
        return None
    number = int(match.group())
    return 3 if 19 <= number <= 24 else 2 if 14 <= number <= 18 else 1 if number in (1, 2, 5) else None


def _version(text: str) -> float | None:
    t = text.lower().replace("-", "").replace("_", "")
    return 2 if t in ("ikev2", "v2", "2") else 1 if t in ("ikev1", "v1", "1") else None


def _crypto_kind(key: str) -> Callable[[str], float | None] | None:
    """Which ladder a tunnel attribute's name reads: integrity, DH/PFS group, IKE version or cipher."""
    k = key.lower()
    if "integrity" in k or "hash" in k:
        return _integrity
    if re.search(r"(?:^|_)(?:dh|pfs)(?:_|$)|dh_group|pfs_group|dhgroup", k):
        return _group
    if ("ike" in k and ("version" in k or "protocol" in k)) or k == "connection_protocol":
        return _version
    if "encryption" in k or "cipher" in k:
        return _cipher
    return None


def _weakest(value: Any, read: Callable[[str], float | None]) -> float | None:
    """The weakest understood member of a value or list; None when none is understood."""
    items = value if isinstance(value, list) else [value]
    ranks = [read(str(v)) for v in items if isinstance(v, (str, int)) and not isinstance(v, bool)]
    known = [r for r in ranks if r is not None]
    return min(known) if known else None


def _walk(before: Any, after: Any, path: str, depth: int = 0) -> Iterator[tuple[str, str, Any, Any]]:
    """(path, key, before, after) for every key present on both sides, through blocks and lists of blocks."""
    if depth > MAX_DEPTH:
        return
    if isinstance(before, list) and isinstance(after, list):
        for index, (old, new) in enumerate(zip(before, after, strict=False)):
            yield from _walk(old, new, f"{path}[{index}]", depth + 1)
        return
    if not isinstance(before, dict) or not isinstance(after, dict):
        return
    for key, old in before.items():
        if key not in after:
            continue
        new = after[key]
        where = f"{path}.{key}" if path else key
        yield where, key, old, new
        if isinstance(old, (dict, list)):
            yield from _walk(old, new, where, depth + 1)


def _kind(values: dict[str, Any]) -> str:
    """The resource type's words plus a manifest's kind (`PeerAuthentication`)."""
    manifest = values.get("manifest")
    kind = manifest.get("kind") if isinstance(manifest, dict) else values.get("kind")
    return str(kind).lower() if isinstance(kind, str) else ""


MTLS_MODES = {"strict": 3, "require": 3, "required": 3, "permissive": 2, "optional": 2, "disable": 1,
              "disabled": 1, "off": 1, "none": 1, "plaintext": 1}
EGRESS_MODES = {"registry_only": 2, "deny": 2, "deny_all": 2, "restricted": 2, "allowlist": 2, "block": 2,
                "allow_any": 1, "allow": 1, "allow_all": 1, "any": 1, "open": 1}
_EGRESS_TEXT = lazy_compile(r"(?is)(?:egress|outbound)\w*[\"']?\s*[:=]\s*\{?[^{}]{0,80}?\bmode[\"']?\s*[:=]\s*[\"']?"
                            r"([A-Za-z_]+)")


def _egress_text(value: Any) -> float | None:
    """The egress mode written inside a free-form values document (Helm values YAML or JSON)."""
    if not isinstance(value, (str, list)):
        return None
    texts = value if isinstance(value, list) else [value]
    ranks = [EGRESS_MODES.get(m.lower()) for t in texts if isinstance(t, str) for m in _EGRESS_TEXT.findall(t)]
    known = [r for r in ranks if r is not None]
    return min(known) if known else None


_MAY_TRAFFIC = lazy_compile(rb"mtls|egress|outbound")


# A TUNNEL_TYPES type, an MTLS_TYPES type or kind, or a _MAY_TRAFFIC word: the check reads nothing else.
@on_change(actions=(Action.UPDATE, Action.REPLACE),
           words=(b"vpn", b"ipsec", b"tunnel", b"ike", b"wireguard", b"site_to_site", b"gateway_connection", b"mtls",
                  b"peer_authentication", b"peerauthentication", b"egress", b"outbound"))
def _traffic(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if not before or not after:
        return
    kind = f"{change.type} {_kind(after)}"
    tunnel = bool(TUNNEL_TYPES.search(change.type))
    mtls = bool(MTLS_TYPES.search(kind))
    if not tunnel and not mtls and not _MAY_TRAFFIC.search(orjson.dumps(after).lower()):
        return  # a C-speed precheck: nothing here names mTLS or an egress/outbound policy
    for path, key, old, new in _walk(before, after, ""):
        lowered = key.lower()
        read = _crypto_kind(lowered) if tunnel else None
        if read is not None:
            was, now = _weakest(old, read), _weakest(new, read)
            if was is not None and now is not None and now < was:
                yield finding(CRYPTO, change.address, f"{change.address}: {path} {old!r} → {new!r} weakens the "
                              "tunnel's crypto (weaker cipher, integrity, DH group or IKE version)")
        if (lowered in ("mode", "mtls_mode") and (mtls or "mtls" in path.lower())) or lowered.endswith("mtls_mode"):
            was, now = MTLS_MODES.get(str(old).lower()), MTLS_MODES.get(str(new).lower())
            if was is not None and now is not None and now < was:
                yield finding(MTLS, change.address, f"{change.address}: {path} {old!r} → {new!r} relaxes mutual TLS: "
                              "plaintext or unauthenticated peers are accepted")
        if lowered.endswith("mode") and re.search(r"egress|outbound", path.lower()):
            was, now = EGRESS_MODES.get(str(old).lower()), EGRESS_MODES.get(str(new).lower())
        else:
            was, now = _egress_text(old), _egress_text(new)
        if was is not None and now is not None and now < was:
            yield finding(EGRESS, change.address, f"{change.address}: {path} moves the egress traffic policy to "
                          "allow-any: workloads can reach any destination")


PASS_ALL = declare("firewall-passes-all", Severity.HIGH,
                   "A firewall rule text (Suricata/IDS rules, iptables) newly passes or accepts any protocol between "
                   "any addresses and ports with no match narrowing it, or an active allow rule of any provider "
                   "has every match list empty: everything the policy dropped gets through.")
ACTION_FLIP = declare("deny-opened-to-world", Severity.HIGH,
                      "An existing firewall/ACL rule whose sources or destinations are the whole internet turns from "
                      "deny to allow (any provider): the traffic it blocked is let in.")
DNS_OUT = declare("dns-forwarded-out", Severity.HIGH,
                  "All DNS names (domain `.` or `*`) are forwarded to a resolver outside private address space: every "
                  "query, and its answers, goes through a server outside the organisation's networks.")

_SURICATA = lazy_compile(r"^\s*(pass|accept|allow)\s+(\S+)\s+(\S+)\s+(\S+)\s+(?:->|<>)\s+(\S+)\s+(\S+)\s*(?:\((.*)\))?"
                         r"\s*;?\s*$", re.IGNORECASE)
ANY_WORDS = {"any", "ip", "all", "$external_net", "0.0.0.0/0", "::/0", "[any]", "*"}
NEUTRAL_OPTIONS = {"msg", "sid", "rev", "gid", "classtype", "metadata", "priority", "reference", "flow"}
_OPTION = lazy_compile(r"(?:^|;)\s*([\w.]+)")
_IPTABLES_ACCEPT = lazy_compile(r"(?:^|\s)(?:-j|--jump)\s+ACCEPT\b")
_IPTABLES_MATCH = lazy_compile(r"(?:^|\s)(?:-[sdpiom]|--(?:source|destination|protocol|in-interface|out-interface|"
                               r"match|dport|sport|dports|sports|src-range|dst-range|uid-owner|state|ctstate))\b")


def _pass_all(line: str) -> bool:
    """Whether one rule line passes everything: Suricata `pass ip any any -> any any` with no narrowing
    options, or an iptables `-j ACCEPT` with no match."""
    if match := _SURICATA.match(line):
        _, proto, src, _, dst, dport, options = match.groups()
        keywords = {k.lower() for k in _OPTION.findall(options or "")}
        return proto.lower() in ANY_WORDS | {"tcp", "udp"} and dport.lower() in ANY_WORDS \
            and (src.lower() in ANY_WORDS or dst.lower() in ANY_WORDS) and keywords <= NEUTRAL_OPTIONS
    return bool(_IPTABLES_ACCEPT.search(line)) and not _IPTABLES_MATCH.search(line)


def _pass_lines(value: Any, depth: int = 0) -> set[str]:
    """Rule lines that pass everything, anywhere in VALUE's strings (normalised without their options)."""
    if depth > MAX_DEPTH:
        return set()
    if isinstance(value, str):
        if "->" not in value and "ACCEPT" not in value:
            return set()
        return {" ".join(line.split("(")[0].lower().split()) for line in value.splitlines() if _pass_all(line)}
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return {line for item in items for line in _pass_lines(item, depth + 1)}


DENY_WORDS = {"deny", "denied", "drop", "reject", "block", "blocked"}
ALLOW_WORDS = {"allow", "allowed", "accept", "pass", "permit"}
ACTION_KEY = lazy_compile(r"^(?:\w+_)?(?:action|access|decision|verdict)$|^policy$")
ADDRESS_WORDS = {"cidr", "cidrs", "ip", "ips", "source", "sources", "src", "address", "addresses", "prefix",
                 "prefixes", "range", "ranges", "remote", "destination", "dst", "dest"}


def _nodes(before: Any, after: Any, depth: int = 0) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Pairs of blocks at the same place on both sides."""
    if depth > MAX_DEPTH:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        yield before, after
        for key, old in before.items():
            yield from _nodes(old, after.get(key), depth + 1)
    elif isinstance(before, list) and isinstance(after, list):
        for old, new in zip(before, after, strict=False):
            yield from _nodes(old, new, depth + 1)


def _world_addresses(node: dict[str, Any]) -> list[str]:
    return [w for key, value in node.items() if set(re.split(r"[^a-z0-9]+", key.lower())) & ADDRESS_WORDS
            and "port" not in key.lower() for w in world_sources(value, words=True)]


INTERNAL = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
                                              "169.254.0.0/16", "127.0.0.0/8", "fc00::/7", "fe80::/10", "::1/128")]
ROOT_DOMAINS = {".", "*", "*."}


def _external_ips(value: Any, depth: int = 0) -> list[str]:
    """IP address literals in VALUE outside private, shared and link-local space."""
    if depth > MAX_DEPTH:
        return []
    if isinstance(value, str):
        try:
            address = ipaddress.ip_address(value.strip())
        except ValueError:
            return []
        return [] if any(address in net for net in INTERNAL) else [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return [ip for item in items for ip in _external_ips(item, depth + 1)]


def _forwards_all_out(resource_type: str, values: dict[str, Any]) -> list[str]:
    """External resolvers that every DNS name is forwarded to, when VALUES forward the root domain."""
    root = any("domain" in k.lower() and isinstance(v, str) and v.strip() in ROOT_DOMAINS for k, v in values.items())
    forward = "forward" in resource_type or any(isinstance(v, str) and v.lower() == "forward" for v in values.values())
    return _external_ips(values) if root and forward else []


# C-speed prechecks: a rule line, an allow word beside a deny-able action, a root domain.
_MAY_PASS = lazy_compile(rb"->|accept|allow|permit|pass")
_MAY_ROOT = lazy_compile(rb'"(?:\.|\*|\*\.)"')


# A rule line (`->`, ACCEPT), an action value that allows (ALLOW_WORDS, a whole string) or a root domain (_MAY_ROOT).
@on_change(words=(b"->", b"accept", b'"allow', b'"pass"', b'"permit"', b'"."', b'"*"', b'"*."'))
def _passage(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if not after:
        return
    text = orjson.dumps(after).lower()
    if before and before != after and _MAY_PASS.search(text):
        added = _pass_lines(after) - _pass_lines(before)
        if added:
            yield finding(PASS_ALL, change.address, f"{change.address}: a rule `{sorted(added)[0]}` now passes any "
                          "traffic between any addresses and ports: what the policy dropped gets through")
        for old, new in _nodes(before, after):
            flipped = [k for k, v in new.items() if ACTION_KEY.match(k.lower()) and isinstance(v, str)
                       and v.lower() in ALLOW_WORDS and str(old.get(k)).lower() in DENY_WORDS]
            if flipped and (world := _world_addresses(new)):
                yield finding(ACTION_FLIP, change.address, f"{change.address}: {flipped[0]} turns from deny to "
                              f"allow for {world[0]} (the whole internet): the traffic it blocked is let in")
    outside = _forwards_all_out(change.type, after) if _MAY_ROOT.search(text) else []
    if outside and not (before and _forwards_all_out(change.type, before) == outside):
        yield finding(DNS_OUT, change.address, f"{change.address}: every DNS name is forwarded to {outside[0]}, "
                      "outside private address space: all queries and answers pass through an outside resolver")
