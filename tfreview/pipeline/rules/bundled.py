"""Risk rules, secrets shipped to browsers (any hosting platform): a variable whose name carries a client-bundle
prefix (`NEXT_PUBLIC_`, `VITE_`, `REACT_APP_`…) is inlined by the build into the JavaScript every visitor downloads;
one whose name says it is a server-side secret (a service-role key, a password, a private or signing key) is then
public. Publishable and anonymous keys (`NEXT_PUBLIC_POSTHOG_KEY`, `VITE_SUPABASE_ANON_KEY`) are meant for browsers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.sharing import SHARING

# Prefixes that frameworks inline into client bundles (Next.js, Nuxt, Vite, Create React App, Expo, Gatsby, Vue CLI,
# SvelteKit and Astro's PUBLIC_, Storybook, Redwood, Sanity Studio, Plasmo).
CLIENT_PREFIX = lazy_compile(r"^(?:NEXT_PUBLIC|NUXT_PUBLIC|NUXT_ENV|VITE|REACT_APP|EXPO_PUBLIC|GATSBY|VUE_APP|PUBLIC"
                             r"|STORYBOOK|REDWOOD_ENV|SANITY_STUDIO|PLASMO_PUBLIC)_", re.IGNORECASE)
# What names a secret only a server may hold; publishable, anonymous and site keys are meant for browsers.
SERVER_SECRET = lazy_compile(r"(?:^|_)(?:SECRETS?|PRIVATE|PASSWORD|PASSWD|CREDENTIALS?|SERVICE_ROLE|SERVICE_KEY"
                             r"|SERVICE_ACCOUNT|ADMIN_(?:KEY|TOKEN|SECRET)|MASTER_KEY|SIGNING_KEY|DATABASE_URL|DB_URL"
                             r"|CONNECTION_STRING)(?:_|$)", re.IGNORECASE)
MEANT_FOR_BROWSERS = lazy_compile(r"(?:^|_)(?:PUBLISHABLE|ANON|PUBLIC_KEY|SITE_KEY)(?:_|$)", re.IGNORECASE)
# Maps whose keys are variable names, and the keys of a name/value variable object.
ENV_MAPS = lazy_compile(r"(?:^|_)(?:env|envs|environment|environment_variables|variables|vars|app_settings|config_vars"
                        r"|build_env|secrets)$", re.IGNORECASE)
NAME_KEYS = ("key", "name")
VALUE_KEYS = ("value", "values", "secret_values")


def exposed(name: str) -> bool:
    """Whether a variable named NAME is inlined into client bundles and names a server-side secret."""
    match = CLIENT_PREFIX.match(name)
    if match is None:
        return False
    rest = name[match.end():]
    return bool(SERVER_SECRET.search(rest)) and not MEANT_FOR_BROWSERS.search(rest)


def variable_names(node: Any, key: str = "") -> Iterator[str]:
    """Every variable name under NODE: keys of environment maps, and `key`/`name` of name/value objects."""
    if isinstance(node, dict):
        if ENV_MAPS.search(key):
            yield from (str(k) for k in node)
        if any(k in node for k in VALUE_KEYS):
            yield from (str(node[k]) for k in NAME_KEYS if isinstance(node.get(k), str))
        for child_key, value in node.items():
            yield from variable_names(value, str(child_key))
    elif isinstance(node, list):
        for item in node:
            yield from variable_names(item, key)


def _exposed(values: dict[str, Any]) -> set[str]:
    return {name for name in variable_names(values) if exposed(name)}


# Each name read starts a JSON string (a map key, or a `key`/`name` value) with a client-bundle prefix.
@on_change(words=(b'"next_public_', b'"nuxt_public_', b'"nuxt_env_', b'"vite_', b'"react_app_', b'"expo_public_',
                  b'"gatsby_', b'"vue_app_', b'"public_', b'"storybook_', b'"redwood_env_', b'"sanity_studio_',
                  b'"plasmo_public_'))
def _bundled(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    for name in sorted(_exposed(after) - _exposed(before)):
        prefix = CLIENT_PREFIX.match(name)
        yield finding(SHARING, change.address, f"{change.address}: {name} names a server-side secret but carries "
                      f"the client-bundle prefix {prefix[0] if prefix else ''}: the build inlines its value into the "
                      "JavaScript every visitor downloads")
