"""Controls read by what their values mean, for attribute names nobody listed (invented providers included): a
mechanism's value moved to the null word of its kind, grant lists widened to `*`, approval and muting switches, a
query that drops every record, the last logging block removed; and narrowings that stay quiet (a lower admin role,
a narrower host). Each case has a twin that must read the other way."""

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


def _update(tmp_path: Path, key: str, old: Any, new: Any, address: str = "zephyr_portal.staff") -> set[str]:
    before = {"name": "staff", key: old}
    return _highs(tmp_path, address, {**before, key: new}, before)


@pytest.mark.parametrize(("key", "old", "new", "rule"), [
    ("wire_guard", "tls13", "plain", "tls-downgrade"),
    ("carrier", "TLSv1.2", "none", "tls-downgrade"),
    ("challenge", "totp", "none", "auth-weakened"),
    ("second_step", "webauthn", "optional", "auth-weakened"),
    ("lending", "members", "anyone-with-link", "public-access"),
    ("audience", "internal", "everyone", "public-access"),
    ("gatekeeping", "enforce", "report_only", "auth-weakened"),
])
def test_a_mechanism_moved_to_its_null_word_fires_whatever_the_name(tmp_path: Path, key: str, old: str, new: str,
                                                                    rule: str) -> None:
    assert rule in _update(tmp_path, key, old, new)


@pytest.mark.parametrize(("key", "old", "new"), [
    ("wire_guard", "plain", "tls13"),          # the other way is stronger
    ("challenge", "none", "totp"),
    ("lending", "members", "none"),            # shared with no one is closed further
    ("compression", "gzip", "none"),           # not a security mechanism
    ("cache_mode", "strict", "off"),           # strictness of a cache is not a control
    ("name", "private", "public"),             # a name, not a setting
    ("codec", "h264", "plain"),
])
def test_values_outside_a_mechanism_or_strengthened_stay_quiet(tmp_path: Path, key: str, old: str, new: str) -> None:
    assert not _update(tmp_path, key, old, new) & {"tls-downgrade", "auth-weakened", "public-access"}


@pytest.mark.parametrize(("key", "old", "new", "fires"), [
    ("duties", ["observe"], ["*"], True),
    ("duties", ["observe"], ["observe", "*"], True),
    ("powers", ["read", "deploy"], ["ALL"], True),
    ("crew_rights", ["observe"], ["observe", "dock"], False),  # a named right added, not everything
    ("duties", ["*"], ["observe"], False),                     # narrowed
    ("events", ["push"], ["*"], False),                        # what is sent, not what is granted
    ("allowed_headers", ["content-type"], ["*"], False),
])
def test_a_grant_list_widened_to_everything(tmp_path: Path, key: str, old: Any, new: Any, fires: bool) -> None:
    assert ("iam-wildcard" in _update(tmp_path, key, old, new, "ferro_charter.crew")) is fires


@pytest.mark.parametrize(("key", "old", "new", "fires"), [
    ("devices_approval_on", True, False, True),
    ("require_member_review", True, False, True),
    ("auto_approve_devices", False, True, False),   # automatic approval, already covered the other way
    ("auto_approval", True, False, False),          # no longer automatic: stricter
    ("review_apps_enabled", True, False, False),    # preview deployments, not a check
    ("can_approve", True, False, False),            # a holder loses a power: narrower
])
def test_approval_switches(tmp_path: Path, key: str, old: bool, new: bool, fires: bool) -> None:
    assert ("auth-weakened" in _update(tmp_path, key, old, new, "loom_tailnet.main")) is fires


@pytest.mark.parametrize(("key", "old", "new", "fires"), [
    ("hush", False, True, True), ("muted", False, True, True), ("silenced", None, True, True),
    ("hush", True, False, False), ("silence_timeout", 30, 60, False),
])
def test_muting_switches(tmp_path: Path, key: str, old: Any, new: Any, fires: bool) -> None:
    assert ("detection-disabled" in _update(tmp_path, key, old, new, "murmur_ledger.org")) is fires


@pytest.mark.parametrize(("query", "fires"), [
    ("SELECT * FROM Log", True),
    ("SELECT * FROM Log WHERE true", True),
    ("select * from Log since 1 day ago", True),
    ("SELECT * FROM Log WHERE level = 'debug'", False),
    ("SELECT * FROM Log WHERE message LIKE '%healthcheck%' AND service = 'lb'", False),
])
def test_a_drop_query_that_takes_every_record(tmp_path: Path, query: str, fires: bool) -> None:
    after = {"account_id": 1, "action": "drop_data", "description": "cut cost", "nrql": query}
    assert ("detection-disabled" in _highs(tmp_path, "newrelic_nrql_drop_rule.noise", after)) is fires


S3 = {"name": "s3-access", "bucket_name": "logs", "period": 300}
GCS = {"name": "gcs-access", "bucket_name": "logs", "period": 300}


@pytest.mark.parametrize(("after", "fires"), [
    ({"logging_s3": [], "logging_gcs": []}, True),
    ({"logging_s3": [], "logging_gcs": [GCS]}, False),     # moved to another destination
    ({"logging_s3": [S3], "logging_gcs": []}, False),
])
def test_the_last_logging_block_removed(tmp_path: Path, after: dict[str, Any], fires: bool) -> None:
    before = {"name": "www", "logging_s3": [S3], "logging_gcs": []}
    assert ("logging-disabled" in _highs(tmp_path, "edgy_service.www", {"name": "www", **after}, before)) is fires


@pytest.mark.parametrize(("old", "new", "fires"), [
    ("SUPER_ADMIN", "HELP_DESK_ADMIN", False),
    ("HELP_DESK_ADMIN", "SUPER_ADMIN", True),
    ("APP_ADMIN", "ORG_ADMIN", True),
])
def test_an_admin_role_replaced_by_a_narrower_one(tmp_path: Path, old: str, new: str, fires: bool) -> None:
    before = {"group_id": "00g1", "role_type": old}
    found = _highs(tmp_path, "okta_group_role.helpdesk", {**before, "role_type": new}, before,
                   actions=["delete", "create"])
    assert bool(found & {"iam-privileged-role", "resource-replace"}) is fires


@pytest.mark.parametrize(("old", "new", "fires"), [("%", "10.0.%", False), ("10.0.%", "%", True)])
def test_a_database_user_re_made_for_a_narrower_host(tmp_path: Path, old: str, new: str, fires: bool) -> None:
    before = {"user": "app", "host": old, "tls_option": "SSL"}
    found = _highs(tmp_path, "mysql_user.app", {**before, "host": new}, before, actions=["delete", "create"])
    assert ("resource-replace" in found) is fires


@pytest.mark.parametrize(("key", "old", "new", "fires"), [
    ("posture", "strict", "permissive", True),
    ("posture", "permissive", "strict", False),
    ("cache_mode", "strict", "off", False),
])
def test_a_strict_posture_made_permissive(tmp_path: Path, key: str, old: str, new: str, fires: bool) -> None:
    assert ("auth-weakened" in _update(tmp_path, key, old, new)) is fires


@pytest.mark.parametrize(("old", "new", "fires"), [
    ("observer", "owner", True),
    ("viewer", "SUPER_ADMIN", True),
    ("owner", "viewer", False),
    ("viewer", "orders_owner", False),     # the owner of one named object
    ("viewer", "READ_ONLY_ADMIN", False),
])
def test_a_role_raised_to_admin_on_a_type_nobody_named(tmp_path: Path, old: str, new: str, fires: bool) -> None:
    assert ("iam-privileged-role" in _update(tmp_path, "crew_role", old, new, "ferro_charter.crew")) is fires


@pytest.mark.parametrize(("old", "new", "fires"), [("private", "unlisted", True), ("unlisted", "private", False)])
def test_an_unlisted_object_is_shared_with_anyone_who_has_the_link(tmp_path: Path, old: str, new: str,
                                                                   fires: bool) -> None:
    assert ("public-access" in _update(tmp_path, "listing", old, new, "ferro_shelf.docs")) is fires


@pytest.mark.parametrize(("key", "old", "new", "rule", "fires"), [
    ("seal", "aes256", "none", "encryption-disabled", True),
    ("vault_cipher", "AES-256-GCM", "plaintext", "encryption-disabled", True),
    ("seal", "none", "aes256", "encryption-disabled", False),
    ("checksum", "sha256", "none", "encryption-disabled", False),   # a checksum protects nothing from readers
    ("join_policy", "invite_only", "open", "public-access", True),
    ("join_policy", "open", "invite_only", "public-access", False),
    ("signing", "mandatory", "voluntary", "auth-weakened", True),
    ("approval_gate", True, False, "auth-weakened", True),
])
def test_more_mechanisms_by_meaning(tmp_path: Path, key: str, old: Any, new: Any, rule: str, fires: bool) -> None:
    assert (rule in _update(tmp_path, key, old, new, "keystone_vault.main")) is fires


@pytest.mark.parametrize(("key", "old", "new", "fires"), [
    ("posture", "sealed", "open", True), ("posture", "open", "sealed", False),
    ("inspect", "full", "none", True), ("inspection_mode", "none", "deep", False),
    ("recording", "active", "paused", True), ("recording", "paused", "active", False),
    ("journal_state", "on", "off", True),
])
def test_posture_inspection_and_recording_by_their_null_words(tmp_path: Path, key: str, old: str, new: str,
                                                              fires: bool) -> None:
    found = _update(tmp_path, key, old, new, address="tessera_gate.orders")
    assert bool(found & {"auth-weakened", "detection-disabled"}) is fires


@pytest.mark.parametrize(("sources", "fires"), [(["everywhere"], True), (["corp-vpn"], False)])
def test_admitting_from_everywhere_is_the_internet(tmp_path: Path, sources: list[str], fires: bool) -> None:
    before = {"name": "ssh", "admit_from": ["corp-vpn"], "ports": ["22"]}
    found = _highs(tmp_path, "gatekeep_perimeter_rule.ssh", {**before, "admit_from": sources}, before)
    assert ("network-open-ingress" in found) is fires
