"""A bucket that only served a static website, retired together with the DNS record that named it (retired.py):
medium, likely safe; kept record still pointing at it, or a bucket that served no website, stays high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

BUCKET = "aws_s3_bucket.launch_site"
HOST = "launch.quillnest.example"
ENDPOINT = f"{HOST}.s3-website-eu-west-1.amazonaws.com"


def entry(address: str, actions: list[str], before: Any, after: Any) -> dict[str, Any]:
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def bucket(website: bool) -> dict[str, Any]:
    site = {"website": [{"index_document": "index.html"}], "website_endpoint": ENDPOINT} if website else {}
    return {"bucket": HOST, "id": HOST, "arn": f"arn:aws:s3:::{HOST}", "force_destroy": True,
            "tags": {"Environment": "prod"}, **site}


def judged(tmp_path: Path, website: bool, record_deleted: bool) -> tuple[Label, dict[str, Severity]]:
    record = {"name": HOST, "fqdn": HOST, "type": "CNAME", "records": [ENDPOINT], "zone_id": "Z0QUILL"}
    changes = [entry(BUCKET, ["delete"], bucket(website), None),
               entry("aws_route53_record.launch", ["delete"] if record_deleted else ["no-op"], record,
                     None if record_deleted else record)]
    result = review_rules_alone(tmp_path, changes)
    return result.label, worst_by_rule(result)


def test_website_bucket_retired_with_its_record_stays_safe(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, website=True, record_deleted=True)
    assert label is Label.LIKELY_SAFE


def test_website_bucket_deleted_while_its_record_stays_is_high(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, website=True, record_deleted=False)
    assert label is Label.NEEDS_CLOSE_REVIEW


def test_plain_bucket_deleted_with_a_record_naming_it_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, website=False, record_deleted=True)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("resource-delete") is Severity.HIGH
