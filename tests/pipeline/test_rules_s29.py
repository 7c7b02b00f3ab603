"""Session 29: what a contact centre, a HashiCorp estate and a company on second-tier clouds showed nothing here
modelled — permission lists gaining identity management, the anonymous token, binding rules without a selector,
a tenant's path lifted, job files scaled to zero, a prefix's expiry cut, bearer links over a whole store — and the
false alarms they raised (a public-access block read backwards, a key's own id masked as a secret, a PKI role's
TTL read as retention). Each principle holds its risky case and lets its benign look-alike pass."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity


def _high(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> set[str]:
    return {rule for rule, severity in judge(tmp_path, changes, **sections).items() if severity is Severity.HIGH}


# --- identity ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("added", "fires"), [
    ("SecurityProfiles.Edit", True),
    ("Users.Edit", True),
    ("manage_users", True),
    ("ContactSearch.View", False),                        # sees more contacts, manages nobody's access
    ("RoutingProfiles.View", False),
])
def test_a_role_gaining_identity_management_is_high(tmp_path: Path, added: str, fires: bool) -> None:
    before = {"name": "frontline", "permissions": ["BasicAgentAccess", "OutboundCallAccess"]}
    change = resource("aws_connect_security_profile.agent", {**before, "permissions": [*before["permissions"], added]},
                      before)
    assert ("workforce-access" in _high(tmp_path, [change])) is fires


def test_a_structured_permission_that_adds_grants_is_high(tmp_path: Path) -> None:
    before = {"name": "agent", "permission_policies": [{"domain": "routing", "entity_name": "queue",
                                                        "action_set": ["view"]}]}
    grant = {"domain": "authorization", "entity_name": "grant", "action_set": ["add"]}
    view = {"domain": "analytics", "entity_name": "conversationDetail", "action_set": ["view"]}
    risky = resource("genesyscloud_auth_role.agent", {**before, "permission_policies": [
        *before["permission_policies"], grant]}, before)
    benign = resource("genesyscloud_auth_role.agent", {**before, "permission_policies": [
        *before["permission_policies"], view]}, before)
    assert "workforce-access" in _high(tmp_path, [risky])
    assert "workforce-access" not in _high(tmp_path, [benign])


@pytest.mark.parametrize(("name", "fires"), [("Everyone", True), ("vault-admins-oncall", False)])
def test_an_alias_bringing_the_everyone_group_into_admins_is_high(tmp_path: Path, name: str, fires: bool) -> None:
    before = {"name": "vault-admins", "mount_accessor": "auth_oidc_1234", "canonical_id": "5f1c"}
    change = resource("vault_identity_group_alias.admins_okta", {**before, "name": name}, before)
    assert ("workforce-access" in _high(tmp_path, [change])) is fires


def _anonymous(tmp_path: Path, rules: str, token: str) -> set[str]:
    policy = resource("consul_acl_policy.shared", {"name": "shared", "rules": rules})
    attachment = resource("consul_acl_token_policy_attachment.anon", {"token_id": token, "policy": "shared"})
    return _high(tmp_path, [policy, attachment])


KV_READ = 'key_prefix "" {\n  policy = "read"\n}\n'
DNS_READ = 'service_prefix "" {\n  policy = "read"\n}\nnode_prefix "" {\n  policy = "read"\n}\n'
ANONYMOUS = "00000000-0000-0000-0000-000000000002"


def test_a_policy_on_the_anonymous_token_is_high(tmp_path: Path) -> None:
    assert "everyone-policy" in _anonymous(tmp_path, KV_READ, ANONYMOUS)


def test_dns_reads_on_the_anonymous_token_and_kv_on_a_named_token_stay_quiet(tmp_path: Path) -> None:
    assert "everyone-policy" not in _anonymous(tmp_path, DNS_READ, ANONYMOUS)   # what Consul's docs set up
    assert "everyone-policy" not in _anonymous(tmp_path, KV_READ, "6a1e7f33-0c1b-4a51-9d7e-3a5e4b2c1d00")


@pytest.mark.parametrize(("selector", "fires"), [("", True), ("serviceaccount.name==consul-operator", False)])
def test_a_binding_rule_without_its_selector_is_high(tmp_path: Path, selector: str, fires: bool) -> None:
    before = {"auth_method": "k8s", "bind_type": "role", "bind_name": "operator",
              "selector": "serviceaccount.namespace==consul-ops and serviceaccount.name==consul-operator"}
    change = resource("consul_acl_binding_rule.operator", {**before, "selector": selector}, before)
    assert ("auth-weakened" in _high(tmp_path, [change])) is fires


def _vault_policy(path: str) -> str:
    return f'path "{path}" {{\n  capabilities = ["read"]\n}}\n'


@pytest.mark.parametrize(("after", "fires"), [
    ("secret/data/clients/*", True),                        # every client's secrets
    ("secret/data/clients/harbourline/crm/*", False),       # narrower, its own
    ("secret/data/clients/harbourline/*", False),
])
def test_a_tenant_path_lifted_to_every_tenant_is_high(tmp_path: Path, after: str, fires: bool) -> None:
    before = {"name": "harbourline", "policy": _vault_policy("secret/data/clients/harbourline/*")}
    change = resource("vault_policy.harbourline", {**before, "policy": _vault_policy(after)}, before)
    assert ("tenant-crossed" in _high(tmp_path, [change])) is fires


# --- availability --------------------------------------------------------------------------------------------------

JOB = 'job "api" {\n  group "api" {\n    count = %d\n\n    task "api" {\n      driver = "docker"\n    }\n  }\n}\n'


@pytest.mark.parametrize(("after", "fires"), [(0, True), (2, False), (8, False)])
def test_a_job_file_group_scaled_to_zero_is_high(tmp_path: Path, after: int, fires: bool) -> None:
    change = resource("nomad_job.api", {"jobspec": JOB % after}, {"jobspec": JOB % 4})
    assert ("scaled-to-zero" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("after", "fires"), [("1", True), ("2", False), ("5", False)])
def test_a_stateful_set_cut_to_one_replica_is_high(tmp_path: Path, after: str, fires: bool) -> None:
    before = {"metadata": [{"name": "vault"}], "spec": [{"replicas": "3", "service_name": "vault"}]}
    change = resource("kubernetes_stateful_set.vault", {**before, "spec": [{"replicas": after,
                                                                           "service_name": "vault"}]}, before)
    assert ("redundancy-cut" in _high(tmp_path, [change])) is fires


# --- destruction and retention -------------------------------------------------------------------------------------

def _lifecycle(prefix: str, days: int) -> dict[str, Any]:
    return {"bucket": "recordings", "rule": [{"id": "keep", "status": "Enabled", "filter": [{"prefix": prefix}],
                                              "expiration": [{"days": days}]}]}


@pytest.mark.parametrize(("prefix", "days", "severity"), [
    ("connect/recordings/", 30, Severity.HIGH),             # seven years of recordings go on the next run
    ("connect/recordings/", 1825, None),                    # shortened, not slashed
    ("tmp/", 30, Severity.LOW),                             # scratch data
])
def test_a_prefix_expiry_slashed_deletes_what_was_kept(tmp_path: Path, prefix: str, days: int,
                                                       severity: Severity | None) -> None:
    change = resource("aws_s3_bucket_lifecycle_configuration.recordings", _lifecycle(prefix, days),
                      _lifecycle(prefix, 2555))
    assert judge(tmp_path, [change]).get("lifecycle-expiration") is severity


@pytest.mark.parametrize(("after", "fires"), [(90, True), (270, False)])
def test_an_audit_trail_cut_to_a_quarter_under_a_year_is_high(tmp_path: Path, after: int, fires: bool) -> None:
    change = resource("oci_audit_configuration.tenancy", {"compartment_id": "ocid1.tenancy",
                                                          "retention_period_days": after},
                      {"compartment_id": "ocid1.tenancy", "retention_period_days": 365})
    assert ("backup-reduced" in _high(tmp_path, [change])) is fires


def test_a_pki_role_whose_certificates_live_shorter_is_no_retention_cut(tmp_path: Path) -> None:
    before = {"name": "web", "backend": "pki_int", "max_ttl": "720h", "ttl": "72h"}
    change = resource("vault_pki_secret_backend_role.web", {**before, "max_ttl": "72h", "ttl": "24h"}, before)
    assert "backup-reduced" not in judge(tmp_path, [change])


@pytest.mark.parametrize(("scope", "severity"), [("prod_org", Severity.HIGH)])
def test_a_scope_deleted_beside_a_look_alike_sibling_is_not_covered_by_it(tmp_path: Path, scope: str,
                                                                         severity: Severity) -> None:
    values = {"scope_id": "global", "auto_create_admin_role": False, "description": "org"}
    deleted = resource(f"boundary_scope.{scope}", None, {**values, "id": "o_1", "name": "prod"}, actions=["delete"])
    kept = resource("boundary_scope.staging_org", {**values, "id": "o_2", "name": "staging"},
                    {**values, "id": "o_2", "name": "staging"}, actions=["no-op"])
    assert judge(tmp_path, [deleted, kept]).get("resource-delete") is severity


# --- exposure and transport ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("before", "after", "fires"), [(False, True, False), (True, False, True)])
def test_block_public_access_reads_the_right_way(tmp_path: Path, before: bool, after: bool, fires: bool) -> None:
    change = resource("alicloud_oss_bucket_public_access_block.dumps",
                      {"bucket": "dumps", "block_public_access": after},
                      {"bucket": "dumps", "block_public_access": before})
    assert bool({"public-access", "public-bucket"} & _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("access", "fires"), [("AnyObjectRead", True), ("ObjectRead", False)])
def test_a_years_long_link_to_every_object_is_high(tmp_path: Path, access: str, fires: bool) -> None:
    change = resource("oci_objectstorage_preauthrequest.partner", {
        "access_type": access, "bucket": "exports", "name": "feed", "time_expires": "2036-11-01T00:00:00Z",
        **({"object_name": "daily.csv"} if access == "ObjectRead" else {})})
    assert ("foreign-data-share" in _high(tmp_path, [change], timestamp="2026-11-01T00:00:00Z")) is fires


@pytest.mark.parametrize(("after", "fires"), [("legacy", True), ("recommended", False)])
def test_a_cipher_set_named_legacy_is_a_downgrade(tmp_path: Path, after: str, fires: bool) -> None:
    change = resource("linode_nodebalancer_config.https", {"port": 443, "protocol": "https", "cipher_suite": after},
                      {"port": 443, "protocol": "https", "cipher_suite": "recommended" if fires else "legacy"})
    assert ("tls-downgrade" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("after", "fires"), [("DOCKER_HUB", True), ("DOCR", False)])
def test_an_image_moved_to_a_public_registry_is_high(tmp_path: Path, after: str, fires: bool) -> None:
    def app(kind: str) -> dict[str, Any]:
        return {"spec": [{"service": [{"image": [{"registry_type": kind, "repository": "api", "tag": "1.14.2"}]}]}]}
    change = resource("digitalocean_app.api", app(after), app("DOCR"))
    assert ("supply-chain-opened" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("after", "fires"), [("", True), ("REDACT_WITH_SERVICE", False)])
def test_a_virtual_agent_stopping_redaction_is_high(tmp_path: Path, after: str, fires: bool) -> None:
    before = {"display_name": "bot", "redaction_strategy": "REDACT_WITH_SERVICE",
              "redaction_scope": "REDACT_DISK_STORAGE"}
    change = resource("google_dialogflow_cx_security_settings.bot", {**before, "redaction_strategy": after}, before)
    assert ("data-policy-opened" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("after", "fires"), [("suppressed", True), ("high", False)])
def test_a_service_whose_incidents_are_suppressed_no_longer_pages(tmp_path: Path, after: str, fires: bool) -> None:
    before = {"name": "vault", "incident_urgency_rule": [{"type": "constant", "urgency": "high"}]}
    change = resource("pagerduty_service.vault", {**before, "incident_urgency_rule": [
        {"type": "constant", "urgency": after}]}, before)
    assert ("detection-disabled" in _high(tmp_path, [change])) is fires


# --- false alarms ---------------------------------------------------------------------------------------------------

def _firewall(rules: list[tuple[str, list[str]]]) -> dict[str, Any]:
    return {"name": "edge", "rule": [{"direction": "in", "protocol": "tcp", "port": port, "source_ips": ips}
                                     for port, ips in rules]}


WORLD = ["0.0.0.0/0", "::/0"]
OFFICE = ["203.0.113.7/32"]


@pytest.mark.parametrize(("planned", "fires"), [
    ([("22", OFFICE), ("443", WORLD)], False),               # SSH closed again, an unused rule dropped too
    ([("22", WORLD)], True),                                 # SSH stays open to the world while 443 goes
])
def test_a_plan_closing_what_drifted_open_is_not_an_undo(tmp_path: Path, planned: list[tuple[str, list[str]]],
                                                         fires: bool) -> None:
    configured = _firewall([("22", OFFICE), ("443", WORLD), ("8080", WORLD)])
    drifted = _firewall([("22", WORLD), ("443", WORLD), ("8080", WORLD)])
    change = resource("hcloud_firewall.edge", _firewall(planned), drifted)
    drift = resource("hcloud_firewall.edge", drifted, configured)
    assert ("drift-on-changed" in _high(tmp_path, [change], resource_drift=[drift])) is fires


def test_an_access_key_that_is_the_keys_own_id_is_no_secret(tmp_path: Path) -> None:
    before = {"id": "SCWQ3H5K7M9P1R3T5V7X", "access_key": "SCWQ3H5K7M9P1R3T5V7X", "description": "restic"}
    change = resource("scaleway_iam_api_key.restic", {"description": "restic"}, before,
                      unknown={"id": True, "access_key": True, "secret_key": True},
                      actions=["create", "delete"])
    assert "credential-in-plan" not in judge(tmp_path, [change])


def test_a_customer_secret_key_replaced_first_is_a_rotation(tmp_path: Path) -> None:
    change = resource("oci_identity_customer_secret_key.restic", {"display_name": "restic-b", "user_id": "u1"},
                      {"display_name": "restic-a", "user_id": "u1", "id": "k1"}, unknown={"id": True, "key": True},
                      actions=["create", "delete"])
    change["action_reason"] = "replace_because_cannot_update"
    change["change"]["replace_paths"] = [["display_name"]]
    assert judge(tmp_path, [change]).get("resource-replace") is Severity.MEDIUM


# --- what the mail sender, the defence contractor and the satellite operator showed --------------------------------

@pytest.mark.parametrize(("after", "fires"), [([], True), (["BOUNCE"], False), (["BOUNCE", "COMPLAINT"], False)])
def test_a_sender_that_stops_suppressing_bounces_is_high(tmp_path: Path, after: list[str], fires: bool) -> None:
    change = resource("aws_sesv2_account_suppression_attributes.this", {"suppressed_reasons": after},
                      {"suppressed_reasons": ["BOUNCE", "COMPLAINT"]})
    assert ("protection-disabled" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("after", "fires"), [(False, True), (True, False)])
def test_a_dnssec_objects_own_switch_off_is_high(tmp_path: Path, after: bool, fires: bool) -> None:
    change = resource("zonecraft_dnssec.sending", {"zone": "example.io", "enabled": after},
                      {"zone": "example.io", "enabled": True})
    assert ("tls-downgrade" in _high(tmp_path, [change])) is fires


def _selector(name: str) -> dict[str, Any]:
    return {"zone_id": "Z1", "type": "CNAME", "ttl": 600, "name": name, "records": [f"{name}.dkim.amazonses.com"]}


@pytest.mark.parametrize(("new", "severity"), [
    ("n3w._domainkey.example.io", Severity.MEDIUM),            # the next selector of the same domain
    ("n3w._domainkey.other.io", Severity.HIGH),                # another domain's key: not a rotation
])
def test_a_dkim_selector_renamed_is_a_rotation(tmp_path: Path, new: str, severity: Severity) -> None:
    change = resource("aws_route53_record.dkim", _selector(new), _selector("0ld._domainkey.example.io"),
                      actions=["delete", "create"])
    change["action_reason"] = "replace_because_cannot_update"
    change["change"]["replace_paths"] = [["name"]]
    assert judge(tmp_path, [change]).get("resource-replace") is severity


def test_removing_a_teammates_seat_narrows_access(tmp_path: Path) -> None:
    change = resource("sendgrid_teammate.jlaurent", None, {"email": "j@example.io", "is_admin": False},
                      actions=["delete"])
    assert judge(tmp_path, [change]).get("resource-delete") is Severity.MEDIUM


def _gateway_and_route(vpc_id: str | None) -> list[dict[str, Any]]:
    gateway = resource("aws_internet_gateway.main", {"vpc_id": vpc_id}, unknown={"id": True, **(
        {"vpc_id": True} if vpc_id is None else {})})
    route = resource("aws_route.default", {"destination_cidr_block": "0.0.0.0/0", "route_table_id": "rtb-0e4f"},
                     unknown={"gateway_id": True})
    return [gateway, route]


CONFIGURED_ROUTE = {"root_module": {"resources": [{
    "address": "aws_route.default", "mode": "managed", "type": "aws_route", "name": "default",
    "expressions": {"gateway_id": {"references": ["aws_internet_gateway.main.id", "aws_internet_gateway.main"]}}}]}}


def test_the_first_internet_gateway_of_an_existing_vpc_with_a_default_route_is_high(tmp_path: Path) -> None:
    changes = _gateway_and_route("vpc-0c7a91e3d5b2f4806")
    assert "private-made-public" in _high(tmp_path, changes, configuration=CONFIGURED_ROUTE)


def test_a_new_vpcs_gateway_and_default_route_stay_quiet(tmp_path: Path) -> None:
    changes = _gateway_and_route(None)                        # the VPC is made in this plan: no id yet
    assert "private-made-public" not in _high(tmp_path, changes, configuration=CONFIGURED_ROUTE)


@pytest.mark.parametrize(("rule_id", "fires"), [("purge-closed-accounts", True), ("expire-debug-logs", False)])
def test_an_erasure_lifecycle_rule_disabled_is_high(tmp_path: Path, rule_id: str, fires: bool) -> None:
    def lifecycle(status: str) -> dict[str, Any]:
        return {"bucket": "exports", "rule": [{"id": rule_id, "status": status, "filter": [{"prefix": "closed/"}],
                                               "expiration": [{"days": 30}]}]}
    change = resource("aws_s3_bucket_lifecycle_configuration.exports", lifecycle("Disabled"), lifecycle("Enabled"))
    assert ("protection-disabled" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("member", "role", "fires"), [
    ("serviceAccount:418203957461-compute@developer.gserviceaccount.com", "roles/cloudkms.signerVerifier", True),
    ("serviceAccount:uplink-signer@acme.iam.gserviceaccount.com", "roles/cloudkms.signerVerifier", False),
    ("serviceAccount:418203957461-compute@developer.gserviceaccount.com", "roles/cloudkms.viewer", False),
])
def test_a_key_use_role_for_the_default_compute_identity_is_high(tmp_path: Path, member: str, role: str,
                                                                 fires: bool) -> None:
    change = resource("google_kms_crypto_key_iam_member.signer", {
        "crypto_key_id": "projects/p/locations/us/keyRings/r/cryptoKeys/k", "member": member, "role": role})
    assert ("iam-privileged-role" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("after", "fires"), [("bidirectional", True), ("high_to_low", False)])
def test_a_one_way_transfer_made_two_way_is_high(tmp_path: Path, after: str, fires: bool) -> None:
    change = resource("kestrel_transfer_channel.ingest", {"name": "ingest", "direction": after},
                      {"name": "ingest", "direction": "low_to_high"})
    assert ("segments-joined" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("after", "fires"), [("185.220.31.47", True), ("10.64.8.21", False)])
def test_a_stream_endpoint_moved_to_the_internet_is_high(tmp_path: Path, after: str, fires: bool) -> None:
    def profile(address: str) -> dict[str, Any]:
        return {"name": "sat05", "links": [{"channels": [{"end_point": [{"ip_address": address, "port": "50000"}]}]}]}
    change = resource("azurerm_orbital_contact_profile.sat05", profile(after), profile("10.64.8.20"))
    assert ("segments-joined" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("screening", "fires"), [("disabled", True), ("enforced", False)])
def test_a_route_made_without_its_screening_is_high(tmp_path: Path, screening: str, fires: bool) -> None:
    change = resource("skyhaul_downlink_route.partner", {"destination_uri": "s3://mirror/sat05/",
                                                         "export_control_screening": screening})
    assert ("detection-disabled" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("query", "fires"), [(None, True), ('{"term":{"client_id":"{{_user.metadata.client_id}}"}}',
                                                             False)])
def test_a_roles_document_filter_removed_is_high(tmp_path: Path, query: str | None, fires: bool) -> None:
    def role(filtered: str | None) -> dict[str, Any]:
        return {"name": "qa", "indices": [{"names": ["transcripts-*"], "privileges": ["read"], "query": filtered}]}
    change = resource("elasticstack_elasticsearch_security_role.qa", role(query),
                      role('{"term":{"client_id":"{{_user.metadata.client_id}}"}}'))
    assert ("data-policy-opened" in _high(tmp_path, [change])) is fires



@pytest.mark.parametrize(("after", "fires"), [("database/creds/warehouse-admin", True),
                                              ("database/creds/warehouse-reader", False)])
def test_a_broker_moved_to_an_admin_role_is_high(tmp_path: Path, after: str, fires: bool) -> None:
    change = resource("boundary_credential_library_vault.db", {"name": "db", "path": after},
                      {"name": "db", "path": "database/creds/warehouse-readonly"})
    assert ("iam-privileged-role" in _high(tmp_path, [change])) is fires


def _target(**values: Any) -> dict[str, Any]:
    return {"load_balancer_id": 1877120, "use_private_ip": True, **values}


@pytest.mark.parametrize(("selector", "severity"), [("role=web,env=prod", Severity.MEDIUM),
                                                    ("role=api", Severity.HIGH)])
def test_targets_named_by_id_replaced_by_a_label_selector_that_covers_them(tmp_path: Path, selector: str,
                                                                           severity: Severity) -> None:
    server = resource("hcloud_server.web", {"id": "51823401", "labels": {"role": "web", "env": "prod"}},
                      {"id": "51823401", "labels": {"role": "web", "env": "prod"}}, actions=["no-op"])
    old = resource("hcloud_load_balancer_target.web", None, _target(type="server", server_id=51823401),
                   actions=["delete"])
    new = resource("hcloud_load_balancer_target.web_selector", _target(type="label_selector", label_selector=selector))
    assert judge(tmp_path, [server, old, new]).get("resource-delete") is severity


@pytest.mark.parametrize(("after", "fires"), [("granted", True), ("opt_in", False), ("denied", False)])
def test_consent_assumed_before_anyone_answers_is_high(tmp_path: Path, after: str, fires: bool) -> None:
    def config(state: str) -> dict[str, Any]:
        return {"region": "eu", "purposes": [{"id": "ads", "default_state": state, "legal_basis": "consent"}]}
    change = resource("consentry_purpose_config.eu", config(after), config("opt_in"))
    assert ("data-policy-opened" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("record_id", "fires"), [("Z05523412HLAPPS_*.hostloom.app_CNAME", False),
                                                  ("Tr0ub4dor*3xYq", True)])
def test_a_record_id_holding_a_wildcard_name_is_no_password(tmp_path: Path, record_id: str, fires: bool) -> None:
    before = {"zone_id": "Z05523412HLAPPS", "name": "*.hostloom.app", "type": "CNAME", "ttl": 300, "id": record_id}
    change = resource("aws_route53_record.wildcard", {**before, "ttl": 60}, before)
    assert ("credential-in-plan" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("reference", "fires"), [("random_password.admin.result", True),
                                                  ("random_string.suffix.result", False),
                                                  ("random_password.admin.length", False)])
def test_an_unmarked_output_of_a_generated_password_leaks_it(tmp_path: Path, reference: str, fires: bool) -> None:
    made = resource(reference.rsplit(".", 1)[0], {"length": 24, "special": True}, unknown={"result": True})
    outputs = {"admin_password": {"actions": ["create"], "before": None, "after": None, "after_unknown": True,
                                  "before_sensitive": False, "after_sensitive": False}}
    configuration = {"root_module": {"outputs": {"admin_password": {"expression": {
        "references": [reference, reference.rsplit(".", 1)[0]]}}}}}
    found = _high(tmp_path, [made], output_changes=outputs, configuration=configuration)
    assert ("credential-leak" in found) is fires
