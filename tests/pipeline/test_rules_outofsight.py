"""Risk read outside a change's `after`: drift the plan keeps, configuration that feeds a value (a shared cloud's
address ranges, a secret's value, an image lookup), a key policy's own account, a store's erasing rights. Each risky
case beside a benign look-alike that stays likely safe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

OWN = "arn:aws:iam::444455556666:root"
PARTNER = "arn:aws:iam::777788889999:root"


def entry(address: str, actions: list[str], before: Any, after: Any, unknown: Any = None) -> dict[str, Any]:
    """One resource change (or drift entry)."""
    mode = "data" if address.startswith("data.") else "managed"
    kind, name = address.split(".")[-2:]
    return {"address": address, "mode": mode, "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": unknown or {},
                       "after_sensitive": {}}}


def config(*resources: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """A configuration section with these (address, expressions) resources in the root module."""
    return {"root_module": {"resources": [
        {"address": address, "mode": "data" if address.startswith("data.") else "managed",
         "type": address.split(".")[-2], "name": address.split(".")[-1], "expressions": expressions}
        for address, expressions in resources]}}


def judged(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, changes, **sections)
    return result.label, worst_by_rule(result)


# Drift the plan keeps: judged as if the plan made it.

def _drifted_role(attached: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    old = {"name": "ledger-task", "managed_policy_arns": ["arn:aws:iam::444455556666:policy/ledger-app"]}
    new = {**old, "managed_policy_arns": [*old["managed_policy_arns"], attached]}
    return [entry("aws_iam_role.ledger", ["no-op"], new, new)], [entry("aws_iam_role.ledger", ["update"], old, new)]


def test_admin_attached_out_of_band_and_kept_is_high(tmp_path: Path) -> None:
    changes, drift = _drifted_role("arn:aws:iam::aws:policy/AdministratorAccess")
    label, worst = judged(tmp_path, changes, resource_drift=drift)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("drift-kept") is Severity.HIGH


def test_metrics_policy_attached_out_of_band_and_kept_stays_safe(tmp_path: Path) -> None:
    changes, drift = _drifted_role("arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy")
    label, worst = judged(tmp_path, changes, resource_drift=drift)
    assert "drift-kept" not in worst and label is Label.LIKELY_SAFE


# Sources read from a provider's published ranges of its whole cloud.

def _firewall(tmp_path: Path, range_class: str, port: str, direction: str = "INGRESS",
              ) -> tuple[Label, dict[str, Severity]]:
    rule = {"name": "from-cloud", "direction": direction, "allow": [{"protocol": "tcp", "ports": [port]}],
            "source_ranges": ["203.0.113.0/24"]}
    configuration = config(
        ("nimbus_firewall.from_cloud", {"source_ranges": {"references": ["data.nimbus_ip_ranges.src.cidrs",
                                                                         "data.nimbus_ip_ranges.src"]}}),
        ("data.nimbus_ip_ranges.src", {"range_type": {"constant_value": range_class}}))
    return judged(tmp_path, [entry("nimbus_firewall.from_cloud", ["create"], None, rule)],
                  configuration=configuration)


def test_ssh_from_every_cloud_customer_is_high(tmp_path: Path) -> None:
    label, worst = _firewall(tmp_path, "cloud-netblocks", "22")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("source-cloud-tenants") is Severity.HIGH


def test_app_port_from_health_checkers_stays_safe(tmp_path: Path) -> None:
    label, worst = _firewall(tmp_path, "health-checkers", "8080")
    assert "source-cloud-tenants" not in worst and label is Label.LIKELY_SAFE


def test_https_from_the_cloud_or_egress_to_it_is_not_this_rule(tmp_path: Path) -> None:
    assert "source-cloud-tenants" not in _firewall(tmp_path, "cloud-netblocks", "443")[1]
    assert "source-cloud-tenants" not in _firewall(tmp_path, "cloud-netblocks", "22", "EGRESS")[1]


def test_shared_cloud_tag_named_as_a_source_is_high(tmp_path: Path) -> None:
    rule = {"name": "rdp", "direction": "Inbound", "access": "Allow", "destination_port_range": "3389",
            "source_address_prefix": "AzureCloud"}
    _label, worst = judged(tmp_path, [entry("nimbus_security_rule.rdp", ["create"], None, rule)])
    assert worst.get("source-cloud-tenants") is Severity.HIGH
    benign = {**rule, "source_address_prefix": "VirtualNetwork"}
    _label, worst = judged(tmp_path, [entry("nimbus_security_rule.rdp", ["create"], None, benign)])
    assert "source-cloud-tenants" not in worst


# A secret's value copied into a nested block (environment variables) that nobody marks sensitive.

def _function(tmp_path: Path, attribute: str) -> tuple[Label, dict[str, Severity]]:
    before = {"name": "settle", "environment": [{"variables": {"DB_HOST": "db.internal"}}]}
    after = {"name": "settle", "environment": [{"variables": None}]}
    configuration = config(
        ("data.nimbus_vault_secret.db", {"name": {"constant_value": "prod/db"}}),
        ("nimbus_function.settle", {"environment": [{"variables": {"references": [
            f"data.nimbus_vault_secret.db.{attribute}", "data.nimbus_vault_secret.db"]}}]}))
    changes = [entry("data.nimbus_vault_secret.db", ["read"], None, {}, {"secret_value": True, "arn": True}),
               entry("nimbus_function.settle", ["update"], before, after, {"environment": [{"variables": True}]})]
    return judged(tmp_path, changes, configuration=configuration)


def test_secret_value_in_environment_variables_is_high(tmp_path: Path) -> None:
    label, worst = _function(tmp_path, "secret_value")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("credential-leak") is Severity.HIGH


def test_secret_reference_in_environment_variables_stays_safe(tmp_path: Path) -> None:
    label, worst = _function(tmp_path, "arn")
    assert "credential-leak" not in worst and label is Label.LIKELY_SAFE


# An image lookup any publisher can satisfy, re-read into a template the plan updates.

def _template(tmp_path: Path, owners: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    configuration = config(
        ("data.aws_ami.base", {"most_recent": {"constant_value": True},
                               "filter": [{"name": {"constant_value": "name"},
                                           "values": {"constant_value": ["distro-server-*"]}}], **owners}),
        ("nimbus_launch_template.web", {"image_id": {"references": ["data.aws_ami.base.id", "data.aws_ami.base"]}}))
    before = {"name": "web", "image_id": "ami-0123456789abcdef0"}
    changes = [entry("data.aws_ami.base", ["read"], None, {}, {"id": True}),
               entry("nimbus_launch_template.web", ["update"], before, {"name": "web"}, {"image_id": True})]
    return judged(tmp_path, changes, configuration=configuration)


def test_unowned_image_lookup_feeding_an_update_is_high(tmp_path: Path) -> None:
    label, worst = _template(tmp_path, {})
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("source-unpinned") is Severity.HIGH


def test_owner_pinned_image_lookup_feeding_an_update_stays_safe(tmp_path: Path) -> None:
    label, worst = _template(tmp_path, {"owners": {"constant_value": ["123456789012"]}})
    assert "source-unpinned" not in worst and label is Label.LIKELY_SAFE


# A key policy: the account given full control is the key's own; another account's use of it is not.

def _key(tmp_path: Path, second: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": OWN}, "Action": "kms:*", "Resource": "*"}, second]}
    after = {"description": "ledger data", "policy": json.dumps(policy)}
    return judged(tmp_path, [entry("aws_kms_key.ledger", ["create"], None, after, {"arn": True})])


def test_key_policy_letting_another_account_decrypt_is_high(tmp_path: Path) -> None:
    label, _worst = _key(tmp_path, {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": PARTNER},
                                    "Action": ["kms:Decrypt", "kms:CreateGrant"], "Resource": "*"})
    assert label is Label.NEEDS_CLOSE_REVIEW


def test_key_policy_letting_its_own_role_decrypt_stays_safe(tmp_path: Path) -> None:
    role = "arn:aws:iam::444455556666:role/app"
    label, _worst = _key(tmp_path, {"Sid": "App", "Effect": "Allow", "Principal": {"AWS": role},
                                    "Action": ["kms:Decrypt"], "Resource": "*"})
    assert label is Label.LIKELY_SAFE


# Rights on a store that erase past recovery.

def _access(tmp_path: Path, secret_rights: list[str]) -> tuple[Label, dict[str, Severity]]:
    changes = [entry("nimbus_identity.batch", ["create"], None, {"name": "batch"}, {"principal_id": True}),
               entry("nimbus_key_vault_access_policy.batch", ["create"], None,
                     {"key_vault_id": "/vaults/kv-ledger", "secret_permissions": secret_rights},
                     {"object_id": True})]
    return judged(tmp_path, changes)


def test_purge_rights_on_an_existing_vault_are_high(tmp_path: Path) -> None:
    label, worst = _access(tmp_path, ["Get", "List", "Delete", "Purge"])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("secret-store-rights") is Severity.HIGH


def test_read_rights_for_the_plans_identity_stay_safe(tmp_path: Path) -> None:
    label, worst = _access(tmp_path, ["Get", "List"])
    assert "secret-store-rights" not in worst and label is Label.LIKELY_SAFE


# An administrator policy for a deploy role that only one pinned pipeline identity can assume.

def _deploy_role(tmp_path: Path, subject: str) -> tuple[Label, dict[str, Severity]]:
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
        "Principal": {"Federated": "arn:aws:iam::444455556666:oidc-provider/ci.example.dev"},
        "Condition": {"StringEquals": {"ci.example.dev:aud": "sts.amazonaws.com"},
                      "StringLike": {"ci.example.dev:sub": subject}}}]}
    changes = [entry("aws_iam_role.deployer", ["create"], None, {"name": "deployer",
                                                                 "assume_role_policy": json.dumps(trust)}),
               entry("aws_iam_role_policy_attachment.deployer_admin", ["create"], None,
                     {"role": "deployer", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"})]
    return judged(tmp_path, changes)


def test_admin_for_a_role_any_repository_can_assume_is_high(tmp_path: Path) -> None:
    label, worst = _deploy_role(tmp_path, "repo:acme-infra/*")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("iam-privileged-role") is Severity.HIGH


def test_admin_for_a_role_pinned_to_one_branch_is_medium(tmp_path: Path) -> None:
    label, worst = _deploy_role(tmp_path, "repo:acme-infra/live:ref:refs/heads/main")
    assert worst.get("iam-privileged-role") is Severity.MEDIUM and label is Label.LIKELY_SAFE
