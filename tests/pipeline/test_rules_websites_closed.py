"""A bucket's website configuration deleted while the same plan closes that bucket to the public (every flag of its
public-access block turned on): the endpoint could serve nothing afterwards, so the delete is medium; the same
delete with the bucket left open, a flag left off, or another bucket closed stays high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tests.pipeline.test_rules_storage_judgments import changed
from tfreview.pipeline.findings import Severity

SITE = {"bucket": "acme-www", "index_document": [{"suffix": "index.html"}]}
FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


def block(bucket: str, on: bool, last: bool | None = None) -> dict[str, Any]:
    flags = {flag: on for flag in FLAGS}
    flags[FLAGS[-1]] = on if last is None else last
    return {"bucket": bucket, **flags}


def closing(bucket: str, last: bool | None = None) -> dict[str, Any]:
    return changed("acme_bucket_public_access_block.site", block(bucket, False), block(bucket, True, last))


def test_website_front_deleted_while_its_bucket_is_closed_is_medium(tmp_path: Path) -> None:
    plan = [gone("acme_bucket_website_configuration.site", SITE), closing("acme-www")]
    assert worst(tmp_path, plan) is Severity.MEDIUM


def test_website_front_deleted_with_its_bucket_left_open_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("acme_bucket_website_configuration.site", SITE)]) is Severity.HIGH
    plan = [gone("acme_bucket_website_configuration.site", SITE), closing("acme-www", last=False)]
    assert worst(tmp_path, plan) is Severity.HIGH
    plan = [gone("acme_bucket_website_configuration.site", SITE), closing("acme-other")]
    assert worst(tmp_path, plan) is Severity.HIGH
