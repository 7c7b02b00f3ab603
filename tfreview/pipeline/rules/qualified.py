"""Risk rules, controls (reported under `auth-weakened`): a setting that keeps naming its mechanism but gains a word
that makes it optional — `jwt` → `jwt_optional`, `mtls` → `mtls_permissive`, `verify` → `verify_if_given`, on any
provider, whatever the attribute is called.

The vocabulary ranks values it knows (`required` → `optional`); a mode of a product nobody listed (`jwt`) is no
value it can rank. What this reads instead is the pair: every word of the old value is still there, and the new
words say the mechanism is no longer insisted on. A request without a token, a client without a certificate, a
caller who skips the check is now let through, where it was refused. A qualifier taken away (`jwt_optional` →
`jwt`) tightens, and a value that becomes another one (`jwt` → `oauth2`) is not this.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import show
from tfreview.pipeline.rules.values import pairs, plain
from tfreview.pipeline.rules.vocabulary.meanings import ANY_SETTING
from tfreview.pipeline.rules.vocabulary.terms import AUTH, setting_words

# Words that, added to a mechanism's name, say it is no longer required of whoever comes.
DECISIVE = frozenset({"optional", "optionally", "permissive", "preferred", "prefer", "relaxed", "lax", "lenient",
                      "bypass", "passthrough", "unenforced", "unverified", "unauthenticated", "anonymous"})
# Words that only qualify (`verify_if_given`): among the added words, but one of DECISIVE must be there too.
OPTIONAL = DECISIVE | {"fallback", "if", "given", "present", "available", "when", "possible"}
SETTING = lazy_compile(rf"(?:^|\.){ANY_SETTING}$")
GATE = tuple(sorted(w.encode() for w in DECISIVE))


@on_change(actions=(Action.UPDATE,), words=GATE)
def _made_optional(change: Change) -> Iterator[Finding]:
    for path, before, after in pairs(change):
        added = _qualifiers_added(before, after)
        if added and SETTING.search(plain(path)):
            yield finding(AUTH, change.address, f"{change.address}: {path} {show(before)} → {show(after)} (the "
                          f"same mechanism, now {' '.join(sorted(added & DECISIVE))}: whoever does not present it "
                          "is let through)")


def _qualifiers_added(before: object, after: object) -> frozenset[str]:
    """The words AFTER adds to BEFORE when it keeps every word of BEFORE and adds only words saying optional."""
    old, new = setting_words(before), setting_words(after)
    if not old or not new or old & OPTIONAL:
        return frozenset()
    added = new - old
    return added if added and old <= new and added <= OPTIONAL and added & DECISIVE else frozenset()

