"""Risk rules, context grading (identity): a privileged grant that ends on its own — an IAM condition `request.time
< timestamp("…")` on the binding (GCP's time-boxed break-glass, any provider's expression of the same) — hands the
role for a declared window, not for good: medium, with the end named, when it ends within a quarter of the plan; so
does a grant's own expiry setting (a PAM binding's `expires_at`). A condition on anything else (a resource name, a
tag), with no end or a far one (2099) leaves the grant high.
"""

from __future__ import annotations

from datetime import timedelta

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, ReviewInput, grader
from tfreview.pipeline.rules.common import as_dict, as_list
from tfreview.pipeline.rules.expiry import moment, plan_time
from tfreview.pipeline.rules.grading import high_graded_medium
from tfreview.pipeline.rules.grants import PRIVILEGED

ENDS = lazy_compile(r"request\.time\s*<=?\s*timestamp\(\s*['\"]([^'\"]+)['\"]\s*\)")
# A grant's own end (a PAM binding's `expires_at`, an assignment's `end_date_time`).
EXPIRY_KEYS = lazy_compile(r"expires_at|expires_on|expiry|expiration|expiration_date|end_time|end_date_time|valid_until"
                           r"|not_after")
GRADED = (PRIVILEGED, "workforce-access")


@grader
def time_boxed(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A privileged grant whose binding's condition ends it at a timestamp: medium."""
    return high_graded_medium(review_input, findings, GRADED, lambda found, change: _window(change, review_input))


def _window(change: Change, review_input: ReviewInput) -> str | None:
    """Why a privileged grant is medium: it ends soon after the plan is written."""
    end = _end(as_dict(change.after))
    return f"the grant ends at {end}: a time-boxed window" if end is not None and _soon(end, review_input) else None


def _end(after: dict[str, object]) -> str | None:
    """When a grant ends: its binding condition's `request.time < timestamp(…)`, or its own expiry setting."""
    expressions = [str(as_dict(block).get("expression") or "") for block in as_list(after.get("condition"))]
    ended = next((m[1] for text in expressions if (m := ENDS.search(text))), None)
    return ended or next((value for key, value in after.items() if EXPIRY_KEYS.fullmatch(key)
                          and isinstance(value, str) and value.strip()), None)


MAX_WINDOW = timedelta(days=92)  # longer than a quarter is a standing grant with a date on it (2099: none at all)


def _soon(end: str, review_input: ReviewInput) -> bool:
    """Whether END falls within MAX_WINDOW of the plan's own timestamp (never when the plan has none)."""
    until, written = moment(end), plan_time(review_input)
    # no time of its own to read the window from: the grant is judged as standing
    return until is not None and written is not None and until - written <= MAX_WINDOW
