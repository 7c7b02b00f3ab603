"""Time the deterministic stage (load → mask → normalize → rules → prompt) against orjson.loads.

Run: python bench/deterministic.py [N ...]   (default 1000 10000 50000)
Prints, for each generated plan, the median of several runs of both, their ratio, the median of each
stage, and the peak memory of one deterministic run. No thresholds: the numbers go to bench/README.md.
Times are CPU seconds of this process (time.process_time): both sides are single-threaded, so on an idle
machine they equal wall time, and on a shared one they are not inflated by other processes.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import generate
from tfreview.pipeline.changes import normalize, paused_gc
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.mask import mask_document
from tfreview.pipeline.plan import parse_plan, read_plan_document
from tfreview.pipeline.prompt import build_prompt
from tfreview.pipeline.risk import evaluate

RUNS = 5
STAGES = ("load", "mask", "parse", "normalize", "rules", "prompt")


def stages(path: Path) -> dict[str, float]:
    """The deterministic stage as `review.prepare` runs it (garbage collector paused), each step timed."""
    with paused_gc():
        return _timed_stages(path)


def _timed_stages(path: Path) -> dict[str, float]:
    times: dict[str, float] = {}
    clock = time.process_time
    start = clock()
    document = read_plan_document(path)
    times["load"] = clock() - start
    start = clock()
    masking = mask_document(document)
    times["mask"] = clock() - start
    start = clock()
    plan = parse_plan(document)
    times["parse"] = clock() - start
    start = clock()
    changeset = normalize(plan)
    times["normalize"] = clock() - start
    start = clock()
    findings = evaluate(ReviewInput(plan=plan, changeset=changeset, masking=masking))
    times["rules"] = clock() - start
    start = clock()
    build_prompt(plan, changeset, findings, num_ctx=8192)
    times["prompt"] = clock() - start
    return times


def deterministic(path: Path) -> float:
    """Wall time of the whole stage."""
    return sum(stages(path).values())


def baseline(path: Path) -> float:
    """Reading the file and parsing it with orjson: the floor any reviewer pays."""
    start = time.process_time()
    orjson.loads(path.read_bytes())
    return time.process_time() - start


def baseline_gc_paused(path: Path) -> float:
    """The same floor with the garbage collector paused, as tfreview's own stage runs: the strict ratio."""
    with paused_gc():
        return baseline(path)


def peak_mib(fn: Callable[[Path], object], path: Path) -> float:
    """Peak Python heap of one call, in MiB."""
    tracemalloc.start()
    fn(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main(sizes: list[int]) -> None:
    """Print one row per plan size, then the per-stage medians."""
    print(f"{'changes':>8} {'MiB':>6} {'orjson s':>9} {'tfreview s':>10} {'ratio':>6} {'no-gc orjson':>12} "
          f"{'strict':>6} {'peak MiB':>9} "
          + " ".join(f"{s:>9}" for s in STAGES))
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"plan-{n}.json"
            path.write_bytes(generate(n))
            base = statistics.median(baseline(path) for _ in range(RUNS))
            strict = statistics.median(baseline_gc_paused(path) for _ in range(RUNS))
            runs = [stages(path) for _ in range(RUNS)]
            ours = statistics.median(sum(r.values()) for r in runs)
            per_stage = " ".join(f"{statistics.median(r[s] for r in runs):>9.4f}" for s in STAGES)
            size = path.stat().st_size / 2**20
            print(f"{n:>8} {size:>6.1f} {base:>9.4f} {ours:>10.4f} {ours / base:>6.2f} {strict:>12.4f} "
                  f"{ours / strict:>6.2f} "
                  f"{peak_mib(deterministic, path):>9.1f} {per_stage}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 50000])
