"""Risk rules, identity (policy judging): a resource policy's AWS service principal whose source condition
(aws:SourceArn, aws:SourceAccount) is a wildcard over the account — the confused-deputy guard restricts nothing, so
any customer's distribution, topic or trail of that service may act on the resource."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.judge import PUBLIC, Verdict
from tfreview.pipeline.rules.policy import Statement

SOURCE_KEYS = ("aws:sourcearn", "aws:sourceaccount", "aws:sourceowner")


def services(statements: list[Statement]) -> Iterator[Verdict]:
    """Statements letting a service principal in under a source condition that matches every account."""
    for statement in statements:
        names = statement.principals.get("Service", ())
        if not statement.allows or not names:
            continue
        sources = _sources(statement)
        if sources and all(_any_account(value, like) for _, value, like in sources):
            key, value, _ = sources[0]
            yield Verdict(PUBLIC, Severity.HIGH, f'{statement.name} lets {names[0]} in under {key} "{value[:100]}", '
                          "a wildcard over the account: any account's resources of that service may use it")


def _sources(statement: Statement) -> list[tuple[str, str, bool]]:
    """(key, value, is a pattern) for each positive source condition of STATEMENT."""
    found = []
    for operator, keys in statement.conditions.items():
        lowered = operator.lower()
        if "not" in lowered or lowered.endswith("ifexists") or lowered.startswith("null"):
            continue
        for key, values in keys.items():
            if key in SOURCE_KEYS:
                found += [(key, str(v), "like" in lowered) for v in values]
    return found


def _any_account(value: str, like: bool) -> bool:
    """Whether VALUE admits every account: "*", or a pattern ARN wild in both its account and its resource id."""
    if value.strip() == "*":
        return True
    if not like:
        return False
    if not value.startswith("arn:"):
        return "*" in value and value.strip("*?") == ""
    parts = value.split(":", 5)
    if len(parts) < 6:
        return False
    account, resource = parts[4], parts[5]
    ident = resource.split("/", 1)[-1] if "/" in resource else resource
    return ("*" in account or "?" in account) and ident.startswith(("*", "?"))
