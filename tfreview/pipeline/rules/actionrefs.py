"""Risk rules, software supply chain (reported under supply-chain-opened): a CI workflow the plan writes (a
repository file of any VCS provider, whose text holds `uses: owner/name@ref` steps) that newly runs another
publisher's action by a branch (`@main`, `@master`, `@dev`): whatever that branch holds at run time runs in the job.
High when the step is handed secrets (`${{ secrets.X }}` in its `with` or `env`): the publisher's next push can
take them; medium otherwise. A commit SHA or a version tag, the platform's own actions (`actions/`, `github/`) and
local actions (`./`) are not this rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.supplychain import SUPPLY
from tfreview.pipeline.rules.values import leaves

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


def _floating(action: str, ref: str) -> bool:
    """Whether ACTION@REF runs another publisher's code by a branch, not a commit or a version tag."""
    return not action.lower().startswith(FIRST_PARTY) and not PINNED.match(ref)


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"uses:",))
def _floating_actions(change: Change) -> Iterator[Finding]:
    before = {(a, r) for _, text in leaves(change.before) if isinstance(text, str) and "uses:" in text
              for a, r, _ in _steps(text)}
    for path, text in leaves(change.after):
        if not isinstance(text, str) or "uses:" not in text:
            continue
        for action, ref, step in _steps(text):
            if (action, ref) in before or not _floating(action, ref):
                continue
            secrets = bool(SECRET.search(step))
            yield finding(SUPPLY, change.address,
                          f"{change.address}: {path} runs {action}@{ref}, another publisher's action by a branch: "
                          "whatever it holds at run time runs in the job"
                          + (", and the step is handed secrets" if secrets else ""),
                          Severity.HIGH if secrets else Severity.MEDIUM)
