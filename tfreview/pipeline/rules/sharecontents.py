"""Risk rules, reach (reported under `foreign-data-share`): what a data share carries out grows by a whole scope or
by people's records. A grant to a share (Snowflake's `snowflake_grant_privileges_to_share`), an object added to a
share (Databricks Delta Sharing, a Redshift datashare, a listing) that takes a whole schema or database, every
future table, or an object whose name says it holds people's records (`crm.contacts`, `RAW_CRM`, `customers`,
`pii`): the share's consumers, another organisation by design, read it from then on.

An object that names neither (a weekly aggregate view added to a partner's share) is the share doing its job and is
not a finding; who the share goes to is judged where the share is (foreign.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.values import leaves, plain

SHARE_CONTENT = lazy_compile(r"grant\w*_to_share|(?:^|_)(?:share|datashare|data_share)(?:_objects?|_tables?)?$"
                             r"|datashare\w*|listing")
# Keys naming what a share's grant covers or an object it adds.
OBJECT_KEY = lazy_compile(r"^(?:on_\w+|name|object_name|table_name|schema_name|database_name|shared_as"
                          r"|data_object_name|objects?)$")
WHOLE_SCOPE = lazy_compile(r"^on_(?:all_\w+|schema|database|future\w*)$")
PEOPLE = frozenset({"crm", "contact", "contacts", "customer", "customers", "person", "persons", "people", "member",
                    "members", "subscriber", "subscribers", "patient", "patients", "pii", "phi", "personal", "email",
                    "emails", "users", "employees", "payroll", "kyc"})
WORD = lazy_compile(r"[a-z]+")


def _objects(values: object) -> set[tuple[str, str]]:
    """(key, name) of what a share grant or share object names; a top-level `name` is the share's own."""
    found = set()
    for path, value in leaves(values):
        named = plain(path)
        key = named.rpartition(".")[2]
        if isinstance(value, str) and value.strip() and OBJECT_KEY.match(key) and named != "name":
            found.add((key, value))
    return found


def _why(key: str, name: str) -> str | None:
    if WHOLE_SCOPE.match(key):
        return f"a whole scope ({key})"
    words = set(WORD.findall(name.lower()))
    held = sorted(words & PEOPLE)
    return f"people's records by its name ({', '.join(held[:2])})" if held else None


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), type_pattern=SHARE_CONTENT)
def _share_grows(change: Change) -> Iterator[Finding]:
    before = _objects(change.before) if change.action is not Action.CREATE else set()
    for key, name in sorted(_objects(change.after) - before):
        why = _why(key, name)
        if why:
            yield finding("foreign-data-share", change.address, f"{change.address}: the share now carries "
                          f"{name[:120]!r}, {why}: its consumers, outside this organisation by design, read it from "
                          "now on")
            return
