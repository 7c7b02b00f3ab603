"""Risk rules, identity: Kubernetes RBAC objects wherever a change carries them — a kubernetes_manifest's
`manifest`, or a YAML/JSON body in any string (kubectl_manifest's `yaml_body`, k8s manifests inside Helm, Flux or
Argo CD resources). The same ClusterRoleBinding means the same thing whichever provider applies it.

Also a credential written into an object that is no Secret (a ConfigMap's DATABASE_URL with its password, a pod's
env value): whoever may read that kind reads it, even where the plan marks the body that carries it (kubectl's
yaml_body). A Secret, a SealedSecret or an ExternalSecret is where one belongs; a URL without credentials, or one
whose password is a `${VAR}` reference, holds none.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.pipeline.changes import Change
from tfreview.pipeline.credentials import find_in_text
from tfreview.pipeline.decoding import embedded, embedded_objects
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.access import rbac_rule
from tfreview.pipeline.rules.common import as_list, dig, new_items, sides
from tfreview.pipeline.rules.grantreach import control_namespace
from tfreview.pipeline.rules.grants import K8S_ADMIN, PRIVILEGED, public_member
from tfreview.pipeline.rules.judge import PUBLIC

CREDENTIAL = "credential-in-plan"
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


def _k8s_object(value: dict[str, Any], kinds: tuple[str, ...] | None) -> bool:
    return isinstance(value.get("apiVersion"), str) and (str(value.get("kind")) in kinds if kinds is not None
                                                        else isinstance(value.get("kind"), str))


def kube_objects(values: Any) -> list[dict[str, Any]]:
    """Every Kubernetes object VALUES carries, of any kind: its `manifest`, and those of the documents in its
    strings."""
    found: list[dict[str, Any]] = []
    if isinstance(values, dict) and isinstance(values.get("manifest"), dict) and _k8s_object(values["manifest"], None):
        found.append(values["manifest"])
    for text in _texts(values):
        for part in text.split(SEPARATOR) if SEPARATOR in text else (text,):
            found += [o for o in _walk(embedded(part)) if _k8s_object(o, None)]
    return found


SECRET_KINDS = frozenset({"Secret", "SealedSecret", "ExternalSecret", "ClusterExternalSecret", "SecretProviderClass"})


def _credentials(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, secret) of each credential shape in the strings of an object (its metadata aside); a bare value that
    only looks like a password (`crm-db-app`) is no shape."""
    return [(kind, secret) for text in _texts({k: v for k, v in manifest.items() if k != "metadata"})
            for kind, secret in find_in_text(text) if not (kind == "password" and secret == text)]


@on_change(words=(b"apiversion",))
def _credential_in_object(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    old = {secret for o in kube_objects(before) for _, secret in _credentials(o)}
    seen: set[tuple[str, str]] = set()
    for manifest in kube_objects(after):
        kind, name = str(manifest.get("kind")), str(dig(manifest, "metadata", "name"))
        held = sorted({label for label, secret in _credentials(manifest) if secret not in old})
        if kind in SECRET_KINDS or not held or (kind, name) in seen:
            continue
        seen.add((kind, name))
        yield finding(CREDENTIAL, change.address, f"{change.address}: the {kind} {name[:60]} holds a credential in "
                      f"clear ({', '.join(held)}; masked): a {kind} is no Secret, whoever may read it reads the "
                      "credential")


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
