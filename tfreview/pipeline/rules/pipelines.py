"""Risk rules, CI/CD and secrets platforms (risk rules stage): which third-party code may run with a repository's
secrets widened, deployment gates removed, build agents opened to untrusted code, a set of secrets applied to
everything, and a CI definition read from a project of another namespace (`ci_config_path = "x.yml@other/templates"`).

Read by what attributes mean, not by provider: any CI system, runner pool or variable set with these shapes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, declare, finding, on_change, rule
from tfreview.pipeline.rules.common import show, sides
from tfreview.pipeline.rules.supplychain import SUPPLY
from tfreview.pipeline.rules.values import leaves, pairs, plain

CI_TRUST = declare("ci-trust-widened", Severity.HIGH,
                   "CI/CD trust widened: more third-party code may run, a deployment gate removed, or build "
                   "agents opened to untrusted jobs")
GLOBAL_SECRETS = "secret-set-global"

# Which code or which callers a pipeline accepts: local_only < selected < all.
SCOPE_NAMES = lazy_compile(r"allowed_\w+")
SCOPE_RANK = {"none": 0, "disabled": 0, "local_only": 1, "private": 1, "selected": 2, "specific": 2,
              "restricted": 2, "all": 3, "any": 3, "*": 3}
# Lists of the projects or callers whose jobs a runner or pipeline accepts (not CORS origins, headers, methods).
CALLER_LISTS = lazy_compile(r"allowed_(?:projects?|repositories|repos?|workspaces?|pipelines?|callers?|namespaces?"
                            r"|groups?|branches|refs|teams?|organi[sz]ations?|orgs?)")
GATE_LISTS = lazy_compile(r"reviewers|approvers|required_approv\w*|required_reviewers")
GATE_FLAGS = lazy_compile(r"protected_branches|restricted_to_\w+|require_\w*approv\w*|prevent_self_review")
UNTRUSTED = lazy_compile(r"allows?_public_\w+|\w*untrusted\w*|\w*forks?(?:_\w+)?_allowed|allow_forks?\w*"
                         r"|forks?_(?:pipelines?|pull_requests?|prs?|builds?|jobs?|runs?|workflows?)"
                         r"|(?:run|build|trigger)s?_(?:on_)?(?:forks?|forked_\w+)"
                         r"|\w*(?:pull_requests?|prs?|merge_requests?)_(?:from_)?forks?")
# Words of a pipeline's name, description or branches: test-only pipelines hold no deploy credentials.
NAME_KEYS = lazy_compile(r"name|slug|description|\w*branch\w*|environment|stage")
TEST_WORDS = frozenset({"test", "tests", "testing", "ci", "lint", "check", "checks", "preview", "sandbox", "pr",
                        "prs", "unit", "e2e", "docs"})
DEPLOY_WORDS = frozenset({"prod", "production", "deploy", "deploys", "deployment", "release", "releases", "live",
                          "publish", "cd"})
_WORD = lazy_compile(r"[a-z0-9]+")
# Sets of variables or secrets shared by workspaces (a Terraform Cloud variable set, any provider's secret set).
SETS = lazy_compile(r"(?:variable|var|secret|credential|env)s?_?(?:set|group)s?(?:_|$)|varset")
EVERYWHERE = lazy_compile(r"global|all_workspaces|all_projects|organi[sz]ation_wide|applies_to_all")


def _rank(value: Any) -> int | None:
    return SCOPE_RANK.get(value.strip().lower()) if isinstance(value, str) else None


def _protected(value: Any) -> bool | None:
    """Whether an access level keeps to protected refs (`ref_protected`), leaves them (`not_protected`), or None."""
    if not isinstance(value, str) or "protected" not in value.lower():
        return None
    return re.search(r"(?:not|un|no|non)[\s_-]?protected", value.lower()) is None


def _test_only(change: Change) -> bool:
    """Whether a pipeline's name, description and branches say tests only and never deploys or production."""
    words = {w for key, value in sides(change)[1].items() if NAME_KEYS.fullmatch(key) and isinstance(value, str)
             for w in _WORD.findall(value.lower())}
    return bool(words & TEST_WORDS) and not words & DEPLOY_WORDS


def _filled(value: Any) -> int:
    """How many non-empty leaves a list or block holds (reviewers: [{teams: [1], users: []}] holds one)."""
    return sum(1 for _, leaf in leaves(value) if leaf not in (None, "", [], {}))


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"allowed_", b"protected", b"restricted_to_", b"approv",
           b"prevent_self_review", b"_public_", b"untrusted", b"fork", b"reviewers"))
def _ci_trust(change: Change) -> Iterator[Finding]:
    for path, before, after in pairs(change):
        name = plain(path).rpartition(".")[2]
        old, new = _rank(before), _rank(after)
        if CALLER_LISTS.fullmatch(name) and isinstance(after, list) and isinstance(before, list) \
                and "*" in after and "*" not in before:
            old, new = 2, 3  # a list of the projects or callers allowed now holds "*": any of them
        if SCOPE_NAMES.fullmatch(name) and old is not None and new is not None and new > old and new == 3:
            yield finding(CI_TRUST, change.address, f"{change.address}: {path} {show(before)} → {show(after)} "
                          "(any code or caller may now run with this pipeline's secrets)")
        elif _protected(before) is True and _protected(after) is False:
            yield finding(CI_TRUST, change.address, f"{change.address}: {path} {show(before)} → {show(after)} "
                          "(jobs from unprotected branches, any contributor's code, may now run here)")
        elif (GATE_FLAGS.fullmatch(name) and before is True and after is False) or (
                UNTRUSTED.fullmatch(name) and before is False and after is True and not _test_only(change)):
            yield finding(CI_TRUST, change.address, f"{change.address}: {path} {show(before)} → {show(after)} "
                          "(a deployment gate removed or build agents opened to untrusted code)")
    old_side, new_side = sides(change)
    for key, value in old_side.items():
        if GATE_LISTS.fullmatch(key) and _filled(value) and key in new_side and not _filled(new_side[key]):
            yield finding(CI_TRUST, change.address, f"{change.address}: {key} emptied (required reviewers or "
                          "approvals removed from a deployment gate)")


# HCP Terraform's dynamic provider credentials: a variable set holding these hands every workspace it reaches the
# cloud role or service account they name, no secret needed.
DYNAMIC_CREDENTIALS = lazy_compile(r"^TFC_\w+_(?:PROVIDER_AUTH|RUN_ROLE_ARN|RUN_SERVICE_ACCOUNT_EMAIL|RUN_CLIENT_ID"
                                   r"|RUN_ROLE|WORKLOAD_PROVIDER_NAME)$")


def _sensitive_members(review_input: ReviewInput, ident: str) -> list[str]:
    """Addresses of changes that reference IDENT and hold a value the plan marks sensitive, or configure dynamic
    provider credentials."""
    found = []
    for change in review_input.changeset.changes:
        _, after = sides(change)
        refers = any(isinstance(v, str) and v == ident for k, v in after.items() if k != "id")
        secret = after.get("sensitive") is True or any(v == "(sensitive)" for _, v in leaves(after)) \
            or DYNAMIC_CREDENTIALS.match(str(after.get("key") or "")) is not None
        if refers and secret:
            found.append(change.address)
    return found


def _referring(review_input: ReviewInput, ident: Any) -> bool:
    """Whether any change of the plan references IDENT (a member of the set is shown)."""
    return isinstance(ident, str) and bool(ident) and any(
        isinstance(v, str) and v == ident for change in review_input.changeset.changes
        for k, v in sides(change)[1].items() if k != "id")


@rule(GLOBAL_SECRETS, Severity.HIGH, "A set of variables holding sensitive values is made global, or an existing set "
      "whose variables the plan does not show: every workspace or project gets the secrets.")
def _global_secrets(review_input: ReviewInput) -> Iterator[Finding]:
    for change in review_input.changeset.changes:
        if change.action not in (Action.UPDATE, Action.CREATE, Action.REPLACE):
            continue
        before, after = sides(change)
        ident = after.get("id") or before.get("id")
        for key, value in after.items():
            if not (EVERYWHERE.fullmatch(key) and value is True and before.get(key) is not True):
                continue
            members = _sensitive_members(review_input, ident) if isinstance(ident, str) and ident else []
            if members:
                yield finding(GLOBAL_SECRETS, change.address, f"{change.address}: {key} → true while it holds "
                              f"sensitive values or provider credentials ({', '.join(members[:3])}): exposed to every "
                              "workspace")
            elif change.action is Action.UPDATE and SETS.search(change.type) and not _referring(review_input, ident):
                yield finding(GLOBAL_SECRETS, change.address, f"{change.address}: {key} → true on an existing set "
                              "whose variables the plan does not show: whatever it holds (credentials?) now reaches "
                              "every workspace")


# --- a deploy credential authorised for every pipeline --------------------------------------------------------
# An authorisation of a pipeline resource whose pipeline is left out is granted to all of the project's pipelines
# (Azure DevOps `pipeline_authorization` without `pipeline_id`, `resource_authorization` without `definition_id`).
AUTHORIZATION = lazy_compile(r"(?:pipeline|resource|build)_authori[sz]ation")
PIPELINE_KEYS = ("pipeline_id", "definition_id", "build_definition_id")
# What such a grant hands over: a service connection (cloud credentials), a variable group, a secure file.
CREDENTIAL_KINDS = frozenset({"endpoint", "serviceendpoint", "service_endpoint", "variablegroup", "securefile"})


@on_change(type_pattern=AUTHORIZATION, actions=(Action.CREATE, Action.UPDATE, Action.REPLACE))
def _all_pipelines(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    kind = str(after.get("type") or "").lower()
    scoped = [key for key in PIPELINE_KEYS if key in after]
    if kind not in CREDENTIAL_KINDS or after.get("authorized") is False or not scoped \
            or any(after.get(key) not in (None, "", 0) for key in scoped) \
            or (change.action is Action.UPDATE and all(before.get(key) in (None, "", 0) for key in scoped)):
        return
    yield finding(CI_TRUST, change.address, f"{change.address}: the {kind} is authorised with no {scoped[0]}: every "
                  "pipeline of the project, and any YAML pushed to any branch, may use its credentials")


# --- a build trigger opened to anyone's pull request ----------------------------------------------------------
# A webhook's filter groups (CodeBuild: each a list of {type, pattern}): a group that fires on pull-request events
# with no filter on who opened them runs the build, with its role, on code from any fork.
PR_EVENT = lazy_compile(r"PULL_REQUEST|MERGE_REQUEST", re.IGNORECASE)
ACTOR = lazy_compile(r"ACTOR|AUTHOR|USER|ACCOUNT_ID", re.IGNORECASE)
# Google Cloud Build's own gate on pull-request builds: comments from a collaborator start them, or nothing does.
COMMENT_GATE = "comment_control"


def _open_pr_groups(values: Any) -> int:
    """How many filter groups of VALUES fire on pull requests from anyone."""
    count = 0
    for group in _filter_groups(values):
        filters = [f for f in group if isinstance(f, dict)]
        events = [f for f in filters if str(f.get("type", "")).upper() == "EVENT"
                  and PR_EVENT.search(str(f.get("pattern", "")))]
        actors = [f for f in filters if ACTOR.search(str(f.get("type", ""))) and not f.get("exclude_matched_pattern")]
        count += bool(events) and not actors
    return count


def _filter_groups(values: Any, depth: int = 0) -> Iterator[list[Any]]:
    """The filters of each filter group in VALUES: a `filter` list of blocks with a type and a pattern."""
    if depth > 6 or not isinstance(values, (dict, list)):
        return
    for key, item in (values.items() if isinstance(values, dict) else enumerate(values)):
        if key == "filter" and isinstance(item, list) and any(isinstance(f, dict) and "pattern" in f for f in item):
            yield item
        else:
            yield from _filter_groups(item, depth + 1)


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"pull_request", b"merge_request", b"comment_control"))
def _pr_builds_opened(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if _open_pr_groups(after) > _open_pr_groups(before):
        yield finding(CI_TRUST, change.address, f"{change.address}: the trigger now builds every pull request with "
                      "no filter on who opened it: code from any fork runs with the build's role and secrets")
        return
    for path, old, new in pairs(change):
        if plain(path).rpartition(".")[2] == COMMENT_GATE and isinstance(old, str) and isinstance(new, str) \
                and "ENABLED" in old.upper() and "DISABLED" in new.upper():
            yield finding(CI_TRUST, change.address, f"{change.address}: {path} {show(old)} → {show(new)} (pull "
                          "requests from anyone now build without a collaborator's go-ahead)")
            return


# --- a CI definition read from another owner's project -------------------------------------------------------------
# GitLab names a file of another project as `path@namespace/project[:ref]` (`ci_config_path`, any build's spec path):
# the pipeline, with this project's variables and deploy credentials, runs whatever that project holds. Another
# project under the project's own top-level group is the organisation's template; any other namespace is an outsider.
CI_DEFINITION = lazy_compile(r"ci_config_path|\w*(?:pipeline|build|ci)_(?:config|definition|spec)_(?:path|file)"
                             r"|buildspec")
OTHER_PROJECT = lazy_compile(r"[^@\s]+@([\w.-]+)/[\w.-]+(?:/[\w.-]+)*(?::[\w./-]+)?")
OWN_PATH = ("path_with_namespace", "full_path", "namespace_path", "web_url", "http_url_to_repo")
_OWNER = lazy_compile(r"^(?:[a-z][a-z0-9+.-]*://[^/]+/)?([\w.-]+)/", re.IGNORECASE)


def _own_group(values: dict[str, Any]) -> str | None:
    """The top-level group a project lives in, by its path or URL (`acme/platform/deployer` → acme), or None."""
    for key in OWN_PATH:
        match = _OWNER.match(str(values.get(key) or ""))
        if match:
            return match.group(1).lower()
    return None


def _definition_owner(values: dict[str, Any]) -> tuple[str, str] | None:
    """(attribute, top-level namespace) of a CI definition read from a file of another project, or None."""
    for key, value in values.items():
        match = OTHER_PROJECT.fullmatch(value.strip()) if isinstance(value, str) else None
        if match and CI_DEFINITION.fullmatch(key):
            return key, match.group(1).lower()
    return None


@on_change(words=(b"config_path", b"config_file", b"definition_path", b"definition_file", b"spec_path", b"spec_file",
                  b"buildspec"))
def _definition_from_outside(change: Change) -> Iterator[Finding]:
    """A CI definition newly read from a project of another top-level namespace than the project's own: high; from
    a project whose own group the plan does not show: medium."""
    before, after = sides(change)
    found = _definition_owner(after)
    if found is None or found == _definition_owner(before):
        return
    key, owner = found
    own = _own_group(after) or _own_group(before)
    if own == owner:
        return
    where = f"another namespace's project ({owner}), not {own}'s" if own else f"the project of {owner}"
    yield finding(SUPPLY, change.address, f"{change.address}: {key} now reads the CI definition from {where}: the "
                  "pipeline runs, with this project's variables and deploy credentials, whatever that project holds",
                  None if own else Severity.MEDIUM)
