"""Risk rules, lifecycle helper: which Kubernetes objects are stateless (their replace re-creates pods, no data;
a Deployment's delete stops pods that hold nothing); ladders.py grades replaces and deletes with it."""

from __future__ import annotations

import json
import re

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.rules.common import as_dict

# Kubernetes objects whose replacement re-creates nothing that lasts: pods are ephemeral, and these only run,
# route to or configure them. Not StatefulSets, volumes, claims, namespaces or secrets. A LoadBalancer Service
# gets a new external address when replaced, so it is judged like any other resource.
K8S_STATELESS_KINDS = frozenset({
    "deployment", "daemonset", "replicaset", "replicationcontroller", "service", "configmap", "ingress",
    "cronjob", "horizontalpodautoscaler", "poddisruptionbudget", "role", "rolebinding", "clusterrole",
    "clusterrolebinding", "serviceaccount", "pod",
})
_K8S_TYPE = lazy_compile(r"^kubernetes_(?P<kind>[a-z_]+?)(?:_v\d+(?:beta\d+)?)?$")


def k8s_stateless(change: Change) -> bool:
    """Whether a change is to a stateless Kubernetes object (by type, or by a kubernetes_manifest's kind)."""
    after = as_dict(change.after)
    before = as_dict(change.before)
    if change.type == "kubernetes_manifest":
        kinds = {str(side.get("manifest", {}).get("kind", "")).lower() for side in (before, after)
                 if isinstance(side.get("manifest"), dict)}
        if not kinds or not kinds <= K8S_STATELESS_KINDS:
            return False
        specs = [side["manifest"].get("spec") for side in (before, after) if isinstance(side.get("manifest"), dict)]
    else:
        match = _K8S_TYPE.match(change.type)
        if match is None or match["kind"].replace("_", "") not in K8S_STATELESS_KINDS:
            return False
        specs = [spec for side in (before, after) for spec in _blocks(side.get("spec"))]
    return not any(isinstance(spec, dict) and str(spec.get("type", "")).lower() == "loadbalancer" for spec in specs)


# Workloads that only run replicas of a pod template (a Deployment, a ReplicaSet): deleted, their pods stop and
# nothing they held lasts, unless the template mounts a claim or a node's disk.
K8S_REPLICA_KINDS = frozenset({"deployment", "replicaset", "replicationcontroller"})
_VOLUMES = lazy_compile(r"persistent_?volume_?claim|volume_?claim|host_?path|persistentvolume", re.IGNORECASE)


def k8s_stateless_workload(change: Change) -> bool:
    """Whether a deleted object is a Deployment-like workload whose pod template mounts no claim or host disk."""
    before = as_dict(change.before)
    manifest = before.get("manifest")
    if change.type == "kubernetes_manifest":
        kind = str(manifest.get("kind", "")).lower() if isinstance(manifest, dict) else ""
    else:
        match = _K8S_TYPE.match(change.type)
        kind = match["kind"].replace("_", "") if match else ""
    return kind in K8S_REPLICA_KINDS and not _VOLUMES.search(json.dumps(before))


def _blocks(value: object) -> list[object]:
    """A nested block as a list of its items (the kubernetes provider writes blocks as one-item lists)."""
    return list(value) if isinstance(value, list) else [value]


# Namespaces that hold the cluster's own configuration (aws-auth, coredns): a ConfigMap there configures the
# cluster itself, and deleting one can lock everyone out or break name resolution.
_SYSTEM_NAMESPACE = lazy_compile(r"^kube-|-system$|^kube$")


def k8s_app_config(change: Change) -> bool:
    """Whether a deleted object is an application's ConfigMap (settings, no data of its own) outside the cluster's
    system namespaces."""
    before = as_dict(change.before)
    manifest = before.get("manifest") if isinstance(before.get("manifest"), dict) else None
    if change.type == "kubernetes_manifest":
        kind = str(manifest.get("kind", "")).lower() if manifest else ""
        metadata = _blocks(manifest.get("metadata")) if manifest else []
    else:
        match = _K8S_TYPE.match(change.type)
        kind = match["kind"].replace("_", "") if match else ""
        metadata = _blocks(before.get("metadata"))
    namespaces = [str(m.get("namespace") or "default") for m in metadata if isinstance(m, dict)]
    return kind == "configmap" and bool(namespaces) and not any(_SYSTEM_NAMESPACE.search(n) for n in namespaces)


# Kinds that say how new objects are made (a StorageClass, a VolumeSnapshotClass, an IngressClass): the volumes,
# snapshots and ingresses made from one keep their own settings when it is re-made or removed.
CLASS_KINDS = frozenset({"storageclass", "volumesnapshotclass", "ingressclass", "priorityclass", "runtimeclass",
                         "gatewayclass"})


def k8s_class(change: Change) -> bool:
    """Whether a deleted or replaced object is a Kubernetes class: a definition, no data of its own."""
    if change.type == "kubernetes_manifest":
        manifest = as_dict(as_dict(change.before).get("manifest"))
        return str(manifest.get("kind", "")).lower() in CLASS_KINDS
    match = _K8S_TYPE.match(change.type)
    return match is not None and match["kind"].replace("_", "") in CLASS_KINDS
