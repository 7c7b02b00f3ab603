"""Snapshot every finding the rules give on every stored plan, to prove a speed change changed no finding.

Run: python bench/findings_snapshot.py OUT.tsv [ROOT ...]
(default roots: fixtures/ recursively, /work/heldout*/, /work/realplans/). Each plan goes through the stages
`review.prepare` runs up to `evaluate` (load → mask → parse → normalize → rules, GC paused, default config);
one line per finding: path, rule, severity, address, message (tab-separated, sorted), or path and the error
when the plan cannot be read. Take it before and after a change and `diff` the two files: they must match.
"""

from __future__ import annotations

import glob
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tfreview.errors import TfreviewError
from tfreview.pipeline.changes import normalize, paused_gc
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.mask import mask_document
from tfreview.pipeline.plan import parse_plan, read_plan_document
from tfreview.pipeline.risk import evaluate

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ROOTS = [str(ROOT / "fixtures"), *sorted(glob.glob("/work/heldout*")), "/work/realplans"]


def plans(roots: list[str]) -> list[Path]:
    """Every JSON file under the roots, in a stable order."""
    return sorted(p for root in roots for p in Path(root).rglob("*.json") if p.is_file())


def snapshot(path: Path) -> list[str]:
    """The findings of one plan as lines, or one line naming why it could not be reviewed."""
    try:
        with paused_gc():
            document = read_plan_document(path)
            masking = mask_document(document)
            plan = parse_plan(document)
            findings = evaluate(ReviewInput(plan=plan, changeset=normalize(plan), masking=masking))
    except (TfreviewError, RecursionError, ValueError) as exc:
        return [f"{path}\terror\t{type(exc).__name__}: {str(exc)[:200]}"]
    fields = ((f.rule, f.severity.value, f.address or "", f.message) for f in findings)
    return sorted("\t".join((str(path), *(s.replace("\t", " ").replace("\n", "\\n") for s in row))) for row in fields)


def main(out: str, roots: list[str]) -> None:
    """Write the snapshot of every plan under ROOTS to OUT."""
    lines = [line for path in plans(roots) for line in snapshot(path)]
    Path(out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} lines from {len(plans(roots))} plans → {out}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:] or DEFAULT_ROOTS)
