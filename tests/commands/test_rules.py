"""`tfreview rules`: every rule, as a plain-text table or JSON, with a config's overrides and custom rules."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from tfreview.commands.rules import rules_command
from tfreview.errors import ConfigError
from tfreview.pipeline.findings import RULES


def run(*args: str) -> Result:
    return CliRunner().invoke(rules_command, list(args))


def test_table_lists_every_rule_with_severity_and_description() -> None:
    result = run()
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["ID", "SEVERITY", "DESCRIPTION"]
    rows = {line.split()[0]: line.split()[1] for line in lines[1:]}
    assert rows == {rule.id: rule.severity.value for rule in RULES.values()}
    assert "resource-forget       medium    A resource leaves Terraform state" in result.output


def test_json_lists_the_same_rules() -> None:
    rows = json.loads(run("--format", "json").output)
    assert [r["id"] for r in rows] == list(RULES)
    assert all(r["description"] and r["source"] == "built-in" and r["enabled"] for r in rows)


def test_config_overrides_and_custom_rules_are_shown(tmp_path: Path) -> None:
    config = tmp_path / ".tfreview.hcl"
    config.write_text('rule "resource-import" {\n  severity = "low"\n}\n\n'
                      'rule "scale-changes" {\n  enabled = false\n}\n\n'
                      'rule "no_bucket_deletes" {\n  match_type = "aws_s3_bucket*"\n  actions = ["delete"]\n'
                      '  message = "buckets are forever"\n}\n')
    rows = {r["id"]: r for r in json.loads(run("--format", "json", "--config", str(config)).output)}
    assert rows["resource-import"]["severity"] == "low"
    assert rows["scale-changes"]["enabled"] is False
    assert rows["no_bucket_deletes"] == {"id": "no_bucket_deletes", "severity": "high", "enabled": True,
                                         "source": "custom",
                                         "description": "buckets are forever (type aws_s3_bucket*; actions delete)"}
    assert "scale-changes         medium (off)" in run("--config", str(config)).output


def test_an_unknown_rule_id_in_the_config_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / ".tfreview.hcl"
    config.write_text('rule "resource-delet" {\n  severity = "low"\n}\n')
    result = run("--config", str(config))
    assert isinstance(result.exception, ConfigError)
    assert "resource-delet" in str(result.exception)
