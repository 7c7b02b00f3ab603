"""Deletes that narrow or leave the object in place, and reports that only read (session 21), each risky plan beside
a look-alike: a deposed copy destroyed while its current object stays, allow-list entries swapped for new ones, an
AWS security group deleted, and the IAM actions that generate a report to be read."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pipeline.test_rules_sources_scopes_and_signals import RISKY, SAFE, entry, judged
from tfreview.pipeline.findings import Severity

BALANCER = {"name": "web-20261201", "internal": False, "load_balancer_type": "application", "subnets": ["a", "b"]}
DATABASE = {"identifier": "orders", "engine": "postgres", "skip_final_snapshot": True, "deletion_protection": False}


def deposed(address: str, before: dict[str, Any]) -> dict[str, Any]:
    return entry(address, ["delete"], before, None, deposed="a1b2c3d4")


def test_a_deposed_copy_goes_while_the_current_object_stays(tmp_path: Any) -> None:
    current = entry("aws_lb.web", ["no-op"], BALANCER, BALANCER)
    label, worst = judged(tmp_path, current, deposed("aws_lb.web", {**BALANCER, "name": "web-1101"}))
    assert label is SAFE and worst["resource-delete"] is Severity.MEDIUM


def test_a_deposed_copy_whose_current_object_goes_too_is_a_delete(tmp_path: Any) -> None:
    current = entry("aws_lb.web", ["delete"], BALANCER, None)
    old = deposed("aws_lb.web", {**BALANCER, "name": "web-1101"})
    assert judged(tmp_path, current, old)[1]["resource-delete"] is Severity.HIGH


def test_a_deposed_database_copy_may_hold_data_the_new_one_lacks(tmp_path: Any) -> None:
    current = entry("aws_db_instance.orders", ["no-op"], DATABASE, DATABASE)
    assert judged(tmp_path, current, deposed("aws_db_instance.orders", DATABASE))[0] is RISKY


def access_entry(key: str, cidr: str, actions: list[str], comment: str = "prod NAT") -> dict[str, Any]:
    side = {"project_id": "65f1c0a7", "cidr_block": cidr, "comment": comment}
    before, after = (side, None) if actions == ["delete"] else (None, side) if actions == ["create"] else (side, side)
    return entry(f'mongodbatlas_project_ip_access_list.nat["{key}"]', actions, before, after)


@pytest.mark.parametrize("kept", [["create"], ["no-op"]])
def test_an_allow_list_entry_swapped_narrows(tmp_path: Any, kept: list[str]) -> None:
    label, worst = judged(tmp_path, access_entry("a", "34.242.9.17/32", ["delete"]),
                          access_entry("b", "52.31.160.88/32", kept))
    assert label is SAFE and worst["resource-delete"] is Severity.MEDIUM


def test_the_last_allow_list_entry_removed_may_open_the_list(tmp_path: Any) -> None:
    # Some services read an empty allow list as open: nothing else of the list is kept, so it stays a delete.
    assert judged(tmp_path, access_entry("a", "34.242.9.17/32", ["delete"]))[1]["resource-delete"] is Severity.HIGH


def test_a_blocklist_entry_removed_is_not_narrowing(tmp_path: Any) -> None:
    label, _ = judged(tmp_path, access_entry("a", "203.0.113.9/32", ["delete"], comment="blocked scanner"),
                      access_entry("b", "198.51.100.7/32", ["no-op"], comment="blocked scanner"))
    assert label is RISKY


@pytest.mark.parametrize(("address", "label"), [
    ("aws_security_group.legacy_batch", SAFE),  # AWS refuses to delete a group still attached; its rules only allow
    ("digitalocean_firewall.web", RISKY),  # a droplet without a cloud firewall accepts everything
    ("hcloud_firewall.web", RISKY),
])
def test_a_security_group_deleted(tmp_path: Any, address: str, label: Any) -> None:
    before = {"name": "legacy-batch", "ingress": [{"from_port": 443, "to_port": 443, "protocol": "tcp",
                                                   "cidr_blocks": ["10.0.0.0/8"]}]}
    assert judged(tmp_path, entry(address, ["delete"], before, None))[0] is label


def audit_policy(actions: list[str]) -> dict[str, Any]:
    document = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":'
                + str(actions).replace("'", '"') + ',"Resource":"*"}]}')
    return entry("aws_iam_role_policy.security_audit", ["create"], None,
                 {"name": "security-audit-extra", "role": "security-audit", "policy": document})


@pytest.mark.parametrize(("actions", "label"), [
    (["iam:GenerateCredentialReport", "iam:GetCredentialReport", "iam:GenerateServiceLastAccessedDetails"], SAFE),
    (["iam:SimulatePrincipalPolicy", "iam:ListRoles"], SAFE),
    (["iam:CreateAccessKey", "iam:GetCredentialReport"], RISKY),  # a credential made for any user
    (["kms:GenerateDataKey", "kms:Decrypt", "kms:ScheduleKeyDeletion"], RISKY),  # a data key is no report
])
def test_reports_generated_to_be_read_are_reads(tmp_path: Any, actions: list[str], label: Any) -> None:
    assert judged(tmp_path, audit_policy(actions))[0] is label


# --- controls of any provider, each in its weak direction and back -------------------------------------------------
@pytest.mark.parametrize(("address", "before", "after"), [
    ("zentra_site.main", {"hsts_enabled": True}, {"hsts_enabled": False}),
    ("aws_cloudfront_response_headers_policy.main",
     {"security_headers_config": [{"strict_transport_security": [{"access_control_max_age_sec": 31536000}]}]},
     {"security_headers_config": [{"strict_transport_security": []}]}),
    ("azurerm_linux_virtual_machine.main", {"secure_boot_enabled": True}, {"secure_boot_enabled": False}),
    ("zentra_host.main", {"vtpm_enabled": True}, {"vtpm_enabled": False}),
    ("zentra_secret.main", {"rotation_days": 30}, {"rotation_days": 0}),
    ("github_organization_settings.main", {"members_can_create_public_repositories": False},
     {"members_can_create_public_repositories": True}),
    ("azurerm_storage_account.main", {"cross_tenant_replication_enabled": False},
     {"cross_tenant_replication_enabled": True}),
    ("azurerm_kubernetes_cluster.main", {"azure_policy_enabled": True}, {"azure_policy_enabled": False}),
], ids=["hsts-switch", "hsts-header-removed", "secure-boot", "vtpm", "rotation-to-zero", "public-repositories",
        "cross-tenant-replication", "policy-add-on"])
def test_a_control_weakened_and_its_reverse(tmp_path: Any, address: str, before: dict[str, Any],
                                            after: dict[str, Any]) -> None:
    def change(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
        return entry(address, ["update"], {"name": "prod", **old}, {"name": "prod", **new})
    assert judged(tmp_path, change(before, after))[0] is RISKY
    assert judged(tmp_path, change(after, before))[0] is SAFE


def test_an_interval_handed_to_a_schedule_expression_still_rotates(tmp_path: Any) -> None:
    def side(days: int, expression: str | None) -> dict[str, Any]:
        return {"secret_id": "stripe", "rotation_rules": [{"automatically_after_days": days,
                                                           "schedule_expression": expression}]}
    change = entry("aws_secretsmanager_secret_rotation.stripe", ["update"], side(30, None), side(0, "rate(30 days)"))
    assert judged(tmp_path, change)[0] is SAFE


@pytest.mark.parametrize(("before", "after", "label"), [(False, True, RISKY), (True, False, SAFE)])
def test_a_permissive_switch_inside_a_security_block_is_no_guard(tmp_path: Any, before: bool, after: bool,
                                                                  label: Any) -> None:
    def side(anonymous: bool) -> dict[str, Any]:
        return {"domain_name": "search", "advanced_security_options": [{"enabled": True,
                                                                         "anonymous_auth_enabled": anonymous}]}
    change = entry("aws_opensearch_domain.search", ["update"], side(before), side(after))
    assert judged(tmp_path, change)[0] is label


# --- deletes and scale-downs judged with what the plan keeps beside them (hidden-like-33's first run) ---------------
@pytest.mark.parametrize(("module", "label"), [("module.staging", SAFE), ("module.sandbox_mlopez", SAFE),
                                               ("module.prod", RISKY), ("module.web", RISKY)])
def test_a_group_scaled_to_zero_in_a_module_named_for_its_environment(tmp_path: Any, module: str, label: Any) -> None:
    def side(count: int) -> dict[str, Any]:
        return {"name": "web", "desired_capacity": count, "min_size": count, "max_size": 6}
    change = entry(f"{module}.aws_autoscaling_group.web", ["update"], side(2), side(0))
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("association", "label"), [("", SAFE), ("eipassoc-0a1b2c3d", RISKY)])
def test_an_address_attached_to_nothing_is_released(tmp_path: Any, association: str, label: Any) -> None:
    before = {"id": "eipalloc-0a1b2c3d4e5f", "public_ip": "52.49.12.8", "domain": "vpc",
              "association_id": association, "instance": ""}
    assert judged(tmp_path, entry("aws_eip.legacy_nat", ["delete"], before, None))[0] is label


@pytest.mark.parametrize(("launched_from", "label"), [("lt-0ffff", SAFE), ("lt-0aa1bb2cc3dd", RISKY)])
def test_a_machine_recipe_no_kept_group_launches_from(tmp_path: Any, launched_from: str, label: Any) -> None:
    template = entry("aws_launch_template.api_v1", ["delete"],
                     {"id": "lt-0aa1bb2cc3dd", "name": "api-v1", "image_id": "ami-0123", "latest_version": 12}, None)
    group = {"name": "api", "desired_capacity": 3, "launch_template": [{"id": launched_from, "version": "$Latest"}]}
    assert judged(tmp_path, template, entry("aws_autoscaling_group.api", ["no-op"], group, group))[0] is label


@pytest.mark.parametrize(("chart", "kept_chart", "label"), [
    ("kube-state-metrics", "kube-state-metrics", SAFE),
    ("kube-state-metrics", "metrics-server", RISKY),  # another chart: nothing takes over
    ("postgresql", "postgresql", RISKY),  # each release of a database chart holds its own data
])
def test_a_release_whose_chart_another_kept_release_runs(tmp_path: Any, chart: str, kept_chart: str,
                                                         label: Any) -> None:
    def release(name: str, chart_name: str, repository: str) -> dict[str, Any]:
        return {"name": name, "namespace": "monitoring", "chart": chart_name, "repository": repository,
                "status": "deployed", "values": []}
    old = release(f"{chart}-legacy", chart, "https://charts.helm.sh/stable")
    new = release(kept_chart, kept_chart, "https://prometheus-community.github.io/helm-charts")
    changes = (entry("helm_release.legacy", ["delete"], old, None), entry("helm_release.current", ["no-op"], new, new))
    assert judged(tmp_path, *changes)[0] is label


@pytest.mark.parametrize(("destination", "label"), [("autogroup:self:*", SAFE), ("*:*", RISKY),
                                                    ("tag:prod:22", RISKY)])
def test_every_member_reaching_their_own_devices(tmp_path: Any, destination: str, label: Any) -> None:
    def acl(dst: str) -> str:
        return ('{"acls": [{"action": "accept", "src": ["autogroup:member"], "dst": ["' + dst + '"]},'
                ' {"action": "accept", "src": ["group:eng"], "dst": ["tag:dev:*"]}]}')
    change = entry("tailscale_acl.main", ["update"], {"acl": acl("tag:dev:443")}, {"acl": acl(destination)})
    assert judged(tmp_path, change)[0] is label


def migrated_table(backed_up: bool) -> tuple[dict[str, Any], ...]:
    old = {"id": "sessions-v1", "name": "sessions-v1", "hash_key": "sid",
           "tags": {"env": "prod", "migrated-to": "sessions-v2"}}
    new = {"id": "sessions-v2", "name": "sessions-v2", "hash_key": "pk", "tags": {"env": "prod"}}
    selection = {"name": "sessions-v1-final", "plan_id": "c4b1e9f2",
                 "resources": ["arn:aws:dynamodb:eu-west-1:123456789012:table/sessions-v1" if backed_up
                               else "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"]}
    target = {"resource_id": "table/sessions-v1", "scalable_dimension": "dynamodb:table:ReadCapacityUnits",
              "min_capacity": 5, "max_capacity": 100}
    return (entry("aws_dynamodb_table.sessions_v1", ["delete"], old, None),
            entry("aws_dynamodb_table.sessions_v2", ["no-op"], new, new),
            entry("aws_backup_selection.final", ["no-op"], selection, selection),
            entry("aws_appautoscaling_target.sessions_v1_read", ["delete"], target, None))


@pytest.mark.parametrize(("backed_up", "label"), [(True, SAFE), (False, RISKY)])
def test_a_store_migrated_whose_backups_outlive_it(tmp_path: Any, backed_up: bool, label: Any) -> None:
    assert judged(tmp_path, *migrated_table(backed_up))[0] is label


# --- fetched code: its integrity check, its pinned digest and its dependencies' versions --------------------------
@pytest.mark.parametrize(("before", "after", "label"), [
    ({"source_inline": "export default {}", "sha256": "2b7e1c9a" * 8, "verify_integrity": True},
     {"source_url": "https://gist.githubusercontent.com/x/raw/main/n.js", "sha256": None, "verify_integrity": False},
     RISKY),
    ({"source_url": "https://cdn.acme.io/n.js", "sha256": None, "verify_integrity": False},
     {"source_url": "https://cdn.acme.io/n.js", "sha256": "2b7e1c9a" * 8, "verify_integrity": True}, SAFE),
])
def test_fetched_code_no_longer_checked_against_its_digest(tmp_path: Any, before: dict[str, Any],
                                                           after: dict[str, Any], label: Any) -> None:
    change = entry("edgewarden_edge_function.auth", ["update"], {"name": "auth", **before}, {"name": "auth", **after})
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("before", "after", "label"), [
    ([{"name": "jsonwebtoken", "version": "9.0.2"}], [{"name": "jsonwebtoken", "version": "latest"}], RISKY),
    ([{"name": "jsonwebtoken", "version": "9.0.2"}], [{"name": "jsonwebtoken", "version": "^9.0.0"}], RISKY),
    ([{"name": "jsonwebtoken", "version": "9.0.2"}], [{"name": "jsonwebtoken", "version": "9.0.3"}], SAFE),
    ([{"name": "jsonwebtoken", "version": "latest"}], [{"name": "jsonwebtoken", "version": "9.0.2"}], SAFE),
    ([{"name": "jsonwebtoken", "version": "9.0.2"}, {"name": "axios", "version": "1.7.2"}],
     [{"name": "jsonwebtoken", "version": "9.0.2"}], SAFE),  # a dependency removed floats nothing
])
def test_a_dependency_of_running_code_made_to_float(tmp_path: Any, before: list[Any], after: list[Any],
                                                    label: Any) -> None:
    change = entry("auth0_action.role_claims", ["update"], {"name": "role-claims", "dependencies": before},
                   {"name": "role-claims", "dependencies": after})
    assert judged(tmp_path, change)[0] is label


# --- a non-production environment torn down as a unit (three unseen sets' benign teardowns) --------------------------
SANDBOX = {"env": "sandbox", "owner": "jdoe"}


def sandbox_module(db: dict[str, Any] | None = None, bucket_tags: dict[str, str] | None = None,
                   kept_instance: bool = False) -> list[dict[str, Any]]:
    prefix = "module.sandbox_jdoe"
    changes = [
        entry(f"{prefix}.aws_db_instance.dev", ["delete"],
              {"identifier": "sbx-jdoe-pg", "skip_final_snapshot": True, "deletion_protection": False,
               "tags": SANDBOX, **(db or {})}, None),
        entry(f"{prefix}.aws_s3_bucket.scratch", ["delete"],
              {"bucket": "acme-sbx-jdoe-scratch", "force_destroy": True, "tags": bucket_tags or SANDBOX}, None),
        entry(f"{prefix}.aws_vpc.this", ["delete"], {"id": "vpc-0c9b8a7f6e", "cidr_block": "10.250.0.0/16",
                                                      "tags": SANDBOX}, None),
    ]
    if kept_instance:  # a machine kept, still pointed at the database the plan deletes
        node = {"id": "i-0f7e6d5c4b3a", "instance_type": "t3.large", "tags": SANDBOX,
                "user_data": "DATABASE_HOST=sbx-jdoe-pg.c9x2.eu-west-1.rds.amazonaws.com"}
        changes.append(entry(f"{prefix}.aws_instance.dev", ["no-op"], node, node))
    monitor = {"name": "checkout latency", "query": "avg:trace.http.request.duration{service:checkout}"}
    return [*changes, entry("datadog_monitor.checkout", ["no-op"], monitor, monitor)]


def test_a_sandbox_module_torn_down_whole(tmp_path: Any) -> None:
    label, worst = judged(tmp_path, *sandbox_module())
    assert label is SAFE and worst["resource-delete"] is Severity.MEDIUM


@pytest.mark.parametrize("twin", ["protected", "production-labelled", "partial", "still-named"])
def test_a_teardown_that_is_not_a_whole_environment(tmp_path: Any, twin: str) -> None:
    changes = {"protected": lambda: sandbox_module(db={"deletion_protection": True}),
               "production-labelled": lambda: sandbox_module(bucket_tags={"env": "prod", "owner": "jdoe"}),
               "partial": lambda: sandbox_module(kept_instance=True),
               "still-named": lambda: [*sandbox_module(), entry(
                   "aws_iam_role_policy.etl", ["no-op"], *[{"name": "etl", "policy": '{"Statement": [{"Effect": '
                   '"Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-sbx-jdoe-scratch/*"}]}'}] * 2)],
               }[twin]()
    assert judged(tmp_path, *changes)[0] is RISKY


def test_a_repository_path_in_a_tag_says_nothing_about_the_environment(tmp_path: Any) -> None:
    tags = {**SANDBOX, "Repository": "acme-corp/infrastructure-live"}
    assert judged(tmp_path, *sandbox_module(bucket_tags=tags))[0] is SAFE


# --- a workflow's actions moved off their pinned commits ------------------------------------------------------------
PINNED = "aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502"


def workflow(step: str, privileged: bool = True) -> str:
    permissions = "permissions:\n  id-token: write\n  contents: read\n" if privileged else ""
    return (f"name: deploy\non:\n  push:\n    branches: [main]\n{permissions}jobs:\n  deploy:\n"
            f"    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: {step}\n")


@pytest.mark.parametrize(("after", "privileged", "label"), [
    ("aws-actions/configure-aws-credentials@main", True, RISKY),  # pinned commit to a branch
    ("aws-actions/configure-aws-credentials@v4", True, RISKY),  # to a tag its owner can move
    ("aws-action/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502", True, RISKY),  # another owner
    ("cloud-deployer-tools/setup-aws-creds@main", True, RISKY),  # a new third-party action by a branch
    ("aws-actions/configure-aws-credentials@4fc4975a852c8cd99761e2de1f4ba73402e44dd9", True, SAFE),  # a new pin
    ("aws-actions/configure-aws-credentials@main", False, SAFE),  # no secrets, no write token
])
def test_a_workflow_action_moved_off_its_pinned_commit(tmp_path: Any, after: str, privileged: bool,
                                                       label: Any) -> None:
    def side(step: str) -> dict[str, Any]:
        return {"repository": "platform-live", "file": ".github/workflows/deploy.yml", "branch": "main",
                "content": workflow(step, privileged)}
    change = entry("github_repository_file.deploy", ["update"], side(PINNED), side(after))
    assert judged(tmp_path, change)[0] is label


# --- a website's bucket read publicly, the bucket known only by its module --------------------------------------------
def static_site(website: bool = True, second_bucket: bool = False) -> list[dict[str, Any]]:
    prefix = "module.static_site"
    policy = ('{"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Principal":"*",'
              '"Resource":"arn:aws:s3:::acme-www-static-assets/*","Sid":"PublicReadGetObject"}]}')
    changes = [
        entry(f"{prefix}.aws_s3_bucket.this[0]", ["create"], None, {"bucket": "acme-www-static-assets"}),
        entry(f"{prefix}.aws_s3_bucket_policy.this[0]", ["create"], None, {"policy": policy},
              after_unknown={"bucket": True}),
        entry(f"{prefix}.aws_s3_bucket_public_access_block.this[0]", ["create"], None,
              {"block_public_acls": True, "block_public_policy": False, "ignore_public_acls": True,
               "restrict_public_buckets": False}, after_unknown={"bucket": True}),
    ]
    if website:
        changes.append(entry(f"{prefix}.aws_s3_bucket_website_configuration.this[0]", ["create"], None,
                             {"index_document": [{"suffix": "index.html"}]}, after_unknown={"bucket": True}))
    if second_bucket:  # another bucket of the same name: which one the settings are for cannot be told
        changes.append(entry(f"{prefix}.aws_s3_bucket.this[1]", ["create"], None, {"bucket": "acme-www-logs"}))
    for change in changes:  # as Terraform writes them: the name without the instance key
        change["name"], change["index"] = change["name"].split("[")[0], int(change["address"][-2])
    return changes


@pytest.mark.parametrize(("website", "second_bucket", "label"), [(True, False, SAFE), (False, False, RISKY),
                                                                 (True, True, RISKY)])
def test_a_website_bucket_known_only_by_its_module(tmp_path: Any, website: bool, second_bucket: bool,
                                                   label: Any) -> None:
    assert judged(tmp_path, *static_site(website, second_bucket))[0] is label


def test_a_release_re_made_under_a_new_address_is_no_successor(tmp_path: Any) -> None:
    # A module renamed without a moved block: the chart is uninstalled, then installed again (its CRDs go with it).
    def release(name: str) -> dict[str, Any]:
        return {"name": name, "namespace": "cert-manager", "chart": "cert-manager", "version": "v1.14.4", "values": []}
    changes = (entry("module.certs.helm_release.cert_manager", ["delete"], release("cert-manager"), None),
               entry("module.tls.helm_release.cert_manager", ["create"], None, release("cert-manager")))
    assert judged(tmp_path, *changes)[0] is RISKY


@pytest.mark.parametrize(("after", "label"), [("https://ci-templates.dev/acme/terraform.gitlab-ci.yml", RISKY),
                                              ("ci/terraform.gitlab-ci.yml", SAFE)])
def test_a_ci_definition_moved_to_a_url(tmp_path: Any, after: str, label: Any) -> None:
    change = entry("gitlab_project.platform_live", ["update"],
                   {"name": "platform-live", "ci_config_path": ".gitlab-ci.yml"},
                   {"name": "platform-live", "ci_config_path": after})
    assert judged(tmp_path, change)[0] is label


# --- a domain's inbound mail moved to a host nobody vouches for -------------------------------------------------------
@pytest.mark.parametrize(("after", "label"), [
    (["10 mx1.mailshield-relay.net."], RISKY),  # an unknown relay takes every message first
    (["0 acme-io.mail.protection.outlook.com."], SAFE),  # moved to Microsoft 365
    (["10 mx1.acme.io.", "20 mx2.acme.io."], SAFE),  # the domain's own mail hosts
    (["1 aspmx.l.google.com.", "10 inbound-smtp.eu-west-1.amazonaws.com."], SAFE),  # SES inbound beside Google
])
def test_mx_records_moved(tmp_path: Any, after: list[str], label: Any) -> None:
    def side(records: list[str]) -> dict[str, Any]:
        return {"name": "acme.io", "type": "MX", "ttl": 300, "zone_id": "Z0719348", "records": records}
    change = entry("aws_route53_record.mx", ["update"], side(["1 aspmx.l.google.com.", "5 alt1.aspmx.l.google.com."]),
                   side(after))
    assert judged(tmp_path, change)[0] is label


def test_mx_records_replaced_record_by_record(tmp_path: Any) -> None:
    def record(host: str) -> dict[str, Any]:
        return {"name": "northwind.io", "type": "MX", "content": host, "priority": 1, "zone_id": "abc123"}
    changes = (entry('cloudflare_record.mx["1"]', ["delete"], record("aspmx.l.google.com"), None),
               entry("cloudflare_record.mx_relay", ["create"], None, record("mx.mailrelay-eu.net")))
    assert judged(tmp_path, *changes)[0] is RISKY


def test_a_new_domains_first_mx_records_set_mail_up(tmp_path: Any) -> None:
    record = {"name": "launch.io", "type": "MX", "content": "mx.mailrelay-eu.net", "priority": 10, "zone_id": "z"}
    assert judged(tmp_path, entry("cloudflare_record.mx", ["create"], None, record))[0] is SAFE


# --- a privileged group's membership rule that tests a word, or leaves one kind out ----------------------------------
@pytest.mark.parametrize(("expression", "label"), [
    ('String.stringContains(user.email, "acme") AND user.department != "Contractor"', RISKY),
    ('user.mail -like "*acme*" -and user.department -ne "Contractor"', RISKY),
    ('String.stringEndsWith(user.email, "@acme.io") AND user.department == "Platform"', SAFE),
    # every account no longer, but the domain's anchor dropped: outsiders holding the word join (the next check)
    ('String.stringContains(user.email, "acme") AND user.department == "Platform"', RISKY),
    ('String.stringEndsWith(user.email, "@acme.io") AND user.department == "Platform"', SAFE),
])
def test_a_privileged_groups_rule_that_admits_almost_everyone(tmp_path: Any, expression: str, label: Any) -> None:
    def side(value: str) -> dict[str, Any]:
        return {"name": "aws-prod-admins-auto", "expression_type": "urn:okta:expression:1.0",
                "expression_value": value, "group_assignments": ["00g1ab2cd3"], "status": "ACTIVE"}
    old = 'String.stringEndsWith(user.email, "@acme.io") AND user.department == "SRE"'
    change = entry("okta_group_rule.aws_prod_admins", ["update"], side(old), side(expression))
    assert judged(tmp_path, change)[0] is label


# --- an event rule that suppresses what it matches --------------------------------------------------------------------
def orchestration(*rules: tuple[str, bool]) -> dict[str, Any]:
    return {"service": "PPAY01", "set": [{"id": "start", "rule": [
        {"label": f"rule {i}", "disabled": False, "condition": [{"expression": expression}] if expression else [],
         "actions": [{"suppress": suppress, "priority": None if suppress else "P1"}]}
        for i, (expression, suppress) in enumerate(rules)]}]}


@pytest.mark.parametrize(("added", "label"), [
    ("event.source matches part 'prod'", RISKY),  # every production source
    ("", RISKY),  # no condition: everything
    ("event.summary matches 'disk /tmp 90% on batch-7'", SAFE),  # one flapping check
])
def test_an_event_rule_that_suppresses_broadly(tmp_path: Any, added: str, label: Any) -> None:
    routed = ("event.severity matches 'critical'", False)
    change = entry("pagerduty_event_orchestration_service.payments", ["update"], orchestration(routed),
                   orchestration((added, True), routed))
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("after", "label"), [
    ('String.stringContains(user.login, "larkspurpay") AND user.department == "Engineering"', RISKY),
    ('String.stringSuffix(user.login, "@larkspurpay.com") AND user.department == "Platform"', SAFE),
    ('String.stringContains(user.login, "@larkspurpay.com") AND user.department == "Engineering"', SAFE),
])
def test_a_membership_rule_that_stops_testing_the_domain(tmp_path: Any, after: str, label: Any) -> None:
    def side(value: str) -> dict[str, Any]:
        return {"name": "Prod engineers by domain", "status": "ACTIVE", "group_assignments": ["00g9x1k2"],
                "expression_type": "urn:okta:expression:1.0", "expression_value": value}
    before = 'String.stringSuffix(user.login, "@larkspurpay.com") AND user.department == "Engineering"'
    change = entry("okta_group_rule.prod_engineers", ["update"], side(before), side(after))
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("second_bucket", "label"), [(False, SAFE), (True, SAFE)])
def test_a_website_bucket_known_by_its_settings_name(tmp_path: Any, second_bucket: bool, label: Any) -> None:
    policy = ('{"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Principal":"*",'
              '"Resource":"arn:aws:s3:::nw-www-static-assets/*","Sid":"PublicReadAssets"}]}')
    changes = [entry("aws_s3_bucket.www_assets", ["create"], None, {"bucket": "nw-www-static-assets"}),
               entry("aws_s3_bucket_policy.www_assets", ["create"], None, {"policy": policy},
                     after_unknown={"bucket": True}),
               entry("aws_s3_bucket_website_configuration.www_assets", ["create"], None,
                     {"index_document": [{"suffix": "index.html"}]}, after_unknown={"bucket": True})]
    if second_bucket:  # the settings' own name still says which bucket they are for
        changes.append(entry("aws_s3_bucket.exports", ["create"], None, {"bucket": "nw-exports"}))
    assert judged(tmp_path, *changes)[0] is label


@pytest.mark.parametrize(("expiration", "label"), [(1764547200000, SAFE), (None, RISKY)])
def test_a_table_whose_own_settings_give_it_an_expiry(tmp_path: Any, expiration: int | None, label: Any) -> None:
    before = {"dataset_id": "scratch", "table_id": "tmp_backfill_2026_09", "project": "lkp-data-prod",
              "deletion_protection": False, "expiration_time": expiration}
    change = entry('module.bq.google_bigquery_table.tmp_backfill', ["delete"], before, None)
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("suppress", "label"), [(True, RISKY), (False, SAFE)])
def test_a_catch_all_that_suppresses_what_no_rule_matched(tmp_path: Any, suppress: bool, label: Any) -> None:
    def side(value: bool) -> dict[str, Any]:
        return {"service": "PSEC01", "set": [{"id": "start", "rule": []}],
                "catch_all": [{"actions": [{"suppress": value, "severity": "info"}]}]}
    change = entry("pagerduty_event_orchestration_service.secops", ["update"], side(False), side(suppress))
    assert judged(tmp_path, change)[0] is label
