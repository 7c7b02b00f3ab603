"""Risk rules, an allow-list that comes to hold an entry matching everything: a list named for what is allowed,
trusted, permitted or approved (`patterns_allowed`, `allowed_principals`, `trusted_external_tenants`,
`scope_whitelist`) that gains `*`, `*/*`, `**` or `*@*` no longer restricts anything, whatever else it still names
(an Actions allow-list still "selected" but with `*/*` in it runs every third party's action), on any provider and
any resource type: allowlist-emptied, high. So does a deployment gate's ref pattern set to `*` (every branch may
deploy to the environment), and what a verification or admission rule matches (a keyless signer's `subject_regex`,
the image a Kyverno `validate` pattern admits) set to `*` or `.*`, or to a whole shared host (`https://github.com/*`:
every workflow of every organisation there): every signer, every image.

A list that already held such an entry, one that names what is allowed more narrowly (`acme/*`, `*.acme.io`), and
lists of what a browser may send (CORS origins, headers, methods) or of what is denied or blocked find nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.decoding import unfolded
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.allowlist import EMPTIED
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.publishers import SHARED_HOSTS
from tfreview.pipeline.rules.values import leaves, plain

EVERYTHING = frozenset({"*", "**", "*/*", "*@*", "*/*@*", "*:*", ".*"})
SCHEME = lazy_compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
ALLOWING = lazy_compile(r"allow|trusted|whitelist|permitted|approved")
NOT_A_GATE = lazy_compile(r"origin|header|method|expose|cors|deny|denied|block|exclu")


# The refs a deployment gate lets deploy (a GitHub environment's deployment branch policy, a release gate's branch
# filter): `*` lets every branch, unreviewed ones included, deploy. On a branch protection rule `*` protects every
# branch (stricter): only gates named for deploying or releasing read it so.
DEPLOY_GATES = lazy_compile(r"deploy|environment|release")
REF_PATTERN = lazy_compile(r"(?:^|_)(?:branch|ref|tag)_?(?:pattern|name|filter|policy)s?$")


# What a verification or admission rule matches (a signer's subject or identity, the image or registry it admits):
# inside a rule that trusts, verifies, validates or attests, `*` or `.*` there admits every signer or image.
MATCHED = lazy_compile(r"(?:^|[._])(?:subject|subject_regex|subject_pattern|sub|identity|identity_regex|image|images"
                       r"|repository|repositories|registry|registries)$")
VERIFYING = lazy_compile(r"trust|verif|attest|signature|signer|admission|validat|constraint|keyless")


def _match_all(values: dict[str, object], resource_type: str = "") -> dict[str, str]:
    """Allow-lists in VALUES (path, indices dropped) that hold an entry matching everything, with that entry; on a
    deployment gate, a ref pattern that matches every ref too; in a verification rule, what it matches."""
    found: dict[str, str] = {}
    gate = bool(DEPLOY_GATES.search(resource_type))
    verifying = bool(VERIFYING.search(resource_type))
    for path, value in leaves(values):
        where = plain(path).lower()
        if gate and isinstance(value, str) and value.strip() in EVERYTHING and REF_PATTERN.search(where):
            found[where] = value.strip()
            continue
        if isinstance(value, str) and (value.strip() in EVERYTHING or whole_registry(SCHEME.sub("", value))) \
                and MATCHED.search(where) and (verifying or VERIFYING.search(where)) and not NOT_A_GATE.search(where):
            found[where] = value.strip()
            continue
        if isinstance(value, str) and ALLOWING.search(where) and not NOT_A_GATE.search(where) \
                and (_whole_project(value, values.get("project")) or whole_registry(value)):
            found[where] = value.strip()
            continue
        if not isinstance(value, list) or not ALLOWING.search(where.rsplit(".", 1)[-1]) or NOT_A_GATE.search(where):
            continue
        entry = next((v for v in value if isinstance(v, str) and (v in EVERYTHING or whole_registry(v))), None)
        if entry is not None:
            found[where] = entry
    return found


def whole_registry(pattern: str) -> str | None:
    """The shared public registry an image pattern takes whole (`docker.io/**`, `ghcr.io/*`: every stranger's image
    there, typosquats included), or None."""
    host, _, rest = pattern.strip().lower().partition("/")
    return host if host in SHARED_HOSTS and "*" in rest and rest.strip("*/") == "" else None


def _whole_project(pattern: str, project: object) -> bool:
    """Whether an image allow-list PATTERN takes every image of the policy's own PROJECT (`<registry>/<project>/**`,
    `gcr.io/<project>/*`): the check it exempts them from no longer applies to the images it was written for."""
    prefix, star, rest = pattern.strip().partition("/*")
    steps = prefix.split("/")
    return bool(star) and rest in ("", "*") and isinstance(project, str) and bool(project) and len(steps) == 2 \
        and steps[1] == project


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b'"*', b'*"'))
def _allows_everything(change: Change) -> Iterator[Finding]:
    """An allow-list that newly holds an entry matching everything."""
    before, after = sides(change)
    held = _match_all(before, change.type) if change.action is not Action.CREATE else {}
    for where, entry in sorted(_match_all(after, change.type).items()):
        if where not in held:
            what = ("matches everything" if entry in EVERYTHING else
                    f"takes every image anyone publishes to {registry}" if (registry := whole_registry(entry)) else
                    "takes every image of the policy's own project")
            yield finding(EMPTIED, change.address, f"{change.address}: {where} now holds {entry!r}, an entry that "
                          f"{what} (the allow-list no longer restricts anything)")


# Lists of name prefixes (image repositories, registries, path prefixes): every name starts with the empty string.
PREFIX_LISTS = lazy_compile(r"(?:^|_)(?:prefix|prefixes|repos|repositories|registries|registry_prefixes)$")


def _empty_prefixes(values: object) -> set[str]:
    """Paths of allow-lists of prefixes in VALUES (documents held as text read too) that hold the empty string:
    named for what is allowed, or inside an object whose kind is (Gatekeeper's `K8sAllowedRepos` constraint lists
    its registries under `parameters.repos`)."""
    found: set[str] = set()
    pairs = [(plain(path).lower(), value) for path, value in leaves(unfolded(values))]
    allowing_objects = [path[:-len("kind")] for path, value in pairs
                        if path.endswith("kind") and isinstance(value, str) and ALLOWING.search(value.lower())]
    for where, value in pairs:
        if not isinstance(value, list) or "" not in value or not PREFIX_LISTS.search(where.rsplit(".", 1)[-1]) \
                or NOT_A_GATE.search(where):
            continue
        if ALLOWING.search(where) or any(where.startswith(prefix) for prefix in allowing_objects):
            found.add(where)
    return found


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE),
           words=(b"allow", b"trusted", b"whitelist", b"permitted", b"approved"))  # ALLOWING
def _empty_prefix_allowed(change: Change) -> Iterator[Finding]:
    """An allow-list of prefixes that newly holds "": every name starts with it, so every name is allowed."""
    before, after = sides(change)
    held = _empty_prefixes(before) if change.action is not Action.CREATE else set()
    for where in sorted(_empty_prefixes(after) - held):
        yield finding(EMPTIED, change.address, f"{change.address}: {where} now holds an empty prefix (\"\"), which "
                      "every name starts with (the allow-list no longer restricts anything)")


# What a pipeline reads (a connector's `topics` / `topics.regex`, a mirror's or bridge's topic pattern): set to a
# pattern matching every topic, everything on the cluster, present and future, flows to where it sends (payments and
# customer topics to an analytics vendor), not the feed it was approved for. ACL entries are everyone.py's.
TOPIC_SELECTION = lazy_compile(r"(?:^|[._])topics?(?:[._](?:regex|pattern|whitelist|include(?:[._]list)?|names?))?$")
EVERY_TOPIC = frozenset({"*", ".*", "^.*$", ".+", "^.+$", "#", ">"})


def _every_topic(values: object) -> dict[str, str]:
    """Topic selections in VALUES (path, indices dropped) that match every topic, with their pattern."""
    return {where: value.strip() for path, value in leaves(values)
            if isinstance(value, str) and value.strip() in EVERY_TOPIC
            and TOPIC_SELECTION.search(where := plain(path).lower()) and not NOT_A_GATE.search(where)}


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"topic",))
def _reads_every_topic(change: Change) -> Iterator[Finding]:
    """A pipeline whose topic selection newly matches every topic."""
    if "acl" in change.type:
        return
    before, after = sides(change)
    held = _every_topic(before) if change.action is not Action.CREATE else {}
    for where, pattern in sorted(_every_topic(after).items()):
        if where not in held:
            yield finding(EMPTIED, change.address, f"{change.address}: {where} = {pattern!r} selects every topic: "
                          "all the cluster's data, present and future, flows where it sends, not one feed")
