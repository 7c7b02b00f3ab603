"""Risk rules, API definitions held as documents: an OpenAPI or Swagger body (an API gateway's `body`, an API config's
document, an API management import; JSON or YAML, in a string or base64, any provider) whose operation newly opts
out of the authentication the rest of the API requires — `security: []` (or an empty requirement `{}`, which
makes auth optional) on an API that defines security schemes, or no `security` at all where there is no global
requirement and every other operation declares its own. Anyone who reaches the API calls that operation.

A write (POST, PUT, PATCH, DELETE) or an admin or internal path is high; a read (GET, HEAD) elsewhere is medium (a
status page or public catalogue is made this way). CORS preflights (OPTIONS) carry no auth by protocol and are left
alone, as is an operation that was already open before the change."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.decoding import objects
from tfreview.pipeline.encoded import decoded_text
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.vocabulary.terms import PUBLIC

METHODS = ("get", "put", "post", "delete", "patch", "head", "trace")
READS = ("get", "head")
SENSITIVE_PATH = lazy_compile(r"(?:^|/)(?:admin\w*|internal|manage\w*|ops|debug|actuator|root|superuser|staff"
                              r"|backoffice|console|users?|accounts?|billing|payments?|secrets?|keys?|tokens?)(?:/|$|\{)",
                              flags=0)


@on_change(words=(b"openapi", b"swagger", b"paths", b"body", b"document", b"contents", b"spec"))
def _operation_opened(change: Change) -> Iterator[Finding]:
    """OpenAPI operations that newly take calls without authentication."""
    after = _open_operations(change.after)
    if not after:
        return
    new = sorted(after - _open_operations(change.before))
    if not new:
        return
    high = [(m, p) for m, p in new if m not in READS or SENSITIVE_PATH.search(p.lower())]
    shown = ", ".join(f"{m.upper()} {p}" for m, p in (high or new)[:4])
    yield finding(PUBLIC, change.address, f"{change.address}: the API definition's {shown} no longer requires "
                  "authentication (security: [] or none declared, on an API whose other operations authenticate): "
                  "anyone who reaches the API can call it", Severity.HIGH if high else Severity.MEDIUM)


def _open_operations(values: Any) -> set[tuple[str, str]]:
    """(method, path) of each operation of an API definition in VALUES that requires no authentication."""
    if not isinstance(values, (dict, list)):
        return set()
    found: set[tuple[str, str]] = set()
    for document in _definitions(values):
        found |= _opened(document)
    return found


def _definitions(values: Any) -> Iterator[dict[str, Any]]:
    seen: list[Any] = [values]
    seen += [decoded for text in string_leaves(values) if len(text) > 40 and (decoded := decoded_text(text))]
    for item in seen:
        for obj in objects(item):
            if isinstance(obj.get("paths"), dict) and ("openapi" in obj or "swagger" in obj):
                yield obj


def _opened(document: dict[str, Any]) -> set[tuple[str, str]]:
    components = document.get("components")
    schemes = (isinstance(components, dict) and bool(components.get("securitySchemes"))) \
        or bool(document.get("securityDefinitions"))
    global_security = document.get("security")
    operations = [(method, str(path), op) for path, item in document["paths"].items() if isinstance(item, dict)
                  for method, op in item.items() if method.lower() in METHODS and isinstance(op, dict)]
    declared = [op.get("security") for _, _, op in operations]
    all_declare = bool(operations) and all(isinstance(s, list) and s and all(r for r in s) for s in declared
                                           if s is not None)
    found: set[tuple[str, str]] = set()
    for method, path, op in operations:
        security = op.get("security")
        if isinstance(security, list) and (not security or any(r == {} for r in security)):
            if schemes or global_security:
                found.add((method.lower(), path))
        elif security is None and not global_security and all_declare and declared.count(None) < len(declared):
            found.add((method.lower(), path))
    return found
