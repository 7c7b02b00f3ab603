"""Risk rules, software supply chain (risk rules stage): signing and admission policies that let everything in,
signer identities matched by anything, workload identity subjects any pull request or any repository of an owner
can satisfy, anonymous writes to an artifact registry, write-enabled deploy keys, code owners dropped, and everyone
assigned an owner role.

Read by what attributes mean on any VCS, CI, registry, signing or identity provider, never by provider name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import as_list, show, sides, string_leaves
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.everyone import NARROWED_BY
from tfreview.pipeline.rules.federation import FEDERATED_TYPE
from tfreview.pipeline.rules.strengths import flag, inverted, ladder
from tfreview.pipeline.rules.units import parent
from tfreview.pipeline.rules.values import document, leaves, pairs, plain

SUPPLY = declare("supply-chain-opened", Severity.HIGH,
                 "Software supply chain weakened: an admission or signing policy lets everything in, a signer or "
                 "workload identity matched by anything, anonymous writes to a registry, a write-enabled deploy "
                 "key, code owners dropped, everyone made an owner, an image or chart source moved to another "
                 "publisher, or a package repository letting a public registry answer for internal names.")

# --- admission and verification modes: a decision that no longer decides -----------------------------------------
# `evaluation_mode` REQUIRE_ATTESTATION → ALWAYS_ALLOW (Binary Authorization), `verification` → allow_all.
ALLOW_ALL = ("always_allow", "allow_all", "allowall", "alwaysallow", "allow_any", "accept_all", "permit_all",
             "skip", "skip_verification", "no_verification", "disabled")
control(SUPPLY, r"\w*(?:evaluation|admission|verification|verify|attestation|signature|signing)\w*_(?:mode|policy"
        r"|action|decision|rule)|\w*(?:evaluation|admission|verification|attestation)\.(?:mode|action|decision)",
        ladder(("always_deny", "require_attestation", "enforce", "enforced", "require", "required", "deny", "block",
                "verify", "strict"), ("audit", "warn", "dryrun", "dry_run", "permissive"), ALLOW_ALL),
        "the admission or signature check now lets every image or artifact in")
# A credential made with write access (`read_only = false` on a deploy key or token): it can push code or packages.
control(SUPPLY, r"read_only|readonly|is_read_only", flag,
        "the key or token has write access: it can push code or packages",
        types=r"(?:^|_)(?:deploy_key|key|keys|token|tokens|credential|credentials)(?:_|$)", create=Severity.HIGH)
control(SUPPLY, r"can_push|allow_push|push_access|write_access|can_write", inverted,
        "the deploy key has write access: it can push code", types=r"deploy_keys?(?:_|$)", create=Severity.HIGH)

# --- identities matched by anything -------------------------------------------------------------------------------
IDENTITY_KEYS = lazy_compile(r"\w*(?:subject|identity|identities|issuer|signer|san|email|principal|workflow)\w*")
MATCH_ALL = lazy_compile(r"\^?(?:\.\*|\.\+|\*|\*\*|\[\^/]\*)\$?")


def _match_all(value: Any) -> bool:
    return isinstance(value, str) and MATCH_ALL.fullmatch(value.strip()) is not None


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"*", b".+"))  # every MATCH_ALL holds one
def _identity_match_all(change: Change) -> Iterator[Finding]:
    for path, before, after in pairs(change):
        if not _match_all(after) or not isinstance(before, str) or not before.strip() or _match_all(before):
            continue
        if IDENTITY_KEYS.fullmatch(plain(path).rpartition(".")[2].lower()) and not _narrowed(change, path):
            yield finding(SUPPLY, change.address, f"{change.address}: {path} {show(before)} → {show(after)} "
                          "(any identity matches: anything signed or issued by anyone passes)")


def _narrowed(change: Change, path: str) -> bool:
    """Whether the wildcard principal at PATH sits beside a condition that narrows it to one source or organisation
    (an event bus permission's `aws:PrincipalOrgID` condition): every identity of that organisation, not anyone."""
    block = parent(change.after, path) if "." in plain(path) else change.after
    return "principal" in path.lower() and isinstance(block, dict) \
        and any(NARROWED_BY.fullmatch(k) and v not in (None, "", [], {}) for k, v in block.items())


# --- review gates bypassed ---------------------------------------------------------------------------------------
BYPASS_KEYS = lazy_compile(r"\w*bypass\w*")
# What a bypass may skip: required reviews or approvals (a tag ruleset without them gates no review).
REVIEW_KEYS = lazy_compile(r"pull_request|\w*reviews?\w*|\w*approv\w*|\w*reviewers?\w*")
ALWAYS = frozenset({"always", "exempt", "any"})


def _always_bypassers(values: dict[str, Any]) -> set[str]:
    """The actors a rule's bypass list lets skip it at any time (mode `always`, not only through a pull request)."""
    found = set()
    for key, value in values.items():
        if not BYPASS_KEYS.fullmatch(key):
            continue
        for item in as_list(value):
            if not isinstance(item, dict):
                continue
            mode = next((str(v).lower() for k, v in item.items() if str(k).endswith("mode")), "always")
            if mode in ALWAYS:
                found.add(",".join(f"{k}={v}" for k, v in sorted(item.items()) if not str(k).endswith("mode")))
    return found


def _requires_review(values: dict[str, Any]) -> bool:
    return any(value not in (None, False, 0, "", [], {}) for path, value in leaves(values)
               if any(REVIEW_KEYS.fullmatch(part) for part in plain(path).split(".")))


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"bypass",))  # BYPASS_KEYS
def _gate_bypassed(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    added = sorted(_always_bypassers(after) - _always_bypassers(before))
    if added and _requires_review(after if change.action is Action.CREATE else before):
        yield finding(SUPPLY, change.address, f"{change.address}: bypass actor {added[0][:120]} may always skip "
                      "the rule's required reviews (merges straight to the protected branch)")


# --- workload identity subjects -----------------------------------------------------------------------------------
SUBJECT_KEYS = lazy_compile(r"sub|subjects?|subject_\w+|allowed_subjects?|bound_subject\w*")
# The last part of a CI subject that any pull request satisfies (forks' pull requests included).
PULL_REQUEST = lazy_compile(r"(?:^|[:/])(?:pull_request|pull_request_target|merge_request|pr)(?:$|:\*$)")
CLAIM_KEYS = lazy_compile(r"\w*claim_keys|\w*claims|\w*claim_names")
# Claims that name only an owner (organisation, namespace): every repository of the owner then shares one subject.
OWNER_CLAIMS = lazy_compile(r"(?:repository_|repo_|project_)?(?:owner|owner_id|org|organi[sz]ation|organi[sz]ation_id"
                            r"|namespace|namespace_id|namespace_path|enterprise|account|group|group_path)")


# A SUBJECT_KEYS or CLAIM_KEYS key, as it serialises: one of them is needed for either finding.
@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE),
           words=(b'"sub"', b'"subject', b'"allowed_subject', b'"bound_subject', b"claim"))
def _subject_widened(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    federated = bool(FEDERATED_TYPE.search(change.type)) or any("issuer" in k for k in after)
    for key, new in after.items():
        old = before.get(key)
        if federated and SUBJECT_KEYS.fullmatch(key):
            was = [v for v in as_list(old) if isinstance(v, str)]
            added = [v for v in as_list(new) if isinstance(v, str) and PULL_REQUEST.search(v)
                     and not any(PULL_REQUEST.search(w) for w in was)]
            if added and (was or change.action is not Action.UPDATE):
                yield finding(SUPPLY, change.address, f"{change.address}: {key} {show(added[0])} (any pull "
                              "request, including one from a fork, can sign in as this identity)")
        if CLAIM_KEYS.fullmatch(key) and isinstance(new, list) and isinstance(old, list) and new and old:
            narrow = [c for c in old if isinstance(c, str) and not OWNER_CLAIMS.fullmatch(c.lower())]
            if narrow and all(isinstance(c, str) and OWNER_CLAIMS.fullmatch(c.lower()) for c in new):
                yield finding(SUPPLY, change.address, f"{change.address}: {key} {show(old)} → {show(new)} (the "
                              "subject names only the owner: every repository's token matches trusts keyed on it)")


# --- anonymous writes ----------------------------------------------------------------------------------------------
ANONYMOUS = frozenset({"anonymous", "anon", "everyone", "allusers", "all_users", "all-users", "public",
                       "unauthenticated", "guest", "*"})
ANONYMOUS_VALUES = tuple(f'"{word}"'.encode() for word in ANONYMOUS)
NAME_KEYS = ("name", "user", "username", "principal", "member", "id", "group")
PERMISSION_KEYS = lazy_compile(r"\w*(?:permissions?|actions?|privileges?|rights|roles?|access|scopes?)")
WRITE_WORDS = frozenset({"write", "writer", "deploy", "push", "publish", "upload", "delete", "manage", "admin",
                         "owner"})
_TOKENS = lazy_compile(r"[a-z]+")


def _anonymous_writers(value: Any) -> set[str]:
    """'name: permission' for each block at any depth that gives an anonymous principal a write permission."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
            who = next((str(item[k]) for k in NAME_KEYS if isinstance(item.get(k), str)), "")
            if who.strip().lower() not in ANONYMOUS:
                continue
            grants = [v for k, v in item.items() if PERMISSION_KEYS.fullmatch(str(k))]
            found.update(f"{who}: {w}" for w in string_leaves(grants) if WRITE_WORDS & set(_TOKENS.findall(w.lower())))
    return found


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=ANONYMOUS_VALUES)  # the walk needs one
def _anonymous_write(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    added = sorted(_anonymous_writers(after) - _anonymous_writers(before))
    if added:
        yield finding(SUPPLY, change.address, f"{change.address}: anonymous callers may now write "
                      f"({', '.join(added[:3])}): anyone can push or overwrite packages or images")


# --- code owners ---------------------------------------------------------------------------------------------------
CODEOWNERS = lazy_compile(r"(?:^|/)CODEOWNERS$", re.IGNORECASE)
CATCH_ALL = frozenset({"*", "/*", "**", "/**", "/"})
EVERYONE_TEAMS = lazy_compile(r"(?:^|[/@\-_])(?:everyone|all|all[-_]?members|members|all[-_]?users|employees|staff)$",
                              re.IGNORECASE)


def _owners(text: Any) -> dict[str, tuple[str, ...]]:
    """pattern → owners of each rule line of a CODEOWNERS text."""
    rules: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines() if isinstance(text, str) else []:
        words = line.split("#", 1)[0].split()
        if words:
            rules[words[0]] = tuple(words[1:])
    return rules


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"codeowners",))
def _code_owners(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    path = next((v for k, v in after.items() if k in ("file", "path", "file_path") and isinstance(v, str)), "")
    if not CODEOWNERS.search(path):
        return
    content = next((k for k in ("content", "contents", "text") if k in after), "")
    old, new = _owners(before.get(content)), _owners(after.get(content))
    # One obsolete path removed is housekeeping; every path-specific owner gone leaves only the catch-all.
    specific = [p for p, owners in old.items() if owners and p not in CATCH_ALL]
    dropped = specific if specific and not any(p not in CATCH_ALL for p in new) else []
    everyone = [f"{p} {o}" for p, owners in new.items() for o in owners if EVERYONE_TEAMS.search(o)
                and o not in old.get(p, ())]
    if dropped or everyone:
        why = f"owners of {', '.join(dropped[:3])} dropped" if dropped else f"{everyone[0]} makes everyone an owner"
        yield finding(SUPPLY, change.address, f"{change.address}: CODEOWNERS rewritten ({why}): required "
                      "code-owner reviews no longer reach the owners")


# --- everyone assigned an owner role -------------------------------------------------------------------------------
ASSIGNED = lazy_compile(r"(?:^|_)(?:group_id|group|group_name|groups|principal_id|principal|member|members)$")
EVERYONE_GROUP = lazy_compile(r"everyone|all[-_ ]?users|all[-_ ]?employees|allusers", re.IGNORECASE)
OWNER_ROLE = lazy_compile(r"(?:^|[^a-z])(?:owner|owners|admin|admins|administrator|super_?admin|org_?admin"
                          r"|enterprise_owner)(?:$|[^a-z])", re.IGNORECASE)
ROLE_KEYS = lazy_compile(r"\w*(?:role|roles|profile|permission|permissions|privilege|access_level)\w*")


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE),  # an EVERYONE_GROUP value is needed
           words=(b"everyone", b"allusers", b"all-users", b"all_users", b"all users", b"allemployees", b"all-employees",
                  b"all_employees", b"all employees"))
def _everyone_owner(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    groups = [v for k, v in after.items() if ASSIGNED.search(k) for v in string_leaves(v) if EVERYONE_GROUP.search(v)]
    if not groups or any(EVERYONE_GROUP.search(v) for k, v0 in before.items() if ASSIGNED.search(k)
                         for v in string_leaves(v0)):
        return
    roles = [v for k, v in after.items() if ROLE_KEYS.fullmatch(k)
             for _, v in leaves(document(v) if isinstance(v, str) and document(v) is not None else v)
             if isinstance(v, str) and OWNER_ROLE.search(v)]
    if roles:
        yield finding(SUPPLY, change.address, f"{change.address}: assigns {show(groups[0])} (everyone) the role "
                      f"{show(roles[0])}: every member of the directory becomes an owner or admin")
