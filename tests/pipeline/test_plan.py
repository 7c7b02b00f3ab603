from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import orjson
import pytest

from tests.helpers import ROOT, plan_path
from tfreview.errors import PlanError
from tfreview.pipeline.plan import find_terraform, parse_plan, read_plan_document


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


def test_malformed_resource_entry_is_a_plan_error() -> None:
    from tfreview.pipeline.changes import normalize

    plan = parse_plan({"format_version": "1.2", "resource_changes": [{"type": "x"}]})
    with pytest.raises(PlanError, match=r"resource_changes\[0\]"):
        normalize(plan)
