"""Risk rules helper, DNS: whether a record name is a domain's apex, by the Public Suffix List (offline, bundled)."""

from __future__ import annotations

from functools import cache

from publicsuffixlist import PublicSuffixList

# Special-use and private top-level names (RFC 2606, RFC 6761, ICANN's .internal, common private zones): not in
# the public list, yet `acme.internal` is a zone's apex as much as `acme.com` is.
SPECIAL_USE = frozenset({"example", "test", "invalid", "localhost", "local", "internal", "lan", "corp", "home",
                         "intranet", "private"})


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
    if name.rsplit(".", 1)[-1] in SPECIAL_USE:
        return name.count(".") == 1
    return _suffixes().privatesuffix(name) == name


def registrable(host: str) -> str:
    """The domain an owner registered for HOST (`hooks.acme.io` -> `acme.io`; a platform's per-customer name such
    as `x.a.run.app` stays whole); under a special-use name the last two labels (`idx1.acme.internal` ->
    `acme.internal`)."""
    host = host.strip().rstrip(".").lower()
    found = _suffixes().privatesuffix(host)
    return found or ".".join(host.rsplit(".", 2)[-2:])


def special_use(host: str) -> bool:
    """Whether HOST sits under a private or special-use top-level name (`.internal`, `.local`, `localhost`)."""
    return host.strip().rstrip(".").lower().rsplit(".", 1)[-1] in SPECIAL_USE


def public(host: str) -> bool:
    """Whether HOST is a name under a public suffix, one the internet can resolve (`kubernetes.default.svc` is not)."""
    return _suffixes().privatesuffix(host.strip().rstrip(".").lower()) is not None
