"""Resource blocks found in the working directory's .tf files, for SARIF locations."""

from __future__ import annotations

from pathlib import Path

from tfreview.integrations.source_locations import Location, SourceIndex, relative_uri

MAIN_TF = """\
terraform {
  required_version = ">= 1.5"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
  }
}

module "net" {
  source = "./modules/net"
  vpc_id = aws_vpc.main.id
}

module "registry" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "4.1.0"
}
"""
NET_TF = """\
variable "vpc_id" {}

resource "aws_subnet" "private" {
  count  = 2
  vpc_id = var.vpc_id
}
"""


def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "infra" / "modules" / "net").mkdir(parents=True)
    (root / "infra" / "main.tf").write_text(MAIN_TF)
    (root / "infra" / "modules" / "net" / "main.tf").write_text(NET_TF)
    return root


def test_resources_data_sources_and_local_modules_point_at_their_block(tmp_path: Path) -> None:
    root = repo(tmp_path)
    index = SourceIndex(root / "infra", base=root)
    assert index.locate("aws_vpc.main") == Location("infra/main.tf", 5)
    assert index.locate("data.aws_iam_policy_document.assume") == Location("infra/main.tf", 9)
    assert index.locate('module.net["eu"].aws_subnet.private[1]') == Location("infra/modules/net/main.tf", 3)


def test_a_registry_module_points_at_its_call_and_a_removed_resource_has_no_block(tmp_path: Path) -> None:
    root = repo(tmp_path)
    index = SourceIndex(root / "infra", base=root)
    assert index.locate("module.registry.aws_s3_bucket.this[0]") == Location("infra/main.tf", 20)
    assert index.locate("module.net.aws_route_table.gone") == Location("infra/main.tf", 15)
    assert index.locate("aws_db_instance.removed") is None
    assert index.locate("module.missing.aws_x.y") is None


def test_plan_files_are_relative_to_the_repository_when_inside_it(tmp_path: Path) -> None:
    root = repo(tmp_path)
    assert relative_uri(root / "infra" / "plan.json", root) == "infra/plan.json"
    assert relative_uri(tmp_path / "elsewhere" / "plan.json", root) == "plan.json"
