"""Risk rules, sign-in: a feature flag whose own name says it skips a security check (`skip_mfa_check`,
`bypass_auth`, `disable_csrf`) goes live, on any flag provider.

A flag is live when it is enabled and, where it has a rollout percentage, that is above zero. Reported under
auth-weakened (declared in vocabulary/terms.py), medium where the flag's own environment says non-production. A
flag that skips something else (`skip_onboarding_tour`), or a security flag turned off, is left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.environments import NON_PRODUCTION_ENVS, non_production

AUTH = "auth-weakened"
_SPLIT = lazy_compile(r"[^a-z0-9]+|(?<=[a-z])(?=[0-9])")
NAME_KEYS = ("key", "name", "flag_key", "feature_key", "flag", "feature")
SKIPPING = {"skip", "skips", "bypass", "bypasses", "disable", "disables", "no", "without", "ignore", "ignores",
            "off", "unverified", "noauth", "insecure"}
CHECKS = {"mfa", "2fa", "otp", "totp", "auth", "authn", "authz", "authentication", "authorization", "csrf", "captcha",
          "signature", "signatures", "verification", "verify", "tls", "ssl", "login", "password", "sso", "permission",
          "permissions", "acl", "rbac", "ratelimit", "fraud", "kyc", "security", "sanitization", "sanitize", "waf",
          "xss", "2sv", "webauthn"}
ROLLOUT = lazy_compile(r"(?:^|_)(?:rollout|percentage|percent|traffic)(?:_|$)")
ENABLED_KEYS = ("enabled", "on", "active", "is_enabled", "state", "status")


def _skips_a_check(values: dict[str, Any], address: str) -> str | None:
    """The flag's name when its words say it skips a security check."""
    names = [str(values[k]) for k in NAME_KEYS if isinstance(values.get(k), str)] + [address.rpartition(".")[2]]
    for name in names:
        words = {w for w in _SPLIT.split(name.lower()) if w}
        if words & SKIPPING and words & CHECKS:
            return name
    return None


def _live(values: dict[str, Any]) -> bool:
    """Whether a flag is enabled and, where it rolls out by percentage, reaches someone."""
    if not values:
        return False
    switch = next((values[k] for k in ENABLED_KEYS if k in values), None)
    if switch is False or (isinstance(switch, str) and switch.strip().lower() in ("off", "disabled", "inactive",
                                                                                   "false")):
        return False
    share = [v for k, v in values.items() if ROLLOUT.search(k.lower()) and isinstance(v, (int, float))
             and not isinstance(v, bool)]
    return all(v > 0 for v in share)


@on_change(words=tuple(w.encode() for w in sorted(CHECKS)), type_pattern=lazy_compile(r"flag|feature|toggle"))
def _security_skip_live(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    name = _skips_a_check(after, change.address)
    if name is None or not _live(after) or _live(before):
        return
    yield finding(AUTH, change.address, f"{change.address}: the flag {name!r}, whose name says it skips a security "
                  "check, goes live: the check is off for whoever the flag reaches",
                  Severity.MEDIUM if non_production(change) or _test_environment(after) else None)


def _test_environment(values: dict[str, Any]) -> bool:
    """Whether the flag's own environment attribute names a non-production environment (`dev`, `staging`)."""
    env = values.get("environment", values.get("env"))
    return isinstance(env, str) and bool({w for w in _SPLIT.split(env.lower()) if w} & NON_PRODUCTION_ENVS)
