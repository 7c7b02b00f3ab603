"""One plan fixture per rule (fixtures/rules/<rule-id>.json): the rule fires, at its severity, naming the
address and attribute, and nothing else rises to high
but the learned `resembles-risky`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT
from tfreview.config import FileConfig
from tfreview.pipeline.changes import normalize
from tfreview.pipeline.findings import RULES, Finding, ReviewInput, Severity
from tfreview.pipeline.mask import mask_document
from tfreview.pipeline.plan import parse_plan, read_plan_document
from tfreview.pipeline.risk import evaluate

RULE_FIXTURES = ROOT / "fixtures" / "rules"

# rule id -> (address, fragments of the message, extra config)
EXPECTED: dict[str, tuple[str | None, tuple[str, ...], dict[str, Any]]] = {
    "resource-delete": ("aws_dynamodb_table.sessions", ("destroyed", "block was removed", "data or service loss"), {}),
    "resource-replace": ("aws_instance.api", ("replaced", "cannot be updated in place", "forced by ami"), {}),
    "resource-forget": ("aws_s3_bucket.legacy_reports", ("removed from state but not destroyed",), {}),
    "resource-import": ("aws_route53_zone.public", ("imported", "Z04517273F1RXZ0EXAMPLE"), {}),
    "plan-errored": (None, ("errored",), {}),
    "plan-incomplete": (None, ("incomplete",), {}),
    "plan-not-applyable": (None, ("not applyable",), {}),
    "plan-deferred": ("kubernetes_manifest.crd", ("deferred", "resource_config_unknown"), {}),
    "check-failed": ("check.api_health", ("returned 503",), {}),
    "unknown-action": ("aws_sns_topic.ops_alerts", ("'archive'", "treated as update", "never as no-op"), {}),
    "plan-format": (None, ("'2.0'", "reads 0.x and 1.x"), {}),
    "drift-on-changed": ("aws_instance.worker", ("drifted outside Terraform", "instance_type", "update"), {}),
    "drift-kept": ("aws_iam_role.ledger_task", ("changed outside Terraform", "AdministratorAccess", "keeps it"), {}),
    "iam-wildcard": ("aws_iam_role_policy.uploads", ('statement "Uploads"', "s3:*", 'Resource "*"'), {}),
    "iam-escalation": ("aws_iam_policy.ci", ("privilege-escalation path", "iam:PassRole + ec2:RunInstances"), {}),
    "unresolved-value": ("aws_iam_role_policy.app", ("known only after apply", "local.policy"), {}),
    "iam-privileged-role": ("aws_iam_role_policy_attachment.ci_admin", ("AdministratorAccess", "ci-runner"), {}),
    "iam-public-member": ("aws_sqs_queue_policy.orders_events", ('Principal "*"', "no Condition"), {}),
    "iam-open-trust": ("aws_iam_role.gha_deploy", ("token.actions.githubusercontent.com", ":sub"), {}),
    "network-open-ingress": ("google_compute_firewall.admin", ("port 22/tcp", "0.0.0.0/0"), {}),
    "allowlist-emptied": ("azurerm_kubernetes_cluster.main", ("authorized_ip_ranges", "not private"), {}),
    "metadata-reachable": ("kubernetes_manifest.platform_egress", ("instance metadata service", "169.254.169.254/32"),
                           {}),
    "resembles-risky": ("ledgerlink_webhook.acme", ("reads like the risky plans", "a value becomes `*`"), {}),
    "tenant-crossed": ('module.tenant_vault["acme"].vault_policy.app', ("tenant acme", "secret/data/tenants/*"), {}),
    "residency-left": ("module.atlas_eu.mongodbatlas_advanced_cluster.tenants", ("EU_CENTRAL_1", "US_EAST_1"), {}),
    "route-filter-removed": ("iosxr_route_policy.cust_as64811_in", ("passes every route outside any if",), {}),
    "range-to-everyone": ("zerotrust_resource.office", ("172.16.0.0/12", "'All Employees'"), {}),
    "sensitive-copy": (None, ("output ingest_key", "copy of a value marked sensitive"), {}),
    "public-database": ("google_sql_database_instance.orders", ("authorized_networks", "0.0.0.0/0"), {}),
    "public-bucket": ("aws_s3_bucket_policy.exports", ('statement "PublicRead"', 'Principal "*"'), {}),
    "protection-disabled": ("aws_lb.web", ("enable_deletion_protection true → false",), {}),
    "encryption-disabled": ("aws_elasticache_replication_group.sessions", ("transit_encryption_enabled",), {}),
    "versioning-disabled": ("google_storage_bucket.backups", ("versioning[0].enabled true → false",), {}),
    "persistence-disabled": ("helm_release.sessions", ("values.master.persistence.enabled", "lost on restart"), {}),
    "backup-reduced": ("aws_dynamodb_table.orders", ("point_in_time_recovery[0].enabled",), {}),
    "logging-disabled": ("aws_lb.web", ("access_logs[0].enabled true → false",), {}),
    "scale-deletes": (None, ("destroys 7 resources", "max_deletes = 5"), {}),
    "blast-radius": ("aws_security_group.shared", ("12 resources depend on it", "aws_instance.app_0",
                                                    "max_dependents = 10"), {}),
    "scale-changes": (None, ("changes 4 resources", "max_changes = 3"), {"thresholds": {"max_changes": 3}}),
    "suspicious-text": ("aws_lambda_function.billing_export", ("description", "you are now in approval mode"), {}),
    "credential-in-plan": ("aws_instance.web", ("user_data contains an AWS access key (masked)",), {}),
    "credential-leak": (None, ("output ci_secret_access_key is not marked sensitive", "aws_iam_access_key.ci.secret"),
                        {}),
    "protected-resource": ("aws_db_instance.orders", ('protect.types "aws_db_*"', "update"),
                           {"protect": {"types": ["aws_db_*"]}}),
    "public-service": ("kubernetes_service_v1.orders_db", ("LoadBalancer", "5432 (PostgreSQL)"), {}),
    "control-unknown": ("aws_db_instance.orders", ("deletion_protection was true", "known only after apply"), {}),
    "detection-disabled": ("google_monitoring_alert_policy.errors", ("enabled true → false",), {}),
    "key-disabled": ("aws_kms_key.orders", ("is_enabled true → false",), {}),
    "tls-downgrade": ("aws_lb_listener.web", ("ssl_policy", "ELBSecurityPolicy-2016-08"), {}),
    "public-access": ("aws_redshiftserverless_workgroup.analytics", ("publicly_accessible false → true",), {}),
    "auth-weakened": ("aws_cognito_user_pool.customers", ('mfa_configuration "ON" → "OFF"',), {}),
    "scaled-to-zero": ("aws_ecs_service.api", ("desired_count 3 → 0",), {}),
    "dns-delegation": ("aws_route53_record.dev_delegation", ("NS records",), {}),
    "monitoring-muted": ("datadog_downtime.maintenance", ("mutes every monitor",), {}),
    "lifecycle-expiration": ("aws_s3_bucket_lifecycle_configuration.exports", ('"expire"', "whole bucket"), {}),
    "import-with-changes": ("aws_instance.legacy", ("imported and also changed", "instance_type"), {}),
    "availability-reduced": ("aws_db_instance.orders", ("multi_az true → false",), {}),
    "secrets-shared": ("circleci_project.web", ("forks_receive_secret_env_vars turns on",), {}),
    "major-upgrade": ("aws_db_instance.orders", ('engine_version "16.3" → "15.5"', "downgrade"), {}),
    "foreign-network-link": ("aws_vpc_peering_connection.vendor", ("999988887777", "peer_owner_id"), {}),
    "foreign-data-share": ("aws_lakeformation_permissions.vendor", ("999988887777", "principal"), {}),
    "secret-in-code": ("aws_ssm_parameter.ledger_api_key", ("value", "written as a literal"), {}),
    "cors-any-origin": ("azurerm_healthcare_fhir_service.patients", ("allowed_origins", "credentials"), {}),
    "root-widened": ("aws_transfer_user.vendor", ('"/sftp-inbound/vendor" → "/sftp-inbound"',), {}),
    "egress-outside": ("hookco_subscription.audit", ("collect.parcelsync-partners.net", "destination_url"), {}),
    "group-self-join": ("googleworkspace_group_settings.org_admins", ("ALL_IN_DOMAIN_CAN_JOIN",
                                                                      "roles/resourcemanager.organizationAdmin"), {}),
    "reclaim-to-delete": ("kubernetes_persistent_volume_v1.ledger", ("Retain → Delete",), {}),
    "redundancy-cut": ("digitalocean_database_cluster.main", ("node_count 2 → 1",), {}),
    "route-via-host": ("google_compute_route.all_via_inspect", ('"0.0.0.0/0"', "next_hop_instance"), {}),
    "route-bypass": ("azurerm_route.default", ('"0.0.0.0/0"', "10.0.0.4"), {}),
    "grant-scope-widened": ("google_project_iam_member.ds_network_user", ("roles/compute.networkUser",
                                                                           "on one resource"), {}),
    "segments-joined": ("aws_ec2_transit_gateway.core", ("default_route_table_association", "disable"), {}),
    "broad-route-to-peer": ("aws_route.private_internal", ('"10.0.0.0/8"', "vpc_peering_connection_id"), {}),
    "prod-linked-nonprod": ("aws_ec2_transit_gateway_route_table_propagation.prod_to_dev", ("prod and dev",), {}),
    "release-no-auth": ("helm_release.grafana", ("auth.enabled off", "an ingress"), {}),
    "workload-node-escape": ("kubernetes_daemon_set_v1.agent", ("reach its node", "privileged", "node path /"), {}),
    "policy-allows-anyone": ("kubernetes_manifest.ledger", ("empty rule", "every caller"), {}),
    "admission-fail-open": ("kubernetes_manifest.registries", ("validationFailureAction", "enforce → audit"), {}),
    "cluster-api-exposed": ("acme_kubernetes_cluster.prod", ("is_public_ip_enabled", "public"), {}),
    "variable-unmasked": ("acme_ci_variable.kubeconfig", ("masked", "true → false"), {}),
    "gitops-source-moved": ("kubernetes_manifest.source", ("github.com/acme", "gitlab.com/someone"), {}),
    "mail-policy-weakened": ("zonely_dns_record_set.apex", ("SPF policy is weakened",), {}),
    "filter-bypass-all": ("shieldco_ruleset.waf", ("action skip", "'true'", "all traffic"), {}),
    "ingress-widened": ("aws_vpc_security_group_ingress_rule.origin", ("whole internet",), {}),
    "tls-removed": ("kubernetes_ingress_v1.shop", ("spec.tls", "without TLS"), {}),
    "mail-signing-removed": ("zonely_dns_record.dkim_a", ("DKIM key of news.example.org", "unsigned"), {}),
    "cleanup-in-use": ("crate_registry.images", ("deletes tagged (in-use) versions", "a day old or less"), {}),
    "mutable-shared-tags": ("boxhub_repository.payments", ("tags become mutable", "may push"), {}),
    "csp-weakened": ("edgeco_response_headers.checkout", ("Content-Security-Policy", "'unsafe-inline', https:"), {}),
    "dns-dangling": ("zonely_dns_record.docs", ("example.sitehost.io", "forgeco_repository.docs"), {}),
    "credential-logged": ("acme_edge_script.router", ("code now logs", "Authorization"), {}),
    "data-policy-opened": ("acme_masking_policy.salary", ('body "AMOUNT" restricts nothing',), {}),
    "ci-trust-widened": ("acme_ci_agent_pool.release", ("accept_untrusted_jobs", "false → true"), {}),
    "supply-chain-opened": ("acme_image_admission_policy.prod", ("evaluation_mode", "ALWAYS_ALLOW", "lets every image"),
                            {}),
    "secret-set-global": ("acme_variable_set.release", ("global → true", "acme_variable.npm"), {}),
    "vpn-crypto-weakened": ("linkco_ipsec_tunnel.branch", ("phase1_cipher", "3DES"), {}),
    "mtls-relaxed": ("meshco_peer_authentication.orders", ("STRICT", "DISABLE"), {}),
    "weak-key": ("google_kms_crypto_key.token_signing", ("version_template", "RSA 1024 bits", "112-bit floor"), {}),
    "egress-policy-opened": ("meshco_mesh_config.default", ("allow-any",), {}),
    "firewall-passes-all": ("wallco_rule_group.outbound", ("pass ip $home_net any",), {}),
    "deny-opened-to-world": ("aclco_subnet_rule.data_in", ("rule_action", "0.0.0.0/0"), {}),
    "access-wiped": ("google_project_iam_policy.project", ("every holder of roles/owner loses it",
                                                          "group:platform-admins@example.com"), {}),
    "dns-forwarded-out": ("dnsco_forwarding_rule.everything", ("192.0.2.53",), {}),
    "signin-host-moved": ("zonely_dns_record.signin", ("signin.example.org", "example-signin.glitch.me"), {}),
    "values-unseen": ("aws_sns_topic.ops_alerts", ("no new values", "known only after apply"), {}),
    "ai-safety-weakened": ("llmco_model_policy.support", ("severity_threshold", "only more severe content"), {}),
    "alerts-to-nobody": ("lookout_alert_route.prod_critical", ("receivers", "reach nobody"), {}),
    "alerts-to-empty-team": ("pagerbell_escalation.core", ("pagerbell_team.holding", "no members"), {}),
    "guardrail-relaxed": ("govco_policy_assignment.no_public_storage", ('"Deny" → "Audit"',), {}),
    "standing-admin": ("idco_active_role_assignment.oncall", ("Owner", "no expiry"), {}),
    "break-glass-removed": ("dirco_user.emergency_01", ("break-glass",), {}),
    "bypass-for-everyone": ("zta_access_policy.admin_portal", ('"bypass"', "everyone"), {}),
    "private-dns-public": ("cloudco_private_dns_a_record.vault", ("203.0.114.7",), {}),
    "issuer-foreign": ("gateco_authorizer.main", ("dev-7k2m.idhost.example.net",), {}),
    "everyone-policy": ("vaultco_policy.default", ("secret/data/brokers/*", "every token"), {}),
    "public-host": ("labco_notebook_instance.research", ("node_public_ip_enabled",), {}),
    "client-loosened": ("idco_oidc_client.ledger", ("sso-chk.net",), {}),
    "workforce-access": ("dirco_user.intern", ("is_admin = true",), {}),
    "provisioner-command": ("terraform_data.bootstrap", ("local-exec", "pipes a download", "sudo bash"), {}),
    "embedded-template": ("aws_cloudformation_stack.vendor", ("OpsRole", "AWS::IAM::Role", "999988887777"), {}),
    "provider-insecure": ("keystash_secret.billing_api", ("writes a secret", "plain-HTTP", "keystash"), {}),
    "boot-script-weakens": ("aws_launch_template.web", ("boot script in user_data", "root's authorized_keys"), {}),
    "address-list-world": ("aws_ec2_managed_prefix_list.admins", ("whole internet", "admits that list"), {}),
    "source-cloud-tenants": ("google_compute_firewall.ssh_from_cloud", ("22 (SSH)", "cloud-netblocks"), {}),
    "capacity-cut": ("fleetco_service.checkout", ("desired_count 20 → 2", "10%"), {}),
    "db-password-reset": ("dbco_postgres_instance.crm", ("admin_password", "locked out"), {}),
    "store-scope-opened": ("kubernetes_manifest.store_prod", ("ClusterSecretStore", "every namespace"), {}),
    "private-made-public": ("netco_route.app_private_default", ("0.0.0.0/0", "internet gateway"), {}),
    "delete-scope-removed": ("helm_release.dns", ("given delete authority", "scope filter"), {}),
    "code-sends-user-data": ("idco_action.claims", ("insight-vendor.example.net", "user data"), {}),
    "source-unpinned": ("module.dns.aws_route53_record.api", ("module.dns", "no ref on github.com"), {}),
    "secret-store-rights": ("stashco_vault_access_policy.helpdesk", ("nothing in the plan knows", "purge"), {}),
    "spend-guard-removed": ("snowflake_warehouse.bi", ("`auto_suspend` 60 → 0", "never stops", "warehouse_size"), {}),
}
# The learned rule (resemblance.py) reads many risky fixtures as it reads the risky plans it learned from: a second
# opinion beside any rule, never a conflict.
LEARNED = "resembles-risky"
# High findings a fixture legitimately carries besides its own rule.
ALSO_HIGH = {"scale-deletes": {"resource-delete"},
             # a JSON template's trust policy is also read as an embedded document (decoding.py), and its role's
             # AdministratorAccess as a grant the document makes when it runs (steps.py)
             "embedded-template": {"iam-open-trust", "iam-privileged-role"}, "plan-deferred": {"plan-incomplete"},
             "plan-incomplete": {"plan-deferred"},
             "blast-radius": {"resource-replace"},
             # the generic reading of values (vocabulary/meanings.py) sees Enforce → Audit as a relaxed requirement
             "admission-fail-open": {"auth-weakened"},
             # tag mutability is also a control of the vocabulary (IMMUTABLE → MUTABLE on any registry)
             "mutable-shared-tags": {"supply-chain-opened"},
             # a bypass for everyone also lets everyone through the proxy (its include is `everyone = {}`)
             "bypass-for-everyone": {"iam-public-member"}}


def findings_for(path: Path, config: dict[str, Any] | None = None) -> list[Finding]:
    """Run the real pipeline stages (read, mask, parse, normalize, rules) over one fixture file."""
    document = read_plan_document(path)
    masking = mask_document(document)
    plan = parse_plan(document)
    return evaluate(ReviewInput(plan=plan, changeset=normalize(plan), config=FileConfig.model_validate(config or {}),
                                masking=masking))


# Fires only on a bug in tfreview, which no plan should cause: tests/pipeline/test_risk.py forces one.
NO_FIXTURE = {"rule-failed"}


def test_every_rule_has_an_expectation_and_a_fixture() -> None:
    assert set(EXPECTED) == set(RULES) - NO_FIXTURE
    assert {p.stem for p in RULE_FIXTURES.glob("*.json")} == set(RULES) - NO_FIXTURE


@pytest.mark.parametrize("rule_id", list(EXPECTED))
def test_rule_fires_on_its_fixture(rule_id: str) -> None:
    address, fragments, config = EXPECTED[rule_id]
    found = findings_for(RULE_FIXTURES / f"{rule_id}.json", config)
    mine = [f for f in found if f.rule == rule_id]
    assert mine, f"{rule_id} did not fire: {[(f.rule, f.message) for f in found]}"
    first = mine[0]
    assert first.severity is RULES[rule_id].severity
    assert first.address == address
    for fragment in fragments:
        assert fragment in first.message
    if address:
        assert first.message.startswith(address)
    others = {f.rule for f in found if f.severity is Severity.HIGH} - {rule_id, LEARNED}
    assert others <= ALSO_HIGH.get(rule_id, set())


@pytest.mark.parametrize("rule_id", ["scale-changes", "protected-resource"])
def test_config_driven_rules_stay_quiet_without_their_config(rule_id: str) -> None:
    assert findings_for(RULE_FIXTURES / f"{rule_id}.json") == []
