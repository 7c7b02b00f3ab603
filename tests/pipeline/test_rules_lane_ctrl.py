"""Controls, reach, credentials and lifecycle judged by principle, each with a benign look-alike."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import review
from tfreview.settings import Settings


def judge(tmp_path: Path, resource_type: str, before: Any, after: Any,
          actions: list[str] | None = None) -> tuple[str, dict[str, Severity]]:
    """Review a one-change plan with rules alone: (label, {rule: worst severity})."""
    if actions is None:
        actions = ["create"] if before is None else ["delete"] if after is None else ["update"]
    plan = {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": [{
        "address": f"{resource_type}.x", "mode": "managed", "type": resource_type, "name": "x",
        "provider_name": "registry.terraform.io/acme/acme",
        "change": {"actions": actions, "before": before, "after": after, "after_unknown": {}}}]}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    result = review(path, Settings(backend="none"))
    assert not result.errors
    worst: dict[str, Severity] = {}
    for f in result.findings:
        if f.rule not in worst or f.severity.rank < worst[f.rule].rank:
            worst[f.rule] = f.severity
    return result.label.value, worst


# --- lifecycle: deletes judged by what they lose ------------------------------------------------------

@pytest.mark.parametrize(("resource_type", "before", "severity"), [
    ("kubernetes_job_v1", {"metadata": [{"name": "migrate-1"}]}, Severity.LOW),
    ("acme_batch_job", {"name": "backfill"}, Severity.LOW),
    ("aws_iam_access_key", {"user": "ci", "status": "Inactive"}, Severity.MEDIUM),
    ("acme_api_key", {"name": "old"}, Severity.MEDIUM),
    ("cloudflare_record", {"name": "staging-old", "type": "CNAME", "content": "lb.internal"}, Severity.MEDIUM),
    ("aws_route53_record", {"name": "api.example.com", "type": "A"}, Severity.MEDIUM),
])
def test_deletes_that_lose_no_data_are_not_high(tmp_path: Path, resource_type: str, before: Any,
                                                severity: Severity) -> None:
    label, worst = judge(tmp_path, resource_type, before, None)
    assert (label, worst) == ("likely_safe", {"resource-delete": severity})


@pytest.mark.parametrize(("resource_type", "before"), [
    ("aws_glue_job_definition_store", {"name": "x"}),
    ("acme_job_queue", {"name": "q"}),
    ("aws_kms_key", {"key_id": "k"}),
    ("aws_db_instance", {"identifier": "orders"}),
    ("aws_route53_record", {"name": "example.com", "type": "A"}),
    ("aws_route53_record", {"name": "sub.example.com", "type": "NS"}),
    ("acme_cron_job", {"name": "nightly"}),
])
def test_stateful_and_apex_deletes_stay_high(tmp_path: Path, resource_type: str, before: Any) -> None:
    label, worst = judge(tmp_path, resource_type, before, None)
    assert label == "needs_close_review" and Severity.HIGH in worst.values()


# --- credentials: decoded, numeric by name; names, units and lookups are not secrets --------------------

PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n" \
      "-----END RSA PRIVATE KEY-----\n"


def _b64(text: str) -> str:

    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("after", [
    {"name": "ci", "material": _b64(PEM)},
    {"name": "ci", "key_b64": _b64(PEM)[:60] + "\n" + _b64(PEM)[60:]},
    {"name": "ci", "recovery_pin": 48213377},
    {"name": "ci", "admin_pin": "90417733"},
    {"name": "ci", "recovery_codes": ["83920174", "11029384"]},
])
def test_encoded_keys_and_numeric_secrets_are_masked_and_reported(tmp_path: Path, after: dict[str, Any]) -> None:
    label, worst = judge(tmp_path, "acme_service_key", None, after)
    assert label == "needs_close_review" and worst.get("credential-in-plan") is Severity.HIGH


@pytest.mark.parametrize("after", [
    {"name": "ci", "material": _b64("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")},
    {"name": "ci", "pin_count": 4, "port": 8443, "spin_up_seconds": 3000},
    {"startup": "export VAULT_TOKEN=$(gcloud secrets versions access latest --secret=batch-vault-token)\n"},
    {"creation_token": "shared-home", "token_validity_units": [{"access_token": "minutes", "id_token": "hours"}]},
    {"secret_id": "prod-db-password", "token_name": "ci-deploy"},
])
def test_names_units_and_lookups_are_not_secrets(tmp_path: Path, after: dict[str, Any]) -> None:
    assert judge(tmp_path, "acme_thing", None, after) == ("likely_safe", {})


def test_a_token_that_is_not_a_word_is_still_a_secret(tmp_path: Path) -> None:
    _, worst = judge(tmp_path, "acme_thing", None, {"creation_token": "tok-9f8e7d6c5b4a1a2b"})
    assert worst.get("credential-in-plan") is Severity.HIGH
