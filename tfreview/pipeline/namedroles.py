"""Resolve step, for grants: a role, policy or permission known only after apply, read as the name of the role its
configuration references.

An assignment, binding or attachment often names what it grants by an id the provider makes during apply
(`role_id = azuread_directory_role.sync.template_id`, `role_definition_id = data.azurerm_role_definition.x.id`,
`roles = [auth0_role.support.id]`). Where the reference leads — through module outputs and inputs — to a role of the
same plan that is nothing but a name (a built-in role activated or looked up by its display name, carrying no
permissions of its own), that name is what the grant hands out, and the rules read it as a role named in place.
So is the name a role is picked out of a map by (`app_role_ids["Directory.ReadWrite.All"]`). A role that writes
its own permissions (a custom role, a policy document, a ClusterRole's rules) is judged by its own rules and is not
read here; a reference that leads anywhere else stays unknown, as before.
"""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.configuration import Configuration, config_address, module_of, references_in
from tfreview.pipeline.diff import UNKNOWN

MAX_DEPTH = 8
# An attribute of a grant that says what it grants, and the kinds of resource that are a role.
ROLE_WORDS = lazy_compile(r"role|polic|permission")
# Blocks that only say whom a policy applies to (`conditions.users.included_roles`): a role there is not granted.
TARGETING = lazy_compile(r"conditions?|(?:included|excluded|include|exclude)_\w+")
# Types that hand something to someone: an assignment, binding, attachment, membership, grant, or a token.
GRANTING = lazy_compile(
    r"assign|binding|attach|member|grant|(?:^|_)roles?(?:_|$)|access|token|(?:^|_)users?(?:_|$)"
    r"|(?:^|_)groups?(?:_|$)|principal"
)
# What a role the plan writes itself grants: its permissions, actions, rules, policy or capabilities.
CONTENT = lazy_compile(
    r"permission|actions?$|(?:^|_)rules?$|polic|statement|capabilit|privilege|(?:^|_)grants?$"
    r"|document|composite|verbs|(?:^|_)scopes$"
)
# The attributes a role is known by, and those of its attributes a reference can stand for it by.
NAME_KEYS = ("display_name", "role_name", "name", "title")
IDENTIFIER = lazy_compile(r"(?:^|_)(?:id|ids|arn|name)$")
_PICKED = lazy_compile(r'\["((?:[^"\\]|\\.)+)"\]$')


def grants_a_role(resource_type: str, path: tuple[str | int, ...]) -> bool:
    """Whether the attribute at PATH of a RESOURCE_TYPE says which role, policy or permission it grants."""
    keys = [step for step in path if isinstance(step, str)]
    return (
        bool(GRANTING.search(resource_type.partition("_")[2]))
        and any(ROLE_WORDS.search(k) for k in keys)
        and not any(TARGETING.fullmatch(k) for k in keys)
    )


def named_role(config: Configuration, expression: Any, address: str, path: tuple[str | int, ...]) -> Any:
    """The name of the role EXPRESSION references (a list of it for a plural attribute); UNKNOWN when it does not
    lead to a role known by its name alone."""
    references = _specific(list(references_in(expression)))
    if len(references) != 1:
        return UNKNOWN
    name = _follow(config, references[0], module_of(address), 0)
    keys = [step for step in path if isinstance(step, str)]
    plural = bool(keys) and keys[-1].endswith("s") and not keys[-1].endswith("ss")
    return [name] if plural and isinstance(name, str) else name


def _follow(config: Configuration, reference: str, module: str, depth: int) -> Any:
    if depth > MAX_DEPTH:
        return UNKNOWN
    parts = config_address(reference).split(".")
    if parts[0] == "module" and len(parts) >= 3:
        child = f"{module}.module.{parts[1]}".lstrip(".")
        found = config.modules.get(child)
        output = found.outputs.get(parts[2]) if found else None
        return _through(config, output, child, depth)
    if parts[0] == "var" and len(parts) >= 2 and module:
        parent, _, call = module.rpartition(".module.") if ".module." in module else ("", "", module[7:])
        caller = config.modules.get(parent)
        return _through(config, caller.calls.get(call, {}).get(parts[1]) if caller else None, parent, depth)
    if parts[0] == "data" and len(parts) >= 4:
        return _role(config, f"{module}.{'.'.join(parts[:3])}".lstrip("."), parts[1], parts[3], reference)
    if parts[0] in {"var", "local", "each", "count", "path", "terraform", "self", "data"} or len(parts) < 3:
        return UNKNOWN
    return _role(config, f"{module}.{'.'.join(parts[:2])}".lstrip("."), parts[0], parts[2], reference)


def _through(config: Configuration, expression: Any, module: str, depth: int) -> Any:
    references = _specific(list(references_in(expression)))
    return _follow(config, references[0], module, depth + 1) if len(references) == 1 else UNKNOWN


def _role(config: Configuration, address: str, resource_type: str, attribute: str, reference: str) -> Any:
    """The name of the role at ADDRESS that REFERENCE reads ATTRIBUTE of; UNKNOWN unless it is a role known by
    its name alone (or the reference picks a role out of a map by its name)."""
    picked = _PICKED.search(reference)
    if picked is not None and ROLE_WORDS.search(attribute) and reference.endswith(f'{attribute}["{picked[1]}"]'):
        return picked[1]
    if not ROLE_WORDS.search(resource_type.partition("_")[2]) or not IDENTIFIER.search(attribute):
        return UNKNOWN
    after, unknown = config.planned.get(address, (None, None))
    after = after if isinstance(after, dict) else {}
    expressions = config.expressions(address)
    if expressions is None and address not in config.planned:
        return UNKNOWN  # not a role of this plan
    written = {**{k: v for k, v in after.items() if v not in (None, "", [], {})}, **(expressions or {})}
    if any(CONTENT.search(key) for key in written):
        return UNKNOWN  # it writes what it grants: judged by its own rules
    marks = unknown if isinstance(unknown, dict) else {}
    for key in NAME_KEYS:
        if isinstance(after.get(key), str) and after[key] and marks.get(key) is not True:
            return after[key]
        values = config.values(address, (key,)) or []
        if len(values) == 1 and isinstance(values[0], str) and values[0] and values[0] != UNKNOWN:
            return values[0]
    return UNKNOWN


def _specific(references: list[str]) -> list[str]:
    keep = [r for r in references if not any(o != r and o.startswith((r + ".", r + "[")) for o in references)]
    return list(dict.fromkeys(keep))
