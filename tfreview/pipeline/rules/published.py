"""Risk rules, credentials published to clients: an environment variable whose name carries a prefix that a web or
app build inlines into the code it ships to every browser or device (NEXT_PUBLIC_, VITE_, REACT_APP_, EXPO_PUBLIC_,
PUBLIC_…), while the rest of its name says it holds a secret (a secret key, a password, a private key)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.credentials import LEAK

# Prefixes the frameworks' builds replace into client bundles: Next.js, Nuxt, Vite, Create React App, Expo,
# Gatsby, Vue CLI, SvelteKit/Astro (`PUBLIC_`), Storybook. Names are upper case by every framework's convention.
PUBLISHED = lazy_compile(r"(?:NEXT_PUBLIC|NUXT_PUBLIC|NUXT_ENV|VITE|REACT_APP|EXPO_PUBLIC|GATSBY|VUE_APP|PUBLIC"
                         r"|STORYBOOK)_(?P<rest>[A-Z0-9_]+)")
# The rest of the name says the value is a secret; a publishable key, an anon key, a site URL or an id does not.
SECRET_PARTS = lazy_compile(r"(?:^|_)(?:SECRET|SECRETS|PASSWORD|PASSWD|PASSPHRASE|PRIVATE_KEY|SERVICE_ROLE(?:_KEY)?"
                            r"|CLIENT_SECRET|CREDENTIALS?|SIGNING_KEY|MASTER_KEY|ADMIN_KEY|ADMIN_TOKEN)(?:_|$)")
WORDS = (b"next_public", b"nuxt_", b"vite_", b"react_app_", b"expo_public", b"gatsby_", b"vue_app_", b"public_",
         b"storybook_")


def _names(value: Any) -> Iterator[str]:
    """Every string leaf and every mapping key inside VALUE (a variable's `key`, or a map of variables)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _names(item)
    elif isinstance(value, list):
        for item in value:
            yield from _names(item)


def published_secret(name: str) -> bool:
    """Whether NAME is an environment variable a client build publishes while its name says it is a secret."""
    match = PUBLISHED.fullmatch(name.strip())
    return match is not None and SECRET_PARTS.search(match.group("rest")) is not None


@on_change(words=WORDS)
def _published(change: Change) -> Iterator[Finding]:
    """A secret-named variable newly given a prefix that ships it in client code (whatever the value's marking)."""
    before, after = sides(change)
    old = set(_names(before))
    for name in dict.fromkeys(_names(after)):
        match = PUBLISHED.fullmatch(name.strip())
        if name not in old and match is not None and published_secret(name):
            prefix = name.strip()[:match.start("rest")]
            yield finding(LEAK, change.address, f"{change.address}: {name} is a secret by its name, but its "
                          f"{prefix}… prefix makes the build inline it into the code shipped to every browser or "
                          "device; keep it server-side (no public prefix) and rotate it if it was deployed")
