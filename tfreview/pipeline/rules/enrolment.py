"""Risk rules, sign-in (reported as auth-weakened): an enrolment key of any mesh, VPN or agent provider (a tailnet
auth key, a join token, a registration key) that enrols devices with no one left to stop them — reusable, already
approved, non-ephemeral and carrying no tag that would scope what its devices reach. Any one safeguard (single use,
ephemeral nodes, a tag, approval still required) keeps it ordinary.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.vocabulary.terms import AUTH

# Types of a credential that enrols something: a key or token (not a signing or encryption key).
ENROLMENT_TYPE = lazy_compile(r"(?:auth|enrol+|join|registration|preauth|setup|bootstrap|tailnet|device|node|agent)"
                              r"\w*_(?:key|token)s?$|(?:^|_)(?:auth|enrol+ment|join|registration)_?keys?(?:_|$)")
REUSABLE = lazy_compile(r"reusable|re_usable|multi_?use|multiple_uses|allow_reuse")
SINGLE_USE = lazy_compile(r"single_use|one_time|one_off|once")
APPROVED = lazy_compile(r"pre_?authori[sz]ed|pre_?approved|auto_?approve\w*|auto_?authori[sz]e\w*")
EPHEMERAL = lazy_compile(r"ephemeral|auto_?remove\w*|remove_when_offline")
TAGS = lazy_compile(r"(?:acl_)?tags?|tag_list")


def _flag(values: dict[str, Any], pattern: Any) -> bool | None:
    """The value of the first boolean attribute PATTERN names, or None when there is none."""
    return next((v for k, v in values.items() if isinstance(v, bool) and pattern.fullmatch(k.lower())), None)


def unguarded(values: dict[str, Any]) -> bool:
    """Whether an enrolment key enrols any number of devices, approved, for good and untagged."""
    reusable = _flag(values, REUSABLE) is True or _flag(values, SINGLE_USE) is False
    tags = [v for k, v in values.items() if TAGS.fullmatch(k.lower()) and v]
    return (reusable and _flag(values, APPROVED) is True and _flag(values, EPHEMERAL) is not True
            and not tags)


@on_change(words=(b"key", b"token"))
def _unguarded_enrolment(change: Change) -> Iterator[Finding]:
    if ENROLMENT_TYPE.search(change.type) is None:
        return
    before, after = sides(change)
    if unguarded(after) and not (before and unguarded(before)):
        yield finding(AUTH, change.address, f"{change.address}: a reusable, pre-approved, non-ephemeral enrolment "
                      "key with no tags: whoever holds it enrols any number of devices, approved and kept, with its "
                      "owner's identity and reach")
