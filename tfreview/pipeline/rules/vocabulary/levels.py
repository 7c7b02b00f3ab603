"""The security-controls vocabulary (risk rules stage): enum levels of any provider that move from strict to loose,
read by what the setting's name says it controls and where its value sits.

Reach: a setting named for who can reach a thing (`reachability`, `reach`, `network_access`, `ingress_scope`) moving
from an enclosed word (private, internal, vpc-only, local, restricted) to an open one (public, global, internet,
any, all, open): it is exposed. A move between two enclosed words, or between regions, is not judged.
Record level: what a capture or an audit stream keeps (`capture`, `audit_level`, a trail's `level`) moving from
everything (all, full, verbose) down to errors, critical, minimal or none: what succeeded is no longer recorded, and
an audit stream is blinded to the actions it exists for. A sampled capture still sees every kind of event and is not
judged; an application's own `log_level` is tuning, not audit, and is left to postures.py.
Client verification (mutual TLS) lives with its kin in transport.py.
"""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.rules.common import known, snake_case
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.retention import LOGGING
from tfreview.pipeline.rules.vocabulary.terms import PUBLIC

_TOKEN = lazy_compile(r"[A-Za-z][\w.-]{0,39}")  # one short word: never an id, a path or a document
_SPLIT = lazy_compile(r"[^a-z0-9]+|(?<=[a-z])(?=[0-9])")
FILLER = frozenset({"only", "level", "and", "above", "mode", "access", "network", "facing", "wide", "events",
                    "event"})


def _words(value: Any) -> frozenset[str] | None:
    if not isinstance(value, str) or not known(value) or not _TOKEN.fullmatch(value.strip()):
        return None
    words = frozenset(w for w in _SPLIT.split(snake_case(value.strip())) if w) - FILLER
    return words or None


def tiered(*tiers: frozenset[str]) -> Any:
    """Strength by the tier all of a value's words fall in, strongest first; a value with words of two tiers, or
    any word no tier knows, is not judged."""

    def strength(value: Any) -> float | None:
        words = _words(value)
        if words is None:
            return None
        for rank, tier in enumerate(tiers):
            if words <= tier:
                return float(len(tiers) - rank)
        return None
    return strength


ENCLOSED = frozenset({"private", "internal", "vpc", "vnet", "vpn", "local", "restricted", "intranet", "cluster",
                      "loopback", "localhost", "lan", "onprem", "peered", "mesh",
                      "tenant", "org", "organization", "organisation", "corp", "corporate"})
OPEN = frozenset({"public", "global", "internet", "any", "anyone", "all", "open", "external", "everyone", "world",
                  "anywhere", "everywhere", "unrestricted", "worldwide"})
enclosure = tiered(ENCLOSED, OPEN)
control(PUBLIC, r"(?:\w+_)?(?:reachability|reachable|reach|network_access|ingress_scope|listen_scope|exposure_scope"
        r"|access_scope|network_scope|exposure_level|reach_scope)(?:_(?:mode|level|policy|setting|type))?",
        enclosure, "opened from an enclosed reach (private, internal, VPC) to an open one (public, global, "
        "internet)", generic=True)

EVERYTHING = frozenset({"all", "full", "everything", "verbose", "debug", "trace", "detailed", "complete", "info",
                        "informational", "information", "any", "every"})
WARNINGS = frozenset({"warn", "warning", "warnings", "notice"})
ERRORS = frozenset({"error", "errors", "err", "failure", "failures", "failed", "fail", "critical", "crit", "fatal",
                    "severe", "alert", "alerts", "emergency", "minimal", "min", "denied", "deny", "rejected"})
NOTHING = frozenset({"none", "off", "disabled", "nothing", "silent"})
record_level = tiered(EVERYTHING, WARNINGS, ERRORS, NOTHING)
# Named for what it records, on any type: a capture's or an audit stream's level or filter.
control(LOGGING, r"(?:\w+_)?(?:capture|capturing|audit|auditing|audit_log|audit_logs|trail|recording)"
        r"(?:_(?:level|mode|filter|scope|verbosity|severity|events|what))?", record_level,
        "what it records is cut from everything to errors or less (successful actions are no longer recorded)",
        generic=True)
# On a type that is itself an audit stream or trail: its plain level, verbosity or filter.
control(LOGGING, r"level|log_level|verbosity|severity|min_severity|minimum_severity|filter|event_filter",
        record_level, "what it records is cut from everything to errors or less (successful actions are no longer "
        "recorded)", generic=True, types=r"(?:^|_)(?:audit\w*|trail|siem|security_log\w*)(?:_|$)")
