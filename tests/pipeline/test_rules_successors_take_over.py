"""successors.py: a delete whose job a create of its kind takes over where it acted, a ruleset that enforces all
the deleted object did, a cache with no copies re-made under its identity, an older version retired while a newer
one serves; each with a twin that stays high (another target, another identity, weaker, copies kept, still used)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.kinds import looks_stateful


def made(address: str, after: dict[str, Any]) -> dict[str, Any]:
    """One create entry of `terraform show -json`."""
    kind, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": kind, "name": name.split("[")[0],
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {"id": True},
                       "after_sensitive": {}}}


def kept(address: str, values: dict[str, Any]) -> dict[str, Any]:
    """One no-op entry."""
    entry = made(address, values)
    entry["change"].update(actions=["no-op"], before=values)
    return entry


def _variable(**extra: Any) -> dict[str, Any]:
    return {"key": "SONAR_TOKEN", "value": "(sensitive value)", "masked": True, "protected": True,
            "environment_scope": "*", **extra}


def test_a_project_variable_moved_up_to_the_group_that_holds_the_project_is_medium(tmp_path: Path) -> None:
    plan = [gone("forgeci_project_variable.sonar", _variable(project="acme/platform/deployer")),
            made("forgeci_group_variable.sonar", _variable(group="acme/platform"))]
    assert worst(tmp_path, plan) is Severity.MEDIUM


@pytest.mark.parametrize("group", [
    _variable(group="acme/other"),  # a group that does not hold the project
    _variable(group="acme/platform", key="SONAR_HOST"),  # another variable
    _variable(group="acme/platform", masked=False),  # weaker: shown in job logs
])
def test_a_group_variable_elsewhere_another_or_weaker_stays_high(tmp_path: Path, group: dict[str, Any]) -> None:
    plan = [gone("forgeci_project_variable.sonar", _variable(project="acme/platform/deployer")),
            made("forgeci_group_variable.sonar", group)]
    assert worst(tmp_path, plan) is Severity.HIGH


def _release(name: str, chart: str, namespace: str = "monitoring") -> dict[str, Any]:
    return {"name": name, "chart": chart, "namespace": namespace}


def test_a_release_whose_successor_in_its_namespace_names_it_is_medium(tmp_path: Path) -> None:
    plan = [gone("chartctl_release.legacy", _release("prometheus", "prometheus")),
            made("chartctl_release.stack", _release("kps", "kube-prometheus-stack"))]
    assert worst(tmp_path, plan) is Severity.MEDIUM


@pytest.mark.parametrize("new", [_release("kps", "kube-prometheus-stack", "observability"),  # other namespace
                                 _release("grafana", "grafana")])  # another job
def test_a_release_in_another_namespace_or_doing_another_job_stays_high(tmp_path: Path, new: dict[str, Any]) -> None:
    plan = [gone("chartctl_release.legacy", _release("prometheus", "prometheus")), made("chartctl_release.new", new)]
    assert worst(tmp_path, plan) is Severity.HIGH


def test_individual_assignments_replaced_by_a_group_assignment_to_the_same_app_are_medium(tmp_path: Path) -> None:
    plan = [gone("idco_app_user.carol", {"app_id": "0oa9z8y7x6", "user_id": "00u1a2b3", "username": "carol@x.io"}),
            made("idco_app_group_assignment.readers", {"app_id": "0oa9z8y7x6", "group_id": "00g5readers"})]
    assert worst(tmp_path, plan) is Severity.MEDIUM
    plan[1] = made("idco_app_group_assignment.readers", {"app_id": "0oa0other", "group_id": "00g5readers"})
    assert worst(tmp_path, plan) is Severity.HIGH  # another app


def _protection() -> dict[str, Any]:
    return {"repository_id": "R_kgDO", "pattern": "main", "enforce_admins": True,
            "required_pull_request_reviews": [{"required_approving_review_count": 2}],
            "required_status_checks": [{"strict": True, "contexts": ["ci/test", "ci/lint"]}]}


def _ruleset(reviews: int, checks: list[str]) -> dict[str, Any]:
    return {"name": "main-protection", "repository": "payments-api", "target": "branch",
            "rules": [{"pull_request": [{"required_approving_review_count": reviews}],
                       "required_status_checks": [{"required_check": [{"context": c} for c in checks]}]}]}


def test_a_ruleset_enforcing_everything_a_branch_protection_did_is_medium(tmp_path: Path) -> None:
    plan = [gone("codehost_branch_protection.main", _protection()),
            made("codehost_repository_ruleset.main", _ruleset(2, ["ci/test", "ci/lint"]))]
    assert worst(tmp_path, plan) is Severity.MEDIUM


@pytest.mark.parametrize(("reviews", "checks"), [(0, ["ci/test", "ci/lint"]), (2, ["ci/test"])])
def test_a_ruleset_with_fewer_reviews_or_checks_stays_high(tmp_path: Path, reviews: int, checks: list[str]) -> None:
    plan = [gone("codehost_branch_protection.main", _protection()),
            made("codehost_repository_ruleset.main", _ruleset(reviews, checks))]
    assert worst(tmp_path, plan) is Severity.HIGH


def test_a_ruleset_enforcing_the_one_check_a_protection_required_is_medium(tmp_path: Path) -> None:
    one = {**_protection(), "required_status_checks": [{"strict": True, "contexts": ["ci/plan"]}]}
    plan = [gone("codehost_branch_protection.main", one),
            made("codehost_repository_ruleset.main", {**_ruleset(2, ["ci/plan"]), "enforcement": "active",
                                                      "bypass_actors": []})]
    assert worst(tmp_path, plan) is Severity.MEDIUM


@pytest.mark.parametrize("extra", [
    {"enforcement": "disabled"}, {"enforcement": "evaluate"},
    {"enforcement": "active", "bypass_actors": [{"actor_id": 4, "actor_type": "RepositoryRole",
                                                 "bypass_mode": "always"}]},
], ids=["disabled", "evaluate-only", "writers-bypass"])
def test_a_ruleset_not_enforced_or_with_bypass_stays_high(tmp_path: Path, extra: dict[str, Any]) -> None:
    plan = [gone("codehost_branch_protection.main", _protection()),
            made("codehost_repository_ruleset.main", {**_ruleset(2, ["ci/test", "ci/lint"]), **extra})]
    assert worst(tmp_path, plan) is Severity.HIGH


TOKEN_ROLE = {"id": "auth/token/roles/batch-jobs", "role_name": "batch-jobs", "allowed_policies": ["batch-read"],
              "orphan": True, "token_period": 2592000}
APPROLE = {"backend": "approle", "role_name": "batch-jobs", "token_policies": ["batch-read"], "token_ttl": 3600,
           "secret_id_ttl": 600, "token_bound_cidrs": ["10.40.0.0/16"]}


def test_a_role_re_made_under_another_auth_method_with_the_same_policies_is_medium(tmp_path: Path) -> None:
    plan = [gone("vault_token_auth_backend_role.batch", TOKEN_ROLE),
            made("vault_approle_auth_backend_role.batch", APPROLE)]
    assert worst(tmp_path, plan) is Severity.MEDIUM


@pytest.mark.parametrize("new", [
    {**APPROLE, "role_name": "nightly"}, {**APPROLE, "token_policies": ["batch-read", "admin"]},
    {**APPROLE, "token_policies": []},
], ids=["another-identity", "other-policies", "no-policies"])
def test_a_role_re_made_under_another_name_or_with_other_policies_stays_high(tmp_path: Path,
                                                                            new: dict[str, Any]) -> None:
    plan = [gone("vault_token_auth_backend_role.batch", TOKEN_ROLE), made("vault_approle_auth_backend_role.b", new)]
    assert worst(tmp_path, plan) is Severity.HIGH


def _cache(**extra: Any) -> dict[str, Any]:
    return {"cluster_id": "sessions-prod", "engine": "redis", "num_cache_nodes": 1, **extra}


def test_a_cache_with_no_copies_re_made_under_its_identity_is_medium(tmp_path: Path) -> None:
    plan = [gone("aws_elasticache_cluster.sessions", _cache(snapshot_retention_limit=0)),
            made("aws_elasticache_replication_group.sessions",
                 {"replication_group_id": "sessions-prod", "engine": "redis", "num_cache_clusters": 2})]
    assert worst(tmp_path, plan) is Severity.MEDIUM


def test_a_cache_keeping_snapshots_or_with_no_successor_stays_high(tmp_path: Path) -> None:
    successor = made("aws_elasticache_replication_group.sessions",
                     {"replication_group_id": "sessions-prod", "engine": "redis"})
    assert worst(tmp_path, [gone("aws_elasticache_cluster.sessions", _cache(snapshot_retention_limit=7)),
                            successor]) is Severity.HIGH
    assert worst(tmp_path, [gone("aws_elasticache_cluster.sessions", _cache(snapshot_retention_limit=0))]) \
        is Severity.HIGH


def _retired(v2_role: str | None = None) -> list[dict[str, Any]]:
    v2 = {"function_name": "thumbnailer-v2", "runtime": "nodejs20.x"}
    if v2_role:
        v2["role"] = v2_role
    return [gone("fnhost_function.thumbnailer_v1", {"function_name": "thumbnailer-v1", "runtime": "nodejs18.x"}),
            gone("fnhost_role.thumbnailer_v1", {"name": "thumbnailer-v1", "arn": "arn:fn:iam::1:role/thumbnailer-v1"}),
            kept("fnhost_function.thumbnailer_v2", v2)]


def test_an_older_version_retired_with_its_own_role_while_a_newer_serves_is_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, _retired()) is Severity.MEDIUM


def test_an_older_version_still_referred_to_or_with_no_newer_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _retired(v2_role="arn:fn:iam::1:role/thumbnailer-v1")) is Severity.HIGH  # v2 uses it
    assert worst(tmp_path, _retired()[:2]) is Severity.HIGH  # nothing newer serves


def test_an_assignment_replaced_by_another_of_its_own_kind_or_in_the_same_region_stays_high(tmp_path: Path) -> None:
    old = {"role": "app-runner", "policy_arn": "arn:cloud:policy/deny-exports"}
    plan = [gone("cloudco_role_policy_attachment.deny", old),
            made("cloudco_role_policy_attachment.read", {"role": "app-runner", "policy_arn": "arn:cloud:policy/read"})]
    assert worst(tmp_path, plan) is Severity.HIGH  # the same kind over the same role: not a broader successor
    plan = [gone("idco_app_user.carol", {"region": "eu-west-1", "user_id": "00u1a2b3"}),
            made("idco_app_group_assignment.readers", {"region": "eu-west-1", "group_id": "00g5readers"})]
    assert worst(tmp_path, plan) is Severity.HIGH  # a region is no target


def _stack(enabled: bool, namespace: str = "monitoring") -> dict[str, Any]:
    return {"name": "kube-prometheus-stack", "chart": "kube-prometheus-stack", "namespace": namespace,
            "values": [f"kubeStateMetrics:\n  enabled: {str(enabled).lower()}\n"]}


def _folded(enabled: bool, namespace: str = "monitoring") -> list[dict[str, Any]]:
    update = kept("chartctl_release.stack", _stack(enabled, namespace))
    update["change"].update(actions=["update"], before=_stack(False, namespace))
    return [gone("chartctl_release.ksm", _release("kube-state-metrics", "kube-state-metrics")), update]


def test_a_release_whose_job_a_kept_release_in_its_namespace_now_switches_on_is_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, _folded(True)) is Severity.MEDIUM


def test_a_kept_release_that_does_not_switch_it_on_or_lives_elsewhere_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _folded(False)) is Severity.HIGH
    assert worst(tmp_path, _folded(True, "observability")) is Severity.HIGH


def test_a_role_definition_holds_no_data_whatever_its_provider_is_called() -> None:
    assert not looks_stateful("vault_token_auth_backend_role")
    assert not looks_stateful("vault_database_secret_backend_role")
    assert looks_stateful("vault_kv_secret_v2") and looks_stateful("vault_mount")
