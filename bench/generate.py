"""Generate large, realistic `terraform show -json` plans for benchmarks.

Each change looks like an aws provider resource: nested blocks, tags, unknown-after-apply ids, and a
sensitive attribute, so every stage (masking included) does its real work.
"""

from __future__ import annotations

import random
from typing import Any

import orjson

ACTIONS = [["create"]] * 6 + [["update"]] * 3 + [["delete"]] + [["delete", "create"]] + [["no-op"]] * 4


def resource(i: int, rng: random.Random) -> dict[str, Any]:
    """One resource_changes entry."""
    actions = rng.choice(ACTIONS)
    before = None if actions == ["create"] else _values(i, "v1")
    after = None if actions == ["delete"] else _values(i, "v2" if actions != ["no-op"] else "v1")
    change: dict[str, Any] = {
        "actions": actions,
        "before": before,
        "after": after,
        "after_unknown": {"arn": True, "id": True} if after is not None else {},
        "before_sensitive": {"password": True, "tags": {}} if before is not None else False,
        "after_sensitive": {"password": True, "tags": {}} if after is not None else False,
    }
    entry = {
        "address": f"module.app_{i % 50}.aws_instance.web[{i}]",
        "module_address": f"module.app_{i % 50}",
        "mode": "managed",
        "type": "aws_instance",
        "name": "web",
        "index": i,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": change,
    }
    if actions == ["delete", "create"]:
        change["replace_paths"] = [["ami"]]
        entry["action_reason"] = "replace_because_cannot_update"
    return entry


def _values(i: int, version: str) -> dict[str, Any]:
    return {
        "ami": f"ami-{i:08x}{version}",
        "instance_type": "t3.micro",
        "password": f"pw-{i}-s3cr3t-{version}",
        "tags": {"Name": f"web-{i}", "team": "platform", "version": version},
        "ebs_block_device": [{"device_name": "/dev/sdb", "volume_size": 20, "encrypted": True}],
        "user_data": "#!/bin/bash\necho hello " + "x" * 40,
        "vpc_security_group_ids": [f"sg-{i % 7:06d}"],
    }


def generate(n: int, seed: int = 1) -> bytes:
    """A plan document with N resource changes, as JSON bytes."""
    rng = random.Random(seed)
    document = {
        "format_version": "1.2",
        "terraform_version": "1.15.5",
        "timestamp": "2026-01-01T00:00:00Z",
        "applyable": True,
        "complete": True,
        "errored": False,
        "variables": {"env": {"value": "prod"}},
        "planned_values": {"root_module": {}},
        "resource_changes": [resource(i, rng) for i in range(n)],
        "configuration": {"root_module": {}},
    }
    return orjson.dumps(document)
