"""Who a resource or trust policy lets in (risk rules stage; feeds `iam-public-member` and `iam-open-trust`
through iam.py).

Everyone (Principal "*", any account, NotPrincipal) unless a Condition narrows who (organisation, source account,
VPC endpoint); another account outside the plan's own with no ExternalId or organisation guard; a federated
identity provider with no audience or subject condition, or a subject wildcard that leaves its owner open.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.actions import is_read, publishes_code, takes_data
from tfreview.pipeline.rules.judge import PUBLIC, TRUST, Verdict
from tfreview.pipeline.rules.policy import Statement, grants_action

# Condition keys that narrow who a Principal "*" really is (the benign look-alike of a public policy).
RESTRICTING_KEYS = frozenset({
    "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
    "aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:sourcevpce", "aws:sourcevpc",
    "aws:sourceorgid", "aws:sourceorgpaths", "aws:userid", "aws:principalservicename", "aws:sourceip",
    "kms:calleraccount", "s3:dataaccesspointaccount", "s3:dataaccesspointarn", "aws:resourceorgid",
    "elasticfilesystem:accesspointarn", "aws:vpcsourceip",
})
# Keys whose presence guards a trust of another account (confused-deputy and organisation guards).
ACCOUNT_GUARDS = frozenset({"sts:externalid", "aws:principalorgid", "aws:principalorgpaths", "aws:principalarn",
                            "aws:sourceidentity", "aws:sourceaccount", "aws:sourcearn"})
WORLD = {"0.0.0.0/0", "::/0", "*"}
# What another account can do with a key or secret once its resource policy lets it in: read what it protects.
# What a key's owner shares with a named partner on purpose (use it to read), as against handing it on
# (CreateGrant lets the partner grant anyone) or re-wrapping data under other keys.
SHARED_USE = frozenset({"kms:decrypt", "secretsmanager:getsecretvalue"})
# (kms:Sign included: whoever signs with a key speaks as its owner — a release, a token, a wallet transaction.)
KEY_USE = ("kms:Decrypt", "kms:CreateGrant", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:Sign",
           "secretsmanager:GetSecretValue")
OIDC_SUBJECTS = (":sub", ":job_workflow_ref", ":repository", ":repository_id", ":workflow_ref")
SUBJECT_PREFIXES = ("repo:", "system:serviceaccount:", "organization:", "project_path:", "project:",
                    "workspace:", "group:", "pipeline:")
# Web identity providers shared by everyone: the audience (the application id) is what limits them.
AUDIENCE_PROVIDERS = frozenset({"cognito-identity.amazonaws.com", "accounts.google.com", "graph.facebook.com",
                                "www.amazon.com"})
ASSUME = ("sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml")
RESOURCE_ACCOUNT = lazy_compile(r"^arn:aws[\w-]*:[\w-]+:[\w-]*:(\d{12}):")
ACCOUNT = lazy_compile(r"^(?:arn:aws[\w-]*:iam::)?(\d{12})(?::|$)")
# An ARN pattern whose account field is a wildcard (or empty where the service has accounts): it names no owner.
ANY_ACCOUNT_ARN = lazy_compile(r"^arn:[\w*?-]*:[\w*?-]*:[\w*?-]*:[^:]*[*?][^:]*:", re.IGNORECASE)

# A role that single sign-on creates for people (IAM Identity Center's `AWSReservedSSO_*`, a role named for SSO):
# whoever assumes it signed in through the organisation's own directory.
SSO_ROLE = lazy_compile(r":role/(?:aws-reserved/sso\.amazonaws\.com/)?(?:AWSReservedSSO_|sso[-_])", re.IGNORECASE)


class Accounts(Protocol):
    """Where the plan's own AWS accounts come from (computed only when a principal names an account)."""

    @property
    def own(self) -> frozenset[str]:
        """The plan's own account ids."""


def principals(statements: list[Statement], accounts: Accounts, trust: bool, public_guarded: bool = False,
               key: bool = False) -> Iterator[Verdict]:
    """Who a resource or trust policy lets in, when that is everyone or someone outside the plan's accounts.

    PUBLIC_GUARDED skips a Principal "*" that has no Condition at all (another rule reports those); KEY says the
    policy is a key's or secret's, where letting another account use it is high.
    """
    if key and not accounts.own and (owner := _key_owner(statements)):
        accounts = _Owned(owner)
    denies = [s for s in statements if not s.allows and s.has_principal]
    for statement in statements:
        if not statement.allows or not statement.has_principal:
            continue
        if any(_fences(deny, statement) for deny in denies):
            continue  # "deny everyone unless through our endpoint / from our org" fences this allow
        is_trust = trust or any(a.lower().startswith(ASSUME) for a in statement.actions)
        yield from _who(statement, accounts, is_trust, public_guarded, key)


@dataclass(frozen=True)
class _Owned:
    """The key's own account, read from its policy (the plan shows none of its own)."""

    own: frozenset[str]


def _key_owner(statements: list[Statement]) -> frozenset[str]:
    """The account a key policy hands full control to, unconditioned, on its whole root (the statement every key
    policy needs so its own account's IAM policies apply), when exactly one account has it: the key's own."""
    found = {match.group(1) for s in statements if s.allows and not s.conditions
             and any(a == "*" or a.endswith(":*") for a in s.actions)
             for p in s.principals.get("AWS", ()) if (p.isdigit() or p.endswith(":root"))
             and (match := ACCOUNT.match(p))}
    return frozenset(found) if len(found) == 1 else frozenset()


def _who(statement: Statement, accounts: Accounts, trust: bool, skip_bare: bool, key: bool = False,
         ) -> Iterator[Verdict]:
    name = statement.name
    limits = _restricting(statement)
    aws = statement.principals.get("AWS", ())
    everyone = ("*" in statement.principals.get("*", ()) or any(_any_account(p) for p in aws)
                or statement.not_principals is not None)
    rule = TRUST if trust else PUBLIC
    if everyone and not limits and not (skip_bare and not statement.conditions and not trust):
        what = "lets Principal \"*\" assume the role" if trust else 'allows Principal "*"'
        other = sorted({k for keys in statement.conditions.values() for k in keys})
        guard = f" with no Condition that limits who (only {', '.join(other)})" if other else " with no Condition"
        yield Verdict(rule, Severity.HIGH, f"{name} {what}{guard} (anyone)")
    for provider in statement.principals.get("Federated", ()):
        if trust:
            yield from _federated(name, provider, statement)
    for principal in aws:
        match = ACCOUNT.match(principal)
        if not match or match.group(1) in accounts.own:
            continue
        own = accounts.own
        guarded = any(key in ACCOUNT_GUARDS for keys in statement.conditions.values() for key in keys)
        if guarded or (not own and not trust and not _shares(statement, principal)):
            continue
        if own:
            uses = [a for a in KEY_USE if grants_action(statement, a)] if key and not trust else []
            if isinstance(accounts, _Owned):  # the owner read from the policy: a partner's Decrypt is a share
                uses = [a for a in uses if a.lower() not in SHARED_USE]
            # Every action of a service (`glue:*`, `*`, a NotAction) is full control, not a cross-account share.
            every = [a for a in statement.actions if a == "*" or a.endswith(":*")] if not trust else []
            if not trust and statement.not_actions is not None:
                every = ["everything but its NotAction"]
            # An account the plan never shows as its own that may take the data out (receive a queue's messages,
            # get a bucket's objects) is the data leaving; one that may only send in or read settings is not.
            # One that may push what others run (an image, a package, code) can swap what is deployed.
            named = statement.actions if not trust and not uses and not every else []
            takes = [a for a in named if takes_data(a)]
            pushes = [a for a in named if publishes_code(a)]
            severity = Severity.HIGH if trust or uses or every or takes or pushes else Severity.MEDIUM
            use = f" to {', '.join(uses)}" if uses else f" to {', '.join(every[:3])} (full control)" if every else (
                f" to {', '.join(takes[:3])} (it takes the data out)" if takes else
                f" to {', '.join(pushes[:3])} (it can replace what is deployed)" if pushes else "")
            yield Verdict(rule, severity, f"{name} {'trusts' if trust else 'lets in'} account {match.group(1)}{use}, "
                          f"outside this plan's account{'s' if len(own) > 1 else ''} {', '.join(sorted(own))}, "
                          "with no ExternalId or organisation condition")
        elif not trust:
            yield _shared(statement, match.group(1))
        else:
            person = _needs_mfa(statement)
            sso = SSO_ROLE.search(principal) is not None
            yield Verdict(TRUST, Severity.MEDIUM if person or sso else Severity.HIGH,
                          f"{name} trusts account {match.group(1)} with no ExternalId or organisation condition (the "
                          "plan shows no account of its own to compare)"
                          + ("; it requires MFA: people signing in, not a vendor's service" if person else "")
                          + ("; only the account's single sign-on role, people of the organisation's own directory"
                             if sso and not person else ""))


def _fences(deny: Statement, allow: Statement) -> bool:
    """Whether DENY refuses everyone ALLOW lets in unless a condition narrows who or where (`StringNotEquals
    aws:SourceVpce`, `aws:PrincipalOrgID`, `NotIpAddress aws:SourceIp`): every action and resource the allow grants
    is denied to anyone outside that fence, so the allow reaches only inside it."""
    if not ("*" in deny.principals.get("*", ()) or "*" in deny.principals.get("AWS", ())) or deny.not_actions:
        return False
    if allow.not_actions is not None or not all(grants_action(deny, a) for a in allow.actions):
        return False
    if "*" not in deny.resources and not set(allow.resources) <= set(deny.resources):
        return False
    return any("not" in operator.lower() and key in RESTRICTING_KEYS and values
               and not any(_matches_anything(v, operator.lower().replace("not", "")) for v in values)
               for operator, keys in deny.conditions.items() for key, values in keys.items())


# Actions that delete what a resource holds (`s3:DeleteObject`, `DeleteObjectVersion`, `RemoveObject`).
DELETES = lazy_compile(r"(?:Delete|Remove|Purge)\w*", re.IGNORECASE)


def _shares(statement: Statement, principal: str) -> bool:
    """Whether a resource policy shares with a whole account (its root): its own account needs no resource policy for
    that, except a KMS key's, whose policy must name its own root to let IAM policies in."""
    whole = principal.isdigit() or principal.endswith(":root")
    return whole and not any(a.lower().startswith("kms:") for a in statement.actions)


def _shared(statement: Statement, account: str) -> Verdict:
    """A resource policy shares with a whole account the plan does not show as its own: high when it lets it read or
    delete (writing alone is how a central log bucket receives its members' logs)."""
    reads = [a for a in statement.actions if is_read(a) or "*" in a or a.lower() in {u.lower() for u in KEY_USE}
             or publishes_code(a) or DELETES.match(a.partition(":")[2])]
    shipped = next((r for r in statement.resources if SHIPPED.search(r)), None)
    writes = [a for a in statement.actions if WRITES_OBJECTS.search(a.partition(":")[2])] if shipped else []
    severity = Severity.HIGH if reads or writes or statement.not_actions is not None else Severity.MEDIUM
    into = f" to write {shipped}, which devices or builds install from" if writes and not reads else ""
    return Verdict(PUBLIC, severity, f"{statement.name} lets in the whole account {account}"
                   f"{' to ' + ', '.join(reads[:3]) if reads else ''}{into} (the plan shows no account of its own; a "
                   "resource policy names an account only to share with another)")


# Stores whose objects others install or run (firmware, releases, packages, installers, update images): another
# account writing there ships code to whatever installs from it, unlike a log bucket receiving members' logs.
SHIPPED = lazy_compile(r"firmware|releases?\b|artifacts?|packages?|installers?|binaries|builds?\b|updates?\b"
                       r"|\bota\b|-ota-|dist\b|downloads?|images?\b|plugins?|charts?\b", re.IGNORECASE)
WRITES_OBJECTS = lazy_compile(r"^(?:Put|Upload|Replicate|Restore|Copy)\w*$", re.IGNORECASE)


def _needs_mfa(statement: Statement) -> bool:
    """Whether a trust lets in only sessions signed in with MFA (`Bool aws:MultiFactorAuthPresent "true"`)."""
    return any(str(v).lower() == "true" for operator, keys in statement.conditions.items()
               if operator.lower() == "bool" for v in keys.get("aws:multifactorauthpresent", ()))


def _any_account(principal: str) -> bool:
    return principal == "*" or principal.startswith("arn:aws:iam::*:")


def _restricting(statement: Statement) -> list[str]:
    found = []
    for operator, keys in statement.conditions.items():
        lowered = operator.lower()
        if lowered.endswith("ifexists") or lowered.startswith(("forallvalues", "null")) or "not" in lowered:
            continue
        for key, values in keys.items():
            if key in RESTRICTING_KEYS and values and not any(_matches_anything(v, lowered) for v in values):
                found.append(key)
    return found


def _matches_anything(value: str, operator: str) -> bool:
    """Whether a condition value admits anyone: "*", 0.0.0.0/0, or a pattern like "o-*" or "arn:aws:iam::*:*"."""
    if value in WORLD:
        return True
    if "like" not in operator:
        return False
    if ANY_ACCOUNT_ARN.match(value):  # `arn:aws:iam::*:role/recon-*`: anyone can name a role so in their account
        return True
    rest = re.sub(r"^arn:aws[\w-]*:[\w*-]*:[\w*-]*:[\w*-]*:", "", value.lower())
    rest = re.sub(r"^(?:o-|ou-|vpce-|vpc-|r-)", "", rest)
    return rest.strip("*?/:") == "" or rest in ("root", "role/*", "user/*")


def _federated(name: str, provider: str, statement: Statement) -> Iterator[Verdict]:
    text = provider.lower()
    if "saml-provider/" in text:
        return  # a SAML trust is limited to the identity provider's own users
    if text in AUDIENCE_PROVIDERS:
        if not _keys_ending(statement, (":aud", ":oaud", ":app_id", ":sub", ":user_id")):
            yield Verdict(TRUST, Severity.HIGH, f"{name} trusts {provider} with no audience (:aud) condition: "
                          "any of its users, of any application, may assume the role")
        return
    subjects = _keys_ending(statement, OIDC_SUBJECTS)
    if not subjects:
        yield Verdict(TRUST, Severity.HIGH, f"{name} trusts {provider} with no subject (:sub) condition: any "
                      "identity of that provider may assume the role")
        return
    wide = [v for v in subjects if _wide_subject(v)]
    if wide and len(wide) == len(subjects):
        yield Verdict(TRUST, Severity.HIGH, f'{name} trusts {provider} for subject "{wide[0]}": a wildcard '
                      "that lets identities outside the owner's repositories or namespaces assume the role")


def _keys_ending(statement: Statement, suffixes: tuple[str, ...]) -> list[str]:
    """Values of positive conditions on keys ending in SUFFIXES; an exact (…Equals) value has no wildcard, so its
    "*" and "?" are blanked out."""
    values: list[str] = []
    for operator, keys in statement.conditions.items():
        lowered = operator.lower()
        if "not" in lowered or lowered.endswith("ifexists"):
            continue
        for key, found in keys.items():
            if key.endswith(suffixes):
                exact = "like" not in lowered
                values.extend(v.replace("*", "-").replace("?", "-") if exact else v
                              for v in found or ("*",))
    return values


def _wide_subject(value: str) -> bool:
    """Whether a subject pattern leaves its owner open: `*`, `repo:*`, `repo:acme*/x`, `system:serviceaccount:*:x`."""
    rest = value
    for prefix in SUBJECT_PREFIXES:
        if rest.lower().startswith(prefix):
            rest = rest[len(prefix):]
            break
    owner = re.split(r"[/:]", rest, maxsplit=1)[0]
    return owner == "" or "*" in owner or "?" in owner
