"""Controls of vocabularies nobody listed, read by what a setting's noun means and where its value sits on a strength
scale (vocabulary/nouns.py), ranks of any vocabulary (tenants.py), deletes that only take a way in away
(allowgone.py) and tokens of objects switched off (switchedoff.py). Each case has a twin that reads the other way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity


def _highs(tmp_path: Path, address: str, after: Any, before: Any = None, actions: list[str] | None = None
           ) -> set[str]:
    found = judge(tmp_path, [resource(address, after, before, actions=actions)])
    return {rule for rule, severity in found.items() if severity is Severity.HIGH}


@pytest.mark.parametrize(("key", "old", "new", "rule"), [
    ("trail", "on", "off", "detection-disabled"),
    ("capture", "full", "off", "detection-disabled"),
    ("seal_mode", "hsm", "none", "encryption-disabled"),
    ("wire", "tls1.3", "plaintext", "encryption-disabled"),
    ("second_factor", "demanded", "optional", "auth-weakened"),
    ("guard", "armed", "bypass", "auth-weakened"),
    ("weak_secrets", "reject", "accept", "auth-weakened"),
    ("listen", "mesh-only", "world", "public-access"),
    ("visibility_mode", "team", "everyone", "public-access"),
    ("hold", "2555d", "0d", "logging-disabled"),
])
def test_a_control_noun_moved_to_a_weaker_value_fires_and_its_reverse_does_not(
        tmp_path: Path, key: str, old: str, new: str, rule: str) -> None:
    before = {"name": "corp", key: old}
    assert rule in _highs(tmp_path, "zephyr_tenant.corp", {**before, key: new}, before)
    assert rule not in _highs(tmp_path, "zephyr_tenant.corp", before, {**before, key: new})


@pytest.mark.parametrize(("key", "old", "new"), [
    ("compression", "gzip", "none"), ("cache", "on", "off"), ("debug", "on", "off"), ("preview", "on", "off"),
    ("guard", "armed", "inherit"), ("hold", "30d", "2555d"), ("listen", "world", "0.0.0.0:8080"),
])
def test_words_that_are_no_control_or_no_weakening_stay_quiet(tmp_path: Path, key: str, old: str, new: str) -> None:
    before = {"name": "corp", key: old}
    assert not _highs(tmp_path, "zephyr_tenant.corp", {**before, key: new}, before)


@pytest.mark.parametrize(("guard", "fires"), [("bypass", True), ("off", True), ("inherit", False), ("sso", False)])
def test_a_route_created_with_its_guard_bypassed_fires(tmp_path: Path, guard: str, fires: bool) -> None:
    after = {"gateway": "gw_admin", "match": "/*", "guard": guard, "target": "http://admin.svc:8080"}
    assert ("auth-weakened" in _highs(tmp_path, "zephyr_route.debug", after)) is fires


@pytest.mark.parametrize(("old", "new", "fires"), [("crew", "captain", True), ("crew", "keyholder", True),
                                                   ("captain", "crew", False), ("viewer", "crew", False)])
def test_a_rank_raised_to_owner_level_fires(tmp_path: Path, old: str, new: str, fires: bool) -> None:
    before = {"email": "riley@freelance.example", "standing": old}
    found = _highs(tmp_path, "zephyr_member.riley", {**before, "standing": new}, before)
    assert ("iam-privileged-role" in found) is fires


@pytest.mark.parametrize(("rank", "fires"), [("steward", True), ("reader", False)])
def test_a_grant_created_with_an_owner_rank_fires(tmp_path: Path, rank: str, fires: bool) -> None:
    after = {"principal": "anyone@partner-network", "dataset": "customers", "tier": rank}
    assert ("iam-privileged-role" in _highs(tmp_path, "zephyr_grant.partners", after)) is fires


@pytest.mark.parametrize(("gained", "fires"), [("create:role_members", True), ("update:users", True),
                                               ("read:users", False), ("create:tickets", False)])
def test_a_role_gaining_identity_management_fires(tmp_path: Path, gained: str, fires: bool) -> None:
    before = {"role_id": "rol_1", "permissions": [{"name": "read:tickets"}]}
    after = {**before, "permissions": [{"name": "read:tickets"}, {"name": gained}]}
    assert ("iam-privileged-role" in _highs(tmp_path, "zephyr_role_permissions.support", after, before)) is fires


@pytest.mark.parametrize(("role", "fires"), [("Administrator", True), ("PVEAuditor", False)])
def test_an_acl_entry_of_an_admin_role_fires(tmp_path: Path, role: str, fires: bool) -> None:
    after = {"path": "/", "propagate": True, "role_id": role, "user_id": "ci@pve"}
    assert ("iam-privileged-role" in _highs(tmp_path, "zephyr_acl.ci", after)) is fires


@pytest.mark.parametrize(("kind", "fires"), [("zephyr_realm_events", True), ("zephyr_webhook", False)])
def test_recorded_events_turned_off_fires_but_a_webhook_s_events_do_not(tmp_path: Path, kind: str,
                                                                        fires: bool) -> None:
    before = {"realm": "corp", "admin_events_enabled": True, "events_enabled": True}
    after = {**before, "admin_events_enabled": False, "events_enabled": False}
    assert ("detection-disabled" in _highs(tmp_path, f"{kind}.corp", after, before)) is fires


@pytest.mark.parametrize(("kept", "fires"), [(1, True), (0, True), (6, False)])
def test_snapshots_cut_to_one_copy_fire(tmp_path: Path, kept: int, fires: bool) -> None:
    before = {"name": "prod", "etcd": [{"snapshot_retention": 12, "snapshot_schedule_cron": "0 */6 * * *"}]}
    after = {"name": "prod", "etcd": [{"snapshot_retention": kept, "snapshot_schedule_cron": "0 */6 * * *"}]}
    assert ("backup-reduced" in _highs(tmp_path, "zephyr_cluster.prod", after, before)) is fires


@pytest.mark.parametrize(("old", "new", "fires"), [(False, True, True), (True, False, False)])
def test_an_object_made_administrative_fires(tmp_path: Path, old: bool, new: bool, fires: bool) -> None:
    before = {"name": "network", "administrative": old}
    found = _highs(tmp_path, "zephyr_stack.network", {**before, "administrative": new}, before)
    assert ("iam-privileged-role" in found) is fires


def _deleted(tmp_path: Path, address: str, before: dict[str, Any]) -> bool:
    return "resource-delete" in _highs(tmp_path, address, None, before, actions=["delete"])


@pytest.mark.parametrize(("permission", "high"), [("ALLOW", False), ("DENY", True)])
def test_deleting_an_allow_entry_narrows_and_a_deny_entry_does_not(tmp_path: Path, permission: str,
                                                                   high: bool) -> None:
    before = {"operation": "READ", "permission": permission, "principal": "User:sa-1", "resource_name": "orders"}
    assert _deleted(tmp_path, "zephyr_kafka_acl.legacy", before) is high


def test_deleting_an_allow_rule_that_asked_a_second_factor_stays_high(tmp_path: Path) -> None:
    before = {"name": "legacy", "access": "ALLOW", "mfa_required": True}
    assert _deleted(tmp_path, "zephyr_policy_rule_signon.legacy", before)


@pytest.mark.parametrize(("policy", "high"), [("consoleAdmin", False), ("readwrite", False),
                                              ("deny-deletes", True), ("quarantine", True)])
def test_detaching_a_granting_policy_narrows(tmp_path: Path, policy: str, high: bool) -> None:
    before = {"id": f"etl/{policy}", "policy_name": policy, "user_name": "etl"}
    assert _deleted(tmp_path, "zephyr_iam_user_policy_attachment.etl", before) is high


@pytest.mark.parametrize(("before", "high"), [
    ({"gateway": "gw", "match": "/v1/legacy-export", "target": "http://export.svc:8080"}, False),
    ({"gateway": "gw", "match": "/v1/legacy-export", "target": "http://export.svc", "guard": "deny"}, True),
])
def test_deleting_a_request_route_narrows_unless_it_restricted(tmp_path: Path, before: dict[str, Any],
                                                               high: bool) -> None:
    assert _deleted(tmp_path, "zephyr_route.legacy", before) is high


@pytest.mark.parametrize(("switched", "high"), [("is_enabled", False), ("time_selection_enabled", True)])
def test_a_token_of_an_object_switched_off_opens_nothing(tmp_path: Path, switched: str, high: bool) -> None:
    before = {"uid": "9f3e", "access_token": "a1b2c3d4e5f6", "is_enabled": True, "time_selection_enabled": True}
    found = _highs(tmp_path, "zephyr_dashboard_public.billing", {**before, switched: False}, before)
    assert ("credential-in-plan" in found) is high


@pytest.mark.parametrize("switch", ["frontend_tls10_enabled", "backend_ssl30_enabled", "triple_des_ciphers_enabled"])
def test_a_weak_protocol_switched_on_is_a_downgrade_and_off_is_stricter(tmp_path: Path, switch: str) -> None:
    off = {"security": [{switch: False, "other": 1}]}
    on = {"security": [{switch: True, "other": 1}]}
    assert "tls-downgrade" in _highs(tmp_path, "zephyr_gateway.prod", on, off)
    assert not _highs(tmp_path, "zephyr_gateway.prod", off, on)


@pytest.mark.parametrize(("after", "fires"), [(["FTP", "FTPS", "SFTP"], True), (["FTPS"], False),
                                             (["tcp", "udp"], False)])
def test_a_plaintext_protocol_joining_encrypted_ones_fires(tmp_path: Path, after: list[str], fires: bool) -> None:
    before = {"name": "partners", "protocols": ["FTPS", "SFTP"]}
    assert ("tls-downgrade" in _highs(tmp_path, "zephyr_server.partners", {**before, "protocols": after},
                                      before)) is fires


@pytest.mark.parametrize(("key", "old", "new", "fires"), [
    ("reclaim_policy", "Retain", "Delete", True), ("deletion_policy", "SNAPSHOT", "DELETE", True),
    ("reclaim_policy", "Delete", "Retain", False), ("on_failure", "retain", "delete", False)])
def test_data_retained_then_deleted_with_its_holder_fires(tmp_path: Path, key: str, old: str, new: str,
                                                          fires: bool) -> None:
    before = {"name": "home", "retention_policy": [{"home_volume": old}], key: old}
    after = {"name": "home", "retention_policy": [{"home_volume": old}], key: new}
    assert ("reclaim-to-delete" in _highs(tmp_path, "zephyr_domain.studio", after, before)) is fires


def test_a_retention_policy_block_moved_to_delete_fires(tmp_path: Path) -> None:
    before = {"name": "studio", "retention_policy": [{"home_volume": "Retain"}]}
    after = {"name": "studio", "retention_policy": [{"home_volume": "Delete"}]}
    assert "reclaim-to-delete" in _highs(tmp_path, "zephyr_domain.studio", after, before)


@pytest.mark.parametrize(("new", "fires"), [("off", True), ("sampled", False)])
def test_a_capture_sampled_still_records(tmp_path: Path, new: str, fires: bool) -> None:
    before = {"name": "ledger", "capture": "full"}
    assert ("detection-disabled" in _highs(tmp_path, "zephyr_ledger.main", {**before, "capture": new},
                                           before)) is fires


def test_a_scale_factor_is_no_sign_in_factor(tmp_path: Path) -> None:
    before = {"name": "pool", "scale_factor": "on"}
    assert not _highs(tmp_path, "zephyr_pool.main", {**before, "scale_factor": "off"}, before)
