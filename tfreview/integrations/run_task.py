"""HCP Terraform / Terraform Enterprise run task: review the run's plan and call back with passed/failed.

Protocol (HashiCorp "Run tasks integration API" and hashicorp/terraform-run-task-scaffolding-go):
- HCP Terraform POSTs a JSON payload; `X-TFC-Task-Signature` is the hex HMAC-SHA512 of the raw body
  under the run task's HMAC key. A bad or missing signature gets 401 and nothing else happens.
- The endpoint check sent when a run task is created carries `access_token: "test-token"`: 200, no work.
- Otherwise answer 200 at once, then in the background: GET `plan_json_api_url` with the bearer
  `access_token` (it answers 307 to a short-lived download URL, which is followed), review the plan,
  and PATCH `task_result_callback_url` with a JSON:API `task-results` document (Content-Type
  application/vnd.api+json): `passed` for likely safe, `failed` for needs close review, one outcome per
  finding tagged with its severity. Any error fails closed: `failed` with the reason.
- HCP Terraform errors a task that sends no update for 10 minutes, so a long review sends `running`
  progress updates every `progress_interval` seconds.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tfreview.backends.base import Backend
from tfreview.errors import TfreviewError
from tfreview.pipeline.findings import Finding, Severity
from tfreview.pipeline.review import review
from tfreview.render.escape import markdown_code, markdown_inline, one_line
from tfreview.result import ReviewResult
from tfreview.settings import Settings

VERIFICATION_TOKEN = "test-token"
SIGNATURE_HEADER = "X-TFC-Task-Signature"
JSONAPI = "application/vnd.api+json"
TAG_LEVELS = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "info", Severity.INFO: "none"}
log = logging.getLogger("tfreview.run_task")


class RunTaskError(TfreviewError):
    """The run task could not review the plan; the callback reports `failed` with this message."""


@dataclass
class RunTaskConfig:
    """How the service reviews: settings, the HMAC key (None = unsigned requests accepted), timeouts."""

    settings: Settings
    hmac_key: bytes | None
    http_timeout: float = 60.0
    progress_interval: float = 300.0
    backend: Backend | None = None


def create_app(config: RunTaskConfig) -> Starlette:
    """The ASGI app: POST / receives run task requests, GET /healthz answers liveness probes."""

    async def receive(request: Request) -> Response:
        body = await request.body()
        if config.hmac_key is not None and not signature_ok(body, request.headers.get(SIGNATURE_HEADER),
                                                            config.hmac_key):
            log.warning("rejected a run task request with a missing or wrong %s", SIGNATURE_HEADER)
            return JSONResponse({"errors": [{"status": "401", "title": "bad signature"}]}, status_code=401)
        payload = _payload(body)
        if payload is None:
            return JSONResponse({"errors": [{"status": "400", "title": "not a run task payload"}]}, status_code=400)
        if payload.get("access_token") == VERIFICATION_TOKEN:
            return Response(status_code=200)
        return Response(status_code=200, background=BackgroundTask(process, payload, config))

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[Route("/", receive, methods=["POST"]), Route("/healthz", health, methods=["GET"])])


def signature_ok(body: bytes, signature: str | None, key: bytes) -> bool:
    """Whether SIGNATURE is the hex HMAC-SHA512 of BODY under KEY (constant-time comparison)."""
    expected = hmac.new(key, body, hashlib.sha512).hexdigest()
    return bool(signature) and hmac.compare_digest(expected, (signature or "").strip().lower())


def _payload(body: bytes) -> dict[str, Any] | None:
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    if not isinstance(payload, dict) or not payload.get("task_result_callback_url") or not payload.get("access_token"):
        return None
    return payload


def process(payload: dict[str, Any], config: RunTaskConfig) -> None:
    """Review the run's plan and PATCH the result; never raises (it runs after the response)."""
    callback, token = str(payload["task_result_callback_url"]), str(payload["access_token"])
    with _Progress(config.progress_interval, lambda: _patch(callback, token, running_body(), config.http_timeout)):
        try:
            result = review_run(payload, config)
            body = result_body(result, outcomes=bool((payload.get("capabilities") or {}).get("outcomes")))
        except Exception as exc:  # fail closed on anything, the reason goes back to HCP Terraform
            log.warning("run %s: review failed: %s", payload.get("run_id"), exc)
            body = failed_body(f"tfreview could not review the plan: {_reason(exc)}")
    _patch(callback, token, body, config.http_timeout)


def review_run(payload: dict[str, Any], config: RunTaskConfig) -> ReviewResult:
    """Download the run's plan JSON and review it."""
    url = payload.get("plan_json_api_url")
    if not url:
        raise RunTaskError(f"the {payload.get('stage', 'unknown')} stage carries no plan — attach the run task "
                           "to the post-plan or pre-apply stage")
    data = fetch_plan(str(url), str(payload["access_token"]), config.http_timeout)
    with tempfile.TemporaryDirectory(prefix="tfreview-run-task-") as tmp:
        path = Path(tmp) / "plan.json"
        path.write_bytes(data)
        return review(path, config.settings, config.backend)


def fetch_plan(url: str, token: str, timeout: float) -> bytes:
    """GET the plan JSON with the bearer token, following the redirect to the download URL."""
    try:
        # httpx drops Authorization when a redirect leaves the origin; the download URL is pre-signed.
        response = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, follow_redirects=True,
                             timeout=timeout)
    except httpx.HTTPError as exc:
        raise RunTaskError(f"cannot download the plan JSON: {type(exc).__name__}") from None
    if response.status_code == 204:
        raise RunTaskError("the plan JSON is not ready yet (HTTP 204)")
    if response.status_code >= 400:
        raise RunTaskError(f"downloading the plan JSON failed with HTTP {response.status_code}")
    return response.content


def result_body(result: ReviewResult, *, outcomes: bool) -> dict[str, Any]:
    """The JSON:API task-results document for a finished review."""
    data: dict[str, Any] = {"type": "task-results", "attributes": {
        "status": "failed" if result.needs_review else "passed", "message": summary_message(result)}}
    if outcomes:
        data["relationships"] = {"outcomes": {"data": [outcome(f) for f in result.findings]}}
    return {"data": data}


def summary_message(result: ReviewResult) -> str:
    """'tfreview: needs close review — 2 high, 1 medium finding(s); decided by rules' and any error."""
    counts = {s: sum(f.severity is s for f in result.findings) for s in Severity}
    found = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n) or "no"
    message = f"tfreview: {result.label_text} — {found} finding(s); decided by {result.decided_by.value}"
    if result.errors:
        message += f"; error: {_cut(one_line(result.errors[0]), 300)}"
    return message


def outcome(finding: Finding) -> dict[str, Any]:
    """One task-result-outcome for one finding, with Severity and Rule tags."""
    where = markdown_code(finding.address) if finding.address else "the plan"
    return {"type": "task-result-outcomes", "attributes": {
        "outcome-id": f"{finding.rule}:{finding.address or 'plan'}",
        "description": _cut(one_line(finding.message), 250),
        "body": f"**{finding.severity.value}** · rule {markdown_code(finding.rule)} · {where}\n\n"
                f"{markdown_inline(finding.message)}\n",
        "tags": {"Severity": [{"label": finding.severity.value.capitalize(), "level": TAG_LEVELS[finding.severity]}],
                 "Rule": [{"label": finding.rule}]},
    }}


def failed_body(message: str) -> dict[str, Any]:
    """A `failed` result carrying MESSAGE."""
    return {"data": {"type": "task-results", "attributes": {"status": "failed", "message": _cut(message, 1000)}}}


def running_body() -> dict[str, Any]:
    """A progress update."""
    return {"data": {"type": "task-results",
                     "attributes": {"status": "running", "message": "tfreview is still reviewing the plan…"}}}


def _patch(url: str, token: str, body: dict[str, Any], timeout: float) -> None:
    try:
        response = httpx.patch(url, content=json.dumps(body), timeout=timeout,
                               headers={"Authorization": f"Bearer {token}", "Content-Type": JSONAPI})
    except httpx.HTTPError as exc:
        log.error("callback to HCP Terraform failed: %s", type(exc).__name__)
        return
    if response.status_code >= 400:
        log.error("HCP Terraform refused the callback: HTTP %s %s", response.status_code, response.text[:300])


def _reason(exc: Exception) -> str:
    return str(exc) if isinstance(exc, TfreviewError) else f"{type(exc).__name__}: {exc}"


def _cut(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


class _Progress:
    """Calls SEND every INTERVAL seconds until the block ends."""

    def __init__(self, interval: float, send: Callable[[], None]) -> None:
        self.interval, self.send = interval, send
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="tfreview-run-task-progress", daemon=True)

    def __enter__(self) -> _Progress:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    def _run(self) -> None:
        while not self.stop.wait(self.interval):
            self.send()
