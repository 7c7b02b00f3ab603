"""`tfreview rules`: list every risk rule with its id, default severity and description."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

HEADERS = ("ID", "SEVERITY", "DESCRIPTION")


@click.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="A plain-text table, or a JSON list.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Also apply this .tfreview.hcl: severity overrides, disabled rules, custom rules.")
def rules_command(fmt: str, config_path: Path | None) -> None:
    """List every risk rule: its id, severity and what it matches.

    HIGH findings make the label "needs close review" whatever the model says. Change a rule's severity
    or turn it off in .tfreview.hcl with `rule "<id>" { severity = "medium" }` or `enabled = false`.
    """
    rows = rule_rows(config_path)
    click.echo(json.dumps(rows, indent=2) if fmt == "json" else render_table(rows), nl=fmt == "json")


def rule_rows(config_path: Path | None = None) -> list[dict[str, Any]]:
    """One row per rule, built-in rules first, with the config's overrides and custom rules applied."""
    from tfreview.config import FileConfig, load_config
    from tfreview.pipeline.findings import RULES
    from tfreview.pipeline.risk import check_config

    config = load_config(config_path) if config_path else FileConfig()
    overrides = check_config(config)
    rows = []
    for rule in RULES.values():
        override = overrides.get(rule.id)
        rows.append({
            "id": rule.id,
            "severity": (override.severity if override and override.severity else rule.severity.value),
            "enabled": override.enabled if override else True,
            "source": "built-in",
            "description": rule.description,
        })
    for rule_id, block in config.rule.items():
        if block.is_custom:
            rows.append({"id": rule_id, "severity": block.severity or "high", "enabled": block.enabled,
                         "source": "custom", "description": _describe(block)})
    return rows


def _describe(block: Any) -> str:
    parts = [f"type {block.match_type}" if block.match_type else "", f"address {block.match_address}"
             if block.match_address else "", f"actions {', '.join(block.actions)}" if block.actions else "",
             f"{block.attribute} changes" if block.attribute else ""]
    what = "; ".join(p for p in parts if p)
    return f"{block.message} ({what})" if block.message else f"Custom rule: {what}."


def render_table(rows: list[dict[str, Any]]) -> str:
    """The rows as an aligned plain-text table."""
    cells = [HEADERS] + [(r["id"], r["severity"] + ("" if r["enabled"] else " (off)"), r["description"])
                         for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(2)]
    lines = [f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}".rstrip() for row in cells]
    return "\n".join(lines) + "\n"
