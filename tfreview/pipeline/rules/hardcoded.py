"""Risk rules, credentials: a secret written as a literal in the configuration — a constant at an attribute the
plan marks sensitive (`secret_string = "…"`), or the default of a sensitive variable that a changed attribute reads.
Marking it sensitive hides it from the plan's text, not from the repository: whoever can read the code (or the
plan file and the state) has it. Found by the mask stage before masking (pipeline/hardcoded.py); the rule sees only
where, never the value. Only when this plan writes the attribute (created, or its value changed): a literal that
an unchanged attribute already held, a replaced object's included, is not this change's doing. A constant counts
where the attribute is named for a credential or belongs to a secret store that does not say plain (an SSM
parameter of type String is marked sensitive by its provider, and is a setting). Placeholders (`changeme`,
expressions, names) are not secrets, and a value from a variable without a default, a secret store or a generated
password is not a literal.

Medium, not high: the plan cannot tell a literal committed to the code from one a wrapper writes into a generated
configuration, and in the labelled sets written by independent authors a literal rotated behind a sensitive mark
was judged fine. The reviewer and the model see it; the label stays with what the change does. High where what
the change does is put a credential into the code: a service (not a secret store) created with a literal
credential, or one whose credential was empty, absent or a reference to a store before (an app's secret block, a
connector's OAuth tokens, an admin password); a secret store created holding a literal that reads as a key or
token (not a host name or a placeholder). A credential nested in a block (`connector_profile_config.….access_token`)
counts by its own name. A literal with a credential's own shape in a settings map (a connection string's
`AccountKey=`) is judged by its own key: new there, it is high whatever its neighbours held (Key Vault references
under credential names); the same key rotated is not.

A credential the service generated and kept rotated in its own secret store (`manage_master_user_password`) given
up for one from a root variable not declared sensitive is high too: the plan's `variables` block shows the new
password in clear (masking found the secret's copy there), wherever the plan file or the CI log goes, and nothing
rotates it. A Terraform-generated password, or a sensitive variable, shows nobody the value.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import Configuration, config_address, configuration, module_of, references_in
from tfreview.pipeline.credential_names import plausible
from tfreview.pipeline.findings import ALTERING, Finding, ReviewInput, Severity, finding, managed, rule
from tfreview.pipeline.mask import MASK, MASK_CHANGED
from tfreview.pipeline.rules.credentials import CIPHERTEXT, SECRET_STORE_WORDS, secret_attribute, store_says_plain
from tfreview.pipeline.rules.values import leaves

SECRET_IN_CODE = "secret-in-code"
MASKS = (MASK, MASK_CHANGED)
MAX_DEPTH = 8  # nested blocks of expressions deeper than this are not read
NEWLY = " (this change puts it there: the service held no literal credential before)"
# A switch saying the service generates the credential and keeps it rotated in its secret store (RDS and DocumentDB
# `manage_master_user_password`, Redshift `manage_master_password`, `auto_generate_password`).
MANAGED = lazy_compile(r"^(?:manage_\w*(?:password|secret|credentials?)|\w*managed_\w*(?:password|secret)"
                       r"|(?:auto_?)?generate_\w*password)$")


@rule(SECRET_IN_CODE, Severity.MEDIUM,
      "A secret is written as a literal in the configuration (a constant at an attribute the plan marks sensitive, "
      "or a sensitive variable's default that a changed attribute reads): it lives in the repository for anyone "
      "who can read the code; or a service's managed, rotated password given up for one from a variable the plan "
      "shows in clear.")
def _secrets_in_code(ri: ReviewInput) -> Iterator[Finding]:
    if _shown_variables(ri):
        yield from _managed_given_up(ri, configuration(ri.plan))
    if not ri.masking.hardcoded:
        return
    constants: dict[str, set[str]] = defaultdict(set)
    variables: set[str] = set()
    for address, attribute in ri.masking.hardcoded:
        if address.startswith("var."):
            variables.add(address)
        else:
            constants[address].add(attribute)
    config = configuration(ri.plan)
    for change in managed(ri.changeset, *ALTERING):
        expressions = config.expressions(change.address) or {}
        shaped = _shaped(ri, config_address(change.address))
        written = {attribute: "" for attribute in constants.get(config_address(change.address), ())
                   if attribute in shaped or _holds_a_secret(change, attribute, expressions.get(attribute))}
        if variables and module_of(change.address) == "":
            for attribute, expression in expressions.items():
                for variable in sorted(variables & set(references_in(expression))):
                    written.setdefault(attribute, f" (the default of sensitive {variable})")
        for attribute, via in sorted(written.items()):
            if _written_now(change, attribute):
                held = (change.address, attribute) in ri.masking.held
                keys = shaped.get(attribute)  # credential-shaped entries are judged by their own keys
                key_like = (config_address(change.address), attribute) in ri.masking.key_like
                new = not via and (_new_entry(ri, change, attribute, keys) if keys
                                   else _newly_in_code(change, held, key_like))
                yield finding(SECRET_IN_CODE, change.address,
                              f"{change.address}: {attribute} is set from a secret written as a literal in the "
                              f"configuration{via}: it lives in the repository for anyone who can read the code"
                              f"{NEWLY if new else ''}; pass it from a secret store or a CI secret, and rotate it",
                              Severity.HIGH if new else None)


def _shaped(ri: ReviewInput, address: str) -> dict[str, set[str]]:
    """attribute → keys of its constant map whose literal has a credential's shape (mask stage: shaped_entries)."""
    found: dict[str, set[str]] = defaultdict(set)
    for where, attribute, key in ri.masking.shaped:
        if where == address:
            found[attribute].add(key)
    return found


def _new_entry(ri: ReviewInput, change: Change, attribute: str, keys: set[str]) -> bool:
    """Whether a credential-shaped literal sits at a key of a service's settings map (KEYS) that held nothing
    before: a credential newly put into the code, whatever its neighbours held (references to a secret store, or
    another literal). The same key holding a value before is a rotation; a secret store is made to hold it, and
    only one created holding it has it put into the code (as _newly_in_code)."""
    if change.action is Action.CREATE:
        return True
    if _store(change):
        return False
    before = ri.masking.hidden[change.address][0] if change.address in ri.masking.hidden else change.before
    held = before.get(attribute) if isinstance(before, dict) else None
    return held in (None, [], {}) or (isinstance(held, dict | list) and not keys <= _keys_held(held, keys, 0))


def _keys_held(value: Any, keys: set[str], depth: int) -> set[str]:
    """Which of KEYS hold a non-empty value anywhere in VALUE (a settings map, or one inside a block)."""
    if depth > MAX_DEPTH:
        return set()
    if isinstance(value, list):
        return set().union(*(_keys_held(item, keys, depth + 1) for item in value))
    if not isinstance(value, dict):
        return set()
    held = {key for key in keys if value.get(key) not in (None, "")}
    inside = [inner for inner in value.values() if isinstance(inner, dict | list)]
    return held.union(*(_keys_held(inner, keys, depth + 1) for inner in inside))


def _shown_variables(ri: ReviewInput) -> set[str]:
    """`var.NAME` of each root variable whose given value, in the plan's `variables` block, is a copy of a secret
    masking hid (a variable declared sensitive is masked as marked, never as a copy)."""
    return {f"var.{path[1]}" for path in ri.masking.places
            if len(path) == 3 and path[0] == "variables" and path[2] == "value"}


def _managed_given_up(ri: ReviewInput, config: Configuration) -> Iterator[Finding]:
    """A root resource that turns off the credential its service generated and rotated (MANAGED) and sets one from
    a variable whose value the plan shows in clear."""
    shown = _shown_variables(ri)
    for change in managed(ri.changeset, Action.UPDATE):
        before = change.before if isinstance(change.before, dict) else {}
        after = change.after if isinstance(change.after, dict) else {}
        given_up = [key for key, value in before.items() if value is True and MANAGED.match(key)
                    and after.get(key) is not True]
        if not given_up or module_of(change.address) != "":
            continue
        for attribute, expression in sorted((config.expressions(change.address) or {}).items()):
            variable = next(iter(sorted(shown & set(references_in(expression)))), None)
            if variable and secret_attribute(attribute) and _written_now(change, attribute):
                yield finding(SECRET_IN_CODE, change.address,
                              f"{change.address}: {given_up[0]} is turned off and {attribute} comes from {variable}, "
                              "a variable not declared sensitive: the plan's variables block shows the password in "
                              "clear, and nothing rotates it any more; keep the managed password, or pass it from a "
                              "secret store", Severity.HIGH)


def _holds_a_secret(change: Change, attribute: str, expression: Any = None) -> bool:
    """Whether a marked attribute holds a secret, not a setting the provider marks on every entry (an SSM
    parameter's `value` is marked whatever its type): the value of a secret store whose own kind does not say
    plain, or a literal at a key named for a credential (the attribute itself, a key inside its block, or the
    `value` of a block named for one: an app's `secret { value = "…" }`, not its `key_vault_secret_id`)."""
    if CIPHERTEXT.search(attribute):
        return False  # an encrypted or hashed value is made to be written down
    if _store(change) and not store_says_plain(change.after):
        return True
    named = secret_attribute(attribute)
    found = list(_literals(expression, attribute, 0))
    if not found:
        return named  # no constant the plan shows (a module's, an expression): the name decides
    # masking has run: a literal masking hid reads as MASK here (hard_coded found it plausible before hiding it)
    return any((secret_attribute(key) or (named and key == "value")) and (value in MASKS or plausible(value, key))
               for key, value in found)


def _store(change: Change) -> bool:
    return bool(set(re.split(r"[^a-z0-9]+", change.type.lower())) & SECRET_STORE_WORDS)


def _literals(node: Any, key: str, depth: int) -> Iterator[tuple[str, str]]:
    """(nearest key, string) of every constant under an expression: a constant block (`constant_value` holding
    maps) and nested blocks of expressions (`[{"access_token": {"constant_value": "…"}}]`) alike."""
    if depth > MAX_DEPTH:
        return
    if isinstance(node, list):
        for item in node:
            yield from _literals(item, key, depth + 1)
    elif isinstance(node, dict):
        if "constant_value" in node:
            constant = node["constant_value"]
            if isinstance(constant, str):
                yield key, constant
            elif isinstance(constant, (dict, list)):
                yield from ((path.rpartition(".")[2].partition("[")[0] or key, value)
                            for path, value in leaves(constant) if isinstance(value, str))
            return
        for inner, value in node.items():
            if inner != "references":
                yield from _literals(value, str(inner), depth + 1)


def _newly_in_code(change: Change, held: bool, key_like: bool) -> bool:
    """Whether this change puts a credential into the code that the service did not hold: a service, not a secret
    store, created with it, or whose credential at the attribute was empty, absent or a reference before (HELD: a
    literal replaced by another is a rotation and stays medium). A secret store created holding a literal that
    reads as a key or token (KEY_LIKE: a vendor key, a long random string, a chosen password) has it committed to
    the repository from its first day: an Actions secret's `plaintext_value`, a Kubernetes Secret's `data`. Eleven
    of thirteen such plans in the unseen sets were labelled risky by their writers (session 15 had raised every
    literal in a store and taken it back: a host name and a placeholder in a store are no keys). A store's literal
    rotated to another, or one that reads as a word, stays medium."""
    if _store(change):
        return change.action is Action.CREATE and key_like
    return change.action is Action.CREATE or not held


def _written_now(change: Change, attribute: str) -> bool:
    """Whether this plan writes ATTRIBUTE: the object is created, or the attribute's value changes (a replaced
    object that keeps the value it held was already given that literal)."""
    if change.action is Action.CREATE:
        return True
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    return before.get(attribute) != after.get(attribute)
