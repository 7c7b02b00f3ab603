"""Run task calls to HCP Terraform: the retried callback and the capped, hand-followed plan download."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.helpers import closed_port_url
from tfreview.integrations.run_task import RETRY_DELAYS, RunTaskError, failed_body
from tfreview.integrations.run_task_client import MAX_RETRY_AFTER, deliver, download_plan, retry_after

HCP = ("app.terraform.io",)
PLAN = "https://app.terraform.io/api/v2/plans/plan-1/json-output"
STORE = "https://archivist.terraform.io/v1/object/signed"
CALLBACK = "https://app.terraform.io/api/v2/task-results/x/callback"


def client(*answers: httpx.Response | Callable[[httpx.Request], httpx.Response]) -> tuple[httpx.Client,
                                                                                        list[httpx.Request]]:
    """A client whose transport answers ANSWERS in turn and records every request."""
    seen: list[httpx.Request] = []
    queue = list(answers)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = queue.pop(0)
        return answer(request) if callable(answer) else answer

    return httpx.Client(transport=httpx.MockTransport(handle)), seen


def test_the_default_schedule_is_at_least_5_attempts_over_about_a_minute() -> None:
    assert len(RETRY_DELAYS) + 1 >= 5 and 45 <= sum(RETRY_DELAYS) <= 90


def test_a_callback_is_retried_on_5xx_and_429_honouring_retry_after() -> None:
    http, seen = client(httpx.Response(502), httpx.Response(429, headers={"Retry-After": "7"}),
                        httpx.Response(503, headers={"Retry-After": "99999"}), httpx.Response(200))
    slept: list[float] = []
    assert deliver(http, CALLBACK, "tok", failed_body("x"), delays=(1.0, 2.0, 3.0, 4.0), sleep=slept.append)
    assert slept == [1.0, 7.0, MAX_RETRY_AFTER] and len(seen) == 4
    assert len({r.content for r in seen}) == 1  # the same document every time: retrying is idempotent
    assert all(r.headers["Authorization"] == "Bearer tok" for r in seen)


def test_a_refused_callback_is_not_retried() -> None:
    http, seen = client(httpx.Response(422, text="bad\nstatus"))
    slept: list[float] = []
    assert not deliver(http, CALLBACK, "tok", failed_body("x"), delays=(1.0,), sleep=slept.append)
    assert len(seen) == 1 and slept == []


def test_connection_errors_are_retried_until_the_schedule_runs_out(caplog: pytest.LogCaptureFixture) -> None:
    slept: list[float] = []
    with httpx.Client(timeout=2) as http:
        assert not deliver(http, closed_port_url("/cb"), "tok", failed_body("x"), delays=(0.0,) * 5,
                           sleep=slept.append)
    assert len(slept) == 5
    assert "failed callback failed after 6 attempt(s) (ConnectError)" in caplog.text


@pytest.mark.parametrize(("value", "seconds"), [(None, 0.0), ("", 0.0), ("12", 12.0), ("soon", 0.0),
                                                ("100000", MAX_RETRY_AFTER), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)])
def test_retry_after_values(value: str | None, seconds: float) -> None:
    assert retry_after(value) == seconds


def test_retry_after_as_a_future_date() -> None:
    assert 25 <= retry_after(email.utils.formatdate(time.time() + 30, usegmt=True)) <= 30


@pytest.fixture
def dest(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "plan.json"


def test_the_download_follows_one_redirect_without_the_token(dest: Path) -> None:
    http, seen = client(httpx.Response(307, headers={"Location": STORE}), httpx.Response(200, content=b"{}"))
    download_plan(http, PLAN, "tok", dest, allowed=HCP, max_bytes=100)
    assert dest.read_bytes() == b"{}"
    assert seen[0].headers["Authorization"] == "Bearer tok" and "Authorization" not in seen[1].headers
    assert str(seen[1].url) == STORE


@pytest.mark.parametrize(("location", "message"), [
    ("https://evil.example/steal", "evil.example is not an allowed host"),
    ("http://archivist.terraform.io/x", "is not https"),
])
def test_a_redirect_elsewhere_is_never_followed(dest: Path, location: str, message: str) -> None:
    http, seen = client(httpx.Response(302, headers={"Location": location}))
    with pytest.raises(RunTaskError, match=message):
        download_plan(http, PLAN, "tok", dest, allowed=HCP, max_bytes=100)
    assert len(seen) == 1


def test_a_second_redirect_is_refused(dest: Path) -> None:
    http, seen = client(httpx.Response(307, headers={"Location": STORE}),
                        httpx.Response(307, headers={"Location": STORE + "2"}))
    with pytest.raises(RunTaskError, match="redirected a second time"):
        download_plan(http, PLAN, "tok", dest, allowed=HCP, max_bytes=100)
    assert len(seen) == 2


def test_a_plan_url_elsewhere_gets_no_request(dest: Path) -> None:
    http, seen = client()
    with pytest.raises(RunTaskError, match="no request was sent there"):
        download_plan(http, "https://evil.example/plan", "tok", dest, allowed=HCP, max_bytes=100)
    assert seen == []


def test_a_declared_oversized_plan_is_refused_before_its_body(dest: Path) -> None:
    def huge(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": str(10**12)}, stream=httpx.ByteStream(b""))

    http, _ = client(huge)
    with pytest.raises(RunTaskError, match="declares 1000000000000 bytes, over --max-plan-bytes 100"):
        download_plan(http, PLAN, "tok", dest, allowed=HCP, max_bytes=100)


def test_a_streamed_plan_over_the_cap_is_cut_off(dest: Path) -> None:
    class Endless(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            while True:
                yield b"x" * 64

    http, _ = client(lambda request: httpx.Response(200, stream=Endless()))
    with pytest.raises(RunTaskError, match="over --max-plan-bytes 1000"):
        download_plan(http, PLAN, "tok", dest, allowed=HCP, max_bytes=1000)
    assert dest.stat().st_size <= 1000
