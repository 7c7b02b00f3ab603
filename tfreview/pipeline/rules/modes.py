"""The security-controls vocabulary, ordered modes (risk rules stage): enum settings of any provider ranked by
strength — sign-in factor counts, audit and logging modes, private-or-not visibility, enforcement
(block > detect > off), strictness levels, alert urgency — and sharing flags.

controls.py applies these like vocabulary.py's lines; they run after it, so a line there that reads both values
decides first.
"""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.common import known
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.retention import LOGGING
from tfreview.pipeline.rules.strengths import count, inverted, ladder, schedule, switch, unswitch
from tfreview.pipeline.rules.vocabulary import AUTH, DETECTION, KEY, KEYS, PUBLIC, WATCHERS

_FACTORS = lazy_compile(r"(\d+)\s*(?:fa|factors?|mfa)\b")
MULTI = {"mfa", "multi_factor", "multifactor", "two_factor", "2fa", "required", "always", "enforced"}
SINGLE = {"password", "password_only", "single_factor", "singlefactor", "1fa", "none", "off", "disabled", "optional",
          "never"}


def factor_count(value: Any) -> float | None:
    """How many sign-in factors a mode asks for: `2FA` → 2, `1FA` → 1, a number as is; None when not said."""
    if isinstance(value, bool) or not known(value):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().lower()
    if match := _FACTORS.fullmatch(text):
        return float(match.group(1))
    return 2 if text in MULTI else 1 if text in SINGLE else None


_CAMEL = lazy_compile(r"(?<=[a-z0-9])(?=[A-Z])|[^A-Za-z0-9]+")
PRIVATE_WORDS = {"private", "internal", "none", "off", "disabled", "closed", "restricted", "nopublicaccess",
                 "noaccess", "deny", "denied", "blocked"}


def _words(text: str) -> list[str]:
    return [w.lower() for w in _CAMEL.split(text) if w]


def private_word(value: Any) -> float | None:
    """1 when an access or visibility value says private (`private`, `internal`, `NoPublicAccess`, `none`), 0 for
    any other known word: private → anything else is exposure even when the new word is not `public`."""
    if not isinstance(value, str) or not known(value) or not value.strip():
        return None
    words = _words(value)
    said_no = words[:1] == ["no"] and "public" in words
    return 1 if said_no or PRIVATE_WORDS & set(words) or "".join(words) in PRIVATE_WORDS else 0


AUDIT_MODES = ladder(("immutable", "locked", "compliance", "tamper_proof"),
                     ("strict", "enforced", "enforce", "full", "all", "required", "guaranteed", "blocking"),
                     ("best_effort", "besteffort", "permissive", "partial", "sampled", "minimal", "non_blocking",
                      "nonblocking", "errors_only", "async"),
                     ("off", "none", "disabled", "disable"))

# Sign-in: the number of factors a policy asks for drops (`factor_mode` 2FA → 1FA, `mfa_*` counts).
control(AUTH, r"\w*factor_mode|\w*factors?_(?:required|count|mode)|required_factors|min_factors|\w*mfa_mode"
        r"|\w*mfa_(?:level|requirement|type)|\w*authentication_(?:level|mode)", factor_count,
        "fewer sign-in factors required")
# Audit and log delivery modes: immutable > strict/enforced/full > best-effort/permissive > off.
control(LOGGING, r"\w*(?:audit|log|logs|logging|trail)\w*_(?:mode|level|policy|delivery|integrity)"
        r"|\w*(?:audit|log|logging)\w*\.(?:mode|level|delivery_mode)", AUDIT_MODES, "audit logging weakened")
control(LOGGING, r"mode|\w*_mode|delivery|integrity|level", AUDIT_MODES, "audit logging weakened",
        types=r"(?:^|_)(?:audit|auditing|log|logs|logging|trail|cloudtrail)(?:_|$)")
# Visibility and access enums: from a private value to anything else. A sharing restriction's mode says how far
# sharing is fenced, where `none` is no fence at all (not nothing shared).
control(PUBLIC, r"\w*visibility\w*|\w*access_type|\w*public_access\w*|(?!\w*restrict)\w*sharing\w*|\w*share_mode"
        r"|\w*exposure\w*|\w*access_mode|\w*access_level", private_word, "no longer private")
# Sharing widened to everyone in the organisation or account (remote state readable by every workspace).
control(PUBLIC, r"global_remote_state|\w*share_with_(?:all|org\w*|everyone)\w*|\w*shared_with_all\w*"
        r"|\w*organi[sz]ation_wide\w*|\w*org_wide\w*|all_workspaces|\w*visible_to_all\w*", inverted,
        "shared with the whole organisation")

# Enforcement of any protective engine (WAF, IPS, bot or DDoS protection, scanners), by what it does to a bad request:
# block/prevent > detect/log/count (it only reports) > off. Read on mode-like keys of every type.
ENFORCEMENT = ladder(("block", "blocking", "enforce", "enforced", "enforcing", "prevent", "prevention", "deny",
                      "protect", "protection", "reject", "drop"),
                     ("detect", "detect_only", "detection", "detection_only", "monitor", "monitor_only", "monitoring",
                      "log", "log_only", "logging", "count", "count_only", "audit", "audit_only", "report_only",
                      "reportonly", "report", "simulate", "simulation", "dry_run", "dryrun", "passive", "learning"),
                     ("off", "disabled", "disable", "none", "bypass"))
control(DETECTION, r"mode|\w*_mode|enforcement|\w*_enforcement|action_mode", ENFORCEMENT,
        "protection only detects now: bad requests get through")
# A firewall or WAF rule's own action (Cloudflare ruleset overrides, rule groups): block → log lets requests through.
control(DETECTION, r"action", ENFORCEMENT, "the rule only logs now: requests it blocked get through", types=WATCHERS)
# A numeric strictness level lowered (WAF paranoia, bot or DDoS protection level): more attacks pass unnoticed.
control(DETECTION, r"\w*paranoia\w*|protection_level|\w*strictness\w*|\w*sensitivity_level", count,
        "protection made less strict", types=WATCHERS, above_zero=Severity.HIGH)
# Alerting downgraded: an alert's or a service's urgency, severity or priority word lowered (pages become
# notifications nobody is woken by). Words only: numeric priorities run both ways between providers.
URGENCY = ladder(("critical", "sev1", "p1", "emergency", "page", "high", "urgent", "error"),
                 ("medium", "moderate", "normal", "sev2", "p2", "warning", "warn", "major"),
                 ("low", "minor", "info", "informational", "sev3", "p3", "p4", "p5", "none", "suppress", "suppressed"))
control(DETECTION, r"\w*urgency|\w*severity|\w*priority", URGENCY, "alerting downgraded: urgent alerts no longer page",
        types=WATCHERS)


# Keys: rotation turned off in enum spellings (`automatic_rotation` Enabled → Disabled), a rotation schedule to
# never, and key material made exportable.
control(KEY, r"(?:\w+_)?rotation(?:_status|_state|_mode|_enabled)?|auto_?rotat\w*", switch, "key rotation turned off",
        types=KEYS)
control(KEY, r"\w*rotation\w*(?:schedule|period|interval|frequency|days)\w*", schedule, "key rotation turned off",
        types=KEYS)
control(KEY, r"allow\w*_export\w*|\w*exportable\w*|export_allowed", inverted,
        "key material made exportable: it can leave the key service", types=KEYS)
# Audit or log collection turned off in a status enum (`sql_collector_status`, `audit_status`).
control(LOGGING, r"(?:\w+_)?(?:audit|auditing|collector|collection|log|logs|logging|trail)_(?:status|state)", switch,
        "audit collection turned off")
# Instance and project metadata keys that are security settings (`enable-oslogin` TRUE → FALSE), as keys of a
# metadata map or as a key/value item's key.
control(AUTH, r"enable[-_]oslogin(?:[-_]2fa)?|block[-_]project[-_]ssh[-_]keys|require[-_]oslogin\w*", switch,
        "OS Login or project SSH-key blocking turned off: SSH keys bypass IAM")
control(AUTH, r"serial[-_]port[-_](?:enable|enabled|access)\w*", unswitch,
        "the interactive serial console is opened")
