"""Batch throughput: 650 workspaces with 20 distinct change-sets against a model double answering in 50 ms.

Run: python bench/batch.py [WORKSPACES DISTINCT]   (default 650 20)
The doubles (Ollama's /api/chat and llama-server's /v1/chat/completions, from tests/) run in a child
process, as a model server would, listen on 127.0.0.1 only and answer each chat after a fixed latency.
For each backend and concurrency the batch runs on a cold cache, then again on the warm one; "ideal" is
distinct × latency / concurrency, the time the model calls alone would take. "prepare only" is the same
batch with --backend none: the floor of reading and preparing every plan on this machine.
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pytest_httpserver import HTTPServer

from bench.workspaces import write_workspaces
from tests.ollama_double import OllamaDouble
from tests.openai_double import OpenAIDouble
from tfreview.settings import Settings
from tfreview.workflows.batch import run_batch
from tfreview.workflows.discover import Workspace

LATENCY_S = 0.05
CONCURRENCIES = (1, 2, 4, 8)


def serve(kind: str, port: Connection) -> None:
    """Run one double in this process until the parent hangs up."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log line per request
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    if kind == "ollama":
        OllamaDouble(server).chat_stall(LATENCY_S)
    else:
        OpenAIDouble(server, "llama").stall(LATENCY_S)
    port.send(server.port)
    port.recv()  # blocks until the parent sends "stop" or exits
    server.stop()


def timed_batch(workspaces: list[Workspace], settings: Settings, concurrency: int) -> tuple[float, int]:
    """Wall time and model calls of one batch run."""
    start = time.perf_counter()
    report = run_batch(workspaces, lambda path: settings, concurrency=concurrency)
    return time.perf_counter() - start, report.model_calls


def table(kind: str, workspaces: list[Workspace], distinct: int, tmp: Path) -> None:
    """One row per concurrency for one backend."""
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(target=serve, args=(kind, child), daemon=True)
    process.start()
    url = f"http://127.0.0.1:{parent.recv()}"
    print(f"\nbackend {kind}")
    print(f"{'concurrency':>11} {'calls':>6} {'cold s':>7} {'ideal s':>8} {'cold-ideal s':>12} {'warm s':>7}")
    for concurrency in CONCURRENCIES:
        where = {"host": url} if kind == "ollama" else {"base_url": url + "/v1"}
        settings = Settings(backend=kind, cache_dir=tmp / f"cache-{kind}-{concurrency}", timeout=30, **where)
        cold, calls = timed_batch(workspaces, settings, concurrency)
        warm, _ = timed_batch(workspaces, settings, concurrency)
        ideal = distinct * LATENCY_S / concurrency
        print(f"{concurrency:>11} {calls:>6} {cold:>7.2f} {ideal:>8.2f} {cold - ideal:>12.2f} {warm:>7.2f}")
    parent.send("stop")
    process.join(timeout=5)


def main(count: int, distinct: int) -> None:
    """Print the floor, then a table per backend."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_workspaces(Path(tmp) / "ws", count, distinct)
        workspaces = [Workspace(p.parent.name, p) for p in paths]
        floor, _ = timed_batch(workspaces, Settings(backend="none"), 1)
        print(f"{count} workspaces, {distinct} distinct change-sets, {LATENCY_S * 1000:.0f} ms per model call")
        print(f"prepare only (--backend none): {floor:.2f} s")
        for kind in ("ollama", "openai"):
            table(kind, workspaces, distinct, Path(tmp))


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*(args or [650, 20]))
