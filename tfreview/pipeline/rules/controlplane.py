"""Risk rules, clusters created open (workloads.py judges clusters changed): a managed Kubernetes cluster created
with its API server on a public endpoint and no list of networks allowed to reach it.

Whoever reaches a cluster's API server can try every credential against it, and a leaked kubeconfig works from
anywhere. AKS, GKE and EKS all default to a public endpoint open to the whole internet, so the plan shows the
open control plane whether or not anyone chose it. A private cluster (`private_cluster_enabled`,
`enable_private_endpoint`, `endpoint_public_access = false`, any `*public*` switch off) or a public endpoint
restricted to listed ranges (`api_server_authorized_ip_ranges`, `master_authorized_networks_config`,
`public_access_cidrs`, any `authorized`/`allowed`/`acl` list) is left alone; a range that is the whole internet
restricts nothing. Values known only after apply are not read as open. A cluster that also has a private path
(EKS's public-and-private endpoints, GKE's private nodes: the documented hybrid mode the common modules create) is
reported medium — the committed probes hold such a module's create as routine.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.values import leaves
from tfreview.pipeline.rules.workloads import EXPOSED, PRIVATE_KEYS, PUBLIC_KEYS, leaf_key

# Managed Kubernetes control planes, by the words of their type (any provider: aks, gke, eks, lke, oke, doks...).
K8S_CLUSTER = lazy_compile(r"(?:kubernetes|k8s|_eks|_aks|_gke|_lke|_oke|_doks|containerengine|container)_?\w*cluster$"
                           r"|^aws_eks_cluster$|^google_container_cluster$")
# Switches that make the API server private when true (`private_cluster_enabled`, `enable_private_endpoint`).
PRIVATE_ON = lazy_compile(r"private_?cluster_?enabled|enable_?private_?endpoint|private_?endpoint_?enabled"
                          r"|privatecluster|enableprivatecluster|privateendpoint")
# Lists (or blocks) of who may reach a public endpoint.
ALLOW_LIST = lazy_compile(r"authorized|allowed|allow_?list|whitelist|acl|public_?access_?cidrs|source_?ranges"
                          r"|trusted_?(?:ips|cidrs|ranges)|firewall")
WORLD = {"0.0.0.0/0", "::/0", "*", "0.0.0.0", "internet", "any"}
# Providers whose API server is public unless the plan says otherwise (the provider's default).
PUBLIC_BY_DEFAULT = lazy_compile(r"^(?:azurerm_kubernetes_cluster|google_container_cluster|aws_eks_cluster)$")


def _off(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() in ("false", "disabled", "off"))


def _on(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "enabled", "on"))


def _ranges(value: Any) -> list[str]:
    """The non-empty scalar items of an allow-list leaf."""
    items = value if isinstance(value, list) else [value]
    return [str(i).strip().lower() for i in items if isinstance(i, (str, int)) and str(i).strip()]


def open_control_plane(change: Change) -> str | None:
    """Why a created cluster's API server is reachable from the whole internet, or None."""
    after = change.after if isinstance(change.after, dict) else {}
    pairs = [(p.lower(), v) for p, v in leaves(after)]
    if any(PRIVATE_ON.search(leaf_key(p)) and _on(v) for p, v in pairs):
        return None
    public_switches = [(p, v) for p, v in pairs if PUBLIC_KEYS.fullmatch(leaf_key(p))
                       and not PRIVATE_KEYS.fullmatch(leaf_key(p)) and "node" not in p and "fqdn" not in leaf_key(p)]
    if any(_off(v) for _, v in public_switches) \
            or any(PRIVATE_KEYS.fullmatch(leaf_key(p)) and _on(v) for p, v in pairs):
        return None
    said_public = next((p for p, v in public_switches if _on(v)), None)
    if said_public is None and not PUBLIC_BY_DEFAULT.match(change.type):
        return None
    allowed = [r for p, v in pairs if ALLOW_LIST.search(p) for r in _ranges(v)
               if not isinstance(v, bool) and not r.isdigit()]
    if allowed and not set(allowed) <= WORLD:
        return None
    if not allowed and _listed_blocks(after):
        return None  # an allow-list block with no ranges of its own admits nobody from outside
    where = f"{said_public} = true" if said_public else "the provider's default public endpoint"
    reach = "its allowed ranges are the whole internet" if allowed else "no authorized networks or IP ranges"
    hybrid = next((p for p, v in pairs if "private" in leaf_key(p) and "fqdn" not in leaf_key(p) and _on(v)), None)
    return f"{where}, {reach}" + (f"; {hybrid} = true gives its nodes a private path" if hybrid else "")


def _hybrid(why: str) -> bool:
    return "gives its nodes a private path" in why


def _listed_blocks(after: dict[str, Any]) -> bool:
    """Whether an allow-list block is present (GKE's `master_authorized_networks_config {}` alone admits only
    Google's own ranges)."""
    return any(ALLOW_LIST.search(str(k).lower()) and isinstance(v, list) and any(isinstance(b, dict) for b in v)
               for k, v in after.items())


@on_change(actions=(Action.CREATE,), type_pattern=K8S_CLUSTER)
def _created_open(change: Change) -> Iterator[Finding]:
    if change.action is not Action.CREATE or not K8S_CLUSTER.search(change.type):
        return
    why = open_control_plane(change)
    if why:
        yield finding(EXPOSED, change.address, f"{change.address}: created with its Kubernetes API server public "
                      f"({why}): the control plane is reachable from the whole internet",
                      Severity.MEDIUM if _hybrid(why) else Severity.HIGH)
