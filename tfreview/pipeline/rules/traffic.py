"""Risk rules, network crypto and traffic policy: VPN/IPsec crypto weakened (cipher, integrity, DH group, IKE
version), service-mesh mTLS relaxed (strict > permissive > off) and egress policy opened (allow-listed > allow-any);
on any provider, by what the attribute means (feeds `vpn-crypto-weakened`, `mtls-relaxed`, `egress-policy-opened`).
What a firewall newly lets through (rule text passing all, deny turned allow, DNS forwarded out) is passage.py's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.strengths import flag, present

CRYPTO = declare("vpn-crypto-weakened", Severity.HIGH,
                 "A VPN/IPsec/tunnel's encryption, integrity, Diffie-Hellman/PFS group or IKE version is lowered "
                 "(AES-GCM/AES256 > AES128 > 3DES > DES; SHA2 > SHA1 > MD5; DH 19-24 > 14-18 > 1/2/5; IKEv2 > "
                 "IKEv1); in a list the weakest member counts.")
MTLS = declare("mtls-relaxed", Severity.HIGH,
               "A service mesh's mutual-TLS mode is relaxed (strict > permissive > disabled): plaintext or "
               "unauthenticated peers are accepted.")
EGRESS = declare("egress-policy-opened", Severity.HIGH,
                 "An egress/outbound traffic policy mode goes from allow-listed (registry_only, deny, restricted) "
                 "to allow-any: workloads can reach any destination; a guard against copying data out "
                 "(unload to inline URLs, exfiltration protection) is switched off; or an outbound rule no longer "
                 "leaves out the instance metadata address.")

# A mesh or proxy that only lets workloads reach known destinations (`MeshDestinationsOnly`, also inside JSON
# config text): turned off, workloads may reach anything.
control(EGRESS, r"\w*destinations?_only|\w*registry_only", flag,
        "workloads may reach any destination, not only known ones")
# A guard that keeps data from being written out to places nobody approved (a warehouse's PREVENT_UNLOAD_TO_INLINE_URL
# and REQUIRE_STORAGE_INTEGRATION_FOR_STAGE_OPERATION, a workspace's exfiltration protection, a database's outbound
# network restriction): switched off, anyone who can run a query can copy the data to a URL of their choosing.
control(EGRESS, r"(?:prevent|block|deny|disallow|forbid|restrict)_\w*(?:unload|export|exfiltrat|inline_url"
        r"|external_(?:stage|location|url)|outbound|egress)\w*"
        r"|require_\w*(?:storage_integration|private_?link|private_endpoint)\w*"
        r"|\w*exfiltration_protection\w*|\w*outbound_(?:network_)?restriction\w*", flag,
        "the guard that keeps data from being copied out to unapproved places is off")

# A function or serverless workload taken out of the network it ran in (Lambda's `vpc_config` emptied, any
# provider's VPC connector or subnet attachment removed): it reaches the internet directly, past the network's
# egress filtering and private endpoints.
control(EGRESS, r"vpc_config\.subnet_ids|vpc_access\.connector|vpc_connector(?:_name)?|virtual_network_subnet_id",
        present, "the workload leaves its network: it reaches the internet directly, past the network's egress "
        "filtering", types=r"function|lambda|cloud_run|app_service|web_app|function_app|container_app")

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
