"""HCP Terraform's side of a run task on pytest-httpserver, and the run task app on a real uvicorn."""

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
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.helpers import plan_path
from tfreview.integrations.run_task import RunTaskConfig
from tfreview.integrations.run_task_server import create_app
from tfreview.settings import Settings

KEY = b"run-task-hmac-key"
ACCESS_TOKEN = "hcp-run-token-abc123"
PLAN_URL = "/api/v2/plans/plan-6AFmRJW1PFJ7qbAh/json-output"
CALLBACK = "/api/v2/task-results/5ea8d46c/callback"
DOWNLOAD = "/archivist/plan.json"
FINAL = ("passed", "failed")


@dataclass
class HcpDouble:
    """The plan JSON endpoint (307 to a download URL), the download, and task-result callbacks."""

    server: HTTPServer
    plan: bytes = b""
    plan_status: int = 307
    redirect_to: str | None = None
    callback_failures: list[Response] = field(default_factory=list)
    gate: threading.Event = field(default_factory=threading.Event)
    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.gate.set()

    @property
    def url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    @property
    def host(self) -> str:
        return f"{self.server.host}:{self.server.port}"

    @property
    def patches(self) -> list[dict[str, Any]]:
        return [json.loads(body) for method, _, _, body in list(self.requests) if method == "PATCH"]

    def by_callback(self) -> dict[str, list[dict[str, Any]]]:
        """Callback bodies per callback path, in the order they arrived."""
        out: dict[str, list[dict[str, Any]]] = {}
        for method, path, _, body in list(self.requests):
            if method == "PATCH":
                out.setdefault(path, []).append(json.loads(body))
        return out

    def handle(self, request: Request) -> Response:
        self.requests.append((request.method, request.path, dict(request.headers), request.get_data()))
        if request.path == PLAN_URL:
            self.gate.wait(30)
            if self.plan_status != 307:
                return Response(status=self.plan_status)
            return Response(status=307, headers={"Location": self.redirect_to or f"{self.url}{DOWNLOAD}?sig=x"})
        if request.path == DOWNLOAD:
            return Response(self.plan, content_type="application/json")
        if request.path.startswith("/api/v2/task-results/") and request.method == "PATCH":
            return self.callback_failures.pop(0) if self.callback_failures else Response(status=200)
        return Response(status=404)

    def payload(self, plan: str = "update", **overrides: Any) -> dict[str, Any]:
        """A post-plan request as HCP Terraform sends it (shape from the run tasks integration docs)."""
        self.plan = plan_path(plan).read_bytes()
        return {"payload_version": 1, "stage": "post_plan", "access_token": ACCESS_TOKEN,
                "capabilities": {"outcomes": True}, "is_speculative": False, "organization_name": "acme",
                "plan_json_api_url": self.url + PLAN_URL, "run_id": "run-i3Df5to9ELvibKpQ",
                "task_result_callback_url": self.url + CALLBACK, "task_result_enforcement_level": "mandatory",
                "task_result_id": "taskrs-2nH5dncYoXaMVQmJ", "workspace_name": "prod", **overrides}

    def wait_for(self, done: Callable[[], bool], timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.05)  # let anything that would wrongly follow arrive

    def final(self, timeout: float = 20.0) -> dict[str, Any]:
        """The one final (passed/failed) callback, after checking nothing but `running` came before it."""
        self.wait_for(lambda: any(status(p) in FINAL for p in self.patches), timeout)
        patches = self.patches
        statuses = [status(p) for p in patches]
        first = next(n for n, s in enumerate(statuses) if s in FINAL)
        assert set(statuses[:first]) <= {"running"}, statuses
        assert all(p == patches[first] for p in patches[first:]), statuses  # retries resend the same result
        return patches[-1]


def status(patch: dict[str, Any]) -> str:
    return str(patch["data"]["attributes"]["status"])


@functools.cache
def _server(name: str) -> HTTPServer:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    return server


def _double(name: str) -> Iterator[HcpDouble]:
    server = _server(name)
    server.clear()
    double = HcpDouble(server)
    server.expect_request(re.compile(".*")).respond_with_handler(double.handle)
    yield double
    double.gate.set()
    server.clear()


@pytest.fixture
def hcp() -> Iterator[HcpDouble]:
    """HCP Terraform, on the one allowed host."""
    yield from _double("hcp")


@pytest.fixture
def elsewhere() -> Iterator[HcpDouble]:
    """Another host, not allowed: it must never see a request."""
    yield from _double("elsewhere")


@pytest.fixture
def serve(hcp: HcpDouble) -> Iterator[Callable[..., str]]:
    """Start the app on uvicorn at 127.0.0.1:<random port>, HCP's double allowed; returns its base URL."""
    servers: list[tuple[uvicorn.Server, threading.Thread, Any]] = []

    def start(settings: Settings | None = None, key: bytes | None = KEY, **config: Any) -> str:
        config = {"allowed_hosts": (hcp.host,), "retry_delays": (0.01,) * 5, **config}
        app = create_app(RunTaskConfig(settings or Settings(backend="none"), key, **config))
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="info", lifespan="off",
                                               log_config=None))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.01)
        servers.append((server, thread, app))
        port = server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread, app in servers:
        server.should_exit = True
        app.state.runs.close()
        thread.join(timeout=5)


def sign(body: bytes) -> str:
    return hmac.new(KEY, body, hashlib.sha512).hexdigest()


def post(url: str, payload: dict[str, Any], signature: str | bytes | None = "sign") -> httpx.Response:
    body = json.dumps(payload).encode()
    headers: dict[str, str | bytes] = {"Content-Type": "application/json",
                                       "User-Agent": "TFC/1.0 (+https://app.terraform.io; TFC)"}
    if signature == "sign":
        signature = sign(body)
    if signature is not None:
        headers["X-TFC-Task-Signature"] = signature
    return httpx.post(url + "/", content=body, headers=headers, timeout=10)
