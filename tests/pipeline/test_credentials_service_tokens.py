"""Package registries' and services' tokens (npm, PyPI, Docker Hub, HCP Terraform, Vault, SendGrid, …) are
credentials by their documented prefixes, wherever they sit (a plain CI variable, env, Helm values); words and ids
that share a prefix are not."""

from __future__ import annotations

import copy
import json

import orjson
import pytest

from tests.pipeline.test_credentials import plan
from tfreview.pipeline.credential_mask import CredentialHit
from tfreview.pipeline.credentials import probe
from tfreview.pipeline.mask import mask_document
from tfreview.pipeline.review import review
from tfreview.settings import Settings

HEX = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
TOKENS = {
    "npm": "npm_Zk39xQ0pLm2nWv7bT4yR1uE8iO5aS6dFgHjK",
    "pypi": "pypi-AgEIcHlwaS5vcmcCJDk4ZmU3YzFhLTAwMDAtNDAwMC1hMDAwLTAwMDAwMDAwMDAwMAACKlsz",
    "docker-hub": "dckr_pat_Zk39xQ0pLm2nWv7bT4yR1uE8iO5",
    "terraform-cloud": "Zk39xQ0pLm2nWv.atlasv1.Zk39xQ0pLm2nWv7bT4yR1uE8iO5aS6dFgHjKlQwErTyUiOpAsDfGhJkLzXcVbNm12",
    "pulumi": f"pul-{HEX}12345678",
    "vault": "hvs.CAESIZk39xQ0pLm2nWv7bT4yR1uE8iO5aS6dF",
    "digitalocean": f"dop_v1_{HEX}{HEX}",
    "sendgrid": "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",
    "shopify": f"shpat_{HEX}",
    "new-relic": "NRAK-ZK39XQ0PLM2NWV7BT4YR1UE8IO5",
    "databricks": f"dapi{HEX}",
}


@pytest.mark.parametrize("case", list(TOKENS))
def test_a_service_token_is_found_masked_and_located(case: str) -> None:
    token = TOKENS[case]
    document = plan({"value": token, "variable_name": "PUBLISH_AUTH"}, "github_actions_variable.publish",
                    "github_actions_variable")
    assert probe(orjson.dumps(document)), "the probe must never miss what the walk finds"
    report = mask_document(document)
    assert token not in orjson.dumps(document).decode()
    assert report.credentials == [CredentialHit("service-token", "github_actions_variable.publish", "value")]


@pytest.mark.parametrize("text", [
    "npm_config_registry", "npm_package_version", "hvs.example", "SG.notes", "dapi-gateway", "pul-request",
    "shpat_", "glc_cache", "NRAK-short", "registry.npmjs.org/@acme/npm_utils", "dop_v1_short",
])
def test_names_and_short_words_with_a_token_prefix_are_left_alone(text: str) -> None:
    document = plan({"id": text, "description": text})
    before = copy.deepcopy(document)
    report = mask_document(document)
    assert (report.credentials, document) == ([], before)


def _variable(tmp_path, value: str):
    document = {"format_version": "1.2", "terraform_version": "1.9.5", "resource_changes": [{
        "address": "github_actions_variable.npm", "mode": "managed", "type": "github_actions_variable",
        "name": "npm", "provider_name": "registry.terraform.io/integrations/github",
        "change": {"actions": ["create"], "before": None,
                   "after": {"repository": "checkout-service", "value": value, "variable_name": "NPM_AUTH"},
                   "after_unknown": {"id": True}, "before_sensitive": False, "after_sensitive": {}}}]}
    path = tmp_path / "plan.json"
    path.write_bytes(orjson.dumps(document))
    return review(path, Settings(backend="none"))


def test_a_token_in_a_plain_ci_variable_holds_the_plan(tmp_path) -> None:
    result = _variable(tmp_path, TOKENS["npm"])
    assert result.label.value == "needs_close_review"
    assert TOKENS["npm"] not in result.model_dump_json()


def test_a_plain_ci_variable_without_a_token_stays_safe(tmp_path) -> None:
    assert _variable(tmp_path, "https://registry.npmjs.org/").label.value == "likely_safe"


@pytest.mark.parametrize(("script", "found"), [
    ("export PGPASSWORD=$(gcloud secrets versions access latest --secret=reporting-db)", False),
    ("DB=$(aws secretsmanager get-secret-value --secret-id prod/reporting-db --query SecretString)", False),
    ("mysqldump --user=backup --secret=Xk29dPq7vLm3 reporting", True),  # no secret store read on the line
])
def test_the_name_of_a_secret_a_store_read_fetches_is_no_secret(script: str, found: bool) -> None:
    report = mask_document(plan({"user_data": f"#!/bin/bash\n{script}\n"}))
    assert bool(report.credentials) is found


@pytest.mark.parametrize(("parameters", "found"), [
    ({"logAnalyticsWorkspaceKey": {"value": "bm90LWEtcmVhbC1rZXktZm9yLXRlc3RzLW9ubHktMjAyNi1hYmNkZWY9PQ=="}}, True),
    ({"logAnalyticsWorkspaceId": {"value": "/subscriptions/a41f9c27/resourceGroups/rg/providers/"
                                           "Microsoft.OperationalInsights/workspaces/law-central"}}, False),
    ({"partitionKey": {"value": "tenantId"}, "effect": {"value": "DeployIfNotExists"}}, False),
])
def test_a_key_passed_as_an_arm_parameter_object_is_found_and_masked(parameters: dict, found: bool) -> None:
    document = plan({"parameters": json.dumps(parameters), "name": "deploy-ama"},
                    "azurerm_management_group_policy_assignment.ama", "azurerm_management_group_policy_assignment")
    report = mask_document(document)
    assert bool(report.credentials) is found
    if found:
        assert "bm90LWEtcmVhbC1rZXkt" not in orjson.dumps(document).decode()
