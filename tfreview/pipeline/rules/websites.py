"""Risk rules, context grading: public read-only access to a bucket that the same plan serves as a static website
is the website working (medium), not an exposure (high). The bucket must be new in this plan or already a
website: turning an existing bucket into a public website publishes what it already holds. Write, list, ACL
grants and public read on any other bucket stay as their rules graded them. Delete grading: a bucket's website
configuration deleted while the same plan turns every public-access block of that bucket on loses nothing the
plan does not already close (a website endpoint serves only what anyone may read); ladders.py grades with it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import tfreview.pipeline.rules.policy as policy
from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import Configuration, config_address, configuration, module_of
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_medium, grader
from tfreview.pipeline.rules.common import as_list, blocks, sides
from tfreview.pipeline.rules.judge import PUBLIC
from tfreview.pipeline.rules.network import BUCKET
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.watch import is_on

WEBSITE_CONFIGS = ("aws_s3_bucket_website_configuration",)
BUCKETS = ("aws_s3_bucket", "google_storage_bucket")  # their own `website` block makes them a website
# What a website's visitors need and nothing more: read an object (not list, not write, not ACLs).
READ_ACTIONS = frozenset({"s3:getobject", "s3:getobjectversion"})
READ_ROLES = frozenset({"roles/storage.objectviewer", "roles/storage.legacyobjectreader"})
GOOGLE_GRANTS = ("google_storage_bucket_iam_member", "google_storage_bucket_iam_binding")
POLICY_FLAGS = ("block_public_policy", "restrict_public_buckets")  # off lets a bucket policy make it public
ACL_FLAGS = ("block_public_acls", "ignore_public_acls")
# A store's website front kept apart from it (`aws_s3_bucket_website_configuration`, `acme_bucket_static_website`),
# and the switches that close a store to the public (`aws_s3_bucket_public_access_block`).
WEBSITE_TYPES = lazy_compile(r"(?:^|_)(?:static_)?website(?:_configuration|_config)?$")
BLOCK_TYPES = lazy_compile(r"(?:^|_)public_access_block$")


@grader
def website_read(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Public read-only grants on a bucket this plan configures as a website: medium."""
    if not any(f.rule in (BUCKET, PUBLIC) and f.severity is Severity.HIGH for f in findings):
        return findings
    changes = {c.address: c for c in review_input.changeset.changes if c.mode == "managed"}
    config = configuration(review_input.plan)
    sole = _sole_buckets(changes.values(), config)

    def keys_of(change: Change) -> set[str]:
        # A setting whose bucket the plan cannot show (known after apply, no reference in the configuration) is
        # about the bucket of its module instance with its own resource name (`aws_s3_bucket_policy.www` of
        # `aws_s3_bucket.www`), or the one bucket of that instance when it holds exactly one.
        named = f"{change.module}/{change.name}"
        return _bucket_keys(change, config) or ({sole[named]} if named in sole else
                                                 {sole[change.module]} if change.module in sole else set())

    created = {key for c in changes.values() if c.type in BUCKETS and c.action is Action.CREATE
               for key in keys_of(c)}
    websites: set[str] = set()
    for change in changes.values():
        before, after = sides(change)
        if change.action is Action.DELETE or not _website(change.type, after):
            continue
        keys = keys_of(change)
        if _website(change.type, before) or keys & created:  # a new bucket, or one that already was a website
            websites |= keys
    if not websites:
        return findings
    graded: list[Finding] = []
    for found in findings:
        target = changes.get(found.address or "")
        if (found.rule in (BUCKET, PUBLIC) and found.severity is Severity.HIGH and target is not None
                and keys_of(target) & websites and _read_only(target)):
            found = graded_medium(found, "public read is the purpose of a bucket this plan serves as a website")
        graded.append(found)
    return graded


def _sole_buckets(changes: Iterable[Change], config: Configuration) -> dict[str | None, str]:
    """The address key of the one bucket a module instance holds (the root module too), by module instance, and of
    each bucket by `module/name` where only one bucket of the instance has that name."""
    held: dict[str | None, list[Change]] = {}
    for change in changes:
        if change.type in BUCKETS and change.action is not Action.DELETE:
            held.setdefault(change.module, []).append(change)
            held.setdefault(f"{change.module}/{change.name}", []).append(change)
    return {key: "address:" + config_address(only[0].address) for key, only in held.items() if len(only) == 1}


def _website(resource_type: str, values: dict[str, Any]) -> bool:
    """Whether these values of a resource configure a bucket as a static website."""
    if resource_type in WEBSITE_CONFIGS:
        return bool(values)
    return resource_type in BUCKETS and any(any(v not in (None, "", [], {}) for v in b.values())
                                            for b in blocks(values, "website"))


def _bucket_keys(change: Change, config: Configuration) -> set[str]:
    """What names the bucket a change is about: its known name, and the address of the bucket it references."""
    _, after = sides(change)
    if change.type in BUCKETS:
        names, keys = [after.get("bucket"), after.get("name")], {"address:" + config_address(change.address)}
    else:
        names, keys = [after.get("bucket")], set()
        module = module_of(change.address)
        expression = config.expression(change.address, ("bucket",))
        for reference in as_list(expression.get("references") if isinstance(expression, dict) else None):
            parts = str(reference).split(".")
            if len(parts) >= 2 and parts[0] in BUCKETS:
                keys.add("address:" + f"{module}.{parts[0]}.{parts[1]}".lstrip("."))
    return keys | {"name:" + name.removeprefix("b/") for name in names if isinstance(name, str) and name}


def _read_only(change: Change) -> bool:
    """Whether everything public this change adds is read access to objects."""
    before, after = sides(change)
    if change.type in ("aws_s3_bucket_policy", "aws_s3_bucket"):
        added = [s for s in policy.new_statements(before.get("policy"), after.get("policy"))
                 if policy.public_principal(s)]
        return bool(added) and all(_reads_objects(s) for s in added)
    if change.type == "aws_s3_bucket_public_access_block":
        return all(is_on(after.get(flag)) for flag in ACL_FLAGS)
    if change.type in GOOGLE_GRANTS:
        return str(after.get("role", "")).lower() in READ_ROLES
    return False


def _reads_objects(statement: dict[str, Any]) -> bool:
    """Whether a statement only reads objects: Get actions, on object ARNs (bucket/*), no NotAction/NotResource."""
    if "NotAction" in statement or "NotResource" in statement:
        return False
    actions = [str(a).lower() for a in as_list(statement.get("Action"))]
    resources = [str(r) for r in as_list(statement.get("Resource"))]
    return (bool(actions) and all(a in READ_ACTIONS for a in actions)
            and bool(resources) and all(r.startswith("arn:") and r.endswith("/*") for r in resources))


def website_closed(change: Change, review_input: ReviewInput) -> str | None:
    """Why a deleted website configuration loses nothing, or None: the same plan turns every flag of its bucket's
    public-access block on (one was off before), so the website endpoint could serve nothing after it anyway."""
    before = change.before if isinstance(change.before, dict) else {}
    bucket = before.get("bucket")
    if change.action is not Action.DELETE or not WEBSITE_TYPES.search(change.type) or not isinstance(bucket, str):
        return None
    closer = plan_view(review_input).derived("public-access blocks turned on", _closed_buckets).get(bucket)
    if closer is None:
        return None
    return (f"{closer} turns every public-access block of bucket {bucket} on: a website endpoint serves only what "
            "anyone may read, so it served nothing after this plan anyway")


def _closed_buckets(view: PlanView) -> dict[str, str]:
    """Per plan: the buckets whose public-access block is turned fully on (one flag was off), to that change."""
    found: dict[str, str] = {}
    for other in view.of(Action.UPDATE, Action.CREATE):
        old, new = sides(other)
        if BLOCK_TYPES.search(other.type) and isinstance(bucket := new.get("bucket"), str) \
                and _all_on(new) and not _all_on(old):
            found.setdefault(bucket, other.address)
    return found


def _all_on(values: dict[str, Any]) -> bool:
    """Whether a public-access block has switches and every one of them is on."""
    flags = [v for v in values.values() if isinstance(v, bool)]
    return bool(flags) and all(flags)


# DNS record types whose values name the host a name is served from.
RECORD_TYPES = lazy_compile(r"(?:^|_)(?:record|record_set|dns_record|cname_record)s?$")


def site_moved(change: Change, review_input: ReviewInput) -> str | None:
    """Why a deleted bucket named for a host loses only a site that moved, or None: a DNS record in the plan for
    that same name pointed at the bucket before and now points elsewhere (a status page moved to a hosted
    provider). A record left pointing at the bucket is a takeover (dns-dangling), not this."""
    before = change.before if isinstance(change.before, dict) else {}
    name = before.get("bucket")
    if change.action is not Action.DELETE or change.type not in BUCKETS or not isinstance(name, str) \
            or "." not in name:
        return None
    moved = plan_view(review_input).derived("records moved off buckets", _moved_records).get(name.lower().rstrip("."))
    return None if moved is None else (f"the site it served moved: {moved[0]} for {name} now points at {moved[1]}; "
                                       "a website bucket holds the site's published pages")


def _targets(record: dict[str, Any]) -> list[str]:
    """The hosts or addresses a DNS record's values name (`records`, `value`, `content`)."""
    return [str(v).lower() for v in [*as_list(record.get("records")), record.get("value"), record.get("content")] if v]


def _moved_records(view: PlanView) -> dict[str, tuple[str, str]]:
    """Per plan: record names whose values named a bucket website of that name before and name another host now."""
    found: dict[str, tuple[str, str]] = {}
    for other in view.of(Action.UPDATE):
        old, new = sides(other)
        name = str(new.get("name") or new.get("fqdn") or "").lower().rstrip(".")
        if not RECORD_TYPES.search(other.type) or not name:
            continue
        was, now = _targets(old), _targets(new)
        if now and any(v.startswith(name + ".s3") or v.startswith(name + ".storage") for v in was) \
                and not any(name in v for v in now):
            found[name] = (other.address, now[0])
    return found
