"""A new resource written with a weak setting (risk rules stage): the author chose it.

controls.py reports a resource created below a control's floor (TLS 1.0 accepted, encryption off, plain HTTP
allowed, clients let in without credentials) at the control's create severity, medium: a provider's default can
put such a value in the plan without anyone choosing it. When the plan's configuration writes that very value —
a constant, or a variable that resolves to it — the weak setting is a decision of this change, and a resource
that starts weak is as much a downgrade as one turned weak: high. Values that publish on purpose (a public
repository, a public-read data set: the control's `published`) stay as they are, unless the same new resource also
lets readers in with no identity (anonymous access on): then anyone takes it unrecorded, high. A new
internet-facing web app created with HTTPS-only off is high whoever chose it (`plain_http_app`): its own address
serves users in the clear.
"""

from __future__ import annotations

import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import Configuration, configuration
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_high, grader, managed
from tfreview.pipeline.rules.controls import created_message, weak_on_create

_STEP = lazy_compile(r"[^.\[\]]+")
WRITTEN = "written in the configuration: chosen in this change, not a provider default"
SERVED = "a new app whose public address answers plain HTTP"
ANONYMOUS = "and anonymous access is on: anyone reads it without signing in, and no one is accountable for a read"
_ANONYMOUS = lazy_compile(r"(?!\w*(?:block|deny|disable|disallow|prevent|restrict|no_))"
                          r"(?:\w*anonymous\w*|allow_unauthenticated\w*|unauthenticated_access\w*)")
_REQUIRES_AUTH = lazy_compile(r"(?:require|requires|required)_(?:auth|authentication|sign_?in|login)\w*"
                              r"|(?:auth|authentication|sign_?in|login)_required")
_HTTPS_ONLY = lazy_compile(r"https_?only(?:_enabled)?|force_?https|enforce_?https|require_?https", re.IGNORECASE)
_WEB_APP = lazy_compile(r"web_?app|function_?app|app_service(?:_slot)?$|spring_cloud_app$|spring_app$|webapp")


@grader
def written_weak(review_input: ReviewInput, found: list[Finding]) -> list[Finding]:
    """Create findings of the controls raised to high where the configuration writes the weak value, or where a
    new public web app answers plain HTTP."""
    medium = {(f.rule, f.address, f.message) for f in found if f.severity is Severity.MEDIUM}
    addresses = {address for _, address, _ in medium}
    config = configuration(review_input.plan) if medium else None
    raised: dict[tuple[str, str | None, str], str] = {}  # finding key -> why it is high
    for change in managed(review_input.changeset, Action.CREATE) if medium else ():
        if change.address not in addresses:
            continue
        for item, path, value in weak_on_create(change):
            key = (item.rule, change.address, created_message(change, item, path, value))
            if key not in medium or item.create is not Severity.MEDIUM:
                continue
            if item.published:
                if anonymous(change):
                    raised[key] = ANONYMOUS
                continue
            if config is not None and config.present and written(config, change.address, path, value):
                raised[key] = WRITTEN
            elif plain_http_app(change, path, value):
                raised[key] = SERVED
    return [graded_high(f, why) if (why := raised.get((f.rule, f.address, f.message))) else f for f in found]


def anonymous(change: Change) -> bool:
    """Whether a new resource also lets readers in with no identity at all (`anonymous_access = true`,
    `allow_unauthenticated`, `require_authentication = false`): published to anyone, not to signed-in users."""
    after = change.after if isinstance(change.after, dict) else {}
    for key, value in after.items():
        name = str(key).lower()
        if _ANONYMOUS.fullmatch(name) and value is True:
            return True
        if _REQUIRES_AUTH.fullmatch(name) and value is False:
            return True
    return False


def plain_http_app(change: Change, path: str, value: Any) -> bool:
    """Whether a new web app (App Service, Functions, Spring Apps, any `*web_app`/`*function_app`) that users reach
    over the internet is created with its HTTPS-only switch off: its own address answers plain HTTP, so sign-in
    cookies and tokens cross the network readable, whether or not the author chose the provider's default. An app
    with public network access off, or a switch that is no HTTPS-only one, is left to the control's own grade."""
    after = change.after if isinstance(change.after, dict) else {}
    return (value is False and _HTTPS_ONLY.fullmatch(path.rsplit(".", 1)[-1]) is not None
            and _WEB_APP.search(change.type) is not None
            and after.get("public_network_access_enabled") is not False
            and str(after.get("public_network_access", "")).lower() not in ("disabled", "false"))


def written(config: Configuration, address: str, path: str, value: Any) -> bool:
    """Whether the configuration of ADDRESS sets PATH (`site_config[0].min_tls_version`) to VALUE itself."""
    steps = tuple(int(step) if step.isdigit() else step for step in _STEP.findall(path))
    candidates = config.values(address, steps)
    return candidates is not None and any(_same(candidate, value) for candidate in candidates)


def _same(candidate: Any, value: Any) -> bool:
    if isinstance(candidate, str) and isinstance(value, str):
        return candidate.lower() == value.lower()
    return bool(candidate == value)
