"""Blast radius: the resources that depend on each change, read from the plan's configuration."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT
from tfreview.pipeline.changes import ChangeSet, normalize_resource
from tfreview.pipeline.dependents import config_address, dependency_graph
from tfreview.pipeline.review import review
from tfreview.settings import Settings

SHIM = str(ROOT / "scripts" / "terraform-shim")


def ref(*names: str) -> dict[str, Any]:
    return {"references": list(names)}


def resource(address: str, **expressions: Any) -> dict[str, Any]:
    kind, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": kind, "name": name, "expressions": expressions}


def change(address: str, action: str = "delete") -> dict[str, Any]:
    return {"address": address, "type": address.split(".")[-2].split("[")[0], "mode": "managed",
            "change": {"actions": [action]}}


CONFIGURATION = {
    "root_module": {
        "resources": [
            resource("aws_vpc.main", cidr_block={"constant_value": "10.0.0.0/16"}),
            {**resource("aws_subnet.private", vpc_id=ref("aws_vpc.main.id", "aws_vpc.main")),
             "count_expression": {"constant_value": 2}},
            resource("aws_instance.app", subnet_id=ref("aws_subnet.private[0].id", "aws_subnet.private[0]",
                                                       "aws_subnet.private")),
            resource("aws_s3_bucket.logs"),
            resource("aws_route53_record.app", records=ref("module.lb.dns_name", "module.lb")),
            resource("aws_iam_role.unrelated", tags={"constant_value": {}}),
            {**resource("aws_eip.app"), "depends_on": ["aws_instance.app"]},
            resource("aws_cloudwatch_dashboard.all", body=ref("local.widgets")),
        ],
        "module_calls": {
            "sg": {
                "source": "./modules/sg",
                "expressions": {"vpc_id": ref("aws_vpc.main.id", "aws_vpc.main")},
                "module": {"resources": [
                    resource("aws_security_group.this", vpc_id=ref("var.vpc_id"),
                             ingress=[{"cidr_blocks": ref("var.allowed")}]),
                ]},
            },
            "lb": {
                "source": "./modules/lb",
                "expressions": {"subnets": ref("aws_subnet.private")},
                "for_each_expression": ref("var.regions"),
                "module": {
                    "resources": [resource("aws_lb.this", subnets=ref("var.subnets"))],
                    "outputs": {"dns_name": {"expression": ref("aws_lb.this.dns_name", "aws_lb.this")}},
                },
            },
        },
    }
}


def dependents_of(configuration: dict[str, Any], *addresses: str) -> dict[str, list[str]]:
    graph = dependency_graph(configuration)
    return {a: graph.dependents(a) for a in addresses}


def test_dependents_follow_references_modules_outputs_and_depends_on() -> None:
    found = dependents_of(CONFIGURATION, "aws_vpc.main", "aws_subnet.private[1]", "aws_instance.app",
                          "aws_s3_bucket.logs", 'module.lb["eu"].aws_lb.this')
    assert found["aws_vpc.main"] == [
        "aws_eip.app", "aws_instance.app", "aws_route53_record.app", "aws_subnet.private",
        "module.lb.aws_lb.this", "module.sg.aws_security_group.this",
    ]
    assert found["aws_subnet.private[1]"] == ["aws_eip.app", "aws_instance.app", "aws_route53_record.app",
                                              "module.lb.aws_lb.this"]
    assert found["aws_instance.app"] == ["aws_eip.app"]
    assert found["aws_s3_bucket.logs"] == []
    assert found['module.lb["eu"].aws_lb.this'] == ["aws_route53_record.app"]


@pytest.mark.parametrize("configuration", [{}, {"root_module": "oops"}, {"root_module": {"resources": "x"}}],
                         ids=["missing", "wrong-type", "resources-wrong-type"])
def test_missing_or_odd_configuration_gives_no_dependents_and_no_error(configuration: dict[str, Any]) -> None:
    assert dependents_of(configuration, "aws_vpc.main") == {"aws_vpc.main": []}


def test_config_address_drops_instance_keys() -> None:
    assert config_address('module.a["x\\"y"].module.b[0].aws_subnet.c["k"]') == "module.a.module.b.aws_subnet.c"


MAIN_TF = """
variable "vpc_version" {
  type = string
}

resource "terraform_data" "vpc" {
  triggers_replace = [var.vpc_version]
}

resource "terraform_data" "subnet" {
  count = 2
  input = terraform_data.vpc.id
}

resource "terraform_data" "instance" {
  for_each = toset(["a", "b"])
  input    = terraform_data.subnet[0].id
}

resource "terraform_data" "unrelated" {
  input = "static"
}

module "sg" {
  source = "./sg"
  vpc_id = terraform_data.vpc.id
}
"""
SG_TF = """
variable "vpc_id" {
  type = string
}

resource "terraform_data" "security_group" {
  input = var.vpc_id
}
"""


def terraform(directory: Path, *args: str) -> str:
    done = subprocess.run([SHIM, f"-chdir={directory}", *args], capture_output=True, text=True, timeout=300,
                          check=False, env={"TFREVIEW_PYTHON": sys.executable, "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.terraform
def test_a_replaced_vpc_lists_subnets_instances_and_the_security_group_in_a_module(tmp_path: Path) -> None:
    (tmp_path / "sg").mkdir()
    (tmp_path / "main.tf").write_text(MAIN_TF)
    (tmp_path / "sg" / "main.tf").write_text(SG_TF)
    terraform(tmp_path, "init", "-input=false")
    terraform(tmp_path, "apply", "-input=false", "-auto-approve", "-var=vpc_version=v1")
    terraform(tmp_path, "plan", "-input=false", "-out=tfplan", "-var=vpc_version=v2")
    plan = tmp_path / "plan.json"
    plan.write_text(terraform(tmp_path, "show", "-json", "tfplan"))
    result = review(plan, Settings(backend="none"))
    by_address = {c.address: c for c in result.changes}
    vpc = by_address["terraform_data.vpc"]
    assert vpc.action.value == "replace"
    assert vpc.dependents == ["module.sg.terraform_data.security_group", "terraform_data.instance",
                              "terraform_data.subnet"]
    assert json.loads(result.to_json())["changes"][0]["dependents"] == vpc.dependents


def test_a_delete_with_more_dependents_than_the_threshold_is_high(tmp_path: Path) -> None:
    from tfreview.config import FileConfig, Thresholds
    from tfreview.pipeline.findings import ReviewInput
    from tfreview.pipeline.plan import Plan
    from tfreview.pipeline.risk import evaluate

    leaves = [resource(f"aws_instance.n{i}", subnet_id=ref("aws_subnet.shared.id")) for i in range(11)]
    configuration = {"root_module": {"resources": [resource("aws_subnet.shared"), *leaves]}}
    changeset = ChangeSet(changes=[normalize_resource(change("aws_subnet.shared", "delete")),
                                   normalize_resource(change("aws_instance.n0", "update"))])
    graph = dependency_graph(configuration)
    for item in changeset.changes:
        item.dependents = graph.dependents(item.address)

    def radius(limit: int) -> list[str]:
        config = FileConfig(thresholds=Thresholds(max_dependents=limit))
        found = evaluate(ReviewInput(plan=Plan(), changeset=changeset, config=config))
        return [f"{f.severity.value} {f.address}" for f in found if f.rule == "blast-radius"]

    assert radius(10) == ["high aws_subnet.shared"]
    assert radius(11) == []  # the benign look-alike: a delete whose dependents stay within the threshold
