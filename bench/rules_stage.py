"""Time the rules stage in-process: `evaluate()`, and apart its per-change checks and its plan-wide rules.

Run: python bench/rules_stage.py [N ...]   (default 10000; a generated plan of N changes, see generate.py)
Loads, masks and normalizes the plan once with the garbage collector paused (as `review.prepare` runs), then
prints the best and median CPU seconds of several runs of each. No thresholds: the numbers go to bench/README.md.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import generate
from tfreview.pipeline import risk
from tfreview.pipeline.changes import normalize, paused_gc
from tfreview.pipeline.findings import RULES, ReviewInput
from tfreview.pipeline.mask import mask_document
from tfreview.pipeline.plan import parse_plan, read_plan_document
from tfreview.pipeline.resolved import resolve_unknowns

RUNS = 5


def cpu(work: Callable[[], object]) -> float:
    """CPU seconds of one call."""
    start = time.process_time()
    work()
    return time.process_time() - start


def timings(size: int) -> dict[str, list[float]]:
    """CPU seconds of each run of the rules stage, its per-change checks and its plan-wide rules at SIZE changes."""
    with tempfile.TemporaryDirectory() as tmp, paused_gc():
        path = Path(tmp) / "plan.json"
        path.write_bytes(generate(size))
        document = read_plan_document(path)
        masking = mask_document(document)
        plan = parse_plan(document)
        review_input = ReviewInput(plan=plan, changeset=normalize(plan), masking=masking)
        resolved = resolve_unknowns(review_input)
        times: dict[str, list[float]] = {"evaluate": [], "change": [], "plan": []}
        for _ in range(RUNS):
            times["evaluate"].append(cpu(lambda: risk.evaluate(review_input)))
            times["change"].append(cpu(lambda: risk._change_findings(resolved.changeset, set())))
            times["plan"].append(cpu(lambda: [list(r.check(resolved)) for r in RULES.values()]))
    return times


def main(sizes: list[int]) -> None:
    """One line per plan size."""
    print(f"{'changes':>8} {'evaluate best':>14} {'median':>7} {'per-change best':>16} {'median':>7} "
          f"{'plan-wide best':>15} {'median':>7}")
    for size in sizes:
        times = timings(size)
        cells = " ".join(f"{min(times[k]):>{w}.3f} {statistics.median(times[k]):>7.3f}"
                         for k, w in (("evaluate", 14), ("change", 16), ("plan", 15)))
        print(f"{size:>8} {cells}", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10000])
