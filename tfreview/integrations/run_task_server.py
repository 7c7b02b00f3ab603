"""Run task server (`tfreview serve run-task`): the signed endpoint and the bounded queue of runs it feeds.

A request is refused before its body is read when the signature header is missing or malformed (401)
or Content-Length is over the cap (413); the body is then read in chunks into the HMAC and refused as
soon as it passes the cap (413, chunked bodies too). Accepted runs wait in a bounded queue (full: 503)
for one of `workers` threads; a heartbeat PATCHes `running` to every queued or active run each
`progress_interval` seconds, so waiting never hits HCP Terraform's 10-minute limit.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import queue
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tfreview.errors import TfreviewError
from tfreview.integrations.run_task import (
    SIGNATURE_HEADER,
    VERIFICATION_TOKEN,
    RunTaskConfig,
    RunTaskError,
    failed_body,
    result_body,
    running_body,
    url_refusal,
)
from tfreview.integrations.run_task_client import deliver, download_plan
from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.review import review
from tfreview.render.escape import one_line

_SIGNATURE = lazy_compile(r"[0-9a-fA-F]{128}")
log = logging.getLogger("tfreview.run_task")


def create_app(config: RunTaskConfig) -> Starlette:
    """The ASGI app: POST / receives run task requests, GET /healthz answers liveness probes."""
    runs = RunQueue(config)

    async def receive(request: Request) -> Response:
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if config.hmac_key is not None and not _SIGNATURE.fullmatch(signature):
            log.warning("refused a run task request: %s is missing or not 128 hex digits", SIGNATURE_HEADER)
            return _error(401, "missing or malformed signature")
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > config.max_body_bytes):
            return _error(413 if length.isdigit() else 400, f"body over {config.max_body_bytes} bytes")
        mac = hmac.new(config.hmac_key, digestmod=hashlib.sha512) if config.hmac_key is not None else None
        body = bytearray()
        try:
            async for chunk in request.stream():
                body += chunk
                if len(body) > config.max_body_bytes:
                    return _error(413, f"body over {config.max_body_bytes} bytes")
                if mac is not None:
                    mac.update(chunk)
        except ClientDisconnect:
            log.info("a run task client disconnected before sending its whole request")
            return Response(status_code=400)
        if mac is not None and not hmac.compare_digest(mac.hexdigest(), signature.lower()):
            log.warning("refused a run task request: %s does not match the body", SIGNATURE_HEADER)
            return _error(401, "bad signature")
        payload = _payload(bytes(body))
        if payload is None:
            return _error(400, "not a run task payload")
        if payload["access_token"] == VERIFICATION_TOKEN:
            return Response(status_code=200)
        callback = payload.get("task_result_callback_url")
        refusal = url_refusal(callback, config.allowed_hosts) if isinstance(callback, str) else "none given"
        if refusal:
            log.warning("refused run %s: task_result_callback_url %s", _run_name(payload), refusal)
            return _error(422, f"task_result_callback_url refused: {refusal}")
        if not runs.submit(Run(payload, str(callback), payload["access_token"])):
            log.warning("refused run %s: %d runs are queued already", _run_name(payload), config.queue_size)
            return JSONResponse({"errors": [{"status": "503", "title": "queue full"}]}, status_code=503,
                                headers={"Retry-After": "30"})
        return Response(status_code=200)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "queued": runs.queue.qsize()})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        runs.close()

    app = Starlette(routes=[Route("/", receive, methods=["POST"]), Route("/healthz", health, methods=["GET"])],
                    lifespan=lifespan)
    app.state.runs = runs
    return app


def _error(status: int, title: str) -> Response:
    # Connection: close makes uvicorn hang up instead of keeping a half-read body's connection open.
    return JSONResponse({"errors": [{"status": str(status), "title": title}]}, status_code=status,
                        headers={"Connection": "close"})


def _payload(body: bytes) -> dict[str, Any] | None:
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("access_token"), str):
        return None
    return payload if payload["access_token"] else None


def _run_name(payload: dict[str, Any]) -> str:
    return one_line(str(payload.get("run_id") or "(no run_id)"))[:80]


@dataclass(eq=False)
class Run:
    """One accepted run: its payload, where and how to call back, and whether the final result went out."""

    payload: dict[str, Any]
    callback: str
    token: str
    last_update: float = field(default_factory=time.monotonic)
    started: bool = False
    done: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


class RunQueue:
    """A bounded queue of runs, `workers` threads reviewing them, and the heartbeat keeping them alive."""

    def __init__(self, config: RunTaskConfig) -> None:
        self.config = config
        self.queue: queue.Queue[Run | None] = queue.Queue(config.queue_size)
        self.pending: set[Run] = set()
        self.pending_lock = threading.Lock()
        self.stop = threading.Event()
        self.client = httpx.Client(timeout=config.http_timeout, follow_redirects=False)
        self.threads = [threading.Thread(target=self._work, name=f"tfreview-run-task-{n}", daemon=True)
                        for n in range(config.workers)]
        self.threads.append(threading.Thread(target=self._beat, name="tfreview-run-task-heartbeat", daemon=True))
        for thread in self.threads:
            thread.start()

    def submit(self, run: Run) -> bool:
        """Queue RUN; False when the queue is full."""
        with self.pending_lock:
            try:
                self.queue.put_nowait(run)
            except queue.Full:
                return False
            self.pending.add(run)
        return True

    def close(self) -> None:
        """Stop the heartbeat and the workers once they finish their current run."""
        self.stop.set()
        for _ in range(self.config.workers):
            with contextlib.suppress(queue.Full):
                self.queue.put_nowait(None)

    def _work(self) -> None:
        while not self.stop.is_set():
            run = self.queue.get()
            if run is None:
                return
            try:
                run.started = True
                self._update(run, "tfreview is reviewing the plan…", wait=True)
                body = review_run(run, self.config, self.client)
                with run.lock:
                    deliver(self.client, run.callback, run.token, body, delays=self.config.retry_delays,
                            sleep=self.stop.wait)
                    run.done = True
            except Exception as exc:  # a worker must outlive any one run
                log.error("run %s: not reported: %s", _run_name(run.payload), one_line(repr(exc))[:300])
            finally:
                with self.pending_lock:
                    self.pending.discard(run)

    def _beat(self) -> None:
        interval = self.config.progress_interval
        while not self.stop.wait(min(interval / 4, 5.0)):
            with self.pending_lock:
                due = [r for r in self.pending if time.monotonic() - r.last_update >= interval]
            for run in due:
                waiting = "tfreview is reviewing the plan…" if run.started else \
                    f"tfreview: queued, waiting for a free reviewer ({self.queue.qsize()} run(s) queued)"
                try:
                    self._update(run, waiting, wait=False)
                except Exception as exc:  # the heartbeat must outlive any one run
                    log.error("run %s: no running update: %s", _run_name(run.payload), one_line(repr(exc))[:300])

    def _update(self, run: Run, message: str, *, wait: bool) -> None:
        """One `running` PATCH, unless the final result went out (or, without WAIT, is going out)."""
        if not run.lock.acquire(blocking=wait):
            return
        try:
            if not run.done:
                # one short attempt: the next heartbeat is the retry, and a slow host must not stall the others
                deliver(self.client, run.callback, run.token, running_body(message), timeout=10.0)
                run.last_update = time.monotonic()
        finally:
            run.lock.release()


def review_run(run: Run, config: RunTaskConfig, client: httpx.Client) -> dict[str, Any]:
    """Download the run's plan, review it, and return the callback body; any failure is a `failed` body."""
    payload = run.payload
    try:
        url = payload.get("plan_json_api_url")
        if not isinstance(url, str) or not url:
            raise RunTaskError(f"the {one_line(str(payload.get('stage', 'unknown')))[:40]} stage carries no "
                               "plan — attach the run task to the post-plan or pre-apply stage")
        with tempfile.TemporaryDirectory(prefix="tfreview-run-task-") as tmp:
            path = Path(tmp) / "plan.json"
            try:
                download_plan(client, url, run.token, path, allowed=config.allowed_hosts,
                              max_bytes=config.max_plan_bytes)
            except httpx.HTTPError as exc:
                raise RunTaskError(f"cannot download the plan JSON: {type(exc).__name__}") from None
            result = review(path, config.settings, config.backend)
        capabilities = payload.get("capabilities")
        return result_body(result, outcomes=isinstance(capabilities, dict) and capabilities.get("outcomes") is True)
    except Exception as exc:  # fail closed on anything; the reason goes back to HCP Terraform
        reason = str(exc) if isinstance(exc, TfreviewError) else f"{type(exc).__name__}: {exc}"
        log.warning("run %s: review failed: %s", _run_name(payload), one_line(reason))
        return failed_body(f"tfreview could not review the plan: {reason}")
