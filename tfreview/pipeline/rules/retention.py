"""Risk rules, retention: backups and retention shortened, audit and access logging switched off, a workload's
persistent volume swapped for an ephemeral one.

Table-driven like protection.py: each `watch()` names an attribute path suffix and the weakening direction.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.decoding import unfolded
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.units import duration
from tfreview.pipeline.rules.values import leaves
from tfreview.pipeline.rules.watch import watch, watch_delete

BACKUP = declare("backup-reduced", Severity.HIGH,
                 "Backups are disabled or their retention shortened (backup_retention_period, PITR, retention).")
PERSISTENCE = declare("persistence-disabled", Severity.HIGH,
                      "A workload's persistent storage is switched off (Helm `persistence.enabled`, a persistent "
                      "volume): its data moves to ephemeral disk and is lost on the next restart.")
LOGGING = declare("logging-disabled", Severity.HIGH,
                  "Audit, access or flow logging is switched off or removed (CloudTrail, flow logs, access logs), "
                  "principals are exempted from audit logs, or an audit log route is re-pointed at a store that "
                  "keeps records for less than a month.")

for _path in ("backup_retention_period", "backup_retention_days", "snapshot_retention_limit",
              "backup_retention_settings.retained_backups", "transaction_log_retention_days",
              "soft_delete_retention_days", "lifecycle.delete_after", "retention_period_hours",
              "retention_policy.days", "short_term_retention_policy.retention_days", "retention_days",
              "point_in_time_restore_in_days", "delete_retention_policy.days",
              "container_delete_retention_policy.days"):
    watch(BACKUP, _path, "lowered", "backup retention shortened")
watch(BACKUP, "retention_in_days", "lowered0", "log retention shortened")  # CloudWatch: 0 keeps logs forever
for _path in ("backup_configuration.enabled", "point_in_time_recovery.enabled", "point_in_time_recovery_enabled",
              "binary_log_enabled", "geo_redundant_backup_enabled", "backup.enabled", "soft_delete_enabled",
              "delete_retention_policy.enabled", "container_delete_retention_policy.enabled"):
    watch(BACKUP, _path, "off", "backups turned off")
watch(BACKUP, "delete_retention_policy", "removed", "soft-delete retention removed")
watch_delete(BACKUP, "a backup plan or policy stops protecting resources",
             "aws_backup_plan", "aws_backup_selection", "azurerm_backup_protected_vm", "azurerm_backup_policy_vm",
             "google_backup_dr_backup_plan", "google_backup_dr_backup_plan_association")

watch(LOGGING, "enable_logging", "off", "the trail stops logging", types=("aws_cloudtrail",))
watch(LOGGING, "enable_log_file_validation", "off", "log file validation turned off", types=("aws_cloudtrail",))
watch(LOGGING, "is_enabled", "off", "AWS Config stops recording", types=("aws_config_configuration_recorder_status",))
watch(LOGGING, "enable", "off", "GuardDuty stops detecting", types=("aws_guardduty_detector",))
watch(LOGGING, "enabled", "off", "flow logging turned off", types=("azurerm_network_watcher_flow_log",))
watch(LOGGING, "disabled", "on", "the log sink is disabled", types=("google_logging_project_sink",))
for _path in ("access_logs.enabled", "logging.enabled", "log_config.enable", "logging_config.enabled",
              "access_log_settings.enabled", "audit_log_config.enabled", "flow_logs.enabled", "enable_flow_logs",
              "log_config.enabled", "logging_enabled"):
    watch(LOGGING, _path, "off", "logging turned off")
for _path in ("logging_service", "monitoring_service"):
    watch(LOGGING, _path, "off", "cluster logging or monitoring turned off")
for _path in ("enabled_cluster_log_types", "enabled_cloudwatch_logs_exports", "enabled_log_types",
              "log_types"):
    watch(LOGGING, _path, "shrunk", "fewer log types exported")
for _path in ("logging", "logging_config", "access_logs", "log_publishing_options", "logging.target_bucket",
              "access_log_settings", "log_delivery_configuration", "log_config", "flow_logs", "flow_log_config",
              "audit_log_config"):
    watch(LOGGING, _path, "removed", "logging configuration removed")
watch_delete(LOGGING, "audit or access logging stops",
             "aws_cloudtrail", "aws_flow_log", "aws_s3_bucket_logging", "aws_config_configuration_recorder",
             "aws_guardduty_detector", "aws_cloudwatch_log_subscription_filter", "google_logging_project_sink",
             "google_logging_organization_sink", "google_project_iam_audit_config",
             "azurerm_monitor_diagnostic_setting", "azurerm_network_watcher_flow_log",
             "azurerm_monitor_activity_log_alert")


# A pod volume backed by a claim on persistent storage, and one that lives and dies with the pod (any spelling).
CLAIM = lazy_compile(r"^(?:persistent_?volume_?claim|claim_?name)$", re.IGNORECASE)
EPHEMERAL = lazy_compile(r"^(?:empty_?dir|tmpfs)$", re.IGNORECASE)
MAX_DEPTH = 12


def _volumes(value: Any, kinds: dict[str, str], depth: int = 0) -> dict[str, str]:
    """Named volumes anywhere in VALUE, by name: "claim" or "ephemeral"."""
    if depth > MAX_DEPTH:
        return kinds
    if isinstance(value, dict):
        name = value.get("name")
        for key, item in value.items():
            if isinstance(name, str) and item not in (None, [], False):
                if CLAIM.match(key):
                    kinds[name] = "claim"
                elif EPHEMERAL.match(key):
                    kinds.setdefault(name, "ephemeral")
            _volumes(item, kinds, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _volumes(item, kinds, depth + 1)
    return kinds


# A finding needs an EPHEMERAL key in after (JSON keys are serialised as written).
@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"empty_dir", b"emptydir", b"tmpfs"))
def _claim_made_ephemeral(change: Change) -> Iterator[Finding]:
    before, after = _volumes(change.before, {}), _volumes(change.after, {})
    for name in sorted(n for n, kind in after.items() if kind == "ephemeral" and before.get(n) == "claim"):
        yield finding(PERSISTENCE, change.address, f"{change.address}: volume {name!r} moves from a persistent "
                      "volume claim to an ephemeral (emptyDir) volume: what it holds is lost on the next restart")


# How long each backup or snapshot is kept, by a lifetime key of any spelling (`ttl`, `expireAfter`, `keep_for`),
# read inside documents too (a backup Schedule's `template.ttl` in a manifest's yaml_body): cut to a day or less
# from ten times that or more, the backups expire before anyone needs them. A lifetime only counts in an object that
# holds backups or snapshots (its type, or a key or value of its document says so): a DNS or cache TTL is no backup.
LIFETIME = lazy_compile(r"^(?:ttl|time_?to_?live|expires?_?after|expiry|expiration|keep_?for|retain_?for"
                        r"|delete_?after|lifetime|max_?age)$", re.IGNORECASE)
BACKUP_WORDS = lazy_compile(rb"backup|snapshot")
DAY = 86_400


def _text(value: object) -> bytes:
    """VALUE as lower-case JSON; a document read from YAML may hold keys that are not strings (`on:` reads as true)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).lower()


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"backup", b"snapshot"))
def _lifetime_cut(change: Change) -> Iterator[Finding]:
    before, after = (unfolded(side) for side in sides(change))
    for key in sorted(after.keys() & before.keys()):
        if before[key] == after[key] or not (BACKUP_WORDS.search(change.type.encode())
                                             or BACKUP_WORDS.search(_text(after[key]))):
            continue
        old = dict(leaves(before[key], key))
        for path, value in leaves(after[key], key):
            if not LIFETIME.match(path.rpartition(".")[2]):
                continue
            was, now = duration(old.get(path)), duration(value)
            if was is not None and now is not None and now <= DAY and now * 10 <= was:
                yield finding(BACKUP, change.address, f"{change.address}: {path} {old[path]} → {value} (each "
                              "backup now expires within a day: there is nothing to restore from)")


# A compacted log (Kafka's `cleanup.policy = compact`, any topic's `cleanup_policy`) keeps the latest record of every
# key for as long as the topic lives: a changelog or state store rebuilt from it. Switched to `delete`, every key not
# written within the retention ages out, and a restore rebuilds the state with keys missing.
CLEANUP_POLICY = lazy_compile(r"(?:^|[._])cleanup[._-]?policy$")


def _compacted(values: Any) -> dict[str, bool]:
    """Each cleanup policy in VALUES (by path): whether it compacts."""
    return {path: "compact" in str(value).lower() for path, value in leaves(values) if CLEANUP_POLICY.search(path)}


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"compact",))  # before holds it
def _compaction_dropped(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    now = _compacted(after)
    for path, was in sorted(_compacted(before).items()):
        if was and now.get(path) is False:
            yield finding(BACKUP, change.address, f"{change.address}: {path} no longer compacts: the latest record "
                          "of every key was kept for good; now keys not written within the retention are dropped")


# AWS Config's recorder narrowed from every resource type to a list it includes: IAM, S3 and network changes stop
# entering the configuration history. Recording every type but a few it excludes (noisy interfaces) is not this.
@on_change(actions=(Action.UPDATE, Action.REPLACE), types=("aws_config_configuration_recorder",))
def _recorder_narrowed(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    old, new = _recording_group(before), _recording_group(after)
    excluding = bool(new.get("exclusion_by_resource_types")) or any(
        isinstance(s, dict) and s.get("use_only") == "EXCLUSION_BY_RESOURCE_TYPES"
        for s in new.get("recording_strategy") or [])
    if old.get("all_supported") is True and new.get("all_supported") is False and not excluding:
        only = [t for t in new.get("resource_types") or [] if isinstance(t, str)]
        yield finding(LOGGING, change.address, f"{change.address}: recording_group.all_supported true → false, "
                      f"recording only {', '.join(only[:3]) or 'the types it lists'}: changes to every other "
                      "resource type leave the configuration history")


def _recording_group(values: dict[str, Any]) -> dict[str, Any]:
    group = values.get("recording_group")
    first = group[0] if isinstance(group, list) and group else group
    return first if isinstance(first, dict) else {}
