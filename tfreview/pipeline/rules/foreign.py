"""Risk rules, reach: data shared, replicated or granted to an account, organisation or tenant that the plan does
not show as its own (a share's accounts, a failover group's allowed accounts, a grant's principal, a consumer's
identifier, a resource a grant lets in by the project it lives in such as an authorized view), and recipients that
sign in with a bearer token or link instead of an identity. The plan's own accounts come from `peering.own_scopes`;
values already there before the change are not judged again."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, managed, rule
from tfreview.pipeline.rules.bearerlinks import long_lived_links
from tfreview.pipeline.rules.documents import provider_organisations
from tfreview.pipeline.rules.mailboxes import consumer_domains, covert_copies, personal_deliveries, personal_grantees
from tfreview.pipeline.rules.outsiders import foreign_tenants
from tfreview.pipeline.rules.peering import RECEIVER_KEY as CONSUMER
from tfreview.pipeline.rules.peering import authorized_scopes, own_scopes
from tfreview.pipeline.rules.policytext import ACCOUNT, ARN_ACCOUNT, POLICY_TEXT, policy_principals
from tfreview.pipeline.rules.values import leaves, plain

# An attribute naming the accounts data goes to: a share's `accounts`, `allowed_accounts`, `destination_account_id`,
# an export's `s3_bucket_owner` (the owner of the bucket it writes to; not a bucket's `expected_bucket_owner` guard).
DIRECTED = lazy_compile(r"(?:(?:destination|dest|target|allowed|consumer|recipient|shared|grantee|partner)_)?"
                        r"accounts|account_ids"
                        r"|(?:destination|dest|target|allowed|consumer|recipient|shared|grantee|partner)_account\w*"
                        r"|(?:consumer_)?accept_lists?"
                        r"|(?:s3_|gcs_|storage_)?bucket_owner(?:_account(?:_id)?)?")
# A list of who may open a private connection in (Private Service Connect's consumer accept list): a project or
# account added there reaches the service's internal network, as a share's consumer reaches its data.
ADMITS = lazy_compile(r"(?:consumer_)?accept_lists?")
ADMITTED = lazy_compile(r"project\w*|account\w*|network")
# An attribute naming who receives a grant; only an account number, ARN or org.account locator in it is judged.
GRANTEE = lazy_compile(r"principals?|grantees?|grantee_principals?|account(?:_id)?"
                       r"|(?:consumer|recipient|grantee|subscriber)_(?:identifiers?|ids?)")
# A consumer named by an identifier (a datashare authorization's `consumer_identifier`: an account or a namespace):
# read-only, its data is offered for the consumer to accept (medium, confirm it); with writes allowed, another
# account may change the plan's data (high).
WRITES = lazy_compile(r"(?:allow|enable|permit)_?writes?|writ(?:e|able)_?(?:access|enabled|allowed)|read_?write")
# Blocks that each grant to a principal (QuickSight's `permission`, any provider's `grant` or `share` blocks).
BLOCKS = lazy_compile(r"permissions?|grants?|shares?|sharing|access_grants?")
# Types whose bare `account` or `account_id` is the one granted to (an endpoint authorization, a share, a
# permission: a snapshot's create-volume or an image's launch permission).
GRANTING = lazy_compile(r"authoriz|share|grant|permission")
# A type whose purpose is handing data to other accounts (a data share): a consumer added there is the data leaving.
SHARE = lazy_compile(r"(?:^|_)(?:share|data_share|datashare)(?:_|$)")
LOCATOR = lazy_compile(r"^([A-Za-z][\w-]*)\.[A-Za-z][\w-]*$")
OPAQUE = lazy_compile(r"^[\w.:-]{3,}$")
# A permission that only invokes (lambda:InvokeFunction, lambda:InvokeFunctionUrl), and a principal that is one named
# role or user rather than an account's root.
INVOKE_ACTION = lazy_compile(r"^[\w-]+:Invoke\w*$")
NAMED_PRINCIPAL = lazy_compile(r"^arn:aws[\w-]*:(?:iam|sts)::\d{12}:(?:role|user|assumed-role)/")
# A machine image handed to another account to launch from (an AMI's launch permission, an image distribution):
# golden images go to workload accounts by design and hold software, not a store's data; a public image is judged
# by the exposure rules. Snapshots, volumes, disks and backups hold data and stay high.
IMAGES = lazy_compile(r"(?:^|_)(?:ami|image|images|imagebuilder)(?:_|$)")
STORES = lazy_compile(r"snapshot|volume|disk|backup")
# Images, snapshots and backups handed to other accounts by nested blocks: the block that grants or distributes,
# and the key that lists the accounts.
NESTED_TYPES = lazy_compile(r"image|(?:^|_)ami(?:_|$)|snapshot|distribution|backup")
NESTED_HOLDER = lazy_compile(r"permission|distribution")
NESTED_ACCOUNTS = lazy_compile(r"(?:user|account|target_account)_ids|accounts")
# A value that takes everything (a topic pattern `.*`, a table `*`): the whole data set goes.
EVERYTHING = frozenset({"*", ".*", "^.*$", "%", "all", "ALL"})


# A recipient of shared data that signs in with a bearer token or an activation link (Delta Sharing's open sharing,
# any provider's TOKEN or LINK recipient) rather than as an identity of a known account: whoever holds the link
# reads the share, and nothing in the plan can show that holder is inside. An IP access list narrows where from.
RECIPIENT = lazy_compile(r"recipient|consumer|subscriber|(?:^|_)(?:share|sharing)(?:_|$)")
RECIPIENT_AUTH = lazy_compile(r"\w*auth\w*_(?:type|mode|method)|authentication")
BEARER = frozenset({"token", "bearer", "bearer_token", "link", "open", "open_sharing", "anonymous", "public", "none"})
IP_LIST = lazy_compile(r"\w*ip\w*(?:access|allow)\w*|allowed_ip\w*|\w*ip_(?:ranges?|addresses)")


def _bearer_recipients(ri: ReviewInput) -> Iterator[Finding]:
    """Recipients of shared data newly authenticated by a bearer token or link instead of an identity."""
    for change in managed(ri.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE):
        if not RECIPIENT.search(change.type) or not isinstance(change.after, dict):
            continue
        before = change.before if isinstance(change.before, dict) else {}
        for key, value in change.after.items():
            if not RECIPIENT_AUTH.fullmatch(key) or not isinstance(value, str) or value.lower() not in BEARER \
                    or before.get(key) == value:
                continue
            narrowed = any(IP_LIST.fullmatch(k) and v not in (None, [], {}, "") for k, v in change.after.items())
            yield finding("foreign-data-share", change.address,
                          f"{change.address} is a data recipient that signs in with {key} = {value!r}: whoever "
                          "holds its token or activation link reads what is shared with it, and nothing in the plan "
                          "shows who that is" + (" (an IP access list narrows where from)" if narrowed else ""),
                          Severity.MEDIUM if narrowed else Severity.HIGH)


def _targets(change: Change) -> Iterator[tuple[str, str]]:
    """(attribute, value) pairs of the change's new value that name whom data goes to."""
    after = change.after if isinstance(change.after, dict) else {}
    for key, value in after.items():
        if not _receiving(key):
            continue
        if POLICY_TEXT.fullmatch(key) and isinstance(value, str):
            yield from ((f"{key}.Principal", s) for s in policy_principals(value))
            continue
        if BLOCKS.fullmatch(key) and isinstance(value, list):  # `permission { principal = "arn:…:777788889999:…" }`
            yield from ((f"{key}.{inner}", s) for block in value if isinstance(block, dict)
                        for inner, found in block.items() if GRANTEE.fullmatch(inner)
                        for s in _strings(found) if ARN_ACCOUNT.match(s) or ACCOUNT.match(s))
            continue
        if ADMITS.fullmatch(key) and isinstance(value, list):  # `{ project_id_or_num = "…" }` blocks or strings
            yield from ((key, s) for s in _admitted(value))
            continue
        directed = DIRECTED.fullmatch(key) is not None  # the key first: most name no receiver
        receiver = GRANTEE.fullmatch(key) and (not key.startswith("account") or GRANTING.search(change.type))
        if not directed and not receiver:
            continue
        items = value if isinstance(value, list) else [value]
        strings = [str(v) for v in items if isinstance(v, str | int) and not isinstance(v, bool)]
        if directed:
            yield from ((key, s) for s in strings)
        else:
            yield from ((key, s) for s in strings if ACCOUNT.match(s) or ARN_ACCOUNT.match(s) or LOCATOR.match(s))
    if NESTED_TYPES.search(change.type):
        yield from _nested_accounts(after)


def _nested_accounts(after: dict[str, object]) -> Iterator[tuple[str, str]]:
    """(path, account) of the accounts a nested permission or distribution block hands an image or snapshot to
    (an image recipe's `distribution.ami_distribution_configuration.launch_permission.user_ids`)."""
    for path, value in leaves(after):
        steps = plain(path).split(".")
        if len(steps) >= 3 and NESTED_ACCOUNTS.fullmatch(steps[-1]) and NESTED_HOLDER.search(steps[-2]):
            yield from ((".".join(steps), s) for s in _strings(value) if ACCOUNT.match(s) or ARN_ACCOUNT.match(s))


# A plan repeats a few hundred attribute names across all its changes: each is read against the patterns once.
@lru_cache(maxsize=8192)
def _receiving(key: str) -> bool:
    """Whether an attribute named KEY is one _targets reads (a policy, grant blocks, an accept list, a receiver)."""
    return any(p.fullmatch(key) for p in (POLICY_TEXT, BLOCKS, ADMITS, DIRECTED, GRANTEE))


def _writes(change: Change) -> bool:
    """Whether a share lets its consumer write (`allow_writes = true`)."""
    after = change.after if isinstance(change.after, dict) else {}
    return any(WRITES.fullmatch(str(k)) and v is True for k, v in after.items())


def _before(change: Change, key: str) -> set[str]:
    """The values KEY (or `block.key`) held before the change (already shared: not judged again)."""
    if key.count(".") >= 2:  # a nested permission block's accounts (_nested_accounts)
        return {s for path, value in leaves(change.before) if plain(path) == key for s in _strings(value)}
    outer, _, inner = key.partition(".")
    value = change.before.get(outer) if isinstance(change.before, dict) else None
    if inner and isinstance(value, str):
        return set(policy_principals(value))
    if inner:
        blocks = value if isinstance(value, list) else []
        return {s for block in blocks if isinstance(block, dict) for s in _strings(block.get(inner))}
    return set(_admitted(value)) if ADMITS.fullmatch(outer) else set(_strings(value))


def _admitted(value: object) -> list[str]:
    """The projects or accounts an accept list names, as strings or as `{ project_id_or_num = … }` blocks."""
    items = value if isinstance(value, list) else []
    return [s for item in items for s in (_strings(item) if not isinstance(item, dict) else
            [t for inner, found in item.items() if ADMITTED.fullmatch(inner) for t in _strings(found)])]


def _kin(value: str, own: set[str]) -> bool:
    """Whether VALUE is named like the plan's own projects: the same organisation prefix (`acme-edge-prod` beside
    `acme-data-prod`), the way an organisation names every project it creates."""
    prefix = value.split("-", 1)[0].lower()
    return len(prefix) >= 3 and "-" in value and any(o.lower().startswith(prefix + "-") for o in own if o != value)


def _accounts(values: set[str]) -> set[str]:
    """The account numbers of VALUES (bare, or inside ARNs)."""
    return {m.group(1) if (m := ARN_ACCOUNT.match(v)) else v for v in values
            if ARN_ACCOUNT.match(v) or ACCOUNT.match(v)}


def _strings(value: object) -> list[str]:
    """The strings and numbers of one value or a list."""
    items = value if isinstance(value, list) else [value]
    return [str(v) for v in items if isinstance(v, str | int) and not isinstance(v, bool)]


def _everything(change: Change) -> bool:
    """Whether some list or value of the change takes everything (`.*`, `*`, ALL)."""
    after = change.after if isinstance(change.after, dict) else {}
    for value in after.values():
        items = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and v.strip() in EVERYTHING for v in items):
            return True
    return False


def _numbers(value: object, key: str = "") -> Iterator[str]:
    """Account numbers held by attributes that name no receiver (a catalog_id, a resource_owner)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _numbers(v, str(k))
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item, key)
    elif isinstance(value, str) and ACCOUNT.match(value) and not (DIRECTED.fullmatch(key) or GRANTEE.fullmatch(key)
                                                                  or NESTED_ACCOUNTS.fullmatch(key)):
        yield value


def _own_orgs(changes: list[Change]) -> set[str]:
    """Organisations of the org.account locators the plan already shares with (before this change)."""
    orgs: set[str] = set()
    for change in changes:
        for key, _ in _targets(change):
            for old in _before(change, key):
                match = LOCATOR.match(old)
                if match:
                    orgs.add(match.group(1).upper())
    return orgs


def _judge(value: str, own: set[str], orgs: set[str], wide: bool, share: bool = False
           ) -> tuple[str, Severity] | None:
    """Why VALUE is outside the plan's own, and how bad; None when it is the plan's own."""
    arn = ARN_ACCOUNT.match(value)
    account = arn.group(1) if arn else value
    if ACCOUNT.match(account):
        return (None if account in own else
                (f"account {account}, which nothing else in this plan owns", Severity.HIGH))
    locator = LOCATOR.match(value)
    if locator:
        org = locator.group(1).upper()
        if org in orgs:
            return None
        if orgs:
            return f"{value}, an account of organisation {org}, not the plan's {', '.join(sorted(orgs))}", Severity.HIGH
        # a data share's new consumer is the data leaving; elsewhere an unknown organisation's account may be one's own
        return (f"{value}, an account of organisation {org}, which nothing else in this plan shows",
                Severity.HIGH if share else Severity.MEDIUM)
    if value in own or not OPAQUE.match(value) or "@" in value:
        return None
    if wide:
        return f"{value}, which nothing else in this plan owns, and it takes everything", Severity.HIGH
    if share:
        return f"{value}, a new consumer of the share that nothing else in this plan owns", Severity.HIGH
    return f"{value}, which nothing else in this plan owns", Severity.MEDIUM


@rule("foreign-data-share", Severity.HIGH,
      "Data is shared, replicated or granted to an account, organisation or tenant the plan does not show as its "
      "own (a private connection's accept list included, a function of another account handed a resource's data), "
      "or a consumer mail domain joins a list of allowed domains, or mail is newly forwarded or copied to a "
      "personal mailbox or blind-copied to a domain the plan does not show as its own.")
def _foreign_share(ri: ReviewInput) -> Iterator[Finding]:
    yield from foreign_tenants(ri)
    yield from _bearer_recipients(ri)
    yield from long_lived_links(ri, "foreign-data-share")
    yield from personal_grantees(ri)
    yield from consumer_domains(ri)
    yield from personal_deliveries(ri)
    yield from covert_copies(ri)
    changes = [c for c in managed(ri.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE)
               if any(True for _ in _targets(c)) or next(authorized_scopes(c, c.after), None) is not None]
    if not changes:
        return  # the plan-wide walk for the plan's own scopes runs only when some change names a receiver
    own = own_scopes(ri)
    orgs = _own_orgs(changes) | provider_organisations(ri.plan.configuration, ri.plan.variables)
    own |= {n for c in ri.changeset.changes for side in (c.before, c.after) for n in _numbers(side)}
    for change in changes:
        wide = _everything(change)
        for key, value in _targets(change):
            before = _before(change, key)
            if value in before:
                continue
            # an account this attribute already granted to (another role of it) is no new owner
            admits = ADMITS.fullmatch(key) is not None
            judged = _judge(value, own | _accounts(before), orgs, wide, SHARE.search(change.type) is not None or admits)
            if judged is not None:
                why, severity = judged
                if CONSUMER.fullmatch(key) and not _writes(change):
                    why, severity = f"{why}, read-only", Severity.MEDIUM
                elif CONSUMER.fullmatch(key):
                    why = f"{why}, with writes allowed"
                if admits and _kin(value, own | before):
                    why, severity = f"{value}, named like the plan's own projects", Severity.MEDIUM
                elif _encrypted_snapshot(change) and value.lower() != "all":
                    why, severity = f"{why}, an encrypted snapshot (restoring it needs its key too, which the key's " \
                                    "own policy must open to that account)", Severity.MEDIUM
                elif _invokes_only(change, value):
                    why, severity = f"{why}, allowed only to invoke it (one named role: it may call the function, " \
                                    "not read or change what it holds)", Severity.MEDIUM
                elif IMAGES.search(change.type) and not STORES.search(change.type):
                    why, severity = f"{why}, an image to launch machines from (software, not a store's data)", \
                        Severity.MEDIUM
                yield finding("foreign-data-share", change.address,
                              f"{change.address} shares or grants data to {why} ({key}): it leaves for another "
                              "owner; confirm the receiver is yours or trusted", severity)
        yield from _authorized(change, own, orgs)


def _encrypted_snapshot(change: Change) -> bool:
    """Whether the change is itself a snapshot its own values say is encrypted (the share is written on it)."""
    after = change.after if isinstance(change.after, dict) else {}
    return "snapshot" in change.type and after.get("encrypted") is True


def _invokes_only(change: Change, principal: str) -> bool:
    """Whether a permission lets one named role or user (not a whole account) do nothing but invoke."""
    after = change.after if isinstance(change.after, dict) else {}
    action = after.get("action")
    return isinstance(action, str) and INVOKE_ACTION.match(action.strip()) is not None \
        and NAMED_PRINCIPAL.search(principal) is not None


def _authorized(change: Change, own: set[str], orgs: set[str]) -> Iterator[Finding]:
    """A resource let in by a grant (an authorized view) living in a project or account the plan never shows as its
    own: whoever runs that project reads the data through it. A project named like the plan's own is medium."""
    before = {value for _, value in authorized_scopes(change, change.before)}
    for key, value in authorized_scopes(change, change.after):
        if value in before or (judged := _judge(value, own, orgs, False, share=True)) is None:
            continue
        why, severity = judged
        if _kin(value, own):
            why, severity = f"{value}, named like the plan's own projects", Severity.MEDIUM
        yield finding("foreign-data-share", change.address,
                      f"{change.address} lets in a resource of {why} ({key}): its owner reads the data through "
                      "it; confirm that project or account is yours or trusted", severity)
