"""Risk rules, alert conditions made unreachable (risk rules stage; reported under detection-disabled): a monitor,
alarm, alert or detection rule of any provider whose condition can no longer fire, or fires far less — its
threshold raised an order of magnitude or to an absurd value (lowered, for a `below` condition), its comparison
flipped, or the time it must hold or the gap between its runs stretched tenfold; an event rule whose numeric
filter moves the same way (EventBridge's `"numeric": [">=", 7]` → `[">=", 100]`: no GuardDuty finding reaches it)
routes nothing to whoever acts on it (an alert that tells no one is
recipients.py's `alerts-to-nobody`).

Read by meaning from attribute names, so Datadog's `monitor_thresholds.critical` and query `> 0`, New Relic's
`critical.threshold`, CloudWatch's `threshold`, Azure's `trigger_threshold`, GCP's `threshold_value`, Prometheus
`expr`/`for` in a manifest and an invented provider's `alert_threshold` read alike. Modest tuning (a latency limit
from 0.5 s to 0.75 s, a rule run more often, a lookback widened) stays quiet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import show, sides, string_leaves
from tfreview.pipeline.rules.disposable import MONITORING_PROVIDERS
from tfreview.pipeline.rules.units import duration, parent
from tfreview.pipeline.rules.values import document, leaves, number
from tfreview.pipeline.rules.vocabulary import DETECTION

ALERTING = lazy_compile(r"(?:^|_)(?:alert|alerts|alarm|alarms|monitor|monitors|detector|detection|nrql|condition"
                        r"|conditions|sentinel|siem|slo|anomaly|signal|saved_searches|saved_search|prometheus"
                        r"|rule_group|alerting|watch|watcher|health_check|uptime_check|synthetics)(?:_|s?$)|"
                        + MONITORING_PROVIDERS)
# Rules that route events (findings, audit events) to whoever acts on them: a numeric matcher in their filter is an
# alert threshold by another name (EventBridge's `"numeric": [">=", 7]`, Event Grid's `number_greater_than…` filters).
ROUTING = lazy_compile(r"(?:^|_)(?:event_rule|event_subscription|eventarc_trigger|event_filter|event_route"
                       r"|event_routing_rule|eventgrid\w*subscription)s?(?:_|$)")
MANIFESTS = lazy_compile(r"(?:^|_)(?:manifest|kubectl|helm_release|release)(?:_|$)")
# The number an alert compares against; not its duration, count of occurrences, recovery or kind.
# Grafana's threshold expression keeps its number in `evaluator.params`.
THRESHOLD = lazy_compile(r"(?:^|\.)(?:\w*threshold\w*|critical|warning|alert_threshold|evaluator\.params)(?:\.\w+)?$")
NOT_THRESHOLD = lazy_compile(r"duration|occurrence|window|period|type|operator|recovery|count_type|time|unit|delay"
                             r"|evaluation|percent_of|sensitivity|failing", re.IGNORECASE)
# How long a condition must hold, or how often the rule runs: stretched tenfold, it fires far later or never.
WINDOW = lazy_compile(r"(?:^|\.)(?:\w*threshold_duration|duration|for|evaluation_periods|datapoints_to_alarm"
                      r"|\w*_frequency|frequency|period|alignment_period|aggregation_window|evaluation_window|window_size"
                      r"|trigger_window|sustain\w*)$")  # not a suppression window: that is de-duplication
NOT_WINDOW = lazy_compile(r"notif|renotify|retention|recovery|no_data|delay|timeout|lookback|query_period|repeat"
                          r"|escalat|interval", re.IGNORECASE)
OPERATOR = lazy_compile(r"\w*(?:operator|comparison|comparator)", re.IGNORECASE)  # thresholdComparator too
ABOVE = lazy_compile(r"above|greater|^gt|comparison_gt|^>|\bgt\b", re.IGNORECASE)
BELOW = lazy_compile(r"below|less|^lt|comparison_lt|^<|\blt\b", re.IGNORECASE)
# A query or expression that ends in its comparison (`... .last("5m") > 0`, `rate(x[5m]) > 0`, `a > 0`).
COMPARED = lazy_compile(r"(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$")
# PromQL set operators against a constant vector with no labels to match on: `x unless on() vector(1)` removes every
# series whatever x holds, so the expression is always empty.
EMPTIED = lazy_compile(r"\bunless\s+on\s*\(\s*\)\s*\(?\s*(?:vector|scalar)\s*\(", re.IGNORECASE)
# A term a query negates on a caller's identity (`-@userIdentity.arn:*role/*`, `NOT principal:*`): with a wildcard
# and nothing but generic words around it, it exempts a whole class of callers (every role, every user).
NEGATED_CALLER = lazy_compile(r"(?:(?<![\w@.])-|\bNOT\s+)@?[\w.]*(?:identity|principal|actor|caller|user|usr|arn"
                              r"|session|role)[\w.]*\s*[:=]\s*(\S+)", re.IGNORECASE)
GENERIC_CALLER = frozenset({"", "role", "roles", "assumed-role", "assumedrole", "user", "users", "arn", "aws", "iam",
                            "sts", "service-role", "federated-user", "root"})
LAST = lazy_compile(r"last[_(\"']+(\d+[smhdw])")
QUERY = lazy_compile(r"(?:^|\.)(?:query|expr|expression|condition|search|nrql|kql)$")
ORDER = 10  # an order of magnitude
ABSURD = 100_000  # a count or rate no signal reaches: the alert can never fire
# From "any event" (> 0) a few events is tuning (10 failed logins in 15 minutes); a hundred or more is a rare signal
# (sudo on a bastion, a trail stopped) that will never be reached.
FROM_ZERO = 100
WORDS = (b"threshold", b"critical", b"query", b"expr", b"duration", b"frequency", b"period", b"for", b"numeric",
         b"greater_than", b"less_than")
# An event filter's numeric matcher: EventBridge `[">=", 7]` (a lower and an upper bound may follow), or an Event
# Grid filter block whose kind names the comparison and whose `value` holds the bound.
NUMERIC_MATCH = lazy_compile(r"(?:^|\.)numeric$")
FILTER_BOUND = lazy_compile(r"(?:^|\.)number_(greater|less)_than\w*\.values?$")
# A severity on the common 0–10 (CVSS, GuardDuty, Inspector) or 0–100 (Security Hub normalized) scale, whose bands
# are Low, Medium, High from 7/70 and Critical from 9/90.
SEVERITY_FIELD = lazy_compile(r"(?:^|[._])(?:severity|criticality|cvss\w*|severity_score)(?:\.\w+)?\.numeric$",
                              re.IGNORECASE)
HIGH_BAND, CRITICAL_BAND = 0.7, 0.9


def _direction(block: dict[str, Any] | None, path: str, after: dict[str, Any]) -> str:
    """"below" when the alert fires under its threshold (its operator, its path or its query's comparison say),
    "above" otherwise (the usual and the unknown case)."""
    for key, value in (block or {}).items():
        if isinstance(value, str) and OPERATOR.fullmatch(str(key)):
            return "below" if BELOW.search(value.strip()) and not ABOVE.search(value.strip()) else "above"
    query = next((v for k, v in after.items() if QUERY.search(str(k)) and isinstance(v, str)), "")
    compared = COMPARED.search(query)
    below = compared is not None and compared[1].startswith("<")
    return "below" if below or "below" in path.lower() or "lower" in path.lower() else "above"


def _weaker(old: float, new: float, direction: str) -> bool:
    """Whether the threshold moved an order of magnitude (or to an absurd value) the way that fires less."""
    if direction == "below":
        return old > 0 and new * ORDER <= old
    if new >= ABSURD > old * ORDER:
        return True
    return new >= FROM_ZERO if old <= 0 else new >= old * ORDER


def _expanded(values: Any) -> Iterator[tuple[str, Any]]:
    """Every leaf, and those of JSON documents held in a text attribute (a rule's `params`, a model)."""
    for path, value in leaves(values):
        inner = document(value)
        if inner is not None:
            yield from ((f"{path}.{sub}", leaf) for sub, leaf in leaves(inner))
        else:
            yield path, value


def _plain(path: str) -> str:
    return re.sub(r"\[\d+\]", "", path)


def _judged(path: str, old: Any, new: Any, after: dict[str, Any]) -> str | None:
    """Why this attribute's change makes the alert fire far less, or None."""
    name = _plain(path)
    last = name.rpartition(".")[2]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new) == 1:
        old, new = old[0], new[0]  # Kibana's `threshold: [0]`
    if (matched := _event_bound(name, old, new)) is not None:
        return matched
    if THRESHOLD.search(name) and not NOT_THRESHOLD.search(last):
        was, now = number(old), number(new)
        if was is not None and now is not None and _weaker(was, now, _direction(parent(after, path), name, after)):
            return f"threshold {show(old)} → {show(new)}: the alert fires far less or never"
    if OPERATOR.fullmatch(last) and isinstance(old, str) and isinstance(new, str):
        flipped = (ABOVE.search(old) and BELOW.search(new)) or (BELOW.search(old) and ABOVE.search(new))
        if flipped and not any(ABOVE.search(v) and BELOW.search(v) for v in (old, new)):
            return f"comparison {show(old)} → {show(new)}: the alert now fires on the opposite condition"
    if WINDOW.search(name) and not NOT_WINDOW.search(name):
        was_s = duration(old) if duration(old) is not None else number(old)
        now_s = duration(new) if duration(new) is not None else number(new)
        if was_s is not None and now_s is not None and was_s > 0 and now_s >= was_s * ORDER:
            return f"{show(old)} → {show(new)}: stretched {now_s / was_s:.0f}×, the alert fires far later or not at all"
    if QUERY.search(name) and isinstance(old, str) and isinstance(new, str):
        return _query(old, new)
    return None


def _event_bound(name: str, old: Any, new: Any) -> str | None:
    """An event filter's numeric bound moved an order of magnitude the way that matches fewer events."""
    if NUMERIC_MATCH.search(name) and isinstance(old, list) and isinstance(new, list) and len(old) >= 2 <= len(new):
        op, was, now = str(old[0]), number(old[1]), number(new[1])
        direction = "below" if op.startswith("<") else "above"
        if str(new[0]) == op and was is not None and now is not None and _weaker(was, now, direction):
            return f"matches {op} {show(old[1])} → {op} {show(new[1])}: the events it routes rarely or never match"
        if SEVERITY_FIELD.search(name) and was is not None and now is not None and _high_band_dropped(
                op, was, str(new[0]), now):
            return (f"severity {op} {show(old[1])} → {new[0]} {show(new[1])}: findings rated High no longer "
                    "match, only Critical ones reach whoever acts on them")
    bound = FILTER_BOUND.search(name)
    if bound is not None:
        was, now = number(old), number(new)
        direction = "below" if bound[1] == "less" else "above"
        if was is not None and now is not None and _weaker(was, now, direction):
            return f"{show(old)} → {show(new)}: the events it routes rarely or never match"
    return None


def _high_band_dropped(old_op: str, old: float, new_op: str, new: float) -> bool:
    """Whether a severity filter's lower bound moved from admitting the High band to admitting only Critical, on a
    scale of 10 or 100 read from the bounds (a 4 → 7 tuning drops only Medium and stays quiet)."""
    if not (old_op.startswith(">") and new_op.startswith(">")) or max(old, new) > 100 or min(old, new) < 0:
        return False
    scale = 10.0 if max(old, new) <= 10 else 100.0
    lowest_old = old if old_op == ">=" else old + scale / 1000
    lowest_new = new if new_op == ">=" else new + scale / 1000
    return lowest_old <= HIGH_BAND * scale and lowest_new >= CRITICAL_BAND * scale


def _query(old: str, new: str) -> str | None:
    """A query's trailing comparison raised tenfold, or its `last_5m` window stretched tenfold, or the query made
    always empty."""
    if (callers := _class_of_callers(new) - _class_of_callers(old)):
        return (f"now exempts every caller matching {', '.join(sorted(callers))}: a whole class of identities goes "
                "unseen")
    if EMPTIED.search(new) and not EMPTIED.search(old):
        return "now removes every series with `unless on() vector(…)`: the expression is always empty, it never fires"
    was, now = COMPARED.search(old), COMPARED.search(new)
    if was and now and was[1][0] == now[1][0]:
        direction = "below" if was[1].startswith("<") else "above"
        if _weaker(float(was[2]), float(now[2]), direction):
            return f"threshold {was[1]} {was[2]} → {now[1]} {now[2]}: the alert fires far less or never"
    if was and now and was[1][0] != now[1][0]:
        return f"comparison {was[1]} → {now[1]}: the alert now fires on the opposite condition"
    old_w, new_w = LAST.search(old), LAST.search(new)
    if old_w and new_w:
        span, stretched = duration(old_w[1]), duration(new_w[1])
        if span and stretched and stretched >= span * ORDER:
            return f"window {old_w[1]} → {new_w[1]}: judged over a window {stretched / span:.0f}× longer"
    return None


def _class_of_callers(query: str) -> set[str]:
    """Negated identity patterns of QUERY that take a whole class of callers (a wildcard around generic words)."""
    found = set()
    for match in NEGATED_CALLER.finditer(query):
        pattern = match[1].strip("\"'()")
        words = re.split(r"[*/:]+", pattern.lower())
        if "*" in pattern and all(w in GENERIC_CALLER or w.isdigit() for w in words):
            found.add(pattern)
    return found


def _alerting(change: Change, after: dict[str, Any]) -> bool:
    if ALERTING.search(change.type) or ROUTING.search(change.type):
        return True
    return bool(MANIFESTS.search(change.type)) and any(
        leaf in ("PrometheusRule", "VMRule", "AlertingRule") for leaf in string_leaves(after))


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=WORDS)
def _unreachable(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if not before or not after or not _alerting(change, after):
        return
    old = dict(_expanded(before))
    seen: set[str] = set()
    for path, new in _expanded(after):
        if path not in old or old[path] == new:
            continue
        why = _judged(path, old[path], new, after)
        if why and why not in seen:
            seen.add(why)
            yield finding(DETECTION, change.address, f"{change.address}: {_plain(path)} {why} (detection weakened)")
