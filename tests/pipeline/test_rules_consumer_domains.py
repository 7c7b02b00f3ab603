"""Red-team form: a grant to a whole consumer mail domain (`domain:gmail.com`) reaches anyone who signs up there,
like allUsers; a grant to the organisation's own domain stays as its role rates it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.grants import public_member

GOOGLE = "registry.terraform.io/hashicorp/google"


def _grant(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    return {"address": f"{kind}.reader", "mode": "managed", "type": kind, "name": "reader", "provider_name": GOOGLE,
            "change": {"actions": ["create"], "before": None, "after": values, "after_unknown": {},
                       "before_sensitive": {}, "after_sensitive": {}}}


@pytest.mark.parametrize("change", [
    _grant("google_project_iam_member", {"project": "p", "role": "roles/viewer", "member": "domain:gmail.com"}),
    _grant("google_storage_bucket_iam_binding",
           {"bucket": "reports", "role": "roles/storage.objectViewer",
            "members": ["group:a@corp.example", "domain:Outlook.com"]}),
    _grant("google_pubsub_topic_iam_member", {"topic": "t", "role": "roles/pubsub.subscriber",
                                             "member": "domain:yahoo.com"}),
], ids=["project-gmail", "bucket-outlook-mixed-case", "topic-yahoo"])
def test_a_consumer_mail_domain_is_everyone(tmp_path: Path, change: dict[str, Any]) -> None:
    result = review_rules_alone(tmp_path, [change])
    assert worst_by_rule(result).get("iam-public-member") is Severity.HIGH


def test_the_organisations_own_domain_is_not_everyone(tmp_path: Path) -> None:
    change = _grant("google_storage_bucket_iam_member",
                    {"bucket": "reports", "role": "roles/storage.objectViewer", "member": "domain:northwind.example"})
    result = review_rules_alone(tmp_path, [change])
    assert "iam-public-member" not in worst_by_rule(result)
    assert result.label.value == "likely_safe"


def test_a_person_at_a_consumer_domain_is_not_everyone() -> None:
    assert not public_member("user:someone@gmail.com")
    assert public_member("domain:gmail.com") and public_member("allUsers")
