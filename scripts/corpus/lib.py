"""Throwaway builder for `terraform show -json` (format 1.2) plan documents.

Mirrors Terraform's jsonplan marshalling: after_unknown = unknownAsBool, *_sensitive = SensitiveAsBool,
`after` / planned_values omit unknown values (nulls inside sequences), prior_state = refreshed state.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

TF_VERSION = "1.15.5"

PROVIDERS = {
    "aws": ("registry.terraform.io/hashicorp/aws", "~> 6.0", {"region": {"constant_value": "us-east-1"}}),
    "google": ("registry.terraform.io/hashicorp/google", "~> 7.0",
               {"project": {"constant_value": "acme-prod-4821"}, "region": {"constant_value": "us-central1"}}),
    "azurerm": ("registry.terraform.io/hashicorp/azurerm", "~> 4.0",
                {"features": [{}], "subscription_id": {"references": ["var.subscription_id"]}}),
    "kubernetes": ("registry.terraform.io/hashicorp/kubernetes", "~> 2.36",
                   {"config_context": {"constant_value": "prod-eu"}, "config_path": {"constant_value": "~/.kube/config"}}),
    "random": ("registry.terraform.io/hashicorp/random", "~> 3.6", None),
    "time": ("registry.terraform.io/hashicorp/time", "~> 0.12", None),
    "null": ("registry.terraform.io/hashicorp/null", "~> 3.2", None),
}


DEFAULT_VARS = {
    "vpc_id": "vpc-0c1d2e3f4a5b6c7d8",
    "subnet_id": "subnet-0aa11bb22cc33dd44",
    "private_subnet_ids": ["subnet-0aa11bb22cc33dd44", "subnet-0ee55ff66aa77bb88"],
    "db_password": "Zr8#pQ2!vLx9-orders-master",
    "db_security_group_ids": ["sg-0a1b2c3d4e5f60718"],
    "db_security_group_id": "sg-0a1b2c3d4e5f60718",
    "rds_monitoring_role_arn": "arn:aws:iam::123456789012:role/rds-monitoring",
    "target_group_arns": ["arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-prod/6d0ecf831eec9f09"],
    "trail_kms_key_arn": "arn:aws:kms:us-east-1:123456789012:key/1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
    "public_zone_id": "Z0123456789ABCDEFGHIJ",
    "package_path": "build/thumbnailer.zip",
    "lambda_role_arn": "arn:aws:iam::123456789012:role/thumbnailer-lambda",
    "subscription_id": "3f2c9a71-5b0e-4d8a-9c61-2e7f4a0b8d15",
}
SENSITIVE_VARS = {"db_password"}


def _refs_in(v: Any) -> list[str]:
    """Every reference string inside a configuration document."""
    if isinstance(v, dict):
        out = list(v.get("references", [])) if isinstance(v.get("references"), list) else []
        return out + [r for k, x in v.items() if k != "references" for r in _refs_in(x)]
    if isinstance(v, list):
        return [r for x in v for r in _refs_in(x)]
    return []


class Unknown:
    """A value known only after apply. kind: 'p' primitive, 'l' list/set, 'm' map/object."""

    def __init__(self, kind: str = "p") -> None:
        self.kind = kind

    def __repr__(self) -> str:
        return f"Unknown({self.kind})"


U = Unknown("p")
UL = Unknown("l")
UM = Unknown("m")


class Ref:
    """A config expression referencing other objects."""

    def __init__(self, *refs: str) -> None:
        self.refs = list(refs)


class Blocks:
    """Nested blocks in configuration: list of dicts of config values."""

    def __init__(self, *blocks: dict[str, Any]) -> None:
        self.blocks = list(blocks)


def unknown_as_bool(v: Any) -> Any:
    if isinstance(v, Unknown):
        return True
    if v is None:
        return False
    if isinstance(v, list):
        return [unknown_as_bool(x) for x in v]
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            b = unknown_as_bool(x)
            if b is not False:
                out[k] = b
        return out
    return False


def sensitive_as_bool(v: Any, sens: set[str], path: str = "") -> Any:
    if path in sens:
        return True
    if isinstance(v, Unknown):
        return {"l": [], "m": {}}.get(v.kind, False)
    if v is None or not isinstance(v, (list, dict)):
        return False
    if isinstance(v, list):
        return [sensitive_as_bool(x, sens, f"{path}[{i}]") for i, x in enumerate(v)]
    out = {}
    for k, x in v.items():
        b = sensitive_as_bool(x, sens, f"{path}.{k}" if path else k)
        if b is not False:
            out[k] = b
    return out


def omit_unknowns(v: Any) -> Any:
    if isinstance(v, list):
        return [None if isinstance(x, Unknown) else omit_unknowns(x) for x in v]
    if isinstance(v, dict):
        return {k: omit_unknowns(x) for k, x in v.items() if not isinstance(x, Unknown)}
    return v


def has_unknown(v: Any) -> bool:
    if isinstance(v, Unknown):
        return True
    if isinstance(v, list):
        return any(has_unknown(x) for x in v)
    if isinstance(v, dict):
        return any(has_unknown(x) for x in v.values())
    return False


def _refs(v: Any) -> list[str]:
    if isinstance(v, Ref):
        return v.refs
    if isinstance(v, dict):
        return [r for x in v.values() for r in _refs(x)]
    if isinstance(v, list):
        return [r for x in v for r in _refs(x)]
    return []


def expr(v: Any) -> Any:
    if isinstance(v, Ref):
        return {"references": v.refs}
    if not isinstance(v, Blocks) and _refs(v):
        return {"references": _refs(v)}
    if isinstance(v, Blocks):
        return [{k: expr(x) for k, x in b.items()} for b in v.blocks]
    return {"constant_value": v}


class R:
    """One resource instance in a plan."""

    def __init__(self, rtype: str, name: str, *, provider: str | None = None, index: Any = None,
                 mode: str = "managed", schema_version: int = 0, sensitive: set[str] | None = None) -> None:
        self.type = rtype
        self.name = name
        self.provider = provider or rtype.split("_", 1)[0]
        self.index = index
        self.mode = mode
        self.schema_version = schema_version
        self.sensitive = sensitive or set()

    @property
    def address(self) -> str:
        base = f"{self.type}.{self.name}" if self.mode == "managed" else f"data.{self.type}.{self.name}"
        if self.index is None:
            return base
        return f"{base}[{json.dumps(self.index)}]"

    @property
    def provider_name(self) -> str:
        return PROVIDERS[self.provider][0]

    def head(self) -> dict[str, Any]:
        h = {"address": self.address, "mode": self.mode, "type": self.type, "name": self.name,
             "provider_name": self.provider_name}
        if self.index is not None:
            h["index"] = self.index
        return h

    def state_entry(self, values: Any) -> dict[str, Any]:
        e = self.head()
        e["schema_version"] = self.schema_version
        e["values"] = omit_unknowns(values)
        e["sensitive_values"] = sensitive_as_bool(values, self.sensitive)
        return e


class Plan:
    def __init__(self, timestamp: str) -> None:
        self.timestamp = timestamp
        self.changes: list[dict[str, Any]] = []
        self.drift: list[dict[str, Any]] = []
        self.deferred: list[dict[str, Any]] = []
        self.prior: list[dict[str, Any]] = []
        self.planned: list[dict[str, Any]] = []
        self.config_resources: list[dict[str, Any]] = []
        self.providers: set[str] = set()
        self.variables: dict[str, Any] = {}
        self.config_variables: dict[str, Any] = {}
        self.outputs: dict[str, Any] = {}
        self.config_outputs: dict[str, Any] = {}
        self.planned_outputs: dict[str, Any] = {}
        self.prior_outputs: dict[str, Any] = {}
        self.checks: list[dict[str, Any]] = []
        self.relevant: list[dict[str, Any]] = []
        self.extra: dict[str, Any] = {}

    # -- building blocks -------------------------------------------------------------------
    def change_entry(self, r: R, actions: list[str], before: Any, after: Any, *, action_reason: str | None = None,
                     replace_paths: list[list[Any]] | None = None, previous_address: str | None = None,
                     importing: dict[str, Any] | None = None) -> dict[str, Any]:
        change: dict[str, Any] = {
            "actions": actions,
            "before": omit_unknowns(before) if before is not None else None,
            "after": omit_unknowns(after) if after is not None else None,
            "after_unknown": unknown_as_bool(after) if after is not None else {},
            "before_sensitive": sensitive_as_bool(before, r.sensitive) if before is not None else False,
            "after_sensitive": sensitive_as_bool(after, r.sensitive) if after is not None else False,
        }
        if replace_paths:
            change["replace_paths"] = replace_paths
        if importing is not None:
            change["importing"] = importing
        e = r.head()
        e["change"] = change
        if action_reason:
            e["action_reason"] = action_reason
        if previous_address:
            e["previous_address"] = previous_address
        return e

    def add(self, r: R, actions: list[str], before: Any, after: Any, *, config: dict[str, Any] | None = None,
            count: Any = None, for_each: Any = None, depends_on: list[str] | None = None, **kw: Any) -> None:
        """Add a resource change; before = refreshed prior state, after = planned (with Unknown markers)."""
        self.providers.add(r.provider)
        self.changes.append(self.change_entry(r, actions, before, after, **kw))
        if before is not None and r.mode == "managed":
            self.prior.append(r.state_entry(before))
        if after is not None and actions not in (["delete"], ["forget"]):
            self.planned.append(r.state_entry(after))
        if config is not None:
            self.configure(r, config, count=count, for_each=for_each, depends_on=depends_on)

    def configure(self, r: R, config: dict[str, Any], *, count: Any = None, for_each: Any = None,
                  depends_on: list[str] | None = None) -> None:
        base = f"{r.type}.{r.name}" if r.mode == "managed" else f"data.{r.type}.{r.name}"
        if any(c["address"] == base for c in self.config_resources):
            return
        c: dict[str, Any] = {"address": base, "mode": r.mode, "type": r.type, "name": r.name,
                             "provider_config_key": r.provider,
                             "expressions": {k: expr(v) for k, v in config.items()},
                             "schema_version": r.schema_version}
        if count is not None:
            c["count_expression"] = expr(count)
        if for_each is not None:
            c["for_each_expression"] = expr(for_each)
        if depends_on:
            c["depends_on"] = depends_on
        self.providers.add(r.provider)
        self.config_resources.append(c)

    def add_drift(self, r: R, before: Any, after: Any, actions: list[str] | None = None) -> None:
        self.drift.append(self.change_entry(r, actions or ["update"], before, after))

    def add_deferred(self, reason: str, r: R, actions: list[str], before: Any, after: Any,
                     config: dict[str, Any] | None = None) -> None:
        self.providers.add(r.provider)
        self.deferred.append({"reason": reason, "resource_change": self.change_entry(r, actions, before, after)})
        if config is not None:
            self.configure(r, config)

    # -- document ---------------------------------------------------------------------------
    def build(self, *, applyable: bool | None = None, complete: bool = True, errored: bool = False) -> dict[str, Any]:
        key = lambda e: e["address"]  # noqa: E731
        changes = sorted(self.changes, key=key)
        if applyable is None:
            applyable = ((not errored) and any(
                c["change"]["actions"] != ["no-op"] or c.get("previous_address") or "importing" in c["change"]
                for c in changes)) or bool(self.outputs and any(o["actions"] != ["no-op"] for o in self.outputs.values()))
        doc: dict[str, Any] = {
            "format_version": "1.2",
            "terraform_version": TF_VERSION,
            "timestamp": self.timestamp,
            "applyable": applyable,
            "complete": complete,
            "errored": errored,
        }
        pv: dict[str, Any] = {"root_module": {"resources": sorted(self.planned, key=key)}} if self.planned else {"root_module": {}}
        if self.planned_outputs:
            pv["outputs"] = self.planned_outputs
        doc["planned_values"] = pv
        if self.drift:
            doc["resource_drift"] = sorted(self.drift, key=key)
        doc["resource_changes"] = changes
        if self.deferred:
            doc["deferred_changes"] = self.deferred
        if self.outputs:
            doc["output_changes"] = self.outputs
        if self.prior:
            values: dict[str, Any] = {"root_module": {"resources": sorted(self.prior, key=key)}}
            if self.prior_outputs:
                values["outputs"] = self.prior_outputs
            doc["prior_state"] = {"format_version": "1.0", "terraform_version": TF_VERSION, "values": values}
        provider_config = {}
        for p in sorted(self.providers):
            full, constraint, exprs = PROVIDERS[p]
            entry: dict[str, Any] = {"name": p, "full_name": full, "version_constraint": constraint}
            if exprs:
                entry["expressions"] = exprs
            provider_config[p] = entry
        root: dict[str, Any] = {}
        if self.config_outputs:
            root["outputs"] = self.config_outputs
        root["resources"] = sorted(self.config_resources, key=key)
        doc["configuration"] = {"provider_config": provider_config, "root_module": root}
        used = sorted({r.split(".")[1] for r in _refs_in(doc["configuration"]) if r.startswith("var.")})
        for name in used:
            if name not in self.variables:
                self.variables[name] = DEFAULT_VARS[name]
            if name not in self.config_variables:
                self.config_variables[name] = {"sensitive": True} if name in SENSITIVE_VARS else {}
        if self.config_variables:
            root["variables"] = self.config_variables
        if self.variables:
            doc["variables"] = {k: {"value": v} for k, v in sorted(self.variables.items())}
        if self.relevant:
            doc["relevant_attributes"] = self.relevant
        if self.checks:
            doc["checks"] = self.checks
        doc.update(self.extra)
        return doc


def write(doc: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def merge(base: dict[str, Any], **over: Any) -> dict[str, Any]:
    out = copy.deepcopy(base)
    out.update(over)
    return out
