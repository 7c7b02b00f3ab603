"""Risk rules, workloads and clusters (Kubernetes, Helm, GitOps, any provider): pods that escape to their node,
custom resources that allow anyone or widen to wildcards, admission policies that stop enforcing, metadata
concealment off, cluster API endpoints made public, CI secret variables unmasked (pools.py says which node pools
hold no data and which container replaces are image redeploys).

Judged by what keys mean, in any resource type: `kubernetes_*` blocks, `kubernetes_manifest` CRDs, Helm values, and
text read as data (container definitions as JSON, job specs as HCL or YAML `key = value` lines).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.decoding import embedded_objects, unfolded
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.mask import MASK
from tfreview.pipeline.rules.common import mentions
from tfreview.pipeline.rules.values import document, leaves, with_settings

ESCAPE = declare("workload-node-escape", Severity.HIGH,
                 "A workload can escape to its node: privileged, privilege escalation, CAP_SYS_ADMIN or the "
                 "node's root filesystem mounted, or an application workload sharing several host namespaces (one "
                 "host namespace, or any on a per-node agent, is medium).")
WIDE = declare("policy-allows-anyone", Severity.HIGH,
               "An allow policy or tenancy object now matches anyone: an empty allow rule, or wildcard sources, "
               "destinations or resource kinds.")
FAIL_OPEN = declare("admission-fail-open", Severity.HIGH,
                    "An admission or validation policy stops enforcing (enforce → audit) or fails open (fail → "
                    "ignore).")
EXPOSED = declare("cluster-api-exposed", Severity.HIGH,
                  "A cluster's API endpoint is made public, its ACL is switched off, or node metadata concealment "
                  "(workload identity) is turned off.")
UNMASKED = declare("variable-unmasked", Severity.HIGH,
                   "A CI or workspace variable whose value is sensitive stops being masked, protected or sensitive.")
SOURCE = declare("gitops-source-moved", Severity.HIGH,
                 "The repository a cluster reconciles from, or a workspace or build deploys, moves to another "
                 "host or owner.")

_SPLIT = lazy_compile(r"(?<=[a-z0-9])(?=[A-Z])|[^A-Za-z0-9]+")
_INDEX = lazy_compile(r"\[\d+\]")
TRUE = {"true", "yes", "on", "1"}


@cache
def leaf_key(path: str) -> str:
    """The last key of a path, lower case, without separators: `securityContext.allowPrivilegeEscalation`."""
    last = _INDEX.sub("", path).rsplit(".", 1)[-1]
    return "".join(w.lower() for w in _SPLIT.split(last) if w)


def _true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in TRUE)


def _items(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [str(i).strip().lower() for i in items if isinstance(i, (str, int))]


def side_leaves(change: Change, after: bool) -> list[tuple[str, Any]]:
    """The leaves of one side, documents held in text read as data (a kubectl_manifest's yaml_body, a chart's
    values); a kubernetes_manifest's `object` (the manifest as the API returns it) is skipped."""
    values = change.after if after else change.before
    if isinstance(values, dict) and "manifest" in values:
        values = {k: v for k, v in values.items() if k != "object"}
    return list(leaves(with_settings(unfolded(values))))


def _carries_objects(change: Change) -> bool:
    """Whether a change applies Kubernetes objects: a kubernetes_manifest, or a text of its after that holds one
    (`apiVersion` and `kind`, as kubectl_manifest's yaml_body or a GitOps resource's manifest does)."""
    return change.type == "kubernetes_manifest" or any(
        isinstance(o.get("apiVersion"), str) and isinstance(o.get("kind"), str)
        for o in embedded_objects(change.after if isinstance(change.after, dict) else {}))


HIGH_ESCAPES = {"privileged": "privileged", "allowprivilegeescalation": "privilege escalation allowed"}
HOST_NAMESPACES = {"hostpid", "hostnetwork", "hostipc", "hostusers"}
ROOT_PATHS = {"/", "/etc", "/root", "/var/run/docker.sock", "/run/containerd/containerd.sock", "/var/lib/kubelet"}


# `key = value` (HCL) or `key: value` (YAML) on one line of a job or compose text; the value up to a comment.
_TEXT_PAIR = lazy_compile(r"^[ \t-]*\"?([A-Za-z_][\w-]*)\"?[ \t]*[:=][ \t]*(.+?)[ \t,]*(?:#.*)?$", re.MULTILINE)
_QUOTED = lazy_compile(r"\"([^\"]*)\"|'([^']*)'")


def _text_value(raw: str) -> Any:
    """A one-line HCL or YAML value: a list of its quoted items, a bare or quoted scalar."""
    if raw.startswith("["):
        return [a or b for a, b in _QUOTED.findall(raw)]
    return raw.strip("\"'")


def with_texts(pairs: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """PAIRS plus what their text values hold: a JSON document's leaves (an ECS task's container definitions) and
    the key/value lines of HCL or YAML text (a Nomad jobspec, a compose file), read as data."""
    extra: list[tuple[str, Any]] = []
    for path, value in pairs:
        if not isinstance(value, str) or len(value) < 8:
            continue
        parsed = document(value)
        if parsed is not None:
            extra.extend((f"{path}.{p}", v) for p, v in leaves(parsed))
        elif "\n" in value:
            extra.extend((f"{path}.{m[1]}", _text_value(m[2])) for m in _TEXT_PAIR.finditer(value))
    return pairs + extra


def _bind_source(item: str) -> str | None:
    """The host side of a Docker-style bind `SRC:DST[:MODE]` whose source is an absolute path, or None."""
    source = item.split(":", 1)[0].strip()
    return source if ":" in item and source.startswith("/") else None


ROOTS = {p.rstrip("/") + "/" for p in ROOT_PATHS}
# Capabilities that let a container act on its node's kernel or other processes (mount, load modules, trace or read
# any file handle, raw devices, eBPF): each is a known escape. Pod Security baseline allows only BASELINE_CAPS; any
# other added (NET_ADMIN rewrites the node's routes and firewall when it shares its network) is medium.
ESCAPE_CAPS = frozenset({"all", "sys_admin", "sys_module", "sys_ptrace", "sys_rawio", "dac_read_search", "bpf",
                         "sys_boot", "mac_admin", "mac_override"})
BASELINE_CAPS = frozenset({"audit_write", "chown", "dac_override", "fowner", "fsetid", "kill", "mknod",
                           "net_bind_service", "setfcap", "setgid", "setpcap", "setuid", "sys_chroot"})


def _capabilities(items: list[str]) -> dict[str, bool]:
    """The capabilities added beyond Pod Security baseline (`CAP_` prefix or not), each with whether it escapes."""
    names = {item.upper().removeprefix("CAP_").lower() for item in items if item}
    return {f"CAP_{name.upper()} added": name in ESCAPE_CAPS for name in sorted(names - BASELINE_CAPS)}


def _escapes(pairs: list[tuple[str, Any]]) -> dict[str, bool]:
    """What lets a workload reach its node, each with whether it is high on its own."""
    found: dict[str, bool] = {}
    for path, value in with_texts(pairs):
        key, low = leaf_key(path), _INDEX.sub("", path).lower()
        if key in HIGH_ESCAPES and _true(value):
            found[HIGH_ESCAPES[key]] = True
        elif key in HOST_NAMESPACES and _true(value) and key != "hostusers":
            found[f"host namespace {key[4:]}"] = False
        elif (key == "add" and "capabilities" in low) or key in ("capadd", "linuxcapabilities"):
            found.update(_capabilities(_items(value)))
        elif key == "networkmode" and str(value).strip().lower() == "host":
            found["host namespace network"] = False
        elif (key in ("hostpath", "sourcepath") or (key == "path" and "hostpath" in low.replace("_", ""))) \
                and str(value).rstrip("/") + "/" in ROOTS:
            found[f"node path {value} mounted"] = True
        elif key in ("volumes", "binds", "mounts") and (roots := [s for s in _items(value) if (
                src := _bind_source(s)) is not None and src.rstrip("/") + "/" in ROOTS]):
            found[f"node path {roots[0].split(':', 1)[0]} mounted"] = True
    return found



def reaches_node(change: Change) -> bool:
    """Whether the workload's new values hold anything that reaches its node (privileged, host namespaces or paths,
    escaping capabilities)."""
    return bool(_escapes(side_leaves(change, True)))


ESCAPE_WORDS = (b"privileged", b"escalation", b"host", b"capabilit", b"cap_add", b"capadd")


@on_change(words=ESCAPE_WORDS)
def _node_escape(change: Change) -> Iterator[Finding]:
    before = _escapes(side_leaves(change, False)) if change.action is not Action.CREATE else {}
    after = _escapes(side_leaves(change, True))
    new = {what: high for what, high in after.items() if what not in before}
    if new:
        severity = Severity.HIGH if any(new.values()) else Severity.MEDIUM
        why = ""
        if severity is Severity.MEDIUM and _shares_node(after) and _app_workload(change):
            severity, why = Severity.HIGH, (" (several of the node's namespaces at once, on a workload that is not "
                                            "a per-node agent: Pod Security baseline forbids each of them)")
        yield finding(ESCAPE, change.address, f"{change.address}: the workload can reach its node: "
                      + ", ".join(sorted(new)) + why, severity)


# Workloads that run an application's replicas, not one agent per node (a DaemonSet, or a chart whose kind the plan
# does not show, may take host namespaces by design: node exporters, CNI, log shippers).
_APP_KINDS = lazy_compile(r"deployment|stateful_?set|replica_?set|replication_?controller|cron_?job|job|pod",
                          re.IGNORECASE)
_APP_TYPE = lazy_compile(r"^kubernetes_(?:deployment|stateful_set|replica_set|replication_controller|cron_job|job|pod)"
                         r"(?:_v\d+(?:beta\d+)?)?$")


def _shares_node(escapes: dict[str, bool]) -> bool:
    """Whether a workload shares two or more of its node's namespaces (process and network, IPC): it sees the
    node's processes and speaks as the node on its network, the shape of a node-takeover pod."""
    return sum(what.startswith("host namespace") for what in escapes) >= 2


def _app_workload(change: Change) -> bool:
    """Whether a change is to an application workload (Deployment, StatefulSet, Job, Pod), by its type or by the
    top-level `kind` of its manifest."""
    after = change.after if isinstance(change.after, dict) else {}
    manifest = after.get("manifest")
    kind = manifest.get("kind") if isinstance(manifest, dict) else None
    return bool(_APP_TYPE.match(change.type)) or (isinstance(kind, str) and bool(_APP_KINDS.fullmatch(kind)))


def _empty_allow(node: Any) -> bool:
    """Whether a policy object allows with a rule that is empty (an empty rule matches every caller)."""
    if isinstance(node, dict):
        rules = node.get("rules")
        action = str(node.get("action", "allow")).lower()
        if isinstance(rules, list) and action in ("allow", "") and any(r == {} for r in rules):
            return True
        return any(_empty_allow(v) for v in node.values())
    return isinstance(node, list) and any(_empty_allow(v) for v in node)


SCOPE_KEYS = lazy_compile(r"(?:source|repo|destination|server|namespace|group|kind|resource|verb|principal|subject"
                          r"|user|project|cluster|whitelist|allow\w*)s?(?:list)?")


def _wildcards(pairs: list[tuple[str, Any]]) -> set[str]:
    return {_INDEX.sub("", p) for p, v in pairs if "*" in _items(v) and SCOPE_KEYS.fullmatch(leaf_key(p))}


# GitOps controllers' own provider types are their custom resources in another form (an Argo CD project's
# destinations and cluster-resource whitelist, a Flux tenant's namespaces): read them like the manifests.
GITOPS_TYPES = lazy_compile(r"(?:argocd|flux|fluxcd)_")


@on_change(words=(b"apiversion", b"kubernetes_manifest", b"argocd_", b"flux"))
def _widened(change: Change) -> Iterator[Finding]:
    if not _carries_objects(change) and not GITOPS_TYPES.match(change.type):
        return
    before = change.before if change.action is not Action.CREATE else None
    if _empty_allow(change.after) and not _empty_allow(before):
        yield finding(WIDE, change.address, f"{change.address}: an allow policy now has an empty rule, which "
                      "matches every caller")
    was = _wildcards(side_leaves(change, False)) if before is not None else set()
    new = _wildcards(side_leaves(change, True)) - was
    if new:
        yield finding(WIDE, change.address, f"{change.address}: wildcard scope * on " + ", ".join(sorted(new)))


# Cilium's policyEnforcementMode: `default` and `always` enforce the policies that select a pod, `never` none.
ENFORCING = {"enforce", "enforced", "deny", "fail", "block", "reject", "true", "always", "default"}
LAX = {"audit", "warn", "dryrun", "ignore", "log", "false", "disabled", "off", "never"}
FAILURE_KEYS = lazy_compile(r"\w*(?:failure(?:action|policy|mode)|enforcementaction|enforcementmode|validationaction)")


def _enforcement(pairs: list[tuple[str, Any]]) -> dict[str, str]:
    return {_INDEX.sub("", p): "".join(str(v).lower().split("_"))
            for p, v in pairs if FAILURE_KEYS.fullmatch(leaf_key(p))}


@on_change(actions=(Action.UPDATE, Action.REPLACE),
           words=(b"failure", b"enforcement", b"validationaction", b"validation_action"))  # in before
def _admission(change: Change) -> Iterator[Finding]:
    before, after = _enforcement(side_leaves(change, False)), _enforcement(side_leaves(change, True))
    for path, old in before.items():
        if old in ENFORCING and after.get(path) in LAX:
            yield finding(FAIL_OPEN, change.address, f"{change.address}: {path} {old} → {after[path]} (the policy "
                          "no longer blocks what it checks)")


CLUSTER_TYPES = lazy_compile(r"cluster|kubernetes|_lke|_eks|_aks|_gke|_oke|_doks")
PUBLIC_KEYS = lazy_compile(r"\w*public\w*(?:enabled|access|endpoint|ip)\w*|enable\w*public\w*|ispublic\w*")
# A key that turns public access off (`disable_public_service_endpoint`): true → false makes the API public.
PRIVATE_KEYS = lazy_compile(r"(?:disable|block|restrict|deny|no)\w*public\w*")
CONCEALED = {"gkemetadata", "secure", "gkemetadataserver", "conceal", "concealed"}
EXPOSED_METADATA = {"gcemetadata", "expose", "exposed", "unspecified", "node", "modeunspecified"}


def _flat(change: Change, after: bool) -> dict[str, Any]:
    return {_INDEX.sub("", p).lower(): v for p, v in side_leaves(change, after)}


@on_change(actions=(Action.UPDATE, Action.REPLACE),  # a CLUSTER_TYPES type or metadata in before
           words=(b"cluster", b"kubernetes", b"_lke", b"_eks", b"_aks", b"_gke", b"_oke", b"_doks", b"metadata"))
def _cluster_endpoint(change: Change) -> Iterator[Finding]:
    if not CLUSTER_TYPES.search(change.type) and not mentions(change.before, (b"metadata",)):
        return
    before, after = _flat(change, False), _flat(change, True)
    for path, new in after.items():
        old, key = before.get(path), leaf_key(path)
        private = PRIVATE_KEYS.fullmatch(key) is not None
        if CLUSTER_TYPES.search(change.type) and PUBLIC_KEYS.fullmatch(key) and not private and _true(new) \
                and old is False:
            yield finding(EXPOSED, change.address, f"{change.address}: {path} false → true (the cluster API is "
                          "public)")
        elif CLUSTER_TYPES.search(change.type) and private and old is True and new is False:
            yield finding(EXPOSED, change.address, f"{change.address}: {path} true → false (the cluster API is "
                          "public)")
        elif CLUSTER_TYPES.search(change.type) and re.search(r"(?:^|\.)acl\w*\.enabled$", path) and old is True \
                and new is False:
            yield finding(EXPOSED, change.address, f"{change.address}: {path} true → false (the API server's "
                          "allow-list is off)")
        elif "metadata" in path and key in ("mode", "nodemetadata") and isinstance(old, str) and isinstance(new, str) \
                and old.lower().replace("_", "") in CONCEALED and new.lower().replace("_", "") in EXPOSED_METADATA:
            yield finding(EXPOSED, change.address, f"{change.address}: {path} {old} → {new} (pods reach the "
                          "node's metadata server and credentials)")


VARIABLE_TYPES = lazy_compile(r"variable|(?:^|_)var(?:_|$)|secret|environment")
HIDING_KEYS = {"masked", "protected", "sensitive", "hidden", "secure", "issecret", "issensitive", "ismasked"}


@on_change(actions=(Action.UPDATE, Action.REPLACE), type_pattern=VARIABLE_TYPES)
def _unmasked(change: Change) -> Iterator[Finding]:
    # Only a variable whose value the plan marks sensitive (or masks as a credential) holds a secret.
    if not VARIABLE_TYPES.search(change.type) or not isinstance(change.before, dict) \
            or MASK.encode() not in orjson.dumps(change.before):
        return
    after = change.after if isinstance(change.after, dict) else {}
    gone = [k for k, v in change.before.items() if leaf_key(k) in HIDING_KEYS and v is True and after.get(k) is False]
    if gone:
        yield finding(UNMASKED, change.address, f"{change.address}: {', '.join(sorted(gone))} true → false (the "
                      "secret value shows in logs or to unprotected pipelines)")


_REPO = lazy_compile(r"^(?:[a-z+]+://)?(?:[^@/]+@)?(?P<host>[^/:]+)[:/](?P<owner>[^/]+)/[^/]+")
URL_KEYS = {"url", "repourl", "repositoryurl", "giturl", "sourceurl", "repo"}


def _owner(value: Any) -> tuple[str, str] | None:
    match = _REPO.match(value.strip().lower()) if isinstance(value, str) else None
    return None if match is None else (match["host"].removeprefix("www."), match["owner"])


@on_change(types=("kubernetes_manifest",), actions=(Action.UPDATE, Action.REPLACE))
def _source_moved(change: Change) -> Iterator[Finding]:
    before, after = _flat(change, False), _flat(change, True)
    for path, new in after.items():
        old_owner, new_owner = _owner(before.get(path)), _owner(new)
        if leaf_key(path) in URL_KEYS and old_owner and new_owner and old_owner != new_owner:
            yield finding(SOURCE, change.address, f"{change.address}: {path} moves from {'/'.join(old_owner)} to "
                          f"{'/'.join(new_owner)} (the cluster reconciles from another owner)")
