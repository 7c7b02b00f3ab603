"""Session 21's GitOps and developer-platform misses and false alarms, by principle, each with its twin (a benign
look-alike that stays safe for a recall fix, a risky one that stays high for a false-alarm fix)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def entry(address: str, before: Any, after: Any) -> dict[str, Any]:
    """One resource change; the action follows from which sides are there."""
    actions = ["create"] if before is None else ["delete"] if after is None else ["update"]
    rtype, _, name = address.partition(".")
    change: dict[str, Any] = {"actions": actions, "before": before, "after": after, "after_unknown": {}}
    return {"address": address, "mode": "managed", "type": rtype, "name": name,
            "provider_name": "registry.terraform.io/acme/acme", "change": change}


def judge(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> tuple[str, dict[str, Severity]]:
    """(label, {rule: worst severity}) of a plan of CHANGES reviewed with the rules alone."""
    result = review_rules_alone(tmp_path, changes, **sections)
    return result.label.value, worst_by_rule(result)


# --- a scope excluded from a policy set is exempt from every policy in it -------------------------------------------

EXCLUSION = {"policy_set_id": "pol-guardrails", "project_id": "prj-billing"}


def test_a_project_excluded_from_a_policy_set_is_an_exemption(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("acme_project_policy_set_exclusion.billing", None, EXCLUSION)])
    assert (label, worst.get("guardrail-relaxed")) == ("needs_close_review", Severity.HIGH)


def test_an_exclusion_removed_restores_the_policy_set(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("acme_project_policy_set_exclusion.billing", EXCLUSION, None)])
    assert (label, worst.get("guardrail-relaxed")) == ("likely_safe", None)


def test_a_log_exclusion_is_no_policy_exemption(tmp_path: Path) -> None:
    _, worst = judge(tmp_path, [entry("google_logging_project_exclusion.health", None, {
        "name": "healthz", "filter": 'httpRequest.requestUrl="/healthz" AND httpRequest.status=200'})])
    assert worst.get("guardrail-relaxed") is None


# --- a registry's signature enforcement off, whichever signer it names ----------------------------------------------

def test_content_trust_by_a_named_signer_turned_off_is_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("acme_registry_namespace.pay", {"name": "pay", "content_trust_notary": True},
                                          {"name": "pay", "content_trust_notary": False})])
    assert (label, worst.get("detection-disabled")) == ("needs_close_review", Severity.HIGH)


def test_content_trust_by_a_named_signer_turned_on_is_safe(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("harbor_project.pay", {"name": "pay", "enable_content_trust_cosign": False},
                                          {"name": "pay", "enable_content_trust_cosign": True})])
    assert (label, worst.get("detection-disabled")) == ("likely_safe", None)


# --- the role everyone gets by default raised to admin -----------------------------------------------------------

def test_a_default_member_role_raised_to_admin_is_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("acme_org_settings.main", {"default_member_role": "viewer"},
                                          {"default_member_role": "org-admin"})])
    assert (label, worst.get("iam-privileged-role")) == ("needs_close_review", Severity.HIGH)


def test_a_default_role_lowered_from_admin_is_safe(tmp_path: Path) -> None:
    rbac = {"policy.csv": "g, acme:sre, role:admin\n"}
    label, worst = judge(tmp_path, [entry("kubernetes_config_map_v1_data.rbac",
                                          {"data": {**rbac, "policy.default": "role:admin"}},
                                          {"data": {**rbac, "policy.default": "role:readonly"}})])
    assert (label, worst.get("iam-privileged-role")) == ("likely_safe", None)


# --- a production deployer that applies or syncs every merge by itself ----------------------------------------------

def _deployer(auto: bool, env: str) -> dict[str, Any]:
    return {"name": f"checkout-{env}", "branch": "main", "autoDeploy": auto, "labels": {"env": env}}


def test_auto_deploy_turned_on_in_production_is_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("acme_service.checkout", _deployer(False, "production"),
                                          _deployer(True, "production"))])
    assert (label, worst.get("auth-weakened")) == ("needs_close_review", Severity.HIGH)


def test_automated_sync_added_to_a_prod_application_is_high(tmp_path: Path) -> None:
    def app(automated: list[dict[str, Any]]) -> dict[str, Any]:
        return {"metadata": [{"name": "billing-prod"}], "spec": [{"sync_policy": [{"automated": automated}]}]}
    label, worst = judge(tmp_path, [entry("argocd_application.billing", app([]),
                                          app([{"prune": True, "self_heal": True}]))])
    assert (label, worst.get("auth-weakened")) == ("needs_close_review", Severity.HIGH)


def test_auto_deploy_turned_on_in_staging_is_safe(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("acme_service.checkout", _deployer(False, "staging"),
                                          _deployer(True, "staging"))])
    assert (label, worst.get("auth-weakened")) == ("likely_safe", None)


# --- a GitOps project's destinations widened to `*`, in the provider's own type ----------------------------------

def _project(destinations: list[dict[str, str]]) -> dict[str, Any]:
    return {"metadata": [{"name": "ledger", "namespace": "argocd"}],
            "spec": [{"source_repos": ["https://git.example.com/ledger/deploy.git"], "destination": destinations,
                      "cluster_resource_whitelist": []}]}


LEDGER = {"server": "https://kubernetes.default.svc", "namespace": "ledger", "name": ""}


def test_a_project_whose_destinations_become_every_namespace_is_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("argocd_project.ledger", _project([LEDGER]),
                                          _project([{"server": "*", "namespace": "*", "name": ""}]))])
    assert (label, worst.get("policy-allows-anyone")) == ("needs_close_review", Severity.HIGH)


def test_a_project_given_one_more_named_namespace_is_safe(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("argocd_project.ledger", _project([LEDGER]),
                                          _project([LEDGER, {**LEDGER, "namespace": "ledger-jobs"}]))])
    assert (label, worst.get("policy-allows-anyone")) == ("likely_safe", None)


# --- a bypass holder kept with a narrower mode gains nothing ----------------------------------------------------

def _gate(mode: str) -> dict[str, Any]:
    return {"name": "main", "enforcement": "active",
            "bypass_actors": [{"actor_id": 7, "actor_type": "Team", "bypass_mode": mode}],
            "rules": [{"pull_request": [{"required_approving_review_count": 2}]}]}


def test_a_bypass_holder_narrowed_to_pull_requests_is_safe(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("acme_branch_gate.main", _gate("always"), _gate("pull_request"))])
    assert (label, worst.get("protection-disabled")) == ("likely_safe", None)


def test_a_bypass_holder_widened_to_always_is_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("acme_branch_gate.main", _gate("pull_request"), _gate("always"))])
    assert (label, worst.get("protection-disabled")) == ("needs_close_review", Severity.HIGH)


# --- a public project that only mirrors a public registry, anonymously, exposes nothing ---------------------------

def _cache(url: str, username: str = "") -> dict[str, Any]:
    return {"name": "hub-cache", "public": True, "url": url, "username": username}


def test_a_public_anonymous_mirror_of_docker_hub_is_not_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("acme_remote_repository.hub", None, _cache("https://registry-1.docker.io"))])
    assert (label, worst.get("public-access")) == ("likely_safe", Severity.MEDIUM)


def test_a_public_mirror_of_a_private_registry_stays_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("acme_remote_repository.hub", None,
                                          _cache("https://registry.corp.example.com"))])
    assert (label, worst.get("public-access")) == ("needs_close_review", Severity.HIGH)


def test_a_public_mirror_signed_in_to_docker_hub_stays_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("acme_remote_repository.hub", None,
                                          _cache("https://registry-1.docker.io", "acme-bot"))])
    assert (label, worst.get("public-access")) == ("needs_close_review", Severity.HIGH)


def test_a_project_referencing_an_anonymous_hub_registry_is_not_high(tmp_path: Path) -> None:
    registry = {"name": "hub", "endpoint_url": "https://hub.docker.com", "access_id": ""}
    project = {"name": "hub-cache", "public": True}
    configuration = {"root_module": {"resources": [
        {"address": "harbor_registry.hub", "mode": "managed", "type": "harbor_registry", "name": "hub",
         "expressions": {"endpoint_url": {"constant_value": "https://hub.docker.com"}}},
        {"address": "harbor_project.cache", "mode": "managed", "type": "harbor_project", "name": "cache",
         "expressions": {"public": {"constant_value": True},
                         "registry_id": {"references": ["harbor_registry.hub.registry_id", "harbor_registry.hub"]}}}]}}
    label, worst = judge(tmp_path, [entry("harbor_registry.hub", None, registry),
                                    entry("harbor_project.cache", None, project)], configuration=configuration)
    assert (label, worst.get("public-access")) == ("likely_safe", Severity.MEDIUM)


# --- a credential in a deleted variable: the delete takes it out; the variable was a pushed credential -----------

KEY_VARIABLE = {"key": "DEPLOY_KEY", "value": "AKIA2XQ7RVLMPB4K6N3D", "protected": False, "masked": False,
                "project": "4411"}


def test_a_deleted_variable_that_held_a_key_is_not_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("gitlab_project_variable.deploy_key", KEY_VARIABLE, None)])
    assert label == "likely_safe"
    assert (worst.get("credential-in-plan"), worst.get("resource-delete")) == (Severity.LOW, Severity.MEDIUM)


def test_a_key_written_into_a_new_variable_stays_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("gitlab_project_variable.deploy_key", None, KEY_VARIABLE)])
    assert (label, worst.get("credential-in-plan")) == ("needs_close_review", Severity.HIGH)


# --- a deployer deleted with its cascade off orphans what it deployed --------------------------------------------

def _application(cascade: bool) -> dict[str, Any]:
    return {"cascade": cascade, "metadata": [{"name": "ledger-prod", "namespace": "argocd"}],
            "spec": [{"destination": [{"namespace": "ledger", "server": "https://kubernetes.default.svc"}]}]}


def test_an_application_deleted_without_cascade_is_not_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("argocd_application.ledger", _application(False), None)])
    assert (label, worst.get("resource-delete")) == ("likely_safe", Severity.MEDIUM)


def test_an_owner_deleted_with_orphan_propagation_is_not_high(tmp_path: Path) -> None:
    owner = {"name": "ledger", "propagation_policy": "Orphan", "replicas": 3}
    label, worst = judge(tmp_path, [entry("acme_release_owner.ledger", owner, None)])
    assert (label, worst.get("resource-delete")) == ("likely_safe", Severity.MEDIUM)


def test_an_application_deleted_with_cascade_stays_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("argocd_application.ledger", _application(True), None)])
    assert (label, worst.get("resource-delete")) == ("needs_close_review", Severity.HIGH)


# --- a cleanup that deletes every tag by age, with no tag filter, deletes what prod runs ---------------------------

def _lifecycle(selection: dict[str, Any]) -> dict[str, Any]:
    return {"repository": "platform/services", "policy": json.dumps({"rules": [
        {"rulePriority": 1, "selection": selection, "action": {"type": "expire"}}]})}


def test_an_ecr_rule_expiring_any_image_after_sixty_days_is_high(tmp_path: Path) -> None:
    selection = {"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 60}
    label, worst = judge(tmp_path, [entry("aws_ecr_lifecycle_policy.services", None, _lifecycle(selection))])
    assert (label, worst.get("cleanup-in-use")) == ("needs_close_review", Severity.HIGH)


def test_an_ecr_rule_keeping_the_newest_fifty_is_safe(tmp_path: Path) -> None:
    selection = {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 50}
    label, worst = judge(tmp_path, [entry("aws_ecr_lifecycle_policy.services", None, _lifecycle(selection))])
    assert (label, worst.get("cleanup-in-use")) == ("likely_safe", None)


def test_an_ecr_rule_expiring_only_preview_tags_is_safe(tmp_path: Path) -> None:
    selection = {"tagStatus": "tagged", "tagPrefixList": ["pr-"], "countType": "sinceImagePushed",
                 "countUnit": "days", "countNumber": 7}
    label, worst = judge(tmp_path, [entry("aws_ecr_lifecycle_policy.services", None, _lifecycle(selection))])
    assert (label, worst.get("cleanup-in-use")) == ("likely_safe", None)


def _gar(dry_run: bool) -> dict[str, Any]:
    return {"repository_id": "containers", "cleanup_policy_dry_run": dry_run, "cleanup_policies": [
        {"id": "age-out", "action": "DELETE", "condition": [{"tag_state": "ANY", "older_than": "2592000s",
                                                             "tag_prefixes": []}]}]}


def test_a_dry_run_age_out_is_safe_and_turning_it_live_is_high(tmp_path: Path) -> None:
    assert judge(tmp_path, [entry("google_artifact_registry_repository.containers", None, _gar(True))])[0] \
        == "likely_safe"
    label, worst = judge(tmp_path, [entry("google_artifact_registry_repository.containers", _gar(True),
                                          _gar(False))])
    assert (label, worst.get("cleanup-in-use")) == ("needs_close_review", Severity.HIGH)


# --- an access policy whose include says only how someone signed in, not who -------------------------------------

def _access(include: dict[str, Any], require: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"name": "wiki", "decision": "allow", "include": [include], "require": require or [], "exclude": []}


STAFF = {"email_domain": ["example.com"], "login_method": []}
GOOGLE_LOGIN = {"email_domain": [], "login_method": ["idp-google"]}


def test_an_include_of_only_a_login_method_is_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("cloudflare_zero_trust_access_policy.wiki", _access(STAFF),
                                          _access(GOOGLE_LOGIN))])
    assert (label, worst.get("iam-public-member")) == ("needs_close_review", Severity.HIGH)


def test_a_login_method_include_with_a_require_naming_staff_is_safe(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("cloudflare_zero_trust_access_policy.wiki", _access(STAFF),
                                          _access(GOOGLE_LOGIN, [{"email_domain": ["example.com"]}]))])
    assert (label, worst.get("iam-public-member")) == ("likely_safe", None)


# --- a code host's own log stream is its org audit log -----------------------------------------------------------

def _index(query: str) -> dict[str, Any]:
    return {"name": "main", "exclusion_filter": [
        {"name": "volume", "is_enabled": True, "filter": [{"query": query, "sample_rate": 1}]}]}


def test_excluding_every_gitlab_source_log_is_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("datadog_logs_index.main", {"name": "main", "exclusion_filter": []},
                                          _index("source:gitlab"))])
    assert (label, worst.get("logging-disabled")) == ("needs_close_review", Severity.HIGH)


def test_excluding_a_runner_service_named_for_github_is_safe(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("datadog_logs_index.main", {"name": "main", "exclusion_filter": []},
                                          _index("service:github-runner status:debug"))])
    assert (label, worst.get("logging-disabled")) == ("likely_safe", None)


# --- a CI or deploy server that lets each repository bring its own commands -------------------------------------

def test_custom_pipelines_allowed_on_a_runner_is_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("acme_ci_server_settings.main", {"allow_custom_pipelines": False},
                                          {"allow_custom_pipelines": True})])
    assert (label, worst.get("supply-chain-opened")) == ("needs_close_review", Severity.HIGH)


def test_custom_workflows_forbidden_again_is_safe(tmp_path: Path) -> None:
    values = "repos:\n  - id: /.*/\n    allow_custom_workflows: {}\n"
    label, worst = judge(tmp_path, [entry("helm_release.atlantis", {"values": [values.format("true")]},
                                          {"values": [values.format("false")]})])
    assert (label, worst.get("supply-chain-opened")) == ("likely_safe", None)


# --- a policy that allows on a name its holder chooses -------------------------------------------------------------

POLICY = "package access\n\nallow { input.user.org == \"acme\" }\n"


def test_an_allow_on_a_username_prefix_is_high(tmp_path: Path) -> None:
    opened = POLICY + "allow { startswith(input.user.username, \"acme-\") }\n"
    label, worst = judge(tmp_path, [entry("acme_access_policy.ci", {"rego": POLICY}, {"rego": opened})])
    assert (label, worst.get("iam-public-member")) == ("needs_close_review", Severity.HIGH)


def test_a_name_pattern_beside_a_membership_test_is_safe(tmp_path: Path) -> None:
    narrowed = POLICY + "allow { startswith(input.user.username, \"acme-\"); input.user.org == \"acme\" }\n"
    denied = narrowed + "deny { endswith(input.user.login, \"-bot\") }\n"
    label, worst = judge(tmp_path, [entry("acme_access_policy.ci", {"rego": POLICY}, {"rego": denied})])
    assert (label, worst.get("iam-public-member")) == ("likely_safe", None)


# --- a gate on vulnerable images turned off (a threshold moved is tuning) ------------------------------------------

def test_a_vulnerability_gate_turned_off_is_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("acme_registry_scan_policy.prod", {"fail_on_severity": "medium"},
                                          {"fail_on_severity": "none"})])
    assert (label, worst.get("detection-disabled")) == ("needs_close_review", Severity.HIGH)


def test_a_vulnerability_gate_moved_to_critical_is_safe(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("harbor_project.platform", {"deployment_security": "high"},
                                          {"deployment_security": "critical"})])
    assert (label, worst.get("detection-disabled")) == ("likely_safe", None)
