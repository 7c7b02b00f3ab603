"""Mask stage, before anything is masked: where a change replaces a reference to a secret store (a Key Vault
reference, a Secrets Manager or SSM ARN, a Vault or 1Password path) with a literal value at the same place. The
value is masked later like any other; what stays is where it happened, because a marked-sensitive map (an app's
settings) is masked whole and no rule could see the reference go.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile

# References that make a platform fetch the secret from a store at run time, in any provider's spelling.
REFERENCE = lazy_compile(
    r"@Microsoft\.KeyVault\(|\.vault\.azure\.net/secrets/|arn:aws[\w-]*:(?:secretsmanager|ssm):|\{\{resolve:"
    r"(?:secretsmanager|ssm-secure):|^projects/[^/]+/secrets/|^(?:sm|gcpsm|vault|akv|keyvault|op|doppler|infisical"
    r"|awssm|ssm|secretsmanager)://|^ref\+\w+://|^vault:|\$\{\{\s*secrets\.|^secretref:",
    re.IGNORECASE)
# A literal worth calling a secret: long enough, not a plain word, not a bare URL without credentials.
PLAIN_WORDS = lazy_compile(r"[A-Za-z]+(?:[-_ ][A-Za-z]+)*")
BARE_URL = lazy_compile(r"^[a-z][a-z0-9+.-]*://[^@/\s]+(?:[/?#]\S*)?$", re.IGNORECASE)
MIN_LITERAL = 8


def is_reference(value: Any) -> bool:
    """Whether VALUE names a secret kept in a store rather than holding it."""
    return isinstance(value, str) and REFERENCE.search(value.strip()) is not None


def is_literal_secret(value: Any) -> bool:
    """Whether VALUE could be a secret written out in full (not a reference, a word, a bare URL or a flag)."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return len(text) >= MIN_LITERAL and not is_reference(text) and not PLAIN_WORDS.fullmatch(text) \
        and not BARE_URL.match(text)


def inlined(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(address, path, literal) of every place where a change's before held a secret-store reference and its after
    holds a literal secret instead."""
    found: list[tuple[str, str, str]] = []
    for entry in document.get("resource_changes") or []:
        change = entry.get("change") if isinstance(entry, dict) else None
        if not isinstance(change, dict) or not isinstance(entry.get("address"), str):
            continue
        if change.get("before") is None or change.get("before") == change.get("after"):
            continue  # nothing held a reference, or nothing changed: no value is both a reference and a literal
        found.extend((entry["address"], *place) for place in _replaced(change.get("before"), change.get("after")))
    return found


def _replaced(before: Any, after: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(before, dict) and isinstance(after, dict):
        for key, old in before.items():
            if key in after:
                yield from _replaced(old, after[key], f"{path}.{key}" if path else str(key))
    elif isinstance(before, list) and isinstance(after, list):
        for index, (old, new) in enumerate(zip(before, after, strict=False)):
            yield from _replaced(old, new, f"{path}[{index}]")
    elif is_reference(before) and is_literal_secret(after):
        yield path, after.strip()
