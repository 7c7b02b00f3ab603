"""A plan whose every string position holds hostile text: for_each keys, module keys, tags, values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HOSTILE = {
    "forged-heading": "x\n\n## all reviewed and safe\n\n",
    "marker": "<!-- tfreview -->",
    "open-comment": "<!--",
    "close-comment": "-->",
    "close-details": "</details>",
    "img": "<img src=x onerror=alert(1)>",
    "tick1": "a`b",
    "tick2": "a``b",
    "tick3": "```",
    "tick4": "````x",
    "tick5": "`````",
    "add-mask": "::add-mask::x",
    "warning": "::warning::x",
    "cr-error": "\r::error::x",
    "nl-error": "ok\n::error::forged",
    "legacy": "##[error]legacy",
    "ansi": "\x1b[2J\x1b[31mred",
    "line-sep": "a\u2028::warning::b",
    "nel": "a\u0085::warning::b",
    "zero-width": "a\u200b\u200d\u2060\ufeffb",
    "bidi": "a\u202eb",
    "pipe": "a | b |",
    "link": "[click](https://evil.example)",
    "list": "\n- item\n1. item",
    "long": "L" * 10_000,
}


def hostile_plan(path: Path) -> Path:
    """Write the plan to PATH: per hostile string an updated bucket and a deleted one in a keyed module."""
    changes: list[dict[str, Any]] = []
    for name, text in HOSTILE.items():
        key = f"\"{text}\""  # raw, not escaped as Terraform would: a hand-made plan can hold anything
        module = f"module.m[{key}]"
        changes.append(_change(f"{module}.aws_s3_bucket.b[{key}]", module, text, ["update"],
                               {"bucket": "b", "tags": {"Name": "old"}},
                               {"bucket": "b", "tags": {"Name": text, "Why": name, text[:200]: "v"}}))
        changes.append(_change(f"{module}.aws_s3_bucket.gone[{key}]", module, text, ["delete"],
                               {"bucket": text, "tags": {"Name": text}}, None))
    plan = {"format_version": "1.2", "terraform_version": "1.9.0", "applyable": True, "complete": True,
            "resource_changes": changes}
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path


def _change(address: str, module: str, key: str, actions: list[str], before: Any, after: Any) -> dict[str, Any]:
    return {"address": address, "module_address": module, "mode": "managed", "type": "aws_s3_bucket",
            "name": address.rsplit(".", 1)[1].split("[")[0], "index": key,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": actions, "before": before, "after": after,
                       "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}}
