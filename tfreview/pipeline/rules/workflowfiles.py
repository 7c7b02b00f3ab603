"""Risk rules, software supply chain (risk rules stage; feeds `supply-chain-opened`): a CI workflow file written by
the plan (a `github_repository_file` under `.github/workflows/`, any provider's file resource, any text holding a
workflow) that runs on `pull_request_target` — in the base repository's context, with its secrets and a write
token — and checks out the pull request's own head. Whoever opens a pull request, from any fork, then runs code of
their choosing with those secrets ("pwn request"). A `pull_request` trigger (no secrets for forks), or a
`pull_request_target` job that never checks out the head (labelling, triage), is quiet. (What a workflow's steps run,
by which ref, is actionrefs.py's.)"""

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

