"""Deletes and replaces judged by what they lose: disposable objects, items in stores, permission links; each
with a look-alike that stays high."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import review
from tfreview.settings import Settings


def gone(address: str, before: dict[str, Any], reason: str = "delete_because_no_resource_config",
         actions: list[str] | None = None) -> dict[str, Any]:
    """One delete (or replace, with actions) entry of `terraform show -json`."""
    kind, name = address.split(".")[-2:]
    module = address.rsplit(".", 2)[0] if address.startswith("module.") else None
    after = dict(before) if actions else None
    entry: dict[str, Any] = {
        "address": address, "mode": "managed", "type": kind, "name": name.split("[")[0],
        "provider_name": "registry.terraform.io/acme/acme", "action_reason": reason,
        "change": {"actions": actions or ["delete"], "before": before, "after": after, "after_unknown": {},
                   "after_sensitive": {}}}
    if module:
        entry["module_address"] = module
    return entry


def worst(tmp_path: Path, changes: list[dict[str, Any]], rule: str = "resource-delete") -> Severity | None:
    """Review a plan with rules alone: the worst severity of one rule's findings."""
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}))
    result = review(path, Settings(backend="none"))
    assert not result.errors
    found = [f.severity for f in result.findings if f.rule == rule]
    return min(found, key=lambda s: s.rank) if found else None


def test_non_durable_auto_deleted_queue_is_medium(tmp_path: Path) -> None:
    queue = {"name": "q", "durable": False, "auto_delete": True}
    assert worst(tmp_path, [gone("acme_queue.q", queue)]) is Severity.MEDIUM


def test_durable_queue_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("acme_queue.q", {"name": "q", "durable": True})]) is Severity.HIGH


def test_server_labelled_ephemeral_is_medium(tmp_path: Path) -> None:
    server = {"name": "r7", "labels": {"role": "ci-runner", "ephemeral": "true"}}
    assert worst(tmp_path, [gone('acme_server.r["r7"]', server, "delete_because_each_key")]) is Severity.MEDIUM


def test_server_without_labels_stays_high(tmp_path: Path) -> None:
    server = {"name": "r7", "labels": {"role": "web", "ephemeral": "false"}}
    assert worst(tmp_path, [gone('acme_server.r["r7"]', server, "delete_because_each_key")]) is Severity.HIGH


def test_database_labelled_ephemeral_stays_high(tmp_path: Path) -> None:
    db = {"identifier": "x", "force_destroy": True, "tags": {"lifecycle": "ephemeral"}}
    assert worst(tmp_path, [gone("aws_db_instance.x", db)]) is Severity.HIGH


def test_paused_monitor_is_medium_and_live_one_high(tmp_path: Path) -> None:
    paused = {"name": "checkout", "status": "paused", "tags": ["env:prod"]}
    assert worst(tmp_path, [gone("acme_synthetics_test.c", paused)]) is Severity.MEDIUM
    live = {"name": "checkout", "status": "live", "tags": ["env:prod"]}
    assert worst(tmp_path, [gone("acme_synthetics_test.c", live)]) is Severity.HIGH


def test_short_retention_log_group_is_medium_long_one_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("aws_cloudwatch_log_group.l", {"retention_in_days": 3})]) is Severity.MEDIUM
    assert worst(tmp_path, [gone("aws_cloudwatch_log_group.l", {"retention_in_days": 0})]) is Severity.HIGH
    assert worst(tmp_path, [gone("aws_cloudwatch_log_group.l", {"retention_in_days": 90})]) is Severity.HIGH


def _module(logs: dict[str, Any], extra: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    prefix = 'module.env["a"].'
    return [gone(prefix + "aws_ecs_service.this", {"name": "web"}, "delete_because_no_module"),
            gone(prefix + "aws_cloudwatch_log_group.this", logs, "delete_because_no_module"), *(extra or [])]


def test_module_instance_with_disposable_member_is_a_teardown(tmp_path: Path) -> None:
    assert worst(tmp_path, _module({"retention_in_days": 3})) is Severity.MEDIUM


def test_module_instance_without_disposable_member_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _module({"retention_in_days": 365})) is Severity.HIGH


def test_module_instance_with_a_database_stays_high(tmp_path: Path) -> None:
    db = gone('module.env["a"].aws_db_instance.this', {"identifier": "x"}, "delete_because_no_module")
    assert worst(tmp_path, _module({"retention_in_days": 3}, [db])) is Severity.HIGH


def test_item_in_store_is_medium_the_store_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("acme_oss_bucket_object.a", {"key": "a.zip"})]) is Severity.MEDIUM
    assert worst(tmp_path, [gone("acme_oss_bucket.a", {"bucket": "a"})]) is Severity.HIGH


def test_permission_replace_is_medium_like_other_links(tmp_path: Path) -> None:
    perm = gone("aws_lambda_permission.s3", {"statement_id": "a"}, "replace_because_cannot_update",
                ["delete", "create"])
    assert worst(tmp_path, [perm], "resource-replace") is Severity.MEDIUM
    # a function that mounts a file system keeps data beside what the plan names (recreated.py grades one that
    # keeps none medium)
    fn = gone("aws_lambda_function.f", {"function_name": "f", "file_system_config": [{"arn": "arn:efs"}]},
              "replace_because_cannot_update", ["delete", "create"])
    assert worst(tmp_path, [fn], "resource-replace") is Severity.HIGH


# --- network links to another account ------------------------------------------------------------------

def made(address: str, after: dict[str, Any]) -> dict[str, Any]:
    """One create entry."""
    kind, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


PEERING = "aws_vpc_peering_connection.p"


def test_peering_to_a_foreign_account_is_high(tmp_path: Path) -> None:
    peer = made(PEERING, {"vpc_id": "vpc-a", "peer_vpc_id": "vpc-b", "peer_owner_id": "999988887777"})
    route = made("aws_route.r", {"route_table_id": "rtb-1", "destination_cidr_block": "10.0.0.0/8"})
    assert worst(tmp_path, [peer, route], "foreign-network-link") is Severity.HIGH


def test_peering_to_the_plans_own_account_is_quiet(tmp_path: Path) -> None:
    peer = made(PEERING, {"vpc_id": "vpc-a", "peer_vpc_id": "vpc-b", "peer_owner_id": "111122223333"})
    role = made("aws_iam_role.r", {"name": "r", "arn": "arn:aws:iam::111122223333:role/r"})
    assert worst(tmp_path, [peer, role], "foreign-network-link") is None
    unknown = made(PEERING, {"vpc_id": "vpc-a", "peer_vpc_id": "vpc-b"})
    assert worst(tmp_path, [unknown], "foreign-network-link") is None


def test_azure_peering_to_another_subscription_is_high_same_one_quiet(tmp_path: Path) -> None:
    own, other = "11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"
    net = f"/subscriptions/{own}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/a"

    def peering(sub: str) -> dict[str, Any]:
        remote = f"/subscriptions/{sub}/resourceGroups/x/providers/Microsoft.Network/virtualNetworks/b"
        return made("azurerm_virtual_network_peering.p", {"name": "p", "virtual_network_id": net,
                                                          "remote_virtual_network_id": remote,
                                                          "allow_forwarded_traffic": True})
    assert worst(tmp_path, [peering(other)], "foreign-network-link") is Severity.HIGH
    assert worst(tmp_path, [peering(own)], "foreign-network-link") is None


def test_transit_gateway_shared_with_a_foreign_account_is_high(tmp_path: Path) -> None:
    share = made("aws_ram_principal_association.tgw", {"principal": "444455556666", "resource_share_arn":
                                                       "arn:aws:ram:eu-west-1:111122223333:resource-share/x"})
    assert worst(tmp_path, [share], "foreign-network-link") is Severity.HIGH
    share["change"]["after"]["principal"] = "111122223333"
    assert worst(tmp_path, [share], "foreign-network-link") is None


def test_apex_verification_record_delete_is_medium(tmp_path: Path) -> None:
    """A TXT at the apex (site verification) stops one name resolving; the apex A record still takes it all."""
    verify = {"zone_id": "Z1", "name": "acme.io", "type": "TXT", "ttl": 300,
              "records": ["google-site-verification=abc123"]}
    assert worst(tmp_path, [gone("aws_route53_record.verify", verify)]) is Severity.MEDIUM
    address = {"zone_id": "Z1", "name": "acme.io", "type": "A", "ttl": 300, "records": ["203.0.113.10"]}
    assert worst(tmp_path, [gone("aws_route53_record.apex", address)]) is Severity.HIGH


def test_mail_policy_record_delete_stays_high(tmp_path: Path) -> None:
    """SPF and DMARC records guard the whole domain's mail, at the apex or at _dmarc; a DKIM selector rotates."""
    spf = {"zone_id": "Z1", "name": "acme.io", "type": "TXT", "records": ["v=spf1 include:_spf.google.com ~all"]}
    dmarc = {"zone_id": "Z1", "name": "_dmarc.acme.io", "type": "TXT", "records": ["v=DMARC1; p=reject"]}
    dkim = {"zone": "acme.io", "name": "s1._domainkey", "type": "TXT", "content": "v=DKIM1; k=rsa; p=MIGf"}
    assert worst(tmp_path, [gone("aws_route53_record.spf", spf)]) is Severity.HIGH
    assert worst(tmp_path, [gone("aws_route53_record.dmarc", dmarc)]) is Severity.HIGH
    assert worst(tmp_path, [gone("cloudflare_record.dkim", dkim)]) is Severity.MEDIUM


def test_store_reporting_itself_empty_is_medium(tmp_path: Path) -> None:
    """A store whose own counts say it holds nothing loses nothing; one count above zero keeps it high."""
    empty = {"name": "scratch", "force_destroy": False, "object_count": 0, "size_bytes": 0}
    full = {"name": "scratch", "force_destroy": False, "object_count": 0, "size_bytes": 52_000}
    assert worst(tmp_path, [gone("stratus_bucket.scratch", empty)]) is Severity.MEDIUM
    assert worst(tmp_path, [gone("stratus_bucket.scratch", full)]) is Severity.HIGH
    assert worst(tmp_path, [gone("stratus_bucket.scratch", {"name": "scratch", "object_count": None})]) \
        is Severity.HIGH


def test_delete_that_leaves_the_object_in_place_is_medium(tmp_path: Path) -> None:
    """disable_on_destroy = false, skip_destroy = true, deletion_policy = ABANDON: the destroy only forgets it."""
    api = {"project": "acme-prod", "service": "deploymentmanager.googleapis.com", "disable_on_destroy": False}
    user = {"name": "app", "instance": "orders", "deletion_policy": "ABANDON"}
    logs = {"name": "/aws/lambda/orders", "skip_destroy": True, "retention_in_days": 365}
    for address, before in (("google_project_service.dm", api), ("google_sql_user.app", user),
                            ("aws_cloudwatch_log_group.orders", logs)):
        assert worst(tmp_path, [gone(address, before)]) is Severity.MEDIUM, address
    assert worst(tmp_path, [gone("google_project_service.dm", {**api, "disable_on_destroy": True})]) \
        is Severity.HIGH
    assert worst(tmp_path, [gone("google_sql_user.app", {**user, "deletion_policy": "DELETE"})]) is Severity.HIGH
