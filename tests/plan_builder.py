"""Large plans for size tests, built from the real-Terraform `mixed` fixture's resource_change shapes."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tests.helpers import plan_path

ACTION_TEMPLATES = {"delete": "terraform_data.db", "replace": "terraform_data.web",
                    "update": "terraform_data.app", "create": "terraform_data.fresh"}


def big_plan(path: Path, counts: dict[str, int], module: str = "module.fleet_eu_west_1") -> list[str]:
    """Write a plan with COUNTS[action] aws_instance changes per action; return the deleted addresses."""
    base = json.loads(plan_path("mixed").read_text())
    templates = {action: next(rc for rc in base["resource_changes"] if rc["address"] == address)
                 for action, address in ACTION_TEMPLATES.items()}
    changes: list[dict[str, Any]] = []
    for action, count in counts.items():
        for index in range(count):
            changes.append(_instance(templates[action], module, f"{action}_worker_node", index))
    base["resource_changes"] = changes
    path.write_text(json.dumps(base))
    return [c["address"] for c in changes if c["change"]["actions"] == ["delete"]]


def _instance(template: dict[str, Any], module: str, name: str, index: int) -> dict[str, Any]:
    change = copy.deepcopy(template)
    change.update(address=f"{module}.aws_instance.{name}[{index}]", module_address=module,
                  type="aws_instance", name=name, index=index, provider_name="registry.terraform.io/hashicorp/aws")
    for side in ("before", "after"):
        if isinstance(change["change"].get(side), dict):
            change["change"][side]["tags"] = {"Name": f"{name}-{index}", "Team": "platform", "Env": side}
    return change
