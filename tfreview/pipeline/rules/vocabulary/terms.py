"""The security-controls vocabulary's terms (risk rules stage): the rule ids its lines report under, the type
patterns several lines share, the words of a setting's value, and the attributes network.py reads itself (COVERED).
Importing this module registers no line: any module of the package may read it without moving its own lines."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import tfreview.pipeline.rules.network as network
from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.findings import Severity, declare
from tfreview.pipeline.rules.common import known, snake_case
from tfreview.pipeline.rules.controls import COVERED
from tfreview.pipeline.rules.disposable import MONITORING_PROVIDERS
from tfreview.pipeline.rules.strengths import ladder

_WORDS = lazy_compile(r"[^a-z0-9]+")
WORDS_MEMO = 4096  # distinct setting values whose words are remembered


def setting_words(value: Any) -> frozenset[str] | None:
    """The lower-case words of a short one-value setting (camelCase split), or None for anything else."""
    return _text_words(value) if isinstance(value, str) else None


@lru_cache(maxsize=WORDS_MEMO)  # every kind of mechanism reads the words of the same values
def _text_words(value: str) -> frozenset[str] | None:
    if not known(value) or not 0 < len(value.strip()) <= 40:
        return None
    return frozenset(w for w in _WORDS.split(snake_case(value.strip())) if w)


DETECTION = declare("detection-disabled", Severity.HIGH,
                    "A detector, trail, recorder, alarm, monitor or security scanner is switched off, an alarm "
                    "loses its actions, or a filter blinds it: an exclusion or suppression that takes every record, "
                    "a selecting filter that can never match (any provider).")
KEY = declare("key-disabled", Severity.HIGH,
              "An encryption or signing key is disabled or scheduled for deletion, or its rotation is turned off.")
TLS = declare("tls-downgrade", Severity.HIGH,
              "A connection gets weaker: HTTPS→HTTP listeners, lower minimum TLS versions or weaker TLS policies, "
              "CDN/edge SSL modes, viewer protocol allow-all, IMDSv2 optional.")
PUBLIC = declare("public-access", Severity.HIGH,
                 "A resource becomes reachable by anyone: public access flags, public ACLs, public visibility, an "
                 "internal load balancer or endpoint made internet-facing, a private access mode changed to any "
                 "other, state shared with a whole organisation, an endpoint created without auth (any provider).")
AUTH = declare("auth-weakened", Severity.HIGH,
               "Sign-in requirements are relaxed: MFA/2FA or SSO enforcement off, fewer factors, sessions much longer, "
               "authentication or access control turned off, legacy auth allowed, password policy weakened.")
ZERO = declare("scaled-to-zero", Severity.HIGH,
               "Replicas, desired count, minimum size, node count, concurrency or throttle limits drop to 0, or a "
               "serving resource (distribution, app, endpoint, event source) is disabled or archived: it stops.")
AVAILABILITY = declare("availability-reduced", Severity.HIGH,
                       "High availability is turned off: Multi-AZ, automatic failover, zone redundancy, "
                       "regional to zonal; stored data copied to fewer places (GZRS to LRS).")

WATCHERS = (r"(?:^|_)(?:guardduty|detector|securityhub|security_center|defender|inspector|macie|\w*trail"
            r"|recorder|config_rule|alarm|alert|monitor|monitoring|notification|waf|wafv2|shield|scc|scanner"
            r"|access_analyzer|accessanalyzer|audit|sentinel|log|logs|logging|logpush|drain|siem|sink|flow_log|health_check"
            r"|uptime_check|synthetics|canary|auditing|alerting|heartbeat|healthcheck|incident|escalation|firewall"
            r"|ruleset|web_acl|security_policy|armor|guard|rule_group|data_loss_prevention|dlp)(?:_|\d|s?$)"
            # providers whose every resource is monitoring or alerting
            "|" + MONITORING_PROVIDERS)
# Encryption and signing keys; access keys and API keys are credentials, and disabling them is hardening.
KEYS = r"kms|crypto_key|key_vault_key|encryption_key|signing_key|certificate_authority|_cmk"
# Status enums in their usual spellings (`Enable`, `ENABLED`, `true`). Not open/closed: on an incident or alert,
# closed means resolved.
ON_OFF = ladder(("enabled", "enable", "active", "on", "true", "enabled_and_running", "running", "live", "streaming",
                 "recording", "collecting", "exporting", "delivering", "forwarding", "logging", "healthy"),
                ("disabled", "disable", "inactive", "off", "false", "paused", "suspended", "stopped"))

# network.py reads these attributes of these types itself (as public-database / public-bucket).
COVERED[PUBLIC] = ({*network.PUBLICLY_ACCESSIBLE, *network.PUBLIC_NETWORK_ACCESS, "aws_s3_bucket_public_access_block",
                    "aws_s3_account_public_access_block", "aws_s3_bucket_acl", "aws_s3_bucket",
                    "google_storage_bucket_acl", "azurerm_storage_container", "azurerm_storage_account",
                    "google_storage_bucket", "google_sql_database_instance"},
                   {"publicly_accessible", "public_network_access_enabled", "block_public_acls", "block_public_policy",
                    "ignore_public_acls", "restrict_public_buckets", "acl", "predefined_acl", "container_access_type",
                    "allow_nested_items_to_be_public", "allow_blob_public_access", "public_access_prevention",
                    "ipv4_enabled"})
