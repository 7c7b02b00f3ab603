"""Incidents corpus: malformed-but-plausible plans, an old Terraform's format, and drift.

A malformed plan must never be labelled likely safe: `tfreview review` exits 2 (no label) or labels it
needs close review; eval counts a plan error as 'needs close review' (see tfreview/workflows/evaluate.py).
"""

from __future__ import annotations

import json
from typing import Any

from inc_lib import Plan, R, Ref, U, create, delete, json_doc, noop, scenario, update
from rtypes import aws_db_instance, aws_iam_role, aws_security_group, sg_rule, tags


def _rds_delete() -> dict[str, Any]:
    p = Plan("2026-03-24T08:00:00Z")
    delete(p, R("aws_db_instance", "orders", schema_version=2, sensitive={"password", "password_wo"}), aws_db_instance(deletion_protection=False))
    return p.build()


@scenario("aws/inc_malformed_actions_string.json", "malformed",
          "a plan rewritten by a wrapper script whose `actions` is the string \"delete\" instead of a list; it "
          "deletes the orders database, so reading it as a no-op would hide a deletion")
def actions_string() -> dict[str, Any]:
    doc = _rds_delete()
    doc["resource_changes"][0]["change"]["actions"] = "delete"
    return doc


@scenario("google/inc_malformed_unknown_action.json", "malformed",
          "a plan from a third-party converter that writes the action \"replace\" (not one of Terraform's own) "
          "for a Cloud SQL instance that is really destroyed and re-created")
def unknown_action() -> dict[str, Any]:
    p = Plan("2026-03-24T08:30:00Z")
    before = {"database_version": "POSTGRES_16", "deletion_protection": False, "id": "orders-pg", "name": "orders-pg",
              "project": "acme-prod-4821", "region": "us-central1"}
    update(p, R("google_sql_database_instance", "orders"), before, {"database_version": "POSTGRES_17"},
           actions=["delete", "create"], action_reason="replace_because_cannot_update", replace_paths=[["database_version"]])
    doc = p.build()
    doc["resource_changes"][0]["change"]["actions"] = ["replace"]
    return doc


@scenario("azurerm/inc_malformed_changes_object.json", "malformed",
          "a plan post-processed with jq into an object keyed by address (`resource_changes` is a map, not a list); "
          "the changes it hides include a Key Vault deletion")
def changes_object() -> dict[str, Any]:
    p = Plan("2026-03-24T09:00:00Z")
    delete(p, R("azurerm_key_vault", "prod", sensitive=set()),
           {"id": "/subscriptions/3f2c9a71-5b0e-4d8a-9c61-2e7f4a0b8d15/resourceGroups/rg-prod-security/providers/"
                  "Microsoft.KeyVault/vaults/acme-prod-kv", "name": "acme-prod-kv", "location": "westeurope",
            "purge_protection_enabled": False, "soft_delete_retention_days": 7, "sku_name": "standard",
            "resource_group_name": "rg-prod-security", "tenant_id": "8d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6"})
    doc = p.build()
    doc["resource_changes"] = {c["address"]: c for c in doc["resource_changes"]}
    return doc


@scenario("kubernetes/inc_malformed_truncated.json", "malformed",
          "a plan JSON cut off mid-document (a CI artifact upload that hit its size limit): it cannot be read, so it "
          "cannot be labelled")
def truncated() -> str:
    p = Plan("2026-03-24T09:30:00Z")
    for i in range(3):
        delete(p, R("kubernetes_persistent_volume_claim_v1", f"data_{i}"),
               {"id": f"kafka/data-kafka-{i}", "metadata": [{"name": f"data-kafka-{i}", "namespace": "kafka"}],
                "spec": [{"access_modes": ["ReadWriteOnce"], "resources": [{"requests": {"storage": "500Gi"}}],
                          "storage_class_name": "gp3"}], "wait_until_bound": True})
    text = json.dumps(p.build(), indent=2, sort_keys=True, ensure_ascii=False)
    return text[: len(text) * 3 // 5]


@scenario("aws/inc_malformed_change_null.json", "malformed",
          "a hand-edited plan where an IAM role's `change` is null: whatever it does cannot be seen")
def change_null() -> dict[str, Any]:
    p = Plan("2026-03-24T10:00:00Z")
    create(p, R("aws_iam_role", "breakglass"), {"name": "breakglass-admin", "assume_role_policy": "{}"})
    doc = p.build()
    doc["resource_changes"][0]["change"] = None
    return doc


@scenario("aws/inc_terraform_1_0_drift_no_address.json", "destruction",
          "a plan written by Terraform 1.0 (format 0.2: drift entries without `address`, no action_reason) that "
          "deletes the orders database after someone resized it by hand")
def terraform_1_0() -> dict[str, Any]:
    p = Plan("unused")
    db = aws_db_instance(deletion_protection=False)
    delete(p, R("aws_db_instance", "orders", schema_version=1, sensitive={"password", "password_wo"}), db)
    p.add_drift(R("aws_db_instance", "orders", schema_version=1, sensitive={"password", "password_wo"}), {**db, "instance_class": "db.r6g.large"}, db)
    doc = p.build()
    doc["format_version"] = "0.2"
    doc["terraform_version"] = "1.0.11"
    doc["prior_state"]["format_version"] = "0.2"
    doc["prior_state"]["terraform_version"] = "1.0.11"
    for key in ("timestamp", "applyable", "complete", "errored"):
        doc.pop(key, None)
    for entry in doc["resource_drift"]:
        del entry["address"]
    for entry in doc["resource_changes"]:
        entry.pop("action_reason", None)
    return doc


@scenario("aws/inc_drift_tags_normalised.json", "benign-destruction",
          "drift that is only normalisation (tags null -> {} read back from the API) on an app security group, and "
          "a description fix on one ingress rule")
def drift_tags() -> dict[str, Any]:
    p = Plan("2026-03-24T11:00:00Z")
    sg = aws_security_group("app", "sg-0b1c2d3e4f5a69780", [sg_rule(8080, 8080, "tcp", ["10.20.0.0/16"], description="app")])
    before = {**sg, "tags": None, "tags_all": {}}
    p.add_drift(R("aws_security_group", "app", schema_version=1), before, {**sg, "tags": {}, "tags_all": {}})
    fixed = [sg_rule(8080, 8080, "tcp", ["10.20.0.0/16"], description="app traffic from private subnets")]
    update(p, R("aws_security_group", "app", schema_version=1), {**sg, "tags": {}, "tags_all": {}}, {"ingress": fixed})
    noop(p, R("aws_s3_bucket_versioning", "logs"), {"bucket": "acme-app-logs", "id": "acme-app-logs",
                                                     "versioning_configuration": [{"mfa_delete": "", "status": "Enabled"}]})
    return p.build()


__all__ = ["tags"]


@scenario("aws/inc_drift_trust_policy_outside_account.json", "identity",
          "drift: outside Terraform, someone added an unknown AWS account (999988887777) to the admin role's trust "
          "policy; the config ignores assume_role_policy, so the plan is a no-op that silently keeps the backdoor")
def drift_trust() -> dict[str, Any]:
    p = Plan("2026-03-24T12:00:00Z")
    own = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole",
           "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
    backdoor = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sts:AssumeRole"}
    before = aws_iam_role("org-admin", {"Version": "2012-10-17", "Statement": [own]})
    now = {**before, "assume_role_policy": json_doc({"Version": "2012-10-17", "Statement": [own, backdoor]})}
    p.add_drift(R("aws_iam_role", "admin"), before, now)
    noop(p, R("aws_iam_role", "admin"), now)
    return p.build()


@scenario("aws/inc_count_partner_rules_world.json", "exposure",
          "partner SFTP ingress rules are made with count over var.partner_cidrs; one entry is 0.0.0.0/0 (a "
          "placeholder never replaced), so aws_security_group_rule.partner_sftp[2] opens 22/tcp to the internet")
def count_rules() -> dict[str, Any]:
    p = Plan("2026-03-24T12:30:00Z")
    cidrs = ["203.0.113.24/29", "198.51.100.200/32", "0.0.0.0/0"]
    for i, cidr in enumerate(cidrs):
        values = {"cidr_blocks": [cidr], "description": "partner sftp", "from_port": 22, "ipv6_cidr_blocks": None,
                  "prefix_list_ids": None, "protocol": "tcp", "region": "us-east-1",
                  "security_group_id": "sg-0e1f2a3b4c5d6e7f8", "self": False, "source_security_group_id": U,
                  "timeouts": None, "to_port": 22, "type": "ingress"}
        create(p, R("aws_security_group_rule", "partner_sftp", index=i, schema_version=2), values,
               {"id": U, "security_group_rule_id": U, "source_security_group_id": U},
               config={"type": "ingress", "from_port": 22, "to_port": 22, "protocol": "tcp",
                       "cidr_blocks": Ref("var.partner_cidrs", "count.index"),
                       "security_group_id": "sg-0e1f2a3b4c5d6e7f8", "description": "partner sftp"},
               count=Ref("var.partner_cidrs"))
    p.variables = {"partner_cidrs": cidrs}
    p.config_variables = {"partner_cidrs": {"description": "partner source ranges"}}
    return p.build()
