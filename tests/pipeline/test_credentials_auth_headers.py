"""A credential written into an HTTP Authorization header (a webhook's or a check's headers, any provider) is found
and masked; a reference, a masked value or prose about the scheme is not a credential."""

from __future__ import annotations

import copy
from pathlib import Path

import orjson
import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tests.pipeline.test_credentials import plan
from tfreview.pipeline.credential_mask import CredentialHit
from tfreview.pipeline.credentials import probe
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.mask import mask_document

HEADERS = {
    "basic-in-json-headers": ('{"Content-Type": "application/json", "Authorization": "Basic dXNlcjpQQHNzdzByZDIwMjY="}',
                              "dXNlcjpQQHNzdzByZDIwMjY="),
    "bearer-map-value": ("Bearer 9f8e7d6c5b4a3f2e1d0c7b6a", "9f8e7d6c5b4a3f2e1d0c7b6a"),
    "token-scheme-after-header-name": ("Authorization: Token q7RZ2mK9xw4LpT8v", "q7RZ2mK9xw4LpT8v"),
    "lower-case-scheme": ("authorization=bearer abcDEF123456ghiJKL", "abcDEF123456ghiJKL"),
}


@pytest.mark.parametrize("case", list(HEADERS))
def test_a_literal_authorization_credential_is_found_and_masked(case: str) -> None:
    text, secret = HEADERS[case]
    document = plan({"custom_headers": text}, "datadog_webhook.ops", "datadog_webhook")
    assert probe(orjson.dumps(document)), "the probe must never miss what the walk finds"
    report = mask_document(document)
    assert secret not in orjson.dumps(document).decode()
    assert report.credentials == [CredentialHit("auth-header", "datadog_webhook.ops", "custom_headers")]


@pytest.mark.parametrize("text", [
    '{"Authorization": "Bearer ${var.ops_token}"}', '{"Authorization": "Basic {{ secrets.basic }}"}',
    "Authorization: Bearer (sensitive)", "Basic authentication only", "Bearer tokens expire after an hour",
    '{"Authorization": "NONE"}', "authorization: AWS_IAM", "Bearer short1",
])
def test_a_reference_a_mask_or_prose_is_left_alone(text: str) -> None:
    document = plan({"custom_headers": text, "description": text}, "datadog_webhook.ops", "datadog_webhook")
    before = copy.deepcopy(document)
    report = mask_document(document)
    assert (report.credentials, document) == ([], before)


def test_a_tab_between_the_scheme_and_the_credential_still_meets_the_probe() -> None:
    document = plan({"custom_headers": "Authorization\t:\tBearer\tq7RZ2mK9xw4LpT8v"}, "datadog_webhook.ops",
                    "datadog_webhook")
    assert probe(orjson.dumps(document)), "the probe must never miss what the walk finds"
    assert len(mask_document(document).credentials) == 1


def test_a_webhook_sending_a_basic_credential_needs_close_review_and_a_reference_does_not(tmp_path: Path) -> None:
    literal = plan({"custom_headers": HEADERS["basic-in-json-headers"][0]}, "datadog_webhook.ops", "datadog_webhook")
    result = review_rules_alone(tmp_path, literal["resource_changes"])
    assert worst_by_rule(result).get("credential-in-plan") == Severity.HIGH
    assert result.label.value == "needs_close_review"
    referenced = plan({"custom_headers": '{"Authorization": "Basic ${var.ops_basic}"}'}, "datadog_webhook.ops",
                      "datadog_webhook")
    assert "credential-in-plan" not in worst_by_rule(review_rules_alone(tmp_path, referenced["resource_changes"]))
