"""Landing-zone guardrails by meaning: policy effects down their ladder, constraints opened to allow-all, enforced
perimeters emptied, broad never-ending exemptions, standing admin, break-glass deletes, bypass for everyone, private
DNS to public addresses; and their benign look-alikes (narrower SCPs, exemptions and allow-all overrides removed,
reciprocal peerings between the plan's own networks)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def change(resource_type: str, actions: list[str], before: Any, after: Any, name: str = "x") -> dict[str, Any]:
    """One resource change of a `show -json` plan."""
    return {"address": f"{resource_type}.{name}", "mode": "managed", "type": resource_type, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {}}}


def judge(tmp_path: Path, *changes: dict[str, Any]) -> tuple[str, dict[str, Severity]]:
    """Review the changes with rules alone: (label, {rule: worst severity})."""
    result = review_rules_alone(tmp_path, list(changes))
    return result.label.value, worst_by_rule(result)


def params(effect: str) -> str:
    return json.dumps({"effect": {"value": effect}, "allowedRegions": {"value": ["eu1"]}})


@pytest.mark.parametrize(("before", "after", "expected"), [
    ("Deny", "Audit", "needs_close_review"), ("deny", "Disabled", "needs_close_review"),
    ("AuditIfNotExists", "Disabled", "needs_close_review"), ("Audit", "Deny", "likely_safe"),
], ids=["deny-audit", "deny-disabled", "audit-disabled", "tightened"])
def test_policy_effect_ladder_in_parameters(tmp_path: Path, before: str, after: str, expected: str) -> None:
    label, worst = judge(tmp_path, change("cloudgov_policy_binding", ["update"],
                                          {"enforce": True, "parameters": params(before)},
                                          {"enforce": True, "parameters": params(after)}))
    assert label == expected
    assert ("guardrail-relaxed" in worst) == (expected == "needs_close_review")


def test_enforce_mode_ladder(tmp_path: Path) -> None:
    label, _ = judge(tmp_path, change("govco_policy", ["update"], {"enforce_mode": "hard-mandatory"},
                                      {"enforce_mode": "advisory"}))
    assert label == "needs_close_review"
    label, _ = judge(tmp_path, change("govco_policy", ["update"], {"enforce_mode": "advisory"},
                                      {"enforce_mode": "hard-mandatory"}))
    assert label == "likely_safe"


def rules(**rule: Any) -> dict[str, Any]:
    return {"parent": "organizations/1", "spec": [{"rules": [{"allow_all": None, "deny_all": None, **rule}]}]}


def test_constraint_opened_to_allow_all_is_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, change("orgco_constraint_policy", ["update"], rules(deny_all="TRUE"),
                                          rules(allow_all="TRUE")))
    assert label == "needs_close_review" and worst["guardrail-relaxed"] == Severity.HIGH
    label, _ = judge(tmp_path, change("orgco_list_policy", ["update"],
                                      {"list_policy": [{"allow": [{"all": False, "values": ["C01"]}]}]},
                                      {"list_policy": [{"allow": [{"all": True, "values": []}]}]}))
    assert label == "needs_close_review"


def test_allow_all_override_deleted_restores_stricter_policy(tmp_path: Path) -> None:
    override = {**rules(allow_all="TRUE"), "parent": "projects/orders"}
    label, worst = judge(tmp_path, change("orgco_constraint_policy", ["delete"], override, None))
    assert label == "likely_safe" and worst["resource-delete"] == Severity.MEDIUM


def test_deny_override_deleted_stays_high(tmp_path: Path) -> None:
    label, _ = judge(tmp_path, change("orgco_constraint_policy", ["delete"], rules(deny_all="TRUE"), None))
    assert label == "needs_close_review"


def perimeter(resources: list[str]) -> dict[str, Any]:
    return {"status": [{"resources": resources, "restricted_services": ["db.api"] if resources else []}],
            "spec": [{"resources": ["projects/1", "projects/2"]}]}


def test_enforced_perimeter_emptied_is_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, change("fenceco_service_perimeter", ["update"], perimeter(["projects/1"]),
                                          perimeter([])))
    assert label == "needs_close_review" and "guardrail-relaxed" in worst


def test_perimeter_gains_a_project_is_safe(tmp_path: Path) -> None:
    label, _ = judge(tmp_path, change("fenceco_service_perimeter", ["update"], perimeter(["projects/1"]),
                                      perimeter(["projects/1", "projects/2"])))
    assert label == "likely_safe"


def exemption(scope_key: str, scope: str, expires: str | None) -> dict[str, Any]:
    return {scope_key: scope, "policy_assignment_id": "/providers/x/policyAssignments/baseline",
            "exemption_category": "Waiver", "expires_on": expires}


@pytest.mark.parametrize(("scope_key", "scope", "expires"), [
    ("management_group_id", "/providers/Microsoft.Management/managementGroups/root", None),
    ("subscription_id", "/subscriptions/0000", "2099-12-31T23:59:59Z"),
    ("scope", "organizations/42", None),
], ids=["root-never", "subscription-2099", "org-never"])
def test_broad_exemption_without_near_expiry_is_high(tmp_path: Path, scope_key: str, scope: str,
                                                     expires: str | None) -> None:
    label, worst = judge(tmp_path, change("govco_policy_exemption", ["create"], None,
                                          exemption(scope_key, scope, expires)))
    assert label == "needs_close_review" and "guardrail-relaxed" in worst


def test_narrow_or_short_exemption_is_safe(tmp_path: Path) -> None:
    soon = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    label, _ = judge(tmp_path, change("govco_policy_exemption", ["create"], None,
                                      exemption("resource_group_id", "/subscriptions/1/resourceGroups/lab", None)))
    assert label == "likely_safe"
    label, _ = judge(tmp_path, change("govco_policy_exemption", ["create"], None,
                                      exemption("subscription_id", "/subscriptions/1", soon)))
    assert label == "likely_safe"


def test_exemption_removed_is_not_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, change("govco_policy_exemption", ["delete"],
                                          exemption("subscription_id", "/subscriptions/1", None), None))
    assert label == "likely_safe" and worst["resource-delete"] == Severity.MEDIUM


OWNER = "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"


def assignment(days: int, role: str = OWNER) -> dict[str, Any]:
    return {"scope": "/subscriptions/1", "role_definition_id": role, "principal_id": "p1",
            "schedule": [{"expiration": [{"duration_days": days, "duration_hours": 0, "end_date_time": None}]}]}


def test_permanent_active_admin_is_standing_admin(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, change("idco_active_role_assignment", ["create"], None, assignment(0)))
    assert label == "needs_close_review" and "standing-admin" in worst


@pytest.mark.parametrize(("resource_type", "days"), [
    ("idco_active_role_assignment", 1), ("idco_eligible_role_assignment", 0)], ids=["time-bound", "eligible"])
def test_time_bound_or_eligible_admin_is_not_standing(tmp_path: Path, resource_type: str, days: int) -> None:
    _, worst = judge(tmp_path, change(resource_type, ["create"], None, assignment(days)))
    assert "standing-admin" not in worst


def test_break_glass_account_deleted_is_high(tmp_path: Path) -> None:
    user = {"user_principal_name": "bg01@corp.example", "display_name": "Emergency Access 01"}
    label, worst = judge(tmp_path, change("dirco_user", ["delete"], user, None))
    assert label == "needs_close_review" and "break-glass-removed" in worst
    label, worst = judge(tmp_path, change("dirco_user", ["update"], {**user, "password_version": 1},
                                          {**user, "password_version": 2}))
    assert "break-glass-removed" not in worst


def access(decision: str, include: list[dict[str, Any]]) -> dict[str, Any]:
    return {"decision": decision, "include": include, "require": []}


def test_bypass_for_everyone_is_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, change("zta_access_policy", ["update"], access("allow", [{"group": {"id": "g"}}]),
                                          access("bypass", [{"everyone": {}}])))
    assert label == "needs_close_review" and "bypass-for-everyone" in worst


def test_bypass_for_one_network_is_not_for_everyone(tmp_path: Path) -> None:
    _, worst = judge(tmp_path, change("zta_access_policy", ["update"], access("allow", [{"group": {"id": "g"}}]),
                                      access("bypass", [{"ip": {"ip": "10.1.0.0/16"}}])))
    assert "bypass-for-everyone" not in worst


@pytest.mark.parametrize(("address", "expected"), [("52.178.91.14", "needs_close_review"),
                                                   ("10.20.4.9", "likely_safe")], ids=["public", "private"])
def test_private_dns_record_address(tmp_path: Path, address: str, expected: str) -> None:
    label, _ = judge(tmp_path, change("cloudco_private_dns_a_record", ["update"], {"records": ["10.20.4.5"]},
                                      {"records": [address]}))
    assert label == expected


def scp(regions: list[str]) -> dict[str, Any]:
    return {"content": json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyOutside", "Effect": "Deny", "NotAction": ["iam:*"], "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": regions}}}]})}


def test_region_lock_narrowed_keeps_its_deny(tmp_path: Path) -> None:
    label, _ = judge(tmp_path, change("aws_organizations_policy", ["update"], scp(["eu-west-1", "us-east-1"]),
                                      scp(["eu-west-1"])))
    assert label == "likely_safe"
    # One more named region let through narrows the Deny, which still stands for every other region: reported,
    # medium (a Deny grants nothing); a wildcard let through opens it, high.
    label, worst = judge(tmp_path, change("aws_organizations_policy", ["update"], scp(["eu-west-1"]),
                                          scp(["eu-west-1", "us-east-1"])))
    assert (label, worst.get("iam-wildcard")) == ("likely_safe", Severity.MEDIUM)
    label, _ = judge(tmp_path, change("aws_organizations_policy", ["update"], scp(["eu-west-1"]),
                                      scp(["eu-west-1", "us-*"])))
    assert label == "needs_close_review"


def peering(name: str, group: str, network: str, remote: str) -> dict[str, Any]:
    return change("azurerm_virtual_network_peering", ["create"], None, {
        "resource_group_name": group, "virtual_network_name": network, "remote_virtual_network_id": remote,
        "allow_virtual_network_access": True}, name)


def test_reciprocal_peerings_between_own_networks_are_safe(tmp_path: Path) -> None:
    to_spoke = "/subscriptions/aaaa1111-0000-0000-0000-000000000001/resourceGroups/rg-spoke/providers/x/vnet-spoke"
    to_hub = "/subscriptions/bbbb2222-0000-0000-0000-000000000002/resourceGroups/rg-hub/providers/x/vnet-hub"
    label, _ = judge(tmp_path, peering("a", "rg-hub", "vnet-hub", to_spoke), peering("b", "rg-spoke", "vnet-spoke",
                                                                                     to_hub))
    assert label == "likely_safe"
    label, worst = judge(tmp_path, peering("a", "rg-hub", "vnet-hub", to_spoke))
    assert worst.get("foreign-network-link") is Severity.MEDIUM  # one side alone: the spoke is not shown to be ours
    forwarding = peering("a", "rg-hub", "vnet-hub", to_spoke)
    forwarding["change"]["after"]["allow_forwarded_traffic"] = True
    label, worst = judge(tmp_path, forwarding)
    assert label == "needs_close_review" and worst.get("foreign-network-link") is Severity.HIGH


def test_deny_all_moved_to_dry_run_is_high(tmp_path: Path) -> None:
    before = {"spec": [{"rules": [{"deny_all": "TRUE"}]}], "dry_run_spec": []}
    after = {"spec": [], "dry_run_spec": [{"rules": [{"deny_all": "TRUE"}]}]}
    label, worst = judge(tmp_path, change("orgco_constraint_policy", ["update"], before, after))
    assert label == "needs_close_review" and "guardrail-relaxed" in worst


def test_dry_run_copy_added_beside_enforced_deny_is_safe(tmp_path: Path) -> None:
    before = {"spec": [{"rules": [{"deny_all": "TRUE"}]}], "dry_run_spec": []}
    after = {"spec": [{"rules": [{"deny_all": "TRUE"}]}], "dry_run_spec": [{"rules": [{"enforce": "TRUE"}]}]}
    label, _ = judge(tmp_path, change("orgco_constraint_policy", ["update"], before, after))
    assert label == "likely_safe"


def test_effect_attribute_of_any_provider(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, change("lzco_guardrail", ["update"], {"policy_effect": "deny"},
                                          {"policy_effect": "disabled"}))
    assert label == "needs_close_review" and "guardrail-relaxed" in worst
    _, worst = judge(tmp_path, change("lzco_taint", ["update"], {"effect": "NoSchedule"},
                                      {"effect": "PreferNoSchedule"}))
    assert "guardrail-relaxed" not in worst
