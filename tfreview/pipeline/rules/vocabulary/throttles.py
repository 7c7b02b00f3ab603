"""The security-controls vocabulary (risk rules stage), throttles: a rate limit, lockout or brute-force guard of any
provider that stops enforcing (it only simulates, logs or counts) or lets ten times as many attempts through.

Lines that controls.py applies to every resource type, registered in the order vocabulary/__init__.py imports
this package's modules: for one attribute, the first line that reads both values decides.
"""

from __future__ import annotations

import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.values import number
from tfreview.pipeline.rules.vocabulary.terms import AUTH

# Types whose whole object is a throttle, and blocks inside any object that are one (a WAF's rate-based rule).
THROTTLES = r"rate_?limit|throttl|brute_?force|lockout|login_protection|bot_management"
IN_THROTTLE = r"(?:\w*rate_?limit\w*|rate_based\w*|\w*throttl\w*|\w*brute_?force\w*|\w*lockout\w*)"
_WORDS = lazy_compile(r"[^a-z0-9]+")
# What a throttle does to a client over its limit: stops it, or only watches.
ENFORCES = frozenset({"ban", "block", "blocked", "deny", "drop", "reject", "challenge", "js_challenge",
                      "managed_challenge", "captcha", "throttle", "lock", "lockout", "enforce", "enforced", "enabled",
                      "on"})
WATCHES = frozenset({"simulate", "simulation", "log", "count", "monitor", "dry_run", "dryrun", "detect", "alert",
                     "report", "report_only", "none", "off", "disabled", "allow", "bypass"})
TENFOLD = 10  # a limit raised this many times or more no longer slows guessing down


def enforcing(value: Any) -> float | None:
    """1 for a throttle action or mode that stops clients over the limit (ban, block, challenge), 0 for one that only
    watches or lets them through (simulate, log, count, off); None for anything else."""
    if not isinstance(value, str) or not 0 < len(value.strip()) <= 48:
        return None
    text = value.strip().lower()
    words = set(_WORDS.split(text)) | {re.sub(r"[^a-z0-9]+", "_", text)}
    stops, watches = bool(words & ENFORCES), bool(words & WATCHES)
    return None if stops == watches else 1 if stops else 0


def allowance(value: Any) -> float | None:
    """A limit read so that more allowed attempts is weaker: the reciprocal of a positive number."""
    found = number(value)
    return None if found is None or found <= 0 else 1 / found


control(AUTH, r"mode|action|\w*_mode|\w*_action|action\.mode|action\.\w*_mode", enforcing,
        "the rate limit or lockout only watches now (clients over the limit get through)", types=THROTTLES)
control(AUTH, rf"{IN_THROTTLE}\.(?:mode|action|\w*_action)", enforcing,
        "the rate limit or lockout only watches now (clients over the limit get through)")
control(AUTH, r"threshold|limit|max_attempts|max_requests|requests_per_\w+|\w*_threshold", allowance,
        "the rate limit now lets at least ten times as many attempts through", types=THROTTLES, drop_factor=TENFOLD)
control(AUTH, rf"{IN_THROTTLE}\.(?:threshold|limit|max_attempts|max_requests|requests_per_\w+)", allowance,
        "the rate limit now lets at least ten times as many attempts through", drop_factor=TENFOLD)
