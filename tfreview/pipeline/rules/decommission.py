"""Risk rules, lifecycle helper (delete grading): a stateless service decommissioned whole — the plan deletes its
DNS name and every part that carried it (role, launch template, load balancer, listener, target group, security
group), all sharing one name, no data store is deleted or replaced anywhere in the plan, and nothing the plan keeps
names any of the parts. Each part is then medium and loses nothing (scale-deletes does not count it); a data store
in the plan, a kept object naming a part, or a part of another name keeps the ladder's own grade. ladders.py grades
deletes with it."""

from __future__ import annotations

from collections.abc import Callable

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput, is_helper_type
from tfreview.pipeline.rules.common import as_dict
from tfreview.pipeline.rules.guarded import MIN_NAME, names_held_by_kept
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.records import DNS_RECORDS

MIN_PARTS = 3  # a DNS name and at least two parts behind it
_WORD = lazy_compile(r"[a-z0-9]+")
# Words of an address that name no service: Terraform's own and the registry modules' habits.
GENERIC = frozenset({"module", "this", "main", "default", "primary", "self", "resource", "current", "old", "new",
                     "legacy", "v1", "v2", "0", "1", "2"})
IDENTIFIERS = ("name", "id", "arn", "dns_name", "identifier", "fqdn", "hostname")


def _words(change: Change) -> set[str]:
    """The words of a change's address outside its type (`module.reports.aws_lb.this` → {reports})."""
    text = change.address.replace(change.type, " ")
    return set(_WORD.findall(text.lower())) - GENERIC


def _holds_data(change: Change, stateful: Callable[[str], bool]) -> bool:
    """Whether a type holds data (a DNS record names the service; it holds none)."""
    return stateful(change.type) and not DNS_RECORDS.search(change.type)


def _retired(stateful: Callable[[str], bool]) -> Callable[[PlanView], str | None]:
    def compute(view: PlanView) -> str | None:
        """The one name every delete of the plan shares, when the plan retires a stateless service whole."""
        deletes = [c for c in view.of(Action.DELETE) if not is_helper_type(c.type)]
        if len(deletes) < MIN_PARTS or not any(DNS_RECORDS.search(c.type) for c in deletes):
            return None
        if any(_holds_data(c, stateful) for c in view.of(Action.DELETE, Action.REPLACE)):
            return None
        shared = set.intersection(*(_words(c) for c in deletes))
        if not shared:
            return None
        held = names_held_by_kept(view)
        for change in deletes:
            values = as_dict(change.before)
            if any(isinstance(v := values.get(k), str) and len(v) >= MIN_NAME and held.get(v) for k in IDENTIFIERS):
                return None
        return sorted(shared)[0]
    return compute


def service_retired(change: Change, ri: ReviewInput, stateful: Callable[[str], bool]) -> str | None:
    """Why a stateless part loses nothing, or None: the plan retires its whole service by one name, its DNS name
    included, no data store touched, nothing kept naming a part."""
    if change.action is not Action.DELETE or _holds_data(change, stateful):
        return None
    name = plan_view(ri).derived("service retired whole", _retired(stateful))
    if name is None:
        return None
    return f"the stateless service {name!r} is decommissioned whole: its DNS name and every part named so go, no " \
           "data store is touched, and nothing kept names them"
