"""Generate many workspaces' plans that share a few distinct change-sets (for batch tests and benchmarks).

Workspace W with variant V plans the same change-set as every other workspace with variant V, but under
its own module name and instance keys (`module.svc_<W>.aws_instance.app["<W>"]`), with its own untouched
resources (no-ops) and its own sensitive value — the shape of one module bump across many root modules.
Variants divisible by 5 also destroy a database, so the rules label them needs close review.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson


def _resource(address: str, module: str, rtype: str, name: str, actions: list[str],
              before: Any, after: Any, secret: str) -> dict[str, Any]:
    sensitive = {"password": True} if isinstance(after or before, dict) else False
    return {
        "address": address, "module_address": module, "mode": "managed", "type": rtype, "name": name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                   "before_sensitive": sensitive if before else False,
                   "after_sensitive": sensitive if after else False},
    }


def workspace_plan(workspace: str, variant: int) -> dict[str, Any]:
    """The `show -json` document of WORKSPACE planning change-set VARIANT."""
    module = f"module.svc_{workspace.replace('-', '_')}"
    secret = f"pw-{workspace}-0123456789"
    app = f'{module}.aws_instance.app["{workspace}"]'
    before = {"ami": "ami-0001", "tags": {"version": "1.0.0"}, "password": secret}
    after = {"ami": "ami-0001", "tags": {"version": f"2.{variant}.0"}, "password": secret}
    changes = [_resource(app, module, "aws_instance", "app", ["update"], before, after, secret)]
    for index in range(len(workspace) % 4):  # a workspace-specific number of untouched resources
        same = {"ami": "ami-0001", "tags": {"n": str(index)}, "password": secret}
        changes.append(_resource(f"{module}.aws_instance.idle[{index}]", module, "aws_instance", "idle",
                                 ["no-op"], same, same, secret))
    if variant % 5 == 0:
        db = {"identifier": "orders", "password": secret}
        changes.append(_resource(f"{module}.aws_db_instance.main", module, "aws_db_instance", "main", ["delete"],
                                 db, None, secret))
    return {
        "format_version": "1.2", "terraform_version": "1.15.5", "applyable": True, "complete": True,
        "errored": False, "variables": {}, "planned_values": {"root_module": {}},
        "resource_changes": changes, "configuration": {"root_module": {}},
    }


def write_workspaces(root: Path, count: int, distinct: int) -> list[Path]:
    """Write COUNT workspaces' plans under ROOT (ws-0000/plan.json, …) cycling through DISTINCT change-sets."""
    paths = []
    for number in range(count):
        name = f"ws-{number:04d}"
        path = root / name / "plan.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(orjson.dumps(workspace_plan(name, number % distinct)))
        paths.append(path)
    return paths
