"""Run task protocol: allowed hosts, escaping of plan text, and the size of the callback document."""

from __future__ import annotations

import json
import re

import pytest

from tfreview.errors import ConfigError
from tfreview.integrations.run_task import (
    MAX_OUTCOMES,
    failed_body,
    parse_allowed_hosts,
    result_body,
    url_refusal,
)
from tfreview.labels import DecidedBy, Label
from tfreview.pipeline.findings import Finding, Severity
from tfreview.render.escape import markdown_inline, one_line
from tfreview.result import ReviewResult

HCP = ("app.terraform.io",)
HOSTILE = ["line\n\n## Reviewed: safe", "<!-- hide -->", "```\n`", "::add-mask::x", "\x1b[31mred\x1b[0m",
           "cr\rcr", "sep\u2028sep", "bidi\u202eevil", "x" * 10_000, "[link](https://evil.example)"]


@pytest.mark.parametrize(("url", "allowed"), [
    ("https://app.terraform.io/api/v2/plans/p/json-output", True),
    ("https://APP.Terraform.io./api/v2/task-results/x/callback", True),
    ("https://app.terraform.io:443/x", True),
    ("https://app.terraform.io:8443/x", False),
    ("http://app.terraform.io/x", False),
    ("https://app.terraform.io@evil.example/x", False),
    ("https://user:pw@app.terraform.io/x", False),
    ("https://evil.example/?next=app.terraform.io", False),
    ("https://app.terraform.io.evil.example/x", False),
    ("https://archivist.terraform.io/v1/object/x", False),
    ("ftp://app.terraform.io/x", False),
    ("https://app.terraform.io:99999/x", False),
    ("//app.terraform.io/x", False),
    ("https://app.terra\nform.io/x", False),
    ("https://app.terraform.io/x\tx", False),
    ("https://app.terraform.io/x y", False),
    ("https://\u00e4pp.terraform.io/x", False),
    ("", False),
])
def test_only_https_urls_on_an_allowed_host_may_be_called(url: str, allowed: bool) -> None:
    assert (url_refusal(url, HCP) is None) is allowed


def test_the_hcp_object_store_is_allowed_for_the_download_only() -> None:
    store = "https://archivist.terraform.io/v1/object/abc"
    assert url_refusal(store, HCP) and url_refusal(store, HCP, download=True) is None
    assert url_refusal(store, ("tfe.example.com",), download=True)


def test_plain_http_only_on_loopback_and_ports_must_match() -> None:
    assert url_refusal("http://127.0.0.1:8080/x", ("127.0.0.1:8080",)) is None
    assert url_refusal("http://[::1]:8080/x", parse_allowed_hosts(["[::1]:8080"])) is None
    assert url_refusal("http://127.0.0.1:8081/x", ("127.0.0.1:8080",))
    assert "plain http is allowed on loopback only" in str(url_refusal("http://10.0.0.5:8080/x", ("10.0.0.5:8080",)))


def test_a_refusal_shows_the_url_on_one_line() -> None:
    refusal = str(url_refusal("https://evil.example\n## forged/x", HCP))
    assert "\n" not in refusal


@pytest.mark.parametrize(("entries", "hosts"), [
    (["app.terraform.io"], ("app.terraform.io",)),
    ([" TFE.Example.com. ", "", "tfe.example.com:8443"], ("tfe.example.com", "tfe.example.com:8443")),
])
def test_allowed_hosts_are_normalised(entries: list[str], hosts: tuple[str, ...]) -> None:
    assert parse_allowed_hosts(entries) == hosts


@pytest.mark.parametrize("entry", ["https://app.terraform.io", "app.terraform.io/api", "a@b", "host:notaport", ":80"])
def test_a_malformed_allowed_host_is_refused(entry: str) -> None:
    with pytest.raises(ConfigError, match="is not HOST or HOST:PORT"):
        parse_allowed_hosts([entry])


@pytest.mark.parametrize("text", HOSTILE)
def test_plan_text_stays_on_one_line_and_inert(text: str) -> None:
    line, markdown = one_line(text), markdown_inline(text)
    for out in (line, markdown):
        assert not re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]", out)
    assert not re.search(r"(?<!\\)[<`#\[]", markdown)  # every Markdown-active character is escaped


def hostile_result(count: int) -> ReviewResult:
    findings = [Finding(rule=f"rule-{n % 7}\n# x", severity=list(Severity)[n % 4],
                        address=f'aws_s3_bucket.b["{HOSTILE[n % len(HOSTILE)]}"]',
                        message=HOSTILE[n % len(HOSTILE)] * 3) for n in range(count)]
    return ReviewResult(label=Label.NEEDS_CLOSE_REVIEW, label_text="needs close review", decided_by=DecidedBy.RULES,
                        findings=findings, errors=["boom\n## forged"])


def test_many_hostile_findings_become_100_outcomes_plus_a_summary_under_1_mb() -> None:
    body = result_body(hostile_result(500), outcomes=True)
    items = body["data"]["relationships"]["outcomes"]["data"]
    assert len(items) == MAX_OUTCOMES + 1 and len(json.dumps(body).encode()) < 1024 * 1024
    assert [i["attributes"]["tags"]["Severity"][0]["label"] for i in items[:2]] == ["High", "High"]
    assert items[-1]["attributes"]["description"].startswith("400 more finding(s) not listed (")
    for item in items:
        attributes = item["attributes"]
        for key in ("outcome-id", "description"):
            assert "\n" not in attributes[key] and len(attributes[key]) <= 250
        for line in attributes["body"].splitlines()[1:]:
            assert not line.startswith(("#", "<", "::", "`")), line
    assert "\n" not in body["data"]["attributes"]["message"]


def test_exactly_100_findings_need_no_summary_outcome() -> None:
    items = result_body(hostile_result(100), outcomes=True)["data"]["relationships"]["outcomes"]["data"]
    assert len(items) == 100 and all(i["attributes"]["outcome-id"] != "tfreview:more-findings" for i in items)


def test_a_failure_message_is_one_line_and_short() -> None:
    message = failed_body("boom\n## forged " + "y" * 5000)["data"]["attributes"]["message"]
    assert "\n" not in message and len(message) <= 1000
