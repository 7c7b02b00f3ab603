"""A delete or replace judged by what it loses, with its context in the same plan: a member instance of a cluster
that stays (the storage is the cluster's), a listener re-made on its balancer with only its port moved, a replica
whose own settings switch its public address off (the address it reports after apply is none). Their twins — the
cluster replaced with its members, the writer re-made destroy-first, a listener that drops TLS or moves to an
admin port, a machine whose public switch is on — stay high."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import review
from tfreview.settings import Settings

CBD = ["create", "delete"]
DBC = ["delete", "create"]


def remade(address: str, before: dict[str, Any], actions: list[str], **changed: Any) -> dict[str, Any]:
    """One replace entry of `terraform show -json`: BEFORE with CHANGED applied after, forced by CHANGED."""
    entry = gone(address, before, "replace_because_cannot_update", actions=actions)
    entry["change"]["after"] = {**before, **changed}
    entry["change"]["replace_paths"] = [[key] for key in changed]
    return entry


def kept(address: str, values: dict[str, Any]) -> dict[str, Any]:
    """One no-op entry: VALUES stay as they are."""
    entry = gone(address, values, actions=["no-op"])
    entry["action_reason"] = None
    return entry


def created(address: str, after: dict[str, Any], unknown: dict[str, Any]) -> dict[str, Any]:
    """One create entry whose UNKNOWN attributes are known only after apply."""
    entry = gone(address, {}, actions=["create"])
    entry["action_reason"] = None
    entry["change"].update(before=None, after=after, after_unknown=unknown)
    return entry


def findings(tmp_path: Path, changes: list[dict[str, Any]]) -> tuple[str, list[tuple[str, str, Severity]]]:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}))
    result = review(path, Settings(backend="none"))
    assert not result.errors
    return result.label.value, [(f.rule, f.address, f.severity) for f in result.findings]


def severity(tmp_path: Path, changes: list[dict[str, Any]], address: str, rule: str = "resource-replace") -> Severity:
    return next(s for r, a, s in findings(tmp_path, changes)[1] if a == address and r == rule)


# A member instance of a cluster: the cluster holds the storage, the instance serves it.
AURORA = {"cluster_identifier": "ledger-prod", "identifier": "ledger-prod-reader-a", "engine": "aurora-postgresql",
          "instance_class": "db.r6g.large", "availability_zone": "eu-west-1a", "promotion_tier": 15}
CLUSTER = {"cluster_identifier": "ledger-prod", "engine": "aurora-postgresql", "deletion_protection": True,
           "skip_final_snapshot": False, "master_username": "ledger_admin"}


def test_a_cluster_member_replaced_create_first_while_its_cluster_stays_is_not_high(tmp_path: Path) -> None:
    plan = [kept("aws_rds_cluster.ledger", CLUSTER),
            remade("aws_rds_cluster_instance.reader", AURORA, CBD, availability_zone="eu-west-1b")]
    assert severity(tmp_path, plan, "aws_rds_cluster_instance.reader") is Severity.MEDIUM
    assert findings(tmp_path, plan)[0] == "likely_safe"


def test_an_invented_cluster_reader_replaced_destroy_first_is_not_high(tmp_path: Path) -> None:
    member = {"cluster": "projects/p/locations/eu/clusters/orders", "instance_type": "READ_POOL", "machine_cpu": 4}
    plan = [remade("zenith_dbcluster_instance.pool", member, DBC, availability_type="ZONAL")]
    assert severity(tmp_path, plan, "zenith_dbcluster_instance.pool") is Severity.MEDIUM


def test_a_member_that_does_not_say_it_is_the_writer_replaced_destroy_first_is_not_high(tmp_path: Path) -> None:
    """A new instance class forces a destroy-first replace of a member naming no role: the storage is the cluster's;
    at worst the cluster fails over (hidden-like-17's reader in a module, measured unseen first)."""
    plan = [kept("aws_rds_cluster.ledger", CLUSTER),
            remade("aws_rds_cluster_instance.member", AURORA, DBC, instance_class="db.r7g.large")]
    assert severity(tmp_path, plan, "aws_rds_cluster_instance.member") is Severity.MEDIUM


def test_the_cluster_replaced_with_its_member_stays_high(tmp_path: Path) -> None:
    plan = [remade("aws_rds_cluster.ledger", CLUSTER, DBC, master_username="ledger_owner"),
            remade("aws_rds_cluster_instance.reader", AURORA, CBD, availability_zone="eu-west-1b")]
    assert severity(tmp_path, plan, "aws_rds_cluster_instance.reader") is Severity.HIGH
    assert severity(tmp_path, plan, "aws_rds_cluster.ledger") is Severity.HIGH


def test_the_writer_re_made_destroy_first_or_a_store_inside_a_cluster_stays_high(tmp_path: Path) -> None:
    writer = {**AURORA, "writer": True}
    assert severity(tmp_path, [remade("aws_rds_cluster_instance.w", writer, DBC, availability_zone="eu-west-1b")],
                    "aws_rds_cluster_instance.w") is Severity.HIGH
    database = {"cluster_name": "adx-prod", "name": "telemetry", "hot_cache_period": "P7D"}
    assert severity(tmp_path, [remade("zenith_kusto_database.t", database, CBD, name="telemetry2")],
                    "zenith_kusto_database.t") is Severity.HIGH


# A listener: an entry point of a balancer that stays; it holds no data.
LISTENER = {"load_balancer_arn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/edge/5c1d",
            "arn": "arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/edge/5c1d/1a2b",
            "port": 443, "protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "certificate_arn": "arn:aws:acm:eu-west-1:111122223333:certificate/9b2e",
            "default_action": [{"type": "forward", "target_group_arn": "arn:aws:elasticloadbalancing:tg/api/1"}]}


def test_a_listener_re_made_on_another_port_with_everything_else_kept_is_not_high(tmp_path: Path) -> None:
    plan = [remade("aws_lb_listener.https", LISTENER, DBC, port=8443, arn=None)]
    assert severity(tmp_path, plan, "aws_lb_listener.https") is Severity.MEDIUM
    assert findings(tmp_path, plan)[0] == "likely_safe"


def test_an_openstack_listener_re_made_on_another_protocol_port_is_not_high(tmp_path: Path) -> None:
    listener = {"loadbalancer_id": "3f1c9a0e-lb", "protocol": "TERMINATED_HTTPS", "protocol_port": 443,
                "default_pool_id": "pool-7", "default_tls_container_ref": "https://barbican/containers/1"}
    plan = [remade("openstack_lb_listener_v2.web", listener, DBC, protocol_port=8443)]
    assert severity(tmp_path, plan, "openstack_lb_listener_v2.web") is Severity.MEDIUM


def test_a_listener_that_drops_tls_moves_to_an_admin_port_or_loses_its_balancer_stays_high(tmp_path: Path) -> None:
    plain = remade("aws_lb_listener.https", LISTENER, DBC, port=80, protocol="HTTP", ssl_policy=None)
    assert severity(tmp_path, [plain], "aws_lb_listener.https") is Severity.HIGH
    admin = remade("aws_lb_listener.https", LISTENER, DBC, port=22)
    assert severity(tmp_path, [admin], "aws_lb_listener.https") is Severity.HIGH
    rerouted = remade("aws_lb_listener.https", LISTENER, DBC, port=8443,
                      default_action=[{"type": "forward", "target_group_arn": "arn:aws:elasticloadbalancing:tg/x/2"}])
    assert severity(tmp_path, [rerouted], "aws_lb_listener.https") is Severity.HIGH
    balancer = gone("aws_lb.edge", {"arn": LISTENER["load_balancer_arn"], "name": "edge", "internal": False})
    moved = remade("aws_lb_listener.https", LISTENER, DBC, port=8443)
    assert severity(tmp_path, [balancer, moved], "aws_lb_listener.https") is Severity.HIGH


# A database machine whose own settings switch its public address off: the address it reports is none.
SQL_REPLICA = {"name": "catalog-pg-replica", "master_instance_name": "catalog-pg", "database_version": "POSTGRES_15",
               "settings": [{"tier": "db-custom-4-16384", "ip_configuration": [
                   {"ipv4_enabled": False, "private_network": "projects/p/global/networks/prod-vpc"}]}]}
UNKNOWN_IPS = {"public_ip_address": True, "private_ip_address": True, "ip_address": True}


def test_a_database_replica_with_its_public_switch_off_binds_no_public_address(tmp_path: Path) -> None:
    plan = [created("google_sql_database_instance.catalog_replica", SQL_REPLICA, UNKNOWN_IPS)]
    assert findings(tmp_path, plan) == ("likely_safe", [])


def test_an_invented_postgres_server_with_public_access_off_binds_no_public_address(tmp_path: Path) -> None:
    server = {"name": "orders-postgres", "public_network_access_enabled": False, "version": "16"}
    plan = [created("zenith_postgres_server.orders", server, {"public_ip_address": True})]
    assert not [f for f in findings(tmp_path, plan)[1] if f[0] == "public-host"]


def test_a_database_machine_with_its_public_switch_on_or_unknown_stays_high(tmp_path: Path) -> None:
    on = {**SQL_REPLICA, "settings": [{"ip_configuration": [{"ipv4_enabled": True}]}]}
    plan = [created("google_sql_database_instance.catalog_replica", on, UNKNOWN_IPS)]
    assert severity(tmp_path, plan, "google_sql_database_instance.catalog_replica", "public-host") is Severity.HIGH
    unknown = {**SQL_REPLICA, "settings": [{"ip_configuration": [{"ipv4_enabled": None}]}]}
    plan = [created("google_sql_database_instance.catalog_replica", unknown, UNKNOWN_IPS)]
    assert severity(tmp_path, plan, "google_sql_database_instance.catalog_replica", "public-host") is Severity.HIGH
    blocked = {"name": "orders-db", "block_public_access": True}  # a blocker true is no switch turned off
    plan = [created("zenith_vm.orders_db", blocked, {"public_ip_address": True})]
    assert severity(tmp_path, plan, "zenith_vm.orders_db", "public-host") is Severity.HIGH


def _message(tmp_path: Path, changes: list[dict[str, Any]], address: str) -> tuple[Severity, str]:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}))
    found = [f for f in review(path, Settings(backend="none")).findings
             if f.rule == "resource-delete" and f.address == address]
    return found[0].severity, found[0].message


def test_a_deleted_store_the_table_does_not_list_is_high_and_named_by_its_own_type_words(tmp_path: Path) -> None:
    service = {"service_name": "orders-pg", "plan": "business-8", "termination_protection": False}
    severity_, message = _message(tmp_path, [gone("aiven_pg.orders", service)], "aiven_pg.orders")
    assert severity_ is Severity.HIGH and "database (its type says pg): data or service loss" in message
    zone = {"zone": "acme-shop.com", "plan": "enterprise"}
    severity_, message = _message(tmp_path, [gone("cloudflare_zone.shop", zone)], "cloudflare_zone.shop")
    assert severity_ is Severity.HIGH and "DNS zone (its type says zone)" in message


def test_a_deleted_engine_database_replaced_create_first_stays_high_but_a_stateless_look_alike_does_not(
        tmp_path: Path) -> None:
    service = {"service_name": "orders", "plan": "business-8", "cloud_name": "aws-eu-west-1"}
    pg = remade("zenith_clickhouse.orders", service, CBD, cloud_name="aws-eu-central-1")
    assert severity(tmp_path, [pg], "zenith_clickhouse.orders") is Severity.HIGH
    _, message = _message(tmp_path, [gone("zenith_webhook.deploy", {"url": "https://ci.example/hook"})],
                          "zenith_webhook.deploy")
    assert "data or service loss" not in message


# A protection rule's selector: what it protects is chosen by its pattern, branch or included refs.
PROTECTION = {"repository_id": "R_kgDOJx3QbA", "pattern": "main", "enforce_admins": True,
              "required_pull_request_reviews": [{"required_approving_review_count": 2}]}


def _moved(tmp_path: Path, changes: list[dict[str, Any]]) -> list[str]:
    return [a for r, a, _ in findings(tmp_path, changes)[1] if r == "protection-disabled"]


def updated(address: str, before: dict[str, Any], **changed: Any) -> dict[str, Any]:
    entry = gone(address, before, actions=["update"])
    entry["action_reason"] = None
    entry["change"]["after"] = {**before, **changed}
    return entry


def test_a_branch_protection_re_made_for_another_branch_leaves_the_old_one_unprotected(tmp_path: Path) -> None:
    plan = [remade("github_branch_protection.default", PROTECTION, DBC, pattern="master")]
    assert _moved(tmp_path, plan) == ["github_branch_protection.default"]


def test_an_invented_protected_branch_or_a_ruleset_moved_off_its_branch_in_place_is_high(tmp_path: Path) -> None:
    branch = {"project": "acme/infra", "branch": "main", "push_access_level": "maintainer"}
    assert _moved(tmp_path, [updated("zenith_protected_branch.main", branch, branch="develop")]) \
        == ["zenith_protected_branch.main"]
    ruleset = {"name": "main", "enforcement": "active", "conditions": [{"ref_name": [
        {"include": ["refs/heads/main"], "exclude": []}]}]}
    moved = {"conditions": [{"ref_name": [{"include": ["refs/heads/release/*"], "exclude": []}]}]}
    assert _moved(tmp_path, [updated("github_repository_ruleset.main", ruleset, **moved)]) \
        == ["github_repository_ruleset.main"]


def test_a_selector_widened_kept_or_spelled_as_the_default_branch_token_passes(tmp_path: Path) -> None:
    release = {**PROTECTION, "pattern": "release/1.*"}
    assert _moved(tmp_path, [remade("github_branch_protection.rel", release, DBC, pattern="release/*")]) == []
    raised = {"required_pull_request_reviews": [{"required_approving_review_count": 3}]}
    assert findings(tmp_path, [updated("github_branch_protection.default", PROTECTION, **raised)]) \
        == ("likely_safe", [])
    ruleset = {"name": "main", "enforcement": "active", "conditions": [{"ref_name": [
        {"include": ["refs/heads/main"], "exclude": []}]}]}
    token = {"conditions": [{"ref_name": [{"include": ["~DEFAULT_BRANCH"], "exclude": []}]}]}
    assert _moved(tmp_path, [updated("github_repository_ruleset.main", ruleset, **token)]) == []
