"""Risk rules, software supply chain read from the configuration (risk rules stage): what the plan's code fetches
      "VCS URL with no ref or a branch as its ref while the plan changes its resources, or an image lookup that "
      "takes the most recent image from any owner for a resource the plan creates, replaces or re-points at that "
      "image.")
An image lookup pinned to an owner account the plan never shows as its own (nor a public OS publisher) that feeds
a workload is reported as supply-chain-opened: high when an existing workload is re-pointed, medium for a new one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import config_address, references_in
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, rule
from tfreview.pipeline.rules.domains import public
from tfreview.pipeline.rules.peering import own_scopes
from tfreview.pipeline.rules.supplychain import SUPPLY

UNPINNED = "source-unpinned"

# A module source fetched from a VCS (https://developer.hashicorp.com/terraform/language/modules/sources).
VCS_SOURCE = lazy_compile(r"(?:git|hg)::(?:[a-z+]+://)?(?:[^@/]+@)?(?P<host>[^/:?]+).*"
                          r"|(?P<short>github\.com|bitbucket\.org|gitlab\.com)[/:].*"
                          r"|git@(?P<ssh>[^:/]+):.*|https?://(?P<url>[^/?]+)/.*\.git(?:$|[?/].*)")
REF = lazy_compile(r"[?&]ref=([^&#]+)")
# A ref that fixes the code: a commit SHA or a version tag (`v5.1.2`, `1.4`, `release-2.0`). Any other ref names a
# branch (`master`, `main`, `dev`), which moves whenever someone pushes to it: no pin.
PINNING_REF = lazy_compile(r"[0-9a-f]{7,40}|v?\d+(?:\.\d+)*(?:[-+.][\w.]+)?|[\w./-]*\d+\.\d+[\w.-]*",
                           re.IGNORECASE)
OWNER_KEYS = frozenset({"owners", "owner", "owner_id", "owner_ids", "owner_alias", "publisher", "publishers"})
IMAGE_LOOKUP = lazy_compile(r"\w*(?:^|_)(?:ami|amis|image|images|machine_image)(?:_ids?)?")
LATEST_KEYS = frozenset({"most_recent", "latest", "newest"})
ACCOUNT = lazy_compile(r"\d{12}")
# Accounts that publish the public operating system images everyone boots (Canonical, Debian, Red Hat, SUSE, Amazon
# Linux and Windows, AWS Marketplace, Fedora/CentOS, AlmaLinux, Rocky Linux): a vendor, not an outsider's build.
OS_PUBLISHERS = frozenset({"099720109477", "136693071363", "309956199498", "013907871322", "137112412989",
                           "801119661308", "679593333241", "125523088429", "764336703387", "792107900819"})
BUILT = (Action.CREATE, Action.REPLACE)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _modules(module: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(module path, config module) for the root and every called module."""
    yield path, _dict(module)
    for name, call in _dict(_dict(module).get("module_calls")).items():
        yield from _modules(_dict(call).get("module"), f"{path}.module.{name}".lstrip("."))


def _unpinned_public(source: Any) -> str | None:
    """The public host an unpinned VCS module source is fetched from (no ref, or a branch's), or None."""
    match = VCS_SOURCE.fullmatch(source.strip().lower()) if isinstance(source, str) else None
    ref = REF.search(source) if isinstance(source, str) else None
    if match is None or (ref is not None and PINNING_REF.fullmatch(ref[1])):
        return None
    host = next(h for h in match.groups() if h)
    return host if public(host) else None


def _unpinned_why(source: str) -> str:
    ref = REF.search(source)
    return "with no ref" if ref is None else f"with ref={ref[1]}, a branch, not a tag or commit,"


def _changed_under(ri: ReviewInput, path: str) -> list[str]:
    """Addresses of the plan's changes to resources in the module at PATH."""
    return [c.address for c in ri.changeset.changes if config_address(c.address).startswith(path + ".")
            and c.action not in (Action.NO_OP, Action.READ)]


def _foreign_owners(module: dict[str, Any], own: set[str]) -> Iterator[tuple[str, str]]:
    """(data address, account) for each image lookup of MODULE pinned to an owner account the plan never shows as
    its own (nor a well-known operating system publisher): whoever runs that account chooses what boots."""
    for resource in module.get("resources") or []:
        if not isinstance(resource, dict) or resource.get("mode") != "data" \
                or not IMAGE_LOOKUP.fullmatch(str(resource.get("type", ""))):
            continue
        expressions = _dict(resource.get("expressions"))
        owners = {str(v) for k, e in expressions.items() if k in OWNER_KEYS for v in _constants(e)}
        outside = sorted(o for o in owners if ACCOUNT.fullmatch(o) and o not in own and o not in OS_PUBLISHERS)
        if outside:
            yield str(resource.get("address")), outside[0]


def _lookups(module: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(data address, why) for each image lookup of MODULE that any owner can satisfy."""
    for resource in module.get("resources") or []:
        if not isinstance(resource, dict) or resource.get("mode") != "data":
            continue
        expressions = _dict(resource.get("expressions"))
        if not IMAGE_LOOKUP.fullmatch(str(resource.get("type", ""))):
            continue
        owners = [v for k, e in expressions.items() if k in OWNER_KEYS for v in _constants(e)]
        latest = any(True in _constants(e) for k, e in expressions.items() if k in LATEST_KEYS)
        if "*" in owners:
            yield str(resource.get("address")), "owners include \"*\""
        elif latest and not any(k in OWNER_KEYS for k in expressions):
            yield str(resource.get("address")), "no owner filter"


# A download's URL argument, and the branch names a path spells a moving ref with.
URL_KEYS = frozenset({"url", "uri", "request_url", "source_url", "source", "address"})
BRANCHES = frozenset({"main", "master", "develop", "development", "dev", "trunk", "head", "latest", "nightly",
                      "edge", "unstable"})
_URL = lazy_compile(r"https?://(?P<host>[^/?#:]+)(?::\d+)?(?P<path>/[^?#]*)?(?:\?(?P<query>[^#]*))?")


def branch_ref(url: str) -> str | None:
    """The moving ref (a branch) a download URL on an internet host names, or None when it names a tag or commit
    (or no ref at all): raw.githubusercontent.com/OWNER/REPO/REF/…, …/raw/REF/…, ?ref=REF, or a branch segment."""
    match = _URL.fullmatch(url.strip())
    if match is None or not public(match["host"]):
        return None
    segments = [s for s in (match["path"] or "").split("/") if s]
    query = REF.search("?" + (match["query"] or ""))
    if query is not None:
        ref = query[1]
    elif match["host"].lower() == "raw.githubusercontent.com" and len(segments) > 3:
        ref = segments[3] if segments[2:4] == ["refs", "heads"] and len(segments) > 4 else segments[2]
        ref = segments[4] if segments[2:4] == ["refs", "heads"] else ref
    elif (marker := next((i for i, s in enumerate(segments) if s in ("raw", "blob")), None)) is not None \
            and marker + 1 < len(segments):
        ref = segments[marker + 1]
    else:
        ref = next((s for s in segments[:-1] if s.lower() in BRANCHES), "")
    return ref if ref and not PINNING_REF.fullmatch(ref) else None


def _downloads(module: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(data address, URL, branch) for each data source of MODULE that downloads from a moving branch."""
    for resource in module.get("resources") or []:
        if not isinstance(resource, dict) or resource.get("mode") != "data":
            continue
        for key, expression in _dict(resource.get("expressions")).items():
            urls = [v for v in _constants(expression) if isinstance(v, str)] if key in URL_KEYS else []
            for url in urls:
                if (ref := branch_ref(url)) is not None:
                    yield str(resource.get("address")), url, ref


def _constants(expression: Any) -> list[Any]:
    value = _dict(expression).get("constant_value")
    return value if isinstance(value, list) else [value]


def _consumers(module: dict[str, Any], path: str, data: str) -> list[tuple[str, list[str]]]:
    """(config address, the arguments that reference DATA) of MODULE's managed resources whose expressions do."""
    found = []
    for resource in module.get("resources") or []:
        if not isinstance(resource, dict) or resource.get("mode") != "managed":
            continue
        keys = [key for key, expression in _dict(resource.get("expressions")).items()
                if any(r == data or r.startswith((f"{data}.", f"{data}[")) for r in references_in(expression))]
        if keys:
            found.append((f"{path}.{resource.get('address')}".lstrip("."), keys))
    return found


@rule(UNPINNED, Severity.HIGH, "Code fetched from no fixed source feeds this plan: a module called from a public "
      "VCS URL with no ref or a branch as its ref while the plan changes its resources, or an image lookup that "
      "takes the most recent image from any owner for a resource the plan creates, replaces or re-points at that "
      "image.")
def _unpinned(ri: ReviewInput) -> Iterator[Finding]:
    root = _dict(_dict(ri.plan.configuration).get("root_module"))
    for path, module in _modules(root):
        for name, call in _dict(module.get("module_calls")).items():
            host = _unpinned_public(_dict(call).get("source"))
            changed = _changed_under(ri, f"{path}.module.{name}".lstrip(".")) if host else []
            if changed:
                source = str(_dict(call).get("source"))
                yield finding(UNPINNED, changed[0], f"{changed[0]}: module.{name} comes from {source:.120}, "
                              f"{_unpinned_why(source)} on {host} (whatever that branch holds when init runs is "
                              f"applied to {len(changed)} resource(s); pin ?ref= to a tag or commit)")
        for data, url, ref in _downloads(module):
            built = [a for c, keys in _consumers(module, path, data) for a in _built(ri, c, keys)]
            if built:
                yield finding(UNPINNED, built[0], f"{built[0]} applies what {data} downloads from {url:.120}, the "
                              f"branch {ref!r}, not a tag or commit: whatever that branch holds at apply time is "
                              "applied, and the plan cannot show it (vendor the file or pin a tag or commit)")
        for data, why in _lookups(module):
            built = [a for c, keys in _consumers(module, path, data) for a in _built(ri, c, keys)]
            if built:
                yield finding(UNPINNED, built[0], f"{built[0]} is built from {data}, whose {why}: the most recent "
                              "image anyone publishes under that name is used (pin owners to an account)")
        own = own_scopes(ri) if any(True for _ in _foreign_owners(module, set())) else set()
        # With no account of its own in the plan there is nothing to compare the owner with (as for layers).
        for data, account in _foreign_owners(module, own) if own else ():
            built = [a for c, keys in _consumers(module, path, data) for a in _built(ri, c, keys)]
            if built:
                address = built[0]
                action = next(c.action for c in ri.changeset.changes if c.address == address)
                # A new workload built on a vendor's image is an integration chosen in the open; an existing one
                # re-pointed at another account's image is the supply-chain change (as with a function's layers).
                yield finding(SUPPLY, address, f"{address} is built from {data}, whose image is published by account "
                              f"{account}, which the plan never shows as its own: code from outside the "
                              "organisation boots with this workload's role and data",
                              Severity.MEDIUM if action is Action.CREATE else Severity.HIGH)


def _built(ri: ReviewInput, config: str, keys: list[str]) -> list[str]:
    """Changes of CONFIG that take a new image: created, replaced, or updated with an argument from the lookup
    (KEYS) becoming unknown or different (a launch template's image_id re-read at apply)."""
    return [c.address for c in ri.changeset.changes if config_address(c.address) == config
            and (c.action in BUILT or (c.action is Action.UPDATE and any(_retaken(c, k) for k in keys)))]


def _retaken(change: Change, key: str) -> bool:
    before, after, unknown = _dict(change.before), _dict(change.after), _dict(change.after_unknown)
    return unknown.get(key) is True or (key in after and before.get(key) != after.get(key))
