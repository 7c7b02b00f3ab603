from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.helpers import ROOT, plan_path
from tfreview.errors import PlanError
from tfreview.pipeline.changes import normalize
from tfreview.pipeline.plan import find_terraform, instance_address, parse_plan, read_plan_document


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "fixtures" / "plans").glob("*.json")))
def test_every_real_fixture_loads(name: str) -> None:
    plan = parse_plan(read_plan_document(plan_path(name)))
    assert plan.format_version == "1.2"
    assert plan.terraform_version.startswith("1.")


def test_old_format_without_health_fields_defaults_to_healthy() -> None:
    document = {"format_version": "0.1", "terraform_version": "0.12.31", "planned_values": {},
                "resource_changes": [{"address": "a.b", "type": "a", "name": "b",
                                      "change": {"actions": ["create"], "before": None, "after": {}}}],
                "unknown_future_key": {"x": 1}}
    plan = parse_plan(document)
    assert (plan.applyable, plan.complete, plan.errored) == (True, True, False)
    assert plan.resource_changes[0]["change"]["actions"] == ["create"]


def test_reads_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    data = plan_path("create").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert read_plan_document("-")["format_version"] == "1.2"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "neither plan JSON"),
        (b"not json at all", "neither plan JSON"),
        (b'{"hello": 1}', "not a Terraform plan"),
        (b'{"format_version": "1.0", "values": {}}', "state file"),
    ],
    ids=["empty", "garbage", "other-json", "state-file"],
)
def test_bad_input_is_a_plan_error_with_advice(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    with pytest.raises(PlanError, match=message):
        read_plan_document(path)


def test_a_refresh_only_plan_with_only_its_drift_is_a_plan(tmp_path: Path) -> None:
    """Terraform leaves `resource_changes` out when nothing changes: a refresh-only plan may carry only drift."""
    drift = {"address": "aws_s3_bucket.assets", "mode": "managed", "type": "aws_s3_bucket", "name": "assets",
             "change": {"actions": ["update"], "before": {"tags": {}}, "after": {"tags": {"Team": "web"}}}}
    path = tmp_path / "plan.json"
    path.write_bytes(orjson.dumps({"format_version": "1.2", "applyable": True, "errored": False,
                                   "resource_drift": [drift]}))
    assert read_plan_document(path)["resource_drift"][0]["address"] == "aws_s3_bucket.assets"


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="not found"):
        read_plan_document(tmp_path / "nope.json")
    with pytest.raises(PlanError, match="is a directory"):
        read_plan_document(tmp_path)


def test_planfile_without_terraform_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PlanError, match="neither terraform nor tofu is on PATH"):
        find_terraform(None)
    with pytest.raises(PlanError, match="not an executable"):
        find_terraform("no-such-terraform")


def test_planfile_is_detected_and_converted_with_the_given_binary(tmp_path: Path) -> None:
    """A stand-in binary proves the zip is detected and `show -json PLANFILE` is what gets run."""
    planfile = tmp_path / "tfplan"
    with zipfile.ZipFile(planfile, "w") as archive:
        archive.writestr("tfplan", b"binary plan")
    fake = tmp_path / "fake-terraform"
    fake.write_text(f'#!/bin/sh\n[ "$1 $2" = "show -json" ] || exit 3\ncat {plan_path("create")}\n')
    fake.chmod(0o755)
    document = read_plan_document(planfile, terraform_bin=str(fake))
    assert document == orjson.loads(plan_path("create").read_bytes())


def test_failing_conversion_reports_terraforms_error(tmp_path: Path) -> None:
    planfile = tmp_path / "tfplan"
    shutil.copy(ROOT / "fixtures" / "planfiles" / "delete.tfplan", planfile)
    fake = tmp_path / "terraform"
    fake.write_text("#!/bin/sh\necho 'Error: Failed to read the given file as a state or plan file' >&2\nexit 1\n")
    fake.chmod(0o755)
    with pytest.raises(PlanError, match="Failed to read the given file"):
        read_plan_document(planfile, terraform_bin=str(fake))


def test_malformed_resource_entry_is_refused_when_read(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(orjson.dumps({"format_version": "1.2", "resource_changes": [{"type": "x"}]}))
    with pytest.raises(PlanError, match=r"^resource_changes\[0\]\.change: missing"):
        read_plan_document(path)


@pytest.mark.parametrize(
    ("entry", "address"),
    [
        ({"type": "aws_instance", "name": "web"}, "aws_instance.web"),
        ({"mode": "data", "type": "aws_ami", "name": "ubuntu"}, "data.aws_ami.ubuntu"),
        ({"mode": "managed", "type": "aws_instance", "name": "web", "index": 0}, "aws_instance.web[0]"),
        ({"type": "aws_instance", "name": "web", "index": "eu-west-1"}, 'aws_instance.web["eu-west-1"]'),
        ({"module_address": 'module.net["a"].module.vpc', "mode": "data", "type": "aws_vpc", "name": "this",
          "index": 2}, 'module.net["a"].module.vpc.data.aws_vpc.this[2]'),
        ({"type": "t", "name": "n", "index": 'say "hi"'}, 't.n["say \\"hi\\""]'),
    ],
    ids=["plain", "data", "count", "for_each", "module-data-count", "quoted-key"],
)
def test_instance_address_is_built_as_terraform_prints_it(entry: dict[str, Any], address: str) -> None:
    assert instance_address(entry) == address


def test_terraform_1_0_drift_without_address_gets_one(tmp_path: Path) -> None:
    """Terraform 1.0 wrote resource_drift entries without `address` (added in 1.1)."""
    drift = {"module_address": "module.app", "mode": "managed", "type": "aws_instance", "name": "worker",
             "index": 1, "provider_name": "registry.terraform.io/hashicorp/aws",
             "change": {"actions": ["update"], "before": {"instance_type": "t3.small"},
                        "after": {"instance_type": "m5.large"}}}
    document = {"format_version": "0.2", "terraform_version": "1.0.11", "planned_values": {},
                "resource_changes": [], "resource_drift": [drift]}
    path = tmp_path / "plan.json"
    path.write_bytes(orjson.dumps(document))
    loaded = read_plan_document(path)
    assert loaded["resource_drift"][0]["address"] == "module.app.aws_instance.worker[1]"
    changes = normalize(parse_plan(loaded))
    assert [(c.address, c.action.value) for c in changes.drift] == [("module.app.aws_instance.worker[1]", "update")]


@pytest.mark.parametrize("version", ["0.1", "0.2", "1.0", "1.1", "1.2"])
def test_every_known_format_version_loads_without_a_format_finding(version: str) -> None:
    from tfreview.pipeline.findings import ReviewInput
    from tfreview.pipeline.risk import evaluate

    plan = parse_plan({"format_version": version, "resource_changes": []})
    assert not [f for f in evaluate(ReviewInput(plan=plan, changeset=normalize(plan))) if f.rule == "plan-format"]


def test_null_sections_read_as_absent() -> None:
    plan = parse_plan({"format_version": "1.2", "resource_changes": None, "output_changes": None, "checks": None,
                       "configuration": None, "applyable": None})
    assert (plan.resource_changes, plan.output_changes, plan.checks, plan.applyable) == ([], {}, [], True)
