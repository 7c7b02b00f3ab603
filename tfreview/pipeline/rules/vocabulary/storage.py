"""The security-controls vocabulary (risk rules stage), destroy guards, encryption, versioning, backups and retention.

Lines that controls.py applies to every resource type, registered in the order vocabulary/__init__.py imports
this package's modules: for one attribute, the first line that reads both values decides.
"""

from __future__ import annotations

from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.protection import ENCRYPTION, PROTECTION, VERSIONING
from tfreview.pipeline.rules.retention import BACKUP, PERSISTENCE
from tfreview.pipeline.rules.strengths import count, everyone, flag, inverted, ladder, off_word, present
from tfreview.pipeline.rules.workloads import UNMASKED

# --- destroy guards -----------------------------------------------------------------------------------
control(PROTECTION, r"\w*(?:deletion|termination|delete|destroy)_protection(?:_enabled)?|enable_\w*_protection"
        r"|prevent_(?:destroy|deletion)\w*|disable_api_termination|protect_from_deletion|deletion_prevention",
        flag, "deletion protection turned off")
# What a destroy does, read by its verb: a switch that KEEPS something when the object is destroyed (archive, retain,
# snapshot, abandon on destroy) protects while on; one that deletes or purges on destroy weakens while on.
KEPT_ON_DESTROY = (r"(?!skip_|no_|disable_|without_)\w*?(?:archive|keep|retain|preserve|snapshot|backup|abandon"
                   r"|detach|orphan)\w*_on_(?:destroy|delete|deletion)")
control(PROTECTION, KEPT_ON_DESTROY, flag, "a destroy no longer keeps the object (archive or retain on destroy "
        "turned off)")
control(PROTECTION, r"force_destroy|force_delete\w*|skip_final_snapshot|delete_automated_backups"
        r"|allow_(?:force_)?(?:destroy|delete|deletion)s?|allows_deletions|allows_force_pushes"
        r"|delete_\w*on_(?!merge\Z)\w+|(?!" + KEPT_ON_DESTROY + r"\Z)\w*_on_destroy|purge_on_delete",
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
# Who may approve their own change: the person who queued a release or submitted a pull request
# (`requester_can_approve`, `submitter_can_vote`, `merge_requests_author_approval`, `allow_self_approval`) — one
# person can then ship alone; and a merge policy made advisory (`blocking` true → false: it no longer stops a merge).
control(PROTECTION, r"(?:requester|submitter|author|creator|committer|pusher)s?_(?:can_)?(?:approve|approval|vote)\w*"
        r"|merge_requests_author_approval|allow_(?:self|author|requester)_(?:approv|review)\w*", inverted,
        "the author may now approve their own change (one person can ship alone)",
        types=VCS_RULES + r"|check|environment|deployment|release|gate")
control(PROTECTION, r"prevent_self_review|disable_committers_approval|merge_requests_disable_committers_approval"
        r"|reset_approvals_on_push|require_last_push_approval", flag,
        "the author may now approve their own change (one person can ship alone)",
        types=VCS_RULES + r"|check|environment|deployment|release|gate")
control(PROTECTION, r"blocking|is_blocking", flag, "the merge policy no longer blocks (it only advises)",
        types=r"branch_policy|branch_protection|git_policy|repository_policy|ruleset")
# After the count line: a count that drops to 0 is read as fewer approvals; one that is removed, as reviews removed.
control(PROTECTION, r"required_approving_review_count|required_pull_request_reviews", present,
        "required reviews removed", types=r"branch_protection|ruleset")
# An approval gate on changes of any kind of resource (a feature-flag environment's `approval_settings.required`)
control(PROTECTION, r"\w*approvals?\w*\.(?:required|enabled|is_enabled)", flag,
        "approvals required for changes turned off", outside_production=Severity.MEDIUM)
# An integration's or key's holder now allowed to change the service's own configuration (an alerting integration
# whose API key may edit teams, schedules and other integrations).
control("iam-privileged-role", r"allow_(?:configuration|config|admin|administration|management)_access", inverted,
        "the integration's key may now change the service's configuration", create=Severity.HIGH)
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
# Full-disk encryption a device-compliance or endpoint profile requires (BitLocker, FileVault, any
# `*_encryption_required` of a device, disk or volume): off, unencrypted laptops count as compliant and pass
# "require a compliant device".
control(ENCRYPTION, r"\w*(?:bitlocker|filevault|file_vault)\w*|(?:require|enforce)_\w*(?:disk|device|volume|storage)_"
        r"?encryption|\w*(?:disk|device|volume|storage)_?encryption_(?:required|enforced)", flag,
        "device disk encryption is no longer required")
control(ENCRYPTION, r"\w*encrypt\w*(?:\.enabled)?|https_only|\w*https_traffic_only\w*|require_ssl|enforce_ssl"
        r"|ssl_enforcement(?:_enabled)?|require_secure_transport|\w*force_ssl|sse_enabled|enable_ssl|\w*sse\w*\.enabled"
        r"|\w*(?:p2pe|e2ee|e2e_encryption|end_to_end_encryption)\w*",
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
# A value's own secret flag (`secret`, `is_sensitive`) turned off: it is then stored and shown in clear text.
control(UNMASKED, r"(?:is_)?secret", flag,
        "a value no longer marked secret: it is stored and shown in clear text")
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
control(BACKUP, r"\w*(?:retention|retained)\w*(?:\.\w+)?(?:days|period|count|hours|limit|backups|seconds|duration"
        r"|weeks|months|years)"
        r"|\w*backup\w*(?:days|period|count|hours|limit)|snapshot_retention_limit|\w*retention\w*\.days"
        r"|retention_days", count, "backups or retention cut", above_zero=Severity.MEDIUM,
        collapsed=Severity.HIGH)
# A snapshot or backup policy of any provider set to its null word (`snapshot_policy` default → none): the scheduled
# copies users restore from stop. Another named policy (daily → hourly) is not judged.
control(BACKUP, r"\w*(?:snapshot|backup)_(?:polic(?:y|ies)|schedules?|plan)(?:_name)?", off_word,
        "scheduled snapshots or backups turned off (the policy says none)")
# What a copy or sync does with files deleted at its source: kept at the destination (an archive) → removed there
# too, so a deletion or ransomware at the source also empties the copy.
control(BACKUP, r"(?:preserve|keep|retain)_deleted\w*|\w*deleted_(?:files|objects|items)(?:_mode|_policy|_action)?"
        r"|\w*(?:source_)?deletions?_(?:mode|policy|handling|behaviou?r|action)",
        ladder(("preserve", "keep", "retain", "archive", "ignore", "skip", "never"),
               ("remove", "delete", "purge", "mirror", "propagate", "sync", "always")),
        "files deleted at the source are now deleted from the copy too")
# Persistence of a workload's data (not a load balancer's session persistence, which only pins clients).
control(PERSISTENCE, r"(?!\w*session)\w*persisten\w*\.enabled|(?!\w*session)\w*persisten\w*_enabled"
        r"|enable_(?!\w*session)\w*persisten\w*", flag, "persistence turned off: the data is lost on restart")
