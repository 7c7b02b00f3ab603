"""A policy the plan creates only to pass into a module as a role's permissions boundary (boundaries.py follows
module inputs): its wide Allow caps, grants nothing: likely safe; passed in as a managed policy instead, high."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "Ceiling", "Effect": "Allow", "Action": ["s3:*", "sqs:*"], "Resource": "*"},
    {"Sid": "NoIam", "Effect": "Deny", "Action": ["iam:*"], "Resource": "*"}]})
POLICY = "aws_iam_policy.ceiling"
ROLE = "module.worker.aws_iam_role.this"


def change(address: str, kind: str, actions: list[str], before: Any, after: Any, unknown: Any) -> dict[str, Any]:
    return {"address": address, "mode": "managed", "type": kind, "name": address.rsplit(".", 1)[1],
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": unknown,
                       "after_sensitive": {}}}


def judged(tmp_path: Path, variable: str, attribute: str) -> tuple[Label, dict[str, Severity]]:
    role = {"name": "quill-worker", "assume_role_policy": "{}", "managed_policy_arns": [],
            "permissions_boundary": "arn:aws:iam::210987654321:policy/quill-ceiling-v1"}
    after = {k: v for k, v in role.items() if k != attribute}
    changes = [change(POLICY, "aws_iam_policy", ["create"], None,
                      {"name": "quill-ceiling-v2", "path": "/", "policy": DOCUMENT}, {"arn": True}),
               change(ROLE, "aws_iam_role", ["update"], role, after, {attribute: True})]
    call = {"source": "./modules/role", "expressions": {variable: {"references": [f"{POLICY}.arn", POLICY]}},
            "module": {"resources": [{"address": "aws_iam_role.this", "mode": "managed", "type": "aws_iam_role",
                                      "name": "this", "expressions": {attribute: {"references": [f"var.{variable}"]}}}],
                       "variables": {variable: {}}}}
    configuration = {"root_module": {"resources": [{"address": POLICY, "mode": "managed", "type": "aws_iam_policy",
                                                    "name": "ceiling", "expressions": {}}],
                                     "module_calls": {"worker": call}}}
    result = review_rules_alone(tmp_path, changes, configuration=configuration)
    return result.label, worst_by_rule(result)


def test_boundary_passed_through_a_module_input_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "boundary_arn", "permissions_boundary")
    assert worst.get("iam-wildcard") is not Severity.HIGH and label is Label.LIKELY_SAFE


def test_same_policy_passed_in_as_a_managed_policy_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "extra_policy_arns", "managed_policy_arns")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("iam-wildcard") is Severity.HIGH
