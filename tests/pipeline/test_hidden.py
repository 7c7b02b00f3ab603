"""Values behind sensitive marks are judged like visible ones, and what is reported never shows them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.hidden import hidden_values
from tfreview.pipeline.review import prepare
from tfreview.settings import Settings


def sg_rule(cidrs: list[str], port: int = 27017) -> dict[str, Any]:
    return {"address": "aws_security_group_rule.db", "mode": "managed", "type": "aws_security_group_rule",
            "name": "db", "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["create"], "before": None,
                       "after": {"type": "ingress", "protocol": "tcp", "from_port": port, "to_port": port,
                                 "cidr_blocks": cidrs, "security_group_id": "sg-1", "self": False},
                       "after_unknown": {"id": True}, "before_sensitive": False,
                       "after_sensitive": {"cidr_blocks": True}}}


def inline_policy(actions: list[str], resource: str) -> dict[str, Any]:
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}]}
    return {"address": "aws_iam_role_policy.extra", "mode": "managed", "type": "aws_iam_role_policy",
            "name": "extra", "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["create"], "before": None,
                       "after": {"name": "extra", "role": "worker", "policy": json.dumps(document)},
                       "after_unknown": {"id": True}, "before_sensitive": False, "after_sensitive": {"policy": True}}}


def test_world_cidr_behind_a_sensitive_mark_is_high_and_not_shown(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, [sg_rule(["0.0.0.0/0"])])
    assert result.label.value == "needs_close_review"
    assert worst_by_rule(result)["network-open-ingress"] == Severity.HIGH
    assert all("sensitive mark" in f.message for f in result.findings if f.rule == "network-open-ingress")


def test_private_cidr_behind_a_sensitive_mark_stays_safe(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, [sg_rule(["10.40.0.0/16"])])
    assert result.label.value == "likely_safe"


def test_admin_policy_behind_a_sensitive_mark_is_high_and_its_text_not_shown(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, [inline_policy(["iam:*", "sts:*"], "*")])
    assert result.label.value == "needs_close_review"
    assert worst_by_rule(result)["iam-wildcard"] == Severity.HIGH
    assert not any("sts:*" in f.message for f in result.findings)


def test_narrow_policy_behind_a_sensitive_mark_stays_safe(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, [inline_policy(["kms:Decrypt"], "arn:aws:kms:eu-west-1:111122223333:key/k1")])
    assert result.label.value == "likely_safe"


def test_a_sensitive_password_alone_adds_nothing(tmp_path: Path) -> None:
    db = {"address": "aws_db_instance.main", "mode": "managed", "type": "aws_db_instance", "name": "main",
          "provider_name": "registry.terraform.io/hashicorp/aws",
          "change": {"actions": ["update"], "before": {"identifier": "main", "password": "old-Pa55word!x"},
                     "after": {"identifier": "main", "password": "new-Pa55word!y"}, "after_unknown": {},
                     "before_sensitive": {"password": True}, "after_sensitive": {"password": True}}}
    result = review_rules_alone(tmp_path, [db])
    assert not [f for f in result.findings if "sensitive mark" in f.message]
    assert "Pa55word" not in result.model_dump_json()


@pytest.mark.parametrize(("mark", "kept"), [
    ({"tags": {}}, False), ({"cidr_blocks": [True]}, True), (True, True),
    ({"password": True}, False), ({"settings": [{"client_secret": True}]}, False),
    ({"password": True, "custom_data": True}, True),
], ids=["marks-nothing", "cidrs", "whole-object", "password-only", "nested-secret-only", "password-and-script"])
def test_only_changes_whose_marks_mark_something_are_kept(mark: Any, kept: bool) -> None:
    change = sg_rule(["0.0.0.0/0"])
    change["change"]["after_sensitive"] = mark
    assert bool(hidden_values({"resource_changes": [change]}, "(sensitive)")) is kept


def test_clear_values_behind_marks_are_dropped_once_the_rules_have_run(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"format_version": "1.2", "resource_changes": [sg_rule(["0.0.0.0/0"])]}))
    prepared = prepare(plan, Settings(backend="none"))
    assert prepared.masking.hidden == {}
    assert any("sensitive mark" in f.message for f in prepared.findings)


def test_the_clear_copy_keeps_credential_named_values_masked() -> None:
    vm = {"address": "azurerm_linux_virtual_machine.vm", "change": {
        "actions": ["create"], "before": None,
        "after": {"admin_password": "Xk9#mPq2$vL7wZ4!", "custom_data": "IyEvYmluL2Jhc2gK",
                  "os_profile": [{"admin_password": "Xk9#mPq2$vL7wZ4!", "computer_name": "vm1"}]},
        "before_sensitive": False, "after_sensitive": {"admin_password": True, "custom_data": True}}}
    _, after = hidden_values({"resource_changes": [vm]}, "(sensitive)")["azurerm_linux_virtual_machine.vm"]
    assert after == {"admin_password": "(sensitive)", "custom_data": "IyEvYmluL2Jhc2gK",
                     "os_profile": [{"admin_password": "(sensitive)", "computer_name": "vm1"}]}
