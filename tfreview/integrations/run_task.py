"""HCP Terraform / Terraform Enterprise run task: the protocol's settings, host policy and callback bodies.

Wire format (developer.hashicorp.com/terraform/cloud-docs/api-docs/run-tasks/run-tasks-integration):
HCP Terraform POSTs a JSON payload signed in `X-TFC-Task-Signature` (hex HMAC-SHA512 of the body); the
service answers 200, then PATCHes `task_result_callback_url` with a JSON:API `task-results` document
(`running` while it works, then `passed` or `failed`) and, when `capabilities.outcomes` is true, one
`task-result-outcomes` entry per finding. HCP errors a task with no update for 10 minutes.
The server lives in run_task_server.py, the calls to HCP Terraform in run_task_client.py.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tfreview.backends.base import Backend
from tfreview.errors import ConfigError, TfreviewError
from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.findings import Finding, Severity
from tfreview.render.escape import markdown_code, markdown_inline, one_line
from tfreview.result import ReviewResult
from tfreview.settings import Settings

VERIFICATION_TOKEN = "test-token"
SIGNATURE_HEADER = "X-TFC-Task-Signature"
JSONAPI = "application/vnd.api+json"
DEFAULT_ALLOWED_HOSTS = ("app.terraform.io",)
# HCP Terraform's plan JSON endpoint answers 307 to a pre-signed URL on its object store; Terraform
# Enterprise serves that store on its own host (/_archivist/...), which is allowed already.
DOWNLOAD_HOSTS = {"app.terraform.io": "archivist.terraform.io"}
MAX_BODY_BYTES = 1024 * 1024
MAX_PLAN_BYTES = 1024**3
MAX_OUTCOMES = 100
RETRY_DELAYS = (2.0, 4.0, 8.0, 15.0, 30.0)  # 6 attempts over about a minute
TAG_LEVELS = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "info", Severity.INFO: "none"}
_PRINTABLE_ASCII = lazy_compile(r"[\x21-\x7e]+")


class RunTaskError(TfreviewError):
    """The run task could not review the plan; the callback reports `failed` with this message."""


@dataclass
class RunTaskConfig:
    """How the service reviews, whom it may call, and its limits (HMAC key None = unsigned requests accepted)."""

    settings: Settings
    hmac_key: bytes | None
    http_timeout: float = 60.0
    progress_interval: float = 300.0
    backend: Backend | None = None
    allowed_hosts: tuple[str, ...] = DEFAULT_ALLOWED_HOSTS
    max_body_bytes: int = MAX_BODY_BYTES
    max_plan_bytes: int = MAX_PLAN_BYTES
    workers: int = 2
    queue_size: int = 100
    retry_delays: tuple[float, ...] = RETRY_DELAYS


def parse_allowed_hosts(entries: Iterable[str]) -> tuple[str, ...]:
    """Normalised `host` / `host:port` entries; a malformed one is a ConfigError."""
    hosts = []
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        try:
            parts = urlsplit("//" + entry)
            port = parts.port
        except ValueError:
            parts, port = None, None
        if parts is None or not parts.hostname or parts.path or parts.query or "@" in parts.netloc:
            raise ConfigError(f"--allowed-host {entry!r} is not HOST or HOST:PORT — e.g. app.terraform.io "
                              "or tfe.example.com:8443")
        hosts.append(_host(parts.hostname) + (f":{port}" if port else ""))
    return tuple(hosts)


def url_refusal(url: str, allowed: Iterable[str], *, download: bool = False) -> str | None:
    """Why URL may not be called (None when it may): https on an allowed host, http only on loopback.

    DOWNLOAD also admits the object store that an allowed HCP host redirects plan downloads to.
    """
    try:
        if not _PRINTABLE_ASCII.fullmatch(url):  # urlsplit drops tabs and newlines that httpx would not
            raise ValueError(url)
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return f"{one_line(url)[:200]} is not a valid URL"
    scheme, host = parts.scheme.lower(), _host(parts.hostname or "")
    shown = one_line(f"{scheme}://{host}" + (f":{port}" if port else ""))[:200]
    if "@" in parts.netloc or not host:
        return f"{shown} names no host or carries credentials"
    if scheme != "https" and not (scheme == "http" and _loopback(host)):
        return f"{shown} is not https (plain http is allowed on loopback only)"
    hosts = set(allowed)
    if download:
        hosts |= {DOWNLOAD_HOSTS[h] for h in allowed if h in DOWNLOAD_HOSTS}
    effective = port or (443 if scheme == "https" else 80)
    if f"{host}:{effective}" in hosts or (host in hosts and effective == (443 if scheme == "https" else 80)):
        return None
    return f"{shown} is not an allowed host (--allowed-host {', '.join(sorted(hosts)) or 'none'})"


def _host(name: str) -> str:
    return name.lower().rstrip(".")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def result_body(result: ReviewResult, *, outcomes: bool) -> dict[str, Any]:
    """The task-results document: at most MAX_OUTCOMES outcomes (worst first) plus one for the rest."""
    data: dict[str, Any] = {"type": "task-results", "attributes": {
        "status": "failed" if result.needs_review else "passed", "message": summary_message(result)}}
    if outcomes:
        ranked = sorted(result.findings, key=lambda f: list(Severity).index(f.severity))
        items = [outcome(f) for f in ranked[:MAX_OUTCOMES]]
        if len(ranked) > MAX_OUTCOMES:
            items.append(rest_outcome(ranked[MAX_OUTCOMES:]))
        data["relationships"] = {"outcomes": {"data": items}}
    return {"data": data}


def summary_message(result: ReviewResult) -> str:
    """'tfreview: needs close review — 2 high, 1 medium finding(s); decided by rules' and any error."""
    message = f"tfreview: {result.label_text} — {_counts(result.findings)} finding(s); " \
              f"decided by {result.decided_by.value}"
    if result.errors:
        message += f"; error: {_cut(one_line(result.errors[0]), 300)}"
    return message


def outcome(finding: Finding) -> dict[str, Any]:
    """One task-result-outcome for one finding, with Severity and Rule tags; plan text escaped."""
    where = markdown_code(finding.address) if finding.address else "the plan"
    body = f"**{finding.severity.value}** · rule {markdown_code(finding.rule)} · {where}\n\n" \
           f"{markdown_inline(finding.message)}\n"
    return {"type": "task-result-outcomes", "attributes": {
        "outcome-id": _cut(one_line(f"{finding.rule}:{finding.address or 'plan'}"), 250),
        "description": _cut(one_line(finding.message), 250),
        "body": _cut(body, 4000),
        "tags": {"Severity": [{"label": finding.severity.value.capitalize(), "level": TAG_LEVELS[finding.severity]}],
                 "Rule": [{"label": _cut(one_line(finding.rule), 100)}]},
    }}


def rest_outcome(rest: list[Finding]) -> dict[str, Any]:
    """The summary outcome standing for the findings past MAX_OUTCOMES."""
    worst = min((f.severity for f in rest), key=list(Severity).index)
    text = f"{len(rest)} more finding(s) not listed ({_counts(rest)}) — run `tfreview review` on the plan for all"
    return {"type": "task-result-outcomes", "attributes": {
        "outcome-id": "tfreview:more-findings", "description": text, "body": text + "\n",
        "tags": {"Severity": [{"label": worst.value.capitalize(), "level": TAG_LEVELS[worst]}]}}}


def failed_body(message: str) -> dict[str, Any]:
    """A `failed` result carrying MESSAGE."""
    return {"data": {"type": "task-results",
                     "attributes": {"status": "failed", "message": _cut(one_line(message), 1000)}}}


def running_body(message: str) -> dict[str, Any]:
    """A `running` progress update."""
    return {"data": {"type": "task-results", "attributes": {"status": "running", "message": message}}}


def _counts(findings: list[Finding]) -> str:
    counts = {s: sum(f.severity is s for f in findings) for s in Severity}
    return ", ".join(f"{n} {s.value}" for s, n in counts.items() if n) or "no"


def _cut(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
