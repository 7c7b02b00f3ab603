from __future__ import annotations

import json
from pathlib import Path

import pytest

from tfreview.config import find_config, load_config
from tfreview.errors import ConfigError
from tfreview.settings import resolve_settings

GOOD = '''
backend = "none"
model   = "deepseek-r1:14b"
num_ctx = 16384

thresholds {
  max_deletes = 3
}

rule "resource-delete" {
  severity = "medium"
}

rule "no_bucket_deletes" {
  match_type = "aws_s3_bucket*"
  actions    = ["delete"]
  severity   = "high"
  message    = "buckets are forever"
}

protect {
  types     = ["aws_db_instance"]
  addresses = ["module.db.*"]
}
'''


def test_full_config_parses(tmp_path: Path) -> None:
    path = tmp_path / ".tfreview.hcl"
    path.write_text(GOOD)
    config = load_config(path)
    assert (config.backend, config.model, config.num_ctx) == ("none", "deepseek-r1:14b", 16384)
    assert config.thresholds.max_deletes == 3 and config.thresholds.max_changes == 100
    assert config.rule["resource-delete"].severity == "medium"
    assert config.rule["no_bucket_deletes"].actions == ["delete"]
    assert config.protect.addresses == ["module.db.*"]


def test_found_from_the_plan_directory_upward(tmp_path: Path) -> None:
    (tmp_path / ".tfreview.hcl").write_text('model = "x"\n')
    nested = tmp_path / "envs" / "prod"
    nested.mkdir(parents=True)
    assert find_config(nested / "plan.json") == tmp_path / ".tfreview.hcl"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("model = \n", "not valid HCL"),
        ('modle = "x"\n', r"\.tfreview\.hcl:1: modle: Extra inputs are not permitted"),
        ('num_ctx = "big"\n', "num_ctx"),
        ('rule "x" {\n  severity = "high"\n  colour = "red"\n}\n', r":3: rule\.x\.colour"),
    ],
    ids=["syntax", "typo", "wrong-type", "unknown-rule-key"],
)
def test_invalid_config_names_file_line_and_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / ".tfreview.hcl"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_unknown_rule_id_is_reported_when_settings_load_it_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / ".tfreview.hcl"
    path.write_text('model = "x"\n\nrule "resource-delet" {\n  severity = "low"\n}\n')
    load_config(path)  # config only parses; the rules check their own blocks
    with pytest.raises(ConfigError, match=r'\.tfreview\.hcl:3: rule "resource-delet": unknown rule id'):
        resolve_settings({}, {}, config_path=path)


def test_a_plan_in_a_temp_dir_finds_the_repos_config_from_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from tests.helpers import plan_path
    from tfreview.cli import main

    repo, runner_temp = tmp_path / "repo", tmp_path / "runner-temp"
    (repo / "infra").mkdir(parents=True)
    runner_temp.mkdir()
    (repo / ".tfreview.hcl").write_text('protect {\n  types = ["terraform_data"]\n}\n')
    plan = runner_temp / "plan.json"
    plan.write_bytes(plan_path("update").read_bytes())
    monkeypatch.chdir(repo / "infra")
    result = CliRunner().invoke(main, ["review", str(plan), "--backend", "none", "--format", "json"])
    assert result.exit_code == 1, result.output
    assert "protected-resource" in {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert f"using config {repo / '.tfreview.hcl'}" in result.stderr


def test_github_workspace_is_searched_when_the_working_directory_has_no_config(tmp_path: Path) -> None:
    from tfreview.config import locate_config

    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / ".tfreview.hcl").write_text('model = "x"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert locate_config(str(elsewhere / "plan.json"), elsewhere, str(workspace)) == workspace / ".tfreview.hcl"
    assert locate_config(None, elsewhere, None) is None
