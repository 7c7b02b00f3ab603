"""Risk rules helper (security controls stage): a provider-managed encryption switched off because the same block
now names a customer-managed key (SSE-SQS → a KMS key, Google- or platform-managed → CMEK) is encryption replaced
by a stronger kind, not encryption turned off; without a key set the switch still reads as off."""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.rules.common import known
from tfreview.pipeline.rules.units import ordered_words, parent

# The words of a switch for encryption a service manages with its own keys (`sqs_managed_sse_enabled`).
ENCRYPTION_WORDS = frozenset({"sse", "encryption", "encrypted", "encrypt"})
MANAGED_WORDS = frozenset({"managed", "owned"})
CUSTOMER_WORDS = frozenset({"customer", "cmk", "cmek", "byok"})
# A sibling that names a customer-managed key (`kms_master_key_id`, `kms_key_name`, `key_vault_key_id`).
CUSTOMER_KEY = lazy_compile(r"(?:^|_)(?:kms|cmk|cmek)(?:_|$)|key_vault_key|customer_managed_key"
                            r"|encryption_key_(?:arn|id|name)$|^(?:kms_)?key_(?:arn|id|name)$")


def _managed_switch(leaf: str) -> bool:
    found = set(ordered_words(leaf))
    return bool(found & ENCRYPTION_WORDS and found & MANAGED_WORDS and not found & CUSTOMER_WORDS)


def _off(value: Any) -> bool:
    return value is False or value is None or (isinstance(value, str) and value.strip().lower() in
                                                {"false", "disabled", "off", "none"})


def customer_key_instead(change: Change, path: str, after: Any) -> bool:
    """Whether the provider-managed encryption switch at PATH turns off while its block now names a
    customer-managed key (set to a value, or one known only after apply)."""
    leaf = path.rpartition(".")[2].split("[")[0]
    if not _managed_switch(leaf) or not _off(after):
        return False
    block = parent(change.after, path)
    unknown = parent(change.after_unknown, path) if isinstance(change.after_unknown, dict) else None
    if block is None:
        return False
    for key, value in block.items():
        if key == leaf or not CUSTOMER_KEY.search(key.lower()):
            continue
        if (isinstance(value, str) and value.strip() and known(value)) or (unknown or {}).get(key) is True:
            return True
    return False
