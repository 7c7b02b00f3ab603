"""Session 22, destruction read with its context: each fix holds its risky case and lets its benign look-alike
pass, in plans written differently from the held-out fixtures that showed the gap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity

CBD = ["create", "delete"]


# --- a machine rebuilt from a new image, without replace_paths -----------------------------------------------

def _rebuilt_vm(extra_before: dict[str, Any] | None = None, changed: str = "image_name") -> dict[str, Any]:
    """A virtual machine replaced create-before-destroy with no replace_paths: CHANGED differs, and the provider
    assigns the new machine its id and addresses (known only after apply)."""
    before = {"id": "4f1c", "name": "relay-1", "image_name": "debian-12", "flavor_name": "m1.small",
              "access_ip_v4": "10.4.0.9", **(extra_before or {})}
    after = {k: v for k, v in before.items() if k not in ("id", "access_ip_v4")}
    after[changed] = "debian-13" if changed == "image_name" else "m1.large"
    entry = resource("openstack_compute_instance_v2.relay", after, before, unknown={"id": True, "access_ip_v4": True},
                     actions=CBD)
    entry["action_reason"] = "replace_because_cannot_update"
    return entry


def test_a_machine_rebuilt_from_a_new_image_whose_ids_are_assigned_anew_is_medium(tmp_path: Path) -> None:
    assert judge(tmp_path, [_rebuilt_vm()]).get("resource-replace") is Severity.MEDIUM


def test_a_machine_rebuilt_with_a_data_volume_or_for_another_attribute_stays_high(tmp_path: Path) -> None:
    with_volume = _rebuilt_vm({"volume": [{"volume_id": "vol-77"}]})
    assert judge(tmp_path, [with_volume]).get("resource-replace") is Severity.HIGH
    assert judge(tmp_path, [_rebuilt_vm(changed="flavor_name")]).get("resource-replace") is Severity.HIGH


# --- a number that drifted, moved on by the plan the same way ---------------------------------------------------

def _scaled(tmp_path: Path, drifted: int, planned: int) -> Severity | None:
    """drift-on-changed for a managed instance group resized by hand from 3 to DRIFTED, that the plan sets to
    PLANNED."""
    group = {"name": "api", "target_size": 3, "base_instance_name": "api"}
    drift = resource("google_compute_region_instance_group_manager.api", {**group, "target_size": drifted}, group)
    change = resource("google_compute_region_instance_group_manager.api", {**group, "target_size": planned},
                      {**group, "target_size": drifted})
    return judge(tmp_path, [change], resource_drift=[drift]).get("drift-on-changed")


def test_a_size_that_drifted_up_and_is_raised_further_is_medium(tmp_path: Path) -> None:
    assert _scaled(tmp_path, 5, 8) is Severity.MEDIUM


def test_a_size_that_drifted_and_is_set_back_stays_high(tmp_path: Path) -> None:
    for planned in (3, 4):  # back to its configured value, or part of the way back
        assert _scaled(tmp_path, 5, planned) is Severity.HIGH
