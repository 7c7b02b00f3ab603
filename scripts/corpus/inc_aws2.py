"""Incidents corpus, AWS: destruction by update, downgrades, reach, credentials, and their look-alikes."""

from __future__ import annotations

import copy
from typing import Any

from inc_lib import MR, UL, Blocks, Plan, R, Ref, U, create, delete, json_doc, modularize, noop, scenario, update
from rtypes import ACCOUNT, REGION, aws_db_instance, aws_kms_key, tags

LB = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/web-prod/50dc6c495c0c9188"
TG = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/web-prod/6d0ecf831eec9f09"
CERT = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/2b7c4e1a-9f3d-4a6b-8c5e-1d2f3a4b5c6d"
ZONE = "Z0123456789ABCDEFGHIJ"


# ------------------------------------------------------------------------------------------ destruction by update
@scenario("aws/inc_kms_key_disabled.json", "destruction",
          "the customer-managed key that encrypts the payments database is disabled (is_enabled true -> false): "
          "every read and write of data under it fails at once")
def kms_disabled() -> dict[str, Any]:
    p = Plan("2026-03-09T08:00:12Z")
    update(p, R("aws_kms_key", "payments"), aws_kms_key("4d7a9e2c-1b3f-4c5d-8e6f-7a8b9c0d1e2f", "payments data at rest"),
           {"is_enabled": False})
    return p.build()


@scenario("aws/inc_guardduty_disabled.json", "destruction",
          "the account's GuardDuty detector is disabled (enable true -> false) to cut costs: threat detection stops")
def guardduty() -> dict[str, Any]:
    p = Plan("2026-03-09T10:21:45Z")
    before = {"account_id": ACCOUNT, "arn": f"arn:aws:guardduty:{REGION}:{ACCOUNT}:detector/12abc34d567e8fa901bc2d34e56789f0",
              "datasources": [], "enable": True, "finding_publishing_frequency": "FIFTEEN_MINUTES",
              "id": "12abc34d567e8fa901bc2d34e56789f0", "region": REGION, "tags": {}, "tags_all": {}}
    update(p, R("aws_guardduty_detector", "main"), before, {"enable": False})
    return p.build()


@scenario("aws/inc_asg_scaled_to_zero.json", "destruction",
          "the checkout service's auto scaling group goes to min 0 / max 0 / desired 0 (a staging tfvars applied to "
          "prod): every instance is terminated")
def asg_zero() -> dict[str, Any]:
    p = Plan("2026-03-09T13:37:00Z")
    before = {"arn": f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:1b2c:autoScalingGroupName/checkout-prod",
              "availability_zones": ["us-east-1a", "us-east-1b"], "capacity_rebalance": False, "default_cooldown": 300,
              "desired_capacity": 6, "health_check_grace_period": 120, "health_check_type": "ELB", "id": "checkout-prod",
              "launch_template": [{"id": "lt-0f1e2d3c4b5a69788", "name": "checkout", "version": "$Latest"}],
              "max_size": 12, "min_size": 4, "name": "checkout-prod", "region": REGION, "target_group_arns": [TG],
              "vpc_zone_identifier": ["subnet-0aa11bb22cc33dd44", "subnet-0ee55ff66aa77bb88"]}
    update(p, R("aws_autoscaling_group", "checkout"), before, {"desired_capacity": 0, "max_size": 0, "min_size": 0},
           config={"name": "checkout-prod", "min_size": Ref("var.min_size"), "max_size": Ref("var.max_size"),
                   "desired_capacity": Ref("var.desired_capacity"),
                   "launch_template": Blocks({"id": "lt-0f1e2d3c4b5a69788", "version": "$Latest"})})
    p.variables = {"min_size": 0, "max_size": 0, "desired_capacity": 0}
    p.config_variables = {"min_size": {}, "max_size": {}, "desired_capacity": {}}
    return p.build()


LIFECYCLE_BEFORE = {"bucket": "acme-data-lake-raw", "expected_bucket_owner": "", "id": "acme-data-lake-raw", "region": REGION,
                    "transition_default_minimum_object_size": "all_storage_classes_128K"}


def lc_rule(rid: str, prefix: str, days: int, noncurrent: int | None = None) -> dict[str, Any]:
    return {"abort_incomplete_multipart_upload": [], "expiration": [{"date": None, "days": days,
                                                                     "expired_object_delete_marker": False}],
            "filter": [{"and": [], "object_size_greater_than": None, "object_size_less_than": None, "prefix": prefix,
                        "tag": []}],
            "id": rid, "noncurrent_version_expiration": [{"newer_noncurrent_versions": None, "noncurrent_days": noncurrent}]
            if noncurrent else [], "noncurrent_version_transition": [], "prefix": "", "status": "Enabled", "transition": []}


@scenario("aws/inc_s3_lifecycle_whole_bucket.json", "destruction",
          "a lifecycle rule meant for tmp/ is written with an empty filter prefix: every object in the raw data "
          "lake bucket expires after 1 day")
def lifecycle_all() -> dict[str, Any]:
    p = Plan("2026-03-10T07:14:52Z")
    before = {**LIFECYCLE_BEFORE, "rule": [lc_rule("tmp-cleanup", "tmp/", 7)]}
    update(p, R("aws_s3_bucket_lifecycle_configuration", "raw"), before, {"rule": [lc_rule("tmp-cleanup", "", 1)]})
    return p.build()


@scenario("aws/inc_elasticache_snapshots_zero.json", "destruction",
          "the sessions Redis replication group's snapshot_retention_limit goes 7 -> 0: automatic backups stop and "
          "existing snapshots are deleted")
def redis_snapshots() -> dict[str, Any]:
    p = Plan("2026-03-10T09:48:03Z")
    before = {"arn": f"arn:aws:elasticache:{REGION}:{ACCOUNT}:replicationgroup:sessions-prod", "at_rest_encryption_enabled": "true",
              "automatic_failover_enabled": True, "description": "user sessions", "engine": "redis", "engine_version": "7.1",
              "id": "sessions-prod", "node_type": "cache.r7g.large", "num_cache_clusters": 2, "region": REGION,
              "replication_group_id": "sessions-prod", "snapshot_retention_limit": 7, "snapshot_window": "03:00-04:00",
              "transit_encryption_enabled": True, "tags": tags("sessions"), "tags_all": tags("sessions")}
    update(p, R("aws_elasticache_replication_group", "sessions"), before, {"snapshot_retention_limit": 0})
    return p.build()


@scenario("aws/inc_dynamodb_protection_and_pitr_off.json", "destruction",
          "the ledger DynamoDB table loses deletion protection and point-in-time recovery in one change, the usual "
          "first step before it is dropped")
def dynamo() -> dict[str, Any]:
    p = Plan("2026-03-10T12:05:40Z")
    before = {"arn": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/ledger", "attribute": [{"name": "pk", "type": "S"}],
              "billing_mode": "PAY_PER_REQUEST", "deletion_protection_enabled": True, "hash_key": "pk", "id": "ledger",
              "name": "ledger", "point_in_time_recovery": [{"enabled": True, "recovery_period_in_days": 35}],
              "region": REGION, "server_side_encryption": [{"enabled": True, "kms_key_arn": ""}],
              "stream_enabled": False, "table_class": "STANDARD", "tags": tags("ledger"), "tags_all": tags("ledger")}
    update(p, R("aws_dynamodb_table", "ledger", schema_version=1), before,
           {"deletion_protection_enabled": False, "point_in_time_recovery": [{"enabled": False, "recovery_period_in_days": 0}]})
    return p.build()


@scenario("aws/inc_import_then_suspend_versioning.json", "destruction",
          "an `import` block adopts the existing audit bucket's versioning, and the same apply changes it from "
          "Enabled to Suspended: the import is not a no-op")
def import_change() -> dict[str, Any]:
    p = Plan("2026-03-10T15:30:19Z")
    before = {"bucket": "acme-audit-logs-prod", "expected_bucket_owner": "", "id": "acme-audit-logs-prod", "mfa": None,
              "region": REGION, "versioning_configuration": [{"mfa_delete": "", "status": "Enabled"}]}
    update(p, R("aws_s3_bucket_versioning", "audit"), before,
           {"versioning_configuration": [{"mfa_delete": "", "status": "Suspended"}]},
           importing={"id": "acme-audit-logs-prod"})
    return p.build()


# ------------------------------------------------------------------------------------------ destruction look-alikes
@scenario("aws/inc_asg_scale_up.json", "benign-destruction",
          "the checkout auto scaling group scales up for a sale: desired 6 -> 10, max 12 -> 20")
def asg_up() -> dict[str, Any]:
    p = Plan("2026-03-11T08:00:00Z")
    before = {"arn": f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:1b2c:autoScalingGroupName/checkout-prod",
              "desired_capacity": 6, "health_check_type": "ELB", "id": "checkout-prod", "max_size": 12, "min_size": 4,
              "name": "checkout-prod", "region": REGION, "target_group_arns": [TG]}
    update(p, R("aws_autoscaling_group", "checkout"), before, {"desired_capacity": 10, "max_size": 20})
    return p.build()


@scenario("aws/inc_moved_database_rename.json", "benign-destruction",
          "a `moved` block renames aws_db_instance.main to aws_db_instance.orders: same object, no change")
def moved_db() -> dict[str, Any]:
    p = Plan("2026-03-11T09:30:45Z")
    db = aws_db_instance()
    noop(p, R("aws_db_instance", "orders", schema_version=2, sensitive={"password", "password_wo"}), db, previous_address="aws_db_instance.main")
    return p.build()


def task_definition(image: str, revision: int) -> dict[str, Any]:
    containers = [{"name": "api", "image": image, "essential": True, "portMappings": [{"containerPort": 8080}],
                   "secrets": [{"name": "DB_PASSWORD", "valueFrom":
                                f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:orders/db-password-Ab12Cd"}],
                   "environment": [{"name": "STRIPE_KEY_PARAM", "value": "/orders/prod/stripe-secret-key"}]}]
    return {"arn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/orders-api:{revision}",
            "arn_without_revision": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/orders-api",
            "container_definitions": json_doc(containers), "cpu": "512", "execution_role_arn":
            f"arn:aws:iam::{ACCOUNT}:role/orders-exec", "family": "orders-api", "id": "orders-api", "memory": "1024",
            "network_mode": "awsvpc", "region": REGION, "requires_compatibilities": ["FARGATE"], "revision": revision,
            "skip_destroy": False, "tags": tags("orders-api"), "tags_all": tags("orders-api"), "track_latest": False}


@scenario("aws/inc_ecs_task_definition_deploy.json", "benign-destruction",
          "a deploy: the orders API task definition is replaced with a new image tag (task definitions are immutable) "
          "and the service points at the new revision; its secrets are Secrets Manager ARNs and SSM names, not values")
def ecs_deploy() -> dict[str, Any]:
    p = Plan("2026-03-11T11:12:13Z")
    before = task_definition("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api:2026.03.10-4", 41)
    after = task_definition("123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-api:2026.03.11-1", 41)
    after.update({"arn": U, "id": U, "revision": U})
    p.add(R("aws_ecs_task_definition", "api", schema_version=1), ["delete", "create"], before, after,
          action_reason="replace_because_cannot_update", replace_paths=[["container_definitions"]])
    svc = {"cluster": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/prod", "desired_count": 4, "id": "orders-api",
           "launch_type": "FARGATE", "name": "orders-api", "region": REGION,
           "task_definition": before["arn"], "wait_for_steady_state": True}
    update(p, R("aws_ecs_service", "api"), svc, {"task_definition": U})
    return p.build()


@scenario("aws/inc_kms_key_tags.json", "benign-destruction",
          "only the tags of the payments KMS key change (cost-center added)")
def kms_tags() -> dict[str, Any]:
    p = Plan("2026-03-11T14:44:44Z")
    key = aws_kms_key("4d7a9e2c-1b3f-4c5d-8e6f-7a8b9c0d1e2f", "payments data at rest")
    new = {**key["tags"], "CostCenter": "cc-4410"}
    update(p, R("aws_kms_key", "payments"), key, {"tags": new, "tags_all": new})
    return p.build()


@scenario("aws/inc_s3_lifecycle_tmp_prefix.json", "benign-destruction",
          "a lifecycle rule expires only objects under tmp/ after 7 days and old noncurrent versions after 90 days")
def lifecycle_tmp() -> dict[str, Any]:
    p = Plan("2026-03-11T16:00:30Z")
    create(p, R("aws_s3_bucket_lifecycle_configuration", "raw"),
           {**LIFECYCLE_BEFORE, "rule": [lc_rule("tmp-cleanup", "tmp/", 7), lc_rule("old-versions", "archive/", 3650, 90)]},
           {"id": U})
    return p.build()


@scenario("aws/inc_dynamodb_enable_pitr.json", "benign-destruction",
          "point-in-time recovery is turned on for the sessions table (a hardening change)")
def pitr_on() -> dict[str, Any]:
    p = Plan("2026-03-12T08:08:08Z")
    before = {"arn": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/sessions", "billing_mode": "PAY_PER_REQUEST",
              "deletion_protection_enabled": True, "hash_key": "sid", "id": "sessions", "name": "sessions",
              "point_in_time_recovery": [{"enabled": False, "recovery_period_in_days": 0}], "region": REGION}
    update(p, R("aws_dynamodb_table", "sessions", schema_version=1), before,
           {"point_in_time_recovery": [{"enabled": True, "recovery_period_in_days": 35}]})
    return p.build()


# ------------------------------------------------------------------------------------------ downgrades
def launch_template(tokens: str) -> dict[str, Any]:
    return {"arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:launch-template/lt-0f1e2d3c4b5a69788", "default_version": 7,
            "id": "lt-0f1e2d3c4b5a69788", "image_id": "ami-0a1b2c3d4e5f67890", "instance_type": "m7i.large",
            "latest_version": 7, "name": "checkout", "region": REGION, "update_default_version": True,
            "metadata_options": [{"http_endpoint": "enabled", "http_protocol_ipv6": "disabled",
                                  "http_put_response_hop_limit": 2, "http_tokens": tokens, "instance_metadata_tags": "disabled"}]}


@scenario("aws/inc_imdsv2_optional.json", "downgrade",
          "the checkout launch template's metadata_options.http_tokens goes required -> optional: IMDSv1 is back, "
          "so an SSRF in the app can read the instance role's credentials (the Capital One path)")
def imds_optional() -> dict[str, Any]:
    p = Plan("2026-03-12T10:10:10Z")
    before = launch_template("required")
    after_md = copy.deepcopy(before["metadata_options"])
    after_md[0]["http_tokens"] = "optional"
    update(p, R("aws_launch_template", "checkout"), before, {"metadata_options": after_md, "latest_version": U})
    return p.build()


@scenario("aws/inc_imdsv2_required.json", "benign-downgrade",
          "the checkout launch template now requires IMDSv2 (http_tokens optional -> required): a hardening change")
def imds_required() -> dict[str, Any]:
    p = Plan("2026-03-12T10:40:10Z")
    before = launch_template("optional")
    after_md = copy.deepcopy(before["metadata_options"])
    after_md[0]["http_tokens"] = "required"
    update(p, R("aws_launch_template", "checkout"), before, {"metadata_options": after_md, "latest_version": U})
    return p.build()


def listener(port: int, protocol: str, ssl_policy: str, cert: str) -> dict[str, Any]:
    return {"alpn_policy": None, "arn": f"{LB.replace(':loadbalancer/', ':listener/')}/f1e2d3c4b5a69788",
            "certificate_arn": cert, "default_action": [{"order": 1, "target_group_arn": TG, "type": "forward",
                                                         "redirect": [], "fixed_response": [], "forward": []}],
            "id": f"{LB.replace(':loadbalancer/', ':listener/')}/f1e2d3c4b5a69788", "load_balancer_arn": LB,
            "port": port, "protocol": protocol, "region": REGION, "ssl_policy": ssl_policy, "tags": {}, "tags_all": {}}


@scenario("aws/inc_alb_listener_https_to_http.json", "downgrade",
          "the public web listener changes from HTTPS on 443 to plain HTTP on 80 forwarding straight to the app: "
          "logins travel unencrypted")
def https_to_http() -> dict[str, Any]:
    p = Plan("2026-03-12T13:31:31Z")
    before = listener(443, "HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06", CERT)
    update(p, R("aws_lb_listener", "web"), before, {"port": 80, "protocol": "HTTP", "ssl_policy": "", "certificate_arn": None})
    return p.build()


def distribution(min_proto: str) -> dict[str, Any]:
    return {"aliases": ["www.acme.com"], "arn": f"arn:aws:cloudfront::{ACCOUNT}:distribution/E2QWRUHAPOMQZL",
            "domain_name": "d111111abcdef8.cloudfront.net", "enabled": True, "id": "E2QWRUHAPOMQZL", "is_ipv6_enabled": True,
            "price_class": "PriceClass_100", "tags": tags("www"), "tags_all": tags("www"),
            "viewer_certificate": [{"acm_certificate_arn": CERT.replace(REGION, "us-east-1"), "cloudfront_default_certificate": False,
                                    "iam_certificate_id": "", "minimum_protocol_version": min_proto,
                                    "ssl_support_method": "sni-only"}]}


@scenario("aws/inc_cloudfront_tls_v1.json", "downgrade",
          "the www CloudFront distribution's minimum protocol version drops from TLSv1.2_2021 to TLSv1 to support "
          "an old client, re-enabling TLS 1.0 for every visitor")
def cloudfront_down() -> dict[str, Any]:
    p = Plan("2026-03-12T15:15:15Z")
    before = distribution("TLSv1.2_2021")
    vc = copy.deepcopy(before["viewer_certificate"])
    vc[0]["minimum_protocol_version"] = "TLSv1"
    update(p, R("aws_cloudfront_distribution", "www", schema_version=1), before, {"viewer_certificate": vc})
    return p.build()


@scenario("aws/inc_cloudfront_tls_tighten.json", "benign-downgrade",
          "the www CloudFront distribution's minimum protocol version is raised from TLSv1.2_2019 to TLSv1.2_2021")
def cloudfront_up() -> dict[str, Any]:
    p = Plan("2026-03-13T08:15:15Z")
    before = distribution("TLSv1.2_2019")
    vc = copy.deepcopy(before["viewer_certificate"])
    vc[0]["minimum_protocol_version"] = "TLSv1.2_2021"
    update(p, R("aws_cloudfront_distribution", "www", schema_version=1), before, {"viewer_certificate": vc})
    return p.build()


@scenario("aws/inc_ebs_default_encryption_off.json", "downgrade",
          "account-wide EBS encryption by default is switched off in us-east-1: every new volume and snapshot copy "
          "is unencrypted")
def ebs_default() -> dict[str, Any]:
    p = Plan("2026-03-13T10:01:02Z")
    update(p, R("aws_ebs_encryption_by_default", "this"), {"enabled": True, "id": "terraform-20240301", "region": REGION},
           {"enabled": False})
    return p.build()


# ------------------------------------------------------------------------------------------ reach
def record(name: str, rtype: str, records: list[str] | None, ttl: int | None, alias: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"alias": alias or [], "allow_overwrite": None, "cidr_routing_policy": [], "failover_routing_policy": [],
            "fqdn": name, "geolocation_routing_policy": [], "geoproximity_routing_policy": [], "health_check_id": "",
            "id": f"{ZONE}_{name}_{rtype}", "latency_routing_policy": [], "multivalue_answer_routing_policy": False,
            "name": name, "records": records, "set_identifier": "", "timeouts": None, "ttl": ttl, "type": rtype,
            "weighted_routing_policy": [], "zone_id": ZONE}


@scenario("aws/inc_route53_ns_delegation_moved.json", "reach",
          "the NS records delegating pay.acme.com are replaced with nameservers of an unknown outside DNS host: "
          "whoever runs those servers now answers for the payments domain")
def ns_moved() -> dict[str, Any]:
    p = Plan("2026-03-13T12:12:12Z")
    before = record("pay.acme.com", "NS", ["ns-1536.awsdns-00.co.uk.", "ns-0.awsdns-00.com.", "ns-1024.awsdns-00.org.",
                                            "ns-512.awsdns-00.net."], 172800)
    update(p, R("aws_route53_record", "pay_delegation", schema_version=2), before,
           {"records": ["ns1.fastdns-hosting.net.", "ns2.fastdns-hosting.net."]})
    return p.build()


@scenario("aws/inc_route53_apex_deleted.json", "reach",
          "the apex A alias record of acme.com (pointing at the web ALB) is deleted because it moved to a module "
          "without a `moved` block: the site goes dark until someone notices")
def apex_deleted() -> dict[str, Any]:
    p = Plan("2026-03-13T14:14:14Z")
    alias = [{"evaluate_target_health": True, "name": "web-prod-1234567890.us-east-1.elb.amazonaws.com",
              "zone_id": "Z35SXDOTRQ7X7K"}]
    delete(p, R("aws_route53_record", "apex", schema_version=2), record("acme.com", "A", None, None, alias))
    return p.build()


# ------------------------------------------------------------------------------------------ credentials
@scenario("aws/inc_lambda_env_stripe_live_key.json", "credentials",
          "the billing Lambda gets STRIPE_SECRET_KEY as a plain environment variable holding a live Stripe secret "
          "key (sk_live_…), visible to anyone who can read the function configuration or the plan")
def stripe_key() -> dict[str, Any]:
    p = Plan("2026-03-14T08:20:20Z")
    env = {"STRIPE_SECRET_KEY": "sk_live_51NzQk2HfT8xLq4VbR7cWm3YpJd9s0GkE6uAo1iXtZ5nBvCr8KlP2wMhQ7jF3yD",
           "LOG_LEVEL": "info"}
    before = {"architectures": ["arm64"], "arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:billing-webhooks",
              "environment": [{"variables": {"LOG_LEVEL": "info"}}], "function_name": "billing-webhooks",
              "handler": "index.handler", "id": "billing-webhooks", "memory_size": 512, "region": REGION,
              "role": f"arn:aws:iam::{ACCOUNT}:role/billing-webhooks", "runtime": "nodejs22.x", "timeout": 30,
              "tags": tags("billing"), "tags_all": tags("billing")}
    update(p, R("aws_lambda_function", "billing"), before, {"environment": [{"variables": env}], "last_modified": U})
    return p.build()


@scenario("aws/inc_ssm_string_slack_token.json", "credentials",
          "a Slack bot token (xoxb-…) is stored as an SSM parameter of type String, not SecureString, so the "
          "provider does not mark it sensitive and it is printed in plan output")
def slack_ssm() -> dict[str, Any]:
    p = Plan("2026-03-14T10:30:30Z")
    create(p, R("aws_ssm_parameter", "slack_bot"),
           {"allowed_pattern": None, "data_type": "text", "description": "alerts bot", "name": "/alerts/slack/bot-token",
            "overwrite": None, "region": REGION, "tags": None, "tier": "Standard", "type": "String",
            "value": "xoxb-2710482910243-7348219046613-Qm4Tz8RbYc2LpXw9NvEs3Kd1"},
           {"arn": U, "id": U, "insecure_value": U, "key_id": U, "tags_all": U, "version": U})
    return p.build()


@scenario("aws/inc_ssm_secret_arn_reference.json", "benign-credentials",
          "the app's configuration parameter stores the ARN of a Secrets Manager secret, a reference, not the secret")
def secret_ref() -> dict[str, Any]:
    p = Plan("2026-03-14T12:40:40Z")
    create(p, R("aws_ssm_parameter", "db_secret_arn"),
           {"allowed_pattern": None, "data_type": "text", "description": "where the orders DB password lives",
            "name": "/orders/prod/db-secret-arn", "overwrite": None, "region": REGION, "tags": None, "tier": "Standard",
            "type": "String", "value": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:orders/db-password-Ab12Cd"},
           {"arn": U, "id": U, "insecure_value": U, "key_id": U, "tags_all": U, "version": U})
    return p.build()


@scenario("aws/inc_ecs_container_pem_key.json", "credentials",
          "a new task definition embeds a PEM RSA private key (for signing SAML responses) in a container's "
          "environment inside container_definitions JSON")
def pem_in_task() -> dict[str, Any]:
    p = Plan("2026-03-14T15:50:50Z")
    pem = ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAv3kPzVn7Jq2m8XbR4cTd1LwHsY6oGfE9aU0iKpNxZ5rCeQ3M\n"
           "h8Vt2WbLy4JdFs7Kq1PoRn6XgTz0mHcYeA3uBi9NlSw5DjEfQ2rUv8GaTpWk4ZxC\n-----END RSA PRIVATE KEY-----\n")
    containers = [{"name": "sso", "image": "ghcr.io/acme-corp/sso:3.2.0", "essential": True,
                   "environment": [{"name": "SAML_SIGNING_KEY", "value": pem}, {"name": "PORT", "value": "8443"}]}]
    create(p, R("aws_ecs_task_definition", "sso", schema_version=1),
           {"container_definitions": json_doc(containers), "cpu": "256", "family": "sso", "memory": "512",
            "network_mode": "awsvpc", "region": REGION, "requires_compatibilities": ["FARGATE"], "skip_destroy": False,
            "tags": None, "track_latest": False},
           {"arn": U, "arn_without_revision": U, "id": U, "revision": U, "tags_all": U})
    return p.build()


__all__ = ["MR", "UL", "modularize"]
