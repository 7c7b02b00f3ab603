"""Reach and destruction by update (risk rules stage): DNS delegation moved, monitors muted for everything,
lifecycle rules that expire a whole bucket, imports that also change what they import, major upgrades. Read by
key shape, so any DNS, monitoring or storage provider is covered (routes through one machine: routes.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import tfreview.pipeline.rules.kinds as kinds
from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.findings import ALTERING, Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import as_list, known, new_items, show, sides
from tfreview.pipeline.rules.controls import direction
from tfreview.pipeline.rules.domains import is_apex
from tfreview.pipeline.rules.lengthened import lengthened
from tfreview.pipeline.rules.units import instant

DELEGATION = declare("dns-delegation", Severity.HIGH,
                     "DNS delegation moves: NS records or a domain's name servers change or go, or an apex record "
                     "is deleted.")
MUTED = declare("monitoring-muted", Severity.HIGH,
                "Monitoring is muted: a downtime, mute, silence or maintenance window whose scope is `*` or empty, "
                "that covers many services at once, or that lasts longer than a few days.")
EXPIRY = declare("lifecycle-expiration", Severity.HIGH,
                 "A lifecycle rule deletes objects across a whole bucket (expiration with an empty prefix/filter).")
IMPORT_CHANGE = declare("import-with-changes", Severity.HIGH,
                        "An import also changes (or replaces) the object it imports: applying alters live "
                        "infrastructure Terraform did not manage before.")

RECORD_TYPES = lazy_compile(r"(?:^|_)(?:record|records|record_set|dns_record|ns_record)(?:_|$)")
NAME_SERVER_KEYS = lazy_compile(r"^(?:name_?servers?|nameservers?|name_server_list|ns_records?)$")
APEX_KINDS = {"A", "AAAA", "CNAME", "ALIAS", "MX", "NS", "SOA", "ANAME"}
MUTE_TYPES = lazy_compile(r"(?:^|_)(?:downtime|downtimes|mute|muting|silence|maintenance_window|maintenance)(?:_|$)")
SCOPE_KEYS = ("scope", "scopes", "monitor_tags", "matchers", "filter", "query")
WILDCARDS = ("*", "*:*")
# A silencer longer than a few days, or over many services at once, is monitoring switched off, not a window.
LONG_MUTE_DAYS = 3
EPOCH_MILLIS = 100_000_000_000  # a number above this is milliseconds since 1970 (seconds would be year 5138)
MANY_MUTED = 5
START_KEYS = ("start_time", "start", "starts_at", "start_date", "begin", "begins_at", "window_start")
END_KEYS = ("end_time", "end", "ends_at", "end_date", "until", "expires_at", "window_end")
# Lifecycle policies kept apart from their bucket (S3 lifecycle configuration, Azure management policy, MinIO ILM).
LIFECYCLE_TYPES = lazy_compile(r"lifecycle|management_policy|(?:^|_)ilm(?:_|$)")
TAG_ROOTS = ("tags", "tags_all", "labels", "effective_labels", "terraform_labels")


# Attributes of a record that say how it is cached, labelled or owned, never where it points.
INERT_RECORD_KEYS = frozenset({"ttl", "comment", "comments", "description", "tags", "tags_all", "labels",
                               "allow_overwrite", "notes", "id", "modified_on", "created_on"})


def _inert(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether an NS record's update changes only how it is cached or labelled (TTL, comment, tags): the
    delegation target is unchanged, so nothing moves."""
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    return bool(before) and bool(after) and changed <= INERT_RECORD_KEYS


def _record_kind(values: dict[str, Any], resource_type: str) -> str:
    if "_ns_record" in resource_type:
        return "NS"
    return str(values.get("type") or values.get("record_type") or "").upper()


def _is_apex(values: dict[str, Any]) -> bool:
    return is_apex(str(values.get("name") or values.get("fqdn") or ""))


# A RECORD_TYPES type or a NAME_SERVER_KEYS key is needed.
@on_change(actions=(*ALTERING, Action.DELETE), words=(b"record", b"name_server", b"nameserver"))
def _delegation(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if RECORD_TYPES.search(change.type):
        kind = _record_kind(after or before, change.type)
        if kind == "NS" and change.action is not Action.CREATE and before != after \
                and not (change.action is Action.UPDATE and _inert(before, after)):
            yield finding(DELEGATION, change.address,
                          f"{change.address}: NS records are {change.action.value}d (DNS delegation moves)")
        elif kind == "NS" and change.action is Action.CREATE:
            yield finding(DELEGATION, change.address, f"{change.address}: a new NS delegation is created",
                          Severity.MEDIUM)
        elif change.action is Action.DELETE and kind in APEX_KINDS and _is_apex(before):
            yield finding(DELEGATION, change.address,
                          f"{change.address}: the apex {kind} record of {before.get('name')} is deleted")
        return
    if change.action in (Action.UPDATE, Action.REPLACE):
        for key in before.keys() & after.keys():
            old, new = before.get(key), after.get(key)
            if NAME_SERVER_KEYS.match(key) and old and known(old) and old != new and new != UNKNOWN:
                yield finding(DELEGATION, change.address,
                              f"{change.address}: {key} {show(old)} → {show(new)} (the domain is delegated elsewhere)")


@on_change(type_pattern=MUTE_TYPES)
def _muted(change: Change) -> Iterator[Finding]:
    if not MUTE_TYPES.search(change.type) or not isinstance(change.after, dict):
        return
    after = change.after
    scopes = list(dict.fromkeys(str(s) for key in SCOPE_KEYS for s in as_list(after.get(key)) if key in after))
    # Monitors named by id or by a tag other than `*` make the mute specific; `monitor_tags = ["*"]` does not.
    monitors = [s for k in ("monitor_id", "monitor_ids", "monitor_identifier", "services", "rule_ids")
                for s in _selectors(after.get(k)) if s not in WILDCARDS]
    monitors += [s for s in _condition_values(after.get("condition")) if s not in WILDCARDS]
    wildcard = [s for k in ("monitor_identifier",) for s in _selectors(after.get(k)) if s in WILDCARDS]
    everything = any(str(s).strip() in WILDCARDS for s in scopes) or bool(wildcard) or (not scopes and not monitors)
    before = change.before if isinstance(change.before, dict) else {}
    if change.action is not Action.CREATE and before == after:
        return
    if everything and not monitors and not _narrowed_window(after):
        yield finding(MUTED, change.address,
                      f"{change.address}: mutes every monitor (scope {show(scopes) if scopes else 'empty'})")
    elif len(monitors) >= MANY_MUTED:
        yield finding(MUTED, change.address, f"{change.address}: mutes {len(monitors)} services or monitors at once")
    elif (days := _muted_days(after)) is not None and days > LONG_MUTE_DAYS:
        yield finding(MUTED, change.address, f"{change.address}: mutes monitoring for {days:.0f} days")


SPECIFIC_ATTRIBUTES = frozenset({"condition", "policy", "entity", "monitor", "target", "tag", "tags", "guid",
                                 "incident", "alert"})


def _condition_values(value: Any, depth: int = 0) -> list[str]:
    """The values a mute's condition blocks match on when they name alerts (New Relic's `conditionName EQUALS
    [...]`): each one names a monitor, so a mute with them is specific."""
    if depth > 3:
        return []
    if isinstance(value, list):
        return [s for item in value for s in _condition_values(item, depth + 1)]
    if not isinstance(value, dict):
        return []
    camel = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", str(value.get("attribute") or ""))
    attribute = set(re.findall(r"[a-z]+", camel.lower()))
    # Only an attribute that names alerts (a condition, policy, entity, tag) narrows; `accountId` is everything.
    names_alerts = bool(attribute & SPECIFIC_ATTRIBUTES) and "account" not in attribute
    named = [s for key in ("values", "value") for s in _selectors(value.get(key))] if names_alerts else []
    return named + [s for key in ("condition", "conditions") for s in _condition_values(value.get(key), depth + 1)]


def _narrowed_window(values: dict[str, Any]) -> bool:
    """Whether a scope key selects only named targets (`scope = ["env:staging"]`: keys are ANDed, so a `*` in
    another key does not widen it) and the silencer ends within LONG_MUTE_DAYS: a bounded maintenance window."""
    narrowed = False
    for key in (k for k in SCOPE_KEYS if k in values):
        chosen = _selectors(values.get(key))
        narrowed |= bool(chosen) and not any(s in WILDCARDS for s in chosen)
    days = _muted_days(values)
    return narrowed and days is not None and 0 <= days <= LONG_MUTE_DAYS


def _muted_days(values: dict[str, Any]) -> float | None:
    """How long a silencer lasts, from its start and end timestamps (any of the usual key names)."""
    start = next((_moment(values.get(k)) for k in START_KEYS if _moment(values.get(k))), None)
    end = next((_moment(values.get(k)) for k in END_KEYS if _moment(values.get(k))), None)
    return (end - start).total_seconds() / 86400 if start and end else None


def _moment(value: Any) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        seconds = value / 1000 if value > EPOCH_MILLIS else value  # epoch seconds, or milliseconds
        try:
            return datetime.fromtimestamp(seconds, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    return instant(value)


def _selectors(value: Any) -> list[str]:
    """Every scalar that selects monitors inside VALUE (ids, tags), blocks and lists flattened; nulls dropped."""
    if isinstance(value, dict):
        return [s for item in value.values() for s in _selectors(item)]
    if isinstance(value, list):
        return [s for item in value for s in _selectors(item)]
    return [] if value is None or value == "" else [str(value).strip()]


def _expiring_rules(values: dict[str, Any]) -> list[dict[str, Any]]:
    """Lifecycle rules (any provider) that delete current objects and have no prefix, tag or suffix filter."""
    found = []
    for key in ("rule", "lifecycle_rule", "rules"):
        for rule in (r for r in as_list(values.get(key)) if isinstance(r, dict)):
            if _enabled(rule) and _deletes(rule) and not _filtered(rule):
                found.append(rule)
    return found


def _enabled(rule: dict[str, Any]) -> bool:
    return str(rule.get("status", "Enabled")).lower() != "disabled" and rule.get("enabled") is not False


def _deletes(rule: dict[str, Any]) -> bool:
    expirations = as_list(rule.get("expiration"))
    if any(e.get("days") or e.get("date") for e in expirations if isinstance(e, dict)):
        return True
    if any(isinstance(e, str) and e.strip() and known(e) for e in expirations):  # MinIO ILM: "1d"
        return True
    actions = [a for a in as_list(rule.get("action")) + as_list(rule.get("actions")) if isinstance(a, dict)]
    if any(str(a.get("type", "")).lower() == "delete" for a in actions):
        return True
    return any("delete_after" in path for a in actions for path in _keys(a))


def _keys(value: Any, depth: int = 0) -> Iterator[str]:
    if isinstance(value, dict) and depth < 4:
        for key, item in value.items():
            if item not in (None, [], {}, 0, -1):
                yield key
                yield from _keys(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item, depth)


def _filtered(rule: dict[str, Any]) -> bool:
    """Whether a rule is limited to part of the bucket: a prefix, tags, suffixes, a size or storage class."""
    narrowing = re.compile(r"prefix|tag|suffix|object_size|storage_class|matches|blob_index")
    for key, value in rule.items():
        if key in ("expiration", "action", "actions", "id", "status", "enabled", "name"):
            continue
        if narrowing.search(key) and value not in (None, "", [], {}):
            return True
        if key in ("filter", "filters", "condition", "and") and (_filtered_block(value, narrowing) or (
                isinstance(value, str) and value.strip())):  # a filter given as a bare prefix (`"index/"`)
            return True
        if key in ("filter", "filters") and isinstance(value, str) and value.strip():  # a prefix written alone
            return True
    return False


def _filtered_block(value: Any, narrowing: re.Pattern[str]) -> bool:
    for block in (b for b in as_list(value) if isinstance(b, dict)):
        for key, item in block.items():
            if narrowing.search(key) and item not in (None, "", [], {}, 0, -1):
                return True
            if isinstance(item, (dict, list)) and _filtered_block(item, narrowing):
                return True
    return False


@on_change()
def _whole_bucket_expiry(change: Change) -> Iterator[Finding]:
    if not LIFECYCLE_TYPES.search(change.type) and "bucket" not in change.type:
        return
    before, after = sides(change)
    new_bucket = change.action is Action.CREATE and _creates_its_bucket(change)
    kept = _expiring_rules(before)
    for rule in (r for r in new_items(kept, _expiring_rules(after)) if not lengthened(r, kept)):
        name = rule.get("id") or rule.get("name") or "(unnamed)"
        if new_bucket:
            yield finding(EXPIRY, change.address,
                          f"{change.address}: lifecycle rule {show(name)} expires every object of a bucket created in "
                          "this plan", Severity.MEDIUM)
        else:
            yield finding(EXPIRY, change.address,
                          f"{change.address}: lifecycle rule {show(name)} deletes objects with no prefix or filter "
                          "(the whole bucket expires)")


def _creates_its_bucket(change: Change) -> bool:
    """Whether a created lifecycle rule belongs to a bucket that is new too: the bucket itself, or a bucket
    name known only after apply (a bucket created in the same plan). A new bucket holds no data to lose yet."""
    if not LIFECYCLE_TYPES.search(change.type):
        return True
    unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
    return any(unknown.get(key) is True for key in ("bucket", "storage_account_id", "bucket_name"))


@on_change(actions=(Action.UPDATE, Action.REPLACE))
def _import_with_changes(change: Change) -> Iterator[Finding]:
    if not change.importing:
        return
    paths = [a.path for a in change.attributes if a.after != UNKNOWN or a.before is not None]
    if change.action is Action.REPLACE:
        yield finding(IMPORT_CHANGE, change.address,
                      f"{change.address} is imported and then replaced: the existing object is destroyed")
        return
    real = [p for p in paths if not p.startswith(TAG_ROOTS)]
    # A change every control that names it reads as stricter (made private, protection on) weakens nothing.
    stricter = bool(real) and all(direction(change.type, a.path, a.before, a.after) == 1
                                  for a in change.attributes if a.path in real)
    if paths:
        shown = ", ".join((real or paths)[:5]) + (", …" if len(real or paths) > 5 else "")
        yield finding(IMPORT_CHANGE, change.address,
                      f"{change.address} is imported and also changed ({shown})"
                      + (": every change makes it stricter" if stricter else ""),
                      None if real and not stricter else Severity.MEDIUM)


UPGRADE = declare("major-upgrade", Severity.HIGH,
                  "A database or data store changes major engine version: data is migrated in place and the "
                  "change cannot be rolled back by reverting the plan (high down, medium up).")
VERSION_KEYS = lazy_compile(r"^(?:engine_version|database_version|db_version|redis_version|mysql_version"
                            r"|postgres(?:ql)?_version|server_version|engine_major_version|version)$")
_MAJOR = lazy_compile(r"[A-Za-z_\-]*(\d+)(?:[._]\w+)*")


@on_change(actions=(Action.UPDATE,), words=(b"version",))  # every VERSION_KEYS key holds it
def _major_upgrade(change: Change) -> Iterator[Finding]:
    if not kinds.looks_stateful(change.type) or kinds.is_immutable_type(change.type):
        return
    before, after = sides(change)
    for key in sorted(before.keys() & after.keys()):
        old, new = before.get(key), after.get(key)
        if not VERSION_KEYS.match(key) or not isinstance(old, str) or not isinstance(new, str) or not known(new):
            continue
        old_major, new_major = _major(old), _major(new)
        if old_major is not None and new_major is not None and old_major != new_major:
            # Up is the provider's supported path (the model is told); down is no path a provider supports.
            down = new_major < old_major
            yield finding(UPGRADE, change.address,
                          f"{change.address}: {key} {show(old)} → {show(new)} (a major version "
                          f"{'downgrade' if down else 'upgrade'} migrates the data in place and cannot be reverted by "
                          "the plan)", None if down else Severity.MEDIUM)


def _major(version: str) -> int | None:
    """The major version: 13 in "13.7" or "POSTGRES_13", 8 in "8.0.mysql_aurora.3.05"."""
    match = _MAJOR.fullmatch(version.strip())
    return int(match.group(1)) if match else None
