"""Whole processes, as a user and a CI step meet them: `tfreview review PLAN --backend none` vs parsing only.

For each plan size it times, side by side in one run and best of N:
- the baseline: a Python process that only parses the plan (`python -c "orjson.loads(...)"`);
- `tfreview review PLAN --backend none --format json` and `--format text` (stdout to /dev/null);
and reports each ratio to the baseline and each process's peak RSS (from wait4), also relative to the file's size.
It also reports the json run's CPU seconds (user + system, from wait4) and their ratio to the baseline's: on a
shared machine wall time waits for other processes, CPU time much less. It also times `tfreview --help` and
`tfreview --version`. Nothing here asserts a threshold.

The package is byte-compiled first (`compileall`), as `pip install` does: with PYTHONDONTWRITEBYTECODE set, an
editable install would otherwise recompile every module from source in every process (~0.2 s), which no
installed user pays. Likewise the rules' regular expressions are compiled once into the bytecode cache (a
user's first review writes it; lazyregex.py): the small-plan line reports that first, cold process beside the
warm ones every later process is.

    .venv/bin/python bench/process.py [--sizes 1000,10000,50000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.generate import generate

BASELINE = "import sys, orjson; orjson.loads(open(sys.argv[1], 'rb').read())"


def tfreview_command() -> list[str]:
    """The installed console script beside this interpreter, else the CLI's entry point through this interpreter."""
    script = Path(sys.executable).with_name("tfreview")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from tfreview.cli import main; main()"]


def timed(command: list[str]) -> tuple[float, int, int, float]:
    """Wall seconds, peak RSS in bytes, exit status and CPU seconds of one process, its output discarded."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss * 1024, process.returncode, usage.ru_utime + usage.ru_stime


def best_of(command: list[str], repeat: int) -> tuple[float, int, float]:
    """The fastest of REPEAT runs, the largest peak RSS seen and the least CPU time."""
    runs = [timed(command) for _ in range(repeat)]
    codes = {r[2] for r in runs}
    if codes - {0, 1}:
        raise SystemExit(f"{' '.join(command)} exited {sorted(codes)}")
    return min(r[0] for r in runs), max(r[1] for r in runs), min(r[3] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tfreview = tfreview_command()
    compileall.compile_dir(Path(__file__).resolve().parents[1] / "tfreview", quiet=1)
    workdir = Path(tempfile.mkdtemp(prefix="tfreview-bench-"))
    try:
        startup(tfreview, args.repeat)
        small = workdir / "plan-10.json"
        small.write_bytes(generate(10))
        first_review(small, tfreview, args.repeat)
        print("\n| changes | plan MiB | parse only s | json s | json ratio | text s | text ratio "
              "| parse-only peak MiB | json peak MiB | peak / plan size | parse only CPU s | json CPU s | CPU ratio |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size in (int(s) for s in args.sizes.split(",")):
            plan = workdir / f"plan-{size}.json"
            plan.write_bytes(generate(size))
            row(size, plan, tfreview, args.repeat)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def startup(tfreview: list[str], repeat: int) -> None:
    """Time `--help` and `--version`, which should start in well under 150 ms."""
    for flag in ("--help", "--version"):
        seconds, rss, _ = best_of([*tfreview, flag], repeat)
        print(f"tfreview {flag}: {seconds * 1000:.0f} ms, peak {rss / 2**20:.0f} MiB")


def first_review(plan: Path, tfreview: list[str], repeat: int) -> None:
    """A 10-change plan, as most reviews are: the first process after install (no regex cache), then the rest."""
    review = [*tfreview, "review", str(plan), "--backend", "none", "--format", "json"]
    regex_cache().unlink(missing_ok=True)
    cold = min(timed(review)[0] for _ in range(repeat))  # PYTHONDONTWRITEBYTECODE (if set) keeps it cold
    subprocess.run(review, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                   env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})
    warm, _, _ = best_of(review, repeat)
    base, _, _ = best_of([sys.executable, "-c", BASELINE, str(plan)], repeat)
    print(f"10-change plan: parse only {base * 1000:.0f} ms; review first process (cold regex cache) "
          f"{cold * 1000:.0f} ms, later processes {warm * 1000:.0f} ms")


def regex_cache() -> Path:
    """The regex cache file of the tfreview this benchmark runs (the one in this repository)."""
    from tfreview import lazyregex

    return lazyregex.cache_path()


def row(size: int, plan: Path, tfreview: list[str], repeat: int) -> None:
    """One table row: the baseline and both formats, measured back to back."""
    review = [*tfreview, "review", str(plan), "--backend", "none"]
    base_s, base_rss, base_cpu = best_of([sys.executable, "-c", BASELINE, str(plan)], repeat)
    json_s, json_rss, json_cpu = best_of([*review, "--format", "json"], repeat)
    text_s, _, _ = best_of([*review, "--format", "text"], repeat)
    mib = plan.stat().st_size / 2**20
    print(f"| {size:,} | {mib:.1f} | {base_s:.3f} | {json_s:.3f} | {json_s / base_s:.1f}× | {text_s:.3f} "
          f"| {text_s / base_s:.1f}× | {base_rss / 2**20:.0f} | {json_rss / 2**20:.0f} "
          f"| {json_rss / plan.stat().st_size:.1f}× | {base_cpu:.3f} | {json_cpu:.3f} | {json_cpu / base_cpu:.1f}× |",
          flush=True)


if __name__ == "__main__":
    main()
