"""Risk rules, reach: the principals of a policy held as JSON text in a service's own shape (OpenSearch
Serverless's list of `{Rules, Principal}`), not an IAM `Statement` document (principals.py reads those).

foreign.py reads them as whom the data goes to; peering.py leaves them out of the plan's own accounts (a grant's
receiver proves nothing about who owns the plan)."""

from __future__ import annotations

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.rules.values import document

POLICY_TEXT = lazy_compile(r"(?:\w+_)?polic(?:y|ies)|(?:\w+_)?access_document")
PRINCIPAL_KEY = lazy_compile(r"principals?|grantees?")
# An AWS account number, bare or inside an ARN (foreign.py, egress.py and owned.py read grants by them too).
ACCOUNT = lazy_compile(r"^\d{12}$")
ARN_ACCOUNT = lazy_compile(r"^arn:aws[\w-]*:[\w-]*:[\w-]*:(\d{12}):")
MAX_DEPTH = 8
MAX_TEXT = 200_000


def _principals(value: object, depth: int = 0, under: bool = False) -> list[str]:
    """The account numbers and ARNs under `Principal(s)` keys of a service-shaped policy document."""
    if depth > MAX_DEPTH:
        return []
    if isinstance(value, dict):
        if depth == 0 and any(str(k).lower() == "statement" for k in value):
            return []
        return [s for k, v in value.items()
                for s in _principals(v, depth + 1, under or PRINCIPAL_KEY.fullmatch(str(k).lower()) is not None)]
    if isinstance(value, list):
        return [s for item in value for s in _principals(item, depth + 1, under)]
    return [value] if under and isinstance(value, str) and (ARN_ACCOUNT.match(value) or ACCOUNT.match(value)) else []


def policy_principals(value: object) -> list[str]:
    """The principals of a service-shaped policy held as JSON text; [] for anything else."""
    return _principals(document(value)) if isinstance(value, str) and len(value) < MAX_TEXT else []


def service_policy(key: str, value: object) -> bool:
    """Whether attribute KEY holds a service-shaped policy that names principals."""
    return POLICY_TEXT.fullmatch(key) is not None and bool(policy_principals(value))
