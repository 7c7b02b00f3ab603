"""Where code comes from, who a grant reaches and which signals survive (session 16's principles), each risky plan
beside a look-alike that stays likely safe: a module's input range feeding a local of firewall sources, a database
machine's own public-address switch turned on, a chart repository over plain HTTP, a script from a code host's
moving branch piped into a shell, a log exclusion of identity events, a deploy credential authorised for every
pipeline, a build trigger opened to anyone's pull request, an image allow-list taking the policy's own project, and
the quiet sides: a route re-made through another gateway of its kind, act-as granted on one service account."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

RISKY, SAFE = Label.NEEDS_CLOSE_REVIEW, Label.LIKELY_SAFE


def entry(address: str, actions: list[str], before: Any, after: Any, **extra: Any) -> dict[str, Any]:
    """One resource_changes entry (module path, type and name read from ADDRESS)."""
    parts = address.split(".")
    module = ".".join(parts[:-2]) or None
    change = {"address": address, "mode": "managed", "type": parts[-2], "name": parts[-1],
              "provider_name": "registry.terraform.io/hashicorp/x",
              "change": {"actions": actions, "before": before, "after": after,
                         "after_unknown": extra.pop("after_unknown", {}),
                         "before_sensitive": {} if before is not None else False,
                         "after_sensitive": {} if after is not None else False}, **extra}
    if module:
        change["module_address"] = module
    return change


def judged(tmp_path: Path, *changes: dict[str, Any], **sections: Any) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, list(changes), **sections)
    return result.label, worst_by_rule(result)


# --- a module's input range feeding a local the plan does not show ----------------------------------------------
def module_firewall(ranges: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    after = {"name": "allow-ssh-admin", "network": "prod-vpc", "direction": "INGRESS", "priority": 1000,
             "allow": [{"protocol": "tcp", "ports": ["22"]}], "deny": [], "target_tags": ["admin"],
             "source_tags": [], "disabled": False}
    change = entry("module.admin_access.google_compute_firewall.ssh", ["create"], None, after,
                   after_unknown={"id": True, "source_ranges": True, "self_link": True})
    resource = {"address": "google_compute_firewall.ssh", "mode": "managed", "type": "google_compute_firewall",
                "name": "ssh", "provider_config_key": "google",
                "expressions": {"name": {"constant_value": "allow-ssh-admin"},
                                "source_ranges": {"references": ["local.ssh_ranges"]}}}
    configuration = {"root_module": {"module_calls": {"admin_access": {
        "source": "./modules/admin_access", "expressions": {"extra_ssh_ranges": {"constant_value": ranges}},
        "module": {"resources": [resource], "variables": {"extra_ssh_ranges": {"default": []}}}}}}}
    return change, configuration


@pytest.mark.parametrize(("ranges", "label"), [(["0.0.0.0/0"], RISKY), (["10.20.0.0/16"], SAFE)])
def test_a_module_given_the_internet_as_a_range_for_its_firewall(tmp_path: Path, ranges: list[str],
                                                                 label: Label) -> None:
    change, configuration = module_firewall(ranges)
    got, found = judged(tmp_path, change, configuration=configuration)
    assert got is label
    assert ("network-open-ingress" in found) is (label is RISKY)


# --- a database machine's own public-address switch ------------------------------------------------------------
def server(ipv4: bool, server_type: str = "cx42") -> dict[str, Any]:
    return {"name": "db-1", "server_type": server_type, "image": "ubuntu-24.04", "firewall_ids": [],
            "labels": {"role": "db"}, "network": [{"ip": "10.0.1.5", "network_id": 3310021}],
            "public_net": [{"ipv4_enabled": ipv4, "ipv6_enabled": False, "ipv4": 0, "ipv6": 0}]}


def test_a_database_server_given_a_public_address_by_its_own_switch(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("hcloud_server.db", ["update"], server(False), server(True)))
    assert label is RISKY and found["public-host"] is Severity.HIGH


def test_a_private_database_server_resized_stays_private(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("hcloud_server.db", ["update"], server(False), server(False, "cx52")))
    assert label is SAFE and "public-host" not in found


# --- software installed from a source in the clear --------------------------------------------------------------
def release(repository: str, version: str | None = None) -> dict[str, Any]:
    return {"name": "redis", "chart": "redis", "namespace": "cache", "repository": repository, "version": version,
            "atomic": True, "wait": True, "verify": False, "set": [{"name": "architecture", "value": "replication"}]}


@pytest.mark.parametrize(("repository", "label"), [
    ("http://charts.fastmirror-cdn.net/bitnami", RISKY),
    ("oci://registry-1.docker.io/bitnamicharts", SAFE),
    ("https://charts.bitnami.com/bitnami", SAFE),
    ("http://chartmuseum.platform.svc.cluster.local:8080", SAFE),
])
def test_a_chart_repository_reached_over_plain_http(tmp_path: Path, repository: str, label: Label) -> None:
    got, found = judged(tmp_path, entry("helm_release.redis", ["create"], None, release(repository, "20.6.2")))
    assert got is label
    assert ("supply-chain-opened" in found) is (label is RISKY)


def test_a_chart_repository_already_plain_before_is_not_new(tmp_path: Path) -> None:
    old, new = release("http://charts.fastmirror-cdn.net/bitnami", "20.6.1"), release(
        "http://charts.fastmirror-cdn.net/bitnami", "20.6.2")
    label, found = judged(tmp_path, entry("helm_release.redis", ["update"], old, new))
    assert "supply-chain-opened" not in found and label is SAFE


def project(buildspec: str) -> dict[str, Any]:
    return {"name": "storefront", "service_role": "arn:aws:iam::418263905517:role/codebuild-storefront",
            "source": [{"type": "GITHUB", "location": "https://github.com/acme/storefront.git",
                        "buildspec": buildspec}]}


@pytest.mark.parametrize(("url", "label"), [
    ("https://raw.githubusercontent.com/ci-helpers-dev/setup/main/install.sh", RISKY),
    ("https://gitlab.com/tools-team/bootstrap/-/raw/master/setup.sh", RISKY),
    ("https://raw.githubusercontent.com/nvm-sh/nvm/v0.39.7/install.sh", SAFE),
    ("https://raw.githubusercontent.com/ci-helpers-dev/setup/3f1c2a9e8b7d6c5a4f3e2d1c0b9a8f7e6d5c4b3a/install.sh",
     SAFE),
])
def test_a_script_from_a_moving_branch_piped_into_a_shell(tmp_path: Path, url: str, label: Label) -> None:
    spec = f"version: 0.2\nphases:\n  install:\n    commands:\n      - curl -sSL {url} | bash\n"
    got, _ = judged(tmp_path, entry("aws_codebuild_project.storefront", ["update"], project("version: 0.2\n"),
                                    project(spec)))
    assert got is label


# --- a log exclusion that drops identity and key audit events ---------------------------------------------------
@pytest.mark.parametrize(("predicate", "label"), [
    ('protoPayload.methodName:("SetIamPolicy" OR "CreateServiceAccountKey")', RISKY),
    ('logName:"projects/acme-web-prod/logs/cloudaudit.googleapis.com%2Factivity"', RISKY),
    ('resource.type="k8s_container" AND severity<=DEBUG', SAFE),
    ('resource.type="gce_instance" AND NOT protoPayload.methodName:"SetIamPolicy" AND severity<=INFO', SAFE),
])
def test_a_log_exclusion_of_identity_events(tmp_path: Path, predicate: str, label: Label) -> None:
    after = {"name": "exclude-noisy-logs", "description": "reduce noisy logs (ingest cost)", "disabled": False,
             "filter": predicate, "project": "acme-web-prod"}
    got, found = judged(tmp_path, entry("google_logging_project_exclusion.noisy", ["create"], None, after))
    assert got is label
    assert ("detection-disabled" in found) is (label is RISKY)


# --- a deploy credential authorised for every pipeline ----------------------------------------------------------
@pytest.mark.parametrize(("kind", "pipeline", "label"), [
    ("endpoint", None, RISKY), ("variablegroup", None, RISKY), ("endpoint", 412, SAFE), ("queue", None, SAFE),
])
def test_a_pipeline_authorisation_without_its_pipeline(tmp_path: Path, kind: str, pipeline: int | None,
                                                       label: Label) -> None:
    after = {"project_id": "6c7a1f5e-2b3d-4e8f-9a0b-1c2d3e4f5a6b", "resource_id": "9a8b7c6d", "type": kind,
             "pipeline_id": pipeline}
    got, found = judged(tmp_path, entry("azuredevops_pipeline_authorization.prod_arm", ["create"], None, after))
    assert got is label
    assert ("ci-trust-widened" in found) is (label is RISKY)


# --- a build trigger opened to anyone's pull request ------------------------------------------------------------
def webhook(*groups: list[tuple[str, str]]) -> dict[str, Any]:
    return {"project_name": "storefront", "build_type": "BUILD", "filter_group": [
        {"filter": [{"type": kind, "pattern": pattern, "exclude_matched_pattern": False} for kind, pattern in group]}
        for group in groups]}


PUSH_MAIN = [("EVENT", "PUSH"), ("HEAD_REF", "^refs/heads/main$")]
PRS = ("EVENT", "PULL_REQUEST_CREATED,PULL_REQUEST_UPDATED")


@pytest.mark.parametrize(("after", "label"), [
    (webhook([PRS]), RISKY),
    (webhook(PUSH_MAIN, [PRS, ("ACTOR_ACCOUNT_ID", "^(1184022|2290331)$")]), SAFE),
    (webhook(PUSH_MAIN, [("EVENT", "PUSH"), ("HEAD_REF", "^refs/heads/release/.*$")]), SAFE),
])
def test_a_build_webhook_opened_to_every_pull_request(tmp_path: Path, after: dict[str, Any], label: Label) -> None:
    got, found = judged(tmp_path, entry("aws_codebuild_webhook.storefront", ["update"], webhook(PUSH_MAIN), after))
    assert got is label
    assert ("ci-trust-widened" in found) is (label is RISKY)


def test_a_pull_request_trigger_that_no_longer_waits_for_a_collaborator(tmp_path: Path) -> None:
    def trigger(control: str) -> dict[str, Any]:
        return {"name": "storefront-pr", "service_account": "projects/p/serviceAccounts/deployer@p.iam",
                "github": [{"owner": "acme", "name": "storefront",
                            "pull_request": [{"branch": "^main$", "comment_control": control}]}]}
    label, found = judged(tmp_path, entry("google_cloudbuild_trigger.pr", ["update"], trigger("COMMENTS_ENABLED"),
                                          trigger("COMMENTS_DISABLED")))
    assert label is RISKY and "ci-trust-widened" in found


# --- an image allow-list that takes the policy's own project ----------------------------------------------------
@pytest.mark.parametrize(("pattern", "label"), [
    ("europe-west1-docker.pkg.dev/nw-delivery-prod/**", RISKY),
    ("gcr.io/nw-delivery-prod/*", RISKY),
    ("europe-west1-docker.pkg.dev/nw-delivery-prod/base-images/distroless-static*", SAFE),
    ("gcr.io/google_containers/*", SAFE),
])
def test_an_admission_allow_list_taking_the_policys_own_project(tmp_path: Path, pattern: str, label: Label) -> None:
    def policy(patterns: list[str]) -> dict[str, Any]:
        return {"project": "nw-delivery-prod", "global_policy_evaluation_mode": "ENABLE",
                "admission_whitelist_patterns": [{"name_pattern": p} for p in patterns],
                "default_admission_rule": [{"evaluation_mode": "REQUIRE_ATTESTATION",
                                            "enforcement_mode": "ENFORCED_BLOCK_AND_AUDIT_LOG",
                                            "require_attestations_by": ["projects/nw-delivery-prod/attestors/ci"]}]}
    base = ["gcr.io/google_containers/pause*"]
    got, found = judged(tmp_path, entry("google_binary_authorization_policy.policy", ["update"], policy(base),
                                        policy([*base, pattern])))
    assert got is label
    assert ("allowlist-emptied" in found) is (label is RISKY)


# --- the quiet sides --------------------------------------------------------------------------------------------
def route(nat: str | None, gateway: str | None = None) -> dict[str, Any]:
    return {"route_table_id": "rtb-0a9b8c7d6e5f40312", "destination_cidr_block": "0.0.0.0/0", "nat_gateway_id": nat,
            "gateway_id": gateway, "transit_gateway_id": None, "vpc_endpoint_id": None}


def test_a_route_re_made_through_another_nat_gateway(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("module.vpc.aws_route.private_a_default", ["delete", "create"],
                                          route("nat-0aa1bb2cc3dd4ee5f"), route("nat-0ff1ee2dd3cc4bb5a"),
                                          replace_paths=[["nat_gateway_id"]]))
    assert label is SAFE and found["resource-replace"] is Severity.MEDIUM


def test_a_private_route_re_made_through_an_internet_gateway(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("module.vpc.aws_route.private_a_default", ["delete", "create"],
                                          route("nat-0aa1bb2cc3dd4ee5f"), route(None, "igw-0c1d2e3f4a5b6c7d8"),
                                          replace_paths=[["gateway_id"]]))
    assert label is RISKY and found["resource-replace"] is Severity.HIGH


DEPLOYER = "serviceAccount:cb-deploy@nw-delivery-prod.iam.gserviceaccount.com"


@pytest.mark.parametrize(("address", "role", "member", "label"), [
    ("google_service_account_iam_member.deploy_actas_runtime", "roles/iam.serviceAccountUser", DEPLOYER, SAFE),
    ("google_project_iam_member.deploy_actas_everything", "roles/iam.serviceAccountUser", DEPLOYER, RISKY),
    # minting one runtime account's tokens, for an account of the same project (session 18: two authors' look-alikes)
    ("google_service_account_iam_member.mint", "roles/iam.serviceAccountTokenCreator", DEPLOYER, SAFE),
    ("google_service_account_iam_member.build", "roles/iam.serviceAccountUser",
     "serviceAccount:118844221903@cloudbuild.gserviceaccount.com", RISKY),
    ("google_service_account_iam_member.person", "roles/iam.serviceAccountUser", "user:j.doe@example.org", RISKY),
])
def test_act_as_granted_on_one_service_account(tmp_path: Path, address: str, role: str, member: str,
                                               label: Label) -> None:
    after = {"role": role, "member": member,
             "service_account_id": "projects/nw-delivery-prod/serviceAccounts/run-storefront@nw-delivery-prod"
                                   ".iam.gserviceaccount.com", "project": "nw-delivery-prod"}
    got, found = judged(tmp_path, entry(address, ["create"], None, after))
    assert got is label and "iam-privileged-role" in found


# --- an image handed to another account by a nested launch permission -----------------------------------------
def distribution(user_ids: list[str]) -> dict[str, Any]:
    return {"name": "golden", "distribution": [{"region": "us-east-1", "ami_distribution_configuration": [
        {"name": "golden-{{ imagebuilder:buildDate }}", "kms_key_id": "", "target_account_ids": [],
         "launch_permission": [{"user_ids": user_ids, "user_groups": [], "organization_arns": []}]}]}]}


@pytest.mark.parametrize(("account", "severity"), [("210987654321", Severity.MEDIUM), ("123456789012", None)])
def test_an_image_launch_permission_for_an_account_the_plan_does_not_own(tmp_path: Path, account: str,
                                                                         severity: Severity | None) -> None:
    # an image holds software, not a store's data, and golden images go to workload accounts by design: an account
    # the plan does not show is reported for the reviewer to confirm, not held (a public image is: see exposure)
    role = entry("aws_iam_role.builder", ["no-op"], {"arn": "arn:aws:iam::123456789012:role/imagebuilder"},
                 {"arn": "arn:aws:iam::123456789012:role/imagebuilder"})
    got, found = judged(tmp_path, role, entry("aws_imagebuilder_distribution_configuration.golden", ["create"], None,
                                              distribution([account])))
    assert got is SAFE
    assert found.get("foreign-data-share") is severity


# --- a plan that contradicts itself -----------------------------------------------------------------------------
@pytest.mark.parametrize(("after", "label"), [
    ({"cluster_identifier": "ledger", "deletion_protection": False, "backup_retention_period": 1}, RISKY),
    ({"cluster_identifier": "ledger", "deletion_protection": True, "backup_retention_period": 14}, SAFE),
])
def test_a_no_op_whose_values_change(tmp_path: Path, after: dict[str, Any], label: Label) -> None:
    before = {"cluster_identifier": "ledger", "deletion_protection": True, "backup_retention_period": 14}
    got, found = judged(tmp_path, entry("aws_rds_cluster.ledger", ["no-op"], before, after))
    assert got is label
    assert ("unknown-action" in found) is (label is RISKY)


# --- a data share's new consumer in an organisation nothing else shows ------------------------------------------
@pytest.mark.parametrize(("accounts", "label"), [(["PRTNRORG.ANALYTICS_EU"], RISKY), ([], SAFE)])
def test_a_share_consumer_of_an_unknown_organisation(tmp_path: Path, accounts: list[str], label: Label) -> None:
    def share(consumers: list[str]) -> dict[str, Any]:
        return {"name": "SALES_SHARE", "comment": "sales data share", "accounts": consumers}
    got, found = judged(tmp_path, entry("snowflake_share.sales", ["update"], share([]), share(accounts)))
    assert got is label
    assert ("foreign-data-share" in found) is (label is RISKY)


# --- a secret rotated by a function of another account ---------------------------------------------------------
SECRET = "arn:aws:secretsmanager:eu-west-1:318204775611:secret:rds/billing/master-Xy12Ab"


@pytest.mark.parametrize(("function", "label"), [
    ("arn:aws:lambda:eu-west-1:739921564208:function:rds-rotation-postgres-v2", RISKY),
    ("arn:aws:lambda:eu-west-1:318204775611:function:SecretsManagerRDSPostgreSQLRotationSingleUser", SAFE),
])
def test_a_secret_rotated_by_a_function_of_another_account(tmp_path: Path, function: str, label: Label) -> None:
    def rotation(arn: str) -> dict[str, Any]:
        return {"id": SECRET, "secret_id": SECRET, "rotation_enabled": True, "rotation_lambda_arn": arn,
                "rotation_rules": [{"automatically_after_days": 30}]}
    old = rotation("arn:aws:lambda:eu-west-1:318204775611:function:rotate-v1")
    got, found = judged(tmp_path, entry("aws_secretsmanager_secret_rotation.billing", ["update"], old,
                                        rotation(function)))
    assert got is label
    assert ("foreign-data-share" in found) is (label is RISKY)


# --- a vault's own certificate re-issued; a firewall rule previewed; a CAA record set deleted --------------------
def vault_certificate(key_size: int, exportable: bool, months: int) -> dict[str, Any]:
    return {"name": "www-acme-retail", "key_vault_id": "/subscriptions/s/resourceGroups/rg/providers/"
            "Microsoft.KeyVault/vaults/kv-edge-prod", "certificate_policy": [{
                "issuer_parameters": [{"name": "DigiCert"}],
                "key_properties": [{"exportable": exportable, "key_size": key_size, "key_type": "RSA",
                                    "reuse_key": False}],
                "x509_certificate_properties": [{"subject": "CN=www.acme-retail.com", "validity_in_months": months}]}]}


@pytest.mark.parametrize(("after", "label"), [
    (vault_certificate(2048, False, 6), SAFE), (vault_certificate(1024, True, 36), RISKY),
])
def test_a_vault_certificate_re_issued_from_its_policy(tmp_path: Path, after: dict[str, Any], label: Label) -> None:
    got, found = judged(tmp_path, entry("azurerm_key_vault_certificate.www", ["delete", "create"],
                                        vault_certificate(2048, False, 12), after,
                                        replace_paths=[["certificate_policy"]]))
    assert got is label
    assert found["resource-replace"] is (Severity.MEDIUM if label is SAFE else Severity.HIGH)


@pytest.mark.parametrize(("before", "after", "label"), [
    ([{"priority": 1000, "action": "deny(403)", "preview": False}],
     [{"priority": 1000, "action": "deny(403)", "preview": True}], RISKY),
    ([{"priority": 1000, "action": "deny(403)", "preview": False}],
     [{"priority": 1000, "action": "deny(403)", "preview": False},
      {"priority": 900, "action": "deny(403)", "preview": True}], SAFE),
])
def test_a_firewall_rule_switched_to_preview(tmp_path: Path, before: list[Any], after: list[Any],
                                             label: Label) -> None:
    def policy(rules: list[Any]) -> dict[str, Any]:
        return {"name": "edge", "type": "CLOUD_ARMOR", "rule": rules}
    got, _ = judged(tmp_path, entry("google_compute_security_policy.edge", ["update"], policy(before),
                                    policy(after)))
    assert got is label


@pytest.mark.parametrize(("kind", "name", "records", "label"), [
    ("CAA", "acme-retail.com", ['0 issue "amazon.com"', '0 issuewild ";"'], RISKY),
    ("TXT", "_dmarc.acme-retail.com", ["v=DMARC1; p=reject; rua=mailto:dmarc@acme-retail.com"], RISKY),
    ("TXT", "promo.acme-retail.com", ["google-site-verification=abc123"], SAFE),
])
def test_a_record_that_restricts_who_speaks_for_a_name_deleted(tmp_path: Path, kind: str, name: str,
                                                               records: list[str], label: Label) -> None:
    before = {"name": name, "type": kind, "ttl": 3600, "records": records, "zone_id": "Z04718362HQ3KXE2R9V1A"}
    got, found = judged(tmp_path, entry("aws_route53_record.guard", ["delete"], before, None))
    assert got is label
    assert ("dns-delegation" in found) is (label is RISKY)


# --- a Content-Security-Policy that lets script in from anywhere -----------------------------------------------
BASE_CSP = "default-src 'self'; script-src 'self' https://js.stripe.com; object-src 'none'"


@pytest.mark.parametrize(("csp", "label"), [
    ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' https: data:; object-src 'none'", RISKY),
    ("default-src * 'unsafe-inline'", RISKY),
    ("default-src 'self'; script-src 'self' https://js.stripe.com https://cdn.segment.com; object-src 'none'", SAFE),
    ("default-src 'self'; script-src 'self' 'nonce-r4nd0m' 'unsafe-inline'; object-src 'none'", SAFE),
])
def test_a_content_security_policy_widened(tmp_path: Path, csp: str, label: Label) -> None:
    def policy(text: str) -> dict[str, Any]:
        return {"name": "www", "security_headers_config": [{"content_security_policy": [
            {"content_security_policy": text, "override": True}]}]}
    got, found = judged(tmp_path, entry("aws_cloudfront_response_headers_policy.www", ["update"], policy(BASE_CSP),
                                        policy(csp)))
    assert got is label
    assert ("csp-weakened" in found) is (label is RISKY)


def test_a_first_content_security_policy_is_protection_added(tmp_path: Path) -> None:
    after = {"name": "www", "security_headers_config": [{"content_security_policy": [
        {"content_security_policy": "default-src 'self' 'unsafe-inline'", "override": True}]}]}
    label, found = judged(tmp_path, entry("aws_cloudfront_response_headers_policy.www", ["update"],
                                          {"name": "www", "security_headers_config": []}, after))
    assert label is SAFE and "csp-weakened" not in found


# --- a function's code: its signing detached, its package from a reference that moves ---------------------------
def function(signing: str | None, key: str = "refund-processor/9d41be0.zip") -> dict[str, Any]:
    return {"function_name": "refund-processor", "s3_bucket": "acme-artifacts", "s3_key": key,
            "code_signing_config_arn": signing, "runtime": "python3.12", "role": "arn:aws:iam::482913057716:role/r"}


CSC = "arn:aws:lambda:us-east-1:482913057716:code-signing-config:csc-0a1b2c3d4e5f67890"


@pytest.mark.parametrize(("after", "label"), [(function(None), RISKY), (function(CSC), SAFE)])
def test_a_functions_code_signing_detached(tmp_path: Path, after: dict[str, Any], label: Label) -> None:
    got, found = judged(tmp_path, entry("aws_lambda_function.refund", ["update"],
                                        function(CSC, "refund-processor/3f9c2e1.zip"), after))
    assert got is label
    assert ("supply-chain-opened" in found) is (label is RISKY)


@pytest.mark.parametrize(("url", "label"), [
    ("https://github.com/pricing-oss/pricing-fn/releases/latest/download/functionapp.zip", RISKY),
    ("https://github.com/pricing-oss/pricing-fn/releases/download/v2.4.1/functionapp.zip", SAFE),
    ("https://acmeartifacts.blob.core.windows.net/releases/pricing-2.4.1.zip", SAFE),
])
def test_an_apps_package_from_a_reference_that_moves(tmp_path: Path, url: str, label: Label) -> None:
    def app(settings: dict[str, str]) -> dict[str, Any]:
        return {"name": "pricing-fn", "https_only": True, "app_settings": settings}
    got, found = judged(tmp_path, entry("azurerm_linux_function_app.pricing", ["update"],
                                        app({"FUNCTIONS_WORKER_RUNTIME": "python"}),
                                        app({"FUNCTIONS_WORKER_RUNTIME": "python", "WEBSITE_RUN_FROM_PACKAGE": url})))
    assert got is label
    assert ("supply-chain-opened" in found) is (label is RISKY)


# --- events delivered to another account; a push subscription re-made; a certificate body read from a store -----
@pytest.mark.parametrize(("bus", "label"), [
    ("arn:aws:events:us-east-1:209478125530:event-bus/default", RISKY),
    ("arn:aws:events:us-east-1:482913057716:event-bus/audit", SAFE),
])
def test_an_event_rule_target_in_another_account(tmp_path: Path, bus: str, label: Label) -> None:
    after = {"rule": "forward-all", "event_bus_name": "default", "target_id": "partner-bus", "arn": bus,
             "role_arn": "arn:aws:iam::482913057716:role/eb-forwarder"}
    got, found = judged(tmp_path, entry("aws_cloudwatch_event_target.forward_all", ["create"], None, after))
    assert got is label
    assert ("foreign-data-share" in found) is (label is RISKY)


def test_a_push_subscription_re_made_holds_nothing(tmp_path: Path) -> None:
    def subscription(endpoint: str) -> dict[str, Any]:
        return {"topic_arn": "arn:aws:sns:us-east-1:482913057716:shipment-events", "protocol": "https",
                "endpoint": endpoint, "raw_message_delivery": False}
    label, found = judged(tmp_path, entry("aws_sns_topic_subscription.tracking", ["delete", "create"],
                                          subscription("https://tracking.acme.example/hooks/sns"),
                                          subscription("https://tracking.acme.example/hooks/sns/v2"),
                                          replace_paths=[["endpoint"]]))
    assert label is SAFE and found["resource-replace"] is Severity.MEDIUM


def test_a_certificate_body_read_from_a_secret_store_shows_nothing_secret(tmp_path: Path) -> None:
    change = entry("aws_acm_certificate.ev", ["create"], None, {"domain_name": "shop.acme.example"},
                   after_unknown={"certificate_body": True, "private_key": True, "arn": True})
    secret = "data.aws_secretsmanager_secret_version.ev_{}.secret_string"
    configuration = {"root_module": {"resources": [
        {"address": "aws_acm_certificate.ev", "mode": "managed", "type": "aws_acm_certificate", "name": "ev",
         "expressions": {"certificate_body": {"references": [secret.format("cert")]},
                         "private_key": {"references": [secret.format("key")]}}}]}}
    label, found = judged(tmp_path, change, configuration=configuration)
    assert label is SAFE and "credential-leak" not in found


@pytest.mark.parametrize(("vpc", "label"), [
    ([], RISKY),
    ([{"subnet_ids": ["subnet-0aa1", "subnet-0bb2"], "security_group_ids": ["sg-0a7c"]}], SAFE),
])
def test_a_function_taken_out_of_its_network(tmp_path: Path, vpc: list[Any], label: Label) -> None:
    def function(config: list[Any]) -> dict[str, Any]:
        return {"function_name": "core-banking-sync", "runtime": "python3.12", "vpc_config": config}
    before = function([{"subnet_ids": ["subnet-0c1d", "subnet-09f8"], "security_group_ids": ["sg-0a7c"]}])
    got, found = judged(tmp_path, entry("aws_lambda_function.core_sync", ["update"], before, function(vpc)))
    assert got is label
    assert ("egress-policy-opened" in found) is (label is RISKY)


# --- an API key created with rights over who has access ------------------------------------------------------
@pytest.mark.parametrize(("users", "keys", "label"), [(True, False, RISKY), (False, True, RISKY), (False, False, SAFE)])
def test_an_api_key_that_may_manage_users_or_other_keys(tmp_path: Path, users: bool, keys: bool,
                                                        label: Label) -> None:
    after = {"name": "grafana-dns-exporter", "dns_view_zones": True, "dns_manage_zones": False,
             "account_manage_users": users, "account_manage_apikeys": keys, "ip_whitelist": []}
    got, found = judged(tmp_path, entry("ns1_apikey.exporter", ["create"], None, after))
    assert got is label
    assert ("iam-privileged-role" in found) is (label is RISKY)


# --- a sub-zone retired together with its delegation ----------------------------------------------------------
SERVERS = ["ns-1402.awsdns-47.org.", "ns-371.awsdns-46.com."]


def delegation() -> dict[str, Any]:
    return entry("aws_route53_record.staging_delegation", ["delete"],
                 {"zone_id": "Z0PARENT", "name": "staging.acme-retail.com", "type": "NS", "ttl": 172800,
                  "records": SERVERS}, None)


def subzone() -> dict[str, Any]:
    return entry("aws_route53_zone.staging", ["delete"],
                 {"name": "staging.acme-retail.com", "zone_id": "Z0CHILD", "name_servers": SERVERS,
                  "force_destroy": False}, None)


def test_a_sub_zone_deleted_with_its_delegation_is_retired_whole(tmp_path: Path) -> None:
    label, found = judged(tmp_path, delegation(), subzone())
    assert label is SAFE and found["dns-delegation"] is Severity.MEDIUM


def test_a_delegation_deleted_while_its_zone_stays_is_high(tmp_path: Path) -> None:
    label, found = judged(tmp_path, delegation())
    assert label is RISKY and found["dns-delegation"] is Severity.HIGH
