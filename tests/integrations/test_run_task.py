"""`tfreview serve run-task` on a real uvicorn, with pytest-httpserver playing HCP Terraform."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from click.testing import CliRunner
from werkzeug import Response

from tests.integrations.hcp_double import (
    ACCESS_TOKEN,
    CALLBACK,
    DOWNLOAD,
    PLAN_URL,
    HcpDouble,
    post,
    sign,
    status,
)
from tests.ollama_double import OllamaDouble
from tests.plan_builder import big_plan
from tfreview.commands.serve import serve_group
from tfreview.settings import Settings

MIB = 1024 * 1024


def raw_post(url: str, headers: dict[str, str | bytes], chunks: Iterable[bytes], *,
             chunked: bool) -> tuple[int | None, int]:
    """POST CHUNKS over a bare socket while reading the answer: the status (None when none came), bytes sent."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=5)
    head = b"POST / HTTP/1.1\r\nHost: run-task\r\nContent-Type: application/json\r\n"
    for name, value in headers.items():
        head += name.encode() + b": " + (value if isinstance(value, bytes) else value.encode()) + b"\r\n"
    sock.sendall(head + (b"Transfer-Encoding: chunked\r\n" if chunked else b"") + b"\r\n")
    answer, sent = bytearray(), 0

    def read() -> None:
        try:
            while data := sock.recv(65536):
                answer.extend(data)
        except OSError:
            pass

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for chunk in chunks:
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            sent += len(chunk)
    except OSError:
        pass  # the server hung up: it refused the rest of the body
    reader.join(timeout=10)
    sock.close()
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else None, sent


@pytest.mark.parametrize(("headers", "chunked", "expected"), [
    ({"Content-Length": str(50 * MIB)}, False, 401),
    ({}, True, 401),
    ({"Content-Length": str(50 * MIB), "X-TFC-Task-Signature": "ab" * 64}, False, 413),
    ({"X-TFC-Task-Signature": "ab" * 64}, True, 413),
], ids=["unsigned", "unsigned-chunked", "declared-over-cap", "chunked-over-cap"])
def test_50_mb_body_is_refused_with_memory_flat(hcp: HcpDouble, serve: Callable[..., str],
                                                headers: dict[str, str | bytes], chunked: bool,
                                                expected: int) -> None:
    url = serve()
    block = b"x" * 65536
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        answer, sent = raw_post(url, headers, (block for _ in range(50 * 16)), chunked=chunked)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert answer == expected and sent < 50 * MIB  # refused, and the server hung up before the end
    assert peak - before < 4 * MIB  # the 1 MiB cap plus bookkeeping, never the 50 MB body
    assert hcp.requests == []
    assert httpx.get(url + "/healthz").json()["status"] == "ok"


def signed_headers(body: bytes) -> dict[str, str | bytes]:
    return {"X-TFC-Task-Signature": sign(body), "Content-Length": str(len(body))}


@pytest.mark.parametrize("signature", ["0" * 128, "", None, b"\xe9" * 128, "zz" * 64, "ab" * 63, "ab" * 65],
                         ids=["wrong", "empty", "missing", "non-ascii", "not-hex", "short", "long"])
def test_bad_signature_is_401_and_never_called_back(hcp: HcpDouble, serve: Callable[..., str],
                                                    signature: str | bytes | None) -> None:
    response = post(serve(), hcp.payload("failing_check"), signature)
    assert response.status_code == 401
    time.sleep(0.1)
    assert hcp.requests == []


@pytest.mark.parametrize("body", [b"[" * 100_000, b"not json", b'{"access_token": 7}', b"[]"],
                         ids=["deeply-nested", "not-json", "token-not-a-string", "not-an-object"])
def test_signed_garbage_is_400(hcp: HcpDouble, serve: Callable[..., str], body: bytes) -> None:
    response = httpx.post(serve() + "/", content=body, headers={"X-TFC-Task-Signature": sign(body)})
    assert response.status_code == 400
    assert hcp.requests == []


def test_client_disconnect_is_one_log_line(hcp: HcpDouble, serve: Callable[..., str],
                                           caplog: pytest.LogCaptureFixture) -> None:
    url = serve()
    caplog.set_level(logging.INFO)
    with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1]))) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\nX-TFC-Task-Signature: "
                     + b"ab" * 64 + b"\r\n\r\n" + b'{"access')
    deadline = time.monotonic() + 5
    while "disconnected" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.02)
    assert httpx.get(url + "/healthz").status_code == 200
    assert [r.getMessage() for r in caplog.records if "disconnected" in r.getMessage()] == [
        "a run task client disconnected before sending its whole request"]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_endpoint_check_is_accepted_without_a_callback_url(hcp: HcpDouble, serve: Callable[..., str]) -> None:
    response = post(serve(), {"payload_version": 1, "access_token": "test-token", "stage": "test"})
    assert response.status_code == 200
    time.sleep(0.1)
    assert hcp.requests == []


def test_needs_review_plan_fails_with_one_outcome_per_finding(hcp: HcpDouble, serve: Callable[..., str]) -> None:
    response = post(serve(), hcp.payload("failing_check"))
    assert response.status_code == 200
    data = hcp.final()["data"]
    assert data["type"] == "task-results" and data["attributes"]["status"] == "failed"
    assert data["attributes"]["message"].startswith("tfreview: needs close review — 1 high finding(s)")
    (item,) = data["relationships"]["outcomes"]["data"]
    assert item["type"] == "task-result-outcomes"
    assert item["attributes"]["outcome-id"] == "check-failed:check.web_is_v9"
    assert item["attributes"]["tags"]["Severity"] == [{"label": "High", "level": "error"}]
    fetch, download = [r for r in hcp.requests if r[0] == "GET"]
    assert fetch[2]["Authorization"] == f"Bearer {ACCESS_TOKEN}" and download[1] == DOWNLOAD
    assert "Authorization" not in download[2]  # the pre-signed download never gets the token
    for _, _, headers, _ in (r for r in hcp.requests if r[0] == "PATCH"):
        assert headers["Content-Type"] == "application/vnd.api+json"
        assert headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"


def test_likely_safe_plan_passes(hcp: HcpDouble, serve: Callable[..., str]) -> None:
    post(serve(), hcp.payload("create"))
    patch = hcp.final()
    assert status(patch) == "passed"
    assert patch["data"]["relationships"]["outcomes"]["data"] == []


def test_outcomes_left_out_when_the_caller_cannot_take_them(hcp: HcpDouble, serve: Callable[..., str]) -> None:
    post(serve(), hcp.payload("failing_check", capabilities={}))
    patch = hcp.final()
    assert "relationships" not in patch["data"] and status(patch) == "failed"


def test_over_100_findings_become_100_outcomes_and_a_summary(hcp: HcpDouble, serve: Callable[..., str],
                                                             tmp_path: Path) -> None:
    payload = hcp.payload()
    big_plan(tmp_path / "plan.json", {"delete": 180})
    hcp.plan = (tmp_path / "plan.json").read_bytes()
    post(serve(), payload)
    patch = hcp.final()
    items = patch["data"]["relationships"]["outcomes"]["data"]
    assert len(items) == 101 and len(json.dumps(patch).encode()) < MIB
    assert items[-1]["attributes"]["outcome-id"] == "tfreview:more-findings"
    more = items[-1]["attributes"]["description"]
    assert "more finding(s) not listed" in more and int(more.split()[0]) >= 80  # 180 deletes, and plan-wide ones


def test_model_verdict_decides_through_the_ollama_double(hcp: HcpDouble, serve: Callable[..., str],
                                                         ollama: OllamaDouble) -> None:
    ollama.chat_thinking("Only an input string changes.", "Routine.\nVERDICT: LIKELY SAFE")
    post(serve(Settings(host=ollama.url, timeout=10)), hcp.payload("update"))
    patch = hcp.final()
    assert status(patch) == "passed"
    assert "decided by model" in patch["data"]["attributes"]["message"]


@pytest.mark.parametrize(("scenario", "reason"), [
    ("plan-404", "downloading the plan JSON failed with HTTP 404"),
    ("plan-not-ready", "not ready yet (HTTP 204)"),
    ("pre-plan-stage", "attach the run task to the post-plan or pre-apply stage"),
    ("model-down", "tfreview: needs close review"),
    ("plan-too-big", "over --max-plan-bytes 1000"),
])
def test_every_failure_calls_back_failed_with_the_reason(hcp: HcpDouble, serve: Callable[..., str],
                                                         scenario: str, reason: str) -> None:
    payload = hcp.payload("update")
    settings, config = Settings(backend="none"), {}
    if scenario == "plan-404":
        hcp.plan_status = 404
    elif scenario == "plan-not-ready":
        hcp.plan_status = 204
    elif scenario == "pre-plan-stage":
        payload = hcp.payload("update", stage="pre_plan", plan_json_api_url=None)
    elif scenario == "plan-too-big":
        config = {"max_plan_bytes": 1000}
    else:
        settings = Settings(host="http://127.0.0.1:9", timeout=5)
    post(serve(settings, **config), payload)
    patch = hcp.final()
    assert status(patch) == "failed"
    assert reason in patch["data"]["attributes"]["message"]


@pytest.mark.parametrize("where", ["plan-url", "redirect"])
def test_a_host_not_allowed_gets_no_request_and_the_run_fails(hcp: HcpDouble, elsewhere: HcpDouble,
                                                              serve: Callable[..., str], where: str) -> None:
    if where == "plan-url":
        payload = hcp.payload(plan_json_api_url=elsewhere.url + PLAN_URL)
    else:
        payload = hcp.payload()
        hcp.redirect_to = elsewhere.url + DOWNLOAD
    post(serve(), payload)
    patch = hcp.final()
    assert status(patch) == "failed"
    assert f"{elsewhere.url} is not an allowed host" in patch["data"]["attributes"]["message"]
    assert elsewhere.requests == []


def test_a_callback_host_not_allowed_gets_nothing_at_all(hcp: HcpDouble, elsewhere: HcpDouble,
                                                         serve: Callable[..., str]) -> None:
    response = post(serve(), hcp.payload(task_result_callback_url=elsewhere.url + CALLBACK))
    assert response.status_code == 422 and "not an allowed host" in response.text
    time.sleep(0.2)
    assert elsewhere.requests == [] and hcp.requests == []


def test_a_callback_that_fails_twice_is_delivered_on_the_third_attempt(hcp: HcpDouble,
                                                                      serve: Callable[..., str]) -> None:
    hcp.gate.clear()  # hold the review until the `running` update went through
    post(serve(progress_interval=3600), hcp.payload("failing_check"))
    hcp.wait_for(lambda: len(hcp.patches) >= 1)
    hcp.callback_failures += [Response(status=503), Response(status=429, headers={"Retry-After": "0"})]
    hcp.gate.set()
    patch = hcp.final()
    assert status(patch) == "failed"
    assert [status(p) for p in hcp.patches] == ["running", "failed", "failed", "failed"]


def test_200_queued_runs_all_get_running_updates_and_a_result(hcp: HcpDouble, serve: Callable[..., str]) -> None:
    hcp.gate.clear()  # the first runs hang in the download, so the rest wait in the queue
    url = serve(progress_interval=0.2, workers=2, queue_size=200)
    callbacks = [f"/api/v2/task-results/run{n}/callback" for n in range(200)]
    with httpx.Client() as client:
        for path in callbacks:
            body = json.dumps(hcp.payload("create", task_result_callback_url=hcp.url + path)).encode()
            assert client.post(url + "/", content=body, headers={"X-TFC-Task-Signature": sign(body)}).status_code == 200

    def queued(updates: list[dict[str, Any]]) -> bool:
        return any("queued" in u["data"]["attributes"]["message"] for u in updates)

    hcp.wait_for(lambda: sum(queued(u) for u in hcp.by_callback().values()) >= 198)
    hcp.gate.set()
    hcp.wait_for(lambda: sum(status(u[-1]) == "passed" for u in hcp.by_callback().values()) == 200, timeout=60)
    updates = hcp.by_callback()
    assert sorted(updates) == sorted(callbacks)
    for path in callbacks:
        statuses = [status(u) for u in updates[path]]
        assert statuses[-1] == "passed" and statuses[:-1] and set(statuses[:-1]) == {"running"}, (path, statuses)
    assert sum(queued(u) for u in updates.values()) >= 198


def test_a_full_queue_answers_503_at_once(hcp: HcpDouble, serve: Callable[..., str]) -> None:
    hcp.gate.clear()
    url = serve(workers=1, queue_size=1)
    assert post(url, hcp.payload("create", task_result_callback_url=hcp.url + "/api/v2/task-results/a/callback")
                ).status_code == 200
    hcp.wait_for(lambda: any(r[1] == PLAN_URL for r in hcp.requests))  # the worker holds the first run
    assert post(url, hcp.payload("create", task_result_callback_url=hcp.url + "/api/v2/task-results/b/callback")
                ).status_code == 200
    full = post(url, hcp.payload("create", task_result_callback_url=hcp.url + "/api/v2/task-results/c/callback"))
    assert full.status_code == 503 and full.headers["Retry-After"] == "30"
    hcp.gate.set()
    hcp.wait_for(lambda: sum(status(u[-1]) == "passed" for u in hcp.by_callback().values()) == 2)
    assert sorted(hcp.by_callback()) == ["/api/v2/task-results/a/callback", "/api/v2/task-results/b/callback"]


def test_slow_review_sends_running_updates_first(hcp: HcpDouble, serve: Callable[..., str],
                                                 ollama: OllamaDouble) -> None:
    ollama.chat_stall(0.6)
    post(serve(Settings(host=ollama.url, timeout=0.3), progress_interval=0.1), hcp.payload("update"))
    assert status(hcp.final()) == "failed"
    assert len(hcp.patches) >= 2


def test_command_refuses_to_start_without_a_key() -> None:
    result = CliRunner().invoke(serve_group, ["run-task"])
    assert result.exit_code != 0 and "TFREVIEW_HMAC_KEY is not set" in result.output + str(result.exception)


@pytest.mark.parametrize(("args", "env", "hosts"), [
    ([], None, ("app.terraform.io",)),
    (["--allowed-host", "TFE.example.com", "--allowed-host", "[::1]:8443"], "ignored.example", ("tfe.example.com",
                                                                                              "::1:8443")),
    ([], "tfe.example.com, app.terraform.io:443", ("tfe.example.com", "app.terraform.io:443")),
])
def test_command_serves_the_app_with_the_key(monkeypatch: pytest.MonkeyPatch, args: list[str], env: str | None,
                                             hosts: tuple[str, ...]) -> None:
    started: dict[str, Any] = {}
    monkeypatch.setenv("TFREVIEW_HMAC_KEY", "k")
    if env:
        monkeypatch.setenv("TFREVIEW_ALLOWED_HOSTS", env)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    result = CliRunner().invoke(serve_group, ["run-task", "--bind", "0.0.0.0", "--port", "9999", "--backend", "none",
                                              "--workers", "3", *args])
    assert result.exit_code == 0, result.output
    assert (started["host"], started["port"]) == ("0.0.0.0", 9999)
    runs = started["app"].state.runs
    runs.close()
    assert runs.config.allowed_hosts == hosts and runs.config.workers == 3


def test_command_refuses_a_malformed_allowed_host() -> None:
    result = CliRunner(env={"TFREVIEW_HMAC_KEY": "k"}).invoke(
        serve_group, ["run-task", "--allowed-host", "https://app.terraform.io/x"])
    assert result.exit_code != 0 and "is not HOST or HOST:PORT" in str(result.exception) + result.output
