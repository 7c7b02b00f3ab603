"""The security-controls vocabulary (risk rules stage), sign-in, services stopped by an update, availability.

Lines that controls.py applies to every resource type, registered in the order vocabulary/__init__.py imports
this package's modules: for one attribute, the first line that reads both values decides.
"""

from __future__ import annotations

from typing import Any

from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.common import known
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.strengths import (
        allow_all,
        authenticated,
        capacity,
        count,
        flag,
        inverted,
        ladder,
        present,
        requirement,
)
from tfreview.pipeline.rules.values import number
from tfreview.pipeline.rules.vocabulary.terms import AUTH, AVAILABILITY, ZERO

ALL_WORDS = frozenset({"all", "allusers", "all_users", "everyone", "any", "*"})


def lockout(value: Any) -> float | None:
    """0 for a lockout threshold of 0 or less (no lockout), 1 for any positive threshold."""
    amount = number(value)
    return None if amount is None else float(amount > 0)


def everything(value: Any) -> float | None:
    """1 for a scope list holding All, 0 for one of only named members, None for anything else."""
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(item, str) and known(item) for item in items):
        return None
    return 1.0 if any(item.strip().lower() in ALL_WORDS for item in items) else 0.0


# --- sign-in ---------------------------------------------------------------------------------------
# Basic-auth publishing credentials (FTP, WebDeploy, SCM of any app platform): a legacy deploy path, weaker when on
# (read before the line below, which would take `…_basic_authentication_enabled` for a sign-in requirement).
control(AUTH, r"\w*(?:publish|ftp|scm|webdeploy|deploy)\w*basic_auth\w*", inverted,
        "basic-auth publishing credentials allowed (a legacy deploy path)")
# A second factor remembered on the device, or skipped for a while: on, the prompt stops coming (read before the line
# below, which would take `mfa_remember_device` for the factor itself).
control(AUTH, r"\w*(?:remember|skip|bypass)\w*(?:device|browser|factor|mfa)\w*"
        r"|\w*(?:mfa|factor)\w*(?:remember|skip)\w*", inverted,
        "the second factor is remembered or skipped: the prompt stops coming")
control(AUTH, r"\w*(?:mfa|two_factor|2fa|multi_factor|saml|sso)\w*\.(?:state|status|enabled|enforced|mode)"
        r"|\w*(?:mfa|two_factor|2fa|multi_factor)\w*|\w*(?:saml|sso)\w*_(?:enabled|enforced|required)|require_\w*(?:mfa|two_factor|sso)|enforce_sso"
        r"|sso_\w*(?:required|enforced)|\w*sso_enforce\w*|(?!local_)\w*authentication_enabled|auth_enabled"
        r"|require_authentication|enable_authentication|\w*authentication_required|requires?_auth|\w*auth_required"
        r"|(?:auth|authentication|security|\w+_auth)\.(?:enabled|required|enforced)", flag,
        "a sign-in requirement turned off")
control(AUTH, r"read_only|readonly|read_only_access|is_read_only", flag,
        "a read-only credential, grant or storage location can now write",
        types=r"key|token|credential|deploy|access|grant|user|location|mount|share|volume|export|connection",
        qualifies_entry=True)
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
# Client certificates (mutual TLS) of any app platform or listener: no longer required, or switched off. A mode held
# in a client-auth block (`client_auth { mode = "mtls" }`) ranks verified certificates over optional over passed
# through unchecked (the origin no longer authenticates its callers).
control(AUTH, r"\w*client_auth\w*\.mode|\w*mtls\w*\.mode|\w*client_cert\w*\.mode",
        ladder(("mtls", "mutual_tls", "strict", "require", "required", "verify", "on"),
               ("optional", "optional_no_ca", "request", "permissive"),
               ("passthrough", "pass_through", "none", "off", "disabled", "ignore", "allow")),
        "client certificates no longer verified")
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
# A lockout threshold (`password_max_lockout_attempts`, `lockout_threshold`, `max_failed_login_attempts`) of 0 means
# no lockout: unlimited guessing. A lower positive threshold is stricter, not weaker (read before the lines below).
LOCKOUT_LIMITS = (r"\w*lockout_(?:threshold|attempts|count)\w*|\w*max_lockout_attempts"
                  r"|max_(?:failed_)?(?:login|sign_?in|password|logon)_attempts\w*")
control(AUTH, LOCKOUT_LIMITS, lockout, "failed sign-ins no longer lock the account (a threshold of 0 is no lockout)")
# A directory trust's selective authentication (AD forest trusts, AWS Managed AD, Entra Domain Services): off, every
# account of the trusted forest may authenticate to every machine of ours, not only those granted to it.
control(AUTH, r"selective_auth\w*", flag, "every account of the trusted forest may now authenticate here "
        "(selective authentication off)")
# How a sign-in policy combines the controls it requires (a conditional access policy's grant operator): AND → OR,
# any one of them (a second factor, a compliant device) now suffices.
control(AUTH, r"\w*grant_controls?\.operator|\w*(?:grant|requirement)s?_(?:controls?_)?operator", ladder(
    ("and", "all", "require_all"), ("or", "any", "require_one")), "any one of the required controls now suffices")
# What an enforcing sign-in policy applies to (`included_applications`, `included_users` of a conditional access
# policy): from All to a named subset, every other app or user no longer gets its requirement.
control(AUTH, r"includ(?:ed|e)_(?:applications|apps|users|groups|roles|platforms|locations|client_app_types)",
        everything, "what the sign-in policy applies to is narrowed from all to a subset (the rest lose it)",
        types=ENFORCING_POLICIES)
# Sign-in protections of any provider (brute-force lockout, breached-password detection, captcha) switched off,
# and password strength ladders (Auth0's excellent > good > fair > low > none) lowered.
control(AUTH, r"(?!disable)\w*(?:brute_?force|lockout|breached_password|credential_stuffing|captcha|suspicious_ip)"
        r"\w*(?:\.(?:enabled|enable|state|status|mode))?", flag, "a sign-in protection (brute force, lockout, "
        "breached passwords, captcha) turned off")
control(AUTH, r"password_(?:policy|strength|complexity)", ladder(
    ("excellent", "very_strong", "strongest"), ("good", "strong"), ("fair", "medium", "moderate"),
    ("low", "weak", "basic"), ("none", "off", "disabled")), "password policy weakened")
control(AUTH, r"mfa_configuration", ladder(("on",), ("optional",), ("off",)), "MFA no longer required")
# Whose access a search index or data service filters results by: a verified user token (USER_TOKEN, JWT) is
# enforced; attributes the caller passes with each query (ATTRIBUTE_FILTER) are whatever the caller claims.
control(AUTH, r"\w*user_context(?:_policy|_mode)?|\w*(?:acl|access)_filter(?:ing)?_mode",
        ladder(("user_token", "token", "jwt", "verified_token", "identity_token"),
               ("attribute_filter", "attributes", "caller_attributes", "none", "off", "disabled")),
        "per-user access filtering now trusts attributes the caller supplies, not a verified user token")
control(AUTH, r"collaborator_auth_policy", ladder(("two_factor_mandatory",), ("password",)),
        "two-factor sign-in no longer mandatory")
control(AUTH, r"allow_unauthenticated_identities|(?!\w*disabled)\w*anonymous_auth(?:entication)?(?:_enabled)?"
        r"|local_auth(?:entication)?_enabled"
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
        r"|shard_count|num_cache_nodes|task_count|capacity"
        # any provider's bounds on what it runs (`min_servers`, `max_hosts`, `desired_workers`)
        r"|(?:min|max|desired|target)_(?:servers?|hosts?|machines?|vms?|nodes?|workers?|pods?|tasks?|containers?"
        r"|units?|members?|game_?servers?)", count, "scaled to zero",
        outside_production=Severity.MEDIUM)  # a dev or staging pool stopped at night is routine
control(ZERO, r"reserved_concurrent_executions|\w*concurrency\w*|throttling_(?:burst|rate)_limit|rate_limit"
        r"|burst_limit", capacity, "no request gets through")
# Archiving is reversible and removes no capacity or data: worth a line, not a close review.
control(ZERO, r"archived|is_archived", inverted, "archived: it becomes read-only (reversible; nothing is removed)",
        severity=Severity.LOW)
control(ZERO, r"enabled|is_enabled|active", flag, "the service is disabled",
        types=r"^(?!.*_keys?$)(?:.*_)?(?:distribution|cdn|frontdoor|front_door|lb|alb|elb|load_balancer|listener|api"
              r"|gateway|endpoint|service|function|app|web_app|site|event_source_mapping|trigger|stage)(?:_|$)")

# A network link's own switch (a BGP session, a tunnel, a circuit): off, every route over it goes.
control(AVAILABILITY, r"enable|enabled|is_enabled|admin_enabled|bgp_enabled", flag,
        "a network link is switched off: every route over it goes",
        types=r"(?:^|_)(?:router_peer|bgp_\w+|bgp|vpn_tunnel|tunnel|interconnect_attachment|virtual_circuit"
              r"|vpn_connection|direct_connect\w*)(?:_|$)")

# --- availability ------------------------------------------------------------------------------------
control(AVAILABILITY, r"multi_az|automatic_failover_enabled|zone_redundan\w*|\w*high_availability\w*(?:\.enabled)?"
        r"|cross_zone_load_balancing|enable_cross_zone_load_balancing|ha_enabled|enable_ha|\w*_ha_enabled"
        r"|(?:auto_)?failover_enabled|enable_(?:auto_)?failover", flag, "high availability turned off")
control(AVAILABILITY, r"high_availability\.\w+|\w*zone_redundan\w*|replica_zones?", present,
        "high availability turned off")
control(AVAILABILITY, r"availability_type|high_availability\.mode|ha_mode",
        ladder(("regional", "zoneredundant", "zone_redundant"), ("zonal", "samezone", "same_zone", "disabled")),
        "high availability turned off")
# Where stored data is copied (Azure's `account_replication_type`, a backup vault's or SQL backup's redundancy):
# fewer places means a region or a datacentre lost takes the only copy with it.
control(AVAILABILITY, r"account_replication_type|replication_type|\w*redundancy|storage_mode_type"
        r"|backup_storage_redundancy|storage_account_type",
        ladder(("gzrs", "ragzrs", "ra_gzrs", "geozone", "geozoneredundant"),
               ("grs", "ragrs", "ra_grs", "geo", "georedundant"), ("zrs", "zone", "zoneredundant"),
               ("lrs", "local", "locallyredundant")),
        "stored data kept in fewer places", outside_production=Severity.MEDIUM)  # a dev account's copies cut for cost
