"""Risk rules, software supply chain (risk rules stage): where code comes from moves to another publisher. An
image or chart reference (a container definition's JSON text, a pod spec, a serverless container, a Helm
repository or `set` value, any provider) that leaves its publisher for one on a public host sharing no name with
the old one: whoever publishes there now decides what runs with the workload's rights. A tag or version bump, a
move into one's own registry (ECR, ACR, Artifact Registry, an internal host) and a publisher's new home
(`k8s.gcr.io` → `registry.k8s.io`, `quay.io/prometheus` → `docker.io/prom`) are not reported; a namespace on a
shared registry that adds a word of its own to the old publisher's name (`docker.io/fluentbitio-dist` for
`cr.fluentbit.io/fluent`) is someone else's. A publisher or host
that only looks like the old one (`acme-platform` → `acrne-platform`, `kubernetes.github.io` →
`kubernetes-github.io`: a letter or two changed) is a typosquat, high whatever words the two names share. An image
pinned by digest that moves to another registry host, named by a tag alone on a host that is no known public
registry or by a tag that moves (`registry.acme.io/…@sha256:…` → `acme-registry.io/…:2.8`, another account's ECR
`:latest`), is high whatever the names share: the digest was the pin, and whoever pushes the tag there decides what
runs.

A container added beside a workload's own (a sidecar in a task definition or pod) is read against its siblings:
where every image the workload ran came from its own registry or was pinned by digest, a new image of a publisher
on a public host named by a tag that moves (`ghcr.io/someone/agent:latest`) runs inside the workload, with its role
and its traffic, whatever that publisher pushes under the tag next. Pinned by digest or version, the workload's own
registry, or a documented agent's publisher (the cloud's own, a major observability vendor), it is quiet.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import show
from tfreview.pipeline.rules.domains import public
from tfreview.pipeline.rules.signinhosts import SHARED_HOSTING
from tfreview.pipeline.rules.supplychain import SUPPLY
from tfreview.pipeline.rules.workloads import reaches_node, side_leaves, with_texts

# Leaves naming an image (any form, `nginx` included) or a repository of charts or images (a URL or a host/path).
IMAGE_KEY = lazy_compile(r"(?:\w+[_.])?(?:image|image_uri|image_url|image_name|container_image|imageuri|imagename)")
REPOSITORY_KEY = lazy_compile(r"(?:\w+[_.])?(?:repository|repo|repo_url|repository_url|chart|chart_repository"
                              r"|registry|registry_url|source_registry)")
REFERENCE = lazy_compile(r"(?:[a-z][a-z0-9+]*://)?[a-z0-9][a-z0-9._\-/:@]*")
# Registries one owns: a private ECR, Azure Container Registry, Artifact Registry, a JFrog or Oracle tenancy.
OWN_HOST = lazy_compile(r".*(?:\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?|\.azurecr\.(?:io|cn|us)"
                        r"|(?:^|[.-])pkg\.dev|\.jfrog\.io|\.ocir\.io|\.icr\.io)")
# Hosts where anyone publishes under their own name: the publisher is the first path segment there.
SHARED_HOSTS = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com",
                          "ghcr.io", "quay.io", "gcr.io", "public.ecr.aws", "registry.gitlab.com", "github.com",
                          "gitlab.com", "bitbucket.org", "codeberg.org", "artifacthub.io", "nvcr.io"})
# Words of a host or path that name no publisher.
GENERIC = frozenset({"com", "io", "net", "org", "dev", "app", "www", "charts", "chart", "helm", "registry", "hub",
                     "docker", "index", "repo", "repos", "repository", "pkg", "ecr", "dkr", "amazonaws", "azurecr",
                     "gcr", "ghcr", "quay", "github", "gitlab", "githubusercontent", "public", "mirror", "library",
                     "images", "image", "containers", "cloud", "east", "west", "north", "south", "central", "oci",
                     "https", "http", "releases", "stable", "download", "downloads", "cdn", "artifacts"})
# A remote (proxy, mirror) repository of any artifact manager (`artifactory_remote_npm_repository`,
# `nexus_repository_npm_proxy`): its `url` is the upstream every package it serves is fetched from.
REMOTE_REPOSITORY = lazy_compile(r"(?:^|_)(?:remote|proxy|mirror|upstream)_(?:\w+_)?(?:repository|repo|registry)$"
                                 r"|(?:^|_)(?:repository|repo|registry)_(?:\w+_)?(?:remote|proxy|mirror|upstream)$")
UPSTREAM_KEY = lazy_compile(r"url|upstream_url|remote_url|registry_url")
MUTABLE_TAGS = frozenset({"", "latest", "main", "master", "edge", "nightly", "dev", "head", "stable"})
_WORD = lazy_compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Source:
    """Where a reference is fetched from: its host, its publisher's words and whether its tag can move."""

    text: str
    host: str
    publisher: frozenset[str]
    mutable: bool
    account: str = ""  # the customer's own subdomain on a platform that hands them out (`acme` of acme.github.io)
    owner: str = ""  # the publisher's path segment on a shared registry (`acme-platform` of ghcr.io/acme-platform/x)


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text) if w not in GENERIC and (len(w) >= 3 or (w.isdigit() and len(w) >= 6))}


def _source(value: object, image: bool) -> Source | None:
    """VALUE read as an image reference (`host/ns/name:tag`) or a repository URL, or None."""
    text = value.strip().lower() if isinstance(value, str) else ""
    if not text or REFERENCE.fullmatch(text) is None:
        return None
    scheme, _, rest = text.rpartition("://")
    parts = rest.split("/")
    # A URL names its host even with no path (`https://registry.npmjs.org`).
    # So does a registry key's bare host (`registry: registry.k8s.io` in a chart's values).
    hosted = (len(parts) > 1 or scheme in ("http", "https") or not image) and ("." in parts[0] or ":" in parts[0]
                                                                               or parts[0] == "localhost")
    # A bare `family/name` with no host, tag or digest may name a machine image (`debian-cloud/debian-12`).
    if not hosted and (scheme or not image or not any(c in parts[-1] for c in ":@")):
        return None
    host, path = (parts[0].rsplit("@", 1)[-1].split(":")[0], parts[1:]) if hosted else ("docker.io", parts)
    if (scheme in ("http", "https") and host not in SHARED_HOSTS) or not path:
        return Source(text, host, frozenset(_words(host)), False, _account(host))
    name, _, digest = path[-1].partition("@")
    tag = name.partition(":")[2]
    # A one-segment name on a shared registry (`postgres:16`, `w:2`) is that registry's own official image: its
    # owner is the registry's library, never the name with its tag.
    owner = path[0] if len(path) > 1 else "library" if host in SHARED_HOSTS else ""
    words = _words(host) | _words(owner) or _words(name.partition(":")[0])
    return Source(text, host, frozenset(words), not digest and tag in MUTABLE_TAGS, owner=owner)


def _account(host: str) -> str:
    """The customer's subdomain of HOST on a platform handing subdomains to anyone (github.io, netlify.app), or ''."""
    platform = next((p for p in SHARED_HOSTING if host.endswith("." + p)), None)
    return "" if platform is None else host.removesuffix("." + platform).rsplit(".", 1)[-1]


def _platform(source: Source) -> str:
    """The platform domain under a source's own subdomain (`github.io` of acme.github.io)."""
    return source.host.removeprefix(source.account)


def _same_publisher(old: Source, new: Source) -> bool:
    """Whether two sources share a publisher's name (`bitnami` and `bitnamicharts`, `prom` and `prometheus`). On one
    platform that hands subdomains to anyone, only the same subdomain is the same publisher: anyone may register
    `prometheus-community-charts.github.io` beside `prometheus-community.github.io`, or `falco-charts.pages.dev`."""
    if old.account and new.account and _platform(old) == _platform(new):
        return old.account == new.account
    if new.account and old.host != new.host:
        # Onto a platform where anyone registers any subdomain, a shared word proves nothing (`falco-charts.pages.dev`
        # for falcosecurity.github.io): only the old publisher's exact name there is its new home.
        return new.account in old.publisher or new.account == old.account
    if old.account and not new.account and new.host not in SHARED_HOSTS and _domain(new.host) != _domain(old.host):
        # From a subdomain on a shared platform (`kubernetes.github.io`) to a domain someone registered: only the old
        # account's own word, whole, names the publisher there (`kube-mirror.io` only starts like it).
        return bool(_words(old.account) & _words(_domain(new.host)))
    if new.host in SHARED_HOSTS and new.host != old.host and (words := _words(new.owner)):
        # Onto a registry where anyone names their own namespace, every word of the new owner must be the old
        # publisher's (`prom` for prometheus): `fluentbitio-dist` for cr.fluentbit.io adds a word of its own.
        return all(any(_shares(a, b) for a in old.publisher) for b in words)
    return any(_shares(a, b) for a in old.publisher for b in new.publisher)


def _shares(a: str, b: str) -> bool:
    """Whether two publisher words are one name, whole or one the other's start (`prom`, `prometheus`)."""
    return a == b or (min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)))


def look_alike(old: str, new: str) -> bool:
    """Whether NEW is a different name that reads like OLD: one or two letters changed, added, dropped or swapped
    (`rn` for `m`, `-` for `.`), in a name long enough to be chosen, and not only a number changed (`team1`)."""
    if old == new or min(len(old), len(new)) < 5 or abs(len(old) - len(new)) > 2:
        return False
    if "".join(c for c in old if not c.isdigit()) == "".join(c for c in new if not c.isdigit()):
        return False
    return _distance(old, new) <= 2


def _distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) that turn A into B."""
    previous, row = list(range(len(b) + 1)), [0] * (len(b) + 1)
    before: list[int] = []
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], before[j - 2] + 1)
        before, previous = previous, row
    return previous[-1]


def _typosquat(old: Source, new: Source) -> bool:
    """Whether NEW's host or publisher only looks like OLD's."""
    if old.host != new.host:
        if old.host in SHARED_HOSTS and new.host in SHARED_HOSTS:
            return False  # two known registries (`gcr.io` → `ghcr.io`): the publisher decides, not the host
        return (look_alike(old.host, new.host) and _domain(old.host) != _domain(new.host)) \
            or look_alike(_domain(old.host), _domain(new.host))
    return bool(old.owner) and look_alike(old.owner, new.owner)


def _unpinned_elsewhere(old: Source, new: Source) -> bool:
    """Whether an image pinned by digest or version moves to a mutable tag (`latest`, none) under another owner or
    host: a name that only shares words with the old publisher's proves nothing where anyone may register names."""
    return new.mutable and not old.mutable and (old.host, old.owner) != (new.host, new.owner)


def _digest_dropped(old: Source, new: Source) -> bool:
    """Whether an image pinned by digest is now named by a tag alone, on a host that is no known public registry or
    by a tag that moves (`latest`, none): a versioned tag of the same publisher on a known registry is judged as a
    publisher move."""
    return "@sha256:" in old.text and "@" not in new.text and (new.host not in SHARED_HOSTS or new.mutable)


def _own(host: str) -> bool:
    """Whether HOST is a registry the account owns or a private name the internet cannot resolve."""
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return OWN_HOST.fullmatch(host) is not None or not public(host)


def _upstream(change: Change, path: str) -> bool:
    """Whether PATH is the upstream URL of a remote (proxy, mirror) repository."""
    return REMOTE_REPOSITORY.search(change.type) is not None \
        and UPSTREAM_KEY.fullmatch(path.rsplit(".", 1)[-1].lower()) is not None


def _domain(host: str) -> str:
    """The domain a host's owner registered (its last two labels, three under a country's second level such as
    co.uk): an upstream's publisher is whoever holds it, so `pypi-cache.quickpkgs.net` is not `pypi.org` whatever
    words they share."""
    labels = host.split(".")
    country_level = len(labels) > 2 and len(labels[-1]) == 2 and len(labels[-2]) <= 3
    return ".".join(labels[-3:] if country_level else labels[-2:])


def _references(change: Change, after: bool) -> dict[str, Source]:
    found: dict[str, Source] = {}
    for path, value in with_texts(side_leaves(change, after)):
        last = path.rsplit(".", 1)[-1].lower()
        image = IMAGE_KEY.fullmatch(last) is not None
        source = _source(value, image) if image or _upstream(change, path) or REPOSITORY_KEY.fullmatch(last) else None
        if source is not None:
            found[path] = source
    return found


def _weight(old: Source, new: Source, image: bool) -> Severity:
    """High when code leaves one's own registry, lands on a host that is no known registry, or can move under its
    tag; a pinned move between two public registries' publishers is medium. An image of another publisher named by
    a tag and no digest (`docker.io/someone/connect:2.6-patched`) moves whenever that publisher pushes the tag again:
    only a digest pins what the new publisher serves."""
    if _own(old.host) or (new.mutable and not old.mutable) or new.host not in SHARED_HOSTS:
        return Severity.HIGH
    return Severity.HIGH if image and "@" not in new.text else Severity.MEDIUM


def _other_script(change: Change) -> Iterator[Finding]:
    """An image or repository reference newly spelt with a letter outside ASCII or an invisible character
    (`charts.bitnаmi.com` with a Cyrillic `а`): a host that only looks like the one it names, whoever registered it."""
    old = dict(with_texts(side_leaves(change, False)))
    for path, value in with_texts(side_leaves(change, True)):
        last = path.rsplit(".", 1)[-1].lower()
        if isinstance(value, str) and not value.isascii() and len(value) < 2048 \
                and (IMAGE_KEY.fullmatch(last) or REPOSITORY_KEY.fullmatch(last)) \
                and isinstance(was := old.get(path), str) and was.isascii() and was != value:
            odd = next(c for c in value if not c.isascii())
            yield finding(SUPPLY, change.address, f"{change.address}: {path} {show(was)} → {show(value)} (spelt "
                          f"with {odd!a}, a character that only looks like a letter of the old name: a "
                          "look-alike host decides what runs with this workload's rights)", Severity.HIGH)
            return


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"image", b"repo", b"chart", b"registry"))
def _publisher_moved(change: Change) -> Iterator[Finding]:
    found = list(_other_script(change))
    if found:
        yield from found
        return
    before = _references(change, False)
    for path, new in _references(change, True).items():
        old = before.get(path)
        if old is None or (old.host == new.host and old.publisher == new.publisher and old.owner == new.owner):
            continue
        if _digest_dropped(old, new) and old.host != new.host \
                and IMAGE_KEY.fullmatch(path.rsplit(".", 1)[-1].lower()):
            yield finding(SUPPLY, change.address, f"{change.address}: {path} {show(old.text)} → {show(new.text)} (an "
                          f"image pinned by digest now comes by tag from another registry, {new.host}: whoever "
                          "pushes that tag there decides what runs, whatever the names share)", Severity.HIGH)
            return
        if _own(new.host):
            continue
        if _typosquat(old, new):
            yield finding(SUPPLY, change.address, f"{change.address}: {path} {show(old.text)} → {show(new.text)} (a "
                          "look-alike of the old publisher's name, a letter or two changed: whoever registered it "
                          "decides what runs with this workload's rights)", Severity.HIGH)
            return
        if _domain(old.host) == _domain(new.host) if _upstream(change, path) else _same_publisher(old, new):
            if IMAGE_KEY.fullmatch(path.rsplit(".", 1)[-1].lower()) and _unpinned_elsewhere(old, new):
                yield finding(SUPPLY, change.address, f"{change.address}: {path} {show(old.text)} → "
                              f"{show(new.text)} (a pinned image now follows a tag anyone holding {new.host}/"
                              f"{new.owner or '…'} can move: another owner than the old one, whatever the names share)",
                              Severity.HIGH)
                return
            continue
        node = reaches_node(change)  # a privileged agent's publisher runs code on every node it lands on
        last = path.rsplit(".", 1)[-1].lower()
        yield finding(SUPPLY, change.address, f"{change.address}: {path} {show(old.text)} → {show(new.text)} (code "
                      f"now comes from another publisher on {new.host}: whoever publishes there decides what runs "
                      "with this workload's rights" + ("; it reaches its node" if node else "") + ")",
                      Severity.HIGH if node else _weight(old, new, IMAGE_KEY.fullmatch(last) is not None))
        return


# Lists of the registries or repositories images may come from (Gatekeeper K8sAllowedRepos `repos`, Kyverno or a
# cluster's allowed registries, a registry policy's trusted sources).
ALLOWED_LIST = lazy_compile(r"(?:allowed|trusted|permitted|approved)?_?(?:repos|repositories|registries"
                            r"|image_?prefixes)|(?:allowed|trusted|permitted|approved)_?(?:images|image_sources)")
ALLOWING = lazy_compile(r"allow|trust|permit|approved")
_INDEX = lazy_compile(r"\[\d+\]")


def _whole_registry(value: object) -> str | None:
    """VALUE when it admits every publisher of a shared public registry (`docker.io/`, `ghcr.io`) or anything."""
    text = value.strip().lower() if isinstance(value, str) else ""
    host = text.partition("://")[2] or text
    host = host.rstrip("/*")
    return text if text in ("*", "**") or host in SHARED_HOSTS else None


def _admitted(change: Change, after: bool) -> set[str]:
    return {found for path, value in side_leaves(change, after)
            if ALLOWED_LIST.fullmatch(_INDEX.sub("", path).rsplit(".", 1)[-1].lower())
            for item in (value if isinstance(value, list) else [value])
            if (found := _whole_registry(item)) is not None}


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"allow", b"trust", b"permit", b"approved"))
def _registry_admitted(change: Change) -> Iterator[Finding]:
    before = _admitted(change, False)
    added = sorted(_admitted(change, True) - before)
    # An allowlist is read only where the change says so (`K8sAllowedRepos`, `allowed_registries`, `trusted`).
    if added and (before or any(ALLOWING.search(p.lower()) or ALLOWING.search(str(v).lower())
                                for p, v in side_leaves(change, True) if not isinstance(v, (dict, list)))):
        yield finding(SUPPLY, change.address, f"{change.address}: the list of allowed image sources gains "
                      f"{show(added[0])} (every publisher of that public registry may now run here, not one "
                      "vetted namespace)")


# Publishers of the agents and sidecars platforms document (the cloud's own, the major observability and mesh
# vendors): their moving tags (`aws-for-fluent-bit:stable`, `datadog/agent:latest`) are how they ship, not a stranger.
AGENT_PUBLISHERS = frozenset({"aws-observability", "aws-containers", "amazon", "amazonlinux", "ecs", "eks-distro",
                              "aws-guardduty-agent", "cloudwatch-agent", "datadog", "datadoghq", "newrelic", "grafana",
                              "fluent", "elastic", "splunk", "dynatrace", "otel", "open-telemetry", "envoyproxy",
                              "istio", "hashicorp", "library"})


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"image",))
def _unpinned_sibling(change: Change) -> Iterator[Finding]:
    """A new image beside a workload's own, by a movable tag of another publisher on a public host, where every
    image the workload ran was its own registry's or pinned by digest."""
    before = {path: source for path, source in _references(change, False).items()
              if IMAGE_KEY.fullmatch(path.rsplit(".", 1)[-1].lower())}
    if not before or not all(_own(old.host) or "@" in old.text for old in before.values()):
        return
    held = {old.text for old in before.values()}
    for path, new in _references(change, True).items():
        if IMAGE_KEY.fullmatch(path.rsplit(".", 1)[-1].lower()) and path not in before and new.text not in held \
                and new.mutable and new.owner not in AGENT_PUBLISHERS \
                and not _own(new.host) and not any(_same_publisher(old, new) for old in before.values()):
            yield finding(SUPPLY, change.address, f"{change.address}: {path} adds {show(new.text)} beside the "
                          f"workload's pinned or own images (a tag anyone holding {new.host}/{new.owner or '…'} can "
                          "move: whatever is pushed under it next runs inside the workload, with its role and data)",
                          Severity.HIGH)
            return
