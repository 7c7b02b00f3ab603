"""Risk rules, software supply chain (reported under supply-chain-opened): a CI workflow the plan writes (a
repository file of any VCS provider, whose text holds `uses: owner/name@ref` steps) that runs another publisher's
code by a ref its publisher can move: whatever that ref holds at run time runs in the job.

- a step that newly runs another publisher's action by a branch (`@main`, `@master`, `@dev`);
- an action that was pinned to a commit and now runs by a branch or tag, or is swapped for another owner's action of
  the same name (`aws-actions/…` → `aws-action/…`);
- where the workflow pinned its actions by commit, a new action by any movable ref.

High when the step is handed secrets (`${{ secrets.X }}` in its `with` or `env`) or the workflow holds a write token
or an OIDC token (`id-token: write`: the job can mint cloud credentials); medium otherwise. A commit, a new pin, the
platform's own actions (`actions/`, `github/`) and local actions (`./`) are not this rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.supplychain import SUPPLY
from tfreview.pipeline.rules.values import leaves
from tfreview.pipeline.rules.workflowfiles import PRIVILEGE

USES = lazy_compile(r"^(\s*)(?:-\s+)?uses:\s*[\"']?([\w.-]+/[\w./-]+)@([\w./-]+)[\"']?\s*(?:#.*)?$")
STEP_START = lazy_compile(r"^(\s*)-\s")
PINNED = lazy_compile(r"^(?:[0-9a-f]{40}|v?\d+(?:\.\d+){0,2}(?:[-+][\w.]+)?)$")
FIRST_PARTY = ("actions/", "github/", "docker://")
SECRET = lazy_compile(r"\$\{\{\s*secrets\.")


def _steps(text: str) -> Iterator[tuple[str, str, str]]:
    """(action, ref, step text) for each `uses:` step of a workflow's TEXT."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = USES.match(line)
        if match is None:
            continue
        indent = len(match.group(1))
        end = next((j for j in range(index + 1, len(lines)) if (start := STEP_START.match(lines[j]))
                    and len(start.group(1)) <= indent), len(lines))
        yield match.group(2), match.group(3), "\n".join(lines[index:end])


COMMIT = lazy_compile(r"[0-9a-f]{40}")


def _repo(action: str) -> tuple[str, str]:
    """(owner, repository name) of an action, lower-case: `aws-actions/configure-aws-credentials/sub`."""
    owner, _, rest = action.lower().partition("/")
    return owner, rest.partition("/")[0]


def _unpinned(action: str, ref: str, before: dict[str, tuple[str, str]], pins_commits: bool) -> str | None:
    """How ACTION@REF runs code its publisher can move, given the actions BEFORE ran by repository name; or None."""
    if action.lower().startswith(FIRST_PARTY):
        return None
    owner, repo = _repo(action)
    was = before.get(repo)
    if was is not None and was[0] != owner:
        return f"is swapped for {action}@{ref}, another owner's action of the same name (was {was[0]}/{repo})"
    if COMMIT.fullmatch(ref):
        return None
    if was is not None and COMMIT.fullmatch(was[1]):
        return f"moves from a pinned commit to {ref}, a ref its owner can move"
    if was is None and (not PINNED.match(ref) or pins_commits):
        return f"newly runs {action}@{ref}, another publisher's action by a ref it can move"
    return None


def _steps_of(values: object) -> Iterator[tuple[str, str, str, str, str]]:
    """(path, workflow text, action, ref, step text) of each `uses:` step in VALUES' texts."""
    for path, text in leaves(values):
        if isinstance(text, str) and "uses:" in text:
            for action, ref, step in _steps(text):
                yield path, text, action, ref, step


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"uses:",))
def _floating_actions(change: Change) -> Iterator[Finding]:
    before: dict[str, tuple[str, str]] = {}
    for _, _, action, ref, _ in _steps_of(change.before):
        before[_repo(action)[1]] = (_repo(action)[0], ref)
    pins_commits = any(COMMIT.fullmatch(ref) and owner + "/" not in FIRST_PARTY for owner, ref in before.values())
    for path, text, action, ref, step in _steps_of(change.after):
        how = _unpinned(action, ref, before, pins_commits)
        if how is None:
            continue
        held = "the step is handed secrets" if SECRET.search(step) else \
            "the job holds a write or OIDC token" if PRIVILEGE.search(text) else None
        yield finding(SUPPLY, change.address,
                      f"{change.address}: {path} {how}: whatever it holds at run time runs in the job"
                      + (f", and {held}" if held else ""), Severity.HIGH if held else Severity.MEDIUM)
