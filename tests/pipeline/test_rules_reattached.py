"""A policy attachment deleted while the same plan attaches the same policy at the organisation root
(reattached.py): medium, likely safe; re-attached to a sibling OU instead, the old OU loses it: high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

KIND = "aws_organizations_policy_attachment"


def entry(name: str, actions: list[str], before: Any, after: Any) -> dict[str, Any]:
    return {"address": f"{KIND}.{name}", "mode": "managed", "type": KIND, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def judged(tmp_path: Path, new_target: str, policy: str = "p-quill0042") -> tuple[Label, dict[str, Severity]]:
    old = {"id": f"ou-qq11-core0007:{policy}", "policy_id": policy, "target_id": "ou-qq11-core0007"}
    changes = [entry("fence_core", ["delete"], old, None),
               entry("fence_wide", ["create"], None, {"policy_id": policy, "target_id": new_target})]
    result = review_rules_alone(tmp_path, changes)
    return result.label, worst_by_rule(result)


def test_policy_moved_to_the_organisation_root_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "r-qq11")
    assert label is Label.LIKELY_SAFE and worst.get("resource-delete") is not Severity.HIGH


def test_policy_moved_to_a_sibling_ou_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "ou-qq11-edge0009")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("resource-delete") is Severity.HIGH


def test_another_policy_at_the_root_does_not_cover_the_old_one(tmp_path: Path) -> None:
    changes = [entry("fence_core", ["delete"], {"policy_id": "p-quill0042", "target_id": "ou-qq11-core0007"}, None),
               entry("tags_root", ["create"], None, {"policy_id": "p-quill0099", "target_id": "r-qq11"})]
    result = review_rules_alone(tmp_path, changes)
    assert result.label is Label.NEEDS_CLOSE_REVIEW
