"""Risk rules, identity: a workload's run-as identity moved from a dedicated one to the platform's default, shared
identity (Google's default Compute Engine or App Engine service account, which holds project Editor by default),
on any resource with a service-account attribute. A move to another dedicated identity is not this rule."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.grantreach import DEFAULT_IDENTITY
from tfreview.pipeline.rules.grants import PRIVILEGED

IDENTITY_KEY = lazy_compile(r"(?:\w+_)?service_?account(?:_(?:email|name|id))?s?")
MAX_DEPTH = 4  # single blocks nested deeper than this are not read


@on_change(actions=(Action.UPDATE,), words=(b"gserviceaccount.com",))
def _moved_to_default(change: Change) -> Iterator[Finding]:
    """A service-account attribute that named a dedicated identity now names the default, project-wide one."""
    before, after = sides(change)
    for key, was, now in _identities(before, after):
        if DEFAULT_IDENTITY.search(now) and not DEFAULT_IDENTITY.search(was):
            yield finding(PRIVILEGED, change.address, f'{change.address}: {key} moves from "{was}" to the default '
                          f'service account "{now}", shared by every workload that names none and an Editor of the '
                          "project by default", Severity.HIGH)


def _identities(before: dict[str, Any], after: dict[str, Any], where: str = "") -> Iterator[tuple[str, str, str]]:
    """(key, old, new) of each service-account attribute, top level or in single blocks nested up to MAX_DEPTH
    deep (a workstation config's `host.gce_instance.service_account`), that changed."""
    for key, now in after.items():
        was = before.get(key)
        named = IDENTITY_KEY.fullmatch(key) or (where and key == "email" and IDENTITY_KEY.fullmatch(where[:-1]))
        if isinstance(now, str) and isinstance(was, str) and was and was != now and named:
            yield f"{where}{key}", was, now
        elif isinstance(now, list) and len(now) == 1 and isinstance(now[0], dict) and isinstance(was, list) \
                and len(was) == 1 and isinstance(was[0], dict) and where.count(".") < MAX_DEPTH:
            yield from _identities(was[0], now[0], f"{where}{key}.")
