"""Risk rules, identity (reported as iam-public-member): a policy written as code (Rego, CEL, any provider's login or
access policy text) gains an allow rule whose only test is a pattern on a name its holder chooses — a login,
username, handle or display name ending, starting with or containing some text. Anyone can register an account
named to match, on GitHub or any public identity provider, and is let in. A rule that also tests membership (a
team, an organisation, a verified e-mail domain) on the same line, and deny rules, are not this.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.judge import PUBLIC

# A pattern test on a self-chosen name: endswith(input.session.login, "-x"), startsWith(user.username, …),
# regex.match("…", input.user.handle), glob.match(…, [], input.login).
NAME_MATCH = lazy_compile(r"\b(?:endswith|startswith|ends_with|starts_with|contains|regex\.match|re_match"
                          r"|glob\.match|matches)\s*\([^)]*\b(?:login|username|user_name|handle|nickname"
                          r"|display_?name|screen_?name)\b", re.IGNORECASE)
# What on the same line would tie the name to a membership someone else grants.
MEMBERSHIP = lazy_compile(r"\b(?:member|members|teams?|groups?|org|organi[sz]ation|email_verified|domain)\b",
                          re.IGNORECASE)
DENYING = lazy_compile(r"^\s*(?:deny|block|reject|warn|violation|forbid)\w*\b", re.IGNORECASE)
MAX_TEXT = 100_000


def _self_named_rules(text: object) -> set[str]:
    """The lines of a policy text that allow on a pattern over a self-chosen name alone."""
    if not isinstance(text, str) or len(text) > MAX_TEXT or "(" not in text:
        return set()
    return {line.strip() for line in text.splitlines()
            if NAME_MATCH.search(line) and not MEMBERSHIP.search(line) and not DENYING.match(line)
            and not line.lstrip().startswith("#")}


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE),
           words=(b"login", b"username", b"user_name", b"handle", b"nickname", b"displayname", b"display_name",
                  b"screenname", b"screen_name"))
def _admits_by_chosen_name(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    for key, text in after.items():
        added = sorted(_self_named_rules(text) - _self_named_rules(before.get(key)))
        if added:
            yield finding(PUBLIC, change.address, f"{change.address}: {key} now allows on a name its holder "
                          f"chooses ({added[0][:120]}): anyone can register a matching account")
            return
