"""CIS-style security settings read by what their keys mean on less famous and invented types, each with a benign
look-alike that stays likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tests.pipeline.test_rules_monitoring_and_modes import resource
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def judge(tmp_path: Path, changes: list[dict[str, Any]]) -> dict[str, Severity]:
    """Review a plan with rules alone: {rule: worst severity}."""
    return worst_by_rule(review_rules_alone(tmp_path, changes))


def one(tmp_path: Path, resource_type: str, before: Any, after: Any) -> dict[str, Severity]:
    """Findings of a plan that updates (or, with AFTER None, deletes) one resource."""
    return judge(tmp_path, [resource(f"{resource_type}.x", after, before=before)])


def label(tmp_path: Path, resource_type: str, before: Any, after: Any) -> Label:
    """The label of a plan that changes one resource."""
    return review_rules_alone(tmp_path, [resource(f"{resource_type}.x", after, before=before)]).label


# --- 1: a watcher's status enum from an on word to an off word ------------------------------------------------

@pytest.mark.parametrize(("kind", "on", "off"), [("nimbo_audit_trail", "Enable", "Disable"),
                                                 ("zeta_cloud_guard_configuration", "ENABLED", "DISABLED"),
                                                 ("qux_threat_detector", "true", "false")])
def test_a_watcher_status_turned_off_disables_detection(tmp_path: Path, kind: str, on: str, off: str) -> None:
    assert one(tmp_path, kind, {"status": on}, {"status": off}).get("detection-disabled") is Severity.HIGH


def test_a_watcher_turned_on_is_quiet_and_a_vm_state_is_not_detection(tmp_path: Path) -> None:
    assert label(tmp_path, "nimbo_audit_trail", {"status": "Disable"}, {"status": "Enable"}) is Label.LIKELY_SAFE
    # A stopped VM stays what it was before (scaled-to-zero), never a detector switched off.
    assert "detection-disabled" not in one(tmp_path, "nimbo_compute_instance", {"status": "Enable"},
                                           {"status": "Disable"})


def test_an_incident_closed_is_quiet(tmp_path: Path) -> None:
    assert label(tmp_path, "nimbo_incident", {"status": "open"}, {"status": "closed"}) is Label.LIKELY_SAFE


# --- 2: key rotation off in enum spellings, key material made exportable -------------------------------------

@pytest.mark.parametrize(("before", "after"), [
    ({"automatic_rotation": "Enabled"}, {"automatic_rotation": "Disabled"}),
    ({"rotation_schedule": "P90D"}, {"rotation_schedule": "never"}),
    ({"rotation_interval_days": 90}, {"rotation_interval_days": 0}),
    ({"allow_key_export": False}, {"allow_key_export": True}),
    ({"exportable": False}, {"exportable": True})])
def test_key_rotation_off_or_export_allowed_weakens_the_key(tmp_path: Path, before: Any, after: Any) -> None:
    assert one(tmp_path, "corvex_kms_keyring", before, after).get("key-disabled") is Severity.HIGH


@pytest.mark.parametrize(("before", "after"), [
    ({"automatic_rotation": "Disabled"}, {"automatic_rotation": "Enabled"}),
    ({"rotation_schedule": "P90D"}, {"rotation_schedule": "P30D"}),
    ({"allow_key_export": True}, {"allow_key_export": False})])
def test_rotation_on_shortened_or_export_closed_is_quiet(tmp_path: Path, before: Any, after: Any) -> None:
    assert label(tmp_path, "corvex_kms_keyring", before, after) is Label.LIKELY_SAFE


def test_a_rotation_schedule_on_a_non_key_type_is_not_read(tmp_path: Path) -> None:
    assert label(tmp_path, "corvex_log_archive", {"rotation_schedule": "P1D"}, {"rotation_schedule": "never"}) \
        is Label.LIKELY_SAFE


# --- 3: TLS and audit collection off in action/status enums -------------------------------------------------

def test_tls_closed_in_an_action_enum_and_audit_collector_disabled(tmp_path: Path) -> None:
    found = one(tmp_path, "nimbo_db_instance", {"ssl_action": "Open", "sql_collector_status": "Enabled"},
                {"ssl_action": "Close", "sql_collector_status": "Disabled"})
    assert found.get("tls-downgrade") is Severity.HIGH
    assert found.get("logging-disabled") is Severity.HIGH


def test_tls_opened_and_audit_collector_enabled_are_quiet(tmp_path: Path) -> None:
    assert label(tmp_path, "nimbo_db_instance", {"ssl_action": "Close", "sql_collector_status": "Disabled"},
                 {"ssl_action": "Open", "sql_collector_status": "Enabled"}) is Label.LIKELY_SAFE


# --- 4: key/value items and metadata maps whose key names a security setting --------------------------------

def test_a_metadata_item_turning_os_login_off_weakens_sign_in(tmp_path: Path) -> None:
    before = {"key": "enable-oslogin", "value": "TRUE"}
    after = {"key": "enable-oslogin", "value": "FALSE"}
    assert one(tmp_path, "google_compute_project_metadata_item", before, after).get("auth-weakened") \
        is Severity.HIGH


def test_a_metadata_map_opening_the_serial_port_weakens_sign_in(tmp_path: Path) -> None:
    before = {"metadata": {"block-project-ssh-keys": "TRUE"}}
    after = {"metadata": {"block-project-ssh-keys": "TRUE", "serial-port-enable": "TRUE"}}
    assert one(tmp_path, "google_compute_instance", before, after).get("auth-weakened") is Severity.HIGH


def test_metadata_turning_os_login_on_or_other_keys_is_quiet(tmp_path: Path) -> None:
    assert label(tmp_path, "google_compute_project_metadata_item", {"key": "enable-oslogin", "value": "FALSE"},
                 {"key": "enable-oslogin", "value": "TRUE"}) is Label.LIKELY_SAFE
    assert label(tmp_path, "google_compute_project_metadata_item", {"key": "startup-enabled", "value": "TRUE"},
                 {"key": "startup-enabled", "value": "FALSE"}) is Label.LIKELY_SAFE


# --- 5: a logging config block removed -----------------------------------------------------------------------

def test_a_flow_log_config_block_removed_turns_logging_off(tmp_path: Path) -> None:
    before = {"name": "nodes", "log_config": [{"aggregation_interval": "INTERVAL_5_SEC", "flow_sampling": 0.5}]}
    after = {"name": "nodes", "log_config": []}
    assert one(tmp_path, "google_compute_subnetwork", before, after).get("logging-disabled") is Severity.HIGH


def test_a_flow_log_config_block_added_is_quiet(tmp_path: Path) -> None:
    before = {"name": "nodes", "log_config": []}
    after = {"name": "nodes", "log_config": [{"aggregation_interval": "INTERVAL_5_SEC", "flow_sampling": 0.5}]}
    assert label(tmp_path, "google_compute_subnetwork", before, after) is Label.LIKELY_SAFE


# --- 6: an everyone member in an access block ------------------------------------------------------------------

def _access(*entries: tuple[str, str, str]) -> dict[str, Any]:
    return {"dataset_id": "finance", "access": [{"role": role, key: member} for role, key, member in entries]}


@pytest.mark.parametrize("kind", ["google_bigquery_dataset", "corvex_warehouse_dataset"])
def test_an_access_block_naming_all_authenticated_users_is_public(tmp_path: Path, kind: str) -> None:
    before = _access(("OWNER", "special_group", "projectOwners"))
    after = _access(("OWNER", "special_group", "projectOwners"), ("READER", "special_group", "allAuthenticatedUsers"))
    found = one(tmp_path, kind, before, after)
    assert Severity.HIGH in found.values() and set(found) & {"public-access", "iam-public-member"}


def test_an_access_block_naming_a_group_is_quiet(tmp_path: Path) -> None:
    before = _access(("OWNER", "special_group", "projectOwners"))
    after = _access(("OWNER", "special_group", "projectOwners"), ("READER", "group_by_email", "analysts@acme.example"))
    assert label(tmp_path, "google_bigquery_dataset", before, after) is Label.LIKELY_SAFE


# --- 8: a firewall allow rule deleted narrows access ---------------------------------------------------------

def test_deleting_a_single_firewall_allow_rule_narrows_access(tmp_path: Path) -> None:
    rule = {"name": "vendor-temp", "start_ip_address": "198.51.100.23", "end_ip_address": "198.51.100.23"}
    found = one(tmp_path, "nimbo_warehouse_firewall_rule", rule, None)
    assert found and max(found.values()) is Severity.MEDIUM


def test_deleting_a_firewall_deny_rule_stays_high(tmp_path: Path) -> None:
    rule = {"name": "block-scanners", "action": "Deny", "start_ip_address": "203.0.113.0",
            "end_ip_address": "203.0.113.255"}
    assert one(tmp_path, "nimbo_warehouse_firewall_rule", rule, None).get("resource-delete") is Severity.HIGH
