"""Risk rules, lifecycle helper: a site, app or protection policy retired together with the names that reached it
(its DNS records, its hostname), a store that keeps a final copy retired the same way, or a site succeeded by a new
one its DNS record is re-pointed to, and an object that only ever talked to a provider's test endpoint;
ladders.py grades deletes with it."""

from __future__ import annotations

from collections import defaultdict

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.domains import is_apex
from tfreview.pipeline.rules.planview import PlanView, kept_values_text, plan_view
from tfreview.pipeline.rules.records import DNS_RECORDS
from tfreview.pipeline.rules.takeover import successor
from tfreview.pipeline.rules.wayback import kept_copy
from tfreview.pipeline.rules.websites import WEBSITE_TYPES

_HOST = lazy_compile(r"\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b")
# Objects that define a name: a DNS record, or a hostname or custom domain bound to a service.
NAMING = lazy_compile(r"(?:^|_)(?:hostname|custom_hostname|domain|custom_domain|domain_mapping)(?:_v\d+)?$")
# Attributes by which a provider asks for a DNS record pointing at it: left behind, that record can be taken over.
DNS_TARGETS = lazy_compile(r"(?:^|_)(?:cname|cname_target|dns_target|target_hostname)$")
IDENTIFIERS = ("id", "arn")


def _values(change: Change, after: bool = False) -> dict[str, object]:
    side = change.after if after else change.before
    return side if isinstance(side, dict) else {}


def _hosts(attrs: dict[str, object]) -> set[str]:
    """The host names the values hold, not a bare domain (`acme.com`, `acme.co.uk`) that a whole zone shares; a
    name on a platform's suffix (`app-1.onrender.com`) is one service's host."""
    return {h for h in _HOST.findall(orjson.dumps(attrs, option=orjson.OPT_NON_STR_KEYS).decode().lower())
            if not is_apex(h) or (h.count(".") >= 2 and len(h.rsplit(".", 1)[-1]) > 2)}


def _strings(attrs: dict[str, object]) -> set[str]:
    return {v for v in attrs.values() if isinstance(v, str) and len(v) >= 6}


def _own_id(attrs: dict[str, object]) -> set[str]:
    return {v for key in IDENTIFIERS if isinstance(v := attrs.get(key), str) and len(v) >= 6}


def _naming(change: Change) -> bool:
    return bool(DNS_RECORDS.search(change.type) or NAMING.search(change.type))


class _Side:
    """The deletes (their values before) or the kept objects (their values after) indexed by host, by id and by
    the strings they hold, so who names or holds what is a few lookups."""

    def __init__(self, changes: list[Change], after: bool) -> None:
        self.hosts: dict[int, set[str]] = {}
        self.by_host: dict[str, list[Change]] = defaultdict(list)
        self.by_id: dict[str, list[Change]] = defaultdict(list)
        self.by_string: dict[str, list[Change]] = defaultdict(list)
        for change in changes:
            attrs = _values(change, after and change.action is not Action.NO_OP and isinstance(change.after, dict))
            self.hosts[id(change)] = hosts = _hosts(attrs)
            for host in hosts:
                self.by_host[host].append(change)
            for value in _own_id(attrs):
                self.by_id[value].append(change)
            for value in _strings(attrs):
                self.by_string[value].append(change)

    def linked(self, attrs: dict[str, object]) -> list[Change]:
        """The objects that hold the id of an object with these values, or whose id it holds."""
        return [*(c for v in _own_id(attrs) for c in self.by_string.get(v, [])),
                *(c for v in _strings(attrs) for c in self.by_id.get(v, []))]


class _Names:
    """The plan's deletes and kept objects, each indexed (one per plan)."""

    def __init__(self, view: PlanView) -> None:
        self.deletes = _Side(view.of(Action.DELETE), after=False)
        self.kept = _Side([c for c in view.changes if c.mode == "managed" and c.action is not Action.DELETE], True)


def _group(change: Change, names: _Names) -> dict[int, Change]:
    """The deletes that go with CHANGE: linked to it by id, then every delete that names one of their hosts."""
    group = {id(c): c for c in [change, *names.deletes.linked(_values(change))]}
    hosts = set().union(*(names.deletes.hosts[key] for key in group))
    group.update((id(c), c) for host in hosts for c in names.deletes.by_host.get(host, []))
    return group


def retired_with_names(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted app, site or policy is retired whole, or None: the plan deletes with it an object that
    defines its name (a DNS record, a hostname), every record a provider asked to point at it, and nothing kept
    still names its hosts or holds its id."""
    if change.action is not Action.DELETE or DNS_RECORDS.search(change.type):
        return None
    names = plan_view(ri).derived("names of deletes and kept objects", _Names)
    group = list(_group(change, names).values())
    hosts = set().union(*(names.deletes.hosts[id(c)] for c in group))
    if len(group) < 2 or not hosts or not any(_naming(c) for c in group):
        return None
    targets = {h for c in group for key, value in _values(c).items() if DNS_TARGETS.search(key)
               for h in _hosts({key: value})}
    records = set().union(*(names.deletes.hosts[id(c)] for c in group if DNS_RECORDS.search(c.type)))
    if targets - records:
        return None  # a record the provider asked for is not deleted here: it may be left dangling
    held = {v for c in group for v in _own_id(_values(c))}  # a kept object holding one of them would dangle
    if any(names.kept.by_host.get(h) for h in hosts) or any(names.kept.by_string.get(v) for v in held):
        return None
    others = sorted(c.address for c in group if c is not change)
    return f"retired together with {', '.join(others)} (what named it goes too); nothing kept still names it"


# The settings that name a store (an RDS identifier, a cache's name): managed hosts start with them
# (`<identifier>.c8x1.us-east-1.rds.amazonaws.com`, `<name>.redis.cache.windows.net`, `<bucket>.s3-website.…`).
STORE_NAMES = ("identifier", "cluster_identifier", "instance_name", "name", "bucket")


def _by_first_label(names: _Names) -> dict[str, set[str]]:
    """Every host the plan's deletes and kept objects name, by its first label."""
    found: dict[str, set[str]] = defaultdict(set)
    for host in (*names.deletes.by_host, *names.kept.by_host):
        found[host.split(".", 1)[0]].add(host)
    return found


# A store's own website settings (S3 `website`, `website_endpoint`; a storage account's `static_website`).
WEBSITE = lazy_compile(r"(?:^|_)website(?:_|$)")


def served_site(change: Change) -> str | None:
    """Why a store only served a site, or None: its own settings before show a website configuration."""
    if any(WEBSITE.search(key) and value not in (None, "", [], {}, False) for key, value in _values(change).items()):
        return "it served a static website: a website endpoint only serves what anyone may read"
    return None


# How a store's website front kept apart from it names its store (`bucket`, `storage_account_id`).
STORE_REFERENCES = ("bucket", "storage_account_id", "storage_account_name")


def site_kept_apart(change: Change, ri: ReviewInput) -> str | None:
    """Why a store only served a site, or None: its website settings live in an object of their own that names it
    (`aws_s3_bucket_website_configuration`), and the plan deletes that object with it, as if they were its own."""
    own = {v for key in ("bucket", "name", "id", "arn") if isinstance(v := _values(change).get(key), str) and v}
    fronts = plan_view(ri).derived("website fronts deleted", _website_fronts)
    found = sorted(address for value in own for address in fronts.get(value, ()))
    return None if not found else (f"it served a static website ({found[0]} goes with it): a website endpoint only "
                                   "serves what anyone may read")


def _website_fronts(view: PlanView) -> dict[str, list[str]]:
    """Per plan: the deleted website fronts, by the store they name."""
    found: dict[str, list[str]] = defaultdict(list)
    for other in view.of(Action.DELETE):
        if WEBSITE_TYPES.search(other.type):
            for key in STORE_REFERENCES:
                if isinstance(value := _values(other).get(key), str) and value:
                    found[value].append(other.address)
    return found


def retired_store(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted store is retired whole with a way back, or None: it keeps a final copy (`kept_copy`) or only
    served a site (`served_site`, `site_kept_apart`), the plan deletes the DNS record or hostname that named it (its
    host, or a host named after it), and nothing kept names its host or holds its name."""
    why = (kept_copy(change) or served_site(change) or site_kept_apart(change, ri)) \
        if change.action is Action.DELETE else None
    if why is None:
        return None
    attrs = _values(change)
    own = {v for key in STORE_NAMES if isinstance(v := attrs.get(key), str) and len(v) >= 4}
    view = plan_view(ri)
    names = view.derived("names of deletes and kept objects", _Names)
    first = view.derived("hosts by first label", lambda _: _by_first_label(names))
    hosts = _hosts(attrs) | {h for name in own for h in first.get(name.lower(), set())}
    records = sorted({c.address for h in hosts for c in names.deletes.by_host.get(h, []) if _naming(c)})
    if not records or any(names.kept.by_host.get(h) for h in hosts) \
            or any(names.kept.by_string.get(v) for v in own | _own_id(attrs)):
        return None
    return f"{why}; retired together with {', '.join(records)}, which named it; nothing kept still names it"


def taken_over(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted service is migrated, or None: a create of its kind takes over, a DNS record that pointed
    at the old one is re-pointed in the same plan, and no kept record still points at a host only the old had."""
    if change.action is not Action.DELETE:
        return None
    old = _hosts(_values(change))
    new = successor(change, ri) if old else None
    if new is None:
        return None
    carried = _hosts(_values(new, True))
    moved = False
    view = plan_view(ri)
    kept = view.derived("kept DNS records", lambda v: [c for c in v.changes if c.mode == "managed"
                                                        and c.action is not Action.DELETE
                                                        and DNS_RECORDS.search(c.type)])
    for other in kept:
        before, after = _hosts(_values(other)), _hosts(_values(other, other.action is not Action.NO_OP))
        if (after & old) - carried:
            return None
        moved = moved or (bool(before & old - carried) and other.action is Action.UPDATE)
    return f"{new.address} takes over and its DNS record is re-pointed to it in the same plan" if moved else None


# Words of a provider's test endpoint (`acme-staging-v02.api.letsencrypt.org`, `api.sandbox.paygate.com`).
TEST_WORDS = frozenset({"staging", "sandbox", "test"})
_URL = lazy_compile(r"https?://([a-z0-9.-]+)")
_TOKEN = lazy_compile(r"[a-z0-9]+")


def _object_name(attrs: dict[str, object]) -> str:
    """The object's own name: top level, or in its manifest's or its metadata block."""
    manifest = attrs.get("manifest")
    meta = manifest.get("metadata") if isinstance(manifest, dict) else attrs.get("metadata")
    meta = meta[0] if isinstance(meta, list) and meta else meta
    name = meta.get("name") if isinstance(meta, dict) else attrs.get("name")
    return name if isinstance(name, str) else ""


def sandbox_only(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted object never served production, or None: its name says test or staging, every endpoint it
    talks to is a provider's test endpoint, and nothing kept in the plan refers to its name."""
    attrs = _values(change)
    name = _object_name(attrs)
    hosts = _URL.findall(orjson.dumps(attrs, option=orjson.OPT_NON_STR_KEYS).decode().lower())
    if change.action is not Action.DELETE or not hosts or not TEST_WORDS & set(_TOKEN.findall(name.lower())):
        return None
    if any(not TEST_WORDS & set(_TOKEN.findall(host)) for host in hosts):
        return None
    if orjson.dumps(name).decode() in kept_values_text(plan_view(ri)):
        return None
    return f"{name} only talks to a provider's test endpoint and nothing kept refers to it"


# A key or secret that is only disabled can still be turned back on; deleted, what it encrypted or signed is lost.
KEEPS_DATA = lazy_compile(r"key|secret|certificate|vault|kms|crypto|backup|snapshot|volume|disk|bucket")
OFF_STATES = frozenset({"disabled", "inactive", "deactivated", "decommissioned"})


# Switches that hold a schedule or workload from running (a CronJob's `suspend`, a paused pipeline).
PAUSED = ("suspend", "suspended", "paused")


def _spec(attrs: dict[str, object]) -> list[dict[str, object]]:
    """The object's own specification block (Kubernetes `spec`, a list of one), where its switches live."""
    spec = attrs.get("spec")
    return [item for item in spec if isinstance(item, dict)][:1] if isinstance(spec, list) else []


def already_off(change: Change) -> str | None:
    """Why deleting a stateless object loses no service: before the delete it was already switched off (its
    status disabled, `enabled = false`, a schedule suspended or paused) or archived; or None."""
    attrs = _values(change)
    if KEEPS_DATA.search(change.type):
        return None
    status = next((str(attrs[k]).lower() for k in ("status", "state") if isinstance(attrs.get(k), str)), None)
    if status in OFF_STATES or attrs.get("enabled") is False or attrs.get("disabled") is True \
            or any(own.get(k) is True for own in (attrs, *_spec(attrs)) for k in PAUSED):
        return "it was already switched off: deleting it stops nothing that still runs"
    if attrs.get("archived") is True or status == "archived":
        return "it was already archived by its owners: deleting it retires nothing still in use"
    return None
