"""Risk rules, sign-in (reported under `auth-weakened`): a setting of any resource, Helm values and configuration
documents included (Jenkins configuration as code, an app's config file), that newly names no authorization or
authentication at all as its strategy or mode (`authorizationStrategy: unsecured`, `auth_mode = "none"`):
whoever reaches the service is let in, as an administrator where the strategy was who may administer.

Only a value that says nothing is checked (unsecured, none, anonymous, off) counts; a strategy moved from one real
scheme to another (role-based to matrix, SAML to OIDC) is not a finding, and neither is one that already checked
nothing before the change, nor a new service (its exposure is judged where it is exposed).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import sides, snake_case
from tfreview.pipeline.rules.values import leaves, plain, with_settings
from tfreview.pipeline.rules.vocabulary.terms import AUTH, setting_words

STRATEGY = lazy_compile(r"^(?:\w+_)?(?:authori[sz]ation|authentication|auth)_?(?:strategy|mode|type|scheme)$")
NOTHING_CHECKED = frozenset({"unsecured", "unsecure", "insecure", "none", "anonymous", "anon", "off", "disabled",
                             "noauth", "no", "auth", "unauthenticated", "allow", "all", "open"})


def _strategies(values: Any) -> dict[str, Any]:
    """Each authorization or authentication strategy setting of one side, by path."""
    found = {}
    for path, value in leaves(with_settings(values)):
        last = plain(path).rsplit(".", 1)[-1]
        if isinstance(value, str) and "uth" in last and STRATEGY.match(snake_case(last)):
            found[path] = value
    return found


def checks_nothing(value: str) -> bool:
    """Whether a strategy's value says nothing is checked (`unsecured`, `none`, `no_auth`, `allow_all`)."""
    words = setting_words(value) or frozenset()
    return bool(words) and words <= NOTHING_CHECKED and bool(words - {"auth", "all", "allow"})


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"auth",))
def _nothing_checked(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    was = _strategies(before)
    for path, value in _strategies(after).items():
        if checks_nothing(value) and not (path in was and checks_nothing(was[path])):
            yield finding(AUTH, change.address, f"{change.address}: {path} is now {value!r}: the service checks no "
                          "one, and whoever reaches it is let in")
            return
