"""The security-controls vocabulary (risk rules stage), the last lines: any security-named setting moved to a value that
says off, for names the lines before miss.

Lines that controls.py applies to every resource type, registered in the order vocabulary/__init__.py imports
this package's modules: for one attribute, the first line that reads both values decides.
"""

from __future__ import annotations

from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.protection import ENCRYPTION
from tfreview.pipeline.rules.strengths import (
        absent,
        count,
        exposure_word,
        flag,
        inverted,
        ladder,
        off_word,
        on_word,
        switch,
        unswitch,
)
from tfreview.pipeline.rules.vocabulary.schemas import LEGACY
from tfreview.pipeline.rules.vocabulary.terms import AUTH, DETECTION, PUBLIC, TLS, ZERO

# --- last: any security-named setting moved to a value that says off, for names the lines above miss -----
control(ENCRYPTION, r"\w*encrypt\w*", off_word, "encryption turned off")
control(PUBLIC, r"\w*public_access\w*(?:\.\w+)?", on_word, "public access turned on")
# Inside a security block, a setting whose true is the weak side (`security_context.privileged`,
# `advanced_security_options.anonymous_auth_enabled`) is not a guard.
# Nor a legacy protocol's or weak cipher's switch (`security.frontend_tls10_enabled`): schemas.py reads those.
WEAK_WHEN_ON = (r"(?:privileged|allow\w*|\w*escalation\w*|run_as_root|host_\w*|insecure\w*|disable\w*|skip\w*"
                r"|bypass\w*|\w*anonymous\w*|\w*unauthenticated\w*|\w*public\w*|guest\w*|permissive\w*"
                rf"|{LEGACY})")
# Runtime security agents by name (Falco and the sidekick that forwards its alerts, Wazuh, Tetragon, Tracee,
# KubeArmor, NeuVector, osquery, OSSEC, auditd): their switches are detection's too.
RUNTIME_SENSORS = r"falco|wazuh|tetragon|tracee|kubearmor|neuvector|osquery|ossec|auditd"
control(DETECTION, r"\w*(?:security|waf|firewall|scan|scanning|audit|guard|shield|defender|threat|detect|detection"
        rf"|inspection|malware|vulnerab|{RUNTIME_SENSORS})\w*(?:\.(?!{WEAK_WHEN_ON}\Z)\w+)?", off_word,
        "a security setting turned off")
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
# A guard named for what it refuses (`deny_null_bind`, `reject_unsigned_*`, `block_anonymous_*`, `forbid_*`):
# switched off, what it refused gets in (an LDAP bind with no password signs in as anyone).
control(AUTH, r"(?:deny|reject|refuse|forbid|disallow|prevent)_\w+", flag,
        "a guard that refused something is switched off (what it refused gets in)", generic=True)
# Settings that let tenants inject configuration or code into a shared component (ingress snippets, unsafe sysctls).
control(AUTH, r"[\w-]*allow[_-]?snippet[\w-]*|[\w-]*snippet[_-]?annotations?|\w*allow_?unsafe\w*"
        r"|\w*unsafe_?(?:sysctls?|snippets?)",
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
# A requirement of an access or verification policy switched off (`require_owner_confirmation`,
# `require_verified_licence`, `enforce_booking_window` on an unlock policy; any policy's `require_…`): what it asked
# of every request before access is no longer asked. Names the lines above read (MFA, signatures, approvals) decide
# first.
control(AUTH, r"require_\w+|requires_\w+|enforce_\w+", flag, "a requirement of the access policy is switched off",
        types=r"(?:^|_)(?:polic(?:y|ies)|access|unlock|auth\w*|sign_?in|login|verification|verify|admission)(?:_|$)")
