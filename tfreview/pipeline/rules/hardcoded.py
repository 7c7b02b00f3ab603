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
configuration, and in the labelled sets written by independent authors a literal behind a sensitive mark (a
rotated password, a secret stored in its store) was judged fine seven times out of eight. The reviewer and the
model see it; the label stays with what the change does.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import config_address, configuration, module_of, references_in
from tfreview.pipeline.findings import ALTERING, Finding, ReviewInput, Severity, finding, managed, rule
from tfreview.pipeline.rules.credentials import SECRET_STORE_WORDS, secret_attribute, store_says_plain

SECRET_IN_CODE = "secret-in-code"
CIPHERTEXT = lazy_compile(r"encrypted|ciphertext|sealed|hash|digest")


@rule(SECRET_IN_CODE, Severity.MEDIUM,
      "A secret is written as a literal in the configuration (a constant at an attribute the plan marks sensitive, "
      "or a sensitive variable's default that a changed attribute reads): it lives in the repository for anyone "
      "who can read the code.")
def _secrets_in_code(ri: ReviewInput) -> Iterator[Finding]:
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
        written = {attribute: "" for attribute in constants.get(config_address(change.address), ())
                   if _holds_a_secret(change, attribute)}
        if variables and module_of(change.address) == "":
            for attribute, expression in (config.expressions(change.address) or {}).items():
                for variable in sorted(variables & set(references_in(expression))):
                    written.setdefault(attribute, f" (the default of sensitive {variable})")
        for attribute, via in sorted(written.items()):
            if _written_now(change, attribute):
                yield finding(SECRET_IN_CODE, change.address,
                              f"{change.address}: {attribute} is set from a secret written as a literal in the "
                              f"configuration{via}: it lives in the repository for anyone who can read the code; "
                              "pass it from a secret store or a CI secret, and rotate it")


def _holds_a_secret(change: Change, attribute: str) -> bool:
    """Whether a marked attribute holds a secret, not a setting the provider marks on every entry (an SSM
    parameter's `value` is marked whatever its type): named for a credential, or the value of a secret store
    whose own kind does not say plain."""
    if CIPHERTEXT.search(attribute):
        return False  # an encrypted or hashed value is made to be written down
    if secret_attribute(attribute):
        return True
    words = set(re.split(r"[^a-z0-9]+", change.type.lower()))
    return bool(words & SECRET_STORE_WORDS) and not store_says_plain(change.after)


def _written_now(change: Change, attribute: str) -> bool:
    """Whether this plan writes ATTRIBUTE: the object is created, or the attribute's value changes (a replaced
    object that keeps the value it held was already given that literal)."""
    if change.action is Action.CREATE:
        return True
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    return before.get(attribute) != after.get(attribute)
