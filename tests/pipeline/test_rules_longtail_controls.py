"""Controls of providers nobody listed, read by what their attributes mean: allow-lists emptied, inbound rulesets
opened, switches that turn off an allow rule, a public share or an exclusion, deny entries, read-only patterns,
whole-population groups and share links switched off. Each case has a twin that must read the other way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone
from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity


def _highs(tmp_path: Path, address: str, after: Any, before: Any = None) -> set[str]:
    found = judge(tmp_path, [resource(address, after, before)])
    return {rule for rule, severity in found.items() if severity is Severity.HIGH}


@pytest.mark.parametrize(("only_flag", "fires"), [("no", True), ("yes", True)])
def test_allowlist_emptied_beside_a_yes_no_setting_is_open(tmp_path: Path, only_flag: str, fires: bool) -> None:
    before = {"name": "db", "allowed_ips": ["203.0.113.10/32"], "allowed_ips_protected_branches_only": only_flag}
    after = {**before, "allowed_ips": []}
    assert ("allowlist-emptied" in _highs(tmp_path, "acme_project.db", after, before)) is fires


def test_allowlist_emptied_beside_another_source_list_stays_quiet(tmp_path: Path) -> None:
    before = {"name": "db", "allowed_ips": ["203.0.113.10/32"], "allowed_source_ranges": ["198.51.100.0/28"]}
    after = {**before, "allowed_ips": []}
    assert "allowlist-emptied" not in _highs(tmp_path, "acme_project.db", after, before)


@pytest.mark.parametrize(("after_filters", "fires"), [([], True), (None, True), (["flt-b"], False)])
def test_every_traffic_filter_detached_is_open(tmp_path: Path, after_filters: Any, fires: bool) -> None:
    before = {"name": "search", "traffic_filter": ["flt-a", "flt-b"], "region": "eu-west-1"}
    after = {**before, "traffic_filter": after_filters}
    assert ("allowlist-emptied" in _highs(tmp_path, "acme_search_deployment.main", after, before)) is fires


def test_an_exclusion_filter_list_emptied_is_not_an_allowlist(tmp_path: Path) -> None:
    before = {"name": "idx", "exclusion_filter": ["drop-debug"]}
    after = {**before, "exclusion_filter": []}
    assert "allowlist-emptied" not in _highs(tmp_path, "acme_logs_index.main", after, before)


@pytest.mark.parametrize(("source", "fires"), [("0.0.0.0/0", True), ("192.0.2.0/24", False)])
def test_an_inbound_ruleset_allowing_everyone_is_open(tmp_path: Path, source: str, fires: bool) -> None:
    before = {"space": "prod", "rule": [{"action": "allow", "source": "203.0.113.0/24"}]}
    after = {"space": "prod", "rule": [*before["rule"], {"action": "allow", "source": source}]}
    assert ("network-open-ingress" in _highs(tmp_path, "acme_space_inbound_ruleset.prod", after, before)) is fires


def test_a_waf_ruleset_allowing_everyone_stays_a_filter_in_front(tmp_path: Path) -> None:
    before = {"zone": "z", "rule": [{"action": "block", "source": "203.0.113.0/24"}]}
    after = {"zone": "z", "rule": [*before["rule"], {"action": "allow", "source": "0.0.0.0/0"}]}
    assert "network-open-ingress" not in _highs(tmp_path, "acme_zone_ruleset.edge", after, before)


@pytest.mark.parametrize(("action", "fires"), [("ALLOW", False), ("BLOCK", True)])
def test_a_firewall_rule_turned_off_is_tightening_only_when_it_allowed(tmp_path: Path, action: str,
                                                                       fires: bool) -> None:
    before = {"name": "r", "order": 4, "state": "ENABLED", "action": action, "src_ips": ["10.0.0.0/16"]}
    after = {**before, "state": "DISABLED"}
    assert ("detection-disabled" in _highs(tmp_path, "acme_firewall_rule.r", after, before)) is fires


@pytest.mark.parametrize(("address", "fires"), [("grafana_dashboard_public.d", False), ("grafana_alert_rule.d", True)])
def test_a_public_share_turned_off_is_not_a_detector_stopping(tmp_path: Path, address: str, fires: bool) -> None:
    before = {"uid": "d", "is_enabled": True}
    after = {**before, "is_enabled": False}
    assert ("detection-disabled" in _highs(tmp_path, address, after, before)) is fires


def test_an_exclusion_removed_from_a_log_index_keeps_more_logs(tmp_path: Path) -> None:
    before = {"name": "security", "exclusion_filter": [{"name": "sample", "is_enabled": True}]}
    after = {**before, "exclusion_filter": []}
    assert "detection-disabled" not in _highs(tmp_path, "datadog_logs_index.security", after, before)


def test_a_monitor_turned_off_on_the_same_provider_still_stops_a_detector(tmp_path: Path) -> None:
    before = {"name": "cpu", "enabled": True}
    assert "detection-disabled" in _highs(tmp_path, "datadog_monitor.cpu", {**before, "enabled": False}, before)


@pytest.mark.parametrize(("permission", "fires"), [("Deny", False), ("Allow", True)])
def test_a_deny_entry_for_everyone_grants_nothing(tmp_path: Path, permission: str, fires: bool) -> None:
    after = {"resource_name": "payments.", "acl_principal": "User:*", "acl_host": "203.0.113.66",
             "acl_operation": "All", "acl_permission_type": permission}
    assert ("iam-public-member" in _highs(tmp_path, "acme_acl.payments", after)) is fires


@pytest.mark.parametrize(("principal", "fires"), [("users", True), ("account users", True), ("admin users", False),
                                                  ("data-eng-prod", False)])
def test_built_in_groups_of_every_user_are_everyone(tmp_path: Path, principal: str, fires: bool) -> None:
    after = {"scope": "prod-payments", "principal": principal, "permission": "MANAGE"}
    assert ("iam-public-member" in _highs(tmp_path, "acme_secret_acl.all", after)) is fires


@pytest.mark.parametrize(("write", "fires"), [("^$", False), (".*", True)])
def test_read_only_permission_triples_are_not_a_write_wildcard(tmp_path: Path, write: str, fires: bool) -> None:
    after = {"user": "exporter", "vhost": "/orders", "permissions": [{"configure": "^$", "write": write, "read": ".*"}]}
    assert ("iam-wildcard" in _highs(tmp_path, "acme_broker_permissions.exporter", after)) is fires


@pytest.mark.parametrize(("link_after", "fires"), [(False, False), (True, True)])
def test_a_share_link_switched_off_outlives_no_limit(tmp_path: Path, link_after: bool, fires: bool) -> None:
    before = {"secret_path": "prod/payments/key", "public_link_enabled": True, "link_expiry_hours": 24}
    after = {**before, "public_link_enabled": link_after, "link_expiry_hours": 0}
    assert ("secrets-shared" in _highs(tmp_path, "acme_secret_share.s", after, before)) is fires


def _filter_rule(**changes: Any) -> dict[str, Any]:
    rule = {"name": "temp", "order": 1, "state": "ENABLED", "action": "ALLOW", "enable_full_logging": False,
            "src_ips": [], "dest_addresses": [], "dest_countries": [], "nw_services": [], "groups": [], "users": []}
    return {**rule, **changes}


@pytest.mark.parametrize(("rule", "fires"), [
    (_filter_rule(), True),
    (_filter_rule(src_ips=["10.20.0.0/16"]), False),
    (_filter_rule(action="BLOCK_DROP"), False),
    (_filter_rule(state="DISABLED"), False),
    (_filter_rule(nw_services=[], dest_port=22), False),
])
def test_an_allow_rule_with_no_condition_passes_everything(tmp_path: Path, rule: dict[str, Any], fires: bool) -> None:
    assert ("firewall-passes-all" in _highs(tmp_path, "acme_firewall_filtering_rule.r", rule)) is fires


@pytest.mark.parametrize(("tags", "fires"), [(["administrator"], True), (["monitoring"], False)])
def test_a_principal_tagged_with_a_top_role_is_a_privilege_grant(tmp_path: Path, tags: list[str], fires: bool) -> None:
    before = {"name": "orders-svc", "tags": []}
    after = {**before, "tags": tags}
    assert ("iam-privileged-role" in _highs(tmp_path, "acme_broker_user.orders", after, before)) is fires


def test_resource_labels_as_a_map_are_not_roles(tmp_path: Path) -> None:
    before = {"name": "orders", "tags": {"team": "payments"}}
    after = {**before, "tags": {"team": "payments", "owner": "admin"}}
    assert "iam-privileged-role" not in _highs(tmp_path, "acme_broker_user.orders", after, before)


@pytest.mark.parametrize(("role", "fires"), [("Admin", True), ("Editor", False)])
def test_a_service_account_raised_to_admin(tmp_path: Path, role: str, fires: bool) -> None:
    before = {"name": "ci", "role": "Viewer"}
    after = {**before, "role": role}
    assert ("iam-privileged-role" in _highs(tmp_path, "acme_service_account.ci", after, before)) is fires


@pytest.mark.parametrize(("share", "fires"), [("public", True), ("email", False)])
def test_an_object_shared_publicly_on_create(tmp_path: Path, share: str, fires: bool) -> None:
    after = {"dashboard_uid": "revenue", "is_enabled": True, "share": share}
    assert ("public-access" in _highs(tmp_path, "acme_dashboard_public_link.d", after)) is fires


@pytest.mark.parametrize(("allowed", "fires"), [(True, True), (False, False)])
def test_an_integration_created_with_configuration_access(tmp_path: Path, allowed: bool, fires: bool) -> None:
    after = {"name": "automation", "type": "API", "enabled": True, "allow_configuration_access": allowed}
    assert ("iam-privileged-role" in _highs(tmp_path, "acme_api_integration.a", after)) is fires


@pytest.mark.parametrize(("old", "new", "fires"), [("NEVER", "ALWAYS", True), ("ALWAYS", "NEVER", False),
                                                   ("NEVER", "ON_NET", False)])
def test_traffic_made_to_always_bypass_the_access_broker(tmp_path: Path, old: str, new: str, fires: bool) -> None:
    before = {"name": "corp-apps", "enabled": True, "bypass_type": old, "domain_names": ["wiki.corp.example"]}
    after = {**before, "bypass_type": new}
    assert ("auth-weakened" in _highs(tmp_path, "acme_application_segment.corp", after, before)) is fires


@pytest.mark.parametrize(("key", "value", "fires"), [("allowed_projects", ["*"], True),
                                                      ("allowed_projects", ["acme/infra", "acme/app"], False),
                                                      ("allowed_origins", ["*"], False)])
def test_a_runner_opened_to_any_project(tmp_path: Path, key: str, value: list[str], fires: bool) -> None:
    before = {"name": "deploy", "privileged": True, key: ["acme/infra"]}
    after = {**before, key: value}
    assert ("ci-trust-widened" in _highs(tmp_path, "acme_ci_runner.deploy", after, before)) is fires


@pytest.mark.parametrize(("old", "new", "fires"), [(False, True, True), (True, False, False)])
def test_a_runner_made_to_run_fork_pipelines(tmp_path: Path, old: bool, new: bool, fires: bool) -> None:
    before = {"name": "deploy", "fork_pipelines": old}
    after = {**before, "fork_pipelines": new}
    assert ("ci-trust-widened" in _highs(tmp_path, "acme_ci_runner.deploy", after, before)) is fires


def _flag(key: str, enabled: bool, rollout: int, environment: str = "production") -> dict[str, Any]:
    return {"key": key, "environment": environment, "enabled": enabled, "rollout_percentage": rollout}


@pytest.mark.parametrize(("key", "before", "after", "expected"), [
    ("skip_mfa_check", _flag("skip_mfa_check", False, 0), _flag("skip_mfa_check", True, 100), Severity.HIGH),
    ("skip_mfa_check", _flag("skip_mfa_check", True, 0), _flag("skip_mfa_check", True, 5), Severity.HIGH),
    ("skip_mfa_check", _flag("skip_mfa_check", True, 100), _flag("skip_mfa_check", False, 100), None),
    ("skip_onboarding_tour", _flag("skip_onboarding_tour", False, 0), _flag("skip_onboarding_tour", True, 100), None),
    ("bypass_auth", _flag("bypass_auth", False, 0, "dev"), _flag("bypass_auth", True, 100, "dev"), Severity.MEDIUM),
])
def test_a_flag_that_skips_a_security_check_goes_live(tmp_path: Path, key: str, before: dict[str, Any],
                                                     after: dict[str, Any], expected: Severity | None) -> None:
    found = judge(tmp_path, [resource(f"acme_feature_flag.{key}", after, before)])
    assert found.get("auth-weakened") is expected


def test_a_share_named_public_is_not_a_public_share_mode(tmp_path: Path) -> None:
    after = {"name": "docs", "share": "public-assets-nfs", "quota": 50}
    assert "public-access" not in _highs(tmp_path, "acme_file_volume.docs", after)


def test_an_allow_rule_whose_conditions_sit_in_a_rule_block_is_narrow(tmp_path: Path) -> None:
    rule = _filter_rule(rule=[{"src_ips": ["10.0.0.0/8"]}])
    assert "firewall-passes-all" not in _highs(tmp_path, "acme_firewall_filtering_rule.r", rule)


def _replaced(address: str, before: dict[str, Any], after: dict[str, Any], forced_by: str) -> dict[str, Any]:
    entry = resource(address, after, before, actions=["delete", "create"])
    entry["change"]["replace_paths"] = [[forced_by]]
    entry["action_reason"] = "replace_because_cannot_update"
    return entry


@pytest.mark.parametrize(("address", "key", "old", "new", "expected"), [
    ("acme_project_ip_access_list.office", "cidr_block", "10.40.0.0/16", "10.40.12.0/24", Severity.MEDIUM),
    ("acme_project_ip_access_list.office", "cidr_block", "10.40.12.0/24", "10.40.0.0/16", Severity.HIGH),
    ("acme_project_ip_access_list.office", "cidr_block", "10.40.0.0/16", "192.168.0.0/24", Severity.HIGH),
    ("acmedb_user.app", "host", "%", "10.12.4.%", Severity.MEDIUM),
    ("acmedb_user.app", "host", "10.12.4.%", "%", Severity.HIGH),
])
def test_an_allow_entry_replaced_to_admit_a_narrower_range(tmp_path: Path, address: str, key: str, old: str, new: str,
                                                            expected: Severity) -> None:
    before = {"id": "x1", "project_id": "p1", key: old, "comment": "office"}
    found = judge(tmp_path, [_replaced(address, before, {**before, key: new}, key)])
    assert found.get("resource-replace") is expected


@pytest.mark.parametrize(("cidr", "expected"), [("0.0.0.0/0", Severity.MEDIUM), ("203.0.113.0/24", Severity.HIGH)])
def test_the_world_entry_of_an_access_list_deleted_alone(tmp_path: Path, cidr: str, expected: Severity) -> None:
    before = {"id": "tmp0", "project_id": "p1", "cidr_block": cidr, "comment": "migration window"}
    found = judge(tmp_path, [resource("acme_project_ip_access_list.tmp", None, before, actions=["delete"])])
    assert found.get("resource-delete") is expected


@pytest.mark.parametrize(("address", "after", "fires"), [
    ("acme_service_account.ci", {"name": "ci", "role": "Admin"}, True),
    ("acme_service_account.ci", {"name": "ci", "role": "Viewer"}, False),
    ("acme_broker_user.x", {"name": "x", "tags": ["administrator"]}, True),
    ("acme_broker_user.x", {"name": "x", "tags": ["monitoring"]}, False),
])
def test_a_principal_created_with_a_top_role(tmp_path: Path, address: str, after: dict[str, Any], fires: bool) -> None:
    assert ("iam-privileged-role" in _highs(tmp_path, address, after)) is fires


@pytest.mark.parametrize(("services", "fires"), [(["any"], True), (["application-default"], False)])
def test_an_allow_rule_whose_lists_hold_only_any(tmp_path: Path, services: list[str], fires: bool) -> None:
    rule = {"name": "temp", "action": "allow", "source_zones": ["any"], "source_addresses": ["any"],
            "destination_addresses": ["any"], "applications": ["any"], "services": services}
    assert ("firewall-passes-all" in _highs(tmp_path, "acme_security_rule.r", rule)) is fires


@pytest.mark.parametrize(("effect", "fires"), [("Deny", False), ("Allow", True)])
def test_a_deny_entry_matching_every_action_grants_nothing(tmp_path: Path, effect: str, fires: bool) -> None:
    after = {"principal": "User:*", "actions": ["*"], "effect": effect}
    assert ("iam-wildcard" in _highs(tmp_path, "acme_topic_permission.x", after)) is fires


@pytest.mark.parametrize(("key", "value", "fires"), [("share_publicly", True, True), ("anyone_with_link", True, True),
                                                      ("share_publicly", False, False),
                                                      ("public_link_disabled", True, False)])
def test_an_object_created_shared_with_anyone_who_has_the_link(tmp_path: Path, key: str, value: bool,
                                                               fires: bool) -> None:
    assert ("public-access" in _highs(tmp_path, "acme_report.r", {"name": "r", key: value})) is fires


@pytest.mark.parametrize(("key", "old", "new", "fires"), [("require_login", True, False, True),
                                                           ("password_protected", True, False, True),
                                                           ("password_protected", False, True, False)])
def test_a_page_that_no_longer_asks_for_a_sign_in(tmp_path: Path, key: str, old: bool, new: bool, fires: bool) -> None:
    before = {"name": "docs", key: old}
    assert ("auth-weakened" in _highs(tmp_path, "acme_site.docs", {**before, key: new}, before)) is fires


@pytest.mark.parametrize(("key", "old", "new", "rule", "fires"), [
    ("allow_all_ips", False, True, "public-access", True),
    ("allow_all_ips", True, False, "public-access", False),
    ("enforce_ip_allowlist", True, False, "public-access", True),
    ("allow_signup", False, True, "auth-weakened", True),
    ("self_signup_enabled", True, False, "auth-weakened", False),
    ("invite_only", True, False, "auth-weakened", True),
    ("auto_approve_members", False, True, "auth-weakened", True),
    ("verify_signature", True, False, "auth-weakened", True),
    ("verify_signature", False, True, "auth-weakened", False),
])
def test_switches_that_open_a_workspace_to_anyone(tmp_path: Path, key: str, old: Any, new: Any, rule: str,
                                                  fires: bool) -> None:
    before = {"name": "w", key: old}
    assert (rule in _highs(tmp_path, "acme_workspace.w", {**before, key: new}, before)) is fires


@pytest.mark.parametrize(("key", "new", "fires"), [("allowed_email_domains", [], True),
                                                   ("allowed_email_domains", ["*"], True),
                                                   ("allowed_email_domains", ["acme.com", "acme.io"], False),
                                                   ("allowed_redirect_domains", [], False)])
def test_the_email_domains_allowed_to_sign_in_emptied(tmp_path: Path, key: str, new: list[str], fires: bool) -> None:
    before = {"name": "w", key: ["acme.com"]}
    assert ("allowlist-emptied" in _highs(tmp_path, "acme_workspace.w", {**before, key: new}, before)) is fires


@pytest.mark.parametrize(("key", "old", "new", "rule", "fires"), [
    ("min_password_length", 14, 6, "auth-weakened", True),
    ("min_password_length", 14, 10, "auth-weakened", False),
    ("lockout_threshold", 5, 0, "auth-weakened", True),
    ("lockout_threshold", 5, 10, "auth-weakened", False),
    ("csrf_protection", True, False, "auth-weakened", True),
    ("rate_limit_enabled", False, True, "auth-weakened", False),
    ("enable_sso", True, False, "auth-weakened", True),
    ("allow_impersonation", False, True, "iam-privileged-role", True),
    ("allow_impersonation", True, False, "iam-privileged-role", False),
    ("data_masking_enabled", True, False, "data-policy-opened", True),
    ("mask_secrets", False, True, "data-policy-opened", False),
])
def test_sign_in_and_data_guards_of_any_provider(tmp_path: Path, key: str, old: Any, new: Any, rule: str,
                                                 fires: bool) -> None:
    before = {"name": "w", key: old}
    assert (rule in _highs(tmp_path, "acme_workspace.w", {**before, key: new}, before)) is fires


def test_an_uplink_public_address_is_not_a_share_link(tmp_path: Path) -> None:
    before = {"name": "edge", "uplink_public_ip_enabled": False}
    after = {**before, "uplink_public_ip_enabled": True}
    found = review_rules_alone(tmp_path, [resource("acme_router.edge", after, before)]).findings
    assert not [f for f in found if "shared with anyone" in f.message]


@pytest.mark.parametrize(("key", "fires"), [("ip_allowlist_ids", True), ("ip_acl_ids", True),
                                            ("deny_list_ids", False), ("event_filter_ids", False)])
def test_allow_lists_attached_by_id_all_detached(tmp_path: Path, key: str, fires: bool) -> None:
    before = {"name": "cache", key: ["al-1"]}
    after = {**before, key: []}
    assert ("allowlist-emptied" in _highs(tmp_path, "acme_cache_cluster.c", after, before)) is fires


@pytest.mark.parametrize(("address", "fires"), [("newrelic_alert_muting_rule.m", False),
                                                ("newrelic_alert_policy.m", True)])
def test_a_muting_rule_turned_off_lets_alerts_through_again(tmp_path: Path, address: str, fires: bool) -> None:
    before = {"name": "m", "enabled": True}
    assert ("detection-disabled" in _highs(tmp_path, address, {**before, "enabled": False}, before)) is fires


@pytest.mark.parametrize(("address", "key", "old", "new", "rule", "fires"), [
    ("acme_api_token.t", "expires_at", "2026-12-31T00:00:00Z", None, "auth-weakened", True),
    ("acme_api_token.t", "expires_at", "2026-12-31T00:00:00Z", "2027-03-31T00:00:00Z", "auth-weakened", False),
    ("acme_certificate_request.c", "expires_at", "2026-12-31T00:00:00Z", None, "auth-weakened", False),
    ("acme_bucket.b", "object_lock_enabled", True, False, "protection-disabled", True),
    ("acme_bucket.b", "object_lock_enabled", False, True, "protection-disabled", False),
])
def test_expiry_and_write_once_guards(tmp_path: Path, address: str, key: str, old: Any, new: Any, rule: str,
                                      fires: bool) -> None:
    before = {"name": "x", key: old}
    assert (rule in _highs(tmp_path, address, {**before, key: new}, before)) is fires
