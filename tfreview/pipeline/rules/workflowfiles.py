"""Risk rules, software supply chain (risk rules stage; feeds `supply-chain-opened`): a CI workflow file written by
the plan (a `github_repository_file` under `.github/workflows/`, any provider's file resource, any text holding a
workflow) that runs on `pull_request_target` — in the base repository's context, with its secrets and a write
token — and checks out the pull request's own head. Whoever opens a pull request, from any fork, then runs code of
their choosing with those secrets ("pwn request"). A `pull_request` trigger (no secrets for forks), or a
`pull_request_target` job that never checks out the head (labelling, triage), is quiet. An action that was pinned to
a commit and now runs by a branch or tag its owner can move, or from another owner, in a workflow that holds secrets
or a write token, is reported too, as is a new third-party action there by a branch (or by any movable ref where the
workflow pinned its actions by commit); a workflow without them, or a pin moved to another commit, is quiet."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import sides, string_leaves
from tfreview.pipeline.rules.supplychain import SUPPLY

TARGET_TRIGGER = lazy_compile(r"(?m)^\s*(?:on\s*:.*\bpull_request_target\b|-?\s*pull_request_target\s*:?\s*$)")
HEAD_CHECKOUT = lazy_compile(r"\$\{\{\s*github\.(?:event\.pull_request\.head\.(?:sha|ref)|head_ref)\s*\}\}"
                             r"|refs/pull/\$\{\{[^}]*\}\}/(?:head|merge)")
PRIVILEGE = lazy_compile(r"\$\{\{\s*secrets\.|^\s*(?:id-token|contents|packages|actions)\s*:\s*write\b"
                         r"|^\s*permissions\s*:\s*write-all\b", re.IGNORECASE | re.MULTILINE)


def _pwn_requests(values: object) -> list[str]:
    """The workflow texts in VALUES that run a pull request's own head with secrets or a write token."""
    return [text for text in string_leaves(values) if "pull_request_target" in text and TARGET_TRIGGER.search(text)
            and HEAD_CHECKOUT.search(text) and PRIVILEGE.search(text)]


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"pull_request_target",))
def _runs_pull_request_code(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if _pwn_requests(after) and not _pwn_requests(before):
        yield finding(SUPPLY, change.address, f"{change.address}: a workflow runs on pull_request_target and checks "
                      "out the pull request's own head with the repository's secrets or a write token: anyone who "
                      "opens a pull request, from any fork, runs their code with them")


# A step's action (`uses: owner/repo[/path]@ref`), and a ref that is a full commit (the only pin nobody can move).
USES = lazy_compile(r"(?m)^\s*-?\s*uses\s*:\s*['\"]?([\w.-]+)/([\w.-]+)(?:/[\w./-]*)?@([\w./-]+)")
COMMIT = lazy_compile(r"[0-9a-f]{40}")
# Actions GitHub itself publishes, and refs that are branches (moved by every push).
FIRST_PARTY = frozenset({"actions", "github"})
BRANCHES = frozenset({"main", "master", "dev", "develop", "head", "latest", "trunk", "nightly"})


def _actions(text: str) -> dict[str, tuple[str, str]]:
    """Each action a workflow text uses, by its repository name: (owner, ref)."""
    return {repo.lower(): (owner.lower(), ref) for owner, repo, ref in USES.findall(text)}


def _unpinned(before: object, after: object) -> list[str]:
    """How actions that were pinned to a commit in BEFORE's workflows run unpinned, or from another owner, in AFTER's
    workflows that hold secrets or a write token."""
    old: dict[str, tuple[str, str]] = {}
    for text in string_leaves(before):
        old.update(_actions(text))
    found = []
    for text in string_leaves(after):
        if not PRIVILEGE.search(text):
            continue
        for repo, (owner, ref) in _actions(text).items():
            was = old.get(repo)
            if was is None:
                if owner not in FIRST_PARTY and not COMMIT.fullmatch(ref) \
                        and (ref.lower() in BRANCHES or any(COMMIT.fullmatch(r) for _, r in old.values())):
                    found.append(f"a new third-party action {owner}/{repo} runs by {ref}, a ref its owner can move")
                continue
            if not COMMIT.fullmatch(was[1]):
                continue
            if owner != was[0]:
                found.append(f"{was[0]}/{repo} is swapped for {owner}/{repo}@{ref}, another owner's")
            elif not COMMIT.fullmatch(ref):
                found.append(f"{owner}/{repo} moves from a pinned commit to {ref}, a ref its owner can move")
    return found


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"uses",))
def _actions_unpinned(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    for what in _unpinned(before, after)[:3]:
        yield finding(SUPPLY, change.address, f"{change.address}: in a workflow that holds secrets or a write token, "
                      f"{what}: whatever that ref points at next runs with them")
