"""Risk rules helper, DNS: whether a record name is a domain's apex, by the Public Suffix List (offline, bundled)."""

from __future__ import annotations

from functools import cache

from publicsuffixlist import PublicSuffixList


@cache
def _suffixes() -> PublicSuffixList:
    # accept_unknown=False: a name under a label the list does not know (`pr-1432.preview`) is zone-relative,
    # not a registrable domain; https://publicsuffix.org/list/
    return PublicSuffixList(accept_unknown=False)


def is_apex(name: str) -> bool:
    """Whether a record name is a zone's apex: `@`, empty, or a registrable domain (`acme.com`, `acme.co.uk`);
    not a zone-relative name (`www`, `pr-1432.preview`) nor a name below a domain (`www.acme.com`)."""
    name = name.strip().rstrip(".").lower()
    if name in ("@", ""):
        return True
    if name.startswith("*"):
        return False
    return _suffixes().privatesuffix(name) == name
