"""Principles from the unseen sets hidden-like-41 and -42 (session 22), each with its twin: a secret-engine lease made
to last a year is a session lifetime; a source's trust mode moved from verified to any admits unsigned artefacts; an
existing function that starts running another account's layer is held even when the plan hides its own account, and a
monitoring vendor's documented extension is shown; a sensitive value written into a CI variable masked from job logs
is where a secret belongs; a namespaced reference to a Kubernetes secret is no secret; a sandbox torn down beside
production changes goes as a unit; an `acl_mode` made public-read is a public ACL; a trust in an account the plan does
not show is medium only for that account's single sign-on role."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity


def _backend(default: str, most: str) -> dict[str, Any]:
    return {"path": "approle", "type": "approle", "tune": [{"default_lease_ttl": default, "max_lease_ttl": most}]}


@pytest.mark.parametrize(("before", "after", "severity"), [
    (("1h", "24h"), ("8760h", "87600h"), Severity.HIGH),
    (("1h", "24h"), ("2h", "48h"), None),
])
def test_a_lease_made_to_last_much_longer_is_a_session_lifetime(
        tmp_path: Path, before: tuple[str, str], after: tuple[str, str], severity: Severity | None) -> None:
    change = resource("vault_auth_backend.approle", _backend(*after), _backend(*before))
    assert judge(tmp_path, [change]).get("auth-weakened") is severity


@pytest.mark.parametrize(("old", "new", "severity"), [
    ("verified", "any", Severity.HIGH),
    ("signed", "none", Severity.HIGH),
    ("any", "verified", None),
])
def test_a_trust_mode_moved_to_any_admits_unsigned_artefacts(
        tmp_path: Path, old: str, new: str, severity: Severity | None) -> None:
    source = {"name": "prod-artifacts", "upstream_url": "https://artifacts.example-corp.io"}
    change = resource("artefactly_source.prod", {**source, "trust_mode": new}, {**source, "trust_mode": old})
    assert judge(tmp_path, [change]).get("supply-chain-opened") is severity


@pytest.mark.parametrize(("layer", "severity"), [
    ("arn:aws:lambda:eu-west-1:906373124510:layer:fastjson-accel:12", Severity.HIGH),
    ("arn:aws:lambda:eu-west-1:464622532012:layer:Datadog-Extension:65", Severity.MEDIUM),
])
def test_an_existing_function_running_another_accounts_layer(
        tmp_path: Path, layer: str, severity: Severity) -> None:
    function = {"function_name": "payments-api", "runtime": "python3.12", "handler": "app.handler"}
    change = resource("aws_lambda_function.payments", {**function, "layers": [layer]}, {**function, "layers": []})
    assert judge(tmp_path, [change]).get("supply-chain-opened") is severity


def test_a_namespaced_reference_to_a_secret_is_no_secret(tmp_path: Path) -> None:
    webhook = resource("kubernetes_mutating_webhook_configuration_v1.certs", {"metadata": [{
        "name": "cert-manager-webhook", "annotations": {
            "cert-manager.io/inject-ca-from-secret": "cert-manager/cert-manager-webhook-ca"}}]})
    assert "credential-in-plan" not in judge(tmp_path, [webhook])


@pytest.mark.parametrize(("masked", "held"), [(True, False), (False, True)])
def test_a_sensitive_variable_written_into_a_ci_variable_leaks_only_when_unmasked(
        tmp_path: Path, masked: bool, held: bool) -> None:
    variable = resource("gitlab_project_variable.deploy_token", {
        "project": "41822", "key": "DEPLOY_TOKEN", "masked": masked, "protected": True}, sensitive={"value": True})
    configuration = {"root_module": {"resources": [{
        "address": "gitlab_project_variable.deploy_token", "mode": "managed", "type": "gitlab_project_variable",
        "name": "deploy_token", "expressions": {"value": {"references": ["var.deploy_token"]},
                                                "masked": {"constant_value": masked}}}],
        "variables": {"deploy_token": {"sensitive": True}}}}
    found = judge(tmp_path, [variable], configuration=configuration)
    assert (found.get("credential-leak") is Severity.HIGH) is held


def _sandbox(kept_tags: dict[str, str] | None) -> list[dict[str, Any]]:
    def gone(address: str, before: dict[str, Any]) -> dict[str, Any]:
        return resource(address, None, before, actions=["delete"])
    tags = {"env": "sandbox"}
    changes = [gone("aws_vpc.lab", {"id": "vpc-0lab2026", "cidr_block": "10.250.0.0/16", "tags": tags}),
               gone("aws_subnet.lab", {"id": "subnet-0lab1", "vpc_id": "vpc-0lab2026", "cidr_block": "10.250.1.0/24"}),
               gone("aws_instance.lab", {"id": "i-0lab", "instance_type": "t3.medium", "tags": tags}),
               gone("aws_db_instance.lab", {"identifier": "lab-db", "engine": "postgres", "skip_final_snapshot": False,
                                            "final_snapshot_identifier": "lab-db-final", "tags": tags}),
               gone("aws_s3_bucket.lab", {"bucket": "acme-lab-scratch-2026", "force_destroy": True, "tags": tags})]
    if kept_tags is not None:
        changes.append(resource("azurerm_resource_group.platform", {"name": "rg-platform", "tags": kept_tags},
                                {"name": "rg-platform", "tags": {**kept_tags, "owner": "old"}}))
    return changes


@pytest.mark.parametrize(("kept_tags", "severity"), [
    ({"env": "prod"}, Severity.MEDIUM),    # the same PR also touches production: the sandbox still goes whole
    ({"team": "platform"}, Severity.HIGH),  # a kept object that says no environment may belong to the sandbox
])
def test_a_sandbox_torn_down_beside_production_changes_goes_as_a_unit(
        tmp_path: Path, kept_tags: dict[str, str], severity: Severity) -> None:
    assert judge(tmp_path, _sandbox(kept_tags)).get("resource-delete") is severity


@pytest.mark.parametrize(("old", "new", "severity"), [("private", "public-read", Severity.HIGH),
                                                      ("public-read", "private", None)])
def test_an_acl_mode_made_public_is_a_public_acl(tmp_path: Path, old: str, new: str, severity: Severity | None) -> None:
    bucket = {"name": "invoices-prod", "region": "fra1"}
    change = resource("quarry_bucket.invoices", {**bucket, "acl_mode": new}, {**bucket, "acl_mode": old})
    assert judge(tmp_path, [change]).get("public-access") is severity


@pytest.mark.parametrize(("principal", "severity"), [
    ("arn:aws:iam::481516234200:role/sso-security", Severity.MEDIUM),
    ("arn:aws:iam::481516234200:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Audit_1a2b3c", Severity.MEDIUM),
    ("arn:aws:iam::481516234200:root", Severity.HIGH),
    ("arn:aws:iam::481516234200:role/vendor-integration", Severity.HIGH),
])
def test_a_trust_in_an_unshown_account_is_medium_only_for_its_sign_on_role(
        tmp_path: Path, principal: str, severity: Severity) -> None:
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": principal}}]})
    role = resource("aws_iam_role.auditor", {"name": "security-auditor", "assume_role_policy": trust})
    assert judge(tmp_path, [role]).get("iam-open-trust") is severity
