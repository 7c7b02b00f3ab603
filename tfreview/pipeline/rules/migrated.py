"""Risk rules, lifecycle helper (delete grading): a sign-in application (a SAML or OIDC app of any identity
provider) deleted while the plan creates an application of another provider's type for the same site, its https
host among the new one's URLs: the site's sign-in moves from one identity provider to the other, and the old
app's settings hold no data. Its assignments stay to be checked on the new side (medium). An app deleted with no
new app for its site, or one whose new app serves another site, is graded on (ladders.py)."""

from __future__ import annotations

import re

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.planview import PlanView, plan_view

SIGN_IN_APP = lazy_compile(r"(?:^|_)(?:app|application|saml|oidc|oauth|oauth2|sso)(?:_|$)")
_HTTPS_HOST = lazy_compile(r"^https://([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::\d+)?(?:/|$)", re.IGNORECASE)


def _hosts(values: object) -> frozenset[str]:
    return frozenset(m.group(1).lower() for text in string_leaves(values) if (m := _HTTPS_HOST.match(text)))


def _created_apps(view: PlanView) -> list[tuple[Change, frozenset[str]]]:
    return [(c, hosts) for c in view.of(Action.CREATE) if SIGN_IN_APP.search(c.type) and (hosts := _hosts(c.after))]


def sign_in_moved(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting this sign-in app moves its site's sign-in rather than ending it, or None."""
    if change.action is not Action.DELETE or not SIGN_IN_APP.search(change.type):
        return None
    mine = _hosts(change.before)
    for created, hosts in plan_view(ri).derived("sign-in apps created", _created_apps) if mine else ():
        shared = sorted(mine & hosts)
        if created.type != change.type and shared:
            return (f"its site's sign-in moves to {created.address}, created in this plan for the same host "
                    f"({shared[0]}); check the people assigned to it are assigned there")
    return None
