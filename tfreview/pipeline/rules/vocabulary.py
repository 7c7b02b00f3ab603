"""The security-controls vocabulary (risk rules stage): attribute names of every provider and the weak direction
of their values. controls.py applies it to every resource type; add a line to teach it a new control.

Paths are regexes over an attribute's dotted path without indices, matched at its end after `.`, `/` or `-`
(so `metadata.annotations.service.beta.kubernetes.io/aws-load-balancer-internal` ends in `internal`).
"""

from __future__ import annotations

import tfreview.pipeline.rules.network as network
from tfreview.pipeline.findings import Severity, declare
from tfreview.pipeline.rules.controls import (
    COVERED,
    absent,
    access_word,
    allow_all,
    authenticated,
    capacity,
    ciphers,
    control,
    count,
    everyone,
    exposure_word,
    flag,
    https_word,
    inverted,
    ladder,
    off_word,
    on_word,
    present,
    public_word,
    requirement,
    switch,
    tls,
    unswitch,
)
from tfreview.pipeline.rules.disposable import MONITORING_PROVIDERS
from tfreview.pipeline.rules.protection import ENCRYPTION, PROTECTION, VERSIONING
from tfreview.pipeline.rules.retention import BACKUP, LOGGING, PERSISTENCE
from tfreview.pipeline.rules.workloads import UNMASKED

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
                       "regional to zonal.")

WATCHERS = (r"(?:^|_)(?:guardduty|detector|securityhub|security_center|defender|inspector|macie|\w*trail"
            r"|recorder|config_rule|alarm|alert|monitor|monitoring|notification|waf|wafv2|shield|scc|scanner"
            r"|access_analyzer|accessanalyzer|audit|sentinel|log|logs|logging|sink|flow_log|health_check"
            r"|uptime_check|synthetics|canary|auditing|alerting|heartbeat|healthcheck|incident|escalation|firewall"
            r"|ruleset|web_acl|security_policy|armor|guard|rule_group)(?:_|\d|s?$)"
            # providers whose every resource is monitoring or alerting
            "|" + MONITORING_PROVIDERS)
# Encryption and signing keys; access keys and API keys are credentials, and disabling them is hardening.
KEYS = r"kms|crypto_key|key_vault_key|encryption_key|signing_key|certificate_authority|_cmk"
# Status enums in their usual spellings (`Enable`, `ENABLED`, `true`). Not open/closed: on an incident or alert,
# closed means resolved.
ON_OFF = ladder(("enabled", "enable", "active", "on", "true", "enabled_and_running", "running", "live"),
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

# --- destroy guards -----------------------------------------------------------------------------------
control(PROTECTION, r"\w*(?:deletion|termination|delete|destroy)_protection(?:_enabled)?|enable_\w*_protection"
        r"|prevent_(?:destroy|deletion)\w*|disable_api_termination|protect_from_deletion|deletion_prevention",
        flag, "deletion protection turned off")
control(PROTECTION, r"force_destroy|force_delete\w*|skip_final_snapshot|delete_automated_backups"
        r"|allow_(?:force_)?(?:destroy|delete|deletion)s?|allows_deletions|allows_force_pushes"
        r"|delete_\w*on_(?!merge\Z)\w+|\w*_on_destroy|purge_on_delete",
        inverted, "a destroy or force-push now goes through")
# (`delete_branch_on_merge` removes a head branch once its work is merged: housekeeping, not a destroy guard.)
control(PROTECTION, r"recovery_window\w*|deletion_window\w*|\w*recovery_period\w*", count,
        "a delete can no longer be recovered", above_zero=Severity.MEDIUM)
control(PROTECTION, r"min_available", count, "no pods are kept through disruptions")
control(PROTECTION, r"mode|default_retention\.mode|object_lock_mode", ladder(("compliance",), ("governance",)),
        "object lock weakened from compliance to governance", types=r"object_lock|vault_lock|immutability")
# A retention lock of any provider (object lock, file lock, vault lock): its mode down from compliance, or disarmed.
control(PROTECTION, r"\w*lock\w*\.mode|\w*lock_mode|\w*retention\w*\.mode|retention_mode",
        ladder(("compliance", "locked"), ("governance", "unlocked"), ("advisory", "none", "off", "disabled")),
        "the retention lock is weakened (compliance → governance or none): locked data can be deleted")
control(PROTECTION, r"\w*lock_state|\w*lock_status", ladder(("armed", "locked", "enabled", "active", "on"),
                                                            ("disarmed", "unlocked", "disabled", "inactive", "off")),
        "the retention lock is disarmed: locked data can be deleted")
control(PROTECTION, r"enforce(?:ment)?_(?:level|mode|action)|enforcement", ladder(
    ("hard-mandatory", "mandatory", "enforced", "enforce", "deny", "block", "default", "active"),
    ("soft-mandatory", "dryrun", "dry_run", "audit", "warn", "evaluate"),
    ("advisory", "donotenforce", "do_not_enforce", "disabled", "off", "none")), "policy enforcement relaxed")
control(PROTECTION, r"enforce|enforced|enforcement_enabled|enforce_policy", flag, "policy enforcement turned off")
control(PROTECTION, r"enforce_admins|require_code_owner_reviews|dismiss_stale_reviews|require_signed_commits"
        r"|required_linear_history|require_conversation_resolution", flag, "branch protection relaxed",
        types=r"branch_protection|ruleset")
# Merge safeguards of any VCS provider (GitHub, GitLab, Bitbucket, Azure DevOps, Gitea): force pushes and
# deletions let through, required approvals or checks dropped, fewer approvals, a lower role may push or merge.
VCS_RULES = r"branch|ruleset|approval|merge_request|protected_tag|repository_policy|git_policy"
control(PROTECTION, r"allows?_force_push(?:es)?|allow_force_pushes_to_\w+|allows?_deletions?", inverted,
        "force pushes or branch deletion now allowed", types=VCS_RULES)
control(PROTECTION, r"\w*approvals?_required|require_\w+|requires_\w+|\w*_required", flag,
        "a required review or check turned off", types=VCS_RULES)
control(PROTECTION, r"\w*approvals?(?:_count)?|approvals_before_merge|\w*reviewers?_count|minimum_number_of_reviewers"
        r"|required_approving_review_count|\w*approval_count|\w*approvals?_required|required_approvals", count,
        "fewer approvals required", types=VCS_RULES, above_zero=Severity.HIGH)
control(PROTECTION, r"\w*(?:push|merge|unprotect|delete)_access_levels?", ladder(
    ("no one", "no_one", "noone", "no access", "no_access", "0"), ("admin", "owner", "60", "50"),
    ("maintainer", "maintain", "40"), ("developer", "developers", "write", "30"), ("reporter", "guest", "20", "10")),
    "a lower role may now push or merge", types=VCS_RULES)
# After the count line: a count that drops to 0 is read as fewer approvals; one that is removed, as reviews removed.
control(PROTECTION, r"required_approving_review_count|required_pull_request_reviews", present,
        "required reviews removed", types=r"branch_protection|ruleset")
# An approval gate on changes of any kind of resource (a feature-flag environment's `approval_settings.required`)
control(PROTECTION, r"\w*approvals?\w*\.(?:required|enabled|is_enabled)", flag,
        "approvals required for changes turned off", outside_production=Severity.MEDIUM)
# An integration's or key's holder now allowed to change the service's own configuration (an alerting integration
# whose API key may edit teams, schedules and other integrations).
control("iam-privileged-role", r"allow_(?:configuration|config|admin|administration|management)_access", inverted,
        "the integration's key may now change the service's configuration")
# A deploy or release gate of any provider, not only a VCS rule: fewer approvals, anyone ("*") may bypass it, or
# failed checks no longer block the promotion.
GATES = VCS_RULES + r"|gate|deploy|release|environment|pipeline|stage|promotion|change_control|protection"
control(PROTECTION, r"required_approvals?|\w*approvals?_required|required_approv\w*_count|min(?:imum)?_approvals?"
        r"|required_reviewers?_count", count, "fewer approvals required", types=GATES, above_zero=Severity.HIGH)
control(PROTECTION, r"\w*bypass\w*", everyone, "anyone may now bypass the gate", types=GATES)
control(PROTECTION, r"block_on_\w+|\w*checks?_required|require_\w*checks?(?:_to_pass)?", flag,
        "failed checks no longer block", types=GATES)
# A review policy of any VCS provider switched off (Azure DevOps branch policies, GitLab approval rules).
control(PROTECTION, r"enabled|is_enabled|enable", flag, "the review or merge policy is switched off",
        types=r"branch_polic|ruleset|approval_rule|merge_request_approval|repository_polic|git_polic|branch_protection")

# --- encryption ---------------------------------------------------------------------------------------
control(ENCRYPTION, r"\w*encrypt\w*(?:\.enabled)?|https_only|\w*https_traffic_only\w*|require_ssl|enforce_ssl"
        r"|ssl_enforcement(?:_enabled)?|require_secure_transport|\w*force_ssl|sse_enabled|enable_ssl|\w*sse\w*\.enabled",
        flag, "encryption turned off", create=Severity.MEDIUM)
control(ENCRYPTION, r"enabled|enable", flag, "encryption by default turned off", types=r"encrypt")
control(ENCRYPTION, r"\w*kms_key\w*|\w*key_vault_key_id|\w*encryption_key\w*|disk_encryption_set_id"
        r"|customer_managed_key\w*(?:\.\w+)?|kms_master_key_id|sse_algorithm|cmk\w*", present,
        "encryption or its customer-managed key removed")
control(ENCRYPTION, r"sse_algorithm|encryption_type|encryption_mode|sse_type|server_side_encryption",
        ladder(("aws:kms", "aws:kms:dsse", "kms", "customer_managed_key", "sse_kms", "customer"),
               ("aes256", "sse_s3", "service_managed", "aws_owned_key", "default"),
               ("none", "disabled", "no_encryption", "unencrypted")),
        "encryption weakened")

# A variable's kind in any platform's env list (`type` SECRET → GENERAL, SecureString → String): its value is then
# stored and shown in clear text.
control(UNMASKED, r"(?:env|envs|environment|environment_variables?|variables?|vars?|config_vars?|secrets?|settings?"
        r"|parameters?|params)\.(?:type|kind|value_type|variable_type)|(?:variable|value|parameter|env|secret)_type",
        ladder(("secret", "secure", "securestring", "secure_string", "sensitive", "encrypted", "secret_text",
                "secrettext", "secret_value"),
               ("general", "plain", "plaintext", "string", "text", "clear", "cleartext", "literal", "stringlist",
                "env_var")), "a secret variable made plain: its value is stored and shown in clear text")
control(UNMASKED, r"type|kind", ladder(("secret", "secure", "securestring", "secure_string", "sensitive", "encrypted"),
                                       ("general", "plain", "plaintext", "string", "text", "stringlist", "env_var")),
        "a secret parameter made plain: its value is stored and shown in clear text",
        types=r"(?:^|_)(?:parameter|variable|var|env|environment_variable|config_var|secret)s?(?:_|$)")

# --- versioning, backups, retention -------------------------------------------------------------------
control(VERSIONING, r"versioning(?:_enabled)?|\w*versioning\w*\.(?:enabled|status|mfa_delete)|mfa_delete",
        flag, "versioning turned off")
control(BACKUP, r"\w*backups?\w*\.enabled|\w*backups?_?\w*enabled|\w*point_in_time\w*(?:\.enabled)?|pitr\w*"
        r"|\w*soft_delete\w*enabled|\w*delete_retention\w*\.enabled|geo_redundant_backup\w*|binary_log_enabled|backup\.enabled"
        r"|automated_backups?\w*", flag, "backups turned off")
control(BACKUP, r"\w*(?:retention|retained|retain)\w*(?:\.\w+)?", count, "backup retention shortened",
        types=r"backup", above_zero=Severity.HIGH)
# How many backups or days a backup block keeps (`backup_strategy.keep_days` 14 → 0), before the line below.
control(BACKUP, r"\w*(?:backup|snapshot)\w*\.\w*(?:keep|retain|retention|copies|generations)\w*"
        r"|\w*(?:backup|snapshot)s?_keep\w*", count, "backups or retention cut", above_zero=Severity.MEDIUM)
control(BACKUP, r"\w*keep\w*", count, "backups or retention cut", types=r"backup|snapshot", above_zero=Severity.MEDIUM)
control(BACKUP, r"(?:\w*retention\w*|\w*backup\w*|\w*soft_delete\w*|\w*point_in_time\w*)\.\w+", present,
        "backup or retention configuration removed")
control(BACKUP, r"\w*(?:retention|retained)\w*(?:\.\w+)?(?:days|period|count|hours|limit|backups|seconds|duration)"
        r"|\w*backup\w*(?:days|period|count|hours|limit)|snapshot_retention_limit|\w*retention\w*\.days"
        r"|retention_days", count, "backups or retention cut", above_zero=Severity.MEDIUM)
# Persistence of a workload's data (not a load balancer's session persistence, which only pins clients).
control(PERSISTENCE, r"(?!\w*session)\w*persisten\w*\.enabled|(?!\w*session)\w*persisten\w*_enabled"
        r"|enable_(?!\w*session)\w*persisten\w*", flag, "persistence turned off: the data is lost on restart")

# --- logging, detection, keys -------------------------------------------------------------------------
control(LOGGING, r"(?:enabled_logs?|log|logs|logging|access_logs?|audit_log_config|log_publishing_options"
        r"|log_delivery_configuration|cloudwatch_logs)\.\w+", present, "logging configuration removed")
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
control(DETECTION, r"enabled|is_enabled|enable|actions_enabled|active|detector_enabled", flag,
        "the detector, alarm or monitor stops", types=WATCHERS)
control(DETECTION, r"(?:is_)?(?:disabled|muted|suspended|paused)", inverted,
        "the detector, alarm or monitor stops", types=WATCHERS)
# A saved search, rule or query that runs on a schedule: unscheduled, it never runs and never alerts.
control(DETECTION, r"(?:is_)?scheduled|schedule_enabled|\w*schedul\w*\.(?:enabled|enable)", flag,
        "the scheduled detection no longer runs", types=WATCHERS + r"|search|detection|query|(?:^|_)rule")
control(DETECTION, r"status|state|finding_publishing_frequency_status", ON_OFF,
        "the detector, alarm or monitor stops", types=WATCHERS)
control(DETECTION, r"\w*(?:monitor|alert|detect|threat|defender|scan|scanning|guard|security|waf|firewall|ddos"
        r"|shield|inspection|vulnerabilit|malware|integrity|policy_enforcement)\w*(?:_enabled|_enable|\.enabled"
        r"|\.state|\.status)|enable_\w*(?:monitor|alert|detect|threat|defender|scan|guard|security|waf|firewall"
        r"|ddos|shield|inspection|vulnerabilit|malware|integrity)\w*|scan_on_push", flag,
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
control(DETECTION, r"scan_type|scanning_type", ladder(("enhanced",), ("basic",)), "image scanning reduced")
control(DETECTION, r"alarm_actions|notification_channels|alert_actions|action_group_id|notify_list",
        present, "the alarm no longer notifies anyone")
control(KEY, r"enabled|is_enabled|enable", flag, "the key is disabled", types=KEYS)
control(KEY, r"enable_key_rotation|\w*rotation\w*enabled|rotation_period|rotation_policy\.\w+", flag,
        "key rotation turned off")
control(KEY, r"rotation_period|rotation_policy\.\w+", present, "key rotation turned off")
control(KEY, r"state|status|key_state|key_status",
        ladder(("enabled", "active"), ("disabled", "pending_deletion", "pendingdeletion", "destroy_scheduled",
                                       "destroyed", "pending_destruction", "scheduled_for_deletion")),
        "the key is disabled or scheduled for deletion", types=KEYS)

# --- transport --------------------------------------------------------------------------------------
control(TLS, r"\w*(?:min|minimum)_?(?:tls|ssl|protocol)\w*|\w*(?:tls|ssl)_?(?:min|minimum)_?(?:version|protocol)?"
        r"|\w*tls_version|ssl_policy|\w*tls_policy"
        r"|\w*security_policy|min_tls|\w*ssl[_-]?protocols?|\w*tls[_-]?versions?|\w*tls[_-]?protocols?"
        r"|\w*(?:tls|ssl|security)_\w*polic(?:y|ies)(?:_id|_name)?", tls,
        "minimum TLS version lowered",
        create=Severity.MEDIUM, create_below=1.2)
control(TLS, r"\w*ssl[_-]?ciphers?|\w*cipher[_-]?(?:suites?|list)|ciphers", ciphers, "weak TLS ciphers allowed")
control(TLS, r"protocol|\w*_protocol", ladder(("https", "tls", "ssl", "grpcs", "wss", "http2s"),
                                              ("http", "tcp", "grpc", "ws")),
        "traffic no longer encrypted in transit")
# Client-certificate (mutual TLS) modes of any provider: MUTUAL → UNIDIRECTIONAL, verify → passthrough/off.
control(TLS, r"\w*(?:ssl|tls|mtls|cert|certificate|client_cert\w*|client_auth\w*|mutual\w*|client_validation)_?mode"
        r"|\w*mutual_authentication(?:\.mode)?|\w*verify_client\w*", ladder(
            ("mutual", "mtls", "mutual_tls", "two_way", "twoway", "bidirectional", "verify", "required", "require",
             "reject_invalid", "on"), ("optional", "optionalinteractiveuser", "passthrough", "optional_no_ca"),
            ("unidirectional", "one_way", "oneway", "server_only", "off", "none", "disabled", "ignore")),
        "client certificates (mutual TLS) no longer required")
control(TLS, r"\w*client_cert\w*_(?:enabled|required)|require_client_cert\w*", flag,
        "client certificates (mutual TLS) no longer required")
# An HTTP option of a serverless endpoint: plain HTTP allowed where it was redirected to HTTPS or refused.
control(TLS, r"\w*http_(?:option|options|policy|mode)", ladder(
    ("redirected", "redirect", "redirect_to_https", "redirect-to-https", "https_only", "https-only", "disabled"),
    ("enabled", "allowed", "allow", "allow_all", "allow-all")), "plain HTTP allowed (no longer redirected to HTTPS)")
control(TLS, r"viewer_protocol_policy", ladder(("https-only",), ("redirect-to-https",), ("allow-all",)),
        "viewers may use plain HTTP", create=Severity.MEDIUM, create_below=2)
control(TLS, r"origin_protocol_policy", ladder(("https-only",), ("match-viewer",), ("http-only",)),
        "traffic to the origin may be plain HTTP")
control(TLS, r"ssl|ssl_mode|sslmode", ladder(
    ("strict", "full_strict", "origin_pull", "trusted_client_certificate_required", "verify-full", "verify_identity"),
    ("full", "encrypted_only", "require", "required"),
    ("flexible", "allow_unencrypted_and_encrypted", "prefer", "allow"),
    ("off", "disable", "disabled")), "SSL mode weakened")
control(TLS, r"always_use_https|automatic_https_rewrites|\w*https?_redirect\w*|redirect_http_to_https|enforce_https"
        r"|force_https|require_https|\w*hsts\w*\.enabled", flag, "HTTPS no longer enforced")
control(TLS, r"redirect\.protocol", https_word, "the redirect to HTTPS is removed")
control(TLS, r"enable_non_ssl_port|non_ssl_port_enabled|allow_http|http_enabled|enable_http_port_access"
        r"|\w*insecure\w*|\w*skip_tls_verify|tls_skip_verify|allow_insecure\w*|\w*plaintext\w*", inverted,
        "plain-text or unverified connections allowed", create=Severity.MEDIUM)
control(TLS, r"client_broker|in_cluster_encryption|encryption_in_transit\.\w+",
        ladder(("tls",), ("tls_plaintext",), ("plaintext",)), "brokers accept plain text")
control(TLS, r"http_tokens", ladder(("required",), ("optional",)), "IMDSv2 no longer required",
        create=Severity.MEDIUM, create_below=2)
# Any provider's instance metadata service: session tokens (v2) no longer required, or legacy (v1) endpoints back on
# (GCE's `disable-legacy-endpoints` "true" → "false"): a request forged through the workload reads its credentials.
control(TLS, r"require\w*_session_tokens?|\w*session_tokens?_required|\w*imdsv2\w*|disable[-_]legacy[-_][\w-]*",
        flag, "metadata service v1 allowed (session tokens no longer required)")
control(TLS, r"enable_legacy_\w*(?:endpoints?|metadata)\w*|\w*legacy_(?:metadata_)?endpoints?_enabled", inverted,
        "metadata service v1 allowed (legacy endpoints on)")
control(TLS, r"profile", ladder(("restricted",), ("modern",), ("compatible",)), "SSL policy profile weakened",
        types=r"ssl_policy")
control(TLS, r"security_level|\w*https_requirement|secure_(?:level|mode)", requirement,
        "HTTPS no longer required on the route")
# What a serverless app does with plain HTTP (`http_option` redirected → enabled): served, not redirected.
control(TLS, r"http_option|\w*http_(?:mode|policy|handling)",
        ladder(("disabled", "redirected", "redirect", "https_only"), ("enabled", "allowed", "allow", "http_allowed")),
        "plain HTTP served instead of redirected to HTTPS")
control(TLS, r"ftps_state", ladder(("disabled", "ftpsonly"), ("allallowed",)), "plain FTP allowed")

# --- exposure -------------------------------------------------------------------------------------
control(PUBLIC, r"\w*publicly_accessible|is_public|public|publicly_readable|allow_unauthenticated\w*",
        inverted, "reachable by anyone", create=Severity.HIGH)
# Anyone may write or read the data itself (`public_write`, `public_read` on a collection, bucket or index): a write
# is notable even on a new resource; a new public-read one is a published data set, worth a look.
control(PUBLIC, r"public(?:ly)?_(?:write|writes|writable|writeable|upload|uploads|edit|modify|push|delete)\w*",
        inverted, "anyone may write", create=Severity.HIGH)
control(PUBLIC, r"public(?:ly)?_(?:read|reads|readable|list|download|downloads|view|source|access)",
        inverted, "anyone may read", create=Severity.MEDIUM)
control(PUBLIC, r"public_network_access(?:_enabled)?|map_public_ip_on_launch|associate_public_ip_address"
        r"|\w*public_access(?:_enabled)?|allow_\w*public\w*|endpoint_public_access|enable_public\w*"
        r"|public_ip_enabled|\w*anonymous\w*(?:enabled|access|allowed)|allow_anonymous\w*"
        r"|public_\w*(?:_enabled|_allowed)|\w*link_sharing\w*", inverted,
        "public access allowed")
control(PUBLIC, r"block_public_\w*|ignore_public_acls|restrict_public_buckets|enable_private_\w*|private|is_private"
        r"|private_cluster_enabled|internal|is_internal|private_endpoint_enabled", flag, "no longer private")
control(PUBLIC, r"proxied", flag, "the origin's address is exposed (no longer behind the proxy)")
control(PUBLIC, r"\w*visibility\w*|\w*privacy\w*", ladder(("private",), ("internal",), ("public",)),
        "visibility made public",
        create=Severity.MEDIUM, create_below=2)
control(PUBLIC, r"acl|predefined_acl|canned_acl|default_acl|object_acl|container_access_type|predefined_default_"
        r"object_acl", public_word, "public ACL", create=Severity.HIGH)
control(PUBLIC, r"group|groups|shared_accounts|restore_accounts|account_ids?|user_ids?|shared_with", everyone,
        "shared with everyone", types=r"permission|snapshot|_ami|image|share", create=Severity.HIGH)
# Authentication modes of any provider moving to none/anonymous/public/off: `authorization_type` AWS_IAM → NONE,
# `auth_mode` oidc → none, a route's `authorization.type` → ANONYMOUS, `vercel_authentication.deployment_type` → none.
control(PUBLIC, r"\w*auth(?:entication|orization)?_?(?:type|mode|method|scheme|level)|authentication|authorization"
        r"|\w*auth\w*\.\w*(?:type|mode|method|scheme)", authenticated, "the endpoint no longer requires auth")
# A service's one-word access mode of any platform (`access_policy` sso → public, `access_mode` private → anonymous).
control(PUBLIC, r"\w*access(?:_(?:policy|mode|level|control|setting))?|privacy|\w*_privacy", access_word,
        "anyone may now reach it")
# A default policy of any firewall or network ACL (`inbound_policy` DROP → ACCEPT), not an outbound one.
control(PUBLIC, r"(?!outbound|egress|outgoing|output)\w*default_(?:action|policy)"
        r"|\w*default_(?:inbound|ingress|incoming)_(?:action|policy)"
        r"|\w*(?:inbound|ingress|incoming|input)_(?:default_)?policy",
        ladder(("deny", "drop", "reject", "block", "denied"), ("allow", "accept", "permit", "allowed", "accepted")),
        "the network default now allows everyone",
        create=Severity.MEDIUM, create_below=2)
control(PUBLIC, r"object_ownership", ladder(("bucketownerenforced",), ("bucketownerpreferred", "objectwriter")),
        "object ACLs can grant access again")
control(PUBLIC, r"uniform_bucket_level_access|\w*uniform_access\w*|bucket_policy_only", flag,
        "per-object ACLs can grant access again")
control(PUBLIC, r"public_access_prevention", ladder(("enforced",), ("inherited", "unspecified")),
        "public access prevention lifted")
control(PUBLIC, r"ingress|ingress_settings", ladder(("ingress_traffic_internal_only", "allow_internal_only",
                                                    "internal-only", "internal"),
                                                   ("ingress_traffic_internal_load_balancer", "allow_internal_and_gclb",
                                                    "internal-and-cloud-load-balancing"),
                                                   ("ingress_traffic_all", "allow_all", "all")),
        "ingress opened to all traffic")
control(PUBLIC, r"load_balancing_scheme|scheme|\w*load-balancer-scheme|\w*load-balancer-type"
        r"|\w*(?:elb|lb|alb|nlb|load_balancer)_?scheme",
        ladder(("internal", "internal_managed", "internal_self_managed"),
               ("external", "external_managed", "internet-facing", "internet_facing", "public")),
        "made internet-facing")

# --- sign-in ---------------------------------------------------------------------------------------
# Basic-auth publishing credentials (FTP, WebDeploy, SCM of any app platform): a legacy deploy path, weaker when on
# (read before the line below, which would take `…_basic_authentication_enabled` for a sign-in requirement).
control(AUTH, r"\w*(?:publish|ftp|scm|webdeploy|deploy)\w*basic_auth\w*", inverted,
        "basic-auth publishing credentials allowed (a legacy deploy path)")
control(AUTH, r"\w*(?:mfa|two_factor|2fa|multi_factor|saml|sso)\w*\.(?:state|status|enabled|enforced|mode)"
        r"|\w*(?:mfa|two_factor|2fa|multi_factor)\w*|\w*(?:saml|sso)\w*_(?:enabled|enforced|required)|require_\w*(?:mfa|two_factor|sso)|enforce_sso"
        r"|sso_\w*(?:required|enforced)|\w*sso_enforce\w*|\w*authentication_enabled|auth_enabled"
        r"|require_authentication|enable_authentication|\w*authentication_required|requires?_auth|\w*auth_required"
        r"|(?:auth|authentication|security|\w+_auth)\.(?:enabled|required|enforced)", flag,
        "a sign-in requirement turned off")
control(AUTH, r"read_only|readonly|read_only_access|is_read_only", flag,
        "a read-only credential or grant can now write", types=r"key|token|credential|deploy|access|grant|user")
control(AUTH, r"\w*rbac\w*|role_based_access_control\w*|local_account_disabled|\w*authori[sz]ation_enabled", flag,
        "access control turned off")
control(AUTH, r"\w*authori[sz](?:ation|er)_?modes?|\w*authori[sz]ers?|authz_modes?", allow_all,
        "the API server authorizes every request (AlwaysAllow)")
# A site's password gate (basic auth on a branch, preview or static site of any hosting platform) switched off: its
# pages open to anyone. On an API server or cluster basic auth is a legacy sign-in path instead (the next line).
SITES = (r"(?:^|_)(?:amplify|branch|site|sites|pages|preview|deployment|static|web|webapp|frontend|hosting|project)"
         r"(?:_|$)")
control(AUTH, r"enable_basic_auth|\w*basic_auth_enabled|\w*basic_auth\w*\.enabled|\w*password_protection\w*"
        r"(?:\.enabled)?", flag, "the site's password gate (basic auth) is off: anyone may open it", types=SITES)
control(AUTH, r"\w*password_protection\w*\.\w+", present, "the site's password gate is removed", types=SITES)
control(AUTH, r"enable_legacy_abac|legacy_abac\w*|\w*basic_auth\w*|issue_client_certificate", inverted,
        "legacy or basic authentication allowed")
# What an app's built-in sign-in does with callers who are not signed in (`unauthenticated_action` → AllowAnonymous).
control(AUTH, r"\w*unauthenticated_(?:client_)?action", authenticated, "unauthenticated callers are let through")
# Client certificates (mutual TLS) of any app platform or listener: no longer required, or switched off.
control(AUTH, r"\w*client_cert\w*_(?:mode|requirement|policy)|\w*mtls_mode|\w*client_auth\w*_mode", requirement,
        "client certificates no longer required")
control(AUTH, r"\w*client_cert\w*_(?:enabled|required)|require_client_cert\w*|\w*mtls_enabled", flag,
        "client certificates no longer required")
# A remote debugger attached to a running app (any platform): a door into the process, fine on a dev slot.
control(AUTH, r"\w*remote_debug\w*_enabled|enable_remote_debug\w*", inverted, "a remote debugger may attach",
        outside_production=Severity.MEDIUM)
# A negated switch on an access check (`invoker_iam_disabled`, `disable_authentication`): true turns the check off.
# Not a legacy, local, basic or key sign-in path (`local_auth_disabled`): disabling that one is the stronger side.
CHECKS = r"(?:iam|auth|authn|authz|authentication|authorization|access_checks?|signin|sign_in|login)"
control(AUTH, rf"(?!\w*(?:legacy|local|basic|anonymous|shared|password|key_based))(?:\w*_)?{CHECKS}(?:_checks?)?"
        rf"_disabled|disable_(?!\w*(?:legacy|local|basic|anonymous|shared|password))(?:\w*_)?{CHECKS}(?:_checks?)?",
        inverted, "an access check is switched off (a negated switch set to true)")
# A route's or handler's requirements (App Engine `login`, `security_level`; any platform): required → optional.
control(AUTH, r"login|\w*login_(?:required|requirement|policy|level|mode)|require_login|auth_requirement",
        requirement, "sign-in no longer required on the route")
control(AUTH, r"minimum_password_length|\w*password\w*min\w*length|min_length|minimum_length", count,
        "shorter passwords allowed", types=r"password|auth|identity|user_pool|directory", above_zero=Severity.HIGH)
control(AUTH, r"require_(?:symbols|numbers|uppercase\w*|lowercase\w*|digits|special\w*)", flag,
        "password policy weakened", types=r"password|auth|identity|user_pool|directory")
FACTORS = r"(?:^|_)(?:mfa|factor|factors|guardian|two_factor|2fa|sso|saml|authenticator|authenticators)(?:_|$)"
control(AUTH, r"active|enabled|status|state", flag, "a sign-in factor turned off", types=FACTORS)
control(AUTH, r"policy|policies|enforcement", ladder(("all-applications", "always", "required", "enforced"),
                                                    ("confidence-score", "adaptive", "optional"),
                                                    ("never", "off", "disabled")),
        "MFA no longer required", types=FACTORS)
# An access policy that enforces sign-in (conditional access, sign-on, authentication policy) switched to report-only
# or off: whatever its grant controls required (MFA, compliant device) is no longer enforced.
ENFORCING_POLICIES = r"conditional_access|(?:^|_)(?:sign_?on|authentication|auth|login|session|access)_polic(?:y|ies)"
control(AUTH, r"state|status|enabled|mode", ladder(("enabled", "on", "active", "enforced", "enforce"),
                                                  ("enabledforreportingbutnotenforced", "report_only", "reportonly",
                                                   "audit", "evaluate"),
                                                  ("disabled", "off", "inactive")),
        "an enforcing access policy switched to report-only or off", types=ENFORCING_POLICIES)
# Sign-in protections of any provider (brute-force lockout, breached-password detection, captcha) switched off,
# and password strength ladders (Auth0's excellent > good > fair > low > none) lowered.
control(AUTH, r"(?!disable)\w*(?:brute_?force|lockout|breached_password|credential_stuffing|captcha|suspicious_ip)"
        r"\w*(?:\.(?:enabled|enable|state|status|mode))?", flag, "a sign-in protection (brute force, lockout, "
        "breached passwords, captcha) turned off")
control(AUTH, r"password_(?:policy|strength|complexity)", ladder(
    ("excellent", "very_strong", "strongest"), ("good", "strong"), ("fair", "medium", "moderate"),
    ("low", "weak", "basic"), ("none", "off", "disabled")), "password policy weakened")
control(AUTH, r"mfa_configuration", ladder(("on",), ("optional",), ("off",)), "MFA no longer required")
control(AUTH, r"collaborator_auth_policy", ladder(("two_factor_mandatory",), ("password",)),
        "two-factor sign-in no longer mandatory")
control(AUTH, r"allow_unauthenticated_identities|(?!\w*disabled)\w*anonymous_auth(?:entication)?(?:_enabled)?"
        r"|local_auth_enabled"
        r"|shared_access_key_enabled|allow_shared_key\w*|\w*key_based_auth\w*", inverted,
        "unauthenticated or local sign-in allowed")

# --- stopping a service by update -------------------------------------------------------------------
# Serverless autoscaling minimums at 0 let a service scale to zero when idle: worth a look, not an outage.
# A minimum of 0 only allows zero (desired or maximum 0 forces it).
control(ZERO, r"min_instance_count|min_instances|min_replicas|min_capacity|min_node_count|total_min_node_count"
        r"|min_size|min_count", count, "allowed to scale to zero", severity=Severity.MEDIUM)
control(ZERO, r"replicas|replica_?count|instances|desired_count|desired_capacity|desired_size|min_size|max_size"
        r"|min_capacity|max_capacity|\w*node_count|num_nodes|instance_count|min_instances|max_instances|\w*instance_count"
        r"|target_size|worker_count|min_replicas|max_replicas|num_instances|number_of_nodes|cluster_size"
        r"|shard_count|num_cache_nodes|task_count|capacity", count, "scaled to zero",
        outside_production=Severity.MEDIUM)  # a dev or staging pool stopped at night is routine
control(ZERO, r"reserved_concurrent_executions|\w*concurrency\w*|throttling_(?:burst|rate)_limit|rate_limit"
        r"|burst_limit", capacity, "no request gets through")
# Archiving is reversible and removes no capacity or data: worth a line, not a close review.
control(ZERO, r"archived|is_archived", inverted, "archived: it becomes read-only (reversible; nothing is removed)",
        severity=Severity.LOW)
control(ZERO, r"enabled|is_enabled|active", flag, "the service is disabled",
        types=r"^(?!.*_keys?$)(?:.*_)?(?:distribution|cdn|frontdoor|front_door|lb|alb|elb|load_balancer|listener|api"
              r"|gateway|endpoint|service|function|app|web_app|site|event_source_mapping|trigger|stage)(?:_|$)")

# --- availability ------------------------------------------------------------------------------------
control(AVAILABILITY, r"multi_az|automatic_failover_enabled|zone_redundan\w*|\w*high_availability\w*(?:\.enabled)?"
        r"|cross_zone_load_balancing|enable_cross_zone_load_balancing", flag, "high availability turned off")
control(AVAILABILITY, r"high_availability\.\w+|\w*zone_redundan\w*|replica_zones?", present,
        "high availability turned off")
control(AVAILABILITY, r"availability_type|high_availability\.mode|ha_mode",
        ladder(("regional", "zoneredundant", "zone_redundant"), ("zonal", "samezone", "same_zone", "disabled")),
        "high availability turned off")

# --- last: any security-named setting moved to a value that says off, for names the lines above miss -----
control(ENCRYPTION, r"\w*encrypt\w*", off_word, "encryption turned off")
control(PUBLIC, r"\w*public_access\w*(?:\.\w+)?", on_word, "public access turned on")
# Inside a security block, a setting whose true is the weak side (`security_context.privileged`) is not a guard.
WEAK_WHEN_ON = r"(?:privileged|allow\w*|\w*escalation\w*|run_as_root|host_\w*|insecure\w*|disable\w*|skip\w*|bypass\w*)"
control(DETECTION, r"\w*(?:security|waf|firewall|scan|scanning|audit|guard|shield|defender|threat|detect|detection"
        rf"|inspection|malware|vulnerab)\w*(?:\.(?!{WEAK_WHEN_ON}\Z)\w+)?", off_word, "a security setting turned off")
# A mesh that refuses permissive (plaintext-accepting) mTLS: allowing it lets peers in unauthenticated.
control(TLS, r"\w*allow\w*permissive_?(?:mutual_?tls|mtls)\w*", inverted,
        "permissive (plaintext-accepting) mutual TLS may be enabled")
# TLS turned off in a status or action enum (`ssl_action` Open → Close, `tls_status` Enabled → Disabled).
control(TLS, r"\w*(?:ssl|tls)_(?:action|status|state|switch)", switch, "TLS turned off: traffic in plain text")
control(TLS, r"\w*(?:ssl|tls|https)\w*(?:\.\w+)?|\w*verify\w*(?:cert|ssl|tls|peer|host)\w*"
        r"|\w*(?:cert|certificate)\w*(?:check|verif|valid)\w*", off_word, "TLS or certificate checks turned off")
control(PUBLIC, r"\w*endpoint_types?|endpoint_configuration\.types|\w*access_type|network_access\w*"
        r"|\w*exposure\w*|ingress_type|listen_type|\w*network_mode|connectivity_type", exposure_word,
        "reachable from the internet")
control(PUBLIC, r"\w*internet_access\w*|\w*internet_facing\w*|internet_enabled|allow_internet\w*|\w*external_enabled"
        r"|is_external|allow_external_(?:access|traffic|ingress)|(?:allocate|assign|attach|bind)_\w*public_ip\w*",
        inverted, "internet access turned on")
# A public endpoint's switch of any spelling: numeric (`internet_service` 0 → 1) or a word (`wan_status` Closed → Open).
control(PUBLIC, r"\w*(?:internet|wan|extranet)_(?:service|endpoint|switch|enabled|connection|status|state)", unswitch,
        "a public internet endpoint opened")
control(PUBLIC, r"\w*access_config\w*\.\w+|public_ip_address_id|public_ip_prefix_id", absent,
        "an external IP address is attached")
control(AUTH, r"root_access|allow_root\w*|\w*root_login\w*|permit_root_login", inverted, "root access allowed")
# Settings that let tenants inject configuration or code into a shared component (ingress snippets, unsafe sysctls).
control(AUTH, r"\w*allow_?snippet\w*|\w*snippet_?annotations?|\w*allow_?unsafe\w*|\w*unsafe_?(?:sysctls?|snippets?)",
        inverted, "tenants may inject configuration or code (snippets, unsafe settings)")
control(AUTH, r"\w*annotations[-_]?risk[-_]?level", ladder(("low",), ("medium",), ("high",), ("critical",)),
        "riskier annotations accepted from tenants")
control(DETECTION, r"pod-security\.kubernetes\.io/(?:enforce|audit|warn)",
        ladder(("restricted",), ("baseline",), ("privileged",)), "pod security admission relaxed")
control(ZERO, r"state|status|power_state|desired_state|desired_status|instance_state",
        ladder(("running", "started", "active", "on", "enabled", "live", "provisioned"),
               ("stopped", "stopping", "off", "paused", "suspended", "terminated", "deallocated", "shutdown")),
        "the machine or service is stopped",
        types=r"(?:^|_)(?:instance|instances|vm|virtual_machine|server|droplet|compute|database|db|cluster|app|job"
              r"|instance_state|workspace|notebook)(?:_|$)")
control(ZERO, r"(?:task_groups?|groups?|node_pools?|pools?|workers?|replica\w*|deployments?)\.count", count,
        "scaled to zero")
control(DETECTION, r"desync_mitigation_mode", ladder(("strictest",), ("defensive",), ("monitor",)),
        "HTTP desync protection relaxed")
control(DETECTION, r"drop_invalid_header_fields|\w*header\w*validation\w*", flag, "invalid HTTP headers pass through")
