"""Risk rules, identity: Kubernetes RBAC objects wherever a change carries them — a kubernetes_manifest's
`manifest`, or a YAML/JSON body in any string (kubectl_manifest's `yaml_body`, k8s manifests inside Helm, Flux or
Argo CD resources). The same ClusterRoleBinding means the same thing whichever provider applies it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.pipeline.changes import Change
from tfreview.pipeline.decoding import embedded, embedded_objects
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.access import rbac_rule
from tfreview.pipeline.rules.common import as_list, dig, new_items, sides
from tfreview.pipeline.rules.grantreach import control_namespace
from tfreview.pipeline.rules.grants import K8S_ADMIN, PRIVILEGED, public_member
from tfreview.pipeline.rules.judge import PUBLIC

ROLE_KINDS = ("ClusterRole", "Role")
BINDING_KINDS = ("ClusterRoleBinding", "RoleBinding")
SEPARATOR = "\n---"


def manifests(values: Any) -> list[dict[str, Any]]:
    """The RBAC objects VALUES holds: its `manifest`, and the bindings of any document in its strings (multi-document
    YAML split at `---`; roles in strings are read by access's embedded rules)."""
    found: list[dict[str, Any]] = []
    if not isinstance(values, dict):
        return found
    if isinstance(values.get("manifest"), dict) and _k8s_object(values["manifest"], (*ROLE_KINDS, *BINDING_KINDS)):
        found.append(values["manifest"])
    for text in _texts(values):
        for part in text.split(SEPARATOR) if SEPARATOR in text else (text,):
            found += [o for o in _walk(embedded(part)) if _k8s_object(o, BINDING_KINDS)]
    return [o for i, o in enumerate(found) if o not in found[:i]]


def _texts(values: Any) -> Iterator[str]:
    if isinstance(values, str):
        yield values
    elif isinstance(values, dict):
        for item in values.values():
            yield from _texts(item)
    elif isinstance(values, list):
        for item in values:
            yield from _texts(item)


def _walk(document: Any) -> Iterator[dict[str, Any]]:
    if isinstance(document, dict):
        yield document
        for item in document.values():
            yield from _walk(item)
    elif isinstance(document, list):
        for item in document:
            yield from _walk(item)
    elif isinstance(document, str):
        yield from embedded_objects(document)


def _k8s_object(value: dict[str, Any], kinds: tuple[str, ...]) -> bool:
    return isinstance(value.get("apiVersion"), str) and str(value.get("kind")) in kinds


@on_change(words=(b"apiversion",))
def _manifest_rbac(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    old = manifests(before)
    for manifest in new_items(old, manifests(after)):
        yield from _one_manifest(change.address, manifest, _older(manifest, old))


def _older(manifest: dict[str, Any], old: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The object of the same kind and name before the change, if there was one."""
    name = dig(manifest, "metadata", "name")
    return next((o for o in old if o.get("kind") == manifest.get("kind") and dig(o, "metadata", "name") == name),
                None)


def _one_manifest(address: str, manifest: dict[str, Any], old: dict[str, Any] | None) -> Iterator[Finding]:
    kind = str(manifest.get("kind"))
    if kind in ROLE_KINDS:
        old_rules = as_list(dig(old, "rules")) if old else []
        for block in new_items(old_rules, [r for r in as_list(manifest.get("rules")) if isinstance(r, dict)]):
            yield from rbac_rule(address, "rules", block, kind == "ClusterRole" or control_namespace(manifest))
        return
    role = str(dig(manifest, "roleRef", "name"))
    if old and dig(old, "roleRef", "name") == role and old.get("subjects") == manifest.get("subjects"):
        return
    if role in K8S_ADMIN:
        wide = role == "cluster-admin" or kind == "ClusterRoleBinding" or control_namespace(manifest)
        level = Severity.HIGH if wide else Severity.MEDIUM
        yield finding(PRIVILEGED, address, f"{address}: {kind} grants {role}", level)
    for subject in as_list(manifest.get("subjects")):
        name = str(subject.get("name")) if isinstance(subject, dict) else ""
        if public_member(name):
            yield finding(PUBLIC, address, f"{address}: {kind} grants {role} to {name} (everyone)")
