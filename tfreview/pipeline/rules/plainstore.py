"""Risk rules, credentials: a secret written into a store entry whose own kind says plain (an SSM parameter of
type String, a variable of kind general). The plan masks the value as it masks every store value, so only the
entry's kind and its name say a secret is kept there unencrypted, readable by anyone who may read the store.

Any provider's parameter, variable or config entry: the kind read from `type`/`kind`/`value_type` (credentials.py's
words), the secret from the entry's name (`/payments/stripe/secret_key`, `DB_PASSWORD`). An entry of a plain kind
whose name says no secret (`/app/log_level`) and a secure kind (`SecureString`) stay quiet; a secure entry made plain
by an update is `variable-unmasked` already (vocabulary/storage.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.credentials import find_in_text
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.mask import MASK
from tfreview.pipeline.rules.credentials import PLAIN_KINDS, store_says_plain
from tfreview.pipeline.rules.workloads import UNMASKED

ENTRY_TYPES = lazy_compile(r"(?:^|_)(?:parameter|parameters|variable|variables|var|env|config_var|setting"
                           r"|named_value)s?(?:_|$)")
# The name's last part ends in what it holds (`secret_key`, `DB_PASSWORD`, `api-token`), not in what a setting is
# about (`password_policy`, `token_ttl`: configuration).
SECRET_NAME = lazy_compile(r"(?:^|[^a-z])(?:secret|secrets|password|passwd|pwd|token|api_?key|private_?key|credential"
                           r"|credentials|signing_key|access_key|secret_key|(?:func|function|host|master|shared"
                           r"|merchant|gateway|client|consumer|webhook|hmac|encryption|license|partner|vendor)_?key)"
                           r"\d*$")
NAME_KEYS = ("name", "key", "parameter_name", "variable_name")


# store_says_plain() needs a plain kind or a secure/sensitive flag set to false: one of these words is in the change.
GATE = tuple(sorted({k.encode() for k in PLAIN_KINDS} | {b"secure", b"encrypt", b"sensitive", b"secret"}))


@on_change(actions=(Action.CREATE, Action.REPLACE), words=GATE, type_pattern=ENTRY_TYPES)
def _secret_in_plain_entry(change: Change) -> Iterator[Finding]:
    after = change.after if isinstance(change.after, dict) else {}
    if not store_says_plain(after):
        return
    values = [after.get("value"), after.get("secure_value")]
    names = [str(after.get(key) or "") for key in NAME_KEYS]
    named = next((n for n in names if SECRET_NAME.search(re.split(r"[/.:]", n.lower().replace("-", "_"))[-1])), None)
    if named is not None and (MASK in values or any(_literal(v) for v in values)):
        held = f"{named!r} holds a secret"
    elif any(_holds_credential(v) for v in values):
        # whatever the entry is called (`/orders/database_url`), its value carries a credential
        held = f"{next((n for n in names if n), 'the entry')!r} holds a credential inside its value"
    else:
        return
    yield finding(UNMASKED, change.address, f"{change.address}: {held} in an entry of a plain kind (not a secure "
                  "or encrypted one): it is stored unencrypted and readable by anyone who may read the store")


def _literal(value: object) -> bool:
    """Whether a value is written out (a key's characters), not left empty or to be set elsewhere."""
    return isinstance(value, str) and len(value.strip()) >= 12 and " " not in value.strip()


def _holds_credential(value: object) -> bool:
    """Whether a value carries a credential: one found in it by shape (read in clear, behind a sensitive mark), or
    a part of it masked as one (a connection string whose password the masker hid)."""
    if not isinstance(value, str) or value == MASK:
        return False
    return MASK in value or bool(find_in_text(value))
