"""Risk rules, identity: grants that admit everyone — automatic membership rules whose condition every account
meets (into a privileged group, or one whose names claim a narrower audience), permission patterns that match every
object for a guest or anonymous user, and access policies open to everyone or bypassed. (Split from tenants.py.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import blocks, sides, string_leaves
from tfreview.pipeline.rules.grants import PRIVILEGED, denies
from tfreview.pipeline.rules.judge import PUBLIC, WILDCARD
from tfreview.pipeline.rules.rootward import confined_root
from tfreview.pipeline.rules.tenants import KNOWN_PROVIDERS

# A membership rule whose condition holds for everyone: `true`, `1==1`, `x -eq x`, an empty rule, a match-all, or
# one attribute every account has tested for being set (`user.email != null`, `user.objectId -ne null`).
CONDITION_KEY = lazy_compile(r"(?:^|_)(?:expression|expression_value|rule|membership_rule|condition)$")
ALWAYS_TRUE = lazy_compile(r"\(?\s*(?:true|1|\*|\.\*|\^\.\*\$|all|everyone|(\S+)\s*(?:==?|-eq)\s*\1"
                           r"|[\w.]+\s*(?:!=|<>|-ne)\s*(?:\$?null|nil|none|\"\"|''))\s*\)?", re.IGNORECASE)
# A test every account passes in any directory's rule language: an address attribute holding "@" (Okta EL's
# String.stringContains, Azure AD's -contains/-like, a .contains/.includes call), a login of non-zero length, an
# `ACTIVE` status or an enabled account (every account that can sign in).
EVERY_ACCOUNT = lazy_compile(
    r"\(?\s*(?:String\.stringContains\(\s*user\.(?P<a>\w+)\s*,\s*[\"']@[\"']\s*\)"
    r"|user\.(?P<b>\w+)\s*(?:-contains\s*[\"']@[\"']|-like\s*[\"']\*@\*[\"']|-match\s*[\"'](?:@|\.\*|\.\+)[\"']"
    r"|\.(?:contains|includes)\(\s*[\"']@[\"']\s*\))"
    r"|String\.len\(\s*user\.\w+\s*\)\s*>\s*0|user\.status\s*(?:==?|-eq)\s*[\"']active[\"']"
    r"|user\.accountEnabled\s*(?:==?|-eq)\s*true)\s*\)?", re.IGNORECASE)
# An address in one domain (`String.stringContains(user.login, "@acme.io")`, `user.mail -like "*@acme.io"`): every
# workforce account of the company meets it. Read only for a privileged group: a rule on a partner's domain into an
# ordinary group is a choice of audience.
IN_DOMAIN = lazy_compile(
    r"\(?\s*(?:String\.string(?:Contains|EndsWith)\(\s*user\.(?P<a>\w+)\s*,\s*[\"']@[\w.-]+[\"']\s*\)"
    r"|user\.(?P<b>\w+)\s*(?:-contains\s*[\"']@[\w.-]+[\"']|-endsWith\s*[\"']@[\w.-]+[\"']"
    r"|-like\s*[\"']\*@[\w.-]+[\"']|\.(?:contains|includes|endsWith)\(\s*[\"']@[\w.-]+[\"']\s*\)))\s*\)?",
    re.IGNORECASE)
# An address tested for a word anywhere in it, not for a domain (`String.stringContains(user.email, "acme")`,
# `user.mail -like "*acme*"`): every workforce account meets it, and so does any outside address holding the word.
ADDRESS_WORD = lazy_compile(
    r"\(?\s*(?:String\.stringContains\(\s*user\.(?P<a>\w+)\s*,\s*[\"'][\w.-]+[\"']\s*\)"
    r"|user\.(?P<b>\w+)\s*(?:-contains\s*[\"'][\w.-]+[\"']|-like\s*[\"']\*[\w.-]+\*[\"']))\s*\)?", re.IGNORECASE)
# A test that leaves out one value (`user.department != "Contractor"`): every account but that one kind meets it.
ALL_BUT_ONE = lazy_compile(r"\(?\s*user\.\w+\s*(?:!=|<>|-ne|-notcontains|-notlike)\s*[\"'][^\"']*[\"']\s*\)?",
                           re.IGNORECASE)
# A condition's top-level clauses: an OR of AND-chains (precedence of every directory's rule language). A grouping
# parenthesis (not a call's) makes the text one clause: it is read whole, as before.
DISJUNCTION = lazy_compile(r"\s+(?:or|-or)\s+|\s*\|\|\s*", re.IGNORECASE)
CONJUNCTION = lazy_compile(r"\s+(?:and|-and)\s+|\s*&&\s*", re.IGNORECASE)
GROUPING = lazy_compile(r"(?<![\w.])\(")
ADDRESS_ATTRIBUTE = lazy_compile(r"e?mail|login|username|user_?principal_?name|upn", re.IGNORECASE)
MEMBERSHIP_WORDS = ("group", "team", "membership", "role")
PRIVILEGED_NAME = lazy_compile(r"admin|owner|super|root", re.IGNORECASE)
# Names that say a group is meant for every account: an all-hands group admitting everyone is what it says.
EVERYONE_AUDIENCE = lazy_compile(r"(?<![a-z])(?:all|every(?:one|body)?|staff|employees?|workforce|company|org[_ -]?wide"
                                 r"|default|members|users|people)(?![a-z])", re.IGNORECASE)


def _always_true(value: Any, workforce: bool = False) -> bool:
    """Whether every account meets condition VALUE: the whole text, or one of its OR-clauses whose every AND-part
    is met by every account (with WORKFORCE, a test that the address is in one domain counts as such a part)."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if not text or _every_account(text, workforce):
        return True
    if GROUPING.search(text):
        return False
    return any(all(_every_account(part.strip(), workforce) for part in CONJUNCTION.split(clause))
               for clause in DISJUNCTION.split(text) if clause.strip())


def _every_account(text: str, workforce: bool) -> bool:
    """Whether every account meets TEXT; with WORKFORCE (a privileged group's rule), an address in one domain or
    holding one word, and a test that leaves out one kind of account, count as met by every account too."""
    if ALWAYS_TRUE.fullmatch(text) is not None or (workforce and ALL_BUT_ONE.fullmatch(text) is not None):
        return True
    every = EVERY_ACCOUNT.fullmatch(text) or (IN_DOMAIN.fullmatch(text) or ADDRESS_WORD.fullmatch(text)
                                              if workforce else None)
    attribute = every.group("a") or every.group("b") if every else None
    return every is not None and (attribute is None or ADDRESS_ATTRIBUTE.fullmatch(attribute) is not None)


@on_change(words=tuple(w.encode() for w in MEMBERSHIP_WORDS))  # one is in its type
def _match_all_membership(change: Change) -> Iterator[Finding]:
    """An automatic membership rule (Okta group rule, Azure AD dynamic group, team sync) that admits everyone into
    a group or role whose name says admin, owner or super."""
    if not any(word in change.type for word in MEMBERSHIP_WORDS):
        return
    before, after = sides(change)
    rules = dict(_conditions(after))
    old = dict(_conditions(before))
    names = [v for key, v in _flat(after) if not CONDITION_KEY.search(key)]
    target = [v for v in names if PRIVILEGED_NAME.search(v)]
    for where, condition in rules.items():
        workforce = bool(target)
        if not _always_true(condition, workforce) or (where in old and _always_true(old[where], workforce)):
            continue
        if _no_narrowing(where, condition):
            continue
        if target:
            yield finding(PRIVILEGED, change.address, f'{change.address}: {where} = "{condition}" admits everyone '
                          f'into "{target[0]}" (a privileged group)')
        elif "rule" in change.type and not any(EVERYONE_AUDIENCE.search(v) for v in [change.name, *names]):
            # A rule whose own names claim a narrower audience ("sre only") than its condition, which every account
            # meets: whatever the group grants, everyone now holds.
            yield finding(PRIVILEGED, change.address, f'{change.address}: {where} = "{condition}" admits every '
                          "account, though nothing in its names says the group is meant for everyone: whatever the "
                          "group grants, every user now holds")


# An address attribute tested against a domain (`String.stringSuffix(user.login, "@acme.com")`, `-like "*@acme.com"`),
# and the same attribute tested for a bare word anywhere in it (ADDRESS_WORD).
DOMAIN_ANCHORED = lazy_compile(
    r"(?:String\.string(?:Suffix|EndsWith)\(\s*user\.(\w+)\s*,\s*[\"']@[\w.-]+[\"']"
    r"|user\.(\w+)\s*(?:-endsWith\s*[\"']@[\w.-]+[\"']|-like\s*[\"']\*@[\w.-]+[\"']|\.endsWith\(\s*[\"']@))",
    re.IGNORECASE)
WORD_TESTED = lazy_compile(
    r"(?:String\.stringContains\(\s*user\.(\w+)\s*,\s*[\"'][\w.-]+[\"']"
    r"|user\.(\w+)\s*(?:-contains\s*[\"'][\w.-]+[\"']|-like\s*[\"']\*[\w.-]+\*[\"']))", re.IGNORECASE)


@on_change(actions=(Action.UPDATE,), words=tuple(w.encode() for w in MEMBERSHIP_WORDS))
def _domain_anchor_dropped(change: Change) -> Iterator[Finding]:
    """A membership rule whose address test moves from the company's domain (`@acme.com` at its end) to a word
    anywhere in the address: partners', contractors' and outsiders' addresses holding the word now qualify."""
    if not any(word in change.type for word in MEMBERSHIP_WORDS):
        return
    before, after = sides(change)
    old = dict(_conditions(before))
    for where, condition in _conditions(after):
        was = old.get(where)
        if not isinstance(was, str) or not isinstance(condition, str):
            continue
        anchored = {a for m in DOMAIN_ANCHORED.finditer(was) for a in m.groups() if a}
        loosened = {a for m in WORD_TESTED.finditer(condition) for a in m.groups() if a}
        if anchored & loosened and not anchored & {a for m in DOMAIN_ANCHORED.finditer(condition)
                                                   for a in m.groups() if a}:
            yield finding(PRIVILEGED, change.address, f'{change.address}: {where} = "{condition}" no longer tests '
                          "the address's domain, only a word anywhere in it: accounts of other domains that hold "
                          "the word (a partner's, a contractor's) now join")
            return


def _no_narrowing(where: str, condition: Any) -> bool:
    """Whether an empty `condition` is only a grant's optional narrowing left unset (a role assignment to one named
    principal): it admits nobody; an empty membership rule or expression is the one that admits every account."""
    return where.rsplit(".", 1)[-1].split("[")[0] == "condition" and not str(condition).strip()


def _conditions(values: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in _flat(values, where, strings_only=False):
        if CONDITION_KEY.search(key.rsplit(".", 1)[-1].split("[")[0]):
            yield key, value


def _flat(value: Any, where: str = "", strings_only: bool = True) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flat(item, f"{where}.{key}".lstrip("."), strings_only)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _flat(item, f"{where}[{index}]", strings_only)
    elif isinstance(value, str) or not strings_only:
        yield where, value


# Permission patterns that match everything: a broker user's configure/write/read regex, a database grant's ALL.
MATCH_ALL = {"*", ".*", "^.*$", ".+", "^.+$", "#", "all", "all privileges", "all_privileges"}
PATTERN_KEY = lazy_compile(r"^(?:configure|write|read|publish|subscribe|privileges?|permissions?|actions?|pattern"
                           r"|topic|topics|vhost_pattern|routing_key)$")
WRITE_KEYS = ("configure", "write", "publish", "privilege", "permission", "action")
ANONYMOUS = lazy_compile(r"^(?:guest|anonymous|anon|default|public|everyone|nobody|\*)$", re.IGNORECASE)
PERMISSION_WORDS = ("permission", "grant", "acl", "user", "access", "privilege", "policy")


def _match_all(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() in MATCH_ALL


@on_change(words=tuple(w.encode() for w in PERMISSION_WORDS))  # one is in its type
def _match_all_permissions(change: Change) -> Iterator[Finding]:
    """A permission of any provider widened to a match-all pattern: high when it writes or configures, or when the
    principal is a default, guest or anonymous one; reading everything as a named user is medium."""
    if change.type.startswith(KNOWN_PROVIDERS) or not any(word in change.type for word in PERMISSION_WORDS):
        return
    before, after = sides(change)
    if denies(after):
        return  # a deny entry that matches everything takes access away, it grants none
    principal = next((str(after[k]) for k in ("user", "username", "role", "principal", "grantee", "member")
                      if isinstance(after.get(k), str)), "")
    for key, value in after.items():
        if not PATTERN_KEY.match(key.lower()):
            continue
        if any(_match_all(v) for v in string_leaves(before.get(key))):
            continue
        # In a block of permissions (`permissions { configure, write, read }`) the inner key says what matches all.
        wild_at = next(((inner, v) for inner, v in _flat(value, key) if _match_all(v)), None)
        if wild_at is None:
            continue
        inner, wild = wild_at
        last = re.sub(r"\[\d+\]", "", inner).rsplit(".", 1)[-1].lower()
        what = last if PATTERN_KEY.match(last) else key.lower()
        anonymous = ANONYMOUS.match(principal) is not None
        level = Severity.HIGH if anonymous or what.startswith(WRITE_KEYS) else Severity.MEDIUM
        who = f" for {principal}" if principal else ""
        root = confined_root(after) if last.startswith("/") and not anonymous else None
        if root is not None:  # every file operation, on a directory of a view confined to one subtree
            yield finding(WILDCARD, change.address, f'{change.address}: {key} = "{wild}"{who} on {last}, inside its '
                          f"root {root} (every operation on its own files there)", Severity.MEDIUM)
            continue
        yield finding(WILDCARD, change.address, f'{change.address}: {key} = "{wild}"{who} (matches everything)',
                      level)


# Access-proxy policies (Cloudflare Access, IAP, Zero Trust) that let everyone in or skip the check.
OPEN_FLAGS = ("everyone", "any_valid_service_token", "all_users", "allow_all", "public")
OPEN_DECISIONS = {"bypass", "allow_all", "skip"}


@on_change(words=(b"access", b"policy", b"zero_trust"))  # one is in its type
def _open_access_policy(change: Change) -> Iterator[Finding]:
    """An access policy whose include (not exclude) now admits everyone, or whose decision becomes a bypass."""
    if "access" not in change.type and "policy" not in change.type and "zero_trust" not in change.type:
        return
    before, after = sides(change)
    old = set(_open(before))
    for where in _open(after):
        if where not in old:
            yield finding(PUBLIC, change.address, f"{change.address}: {where} (everyone gets through the proxy)")


def _open(values: dict[str, Any]) -> Iterator[str]:
    decision = str(values.get("decision") or "").lower()
    if decision in ("deny", "block", "non_identity"):
        return
    # require rules are ANDed with include: include everyone with a require naming someone admits only them
    required = any(_names_someone(block) for block in blocks(values, "require"))
    for key in ("require",) if required else ("include", "require"):
        for block in blocks(values, key):
            for flag in OPEN_FLAGS:
                # Cloudflare's provider 5 writes a selector it sets as an empty object (`everyone = {}`)
                if block.get(flag) is True or block.get(flag) == {}:
                    yield f"{key} {flag} = true" + (f' with decision "{decision}"' if decision else "")
            if key == "include" and (how := _how_only(block)):
                yield f"include names only {how}, not who: anyone with an account there gets in"
    if decision in OPEN_DECISIONS and not any(blocks(values, "include")):
        yield f'decision "{decision}" with no include'


# What in a require rule names who (an e-mail or domain, a directory group, a certificate's name): a login method,
# a country or an address range says how or from where anyone signs in, not who.
IDENTITY_KEYS = frozenset({"email", "emails", "email_domain", "email_list", "group", "groups", "gsuite", "okta",
                           "azure", "azure_ad", "github", "github_organization", "saml", "oidc", "common_name",
                           "common_names"})


# Selectors that say how someone signed in (which identity provider), never who: an include of only these admits
# every account of that provider (a public one, GitHub or Google, holds the whole world).
SIGN_IN_METHODS = frozenset({"login_method", "login_methods", "auth_method", "authentication_method",
                             "identity_provider", "identity_provider_id"})


def _how_only(block: dict[str, Any]) -> str | None:
    """The sign-in method keys of an include block that holds nothing else, or None."""
    held = {key for key, value in block.items() if value not in (None, "", [], {}, False)}
    return ", ".join(sorted(held)) if held and held <= SIGN_IN_METHODS else None


def _names_someone(block: dict[str, Any]) -> bool:
    """Whether a require block names who must match (an e-mail domain, a group, a certificate's name), not
    everyone."""
    return not any(block.get(flag) is True for flag in OPEN_FLAGS) and any(
        value not in (None, "", [], {}, False) for key, value in block.items() if key in IDENTITY_KEYS)


# A workspace's or directory's built-in group that every account belongs to, in any provider's spelling (Databricks
# `users`, `all-users`, `Everyone`, `authenticated`, `Domain Users`): a level granted to it is everyone's.
EVERYONE_GROUPS = frozenset({"users", "all-users", "all_users", "allusers", "everyone", "authenticated",
                             "authenticated-users", "authenticated_users", "all-authenticated-users", "domain users",
                             "all users", "all-members", "all_members"})
GROUP_KEYS = ("group_name", "group", "group_id", "principal", "principal_name", "grantee", "member", "team")
LEVEL_KEYS = ("permission_level", "permission", "access_level", "level", "role", "privilege", "access")
# A level that manages or owns the object: its holder changes its settings, credentials and who else gets in.
# (Not `CAN_MANAGE_RUN`: it starts and stops a job's runs, not the job.)
MANAGES = lazy_compile(r"(?:^|[_\s:-])(?:manage(?![_\s-]?runs?\b)|owner|admin|full[_\s-]?(?:control|access))",
                       re.IGNORECASE)


def _entries(values: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The resource itself and every block directly under it: where a grant names its holder and level."""
    yield values
    for item in values.values():
        for entry in item if isinstance(item, list) else []:
            if isinstance(entry, dict):
                yield entry


def _everyone_manages(entry: dict[str, Any]) -> str | None:
    """The level ENTRY grants, when it manages or owns and its holder is an everyone group; None otherwise."""
    group = next((str(entry[k]) for k in GROUP_KEYS if isinstance(entry.get(k), str)
                  and entry[k].strip().lower() in EVERYONE_GROUPS), None)
    level = next((str(entry[k]) for k in LEVEL_KEYS if isinstance(entry.get(k), str) and MANAGES.search(entry[k])),
                 None)
    return f'{level} to the "{group}" group' if group and level else None


@on_change(words=tuple(w.encode() for w in PERMISSION_WORDS))  # one is in its type
def _everyone_group_manages(change: Change) -> Iterator[Finding]:
    """A manage or owner level granted to the group every account of the workspace belongs to (any provider)."""
    if not any(word in change.type for word in PERMISSION_WORDS):
        return
    before, after = sides(change)
    old = {granted for entry in _entries(before) if (granted := _everyone_manages(entry))}
    for entry in _entries(after):
        granted = _everyone_manages(entry)
        if granted and granted not in old:
            yield finding(PRIVILEGED, change.address,
                          f"{change.address}: grants {granted}, which holds every account of the workspace: anyone "
                          "may now change its settings, credentials and who else gets in")


# Who a grant or a private connection admits, by attribute name (`principal_arn`, `allowed_principals`, a
# `principal`): the wildcard there is every account of the cloud, not a pattern of the owner's own names.
PRINCIPAL_KEY = lazy_compile(r"(?:allowed_)?principals?(?:_arns?|_ids?)?|principal_arn|allowed_principals")
# A key beside it that narrows the wildcard to one source (a permission's `source_account`, a condition block).
NARROWED_BY = lazy_compile(r"source_(?:account|arn|owner)\w*|principal_org\w*|conditions?|\w*org_id")
EVERY_PRINCIPAL = frozenset({"*", "arn:aws:iam::*:root", "allusers", "allauthenticatedusers"})


def _wildcard_principals(values: dict[str, Any]) -> set[str]:
    """The principal attributes of VALUES that admit every principal, unless a sibling narrows them."""
    if any(NARROWED_BY.fullmatch(k) and v not in (None, "", [], {}) for k, v in values.items()):
        return set()
    return {key for key, value in values.items() if PRINCIPAL_KEY.fullmatch(key)
            and any(isinstance(v, str) and v.strip().lower() in EVERY_PRINCIPAL
                    for v in (value if isinstance(value, list) else [value]))}


@on_change(words=(b"principal",))
def _every_principal(change: Change) -> Iterator[Finding]:
    """A grant or a private service's allow list that comes to admit `*`: any account may connect or act."""
    before, after = sides(change)
    for key in sorted(_wildcard_principals(after) - _wildcard_principals(before)):
        yield finding(PUBLIC, change.address, f"{change.address}: {key} admits every principal (\"*\"): any "
                      "account of the cloud may connect or use it, not only the ones named", Severity.HIGH)


# A broker ACL entry (Kafka, Confluent, Aiven, Redpanda) naming the topics it covers: a literal `*` (Kafka's own
# wildcard) or a match-all pattern is every topic on the cluster, present and future, so a consumer or producer
# granted there reads or writes all the cluster's data (orders, payments, audit), not the feed it was meant for.
ACL_RESOURCE_KEY = lazy_compile(r"(?:acl_)?resource_name|topic(?:_name|_pattern)?")
ACL_KIND_KEY = lazy_compile(r"(?:acl_)?resource_type")
ACL_PATTERN_KEY = lazy_compile(r"(?:acl_)?(?:resource_)?pattern_type\w*")
ACL_OPERATION_KEY = lazy_compile(r"(?:acl_)?(?:operation|permission)s?")
DATA_OPERATIONS = frozenset({"read", "write", "all", "readwrite", "admin", "consume", "produce"})


def _every_topic(values: dict[str, Any]) -> str | None:
    """The key of an allowing ACL entry in VALUES whose topic is every topic and whose operation moves data."""
    if denies(values) or any(ACL_KIND_KEY.fullmatch(k) and str(v).lower() != "topic" for k, v in values.items()):
        return None
    if any(ACL_PATTERN_KEY.fullmatch(k) and str(v).lower() not in ("literal", "match", "") for k, v in values.items()):
        return None
    operations = {str(v).strip().lower() for k, v in values.items() if ACL_OPERATION_KEY.fullmatch(k)}
    if not operations & DATA_OPERATIONS:
        return None
    return next((k for k, v in values.items() if ACL_RESOURCE_KEY.fullmatch(k) and _match_all(v)), None)


@on_change(words=(b"acl",))  # in its type
def _every_topic_acl(change: Change) -> Iterator[Finding]:
    """A broker ACL that comes to allow reading or writing every topic (`*`), for any principal."""
    if "acl" not in change.type:
        return
    before, after = sides(change)
    key = _every_topic(after)
    if key is not None and _every_topic(before) is None:
        yield finding(WILDCARD, change.address, f'{change.address}: {key} = "{after[key]}" allows '
                      f"{after.get('operation') or after.get('acl_operation') or after.get('permission')} on every "
                      "topic of the cluster: the grantee reads or writes all its data, not one feed", Severity.HIGH)


# The body of a row-access, masking or row-level-security policy, or any predicate that decides who sees what (a
# view's filter, a policy's `using`/`with_check`): a clause OR'ed into it that every session meets lets every
# session through, whatever the rest tests (`… OR 1 = 1`, `OR TRUE`, `OR CURRENT_ROLE() IS NOT NULL`).
PREDICATE_KEY = lazy_compile(r"(?:^|_)(?:body|expression|condition|predicate|filter|using|with_check|check"
                             r"|definition|statement|qual)$")
SESSION = r"(?:CURRENT_(?:ROLE|USER|ACCOUNT|SESSION)\s*\(\s*\)|CURRENT_(?:ROLE|USER)|SESSION_USER|USER|auth\.uid\(\))"
OR_ALWAYS_TRUE = lazy_compile(rf"\bOR\s+\(?\s*(?:TRUE|(\d+|'[^'\n]*')\s*=\s*\1|{SESSION}\s+IS\s+NOT\s+NULL)\s*\)?"
                              r"(?=\s*(?:\)|$|THEN\b|OR\b|;))", re.IGNORECASE)


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b" or ",))
def _predicate_always_true(change: Change) -> Iterator[Finding]:
    """A predicate that decides who sees which rows or values newly OR'ed with a clause every session meets."""
    before, after = sides(change)
    for key, value in after.items():
        if not (PREDICATE_KEY.search(key) and isinstance(value, str)):
            continue
        old = before.get(key)
        clauses = list(OR_ALWAYS_TRUE.finditer(value))
        if len(clauses) > len(OR_ALWAYS_TRUE.findall(old if isinstance(old, str) else "")):
            said = clauses[0].group(0).strip()[:60]
            yield finding(PUBLIC, change.address, f"{change.address}: {key} is now OR'ed with a clause every session "
                          f"meets ({said!r}): the policy lets everyone through")


# A membership rule that names its members one by one (`user.login == "a@x.edu" OR user.login == "b@x.edu"`).
NAMED_PERSON = lazy_compile(r"\(?\s*user\.(?:login|email|id|username|userName|mail|upn|userPrincipalName|objectId)"
                            r"\s*(?:==|-eq|eq)\s*[\"'][^\"']+[\"']\s*\)?", re.IGNORECASE)


def _names_people(condition: Any) -> bool:
    """Whether every OR-clause of CONDITION names one account."""
    if not isinstance(condition, str) or not condition.strip():
        return False
    return all(NAMED_PERSON.fullmatch(clause.strip()) for clause in DISJUNCTION.split(condition) if clause.strip())


@on_change(actions=(Action.UPDATE,), words=tuple(w.encode() for w in MEMBERSHIP_WORDS))
def _named_members_to_population(change: Change) -> Iterator[Finding]:
    """A rule into a privileged group that named its members one by one now admits a whole population by an
    attribute (`user.employeeType == "Staff"`): everyone with that attribute holds the group's rights."""
    if not any(word in change.type for word in MEMBERSHIP_WORDS):
        return
    before, after = sides(change)
    target = [v for key, v in _flat(after) if not CONDITION_KEY.search(key) and PRIVILEGED_NAME.search(v)]
    if not target:
        return
    old = dict(_conditions(before))
    for where, condition in _conditions(after):
        if _names_people(old.get(where)) and isinstance(condition, str) and condition.strip() \
                and not _names_people(condition):
            yield finding(PRIVILEGED, change.address, f'{change.address}: {where} named its members one by one and '
                          f'now admits everyone who meets "{condition[:120]}" into "{target[0]}" (a privileged group)')
            return
