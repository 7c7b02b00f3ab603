"""Software supply chain: review gates, workload identity subjects, signing and admission, registries, deploy keys,
code owners and owner groups, read on invented providers by what attributes mean; each with a benign look-alike
that stays likely safe (no high finding)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity

HIGH = Severity.HIGH


def _high(found: dict[str, Severity]) -> bool:
    return HIGH in found.values()


def _update(tmp_path: Path, address: str, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Severity]:
    return judge(tmp_path, [resource(address, after, before)])


# --- review gates on any VCS provider --------------------------------------------------------------------------

@pytest.mark.parametrize(("before", "after", "fires"), [
    (2, 0, True),     # required approvals to zero
    (2, 1, True),     # fewer approvals
    (1, 2, False),    # more approvals: tightened
])
def test_required_approvals_cut_inside_a_ruleset_block(tmp_path: Path, before: int, after: int, fires: bool) -> None:
    def ruleset(count: int) -> dict[str, Any]:
        return {"name": "main", "rules": [{"deletion": True, "pull_request": [
            {"required_approving_review_count": count, "require_code_owner_review": True}]}]}
    found = _update(tmp_path, "forgehub_repository_ruleset.main", ruleset(before), ruleset(after))
    assert _high(found) is fires


@pytest.mark.parametrize(("before", "after", "fires"), [(True, False, True), (False, True, False)])
def test_review_policy_switched_off(tmp_path: Path, before: bool, after: bool, fires: bool) -> None:
    def policy(on: bool) -> dict[str, Any]:
        return {"enabled": on, "blocking": True, "settings": [{"reviewer_count": 2}]}
    found = _update(tmp_path, "codeyard_branch_policy_reviewers.main", policy(before), policy(after))
    assert ("protection-disabled" in found) is fires


@pytest.mark.parametrize(("before", "after", "fires"), [("mandatory", "advisory", True),
                                                          ("advisory", "mandatory", False)])
def test_run_task_enforcement_relaxed(tmp_path: Path, before: str, after: str, fires: bool) -> None:
    found = _update(tmp_path, "stackhost_run_task.scan", {"enforcement_level": before, "stage": "post_plan"},
                    {"enforcement_level": after, "stage": "post_plan"})
    assert _high(found) is fires


@pytest.mark.parametrize(("after", "fires"), [
    ("* @corp/everyone\n", True),                                              # owners dropped, everyone owns
    ("* @corp/app-reviewers\n/infra/ @corp/sec\n/db/ @corp/dba\n", False),     # a path added, owners kept
    ("* @corp/app-reviewers\n", True),                                         # every path owner dropped
    ("* @corp/app-reviewers\n/db/ @corp/dba\n", False),                        # one obsolete path removed
])
def test_code_owners_rewritten(tmp_path: Path, after: str, fires: bool) -> None:
    before = "* @corp/app-reviewers\n/infra/ @corp/sec\n"
    found = _update(tmp_path, "gitbay_repo_file.owners", {"file": "docs/CODEOWNERS", "content": before},
                    {"file": "docs/CODEOWNERS", "content": after})
    assert ("supply-chain-opened" in found) is fires


def test_a_file_that_is_not_codeowners_is_not_read(tmp_path: Path) -> None:
    found = _update(tmp_path, "gitbay_repo_file.readme", {"file": "README.md", "content": "/a/ @x\n"},
                    {"file": "README.md", "content": "* @corp/everyone\n"})
    assert "supply-chain-opened" not in found


@pytest.mark.parametrize(("mode", "reviews", "fires"), [
    ("always", 1, True),
    ("pull_request", 1, False),   # the bypass still goes through a pull request
    ("always", None, False),      # a tag rule with no review to skip (a release bot)
])
def test_bypass_actor_always_skips_reviews(tmp_path: Path, mode: str, reviews: int | None, fires: bool) -> None:
    def ruleset(bypass: list[dict[str, Any]]) -> dict[str, Any]:
        rules: dict[str, Any] = {"deletion": True, "pull_request": []}
        if reviews is not None:
            rules["pull_request"] = [{"required_approving_review_count": reviews}]
        return {"name": "main", "bypass_actors": bypass, "rules": [rules]}
    found = _update(tmp_path, "forgehub_ruleset.main", ruleset([]),
                    ruleset([{"actor_id": 77, "actor_type": "Team", "bypass_mode": mode}]))
    assert ("supply-chain-opened" in found) is fires


# --- workload identity subjects --------------------------------------------------------------------------------

@pytest.mark.parametrize(("after", "fires"), [
    ("repo:corp/app:pull_request", True),
    ("repo:corp/app:environment:staging", False),
])
def test_federated_subject_any_pull_request(tmp_path: Path, after: str, fires: bool) -> None:
    def credential(subject: str) -> dict[str, Any]:
        return {"issuer": "https://tokens.ci.example", "audience": ["api://exchange"], "subject": subject}
    found = _update(tmp_path, "cloudco_federated_credential.deploy", credential("repo:corp/app:ref:refs/heads/main"),
                    credential(after))
    assert ("supply-chain-opened" in found) is fires


@pytest.mark.parametrize(("before", "after", "fires"), [
    (["repo", "context"], ["repository_owner"], True),
    (["repo", "context"], ["repo", "context", "job_workflow_ref"], False),
])
def test_subject_claims_reduced_to_owner(tmp_path: Path, before: list[str], after: list[str], fires: bool) -> None:
    found = _update(tmp_path, "forgehub_oidc_subject_template.org", {"include_claim_keys": before},
                    {"include_claim_keys": after})
    assert ("supply-chain-opened" in found) is fires


# --- signing and admission -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("before", "after", "fires"), [
    ("REQUIRE_ATTESTATION", "ALWAYS_ALLOW", True),
    ("ALWAYS_ALLOW", "REQUIRE_ATTESTATION", False),
])
def test_admission_policy_always_allows(tmp_path: Path, before: str, after: str, fires: bool) -> None:
    found = _update(tmp_path, "cloudco_image_admission_policy.prod", {"default_rule": [{"evaluation_mode": before}]},
                    {"default_rule": [{"evaluation_mode": after}]})
    assert ("supply-chain-opened" in found) is fires


@pytest.mark.parametrize(("after", "fires"), [
    ([{"issuer": "*", "subject_regex": ".*"}], True),
    ([{"issuer": "https://tokens.ci.example", "subject_regex": "^https://forge/corp/app/release@v.+$"},
      {"issuer": "https://tokens.ci.example", "subject_regex": "^https://forge/corp/lib/release@v.+$"}], False),
])
def test_signer_identity_matched_by_anything(tmp_path: Path, after: list[dict[str, str]], fires: bool) -> None:
    before = [{"issuer": "https://tokens.ci.example", "subject_regex": "^https://forge/corp/app/release@v.+$"}]
    found = _update(tmp_path, "sealtrust_verify_policy.prod", {"mode": "enforce", "trusted": before},
                    {"mode": "enforce", "trusted": after})
    assert ("supply-chain-opened" in found) is fires


# --- registries and keys ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("user", "permissions", "fires"), [
    ("anonymous", ["read", "write"], True),
    ("anonymous", ["read"], False),            # anonymous pulls of a public mirror
    ("release-bot", ["read", "write"], False),
])
def test_anonymous_write_to_a_registry(tmp_path: Path, user: str, permissions: list[str], fires: bool) -> None:
    def target(users: list[dict[str, Any]]) -> dict[str, Any]:
        return {"name": "pkgs", "repo": [{"repositories": ["pkgs-local"], "actions": [{"users": users}]}]}
    found = _update(tmp_path, "pkgvault_permission_target.pkgs", target([]),
                    target([{"name": user, "permissions": permissions}]))
    assert ("supply-chain-opened" in found) is fires


@pytest.mark.parametrize(("before", "after", "fires"), [("PRIVATE", "PUBLIC", True), ("PUBLIC", "PRIVATE", False)])
def test_registry_namespace_default_visibility(tmp_path: Path, before: str, after: str, fires: bool) -> None:
    found = _update(tmp_path, "cloudco_registry_namespace.prod", {"name": "prod", "default_visibility": before},
                    {"name": "prod", "default_visibility": after})
    assert _high(found) is fires


@pytest.mark.parametrize(("read_only", "fires"), [(False, True), (True, False)])
def test_deploy_key_created_with_write_access(tmp_path: Path, read_only: bool, fires: bool) -> None:
    found = judge(tmp_path, [resource("gitbay_deploy_key.bot", {"title": "bot", "repository": "app",
                                                                "read_only": read_only})])
    assert ("supply-chain-opened" in found) is fires


@pytest.mark.parametrize(("can_push", "fires"), [(True, True), (False, False)])
def test_deploy_key_created_able_to_push(tmp_path: Path, can_push: bool, fires: bool) -> None:
    found = judge(tmp_path, [resource("codeyard_deploy_key.bot", {"title": "bot", "can_push": can_push})])
    assert ("supply-chain-opened" in found) is fires


# --- everyone assigned an owner role ---------------------------------------------------------------------------

@pytest.mark.parametrize(("group", "role", "fires"), [
    ("grp-Everyone-01", "org_owner", True),
    ("grp-platform-eng", "org_owner", False),
    ("grp-Everyone-01", "member", False),
])
def test_everyone_group_assigned_an_owner_role(tmp_path: Path, group: str, role: str, fires: bool) -> None:
    found = judge(tmp_path, [resource("idhub_app_group_assignment.forge", {
        "app_id": "app-1", "group_id": group, "profile": json.dumps({"forgeRole": role})})])
    assert ("supply-chain-opened" in found) is fires


# --- benign destroys -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("archive", "high"), [(True, False), (False, True)])
def test_repository_delete_that_archives(tmp_path: Path, archive: bool, high: bool) -> None:
    found = judge(tmp_path, [resource("forgehub_repository.old", None, {"name": "old", "archive_on_destroy": archive},
                                      actions=["delete"])])
    assert (found.get("resource-delete") is HIGH) is high


@pytest.mark.parametrize(("address", "before", "high"), [
    ("forgehub_pipeline_secret.old", {"secret_name": "OLD", "encrypted_value": "(sensitive)"}, False),
    ("cloudco_secretsmanager_secret.db", {"name": "db", "recovery_window_in_days": 0}, True),   # a store
])
def test_pushed_secret_copy_deleted(tmp_path: Path, address: str, before: dict[str, Any], high: bool) -> None:
    found = judge(tmp_path, [resource(address, None, before, actions=["delete"])])
    assert (found.get("resource-delete") is HIGH) is high
