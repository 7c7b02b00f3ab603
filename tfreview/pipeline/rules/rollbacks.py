"""Risk rules, software supply chain (risk rules stage; feeds `supply-chain-opened`): an internet-facing component
(an ingress controller, gateway, proxy, load balancer or WAF of any provider, read from its chart, name, namespace
or type) rolled back across a minor or major release (`4.12.1` → `4.10.0`). The releases skipped carry security
fixes for the edge the internet reaches, and the plan cannot show the older one is patched. A patch revert
(`4.11.3` → `4.11.2`) or a rollback of a component the internet does not reach (a logging stack) is not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import show, sides
from tfreview.pipeline.rules.supplychain import SUPPLY

EDGE = lazy_compile(r"(?:^|[^a-z])(?:ingress|gateway|proxy|nginx|traefik|envoy|haproxy|kong|contour|istio|waf"
                    r"|edge|apisix|ambassador|emissary|caddy|load_?balancer|reverse_?proxy)(?:[^a-z]|$)",
                    re.IGNORECASE)
NAMING_KEYS = ("chart", "name", "namespace", "repository", "image", "release_name", "app", "component")
VERSION_KEY = lazy_compile(r"(?!\w*(?:tls|ssl|protocol|api|schema|policy|min|max))(?:\w+_)?(?:version|tag)|image")
SEMVER = lazy_compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+][\w.-]*)?")


def _release(value: Any, key: str) -> tuple[int, int] | None:
    """(major, minor) of a version string, or of an image reference's tag."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if key == "image" or key.endswith("_image"):
        name, _, tag = text.rpartition(":")
        text = tag if name and "/" not in tag else ""
    found = SEMVER.fullmatch(text)
    return (int(found[1]), int(found[2])) if found else None


def _edge(change: Change, after: dict[str, Any]) -> bool:
    words = [change.type, change.name] + [str(after.get(k) or "") for k in NAMING_KEYS]
    return any(EDGE.search(w.replace("-", "_").replace("_", " ")) for w in words)


@on_change(actions=(Action.UPDATE,), words=(b"version", b"image", b"tag"))
def _edge_rolled_back(change: Change) -> Iterator[Finding]:
    """An edge component's release moved back across a minor or major version."""
    before, after = sides(change)
    for key in sorted(before.keys() & after.keys()):
        if not VERSION_KEY.fullmatch(key):
            continue
        old, new = _release(before[key], key), _release(after[key], key)
        if old is None or new is None or new >= old or not _edge(change, after):
            continue
        yield finding(SUPPLY, change.address,
                      f"{change.address}: {key} {show(before[key])} → {show(after[key])} (an internet-facing "
                      "component rolled back across a minor release: the fixes shipped since, security ones "
                      "included, are undone; confirm the older release is patched)")
        return
