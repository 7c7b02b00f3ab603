"""Builders for the incidents corpus (fixtures/incidents/manifest.json): scenarios, actions, modules.

Each scenario is a plan written from a production failure mode (or its benign look-alike), not from the
rules. Run `scripts/corpus/incidents.py` to regenerate every file byte for byte.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import lib
from lib import UL, Blocks, Plan, R, Ref, U, Unknown

lib.PROVIDERS.update({
    "helm": ("registry.terraform.io/hashicorp/helm", "~> 3.0",
             {"kubernetes": [{"config_context": {"constant_value": "prod-eu"},
                              "config_path": {"constant_value": "~/.kube/config"}}]}),
    "github": ("registry.terraform.io/integrations/github", "~> 6.6", {"owner": {"constant_value": "acme-corp"}}),
    "cloudflare": ("registry.terraform.io/cloudflare/cloudflare", "~> 5.8", None),
    "datadog": ("registry.terraform.io/datadog/datadog", "~> 3.72",
                {"api_url": {"constant_value": "https://api.datadoghq.eu/"}}),
    "acme": ("registry.terraform.io/acme-corp/acme", "~> 2.3",
             {"endpoint": {"constant_value": "https://api.acme-cloud.io/v2"}, "region": {"constant_value": "fra1"}}),
    "digitalocean": ("registry.terraform.io/digitalocean/digitalocean", "~> 2.55", None),
})

RISKY = "needs_close_review"
SAFE = "likely_safe"
FAMILIES = {"exposure", "identity", "destruction", "downgrade", "reach", "credentials", "malformed"}

# (path under fixtures/corpus, builder, expected, family, why)
SCENARIOS: list[tuple[str, Callable[[], Any], str, str, str]] = []


def scenario(path: str, family: str, why: str) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register a plan; a family starting with 'benign-' is expected likely safe, any other needs review."""
    base = family.removeprefix("benign-")
    assert base in FAMILIES, family
    expected = SAFE if family.startswith("benign-") else RISKY

    def deco(fn: Callable[[], Any]) -> Callable[[], Any]:
        SCENARIOS.append((path, fn, expected, family, why))
        return fn
    return deco


class MR(R):
    """A resource instance inside a module call (`module.NAME[KEY].TYPE.NAME[INDEX]`)."""

    def __init__(self, module: str, rtype: str, name: str, **kw: Any) -> None:
        super().__init__(rtype, name, **kw)
        self.module = module

    @property
    def address(self) -> str:
        return f"{self.module}.{super().address}"

    def head(self) -> dict[str, Any]:
        h = super().head()
        return {"address": h["address"], "module_address": self.module, **{k: v for k, v in h.items() if k != "address"}}


def auto_config(after: dict[str, Any], computed: set[str]) -> dict[str, Any]:
    """The configuration that would produce AFTER: every argument the user set, blocks as blocks."""
    out: dict[str, Any] = {}
    for key, value in after.items():
        if key in computed or key == "id" or value is None or isinstance(value, Unknown) or value in ([], {}, ""):
            continue
        if key in ("tags_all", "effective_labels", "terraform_labels", "metadata_generation"):
            continue
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            out[key] = Blocks(*[auto_config(v, set()) for v in value])
        else:
            out[key] = value
    return out


def create(p: Plan, r: R, values: dict[str, Any], computed: dict[str, Any] | None = None, *,
           config: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
    """A create: COMPUTED attributes are unknown until apply."""
    computed = computed if computed is not None else {"id": U}
    after = {**values, **computed}
    cfg = config if config is not None else auto_config(values, set(computed))
    p.add(r, ["create"], None, after, config=None if isinstance(r, MR) else cfg, **kw)
    return after


def update(p: Plan, r: R, before: dict[str, Any], changes: dict[str, Any], **kw: Any) -> dict[str, Any]:
    """An in-place update of BEFORE with CHANGES; KW: config, actions, importing, previous_address, …"""
    after = copy.deepcopy(before)
    after.update(changes)
    config = kw.pop("config", None)
    cfg = config if config is not None else auto_config(after, {"arn", "tags_all"})
    actions = kw.pop("actions", ["update"])
    p.add(r, actions, before, after, config=None if isinstance(r, MR) else cfg, **kw)
    return after


def delete(p: Plan, r: R, before: dict[str, Any], reason: str = "delete_because_no_resource_config") -> None:
    """A delete; by default because the block was removed."""
    p.add(r, ["delete"], before, None, action_reason=reason)


def noop(p: Plan, r: R, values: dict[str, Any], **kw: Any) -> None:
    """An unchanged resource, configured as it is."""
    p.add(r, ["no-op"], values, copy.deepcopy(values),
          config=None if isinstance(r, MR) else auto_config(values, {"arn", "tags_all"}), **kw)


def read_data(p: Plan, r: R, after: dict[str, Any], config: dict[str, Any], depends: bool = True) -> None:
    """A data source read during apply because it depends on values not known yet."""
    p.add(r, ["read"], None, after, config=config,
          action_reason="read_because_dependency_pending" if depends else "read_because_config_unknown")


def json_doc(doc: Any) -> str:
    """A policy or JSON attribute as providers store it: compact, keys sorted."""
    return json.dumps(doc, separators=(",", ":"), sort_keys=True)


def modularize(doc: dict[str, Any], calls: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Move module resources into child_modules and add module_calls (CALLS: name → call configuration)."""
    for section in ("planned_values", "prior_state"):
        if section not in doc:
            continue
        root = doc[section]["root_module"] if section == "planned_values" else doc[section]["values"]["root_module"]
        resources = root.get("resources", [])
        inside = [r for r in resources if "module_address" in r or r["address"].startswith("module.")]
        if not inside:
            continue
        root["resources"] = [r for r in resources if r not in inside]
        if not root["resources"]:
            del root["resources"]
        children: dict[str, list[dict[str, Any]]] = {}
        for res in inside:
            mod = res["address"].rsplit(".", 2)[0] if res["mode"] == "managed" else res["address"].rsplit(".", 3)[0]
            children.setdefault(mod, []).append(res)
        root["child_modules"] = [{"address": a, "resources": rs} for a, rs in sorted(children.items())]
    module_calls = {}
    for name, call in calls.items():
        entry: dict[str, Any] = {"source": call["source"]}
        if "version" in call:
            entry["version_constraint"] = call["version"]
        entry["expressions"] = {k: lib.expr(v) for k, v in call.get("inputs", {}).items()}
        if "for_each" in call:
            entry["for_each_expression"] = lib.expr(call["for_each"])
        if "count" in call:
            entry["count_expression"] = lib.expr(call["count"])
        resources = []
        for rtype, rname, cfg in call["resources"]:
            resources.append({"address": f"{rtype}.{rname}", "mode": "managed", "type": rtype, "name": rname,
                              "provider_config_key": rtype.split("_", 1)[0],
                              "expressions": {k: lib.expr(v) for k, v in cfg.items()}, "schema_version": 0})
        entry["module"] = {"resources": resources,
                           "variables": {v: {} for v in sorted(call.get("inputs", {}))}}
        module_calls[name] = entry
    doc["configuration"]["root_module"]["module_calls"] = module_calls
    return doc


__all__ = [
    "MR",
    "RISKY",
    "SAFE",
    "UL",
    "Blocks",
    "Plan",
    "R",
    "Ref",
    "U",
    "create",
    "delete",
    "json_doc",
    "modularize",
    "noop",
    "read_data",
    "scenario",
    "update",
]
