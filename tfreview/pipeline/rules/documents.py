"""Risk rules, identity: find every policy document in a resource's values, whatever attribute holds it
(`policy`, `assume_role_policy`, `inline_policy[].policy`, `access_policies`, `*_policy_json`, a template body
that embeds one), and the policy attributes that are unknown until apply."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.decoding import unpercent
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.rules.actions import PRIVILEGED_POLICY
from tfreview.pipeline.rules.common import as_list, dig, state_resources
from tfreview.pipeline.rules.policy import MAX_DOCUMENT_CHARS, Statement, from_block, is_document, parse

MAX_DEPTH = 24
UNRESOLVED = "unresolved-value"
POLICY_NAME = lazy_compile(r"(?:^|_)polic(?:y|ies)(?:_json|_document|_data)?$")
ARN_ACCOUNT = lazy_compile(r"^arn:aws[\w-]*:[\w-]+:[\w-]*:(\d{12}):")
WILD_VALUE = lazy_compile(r"^(?:\*|\*:\*|[a-z0-9-]+:\*)$")  # "*", "*:*", "iam:*"
# A provider argument naming the organisation it signs in to (`organization_name`, `organisation`).
ORGANISATION_KEY = lazy_compile(r"organi[sz]ation(?:_name)?")
OWN_KEYS = ("arn", "account_id", "owner_id", "policy_arn", "role_arn", "execution_role_arn")


def find(values: Any) -> Iterator[tuple[str, list[Statement]]]:
    """(where, statements) for every policy document inside VALUES (JSON text or objects, at any depth)."""
    if not isinstance(values, (dict, list)):
        return
    try:
        text = orjson.dumps(values)
    except TypeError:  # not plain JSON (never from a plan): walk it anyway
        text = b"Statement"
    if b"Statement" in text or b'"statement"' in text:  # one C-speed scan spares the walk for most resources
        yield from _walk(values, "", 0)


def _walk(value: Any, where: str, depth: int) -> Iterator[tuple[str, list[Statement]]]:
    if depth > MAX_DEPTH:
        return
    if isinstance(value, str):
        value = unpercent(value)
        if "Statement" in value and len(value) <= MAX_DOCUMENT_CHARS and value.lstrip()[:1] in ("{", "["):
            try:
                decoded = orjson.loads(value)
            except orjson.JSONDecodeError:
                return
            yield from _walk(decoded, where, depth + 1)
        return
    if isinstance(value, dict):
        if is_document(value):
            yield where or "policy", parse(value)
            return
        if (blocks := _statement_blocks(value)) is not None:
            yield where or "policy", [from_block(block) for block in blocks]
            return
        for key, item in value.items():
            yield from _walk(item, _join(where, str(key)), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            name = item.get("name") if isinstance(item, dict) else None
            step = f'{where} "{name}"' if isinstance(name, str) and name else f"{where}[{index}]"
            yield from _walk(item, step, depth + 1)


def _statement_blocks(value: dict[str, Any]) -> list[dict[str, Any]] | None:
    """A provider's policy written as `statement` blocks of IAM grammar (effect, actions or not_actions, resources),
    whatever the resource type: the same document as JSON policy text, read the same way."""
    blocks = value.get("statement")
    if not isinstance(blocks, list) or not blocks or not all(isinstance(b, dict) for b in blocks):
        return None
    if all(str(b.get("effect", "")).lower() in ("allow", "deny") and ("actions" in b or "not_actions" in b)
           for b in blocks):
        return blocks
    return None


def unreadable(values: Any, where: str = "", depth: int = 0) -> Iterator[str]:
    """Where VALUES hold text that looks like a policy document (`{…"Statement"…}`) but cannot be read: not JSON,
    larger than MAX_DOCUMENT_CHARS, or nested past what the rules walk. Such a policy is never judged safe."""
    if depth == 0 and not _mentions_statement(values):  # one C-speed scan spares the walk for most resources
        return
    if depth > MAX_DEPTH:
        return
    if isinstance(values, str):
        values = unpercent(values)
        if "Statement" in values and values.lstrip()[:1] in ("{", "["):
            if len(values) > MAX_DOCUMENT_CHARS:
                yield where or "policy"
                return
            try:
                decoded = orjson.loads(values)
            except orjson.JSONDecodeError:  # also orjson's own nesting limit
                yield where or "policy"
                return
            if _too_deep(decoded, MAX_DEPTH - depth):
                yield where or "policy"
    elif isinstance(values, dict):
        for key, item in values.items():
            yield from unreadable(item, _join(where, str(key)), depth + 1)
    elif isinstance(values, list):
        for index, item in enumerate(values):
            yield from unreadable(item, f"{where}[{index}]", depth + 1)


def _mentions_statement(values: Any) -> bool:
    try:
        return b"Statement" in orjson.dumps(values)
    except TypeError:  # not plain JSON (never from a plan): walk it anyway
        return True


def _too_deep(value: Any, limit: int) -> bool:
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if level > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return False


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def unknown_policies(after: Any, unknown: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Paths of policy-like attributes (`policy`, `*_policy`, `access_policies`, …) unknown until apply."""
    if len(path) > MAX_DEPTH:
        return
    if isinstance(unknown, dict):
        for key, mark in unknown.items():
            here = (*path, key)
            if mark is True and POLICY_NAME.search(str(key)):
                yield here
            elif isinstance(mark, (dict, list)):
                yield from unknown_policies(after.get(key) if isinstance(after, dict) else None, mark, here)
    elif isinstance(unknown, list):
        for index, mark in enumerate(unknown):
            item = after[index] if isinstance(after, list) and index < len(after) else None
            yield from unknown_policies(item, mark, (*path, index))


def show_path(path: tuple[str | int, ...]) -> str:
    """A path as Terraform writes attribute paths: inline_policy[0].policy."""
    text = ""
    for step in path:
        text = f"{text}[{step}]" if isinstance(step, int) else (f"{text}.{step}" if text else str(step))
    return text


def opaque(statements: list[Statement]) -> bool:
    """Whether some statement's actions or principals are themselves unknown until apply."""
    return any(UNKNOWN in s.actions or (s.not_actions and UNKNOWN in s.not_actions)
               or any(UNKNOWN in ids for ids in s.principals.values()) for s in statements)


def provider_accounts(configuration: dict[str, Any], variables: dict[str, Any] | None = None) -> frozenset[str]:
    """AWS accounts the plan's providers are pinned to or assume roles in (`allowed_account_ids`, `assume_role`),
    written as constants or through the plan's variables (`role_arn = "arn:aws:iam::${var.dr_account_id}:role/…"`)."""
    found: set[str] = set()
    providers = configuration.get("provider_config")
    for provider in providers.values() if isinstance(providers, dict) else []:
        expressions = provider.get("expressions") if isinstance(provider, dict) else None
        if not isinstance(expressions, dict):
            continue
        for value in _expressed(expressions.get("allowed_account_ids"), variables or {}):
            found |= {str(a) for a in as_list(value) if str(a).isdigit() and len(str(a)) == 12}
        for block in as_list(expressions.get("assume_role")):
            for arn in _expressed(block.get("role_arn") if isinstance(block, dict) else None, variables or {}):
                if isinstance(arn, str) and (match := ARN_ACCOUNT.match(arn)) is not None:
                    found.add(match.group(1))
                elif isinstance(arn, str) and arn.isdigit() and len(arn) == 12:
                    found.add(arn)  # the account part of an ARN the configuration builds around a variable
    return frozenset(found)


def provider_organisations(configuration: dict[str, Any], variables: dict[str, Any] | None = None) -> frozenset[str]:
    """Organisations the plan's providers sign in to (a warehouse provider's `organization_name`), upper-case: an
    account of one of them is the plan's own, wherever a share or grant names it."""
    found: set[str] = set()
    providers = configuration.get("provider_config")
    for provider in providers.values() if isinstance(providers, dict) else []:
        expressions = provider.get("expressions") if isinstance(provider, dict) else None
        for key, expression in expressions.items() if isinstance(expressions, dict) else []:
            if ORGANISATION_KEY.fullmatch(key):
                found |= {v.strip().upper() for v in _expressed(expression, variables or {})
                          if isinstance(v, str) and v.strip()}
    return frozenset(found)


def _expressed(expression: Any, variables: dict[str, Any]) -> list[Any]:
    """An expression's constant value, or the values of the input variables it references."""
    if not isinstance(expression, dict):
        return []
    if "constant_value" in expression:
        return [expression["constant_value"]]
    names = [r.removeprefix("var.") for r in as_list(expression.get("references"))
             if isinstance(r, str) and r.startswith("var.")]
    return [dig(variables, name, "value") for name in names]


def own_accounts(entries: list[Any]) -> frozenset[str]:
    """AWS account ids this plan's own resources live in (their `arn`, `owner_id`, `account_id`, …)."""
    found: set[str] = set()
    for entry in entries:
        body = entry.get("change") if isinstance(entry, dict) else None
        if isinstance(body, dict):
            for side in (body.get("before"), body.get("after")):
                found |= _accounts_in(side)
    return frozenset(found)


def state_accounts(prior_state: dict[str, Any]) -> frozenset[str]:
    """AWS accounts the prior state proves are the plan's own: where its managed objects live, and the caller's
    own account read at plan time (`data.aws_caller_identity`); no other data source (it may read anyone's)."""
    found: set[str] = set()
    for resource in state_resources(prior_state):
        if resource.get("mode") == "managed" or str(resource.get("type", "")).endswith("_caller_identity"):
            found |= _accounts_in(resource.get("values"))
    return frozenset(found)


def _accounts_in(values: Any) -> set[str]:
    """The account ids one object's own keys name (`account_id`, `owner_id`, an ARN)."""
    found: set[str] = set()
    if not isinstance(values, dict):
        return found
    for key in OWN_KEYS:
        value = values.get(key)
        if not isinstance(value, str):
            continue
        if key in ("account_id", "owner_id") and value.isdigit() and len(value) == 12:
            found.add(value)
        elif (match := ARN_ACCOUNT.match(value)) is not None:
            found.add(match.group(1))
    return found


def admin_roles(entries: list[Any]) -> frozenset[str]:
    """Names of roles the plan attaches an administrator managed policy to (attachments, `managed_policy_arns`)."""
    found: set[str] = set()
    for entry in entries:
        after = dig(entry, "change", "after") if isinstance(entry, dict) else None
        if not isinstance(after, dict):
            continue
        arns = [str(a) for key in ("policy_arn", "managed_policy_arns") for a in as_list(after.get(key))]
        if not any(PRIVILEGED_POLICY.search(a) for a in arns):
            continue
        names = [after.get("role"), *as_list(after.get("roles")), after.get("name")]
        found |= {n.rsplit("/", 1)[-1] for n in names if isinstance(n, str) and n}
    return frozenset(found)


def wildcards(value: Any, depth: int = 0) -> list[str]:
    """The whole-wildcard strings ("*", "service:*") in a value a policy is built from (a variable's list, map…)."""
    if depth > MAX_DEPTH:
        return []
    if isinstance(value, str):
        return [value] if WILD_VALUE.match(value.strip()) else []
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [w for item in items for w in wildcards(item, depth + 1)]
