"""`tfreview serve run-task` on a real uvicorn, with pytest-httpserver playing HCP Terraform."""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.helpers import plan_path
from tests.ollama_double import OllamaDouble
from tfreview.commands.serve import serve_group
from tfreview.integrations.run_task import RunTaskConfig, create_app
from tfreview.settings import Settings

KEY = b"run-task-hmac-key"
ACCESS_TOKEN = "hcp-run-token-abc123"
PLAN_URL = "/api/v2/plans/plan-6AFmRJW1PFJ7qbAh/json-output"
CALLBACK = "/api/v2/task-results/5ea8d46c/callback"


@dataclass
class HcpDouble:
    """HCP Terraform's side: the plan JSON endpoint (307 to a download URL) and the callback."""

    server: HTTPServer
    plan: bytes = b""
    plan_status: int = 307
    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    @property
    def patches(self) -> list[dict[str, Any]]:
        return [json.loads(body) for method, _, _, body in self.requests if method == "PATCH"]

    def handle(self, request: Request) -> Response:
        self.requests.append((request.method, request.path, dict(request.headers), request.get_data()))
        if request.path == PLAN_URL:
            if self.plan_status != 307:
                return Response(status=self.plan_status)
            return Response(status=307, headers={"Location": f"{self.url}/archivist/plan.json?sig=x"})
        if request.path == "/archivist/plan.json":
            return Response(self.plan, content_type="application/json")
        if request.path == CALLBACK and request.method == "PATCH":
            return Response(status=200)
        return Response(status=404)

    def payload(self, plan: str = "update", **overrides: Any) -> dict[str, Any]:
        """A post-plan request as HCP Terraform sends it (shape from the run tasks integration docs)."""
        self.plan = plan_path(plan).read_bytes()
        return {"payload_version": 1, "stage": "post_plan", "access_token": ACCESS_TOKEN,
                "capabilities": {"outcomes": True}, "is_speculative": False, "organization_name": "acme",
                "plan_json_api_url": self.url + PLAN_URL, "run_id": "run-i3Df5to9ELvibKpQ",
                "task_result_callback_url": self.url + CALLBACK, "task_result_enforcement_level": "mandatory",
                "task_result_id": "taskrs-2nH5dncYoXaMVQmJ", "workspace_name": "prod", **overrides}

    def wait_for_patches(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.patches) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.05)  # nothing else may follow the final callback
        return self.patches


@functools.cache
def _hcp_server() -> HTTPServer:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    return server


@pytest.fixture
def hcp() -> Iterator[HcpDouble]:
    server = _hcp_server()
    server.clear()
    double = HcpDouble(server)
    server.expect_request(re.compile(".*")).respond_with_handler(double.handle)
    yield double
    server.clear()


@pytest.fixture
def serve() -> Iterator[Callable[..., str]]:
    """Start the app on uvicorn at 127.0.0.1:<random port>; returns its base URL."""
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(settings: Settings | None = None, key: bytes | None = KEY, **config: Any) -> str:
        app = create_app(RunTaskConfig(settings or Settings(backend="none"), key, **config))
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.01)
        servers.append((server, thread))
        port = server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=5)


def post(url: str, payload: dict[str, Any], signature: str | None = "sign") -> httpx.Response:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "TFC/1.0 (+https://app.terraform.io; TFC)"}
    if signature == "sign":
        signature = hmac.new(KEY, body, hashlib.sha512).hexdigest()
    if signature is not None:
        headers["X-TFC-Task-Signature"] = signature
    return httpx.post(url + "/", content=body, headers=headers, timeout=10)


@pytest.mark.parametrize("signature", ["0" * 128, "", None], ids=["wrong", "empty", "missing"])
def test_bad_signature_is_refused_and_never_called_back(hcp: HcpDouble, serve: Callable[..., str],
                                                        signature: str | None) -> None:
    response = post(serve(), hcp.payload("failing_check"), signature)
    assert response.status_code == 401
    time.sleep(0.1)
    assert hcp.requests == []


def test_verification_request_succeeds_without_fetching(hcp: HcpDouble, serve: Callable[..., str]) -> None:
    response = post(serve(), hcp.payload(access_token="test-token"))
    assert response.status_code == 200
    time.sleep(0.1)
    assert hcp.requests == []


def test_needs_review_plan_fails_with_one_outcome_per_finding(hcp: HcpDouble, serve: Callable[..., str]) -> None:
    response = post(serve(), hcp.payload("failing_check"))
    assert response.status_code == 200
    (patch,) = hcp.wait_for_patches(1)
    data = patch["data"]
    assert data["type"] == "task-results" and data["attributes"]["status"] == "failed"
    assert data["attributes"]["message"].startswith("tfreview: needs close review — 1 high finding(s)")
    (item,) = data["relationships"]["outcomes"]["data"]
    assert item["type"] == "task-result-outcomes"
    assert item["attributes"]["outcome-id"] == "check-failed:check.web_is_v9"
    assert item["attributes"]["tags"]["Severity"] == [{"label": "High", "level": "error"}]
    fetch, download, callback = hcp.requests
    assert fetch[2]["Authorization"] == f"Bearer {ACCESS_TOKEN}" and download[1] == "/archivist/plan.json"
    assert callback[2]["Content-Type"] == "application/vnd.api+json"
    assert callback[2]["Authorization"] == f"Bearer {ACCESS_TOKEN}"


def test_likely_safe_plan_passes(hcp: HcpDouble, serve: Callable[..., str]) -> None:
    post(serve(), hcp.payload("create"))
    (patch,) = hcp.wait_for_patches(1)
    assert patch["data"]["attributes"]["status"] == "passed"
    assert patch["data"]["relationships"]["outcomes"]["data"] == []


def test_outcomes_left_out_when_the_caller_cannot_take_them(hcp: HcpDouble, serve: Callable[..., str]) -> None:
    post(serve(), hcp.payload("failing_check", capabilities={}))
    (patch,) = hcp.wait_for_patches(1)
    assert "relationships" not in patch["data"] and patch["data"]["attributes"]["status"] == "failed"


def test_model_verdict_decides_through_the_ollama_double(hcp: HcpDouble, serve: Callable[..., str],
                                                         ollama: OllamaDouble) -> None:
    ollama.chat_thinking("Only an input string changes.", "Routine.\nVERDICT: LIKELY SAFE")
    post(serve(Settings(host=ollama.url, timeout=10)), hcp.payload("update"))
    (patch,) = hcp.wait_for_patches(1)
    assert patch["data"]["attributes"]["status"] == "passed"
    assert "decided by model" in patch["data"]["attributes"]["message"]


@pytest.mark.parametrize(("scenario", "reason"), [
    ("plan-404", "downloading the plan JSON failed with HTTP 404"),
    ("plan-not-ready", "not ready yet (HTTP 204)"),
    ("pre-plan-stage", "attach the run task to the post-plan or pre-apply stage"),
    ("model-down", "tfreview: needs close review"),
])
def test_every_failure_calls_back_failed_with_the_reason(hcp: HcpDouble, serve: Callable[..., str],
                                                         scenario: str, reason: str) -> None:
    payload = hcp.payload("update")
    settings = Settings(backend="none")
    if scenario == "plan-404":
        hcp.plan_status = 404
    elif scenario == "plan-not-ready":
        hcp.plan_status = 204
    elif scenario == "pre-plan-stage":
        payload = hcp.payload("update", stage="pre_plan", plan_json_api_url=None)
    else:
        settings = Settings(host="http://127.0.0.1:9", timeout=5)
    post(serve(settings), payload)
    (patch,) = hcp.wait_for_patches(1)
    assert patch["data"]["attributes"]["status"] == "failed"
    assert reason in patch["data"]["attributes"]["message"]


def test_slow_review_sends_running_updates_first(hcp: HcpDouble, serve: Callable[..., str],
                                                 ollama: OllamaDouble) -> None:
    ollama.chat_stall(0.6)
    post(serve(Settings(host=ollama.url, timeout=0.3), progress_interval=0.1), hcp.payload("update"))
    deadline = time.monotonic() + 10
    while not any(p["data"]["attributes"]["status"] != "running" for p in hcp.patches) and time.monotonic() < deadline:
        time.sleep(0.02)
    statuses = [p["data"]["attributes"]["status"] for p in hcp.patches]
    assert statuses[0] == "running" and statuses[-1] == "failed" and statuses.count("failed") == 1


def test_command_refuses_to_start_without_a_key() -> None:
    result = CliRunner().invoke(serve_group, ["run-task"])
    assert result.exit_code != 0 and "TFREVIEW_HMAC_KEY is not set" in result.output + str(result.exception)


def test_command_serves_the_app_with_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    started: dict[str, Any] = {}
    monkeypatch.setenv("TFREVIEW_HMAC_KEY", KEY.decode())
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    result = CliRunner().invoke(serve_group, ["run-task", "--bind", "0.0.0.0", "--port", "9999", "--backend", "none"])
    assert result.exit_code == 0, result.output
    assert (started["host"], started["port"]) == ("0.0.0.0", 9999)
