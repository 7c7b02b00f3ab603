"""Session 23, what unseen sets 45-47 showed: each principle holds its risky case and lets its benign look-alike
pass, in plans written differently from the held-out fixtures that showed the gap."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.environments import non_production

GONE = "delete_because_no_resource_config"


def _deleted(address: str, before: dict[str, Any]) -> dict[str, Any]:
    entry = resource(address, None, before, actions=["delete"])
    entry["action_reason"] = GONE
    return entry


def _kept(address: str, values: dict[str, Any]) -> dict[str, Any]:
    return resource(address, values, values, actions=["no-op"])


# --- key material let out, dual control given up, values returned whole ------------------------------------------

def test_a_key_made_exportable_or_single_handed_is_high(tmp_path: Path) -> None:
    for attribute, old, new in (("exportable", False, True), ("allow_plaintext_backup", False, True),
                                ("dual_control", True, False)):
        key = resource("vault_transit_secret_backend_key.payments", {"name": "payments", attribute: new},
                       {"name": "payments", attribute: old})
        assert judge(tmp_path, [key]).get("key-disabled") is Severity.HIGH, attribute


def test_a_key_locked_inside_its_store_says_nothing(tmp_path: Path) -> None:
    key = resource("vault_transit_secret_backend_key.payments", {"name": "payments", "exportable": False,
                                                                 "dual_control": True},
                   {"name": "payments", "exportable": True, "dual_control": False})
    assert "key-disabled" not in judge(tmp_path, [key])


def test_a_lookup_that_returns_the_whole_value_instead_of_a_masked_one_is_high(tmp_path: Path) -> None:
    policy = resource("vaultpay_reveal_policy.support", {"roles": ["support"], "return_format": "full_pan"},
                      {"roles": ["support"], "return_format": "last4"})
    assert judge(tmp_path, [policy]).get("data-policy-opened") is Severity.HIGH


def test_a_lookup_masked_again_or_a_report_format_changed_says_nothing(tmp_path: Path) -> None:
    masked = resource("vaultpay_reveal_policy.support", {"return_format": "masked"}, {"return_format": "full"})
    report = resource("acme_report.daily", {"output_format": "raw"}, {"output_format": "json"})
    found = judge(tmp_path, [masked, report])
    assert "data-policy-opened" not in found


# --- UDP where games and voice are reached -------------------------------------------------------------------------

def _udp_rule(low: int, high: int, protocol: str = "udp") -> dict[str, Any]:
    return resource("aws_security_group_rule.game", {
        "type": "ingress", "protocol": protocol, "from_port": low, "to_port": high, "cidr_blocks": ["0.0.0.0/0"],
        "security_group_id": "sg-0a41c93e7d2b5f810"})


def test_a_game_servers_udp_range_open_to_everyone_is_medium(tmp_path: Path) -> None:
    assert judge(tmp_path, [_udp_rule(7777, 7877)]).get("network-open-ingress") is Severity.MEDIUM
    firewall = resource("hcloud_firewall.game", {"name": "game", "rule": [
        {"direction": "in", "protocol": "udp", "port": "7777-7787", "source_ips": ["0.0.0.0/0", "::/0"]}]})
    assert judge(tmp_path, [firewall]).get("network-open-ingress") is Severity.MEDIUM


def test_udp_amplifiers_every_udp_port_or_the_same_range_over_tcp_stay_high(tmp_path: Path) -> None:
    for rule in (_udp_rule(11211, 11211), _udp_rule(0, 65535), _udp_rule(1900, 1900), _udp_rule(4789, 4789),
                 _udp_rule(7777, 7877, "tcp"), _udp_rule(53, 53)):
        assert judge(tmp_path, [rule]).get("network-open-ingress") is Severity.HIGH, rule["change"]["after"]


# --- an older generation retired beside its successor ----------------------------------------------------------------

def _server(address: str, name: str, image: str, kept: bool) -> dict[str, Any]:
    values = {"id": name[-5:], "name": name, "server_type": "ccx33", "image": image}
    return _kept(address, values) if kept else _deleted(address, values)


def test_servers_of_last_season_deleted_beside_this_seasons_are_medium(tmp_path: Path) -> None:
    for old_name, new_name in (("community_s11", "community_s12"), ("relay_v2", "relay_v3"),
                               ("archive_2025", "archive_2026")):
        old = _server(f"hcloud_server.{old_name}", f"cgs-{old_name}", "gs-old", kept=False)
        new = _server(f"hcloud_server.{new_name}", f"cgs-{new_name}", "gs-new", kept=True)
        assert judge(tmp_path, [old, new]).get("resource-delete") is Severity.MEDIUM, old_name


def test_a_fleet_member_or_a_newer_generation_deleted_stays_high(tmp_path: Path) -> None:
    member = _server("hcloud_server.node_00", "node-00", "gs-old", kept=False)
    other = _server("hcloud_server.node_01", "node-01", "gs-new", kept=True)
    assert judge(tmp_path, [member, other]).get("resource-delete") is Severity.HIGH
    newest = _server("hcloud_server.community_s12", "cgs-s12", "gs-new", kept=False)
    older = _server("hcloud_server.community_s11", "cgs-s11", "gs-old", kept=True)
    assert judge(tmp_path, [newest, older]).get("resource-delete") is Severity.HIGH


def _ladder_db(skip_final: bool) -> list[dict[str, Any]]:
    old = _deleted("aws_db_instance.ladder_s11", {
        "identifier": "ladder-s11", "engine": "postgres", "deletion_protection": False,
        "skip_final_snapshot": skip_final, "final_snapshot_identifier": None if skip_final else "ladder-s11-final",
        "tags": {"Environment": "prod"}})
    new = resource("aws_db_instance.ladder_s12", {"identifier": "ladder-s12", "engine": "postgres",
                                                  "deletion_protection": True, "skip_final_snapshot": False,
                                                  "tags": {"Environment": "prod"}})
    return [old, new]


def test_last_seasons_database_retired_with_a_final_snapshot_beside_its_successor_is_medium(tmp_path: Path) -> None:
    assert judge(tmp_path, _ladder_db(skip_final=False)).get("resource-delete") is Severity.MEDIUM


def test_last_seasons_database_retired_without_a_final_snapshot_stays_high(tmp_path: Path) -> None:
    assert judge(tmp_path, _ladder_db(skip_final=True)).get("resource-delete") is Severity.HIGH


# --- an environment's tags say which environment -------------------------------------------------------------------

def _change(before: dict[str, Any]) -> Change:
    return Change(address="aws_vpc.proto", type="aws_vpc", action=Action.DELETE, actions=["delete"], before=before)


def test_an_environment_tag_decides_over_a_team_called_live_ops() -> None:
    assert non_production(_change({"tags": {"Environment": "dev", "Team": "live-ops"}}))
    assert non_production(_change({"tags": ["sandbox", "loadtest"]}))  # DigitalOcean's and Google's tag lists


def test_a_production_name_or_tag_still_says_production() -> None:
    assert not non_production(_change({"tags": {"Environment": "dev", "Name": "acme-prod-vpc"}}))
    assert not non_production(_change({"tags": {"Team": "live-ops"}}))
    assert not non_production(_change({"tags": ["sandbox", "prod"]}))


def test_a_sandbox_tagged_by_a_tag_list_torn_down_whole_is_medium(tmp_path: Path) -> None:
    droplets = [_deleted(f"digitalocean_droplet.loadgen_{i}", {"id": f"4188{i}", "name": f"loadgen-{i}",
                                                               "size": "c-8", "tags": ["sandbox", "loadtest"]})
                for i in range(3)]
    firewall = _deleted("digitalocean_firewall.loadgen", {"id": "b3c4", "name": "loadgen-fw", "tags": ["sandbox"]})
    assert judge(tmp_path, [*droplets, firewall]).get("resource-delete") is Severity.MEDIUM
    production = [_deleted(f"digitalocean_droplet.api_{i}", {"id": f"4188{i}", "name": f"api-{i}", "size": "c-8",
                                                              "tags": ["prod"]}) for i in range(3)]
    assert judge(tmp_path, [*production, firewall]).get("resource-delete") is Severity.HIGH


# --- an escalation pointed at a schedule created with nobody on it ---------------------------------------------------

def _escalation(new_target: str) -> dict[str, Any]:
    def rules(target: str) -> list[dict[str, Any]]:
        return [{"escalation_delay_in_minutes": 10, "target": [{"type": "schedule_reference", "id": target}]}]
    return resource("pagerduty_escalation_policy.secops", {"name": "SecOps", "num_loops": 2, "rule": rules(new_target)},
                    {"name": "SecOps", "num_loops": 2, "rule": rules("PSEC01A")})


def test_an_escalation_moved_to_a_schedule_created_without_layers_is_high(tmp_path: Path) -> None:
    for layers in ([], [{"name": "layer-1", "users": []}]):
        holding = resource("pagerduty_schedule.holding", {"name": "holding", "time_zone": "UTC", "layer": layers},
                           unknown={"id": True})
        assert judge(tmp_path, [_escalation("PHLD3X9"), holding]).get("alerts-to-empty-team") is Severity.HIGH


def test_an_escalation_moved_to_a_schedule_the_plan_keeps_says_nothing(tmp_path: Path) -> None:
    holding = resource("pagerduty_schedule.holding", {"name": "holding", "time_zone": "UTC", "layer": []},
                       unknown={"id": True})
    primary = _kept("pagerduty_schedule.primary", {"id": "PPRIM01", "name": "primary",
                                                   "layer": [{"users": ["PU1", "PU2"]}]})
    assert "alerts-to-empty-team" not in judge(tmp_path, [_escalation("PPRIM01"), holding, primary])


# --- audit logs excluded by service, or sent where they expire -------------------------------------------------------

def _exclusion(log_filter: str) -> dict[str, Any]:
    return resource("google_logging_project_exclusion.noise", {"name": "noise", "filter": log_filter,
                                                              "disabled": False, "project": "clin-prod"})


def test_an_exclusion_of_a_whole_services_audit_entries_is_high(tmp_path: Path) -> None:
    found = judge(tmp_path, [_exclusion('protoPayload.serviceName="healthcare.googleapis.com"')])
    assert found.get("logging-disabled") is Severity.HIGH


def test_an_exclusion_of_one_read_method_on_one_bucket_says_nothing(tmp_path: Path) -> None:
    narrow = 'protoPayload.serviceName="storage.googleapis.com" AND protoPayload.methodName="storage.objects.get"'
    assert "logging-disabled" not in judge(tmp_path, [_exclusion(narrow)])


def _audit_sink(retention_days: int) -> list[dict[str, Any]]:
    path = "logging.googleapis.com/projects/sec-logs/locations/global/buckets/"
    sink = resource("google_logging_organization_sink.audit", {"name": "audit", "destination": path + "audit"},
                    {"name": "audit", "destination": path + "audit-7y"})
    store = resource("google_logging_project_bucket_config.audit", {
        "bucket_id": "audit", "project": "sec-logs", "location": "global", "retention_days": retention_days})
    return [sink, store]


def test_an_audit_sink_moved_to_a_store_keeping_a_week_is_high(tmp_path: Path) -> None:
    assert judge(tmp_path, _audit_sink(7)).get("logging-disabled") is Severity.HIGH


def test_an_audit_sink_moved_to_a_store_keeping_years_says_nothing(tmp_path: Path) -> None:
    assert "logging-disabled" not in judge(tmp_path, _audit_sink(2555))


# --- chart values written as JSON, a runtime sensor's alerts turned off -------------------------------------------

def _falco(values: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    release = {"name": "falco", "chart": "falco", "namespace": "falco"}
    return resource("helm_release.falco", {**release, "values": [json.dumps(values)]},
                    {**release, "values": [json.dumps(old)]})


def test_a_runtime_sensor_switched_off_in_json_values_is_high(tmp_path: Path) -> None:
    found = judge(tmp_path, [_falco({"falcosidekick": {"enabled": False}}, {"falcosidekick": {"enabled": True}})])
    assert found.get("detection-disabled") is Severity.HIGH


def test_a_runtime_sensor_tuned_in_json_values_says_nothing(tmp_path: Path) -> None:
    found = judge(tmp_path, [_falco({"falcosidekick": {"enabled": True, "replicaCount": 3}},
                                    {"falcosidekick": {"enabled": True, "replicaCount": 2}})])
    assert "detection-disabled" not in found


def test_a_detectors_rule_files_emptied_is_high_and_one_added_says_nothing(tmp_path: Path) -> None:
    files = ["/etc/falco/falco_rules.yaml", "/etc/falco/rules.d"]
    emptied = resource("sensorgrid_agent.edge", {"name": "edge", "rules_files": []},
                       {"name": "edge", "rules_files": files})
    assert judge(tmp_path, [emptied]).get("detection-disabled") is Severity.HIGH
    added = resource("sensorgrid_agent.edge", {"name": "edge", "rules_files": [*files, "/etc/x.yaml"]},
                     {"name": "edge", "rules_files": files})
    assert "detection-disabled" not in judge(tmp_path, [added])


# --- AWS Backup copies stay in the organization -------------------------------------------------------------------

def _backup_copy(own_key: bool) -> list[dict[str, Any]]:
    def plan_rule(copy: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"rule_name": "daily", "target_vault_name": "prod", "copy_action": copy}]
    copy = [{"destination_vault_arn": "arn:aws:backup:us-west-2:204517836290:backup-vault:dr"}]
    changes = [resource("aws_backup_plan.prod", {"name": "prod", "rule": plan_rule(copy)},
                        {"name": "prod", "rule": plan_rule([])})]
    if own_key:
        changes.append(resource("aws_kms_key.app", {"description": "app",
                                                    "arn": "arn:aws:kms:us-east-1:412598736104:key/3f9a"}))
    return changes


def test_a_backup_copy_to_an_account_when_the_plan_shows_none_is_medium(tmp_path: Path) -> None:
    assert judge(tmp_path, _backup_copy(own_key=False)).get("egress-outside") is Severity.MEDIUM


def test_a_backup_copy_to_an_account_beside_the_plans_own_stays_high(tmp_path: Path) -> None:
    assert judge(tmp_path, _backup_copy(own_key=True)).get("egress-outside") is Severity.HIGH


# --- any provider's bounds on what it runs cut to zero -------------------------------------------------------------

def test_a_fleets_server_bounds_cut_to_zero_is_high(tmp_path: Path) -> None:
    fleet = resource("shardline_fleet.ranked_eu", {"name": "ranked-eu", "min_servers": 0, "max_servers": 0},
                     {"name": "ranked-eu", "min_servers": 120, "max_servers": 900})
    assert judge(tmp_path, [fleet]).get("scaled-to-zero") is Severity.HIGH


def test_a_fleet_raised_or_retries_set_to_zero_says_nothing(tmp_path: Path) -> None:
    fleet = resource("shardline_fleet.ranked_eu", {"name": "ranked-eu", "max_servers": 1200, "max_retries": 0},
                     {"name": "ranked-eu", "max_servers": 900, "max_retries": 3})
    assert "scaled-to-zero" not in judge(tmp_path, [fleet])


# --- a new bucket made public for what its name says it serves -----------------------------------------------------

def _public_bucket(name: str, labels: dict[str, str]) -> list[dict[str, Any]]:
    bucket = resource("google_storage_bucket.drop", {"name": name, "location": "US", "labels": labels})
    grant = resource("google_storage_bucket_iam_member.drop", {"bucket": name, "member": "allUsers",
                                                               "role": "roles/storage.objectViewer"})
    return [bucket, grant]


def test_a_new_patch_bucket_opened_for_reads_is_medium(tmp_path: Path) -> None:
    found = judge(tmp_path, _public_bucket("studio-client-patches-s12", {"season": "s12"}))
    assert found.get("iam-public-member") is Severity.MEDIUM


def test_a_new_bucket_whose_labels_say_customer_data_stays_high(tmp_path: Path) -> None:
    found = judge(tmp_path, _public_bucket("studio-client-patches-s12", {"content": "customer-exports"}))
    assert found.get("iam-public-member") is Severity.HIGH
    assert judge(tmp_path, _public_bucket("studio-payouts", {})).get("iam-public-member") is Severity.HIGH


# --- an event orchestration that suppresses what it should page on ---------------------------------------------------

def _orchestration(expression: str) -> dict[str, Any]:
    page = {"label": "page on critical", "condition": [{"expression": "event.severity matches 'critical'"}],
            "actions": [{"severity": "critical", "priority": "P1"}]}
    quiet = {"label": "noise reduction", "condition": [{"expression": expression}], "actions": [{"suppress": True}]}
    return resource("pagerduty_event_orchestration_service.payments", {"set": [{"id": "start", "rule": [quiet, page]}]},
                    {"set": [{"id": "start", "rule": [page]}]})


def test_an_orchestration_rule_suppressing_every_critical_event_is_high(tmp_path: Path) -> None:
    found = judge(tmp_path, [_orchestration("event.severity matches 'critical'")])
    assert found.get("detection-disabled") is Severity.HIGH


def test_an_orchestration_rule_suppressing_info_or_one_sources_critical_events_says_nothing(tmp_path: Path) -> None:
    for expression in ("event.severity matches 'info'",
                       "event.severity matches 'critical' and event.summary matches part 'synthetic-check'"):
        assert "detection-disabled" not in judge(tmp_path, [_orchestration(expression)]), expression


# --- sets 50 and 51: sessions unrecorded, detections that only watch, data that expires within days ---------------

def test_privileged_sessions_no_longer_recorded_are_high_and_recording_on_says_nothing(tmp_path: Path) -> None:
    off = resource("keystead_session_recording_policy.prod_db", {"enabled": False, "capture_keystrokes": False},
                   {"enabled": True, "capture_keystrokes": True})
    assert judge(tmp_path, [off]).get("logging-disabled") is Severity.HIGH
    on = resource("keystead_session_recording_policy.prod_db", {"enabled": True, "capture_keystrokes": True},
                  {"enabled": True, "capture_keystrokes": False})
    assert "logging-disabled" not in judge(tmp_path, [on])


def test_a_detection_rule_moved_to_monitor_is_high_and_one_moved_to_alert_says_nothing(tmp_path: Path) -> None:
    watching = resource("driftnet_detection_rule.keys", {"name": "keys", "mode": "monitor"},
                        {"name": "keys", "mode": "alert"})
    assert judge(tmp_path, [watching]).get("detection-disabled") is Severity.HIGH
    alerting = resource("driftnet_detection_rule.keys", {"name": "keys", "mode": "alert"},
                        {"name": "keys", "mode": "monitor"})
    assert "detection-disabled" not in judge(tmp_path, [alerting])


def test_a_datasets_data_set_to_expire_within_days_is_high_and_after_a_week_says_nothing(tmp_path: Path) -> None:
    day = 86_400_000
    for expiry, expected in ((day, Severity.HIGH), (7 * day, None), (365 * day, None)):
        dataset = resource("google_bigquery_dataset.events", {"dataset_id": "events",
                                                              "default_partition_expiration_ms": expiry},
                           {"dataset_id": "events", "default_partition_expiration_ms": None})
        assert judge(tmp_path, [dataset]).get("lifecycle-expiration") is expected, expiry


ORG_ONLY = {"StringEquals": {"aws:PrincipalOrgID": "o-7hq2kx81vd"}}


def _policy(action: str, resources: list[str], condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Action": action, "Resource": resources, **({"Condition": condition}
                                                                                  if condition else {})}
    document = {"Version": "2012-10-17", "Statement": [statement]}
    return resource("aws_iam_policy.data", {"name": "data", "policy": json.dumps(document)})


def test_full_control_of_one_named_bucket_for_the_organisations_callers_is_medium(tmp_path: Path) -> None:
    bucket = _policy("s3:*", ["arn:aws:s3:::acme-scratch", "arn:aws:s3:::acme-scratch/*"], ORG_ONLY)
    assert judge(tmp_path, [bucket]).get("iam-wildcard") is Severity.MEDIUM


def test_full_control_with_no_condition_of_every_bucket_or_of_code_and_identity_stays_high(tmp_path: Path) -> None:
    one_bucket = ["arn:aws:s3:::acme-scratch", "arn:aws:s3:::acme-scratch/*"]
    for action, resources, condition in (
            ("s3:*", one_bucket, None), ("s3:*", ["*"], ORG_ONLY), ("s3:*", ["arn:aws:s3:::acme-*"], ORG_ONLY),
            ("lambda:*", ["arn:aws:lambda:us-east-1:111122223333:function:api"], ORG_ONLY),
            ("iam:*", ["arn:aws:iam::111122223333:role/app"], ORG_ONLY)):
        found = judge(tmp_path, [_policy(action, resources, condition)])
        assert found.get("iam-wildcard") is Severity.HIGH, (action, resources, condition)


def _findings_target(member: bool) -> list[dict[str, Any]]:
    target = resource("aws_cloudwatch_event_target.findings", {
        "rule": "guardduty", "target_id": "security",
        "arn": "arn:aws:events:us-east-1:905412337710:event-bus/security-findings",
        "role_arn": "arn:aws:iam::318826410273:role/events-forwarder"})
    accounts = [{"id": "318826410273", "name": "management"}] + ([{"id": "905412337710", "name": "security"}]
                                                                  if member else [])
    organization = resource("data.aws_organizations_organization.this", {"id": "o-7hq2kx81vd", "accounts": accounts,
                                                                         "master_account_id": "318826410273"},
                            actions=["read"])
    organization["mode"] = "data"
    return [target, organization]


def test_findings_sent_to_a_member_account_the_plan_reads_are_medium(tmp_path: Path) -> None:
    assert judge(tmp_path, _findings_target(member=True)).get("foreign-data-share") is Severity.MEDIUM


def test_findings_sent_to_an_account_outside_the_organisation_the_plan_reads_stay_high(tmp_path: Path) -> None:
    assert judge(tmp_path, _findings_target(member=False)).get("foreign-data-share") is Severity.HIGH


def _binding(expires_at: str | None) -> dict[str, Any]:
    values = {"principal": "user:a.kim@acme.example", "role": "platform-superuser", "scope": "org/acme/prod"}
    return resource("keystead_role_binding.incident", {**values, "expires_at": expires_at} if expires_at else values)


def test_an_admin_binding_that_expires_within_hours_is_medium(tmp_path: Path) -> None:
    found = judge(tmp_path, [_binding("2026-11-09T18:00:00Z")], timestamp="2026-11-09T14:00:00Z")
    assert found.get("iam-privileged-role") is Severity.MEDIUM


def test_an_admin_binding_with_no_end_or_a_far_one_stays_high(tmp_path: Path) -> None:
    for end in (None, "2099-01-01T00:00:00Z"):
        found = judge(tmp_path, [_binding(end)], timestamp="2026-11-09T14:00:00Z")
        assert found.get("iam-privileged-role") is Severity.HIGH, end


def test_a_forwarder_to_a_host_named_for_the_flow_is_not_vouched_by_its_own_name(tmp_path: Path) -> None:
    forwarder = resource("driftnet_log_forwarder.archive_sync", {
        "name": "archive-sync", "streams": ["auth", "cloudtrail"],
        "destination": [{"type": "syslog_tls", "endpoint": "logs.archive-relay.net:6514", "tls_verify": False}]})
    assert judge(tmp_path, [forwarder]).get("egress-outside") is Severity.HIGH


# --- sets 52-54: quarantines lifted, links switched off, sign-up opened, endless mutes, non-production deletes ------

def test_a_blackhole_route_deleted_is_high_and_an_ordinary_route_handed_over_is_not(tmp_path: Path) -> None:
    def route(blackhole: bool) -> dict[str, Any]:
        return _deleted("aws_ec2_transit_gateway_route.quarantine", {
            "destination_cidr_block": "10.99.0.0/16", "blackhole": blackhole, "transit_gateway_attachment_id": "",
            "transit_gateway_route_table_id": "tgw-rtb-0b7e", "id": "tgw-rtb-0b7e_10.99.0.0/16"})
    propagation = resource("aws_ec2_transit_gateway_route_table_propagation.acquired", {
        "transit_gateway_attachment_id": "tgw-attach-0f2c", "transit_gateway_route_table_id": "tgw-rtb-0b7e"})
    assert judge(tmp_path, [route(True), propagation]).get("resource-delete") is Severity.HIGH
    assert judge(tmp_path, [route(False), propagation]).get("resource-delete") is not Severity.HIGH


def test_a_bgp_session_switched_off_is_high_and_one_switched_on_says_nothing(tmp_path: Path) -> None:
    off = resource("google_compute_router_peer.to_aws", {"name": "to-aws", "enable": False},
                   {"name": "to-aws", "enable": True})
    assert judge(tmp_path, [off]).get("availability-reduced") is Severity.HIGH
    on = resource("google_compute_router_peer.to_aws", {"name": "to-aws", "enable": True},
                  {"name": "to-aws", "enable": False})
    assert "availability-reduced" not in judge(tmp_path, [on])


def test_sign_up_opened_is_high_and_closed_says_nothing(tmp_path: Path) -> None:
    def connection(new: bool, old: bool) -> dict[str, Any]:
        return resource("auth0_connection.partners", {"name": "partners", "options": [{"disable_signup": new}]},
                        {"name": "partners", "options": [{"disable_signup": old}]})
    assert judge(tmp_path, [connection(False, True)]).get("auth-weakened") is Severity.HIGH
    assert "auth-weakened" not in judge(tmp_path, [connection(True, False)])


def _muting_rule(schedule: list[dict[str, Any]], enabled: bool = True) -> dict[str, Any]:
    condition = [{"operator": "AND", "conditions": [{"attribute": "policyName", "operator": "EQUALS",
                                                     "values": ["Cross-cloud connectivity"]}]}]
    return resource("newrelic_alert_muting_rule.netops", {"name": "netops maintenance", "enabled": enabled,
                                                          "condition": condition, "schedule": schedule})


def test_a_muting_rule_switched_on_with_no_schedule_is_high(tmp_path: Path) -> None:
    assert judge(tmp_path, [_muting_rule([])]).get("monitoring-muted") is Severity.HIGH


def test_a_muting_rule_with_a_window_or_switched_off_says_nothing(tmp_path: Path) -> None:
    window = [{"start_time": "2026-11-10T01:00:00", "end_time": "2026-11-10T03:00:00", "time_zone": "UTC"}]
    for rule in (_muting_rule(window), _muting_rule([], enabled=False)):
        assert "monitoring-muted" not in judge(tmp_path, [rule])


def test_a_machine_tagged_staging_deleted_alone_is_medium(tmp_path: Path) -> None:
    for address, before in (
            ("digitalocean_droplet.legacy", {"id": "41", "name": "legacy-1", "tags": ["env:staging"]}),
            ("hcloud_server.spike", {"id": "7", "name": "spike", "labels": {"environment": "sandbox"}})):
        assert judge(tmp_path, [_deleted(address, before)]).get("resource-delete") is Severity.MEDIUM, address


def test_a_store_tagged_staging_deleted_alone_is_medium(tmp_path: Path) -> None:
    """Session 24 takes the lead session 23 left: its own environment tag says what its data is worth."""
    database = _deleted("google_sql_database_instance.app", {"name": "app-stg", "deletion_protection": False,
                                                             "labels": {"env": "staging"}})
    assert judge(tmp_path, [database]).get("resource-delete") is Severity.MEDIUM


def test_a_production_named_or_container_object_stays_high(tmp_path: Path) -> None:
    for address, before in (
            ("hcloud_server.app", {"name": "app-prod", "labels": {"env": "staging"}}),
            ("google_project.spike", {"project_id": "acme-payments", "name": "payments",
                                      "labels": {"env": "sandbox"}}),
            ("digitalocean_droplet.api", {"id": "41", "name": "api-1", "tags": ["env:production"]})):
        assert judge(tmp_path, [_deleted(address, before)]).get("resource-delete") is Severity.HIGH, before


def _colours(green_desired: int) -> list[dict[str, Any]]:
    blue = resource("aws_autoscaling_group.blue", {"name": "api-blue", "min_size": 0, "max_size": 0,
                                                   "desired_capacity": 0},
                    {"name": "api-blue", "min_size": 4, "max_size": 12, "desired_capacity": 6})
    green = {"name": "api-green", "min_size": green_desired, "max_size": 12, "desired_capacity": green_desired}
    return [blue, _kept("aws_autoscaling_group.green", green)]


def test_the_idle_colour_scaled_to_zero_beside_its_running_twin_is_medium(tmp_path: Path) -> None:
    assert judge(tmp_path, _colours(6)).get("scaled-to-zero") is Severity.MEDIUM


def test_both_colours_at_zero_or_no_twin_stays_high(tmp_path: Path) -> None:
    assert judge(tmp_path, _colours(0)).get("scaled-to-zero") is Severity.HIGH
    assert judge(tmp_path, _colours(6)[:1]).get("scaled-to-zero") is Severity.HIGH


def test_the_name_of_the_secret_holding_a_password_is_no_password(tmp_path: Path) -> None:
    def config_map(data: dict[str, str]) -> dict[str, Any]:
        return resource("kubernetes_config_map.ledger", {"metadata": [{"name": "ledger", "namespace": "ledger"}],
                                                         "data": data})
    named = config_map({"DB_HOST": "db.internal", "DB_PASSWORD_SECRET": "ledger-db", "DB_PASSWORD_KEY": "password"})
    assert "credential-in-plan" not in judge(tmp_path, [named])
    literal = config_map({"DB_HOST": "db.internal", "DB_PASSWORD": "Xk29!vQp7#Lr0mWz"})
    assert judge(tmp_path, [literal]).get("credential-in-plan") is Severity.HIGH


def _upstream(feed: str, priority: int, scope: list[str]) -> dict[str, Any]:
    return resource("corvane_feed_upstream.npmjs", {"feed_id": feed, "name": "npmjs", "priority": priority,
                                                    "scope_filter": scope, "url": "https://registry.npmjs.org"})


def test_an_internal_feeds_public_upstream_asked_first_with_no_scope_filter_is_high(tmp_path: Path) -> None:
    found = judge(tmp_path, [_upstream("cvf_npm_internal", 1, [])])
    assert found.get("supply-chain-opened") is Severity.HIGH


def test_a_public_upstream_asked_last_scoped_or_on_a_proxy_feed_says_nothing(tmp_path: Path) -> None:
    for upstream in (_upstream("cvf_npm_internal", 10, []), _upstream("cvf_npm_internal", 1, ["!@acme/*"]),
                     _upstream("cvf_npm_proxy", 1, [])):
        assert "supply-chain-opened" not in judge(tmp_path, [upstream])


def _saml(entity: str, certificate: str) -> str:
    return (f'<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
            f'entityID="{entity}"><md:IDPSSODescriptor><md:KeyDescriptor use="signing"><ds:X509Certificate>'
            f'{certificate}</ds:X509Certificate></md:KeyDescriptor></md:IDPSSODescriptor></md:EntityDescriptor>')


def test_a_saml_provider_moved_to_another_identity_providers_domain_is_high(tmp_path: Path) -> None:
    provider = resource("aws_iam_saml_provider.corp", {
        "name": "corp", "saml_metadata_document": _saml("https://sts.contractor-idp.example/adfs", "MIIC2")},
        {"name": "corp", "saml_metadata_document": _saml("http://www.okta.com/exk4v1d9qzP0aB2c3697", "MIIC1")})
    assert judge(tmp_path, [provider]).get("issuer-foreign") is Severity.HIGH


def test_a_saml_providers_certificate_rotated_says_nothing(tmp_path: Path) -> None:
    okta = "http://www.okta.com/exk4v1d9qzP0aB2c3697"
    provider = resource("aws_iam_saml_provider.corp", {"name": "corp", "saml_metadata_document": _saml(okta, "MIIC2")},
                        {"name": "corp", "saml_metadata_document": _saml(okta, "MIIC1")})
    assert "issuer-foreign" not in judge(tmp_path, [provider])
