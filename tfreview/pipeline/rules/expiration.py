"""Lifecycle rules that expire a whole bucket (risk rules stage; feeds `lifecycle-expiration`).

An enabled expiration or deletion rule with no prefix, tag or other filter deletes objects across the whole
bucket, on any storage provider (S3 lifecycle configuration, Azure management policy, MinIO ILM); one on a bucket
the same plan creates empties nothing yet. A new whole-bucket rule whose every age is half a year or more, replacing
no shorter-lived rule of its own, is a retention policy: it deletes what outlived the horizon the team chose, not the
bucket's recent data, so it is shown (medium) rather than held; an existing rule cut short stays high, and so does
one limited to a prefix whose expiry is cut to a tenth or less, under half a year (2555 days → 30: years of objects
under that prefix go on the next run; low for scratch prefixes, medium in non-production). An existing
store given a time at which it deletes itself (`expiration_time` newly set, or brought forward) is high too, and
medium where its own tags say non-production.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import (
    Finding,
    ReviewInput,
    Severity,
    declare,
    finding,
    graded_medium,
    grader,
    on_change,
)
from tfreview.pipeline.rules.common import as_dict, as_list, known, new_items, show, sides
from tfreview.pipeline.rules.environments import non_production
from tfreview.pipeline.rules.kinds import looks_stateful
from tfreview.pipeline.rules.lengthened import ages_of, lengthened
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.units import moment_of
from tfreview.pipeline.rules.watch import keyed_strings, scratch_scoped

EXPIRY = declare("lifecycle-expiration", Severity.HIGH,
                 "A lifecycle rule deletes objects across a whole bucket (expiration with an empty prefix/filter), "
                 "or an existing rule's expiry is cut to a tenth or less.")
# Lifecycle policies kept apart from their bucket (S3 lifecycle configuration, Azure management policy, MinIO ILM).
LIFECYCLE_TYPES = lazy_compile(r"lifecycle|management_policy|(?:^|_)ilm(?:_|$)")
# Half a year: the shortest horizon a whole-bucket deletion rule reads as a retention policy (access and event logs
# are commonly kept 180–400 days); anything shorter empties recent data.
RETENTION_HORIZON_DAYS = 180
# Ages at which a lifecycle rule keeps the object: a transition to a colder storage class or tier, and the abort of
# incomplete multipart uploads (parts never assembled into an object).
KEEPING_AGES = lazy_compile(r"transition|tier_to|(?:^|[._])tier|abort|incomplete|multipart|storage_class")
# A cut this sharp (a tenth or less of before) to an age under the retention horizon empties what the team kept.
SHARP_CUT = 10
RULE_KEYS = ("rule", "lifecycle_rule", "rules")  # where providers keep a store's lifecycle rules


def _expiring_rules(values: dict[str, Any]) -> list[dict[str, Any]]:
    """Lifecycle rules (any provider) that delete current objects and have no prefix, tag or suffix filter."""
    found = []
    for key in RULE_KEYS:
        for rule in (r for r in as_list(values.get(key)) if isinstance(r, dict)):
            if _enabled(rule) and _deletes(rule) and not _filtered(rule) and not _noncurrent_only(rule):
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


# Conditions only an old (noncurrent) version of an object meets, in a versioned bucket: its state is archived, newer
# versions of it exist, or it stopped being current a while ago. A deletion so conditioned prunes old versions and
# never touches a live object (GCS lifecycle conditions; S3 and Azure name their version rules apart).
NONCURRENT_CONDITIONS = ("num_newer_versions", "days_since_noncurrent_time", "noncurrent_time_before")


def _noncurrent_only(rule: dict[str, Any]) -> bool:
    """Whether every condition block of RULE admits only noncurrent versions."""
    conditions = [c for c in as_list(rule.get("condition")) if isinstance(c, dict)]
    return bool(conditions) and all(str(c.get("with_state", "")).upper() == "ARCHIVED"
                                    or any(c.get(k) not in (None, "", 0) for k in NONCURRENT_CONDITIONS)
                                    for c in conditions)


def _keys(value: Any, depth: int = 0) -> Iterator[str]:
    if isinstance(value, dict) and depth < 4:
        for key, item in value.items():
            if item not in (None, [], {}, 0, -1):
                yield key
                yield from _keys(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item, depth)


# Prefixes under which a cloud's own log delivery writes everything it writes (CloudTrail, Config, ELB access logs
# and flow logs all write under `AWSLogs/`): a rule limited to one that keeps logs no more than a week covers all of a
# log bucket's logs and is gone before an investigation starts; a longer one is the usual log retention.
WHOLE_LOG_PREFIXES = lazy_compile(r"^/?AWSLogs/?$", re.IGNORECASE)
LOGS_GONE_WITHIN_DAYS = 7


def _filtered(rule: dict[str, Any]) -> bool:
    """Whether a rule is limited to part of the bucket: a prefix, tags, suffixes, a size or storage class."""
    narrowing = re.compile(r"prefix|tag|suffix|object_size|storage_class|matches|blob_index")
    for key, value in rule.items():
        if key in ("expiration", "action", "actions", "id", "status", "enabled", "name"):
            continue
        if narrowing.search(key) and value not in (None, "", [], {}) and not _whole_log_prefix(value, rule):
            return True
        if key in ("filter", "filters", "condition", "and") and (_filtered_block(value, narrowing, rule) or (
                isinstance(value, str) and value.strip())):  # a filter given as a bare prefix (`"index/"`)
            return True
        if key in ("filter", "filters") and isinstance(value, str) and value.strip():  # a prefix written alone
            return True
    return False


def _whole_log_prefix(value: Any, rule: dict[str, Any]) -> bool:
    """Whether VALUE is a log delivery's whole prefix and RULE deletes what is under it within a week."""
    if not isinstance(value, str) or WHOLE_LOG_PREFIXES.match(value.strip()) is None:
        return False
    days = [e.get("days") for e in as_list(rule.get("expiration")) if isinstance(e, dict)]
    return any(isinstance(d, int) and not isinstance(d, bool) and 0 < d <= LOGS_GONE_WITHIN_DAYS for d in days)


def _filtered_block(value: Any, narrowing: re.Pattern[str], rule: dict[str, Any]) -> bool:
    for block in (b for b in as_list(value) if isinstance(b, dict)):
        for key, item in block.items():
            if narrowing.search(key) and item not in (None, "", [], {}, 0, -1) and not _whole_log_prefix(item, rule):
                return True
            if isinstance(item, (dict, list)) and _filtered_block(item, narrowing, rule):
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
        elif (was := _transient_before(kept)) is not None:
            yield finding(EXPIRY, change.address,
                          f"{change.address}: lifecycle rule {show(name)} deletes objects older than "
                          f"{_days(_shortest_age(rule))} across the whole bucket, which already deleted every object "
                          f"within {_days(was)} (a store of transient data: its window is cut)", Severity.MEDIUM)
        elif _retention_policy(rule, kept):
            yield finding(EXPIRY, change.address,
                          f"{change.address}: lifecycle rule {show(name)} deletes objects older than "
                          f"{_current_age(rule):g} days across the whole bucket (a retention policy: older data "
                          "already there goes too)", Severity.MEDIUM)
        else:
            yield finding(EXPIRY, change.address,
                          f"{change.address}: lifecycle rule {show(name)} deletes objects with no prefix or filter, or "
                          "only the prefix its log delivery writes everything under (the whole bucket expires)")


@on_change(actions=(Action.UPDATE,), words=(b"expir", b"delete"))
def _prefix_expiry_cut(change: Change) -> Iterator[Finding]:
    """An existing lifecycle rule limited to a prefix or tag (the whole-bucket ones are `_whole_bucket_expiry`'s)
    whose expiry of current objects is cut to a tenth or less, under half a year: 2555 days → 30 deletes six and
    more years of objects under that prefix on the next run. Medium where the store says non-production, low where
    every prefix it names is scratch or debug data."""
    if not LIFECYCLE_TYPES.search(change.type) and "bucket" not in change.type:
        return
    before, after = sides(change)
    for key, index, rule, old in _same_rules(before, after):
        was, now = _current_age(old), _current_age(rule)
        if not (_enabled(rule) and _deletes(rule) and _filtered(rule)) or not (
                0 < now < RETENTION_HORIZON_DAYS and now * SHARP_CUT <= was):
            continue
        severity = Severity.LOW if scratch_scoped(change, f"{key}[{index}].") \
            else Severity.MEDIUM if non_production(change) else Severity.HIGH
        name = rule.get("id") or rule.get("name") or "(unnamed)"
        yield finding(EXPIRY, change.address,
                      f"{change.address}: lifecycle rule {show(name)} now deletes objects after {_days(now)} instead "
                      f"of {_days(was)}: what it kept longer is deleted on the next run", severity)


# A prefix or container named for data kept by law or for a case: a legal or litigation hold, preserved evidence.
HELD_DATA = lazy_compile(r"(?:legal|litigation)[-_ ]?holds?|litigation|e-?discovery|preserv(?:ed|ation)",
                         re.IGNORECASE)
HELD_PLACE_KEYS = lazy_compile(r"prefix|container|path|filter")


@on_change(actions=(Action.CREATE, Action.UPDATE), words=(b"hold", b"litigation", b"discovery", b"preserv"))
def _held_data_expiry(change: Change) -> Iterator[Finding]:
    """A new or changed lifecycle rule that deletes, within a year, what sits under a prefix named for data kept by
    law or for a case (`legal-holds/` → delete after 30 days): the hold says keep it until released, the rule
    deletes it on a timer."""
    if not LIFECYCLE_TYPES.search(change.type) and "bucket" not in change.type:
        return
    before, after = sides(change)
    for key in RULE_KEYS:
        kept = [r for r in as_list(before.get(key)) if isinstance(r, dict)]
        for rule in (r for r in as_list(after.get(key)) if isinstance(r, dict) and r not in kept):
            held = next(iter(_held_places(rule)), None)
            if held and _enabled(rule) and _deletes(rule) and 0 < _current_age(rule) < HELD_HORIZON_DAYS:
                name = rule.get("id") or rule.get("name") or "(unnamed)"
                yield finding(EXPIRY, change.address,
                              f"{change.address}: lifecycle rule {show(name)} deletes what is under {held!r} after "
                              f"{_days(_current_age(rule))}: data kept for a legal hold or a case goes on a timer")
                return


HELD_HORIZON_DAYS = 365


def _held_places(rule: dict[str, Any]) -> Iterator[str]:
    """The strings under a rule's prefix, container, path or filter keys that name held data."""
    return (text for key, text in keyed_strings(rule) if HELD_PLACE_KEYS.search(key) and HELD_DATA.search(text))


def _same_rules(before: dict[str, Any], after: dict[str, Any]) -> Iterator[tuple[str, int, dict[str, Any],
                                                                                     dict[str, Any]]]:
    """(key, index, rule after, the same rule before) for every lifecycle rule kept by id or name (or by its place
    when the list holds one rule on both sides)."""
    for key in RULE_KEYS:
        olds = [r for r in as_list(before.get(key)) if isinstance(r, dict)]
        news = as_list(after.get(key))
        named = {r.get("id") or r.get("name"): r for r in olds if r.get("id") or r.get("name")}
        for index, rule in enumerate(news):
            if not isinstance(rule, dict):
                continue
            old = named.get(rule.get("id") or rule.get("name")) if (rule.get("id") or rule.get("name")) else None
            if old is None and len(olds) == len(news) == 1:
                old = olds[0]
            if old is not None:
                yield key, index, rule, old


def _shortest_age(rule: dict[str, Any]) -> float:
    """The shortest positive age (days) at which a rule deletes, 0 when it names none (an expiry date, a bare "1d");
    a move to a colder tier and the cleanup of unfinished uploads delete no object and do not count."""
    return min((age for path, age in ages_of(rule).items() if age > 0 and not KEEPING_AGES.search(path)),
               default=0.0)


def _days(amount: float) -> str:
    return f"{amount:g} day" + ("" if amount == 1 else "s")


def _transient_before(kept: list[dict[str, Any]]) -> float | None:
    """The age (days) within which the bucket's own whole-bucket rules already deleted every object, when that is a
    week or less (query results, build output: a store its team keeps nothing in), else None."""
    ages = [age for rule in kept if (age := _shortest_age(rule)) > 0]
    return min(ages) if ages and min(ages) <= LOGS_GONE_WITHIN_DAYS else None


RECOVERY_WINDOW_DAYS = 7


def _retention_policy(rule: dict[str, Any], kept: list[dict[str, Any]]) -> bool:
    """Whether RULE keeps everything for half a year or more and the bucket had no whole-bucket expiry before
    (a rule cut from seven years to one is a cut, not a new policy)."""
    deleting = [k for k in kept if _shortest_age(k) > 0]  # a rule that only aborts uploads deletes no object
    # old versions kept a week or more are the usual recovery window beside a retention on current objects
    versions = [age for path, age in _ages(rule).items() if "noncurrent" in path]
    return not deleting and _current_age(rule) >= RETENTION_HORIZON_DAYS \
        and all(age >= RECOVERY_WINDOW_DAYS for age in versions)


def _ages(rule: dict[str, Any]) -> dict[str, float]:
    return {path: age for path, age in ages_of(rule).items() if age > 0 and not KEEPING_AGES.search(path)}


def _current_age(rule: dict[str, Any]) -> float:
    """The shortest age (days) at which a rule deletes current objects (not old versions), 0 when it names none."""
    return min((age for path, age in _ages(rule).items() if "noncurrent" not in path), default=0.0)


def _creates_its_bucket(change: Change) -> bool:
    """Whether a created lifecycle rule belongs to a bucket that is new too: the bucket itself, or a bucket
    name known only after apply (a bucket created in the same plan). A new bucket holds no data to lose yet."""
    if not LIFECYCLE_TYPES.search(change.type):
        return True
    unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
    return any(unknown.get(key) is True for key in ("bucket", "storage_account_id", "bucket_name"))


@grader
def new_buckets(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A whole-bucket rule created beside its bucket, named outright (not known only after apply): the bucket is
    new in this plan too and holds no data yet, so the rule empties nothing (medium, as for a bucket made unknown)."""
    if not any(f.rule == EXPIRY and f.severity is Severity.HIGH for f in findings):
        return findings
    view = plan_view(review_input)
    created = {name for c in view.of(Action.CREATE) if "bucket" in c.type and not LIFECYCLE_TYPES.search(c.type)
               and isinstance(name := as_dict(c.after).get("bucket") or as_dict(c.after).get("name"), str)}
    rules = {c.address: c for c in view.of(Action.CREATE) if LIFECYCLE_TYPES.search(c.type)}
    graded = []
    for found in findings:
        change = rules.get(found.address or "") if found.rule == EXPIRY and found.severity is Severity.HIGH else None
        if change is not None and as_dict(change.after).get("bucket") in created:
            found = graded_medium(found, "its bucket is created in this plan too: it holds no data yet")
        graded.append(found)
    return graded


def _versioned(values: dict[str, Any]) -> bool:
    """Whether a bucket's own values (or its versioning resource's) keep old versions."""
    blocks = [b for key in ("versioning", "versioning_configuration") for b in as_list(values.get(key))
              if isinstance(b, dict)]
    return any(b.get("enabled") is True or str(b.get("status", "")).lower() == "enabled" for b in blocks)


def transient_store(change: Change, review_input: ReviewInput) -> str | None:
    """Why a deleted bucket loses nothing kept, or None: its own whole-bucket rules (its lifecycle configuration in
    this plan, or its own lifecycle rules) already deleted every object within a week, and it keeps no old versions
    — a cache or scratch store whose team keeps nothing in it longer."""
    before = as_dict(change.before)
    name = before.get("bucket") or before.get("name")
    if change.action is not Action.DELETE or not change.type.endswith("bucket") or not isinstance(name, str):
        return None
    kept = _expiring_rules(before)
    for other in plan_view(review_input).changes:
        if other.action is Action.CREATE or as_dict(other.before).get("bucket") != name:
            continue
        if LIFECYCLE_TYPES.search(other.type):
            kept += _expiring_rules(as_dict(other.before))
        elif "versioning" in other.type and _versioned(as_dict(other.before)):
            return None
    if _versioned(before):
        return None  # an expired object's old versions outlive every rule that deletes current ones
    days = _transient_before(kept)
    return None if days is None else (f"its own lifecycle deleted every object within {_days(days)}: a store of "
                                      "transient data, nothing in it was kept longer")


# A store that keeps nothing beyond two weeks by its own whole-bucket rules (a build cache, a pipeline's temp bucket)
# keeps nothing a recovery window (versioning, soft delete) would bring back that its team wanted kept.
SHORT_LIVED_DAYS = 14
WINDOW_RULES = ("backup-reduced", "versioning-disabled")


def _bucket_name(values: dict[str, Any]) -> str | None:
    name = values.get("bucket") or values.get("name")
    return name if isinstance(name, str) and name else None


def _lifetimes(view: Any) -> dict[str, float]:
    """Per plan: the age (days) within which each bucket's own whole-bucket rules, as the plan leaves them, delete
    every object."""
    found: dict[str, float] = {}
    for change in view.changes:
        after = as_dict(change.after)
        name = _bucket_name(after)
        if change.action is Action.DELETE or name is None or not (LIFECYCLE_TYPES.search(change.type)
                                                                   or change.type.endswith("bucket")):
            continue
        ages = [age for rule in _expiring_rules(after) if (age := _shortest_age(rule)) > 0]
        if ages:
            found[name] = min(min(ages), found.get(name, float("inf")))
    return found


@grader
def short_lived_stores(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A recovery window (versions, soft delete) cut on a bucket whose own rules delete every object within two
    weeks: medium."""
    if not any(f.rule in WINDOW_RULES and f.severity is Severity.HIGH for f in findings):
        return findings
    view = plan_view(review_input)
    lifetimes = view.derived("bucket lifetimes", _lifetimes)
    changes = {c.address: c for c in view.changes}
    graded = []
    for found in findings:
        change = changes.get(found.address or "") if found.rule in WINDOW_RULES else None
        name = _bucket_name(as_dict(change.after)) if change is not None and "bucket" in change.type else None
        days = lifetimes.get(name) if name else None
        if found.severity is Severity.HIGH and days is not None and days <= SHORT_LIVED_DAYS:
            found = graded_medium(found, f"the bucket's own lifecycle deletes every object within {_days(days)}: "
                                  "nothing in it is kept long enough to need a recovery window")
        graded.append(found)
    return graded


# A store's own time of self-deletion (a BigQuery table's `expiration_time`, any provider's `expire_time`): the
# service deletes the whole store, data and all, when it comes.
SELF_EXPIRY = ("expiration_time", "expire_time", "expires_at_time", "expiration_timestamp", "delete_at")


@on_change(actions=(Action.UPDATE,), words=tuple(key.encode() for key in SELF_EXPIRY))
def _store_set_to_expire(change: Change) -> Iterator[Finding]:
    """An existing store given a time at which it deletes itself, or one brought forward."""
    if not looks_stateful(change.type):
        return
    before, after = sides(change)
    for key in SELF_EXPIRY:
        old, new = moment_of(before.get(key)), moment_of(after.get(key))
        if new is not None and (old is None or new < old):
            when = "now deletes itself" if old is None else "deletes itself sooner"
            # a dev or staging store cleaning itself up is how scratch data is kept (as its delete would be)
            yield finding(EXPIRY, change.address, f"{change.address}: {key} set to {show(after.get(key))}: the whole "
                          f"store {when}, everything in it included",
                          Severity.MEDIUM if non_production(change) else None)
            return
