"""The risky few among everyday pull requests, each beside a benign look-alike that stays likely safe: a log
export narrowed to its most severe records or cut off from the audit logs (floors.py), a module fetched from a
branch (fetched.py), a deployer's repository moved to another owner (repomoved.py), a network ACL rule that lets
everything in (exposure.py), a retired queue deleted with its alarm (sunset.py), a block setting the plan leaves
out (elided.py) and a lock token that is no credential."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

Judged = tuple[Label, dict[str, Severity]]


def entry(address: str, before: Any, after: Any, actions: list[str] | None = None) -> dict[str, Any]:
    """One resource change by an invented provider."""
    kind, name = address.rsplit(".", 1)[-2].rsplit(".", 1)[-1], address.rsplit(".", 1)[-1]
    if actions is None:
        actions = ["create"] if before is None else ["delete"] if after is None else ["update"]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/nimbus",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def judged(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> Judged:
    result = review_rules_alone(tmp_path, changes, **sections)
    return result.label, worst_by_rule(result)


# --- log exports: a severity floor at ERROR, the audit logs excluded by name ----------------------------------

AUDIT_FILTER = 'log_id:"audit.nimbus.dev"'


def export(tmp_path: Path, old: str, new: str) -> Judged:
    return judged(tmp_path, [entry("nimbus_log_router.siem", {"name": "siem", "filter": old, "destination": "d1"},
                                   {"name": "siem", "filter": new, "destination": "d1"})])


def test_export_narrowed_to_errors_is_high(tmp_path: Path) -> None:
    label, worst = export(tmp_path, AUDIT_FILTER, f"{AUDIT_FILTER} AND severity >= ERROR")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("detection-disabled") is Severity.HIGH


def test_export_narrowed_to_warnings_stays_safe(tmp_path: Path) -> None:
    label, worst = export(tmp_path, AUDIT_FILTER, f"{AUDIT_FILTER} AND severity >= WARNING")
    assert "detection-disabled" not in worst and label is Label.LIKELY_SAFE


def test_error_floor_ored_with_the_audit_logs_stays_safe(tmp_path: Path) -> None:
    label, _worst = export(tmp_path, AUDIT_FILTER, f"{AUDIT_FILTER} OR severity >= ERROR")
    assert label is Label.LIKELY_SAFE


def test_new_errors_only_export_stays_safe(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, [entry("nimbus_log_router.errors", None,
                                            {"name": "errors", "filter": "severity>=ERROR", "destination": "d2"})])
    assert label is Label.LIKELY_SAFE


def exclusion(tmp_path: Path, text: str) -> Judged:
    return judged(tmp_path, [entry("nimbus_log_exclusion.noise", None, {"name": "noise", "filter": text})])


def test_exclusion_of_the_audit_logs_is_high(tmp_path: Path) -> None:
    label, worst = exclusion(tmp_path, 'logName:"projects/p1/logs/cloudaudit.nimbus.dev%2Factivity"')
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("detection-disabled") is Severity.HIGH


def test_exclusion_of_health_checks_stays_safe(tmp_path: Path) -> None:
    label, worst = exclusion(tmp_path, 'resource.type="edge_balancer" AND request.path=~"/livez$" AND status=200')
    assert "detection-disabled" not in worst and label is Label.LIKELY_SAFE


def test_export_leaving_the_audit_logs_out_is_high(tmp_path: Path) -> None:
    label, _worst = export(tmp_path, 'resource.type="vm"', 'resource.type="vm" AND NOT logName:"cloudaudit.x"')
    assert label is Label.NEEDS_CLOSE_REVIEW


# --- a module fetched from a branch ---------------------------------------------------------------------------


def module_plan(tmp_path: Path, source: str) -> Judged:
    changes = [entry("module.net.nimbus_subnet.a", {"id": "s1", "tags": {}}, {"id": "s1", "tags": {"Tier": "a"}})]
    configuration = {"root_module": {"module_calls": {"net": {"source": source, "module": {"resources": []}}}}}
    return judged(tmp_path, changes, configuration=configuration)


def test_module_from_a_branch_is_high(tmp_path: Path) -> None:
    label, worst = module_plan(tmp_path, "git::https://github.com/someone-else/nimbus-net.git?ref=develop")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("source-unpinned") is Severity.HIGH


def test_module_pinned_to_a_tag_or_commit_stays_safe(tmp_path: Path) -> None:
    for ref in ("v3.4.1", "2.0", "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"):
        label, worst = module_plan(tmp_path, f"git::https://github.com/someone-else/nimbus-net.git?ref={ref}")
        assert "source-unpinned" not in worst and label is Label.LIKELY_SAFE, ref


# --- a deployer's repository moved to another owner -----------------------------------------------------------


def workspace(tmp_path: Path, old: str, new: str, branch: str = "main") -> Judged:
    def values(repo: str, ref: str) -> dict[str, Any]:
        return {"name": "core", "auto_apply": True, "vcs": [{"identifier": repo, "branch": ref}]}
    return judged(tmp_path, [entry("hcpdeploy_workspace.core", values(old, "main"), values(new, branch))])


def test_workspace_repository_moved_to_a_personal_fork_is_high(tmp_path: Path) -> None:
    label, worst = workspace(tmp_path, "acme-labs/platform-live", "mallory-dev/platform-live")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("gitops-source-moved") is Severity.HIGH


def test_build_source_moved_to_another_host_is_high(tmp_path: Path) -> None:
    def values(url: str) -> dict[str, Any]:
        return {"name": "app", "source": [{"location": url, "type": "GIT"}]}
    label, _worst = judged(tmp_path, [entry("forge_build_project.app", values("https://github.com/acme-labs/app.git"),
                                            values("https://gitlab.example.org/acme-labs/app.git"))])
    assert label is Label.NEEDS_CLOSE_REVIEW


def test_workspace_repository_renamed_within_the_owner_stays_safe(tmp_path: Path) -> None:
    label, worst = workspace(tmp_path, "acme-labs/platform-live", "acme-labs/platform-infra")
    assert "gitops-source-moved" not in worst and label is Label.LIKELY_SAFE


def test_workspace_branch_changed_stays_safe(tmp_path: Path) -> None:
    label, worst = workspace(tmp_path, "acme-labs/platform-live", "acme-labs/platform-live", branch="release")
    assert "gitops-source-moved" not in worst and label is Label.LIKELY_SAFE


def test_image_repository_of_another_publisher_is_not_this_rule(tmp_path: Path) -> None:
    def values(repo: str) -> dict[str, Any]:
        return {"name": "web", "set": [{"name": "image.repository", "value": repo}]}
    _label, worst = judged(tmp_path, [entry("chartly_release.web", values("bitnami/nginx"), values("acme-labs/nginx"))])
    assert "gitops-source-moved" not in worst


# --- a network ACL rule that lets everything in ---------------------------------------------------------------


def acl_rule(tmp_path: Path, **rule: Any) -> Judged:
    values = {"network_acl_id": "acl-1", "egress": False, "rule_action": "allow", "rule_number": 5, **rule}
    return judged(tmp_path, [entry("stratus_network_acl_entry.data_in", None, values)])


def test_acl_rule_allowing_everything_from_the_internet_is_high(tmp_path: Path) -> None:
    label, worst = acl_rule(tmp_path, protocol="-1", from_port=0, to_port=0, cidr_block="0.0.0.0/0")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("network-open-ingress") is Severity.HIGH


def test_acl_rule_allowing_ephemeral_ports_from_the_network_stays_safe(tmp_path: Path) -> None:
    label, _worst = acl_rule(tmp_path, protocol="tcp", from_port=1024, to_port=65535, cidr_block="10.8.0.0/16")
    assert label is Label.LIKELY_SAFE


def test_acl_rule_allowing_one_port_from_the_internet_stays_medium(tmp_path: Path) -> None:
    _label, worst = acl_rule(tmp_path, protocol="tcp", from_port=8443, to_port=8443, cidr_block="0.0.0.0/0")
    assert worst.get("network-open-ingress") is Severity.MEDIUM


def test_new_acl_allowing_everything_is_the_default_written_out(tmp_path: Path) -> None:
    rule = {"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_block": "0.0.0.0/0", "action": "allow"}
    _label, worst = judged(tmp_path, [entry("stratus_network_acl.public", None, {"vpc_id": "v1", "ingress": [rule]})])
    assert worst.get("network-open-ingress") is Severity.MEDIUM


# --- a retired queue deleted with its alarm -------------------------------------------------------------------


def retired_queue(tmp_path: Path, tags: dict[str, str], consumer: bool = False) -> Judged:
    queue = {"name": "old-digest-jobs", "url": "https://mq.nimbus.dev/9/old-digest-jobs", "tags": tags,
             "retention_seconds": 345600}
    alarm = {"alarm_name": "digest-jobs-age", "dimensions": {"Queue": "old-digest-jobs"}, "threshold": 600}
    changes = [entry("nimbus_queue.digest_jobs", queue, None),
               entry("nimbus_metric_alarm.digest_jobs_age", alarm, None)]
    if consumer:
        mapping = {"function": "digest-worker", "source": "old-digest-jobs", "batch_size": 10}
        changes.append(entry("nimbus_event_mapping.digest", {**mapping, "batch_size": 5}, mapping))
    return judged(tmp_path, changes)


def test_queue_marked_retired_deleted_with_its_alarm_stays_safe(tmp_path: Path) -> None:
    label, worst = retired_queue(tmp_path, {"team": "growth", "Lifecycle": "sunset"})
    assert label is Label.LIKELY_SAFE and worst.get("resource-delete") is Severity.MEDIUM


def test_queue_without_the_mark_stays_high(tmp_path: Path) -> None:
    label, _worst = retired_queue(tmp_path, {"team": "growth"})
    assert label is Label.NEEDS_CLOSE_REVIEW


def test_retired_queue_a_kept_consumer_still_reads_stays_high(tmp_path: Path) -> None:
    label, _worst = retired_queue(tmp_path, {"team": "growth", "Deprecated": "2026-01"}, consumer=True)
    assert label is Label.NEEDS_CLOSE_REVIEW


def test_mark_denied_by_its_value_stays_high(tmp_path: Path) -> None:
    label, _worst = retired_queue(tmp_path, {"team": "growth", "deprecated": "false"})
    assert label is Label.NEEDS_CLOSE_REVIEW


# --- block settings the plan leaves out; a lock token ---------------------------------------------------------


def protection(tmp_path: Path, reviews: dict[str, Any]) -> Judged:
    old = {"pattern": "main", "enforce_admins": False,
           "reviews": [{"required_approving_review_count": 1, "require_code_owner_reviews": True,
                        "dismiss_stale_reviews": True}]}
    new = {"pattern": "main", "enforce_admins": True, "reviews": [reviews]}
    return judged(tmp_path, [entry("gitforge_branch_rule.main", old, new)])


def test_settings_left_out_of_a_kept_block_stay_safe(tmp_path: Path) -> None:
    label, _worst = protection(tmp_path, {"required_approving_review_count": 2})
    assert label is Label.LIKELY_SAFE


def test_settings_set_to_null_or_false_are_still_read(tmp_path: Path) -> None:
    label, _worst = protection(tmp_path, {"required_approving_review_count": 2, "require_code_owner_reviews": False,
                                          "dismiss_stale_reviews": None})
    assert label is Label.NEEDS_CLOSE_REVIEW


def test_lock_token_is_no_credential(tmp_path: Path) -> None:
    def values(token: str, limit: int) -> dict[str, Any]:
        return {"name": "edge", "lock_token": token, "rate_limit": limit}
    label, worst = judged(tmp_path, [entry("nimbus_web_acl.edge", values("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", 2000),
                                           values("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", 1500))])
    assert "credential-in-plan" not in worst and label is Label.LIKELY_SAFE


def test_api_token_beside_it_is_still_found(tmp_path: Path) -> None:
    values = {"name": "edge", "api_token": "tk_9f8e7d6c5b4a3921Zx7Qw2Lp0Rt5Uy8Io3"}
    label, worst = judged(tmp_path, [entry("nimbus_web_hook.edge", None, values)])
    assert label is Label.NEEDS_CLOSE_REVIEW and "credential-in-plan" in worst
