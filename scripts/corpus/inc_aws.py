"""Incidents corpus, AWS: exposure, identity, destruction, downgrade and their look-alikes."""

from __future__ import annotations

import copy
from typing import Any

from inc_lib import (
    MR,
    UL,
    Blocks,
    Plan,
    R,
    Ref,
    U,
    create,
    json_doc,
    modularize,
    noop,
    read_data,
    scenario,
    update,
)
from rtypes import ACCOUNT, REGION, aws_iam_role, aws_kms_key, aws_s3_bucket, aws_security_group, sg_rule, tags

V = "2012-10-17"
SG_RULE_COMPUTED = {"arn": U, "id": U, "security_group_rule_id": U, "tags_all": U}


def ingress_rule(sg_id: str, port: int, cidr: str | None, description: str, *, to_port: int | None = None,
                 ipv6: str | None = None) -> dict[str, Any]:
    return {"cidr_ipv4": cidr, "cidr_ipv6": ipv6, "description": description, "from_port": port,
            "ip_protocol": "tcp", "prefix_list_id": None, "referenced_security_group_id": None, "region": REGION,
            "security_group_id": sg_id, "tags": None, "to_port": to_port or port}


def bucket_policy(bucket: str, doc: dict[str, Any]) -> dict[str, Any]:
    return {"bucket": bucket, "id": bucket, "policy": json_doc(doc), "region": REGION}


# ------------------------------------------------------------------------------------------ exposure
@scenario("aws/inc_s3_policy_public_read.json", "exposure",
          "the customer-exports bucket gets a policy granting s3:GetObject to Principal \"*\" with no condition, "
          "and its public access block is switched off so the policy takes effect: every export is world-readable")
def s3_public_read() -> dict[str, Any]:
    p = Plan("2026-03-02T10:14:09Z")
    bucket = "acme-customer-exports"
    noop(p, R("aws_s3_bucket", "exports"), aws_s3_bucket(bucket))
    pab = {"block_public_acls": True, "block_public_policy": True, "bucket": bucket, "id": bucket,
           "ignore_public_acls": True, "region": REGION, "restrict_public_buckets": True}
    update(p, R("aws_s3_bucket_public_access_block", "exports"), pab,
           {"block_public_policy": False, "restrict_public_buckets": False},
           config={"bucket": Ref("aws_s3_bucket.exports.id", "aws_s3_bucket.exports"),
                   "block_public_acls": True, "ignore_public_acls": True,
                   "block_public_policy": False, "restrict_public_buckets": False})
    doc = {"Version": V, "Statement": [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                                        "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}
    create(p, R("aws_s3_bucket_policy", "exports"), bucket_policy(bucket, doc), {"id": U},
           config={"bucket": Ref("aws_s3_bucket.exports.id", "aws_s3_bucket.exports"), "policy": json_doc(doc)})
    return p.build()


@scenario("aws/inc_module_db_sg_postgres_world.json", "exposure",
          "inside module.service[\"billing\"] the database security group gains an ingress on 5432/tcp from "
          "0.0.0.0/0 (a debugging rule copied to prod): the billing Postgres is reachable from the internet")
def db_sg_world() -> dict[str, Any]:
    p = Plan("2026-03-02T11:40:51Z")
    sg_id = "sg-07c3f1e2d9a8b4c51"
    before = aws_security_group("billing-db", sg_id, [sg_rule(5432, 5432, "tcp", ["10.40.0.0/16"],
                                                                description="app subnets")], description="billing db")
    after_ingress = before["ingress"] + [sg_rule(5432, 5432, "tcp", ["0.0.0.0/0"], description="temp debug")]
    update(p, MR('module.service["billing"]', "aws_security_group", "db", schema_version=1), before,
           {"ingress": after_ingress})
    noop(p, MR('module.service["search"]', "aws_security_group", "db", schema_version=1),
         aws_security_group("search-db", "sg-0a9b8c7d6e5f40312", [sg_rule(9200, 9200, "tcp", ["10.40.0.0/16"])]))
    doc = p.build()
    ing = Blocks({"from_port": 5432, "to_port": 5432, "protocol": "tcp", "cidr_blocks": Ref("var.db_ingress_cidrs"),
                  "description": "postgres"})
    return modularize(doc, {"service": {
        "source": "./modules/service", "for_each": Ref("local.services"),
        "inputs": {"name": Ref("each.key"), "db_ingress_cidrs": Ref("each.value.db_ingress_cidrs")},
        "resources": [("aws_security_group", "db", {"name": Ref("var.name"), "ingress": ing,
                                                     "vpc_id": Ref("var.vpc_id")})]}})


@scenario("aws/inc_opensearch_open_access_policy.json", "exposure",
          "the logs OpenSearch domain's access policy allows es:* to AWS principal \"*\" with no IP or VPC "
          "condition on a public endpoint: anyone can read and delete the indices")
def opensearch_open() -> dict[str, Any]:
    p = Plan("2026-03-03T08:12:30Z")
    arn = f"arn:aws:es:{REGION}:{ACCOUNT}:domain/app-logs"
    scoped = {"Version": V, "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/log-shipper"},
                                           "Action": "es:ESHttp*", "Resource": f"{arn}/*"}]}
    opened = {"Version": V, "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "es:*",
                                           "Resource": f"{arn}/*"}]}
    before = {"access_policies": json_doc(scoped), "arn": arn, "domain_id": f"{ACCOUNT}/app-logs", "domain_name": "app-logs",
              "endpoint": "search-app-logs-7hq2k4m3x5c6v7b8n9.us-east-1.es.amazonaws.com", "engine_version": "OpenSearch_2.17",
              "id": arn, "region": REGION, "vpc_options": [], "encrypt_at_rest": [{"enabled": True, "kms_key_id": ""}],
              "node_to_node_encryption": [{"enabled": True}], "tags": tags("app-logs"), "tags_all": tags("app-logs")}
    update(p, R("aws_opensearch_domain", "logs"), before, {"access_policies": json_doc(opened)})
    return p.build()


@scenario("aws/inc_lambda_function_url_auth_none.json", "exposure",
          "an admin-tasks Lambda (it can rotate database users) gets a function URL with authorization_type "
          "NONE: anyone on the internet can invoke it")
def lambda_url() -> dict[str, Any]:
    p = Plan("2026-03-03T13:55:02Z")
    create(p, R("aws_lambda_function_url", "admin_tasks"),
           {"authorization_type": "NONE", "cors": [], "function_name": "admin-tasks", "invoke_mode": "BUFFERED",
            "qualifier": "", "region": REGION, "timeouts": None},
           {"function_arn": U, "function_url": U, "id": U, "url_id": U},
           config={"function_name": Ref("aws_lambda_function.admin_tasks.function_name", "aws_lambda_function.admin_tasks"),
                   "authorization_type": "NONE"})
    return p.build()


@scenario("aws/inc_module_bucket_acl_public.json", "exposure",
          "module.buckets[\"invoices\"] switches the invoices bucket ACL from private to public-read (and turns "
          "object ownership back to ObjectWriter so ACLs apply): customer invoices become listable")
def bucket_acl() -> dict[str, Any]:
    p = Plan("2026-03-04T09:01:44Z")
    m = 'module.buckets["invoices"]'
    acl_before = {"access_control_policy": [], "acl": "private", "bucket": "acme-invoices-prod", "expected_bucket_owner": "",
                  "id": "acme-invoices-prod,private", "region": REGION}
    update(p, MR(m, "aws_s3_bucket_acl", "this"), acl_before, {"acl": "public-read", "id": U})
    own = {"bucket": "acme-invoices-prod", "expected_bucket_owner": "", "id": "acme-invoices-prod", "region": REGION,
           "rule": [{"object_ownership": "BucketOwnerEnforced"}]}
    update(p, MR(m, "aws_s3_bucket_ownership_controls", "this"), own, {"rule": [{"object_ownership": "ObjectWriter"}]})
    noop(p, MR('module.buckets["reports"]', "aws_s3_bucket_acl", "this"),
         {**acl_before, "bucket": "acme-reports-prod", "id": "acme-reports-prod,private"})
    return modularize(p.build(), {"buckets": {
        "source": "app.terraform.io/acme/s3-bucket/aws", "version": "~> 4.2", "for_each": Ref("var.buckets"),
        "inputs": {"name": Ref("each.key"), "acl": Ref("each.value.acl")},
        "resources": [("aws_s3_bucket_acl", "this", {"bucket": Ref("aws_s3_bucket.this.id"), "acl": Ref("var.acl")}),
                      ("aws_s3_bucket_ownership_controls", "this", {"bucket": Ref("aws_s3_bucket.this.id"),
                                                                    "rule": Blocks({"object_ownership": Ref("var.object_ownership")})})]}})


# ------------------------------------------------------------------------------------------ exposure look-alikes
@scenario("aws/inc_alb_https_world.json", "benign-exposure",
          "a new public ALB's security group allows 443/tcp from 0.0.0.0/0 and ::/0: a web entry point is meant to "
          "be reachable; the app instances stay behind it")
def alb_443() -> dict[str, Any]:
    p = Plan("2026-03-04T15:20:18Z")
    sg = "sg-0d4e5f6a7b8c9d0e1"
    noop(p, R("aws_security_group", "alb", schema_version=1), aws_security_group("web-alb", sg, [], description="public ALB"))
    for name, v4, v6 in (("https_v4", "0.0.0.0/0", None), ("https_v6", None, "::/0")):
        create(p, R("aws_vpc_security_group_ingress_rule", name), ingress_rule(sg, 443, v4, "HTTPS from anywhere", ipv6=v6),
               SG_RULE_COMPUTED, config={"security_group_id": Ref("aws_security_group.alb.id", "aws_security_group.alb"),
                                         "ip_protocol": "tcp", "from_port": 443, "to_port": 443,
                                         ("cidr_ipv4" if v4 else "cidr_ipv6"): v4 or v6,
                                         "description": "HTTPS from anywhere"})
    return p.build()


@scenario("aws/inc_alb_http_redirect.json", "benign-exposure",
          "port 80 opens to the world on the public ALB only to serve a listener whose single action is a 301 "
          "redirect to HTTPS")
def http_redirect() -> dict[str, Any]:
    p = Plan("2026-03-05T07:45:33Z")
    sg = "sg-0d4e5f6a7b8c9d0e1"
    create(p, R("aws_vpc_security_group_ingress_rule", "http_redirect"), ingress_rule(sg, 80, "0.0.0.0/0", "HTTP, redirected"),
           SG_RULE_COMPUTED)
    lb = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/web-prod/50dc6c495c0c9188"
    create(p, R("aws_lb_listener", "http"), {
        "alpn_policy": None, "certificate_arn": None, "load_balancer_arn": lb, "port": 80, "protocol": "HTTP",
        "region": REGION, "tags": None, "timeouts": None,
        "default_action": [{"authenticate_cognito": [], "authenticate_oidc": [], "fixed_response": [], "forward": [],
                            "order": U, "target_group_arn": "", "type": "redirect",
                            "redirect": [{"host": "#{host}", "path": "/#{path}", "port": "443", "protocol": "HTTPS",
                                          "query": "#{query}", "status_code": "HTTP_301"}]}]},
        {"arn": U, "id": U, "ssl_policy": U, "tags_all": U, "mutual_authentication": UL, "routing_http_response_server_enabled": U})
    return p.build()


# ------------------------------------------------------------------------------------------ identity
def managed_policy(name: str, doc: Any) -> dict[str, Any]:
    return {"description": "", "name": name, "name_prefix": U, "path": "/", "policy": doc, "tags": {"Team": "platform"}}


POLICY_COMPUTED = {"arn": U, "attachment_count": U, "id": U, "policy_id": U, "tags_all": U}


@scenario("aws/inc_iam_passrole_lambda_escalation.json", "identity",
          "the support-tooling role may pass the ops-admin role and create and invoke Lambda functions: it can run "
          "code as ops-admin (PassRole + lambda:CreateFunction privilege escalation), though no action is a wildcard")
def passrole() -> dict[str, Any]:
    p = Plan("2026-03-05T10:02:11Z")
    doc = {"Version": V, "Statement": [
        {"Sid": "PassOpsRole", "Effect": "Allow", "Action": "iam:PassRole", "Resource": f"arn:aws:iam::{ACCOUNT}:role/ops-admin"},
        {"Sid": "Functions", "Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction",
                                                           "lambda:UpdateFunctionCode"],
         "Resource": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:support-*"}]}
    create(p, R("aws_iam_policy", "support_tooling"), managed_policy("support-tooling", json_doc(doc)), POLICY_COMPUTED)
    create(p, R("aws_iam_role_policy_attachment", "support_tooling"),
           {"policy_arn": U, "role": "support-tooling"}, {"id": U, "policy_arn": U},
           config={"role": "support-tooling", "policy_arn": Ref("aws_iam_policy.support_tooling.arn", "aws_iam_policy.support_tooling")})
    return p.build()


@scenario("aws/inc_oidc_trust_no_sub.json", "identity",
          "the deploy role trusts GitHub's OIDC provider with only an `aud` condition and no `sub`: any repository "
          "on GitHub can assume the production deploy role")
def oidc_no_sub() -> dict[str, Any]:
    p = Plan("2026-03-05T14:29:40Z")
    fed = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    scoped = {"Version": V, "Statement": [{"Effect": "Allow", "Principal": {"Federated": fed},
              "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {
                  "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                                   "token.actions.githubusercontent.com:sub": "repo:acme-corp/infra:environment:prod"}}}]}
    opened = copy.deepcopy(scoped)
    del opened["Statement"][0]["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"]
    update(p, R("aws_iam_role", "deploy"), aws_iam_role("gha-deploy-prod", scoped), {"assume_role_policy": json_doc(opened)})
    return p.build()


@scenario("aws/inc_iam_policy_document_known_after_apply.json", "identity",
          "the ETL role's inline policy comes from data.aws_iam_policy_document read during apply (it references "
          "a bucket being created); its statements grant s3:* and kms:* on \"*\"")
def policy_document() -> dict[str, Any]:
    p = Plan("2026-03-06T09:10:27Z")
    create(p, R("aws_s3_bucket", "staging"), {"bucket": "acme-etl-staging", "force_destroy": False, "tags": tags("etl")},
           {"arn": U, "id": U, "bucket_domain_name": U, "tags_all": U, "versioning": UL, "policy": U})
    read_data(p, R("aws_iam_policy_document", "etl", mode="data"),
              {"id": U, "json": U, "minified_json": U, "statement": [
                  {"actions": ["s3:*"], "condition": [], "effect": "Allow", "not_actions": [], "not_principals": [],
                   "not_resources": [], "principals": [], "resources": ["*"], "sid": "Data"},
                  {"actions": ["kms:*"], "condition": [], "effect": "Allow", "not_actions": [], "not_principals": [],
                   "not_resources": [], "principals": [], "resources": ["*"], "sid": "Keys"},
                  {"actions": ["s3:PutObject"], "condition": [], "effect": "Allow", "not_actions": [], "not_principals": [],
                   "not_resources": [], "principals": [], "resources": [U], "sid": "Staging"}]},
              {"statement": Blocks({"sid": "Data", "actions": ["s3:*"], "resources": ["*"]},
                                   {"sid": "Keys", "actions": ["kms:*"], "resources": ["*"]},
                                   {"sid": "Staging", "actions": ["s3:PutObject"],
                                    "resources": Ref("aws_s3_bucket.staging.arn", "aws_s3_bucket.staging")})})
    create(p, R("aws_iam_role_policy", "etl"), {"name": "etl-data", "name_prefix": U, "role": "etl-runner"},
           {"id": U, "policy": U, "name_prefix": U},
           config={"name": "etl-data", "role": "etl-runner",
                   "policy": Ref("data.aws_iam_policy_document.etl.json", "data.aws_iam_policy_document.etl")})
    return p.build()


@scenario("aws/inc_ci_user_administrator_access.json", "identity",
          "the CI IAM user (long-lived access keys) gets the AWS-managed AdministratorAccess policy attached")
def ci_admin() -> dict[str, Any]:
    p = Plan("2026-03-06T12:48:05Z")
    create(p, R("aws_iam_user_policy_attachment", "ci_admin"),
           {"policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess", "user": "ci-deployer"}, {"id": U})
    return p.build()


@scenario("aws/inc_vendor_trust_no_external_id.json", "identity",
          "the monitoring vendor's cross-account role now trusts their whole AWS account with no sts:ExternalId "
          "condition (confused deputy), and gains ReadOnlyAccess over every service")
def vendor_trust() -> dict[str, Any]:
    p = Plan("2026-03-06T16:03:59Z")
    trust = {"Version": V, "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::464622532012:root"},
                                          "Action": "sts:AssumeRole"}]}
    create(p, R("aws_iam_role", "vendor"), {"assume_role_policy": json_doc(trust), "description": "observability vendor",
                                            "force_detach_policies": False, "max_session_duration": 3600,
                                            "name": "vendor-observability", "path": "/", "permissions_boundary": None,
                                            "tags": {"Team": "sre"}},
           {"arn": U, "create_date": U, "id": U, "inline_policy": UL, "managed_policy_arns": UL, "name_prefix": U,
            "tags_all": U, "unique_id": U})
    create(p, R("aws_iam_role_policy_attachment", "vendor_ro"),
           {"policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "role": "vendor-observability"}, {"id": U},
           config={"role": Ref("aws_iam_role.vendor.name", "aws_iam_role.vendor"),
                   "policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})
    return p.build()


@scenario("aws/inc_kms_key_policy_open.json", "identity",
          "the payments KMS key policy adds a statement allowing kms:* to Principal {\"AWS\": \"*\"} with no "
          "condition: any AWS account can decrypt payments data")
def kms_open() -> dict[str, Any]:
    p = Plan("2026-03-07T08:33:12Z")
    key = aws_kms_key("4d7a9e2c-1b3f-4c5d-8e6f-7a8b9c0d1e2f", "payments data at rest")
    import json
    doc = json.loads(key["policy"])
    doc["Statement"].append({"Sid": "AllowPartners", "Effect": "Allow", "Principal": {"AWS": "*"},
                             "Action": "kms:*", "Resource": "*"})
    update(p, R("aws_kms_key", "payments"), key, {"policy": json_doc(doc)})
    return p.build()


# ------------------------------------------------------------------------------------------ identity look-alikes
@scenario("aws/inc_s3_policy_org_condition.json", "benign-identity",
          "a shared-artifacts bucket policy uses Principal \"*\" but only with aws:PrincipalOrgID = the company's "
          "organization, and only for s3:GetObject: the standard org-sharing pattern")
def org_condition() -> dict[str, Any]:
    p = Plan("2026-03-07T11:11:11Z")
    bucket = "acme-shared-artifacts"
    doc = {"Version": V, "Statement": [{"Sid": "OrgRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                        "Resource": f"arn:aws:s3:::{bucket}/*",
                                        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-7k2m9x4q1z"}}}]}
    create(p, R("aws_s3_bucket_policy", "artifacts"), bucket_policy(bucket, doc), {"id": U})
    return p.build()


@scenario("aws/inc_kms_key_default_policy.json", "benign-identity",
          "a new KMS key with the default key policy (the account root may use kms:* on the key, which delegates to "
          "IAM) and rotation on")
def kms_default() -> dict[str, Any]:
    p = Plan("2026-03-07T13:42:50Z")
    key = aws_kms_key("ignored", "search index encryption", tags=tags("search"))
    values = {k: v for k, v in key.items() if k not in ("arn", "id", "key_id", "tags_all")}
    create(p, R("aws_kms_key", "search"), values, {"arn": U, "id": U, "key_id": U, "tags_all": U})
    return p.build()


@scenario("aws/inc_iam_read_only_policy.json", "benign-identity",
          "a reporting role gets a policy limited to s3:GetObject and s3:ListBucket on one reports bucket")
def read_only() -> dict[str, Any]:
    p = Plan("2026-03-07T15:06:21Z")
    doc = {"Version": V, "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::acme-reports-prod"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-reports-prod/*"}]}
    create(p, R("aws_iam_policy", "reports_read"), managed_policy("reports-read", json_doc(doc)), POLICY_COMPUTED)
    return p.build()


@scenario("aws/inc_oidc_trust_exact_sub.json", "benign-identity",
          "a new deploy role trusts GitHub's OIDC provider for exactly repo:acme-corp/web:environment:prod with aud "
          "sts.amazonaws.com")
def oidc_exact() -> dict[str, Any]:
    p = Plan("2026-03-08T09:27:37Z")
    fed = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    trust = {"Version": V, "Statement": [{"Effect": "Allow", "Principal": {"Federated": fed},
             "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {
                 "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                 "token.actions.githubusercontent.com:sub": "repo:acme-corp/web:environment:prod"}}}]}
    create(p, R("aws_iam_role", "web_deploy"), {"assume_role_policy": json_doc(trust), "description": "",
                                                "force_detach_policies": False, "max_session_duration": 3600,
                                                "name": "gha-web-deploy", "path": "/", "permissions_boundary": None,
                                                "tags": None},
           {"arn": U, "create_date": U, "id": U, "inline_policy": UL, "managed_policy_arns": UL, "name_prefix": U,
            "tags_all": U, "unique_id": U})
    return p.build()
