"""The security-controls vocabulary (risk rules stage): what a log, a detector or a shared key covers — a traffic or
event log whose coverage enum moves from everything to a subset (flow logs ALL → ACCEPT: rejected attempts go
unrecorded), an organisation's security service that stops enrolling its accounts (auto-enable ALL → NONE), and a
shared-access key rule that gains manage rights (whoever holds its connection string administers the entity).

Lines that controls.py applies to every resource type, registered in the order vocabulary/__init__.py imports
this package's modules: for one attribute, the first line that reads both values decides.
"""

from __future__ import annotations

import re
from typing import Any

import tfreview.pipeline.rules.access  # noqa: F401  (declares the privileged-role rule these lines report under)
from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.common import known
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.grants import PRIVILEGED
from tfreview.pipeline.rules.retention import LOGGING
from tfreview.pipeline.rules.strengths import flag, inverted
from tfreview.pipeline.rules.vocabulary.terms import DETECTION

EVERYTHING = frozenset({"all", "any", "every", "everything", "both", "full"})
_PARTS = lazy_compile(r"[^a-z]+")


def coverage(value: Any) -> float | None:
    """1 for a one-word coverage that takes everything (`ALL`, `Any`, `all_traffic`), 0 for one that takes a kind
    (`ACCEPT`, `REJECT`, `errors`); None for anything else (lists, long text, unknowns)."""
    if not isinstance(value, str) or not known(value) or not re.fullmatch(r"[\w.:-]{1,40}", value.strip()):
        return None
    words = {w for w in _PARTS.split(value.lower()) if w}
    if not words:
        return None
    return 1 if words & EVERYTHING else 0


# What a traffic, flow or audit log records (`traffic_type` ALL → ACCEPT, `log_filter` all → denied, a capture's
# `filter_type`): narrowed from everything, the kinds it drops are no longer recorded. A new log that records only
# one kind beside another is a choice, not a loss: creates are not judged.
LOG_TYPES = (r"flow_?log|traffic_mirror|packet_capture|(?:^|_)(?:logs?|logging|trail|audit\w*|diagnostic\w*"
             r"|capture|recorder)(?:_|$)")
control(LOGGING, r"(?:traffic|log|capture|record(?:ing)?|filter|event|packet)_(?:type|filter|scope|kind|selection)",
        coverage, "what it logs is narrowed from everything to a subset (the rest is no longer recorded)",
        types=LOG_TYPES)

# A log route of an organization or folder that also takes its children's logs (Cloud Logging's
# `include_children`, an organization trail's member accounts): turned off, every project or account below is no
# longer collected, only the node itself.
control(LOGGING, r"include_children|include_child_projects|include_member_accounts|is_organization_trail", flag,
        "the logs of every project or account below it are no longer collected", types=LOG_TYPES + r"|sink")

# A shared-access (SAS) key rule or policy of any provider (Event Hubs, Service Bus, Relay, IoT Hub, notification
# hubs) that gains manage or admin rights: whoever holds its key or connection string now administers the entity
# (creates and deletes queues, rules, keys). Send added to a producer's rule, or a new listen-only rule, is not.
SHARED_KEY_TYPES = r"authori[sz]ation_rule|shared_access|(?:^|_)sas(?:_|$)|access_key_polic|key_polic|access_polic"
control(PRIVILEGED, r"manage|manage_enabled|admin|administer|full_access", inverted,
        "its shared key gains manage rights (whoever holds the key administers the entity)",
        types=SHARED_KEY_TYPES, create=Severity.MEDIUM)

# An organisation's security service (threat detection, findings hub, data scanner, vulnerability scanner) that
# enrols its member accounts by itself: `auto_enable_organization_members` ALL or NEW → NONE, `auto_enable` true →
# false. Accounts that join, or were never enrolled, are then watched by nothing. ALL → NEW keeps enrolling.
ENROLLING = frozenset({"all", "new", "default", "true", "enabled"})
SECURITY_SERVICES = (r"organi[sz]ation_(?:configuration|config|settings)|guardduty|securityhub|security_hub|macie"
                     r"|inspector|detective|defender|security_center|threat_detection|access_analyzer")


def enrolment(value: Any) -> float | None:
    """1 when accounts are enrolled by themselves (`ALL`, `NEW`, true), 0 when none are (`NONE`, false)."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if not isinstance(value, str) or not known(value):
        return None
    word = value.strip().lower()
    return 1.0 if word in ENROLLING else 0.0 if word in ("none", "false", "disabled") else None


control(DETECTION, r"auto_?enable\w*", enrolment,
        "the organisation's security service stops enrolling its member accounts (new or unenrolled accounts go "
        "unwatched)", types=SECURITY_SERVICES)


def kinds_recorded(value: Any) -> float | None:
    """How many kinds a list of what an audit trail records names (entity or event types, categories); None for
    anything but a list of words."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return float(len({v.strip().lower() for v in value if v.strip()}))


# What an audit trail records, listed (an electronic-records system's `entity_types`, any audit object's
# `event_types` or `categories`): cut to half or less of what it named, the changes it stops recording go
# unattributed (sample, batch-record and result edits no longer audited, only logins).
control(LOGGING, r"\w*(?:entity|entities|event|events|object|record|resource)_types|audited_\w+|\w*categories",
        kinds_recorded, "the audit trail records far fewer kinds of change", drop_factor=2,
        types=r"(?:^|_)(?:audit|auditing|trail|audit_trail|audit_log|audit_config)(?:_|$)")
# Electronic signatures on records (21 CFR Part 11 style approvals): no longer required, a record changes with no
# attributable approval.
control(LOGGING, r"\w*e_?signatures?_(?:required|enforced|enabled)|require_e_?signatures?", flag,
        "electronic signatures are no longer required: records change with no attributable approval")
