"""The security-controls vocabulary (risk rules stage), logging, detection and keys.

Lines that controls.py applies to every resource type, registered in the order vocabulary/__init__.py imports
this package's modules: for one attribute, the first line that reads both values decides.
"""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.retention import LOGGING
from tfreview.pipeline.rules.strengths import delivering, flag, inverted, ladder, present
from tfreview.pipeline.rules.vocabulary.terms import DETECTION, KEY, KEYS, ON_OFF, WATCHERS

# --- logging, detection, keys -------------------------------------------------------------------------
# Not an exemption list: emptied, everyone it exempted is logged again (an exemption added is blinding.py's).
control(LOGGING, r"(?:enabled_logs?|log|logs|logging|access_logs?|audit_log_config|log_publishing_options"
        r"|log_delivery_configuration|cloudwatch_logs)\.(?!exempt)\w+", present, "logging configuration removed")
control(LOGGING, r"(?:log|logs|logging|audit)\w*_(?:destination|bucket|group|target|sink|arn|uri)\w*", present,
        "logs no longer delivered")
control(LOGGING, r"\w*(?:destination|bucket|target|sink)\w*", present, "logs no longer delivered",
        types=r"(?:^|_)(?:logging|log|audit|trail)(?:_|$)")
control(LOGGING, r"(?:database_flags|parameter|flags|configuration|set)\.(?:log_\w+|\w*audit\w*|general_log"
        r"|slow_query_log|\w*\.log_\w+)", flag, "database logging turned off")
control(LOGGING, r"\w*log(?:ging|s)?_?enabled|enable_\w*log\w*|\w*log(?:ging|s|_config)?\w*\.enabled"
        r"|\w*audit\w*enabled|\w*flow_logs?\w*|enable_log_file_validation"
        r"|include_\w*events|is_multi_region_trail|\w*log_analytics\w*enabled",
        flag, "logging turned off")
# A rule's or object's own record switch, named by what it does (`logged`, `log`, `log_traffic`, `session_logging`):
# a firewall rule that stops logging leaves its matches unseen. Not a switch named for turning logs off, and not a
# troubleshooting verbosity (`debug_logging`, `verbose_log`: turning those off is routine).
control(LOGGING, r"(?:(?:traffic|session|packet|connection|rule|access|audit|flow|request|security|firewall)_)?"
        r"(?:logged|log|logging)"
        r"|log_(?:traffic|sessions?|packets?|hits?|matches|connections?|requests)"
        r"|(?:traffic|session|packet|connection|rule)_log(?:ging|ged)?", flag, "the rule or object stops logging")
control(DETECTION, r"enabled|is_enabled|enable|actions_enabled|active|detector_enabled", flag,
        "the detector, alarm or monitor stops", types=WATCHERS)
control(DETECTION, r"(?:is_)?(?:disabled|muted|suspended|paused)", inverted,
        "the detector, alarm or monitor stops", types=WATCHERS)
# A saved search, rule or query that runs on a schedule: unscheduled, it never runs and never alerts.
control(DETECTION, r"(?:is_)?scheduled|schedule_enabled|\w*schedul\w*\.(?:enabled|enable)", flag,
        "the scheduled detection no longer runs", types=WATCHERS + r"|search|detection|query|(?:^|_)rule")
control(DETECTION, r"status|state|finding_publishing_frequency_status", ON_OFF,
        "the detector, alarm or monitor stops", types=WATCHERS)
# Not a fail-open switch (`enable_waf_fail_open`): on, traffic passes unchecked (schemas.py reads it).
control(DETECTION, r"(?!\w*fail_open)(?:\w*(?:monitor|alert|detect|threat|defender|scan|scanning|guard|security|waf"
        r"|firewall|ddos|shield|inspection|vulnerabilit|malware|integrity|policy_enforcement)\w*(?:_enabled|_enable"
        r"|\.enabled|\.state|\.status)|enable_\w*(?:monitor|alert|detect|threat|defender|scan|guard|security|waf"
        r"|firewall|ddos|shield|inspection|vulnerabilit|malware|integrity)\w*|scan_on_push)", flag,
        "a security scanner or detector is switched off")
# Endpoint agents (EDR, antivirus, MDM): tamper protection keeps an attacker from stopping or uninstalling the agent
# unnoticed; real-time, behaviour and exploit protection are what detects them.
control(DETECTION, r"\w*(?:tamper|uninstall_protection|self_protection|prevent_uninstall|real_?time_protection"
        r"|behaviou?r_monitoring|exploit_protection|ransomware_protection|malware_protection|intrusion_prevention)\w*"
        r"(?:\.(?:enabled|enable|state|status|mode))?", flag,
        "an endpoint agent's protection is switched off: it can be stopped or bypassed without alerting")
control(DETECTION, r"tier|pricing_tier|plan", ladder(("standard", "premium", "enterprise"), ("free", "basic", "none")),
        "the security service drops to its free tier", types=r"security_center|defender|guardduty|shield")
control(DETECTION, r"\w*(?:network_policy|binary_authorization|policy_controller|pod_security|workload_identity"
        r"|shielded|secure_boot|integrity_monitoring|confidential|gatekeeper|admission)\w*\.\w*(?:enabled|enable"
        r"|state|status|mode)", flag, "a cluster security control is switched off")
# A machine's verified boot, at the top level of any provider's schema (`secure_boot_enabled`, `vtpm_enabled`): off,
# a tampered boot chain or kernel module loads unnoticed.
control(DETECTION, r"\w*(?:secure_boot|vtpm|integrity_monitoring|measured_boot)\w*", flag,
        "verified boot turned off: a tampered boot chain goes unnoticed")
control(DETECTION, r"scan_type|scanning_type", ladder(("enhanced",), ("basic",)), "image scanning reduced")
control(DETECTION, r"alarm_actions|notification_channels|alert_actions|action_group_id|notify_list",
        present, "the alarm no longer notifies anyone")
# What an alarm does when its data stops (CloudWatch's `treat_missing_data`, Grafana's `no_data_state`): set to fire,
# silence is the signal (a heartbeat, a job that must report). Moved to ignore or OK, a source that stops goes unseen.
control(DETECTION, r"treat_missing_data|\w*missing_data_(?:treatment|policy|state)|no_?data_state",
        ladder(("breaching", "alerting", "alert"),
               ("missing", "nodata", "keeplast", "keep_last", "insufficient_data", "notbreaching", "ignore", "ok")),
        "missing data no longer fires the alarm: a source that stops reporting goes unseen")
# Where alerts go (a route's receiver, a policy's contact point, a routing rule's notify type) set to a receiver that
# delivers nowhere; and the switch that sends a workflow's or route's alerts to its destinations turned off.
control(DETECTION, r"receiver|default_receiver|receiver_name|contact_point|default_contact_point|notify_type"
        r"|(?:notify|notifications?|routes?|routing|responders?)\.type", delivering,
        "alerts are routed to a receiver that delivers nowhere")
control(DETECTION, r"(?:destinations?|notifications?|notify|alert_notifications|paging|delivery)_enabled"
        r"|(?:enable|send)_(?:notifications?|destinations?)", flag, "alerts are no longer delivered to anyone")
# An audit selector narrowed so writes go unrecorded (CloudTrail's `read_write_type` All → ReadOnly, any provider's
# event or operation filter): reads still flow, so the trail looks alive while changes leave no record.
# WriteOnly → All and All → WriteOnly keep every write; `rw` is the usual abbreviation (`event_rw` All → Read).
control(DETECTION, r"\w*read_?write\w*|(?:\w+_)?rw(?:_type|_mode)?|\w*(?:event|operation)_(?:type|types|mode|filter)",
        ladder(("all", "write_only", "writeonly", "write", "read_write", "readwrite"),
               ("read_only", "readonly", "read")),
        "the audit selector now drops writes (changes go unrecorded)", types=WATCHERS)
# A recorder's or detector's exclusion list gains resource types that hold access (identities, policies, firewalls,
# buckets, keys, secrets): changes to them stop being recorded. Excluding a noisy non-security type is tuning.
SECURITY_KINDS = lazy_compile(r"iam|identit|security|firewall|network_?acl|bucket|kms|secret|trail|vault|crypto"
                              r"|authorization|permission|(?:^|[^a-z])(?:role|policy|user|key)s?(?:$|[^a-z])")


def _records_security_kinds(value: Any) -> float | None:
    """0 when an exclusion list names a security-relevant resource type, 1 when none does."""
    if value is None:
        return 1
    if not isinstance(value, (str, list)):
        return None
    items = value if isinstance(value, list) else [value]
    return 0 if any(SECURITY_KINDS.search(str(v).lower()) for v in items) else 1


control(DETECTION, r"\w*exclu\w*types?|\w*exclu\w*\.\w*types?", _records_security_kinds,
        "security-relevant resource types are excluded from recording", types=WATCHERS)
# An audit selector's negation (CloudTrail's advanced `field_selector.not_equals`, any trail's excluded sources) that
# names the identity services: who signed in, assumed a role or changed a permission stops being recorded. Cutting a
# noisy data service (KMS decrypts) is tuning.
IDENTITY_SOURCES = lazy_compile(r"(?:^|[^a-z])(?:iam|sts|signin|sso|identitystore|organizations|cognito-idp"
                                r"|accesscontext|login|okta|entra|aad)(?:$|[^a-z])")


def _records_identity(value: Any) -> float | None:
    """0 when an audit selector's exclusion names an identity service, 1 when it names none."""
    if value is None:
        return 1
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) for v in items):
        return None
    return 0 if any(IDENTITY_SOURCES.search(v.lower()) for v in items) else 1


control(LOGGING, r"(?:\w*event_selector|field_selector|\w*selectors?)\.(?:not_equals|not_starts_with|not_ends_with"
        r"|exclude\w*)|exclude_(?:event_)?sources?|excluded_(?:event_)?sources?", _records_identity,
        "identity events (sign-ins, role assumptions, permission changes) are excluded from the audit trail",
        types=WATCHERS)
control(KEY, r"enabled|is_enabled|enable", flag, "the key is disabled", types=KEYS)
control(KEY, r"enable_key_rotation|\w*rotation\w*enabled|rotation_period|rotation_policy\.\w+", flag,
        "key rotation turned off")
control(KEY, r"rotation_period|rotation_policy\.\w+", present, "key rotation turned off")
control(KEY, r"state|status|key_state|key_status",
        ladder(("enabled", "active"), ("disabled", "inactive", "pending_deletion", "pendingdeletion",
                                       "destroy_scheduled", "destroyed", "pending_destruction",
                                       "scheduled_for_deletion")),
        "the key is disabled or scheduled for deletion", types=KEYS)
