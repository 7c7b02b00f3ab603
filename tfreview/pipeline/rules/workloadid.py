"""Risk rules, lifecycle helper (delete grading): a static credential retired once workload identity for exactly
the workload that used it exists (any provider). A secret that holds a long-lived credential (a service-account
key, a client secret, an access key) deleted while the same plan creates or keeps a federated binding whose
subject is exactly one workload — GKE Workload Identity (`PROJECT.svc.id.goog[NS/KSA]`), a federated credential or
trust for `system:serviceaccount:NS:KSA`, a Kubernetes service account annotated with a cloud identity, a trust
pinned to one repository (`repo:org/name:…`) — and the secret belongs to that workload (its namespace or
repository, or its name names the workload). A wildcard subject or a whole pool is no one workload; a secret whose
name does not say it holds a credential may hold data. ladders.py grades deletes with it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import as_dict
from tfreview.pipeline.rules.narrowing import CREDENTIAL_TYPES, KEY_STORES
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.units import words
from tfreview.pipeline.rules.values import leaves

# A type that holds secrets (a Kubernetes secret, a vault or manager secret, a CI secret).
SECRET_TYPES = lazy_compile(r"(?:^|_)secrets?(?:_v\d+)?(?:_|$)")
# Words of a secret's name that say it holds a long-lived credential, and words that say it holds something else.
CREDENTIAL_WORDS = frozenset({"key", "keyfile", "sa", "sp", "client", "credential", "credentials", "creds",
                              "token", "apikey", "access", "json"})
NOT_CREDENTIAL = frozenset({"tls", "cert", "certificate", "ssh", "gpg", "pgp", "signing", "encryption", "ca",
                            "data", "dump", "backup", "config", "license", "db", "database", "password"})
# Words too common to tie a secret to a workload.
GENERIC = CREDENTIAL_WORDS | frozenset({"secret", "secrets", "prod", "production", "dev", "staging", "app", "default",
                                        "service", "account", "worker", "main", "svc", "system", "kv"})
# One workload's subject: GKE Workload Identity, a Kubernetes service account, a repository's OIDC subject.
GKE = lazy_compile(r"\.svc\.id\.goog\[([^/\]]+)/([^\]]+)\]")
K8S = lazy_compile(r"system:serviceaccount:([^:\s\"]+):([^:\s\"]+)")
REPO = lazy_compile(r"\brepo:([^/:\s\"]+)/([^:\s\"]+)")
WILD = lazy_compile(r"[*?{}]")
REST = lazy_compile(r"[^\s\"',\]]*")  # the rest of a subject after its workload (`:ref:refs/heads/main`)
# Annotations of a Kubernetes service account that give it a cloud identity (IRSA, GKE, Azure workload identity).
IDENTITY_ANNOTATION = lazy_compile(r"role-arn|gcp-service-account|workload\.identity|client-id")


@dataclass(frozen=True)
class Workload:
    """One workload a federated binding is for: its scope (namespace or owner), its name, and the binding."""

    scope: str
    name: str
    binding: str
    account: str | None  # the cloud service account the binding lets it act as, where the binding names one
    repository: bool = False

    @property
    def homes(self) -> set[str]:
        """Where a secret of this workload lives: its namespace, or its repository (short or with its owner)."""
        return {self.name, f"{self.scope}/{self.name}"} if self.repository else {self.scope}


def _strings(value: Any) -> list[str]:
    return [item for _path, leaf in leaves(value) for item in (leaf if isinstance(leaf, list) else [leaf])
            if isinstance(item, str)]


def _bindings(change: Change) -> list[Workload]:
    """The single workloads CHANGE binds to a federated identity (none for a wildcard or a whole pool)."""
    after = as_dict(change.after)
    account = after.get("service_account_id")
    account = account if isinstance(account, str) else None
    if change.type.startswith("kubernetes_service_account"):
        meta = as_dict((after.get("metadata") or [{}])[0] if isinstance(after.get("metadata"), list) else {})
        notes = as_dict(meta.get("annotations"))
        if any(IDENTITY_ANNOTATION.search(k) and isinstance(v, str) and v for k, v in notes.items()):
            return [Workload(str(meta.get("namespace") or "default"), str(meta.get("name") or ""), change.address,
                             None)]
        return []
    if change.type.startswith("kubernetes_"):
        return []  # an RBAC subject names a user, not a federated identity
    found: list[Workload] = []
    for text in _strings(after):
        for pattern in (GKE, K8S, REPO):
            for match in pattern.finditer(text):
                scope, name = match.group(1), match.group(2)
                rest = REST.match(text, match.end())
                if not WILD.search(match.group(0) + (rest.group(0) if rest else "")):
                    found.append(Workload(scope, name, change.address, account, pattern is REPO))
    return found


def _holds_credential(change: Change, before: dict[str, Any]) -> bool:
    """Whether a deleted secret's name says it holds a long-lived credential."""
    if KEY_STORES.search(change.type) and not SECRET_TYPES.search(change.type):
        return False
    named = words(change.name or "") | set().union(*(words(t) for t in _names(before)))
    return bool(named & CREDENTIAL_WORDS) and not named & NOT_CREDENTIAL


def _names(before: dict[str, Any]) -> list[str]:
    meta = before.get("metadata")
    names = [before.get(k) for k in ("name", "secret_name", "secret_id", "path")]
    if isinstance(meta, list) and meta and isinstance(meta[0], dict):
        names.append(meta[0].get("name"))
    return [n for n in names if isinstance(n, str)]


def _scopes(before: dict[str, Any]) -> set[str]:
    """The namespace or repository a deleted secret lives in."""
    meta = before.get("metadata")
    scopes = {before.get("namespace"), before.get("repository")}
    if isinstance(meta, list) and meta and isinstance(meta[0], dict):
        scopes.add(meta[0].get("namespace"))
    return {s for s in scopes if isinstance(s, str) and s}


def _secret_refs(values: Any) -> set[str]:
    """The secrets a Kubernetes object reads (`secret_key_ref`, `secret_name`, `env_from.secret_ref`)."""
    return {v for path, v in leaves(values) if "secret" in path and isinstance(v, str)}


def _runs_as(change: Change) -> tuple[str, str]:
    """The namespace and service account a Kubernetes workload runs as (after the change)."""
    after = as_dict(change.after)
    meta = after.get("metadata")
    namespace = meta[0].get("namespace") if isinstance(meta, list) and meta and isinstance(meta[0], dict) else None
    accounts = [v for path, v in leaves(after) if path.endswith(("service_account_name", "service_account"))
                and isinstance(v, str) and v]
    return str(namespace or "default"), accounts[0] if accounts else "default"


class _Federated:
    """The plan's single-workload federated bindings, indexed by where their secrets live and by the words of their
    names; kept only where the binding is for the service account whose key is retired and where no Kubernetes
    workload of its namespace stops reading a secret while running as an account no binding names."""

    def __init__(self, view: PlanView) -> None:
        workloads = [w for c in view.of(Action.CREATE, Action.UPDATE, Action.NO_OP) for w in _bindings(c)]
        keyed = {v for c in view.of(Action.DELETE) if CREDENTIAL_TYPES.search(c.type)
                 for k, v in as_dict(c.before).items() if k == "service_account_id" and isinstance(v, str)}
        bound = {(w.scope, w.name) for w in workloads if not w.repository}
        movers = {_runs_as(c) for c in view.of(Action.UPDATE, Action.REPLACE) if c.type.startswith("kubernetes_")
                  and _secret_refs(c.before) - _secret_refs(c.after)}
        unbound = {ns for ns, account in movers if (ns, account) not in bound}
        self.by_home: dict[str, Workload] = {}
        self.by_word: dict[str, Workload] = {}
        for w in workloads:
            if (w.account and keyed and w.account not in keyed) or (not w.repository and w.scope in unbound):
                continue  # bound to another service account, or the workload that moves runs as another one
            for home in w.homes:
                self.by_home.setdefault(home, w)
            for word in words(w.scope) | words(w.name):
                self.by_word.setdefault(word, w)


def credential_federated(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting a secret that holds a static credential loses nothing, or None: the same plan binds exactly the
    workload it belongs to to a federated identity."""
    if change.action is not Action.DELETE or not (SECRET_TYPES.search(change.type)
                                                  or CREDENTIAL_TYPES.search(change.type)):
        return None
    before = as_dict(change.before)
    if not _holds_credential(change, before):
        return None
    federated = plan_view(ri).derived("workload identities", _Federated)
    scopes = _scopes(before)
    named = (words(change.name or "") | set().union(*(words(t) for t in _names(before)))) - GENERIC
    found = [federated.by_home[s] for s in sorted(scopes) if s in federated.by_home] if scopes \
        else [federated.by_word[w] for w in sorted(named) if w in federated.by_word]
    if not found:
        return None
    return (f"a static credential retired while {found[0].binding} gives exactly the workload "
            f"{found[0].scope}/{found[0].name} a federated identity; check nothing else still uses it")
