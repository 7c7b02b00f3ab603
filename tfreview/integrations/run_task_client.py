"""Run task: the calls to HCP Terraform — the capped plan download and the retried callback PATCH.

Only hosts that pass run_task.url_refusal are ever called. The run's access token goes to the
allowed API host only: the plan endpoint's redirect to the pre-signed download is followed by hand,
once, without the token.
"""

from __future__ import annotations

import email.utils
import json
import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx

from tfreview.integrations.run_task import JSONAPI, RunTaskError, url_refusal
from tfreview.render.escape import one_line

MAX_RETRY_AFTER = 120.0
REDIRECTS = (301, 302, 303, 307, 308)
log = logging.getLogger("tfreview.run_task")


def download_plan(client: httpx.Client, url: str, token: str, dest: Path, *, allowed: Iterable[str],
                  max_bytes: int) -> None:
    """Write the plan JSON at URL (bearer TOKEN) to DEST, following one redirect without the token."""
    allowed = tuple(allowed)
    if refusal := url_refusal(url, allowed):
        raise RunTaskError(f"plan_json_api_url refused: {refusal}; no request was sent there")
    with client.stream("GET", url, headers={"Authorization": f"Bearer {token}"}) as response:
        if response.status_code not in REDIRECTS:
            _save(response, dest, max_bytes)
            return
        target = urljoin(url, response.headers.get("Location", ""))
    if refusal := url_refusal(target, allowed, download=True):
        raise RunTaskError(f"the plan download redirect was refused: {refusal}")
    with client.stream("GET", target) as response:
        if response.status_code in REDIRECTS:
            raise RunTaskError("the plan download redirected a second time; only one redirect is followed")
        _save(response, dest, max_bytes)


def _save(response: httpx.Response, dest: Path, max_bytes: int) -> None:
    """Stream RESPONSE's body to DEST, refusing more than MAX_BYTES (declared or received)."""
    if response.status_code == 204:
        raise RunTaskError("the plan JSON is not ready yet (HTTP 204)")
    if response.status_code >= 300:
        raise RunTaskError(f"downloading the plan JSON failed with HTTP {response.status_code}")
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise RunTaskError(f"the plan JSON declares {int(declared)} bytes, over --max-plan-bytes {max_bytes}")
    received = 0
    with dest.open("wb") as handle:
        for chunk in response.iter_bytes():
            received += len(chunk)
            if received > max_bytes:
                raise RunTaskError(f"the plan JSON is over --max-plan-bytes {max_bytes}; raise it if "
                                   "this plan is expected")
            handle.write(chunk)


def deliver(client: httpx.Client, url: str, token: str, body: dict[str, Any], *, delays: Iterable[float] = (),
            sleep: Callable[[float], object] = time.sleep, timeout: float | None = None) -> bool:
    """PATCH BODY to the callback URL; retry connection errors, 5xx and 429 after each of DELAYS.

    A Retry-After longer than the planned delay is honoured (up to MAX_RETRY_AFTER). True when accepted.
    PATCHing the same task result twice is harmless, so a retry after a lost answer is safe.
    """
    content = json.dumps(body).encode()
    status = body["data"]["attributes"]["status"]
    plan = [*delays, None]
    for attempt, delay in enumerate(plan, 1):
        wait = 0.0
        try:
            response = client.patch(url, content=content, timeout=timeout or client.timeout,
                                    headers={"Authorization": f"Bearer {token}", "Content-Type": JSONAPI})
        except httpx.HTTPError as exc:
            problem = type(exc).__name__
        else:
            if response.status_code < 300:
                return True
            problem = f"HTTP {response.status_code}"
            if response.status_code != 429 and response.status_code < 500:
                log.error("HCP Terraform refused the %s callback: %s %s", status, problem,
                          one_line(response.text[:300]))
                return False
            wait = retry_after(response.headers.get("Retry-After"))
        if delay is None:
            break
        delay = max(delay, wait)
        log.warning("%s callback attempt %d/%d failed (%s); retrying in %.1fs", status, attempt, len(plan),
                    problem, delay)
        sleep(delay)
    log.error("%s callback failed after %d attempt(s) (%s); HCP Terraform will time the task out", status,
              len(plan), problem)
    return False


def retry_after(value: str | None) -> float:
    """Seconds asked for by a Retry-After header (delta-seconds or an HTTP date), capped; 0 when absent."""
    if not value:
        return 0.0
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return min(max((when - datetime.now(timezone.utc)).total_seconds(), 0.0), MAX_RETRY_AFTER)
