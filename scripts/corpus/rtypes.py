"""Full attribute sets (as they appear in state) for the provider resource types the corpus uses."""

from __future__ import annotations

import json
from typing import Any

from lib import UL, R, U

ACCOUNT = "123456789012"
REGION = "us-east-1"
PROJECT = "acme-prod-4821"
SUB = "3f2c9a71-5b0e-4d8a-9c61-2e7f4a0b8d15"


def _with(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    for k in over:
        if k not in base:
            raise KeyError(f"unknown attribute {k}")
    base.update(over)
    return base


def unknowns(values: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """Mark attributes unknown: spec maps attribute -> U / UL / UM."""
    out = dict(values)
    for k, v in spec.items():
        if k not in out:
            raise KeyError(k)
        out[k] = v
    return out


# ---------------------------------------------------------------------------------------------- aws
def tags(name: str, env: str = "prod", **extra: str) -> dict[str, str]:
    t = {"Name": name, "Environment": env, "Team": "platform"}
    t.update(extra)
    return t


def aws_db_instance(**over: Any) -> dict[str, Any]:
    ident = over.get("identifier", "orders-prod")
    v = {
        "address": f"{ident}.c9akciq32.{REGION}.rds.amazonaws.com",
        "allocated_storage": 200,
        "allow_major_version_upgrade": None,
        "apply_immediately": False,
        "arn": f"arn:aws:rds:{REGION}:{ACCOUNT}:db:{ident}",
        "auto_minor_version_upgrade": True,
        "availability_zone": "us-east-1a",
        "backup_retention_period": 7,
        "backup_target": "region",
        "backup_window": "03:00-04:00",
        "blue_green_update": [],
        "ca_cert_identifier": "rds-ca-rsa2048-g1",
        "character_set_name": "",
        "copy_tags_to_snapshot": True,
        "custom_iam_instance_profile": "",
        "customer_owned_ip_enabled": False,
        "database_insights_mode": "standard",
        "db_name": "orders",
        "db_subnet_group_name": "prod-db-subnets",
        "dedicated_log_volume": False,
        "delete_automated_backups": True,
        "deletion_protection": True,
        "domain": "",
        "domain_auth_secret_arn": "",
        "domain_dns_ips": [],
        "domain_fqdn": "",
        "domain_iam_role_name": "",
        "domain_ou": "",
        "enabled_cloudwatch_logs_exports": ["postgresql", "upgrade"],
        "endpoint": f"{ident}.c9akciq32.{REGION}.rds.amazonaws.com:5432",
        "engine": "postgres",
        "engine_lifecycle_support": "open-source-rds-extended-support",
        "engine_version": "16.4",
        "engine_version_actual": "16.4",
        "final_snapshot_identifier": f"{ident}-final",
        "hosted_zone_id": "Z2R2ITUGPM61AM",
        "iam_database_authentication_enabled": False,
        "id": "db-7QXK2M4N5P6R7S8T9UVWXYZAB2",
        "identifier": ident,
        "identifier_prefix": "",
        "instance_class": "db.r6g.large",
        "iops": 3000,
        "kms_key_id": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/6f1d2c3b-8a9e-4f70-b1c2-d3e4f5a6b7c8",
        "latest_restorable_time": "2026-02-11T09:35:00Z",
        "license_model": "postgresql-license",
        "listener_endpoint": [],
        "maintenance_window": "sun:05:00-sun:06:00",
        "manage_master_user_password": None,
        "master_user_secret": [],
        "master_user_secret_kms_key_id": "",
        "max_allocated_storage": 1000,
        "monitoring_interval": 60,
        "monitoring_role_arn": f"arn:aws:iam::{ACCOUNT}:role/rds-monitoring",
        "multi_az": True,
        "nchar_character_set_name": "",
        "network_type": "IPV4",
        "option_group_name": "default:postgres-16",
        "parameter_group_name": "orders-pg16",
        "password": "Zr8#pQ2!vLx9-orders-master",
        "password_wo": None,
        "password_wo_version": None,
        "performance_insights_enabled": True,
        "performance_insights_kms_key_id": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/6f1d2c3b-8a9e-4f70-b1c2-d3e4f5a6b7c8",
        "performance_insights_retention_period": 7,
        "port": 5432,
        "publicly_accessible": False,
        "region": REGION,
        "replica_mode": "",
        "replicas": [],
        "replicate_source_db": "",
        "resource_id": "db-7QXK2M4N5P6R7S8T9UVWXYZAB2",
        "restore_to_point_in_time": [],
        "s3_import": [],
        "skip_final_snapshot": False,
        "snapshot_identifier": None,
        "status": "available",
        "storage_encrypted": True,
        "storage_throughput": 125,
        "storage_type": "gp3",
        "tags": tags(ident),
        "tags_all": tags(ident),
        "timeouts": None,
        "timezone": "",
        "upgrade_storage_config": None,
        "username": "orders_admin",
        "vpc_security_group_ids": ["sg-0a1b2c3d4e5f60718"],
    }
    return _with(v, over)


def rds_res(name: str = "orders") -> R:
    return R("aws_db_instance", name, schema_version=2, sensitive={"password", "password_wo"})


def rds_config(v: dict[str, Any]) -> dict[str, Any]:
    keys = ["identifier", "engine", "engine_version", "instance_class", "allocated_storage", "max_allocated_storage",
            "storage_type", "storage_encrypted", "db_name", "username", "multi_az", "backup_retention_period",
            "backup_window", "maintenance_window", "deletion_protection", "publicly_accessible", "skip_final_snapshot",
            "final_snapshot_identifier", "performance_insights_enabled", "monitoring_interval", "copy_tags_to_snapshot",
            "enabled_cloudwatch_logs_exports", "parameter_group_name", "db_subnet_group_name", "tags"]
    cfg = {k: v[k] for k in keys}
    from lib import Ref
    cfg["password"] = Ref("var.db_password")
    cfg["vpc_security_group_ids"] = Ref("var.db_security_group_ids")
    cfg["monitoring_role_arn"] = Ref("var.rds_monitoring_role_arn")
    return cfg


def aws_s3_bucket(bucket: str, **over: Any) -> dict[str, Any]:
    v = {
        "acceleration_status": "",
        "acl": None,
        "arn": f"arn:aws:s3:::{bucket}",
        "bucket": bucket,
        "bucket_domain_name": f"{bucket}.s3.amazonaws.com",
        "bucket_prefix": "",
        "bucket_region": REGION,
        "bucket_regional_domain_name": f"{bucket}.s3.{REGION}.amazonaws.com",
        "cors_rule": [],
        "force_destroy": False,
        "grant": [{"id": "c8e1f3a0b9d24e7f8a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f", "permissions": ["FULL_CONTROL"],
                   "type": "CanonicalUser", "uri": ""}],
        "hosted_zone_id": "Z3AQBSTGFYJSTF",
        "id": bucket,
        "lifecycle_rule": [],
        "logging": [],
        "object_lock_configuration": [],
        "object_lock_enabled": False,
        "policy": "",
        "region": REGION,
        "replication_configuration": [],
        "request_payer": "BucketOwner",
        "server_side_encryption_configuration": [{"rule": [{
            "apply_server_side_encryption_by_default": [{"kms_master_key_id": "", "sse_algorithm": "AES256"}],
            "bucket_key_enabled": False}]}],
        "tags": tags(bucket),
        "tags_all": tags(bucket),
        "timeouts": None,
        "versioning": [{"enabled": False, "mfa_delete": False}],
        "website": [],
        "website_domain": None,
        "website_endpoint": None,
    }
    return _with(v, over)


S3_CREATE_UNKNOWN = {k: U for k in ["acceleration_status", "arn", "bucket_domain_name", "bucket_region",
                                     "bucket_regional_domain_name", "hosted_zone_id", "id", "object_lock_enabled",
                                     "policy", "request_payer", "website_domain", "website_endpoint", "bucket_prefix"]}
S3_CREATE_UNKNOWN.update({k: UL for k in ["cors_rule", "grant", "lifecycle_rule", "logging", "object_lock_configuration",
                                          "replication_configuration", "server_side_encryption_configuration",
                                          "versioning", "website"]})


def s3_res(name: str) -> R:
    return R("aws_s3_bucket", name)


def aws_s3_pab(bucket: str, on: bool = True) -> dict[str, Any]:
    return {"block_public_acls": on, "block_public_policy": on, "bucket": bucket, "id": bucket,
            "ignore_public_acls": on, "region": REGION, "restrict_public_buckets": on}


def aws_s3_versioning(bucket: str, status: str) -> dict[str, Any]:
    return {"bucket": bucket, "expected_bucket_owner": "", "id": bucket, "mfa": None, "region": REGION,
            "versioning_configuration": [{"mfa_delete": "", "status": status}]}


def aws_s3_sse(bucket: str, kms_arn: str | None) -> dict[str, Any]:
    return {"bucket": bucket, "expected_bucket_owner": "", "id": bucket, "region": REGION,
            "rule": [{"apply_server_side_encryption_by_default": [
                {"kms_master_key_id": kms_arn or "", "sse_algorithm": "aws:kms" if kms_arn else "AES256"}],
                "bucket_key_enabled": bool(kms_arn)}]}


def sg_rule(from_port: int, to_port: int, protocol: str = "tcp", cidr: list[str] | None = None,
            ipv6: list[str] | None = None, description: str = "", sgs: list[str] | None = None) -> dict[str, Any]:
    return {"cidr_blocks": cidr or [], "description": description, "from_port": from_port,
            "ipv6_cidr_blocks": ipv6 or [], "prefix_list_ids": [], "protocol": protocol,
            "security_groups": sgs or [], "self": False, "to_port": to_port}


EGRESS_ALL = sg_rule(0, 0, "-1", ["0.0.0.0/0"], ["::/0"])


def aws_security_group(name: str, sg_id: str, ingress: list[dict[str, Any]], description: str = "Managed by Terraform",
                       vpc_id: str = "vpc-0c1d2e3f4a5b6c7d8", egress: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{sg_id}",
        "description": description,
        "egress": egress if egress is not None else [EGRESS_ALL],
        "id": sg_id,
        "ingress": ingress,
        "name": name,
        "name_prefix": "",
        "owner_id": ACCOUNT,
        "region": REGION,
        "revoke_rules_on_delete": False,
        "tags": tags(name),
        "tags_all": tags(name),
        "timeouts": None,
        "vpc_id": vpc_id,
    }


def sg_res(name: str) -> R:
    return R("aws_security_group", name, schema_version=1)


def aws_ingress_rule(rule_id: str, sg_id: str, port: int, *, cidr_ipv4: str | None = None, cidr_ipv6: str | None = None,
                     description: str | None = None, name: str = "") -> dict[str, Any]:
    return {
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group-rule/{rule_id}",
        "cidr_ipv4": cidr_ipv4,
        "cidr_ipv6": cidr_ipv6,
        "description": description,
        "from_port": port,
        "id": rule_id,
        "ip_protocol": "tcp",
        "prefix_list_id": None,
        "referenced_security_group_id": None,
        "region": REGION,
        "security_group_id": sg_id,
        "security_group_rule_id": rule_id,
        "tags": {"Name": name} if name else None,
        "tags_all": {"Environment": "prod", "ManagedBy": "terraform", **({"Name": name} if name else {})},
        "to_port": port,
    }


def aws_iam_policy(name: str, policy: dict[str, Any], description: str = "", policy_id: str = "ANPA4XKQ2M7RZ3EXAMPLE",
                   attachments: int = 1) -> dict[str, Any]:
    return {
        "arn": f"arn:aws:iam::{ACCOUNT}:policy/{name}",
        "attachment_count": attachments,
        "description": description,
        "id": f"arn:aws:iam::{ACCOUNT}:policy/{name}",
        "name": name,
        "name_prefix": "",
        "path": "/",
        "policy": json_policy(policy),
        "policy_id": policy_id,
        "tags": {"Team": "platform"},
        "tags_all": {"Team": "platform"},
    }


def json_policy(doc: dict[str, Any]) -> str:
    """What jsonencode() (and the provider's normalisation) produce: compact, keys sorted."""
    return json.dumps(doc, separators=(",", ":"), sort_keys=True)


def aws_iam_role(name: str, trust: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {
        "arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
        "assume_role_policy": json_policy(trust),
        "create_date": "2024-06-18T14:02:51Z",
        "description": description,
        "force_detach_policies": False,
        "id": name,
        "inline_policy": [],
        "managed_policy_arns": [f"arn:aws:iam::{ACCOUNT}:policy/deploy-artifacts-read"],
        "max_session_duration": 3600,
        "name": name,
        "name_prefix": "",
        "path": "/",
        "permissions_boundary": "",
        "tags": {"Team": "platform"},
        "tags_all": {"Team": "platform"},
        "unique_id": "AROA4XKQ2M7RZEXAMPLE9",
    }


def aws_kms_key(key_id: str, description: str, **over: Any) -> dict[str, Any]:
    v = {
        "arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}",
        "bypass_policy_lockout_safety_check": False,
        "custom_key_store_id": "",
        "customer_master_key_spec": "SYMMETRIC_DEFAULT",
        "deletion_window_in_days": 30,
        "description": description,
        "enable_key_rotation": True,
        "id": key_id,
        "is_enabled": True,
        "key_id": key_id,
        "key_usage": "ENCRYPT_DECRYPT",
        "multi_region": False,
        "policy": json_policy({"Version": "2012-10-17", "Id": "key-default-1", "Statement": [{
            "Sid": "Enable IAM User Permissions", "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}]}),
        "region": REGION,
        "rotation_period_in_days": 365,
        "tags": tags("payments-data"),
        "tags_all": tags("payments-data"),
        "timeouts": None,
        "xks_key_id": "",
    }
    return _with(v, over)


def aws_vpc(vpc_id: str, cidr: str, name: str) -> dict[str, Any]:
    return {
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{vpc_id}",
        "assign_generated_ipv6_cidr_block": False,
        "cidr_block": cidr,
        "default_network_acl_id": "acl-0f1e2d3c4b5a69788",
        "default_route_table_id": "rtb-0a9b8c7d6e5f40312",
        "default_security_group_id": "sg-0d9c8b7a6f5e4d3c2",
        "dhcp_options_id": "dopt-0b1c2d3e4f5a6b7c8",
        "enable_dns_hostnames": True,
        "enable_dns_support": True,
        "enable_network_address_usage_metrics": False,
        "id": vpc_id,
        "instance_tenancy": "default",
        "ipv4_ipam_pool_id": None,
        "ipv4_netmask_length": None,
        "ipv6_association_id": "",
        "ipv6_cidr_block": "",
        "ipv6_cidr_block_network_border_group": "",
        "ipv6_ipam_pool_id": "",
        "ipv6_netmask_length": 0,
        "main_route_table_id": "rtb-0a9b8c7d6e5f40312",
        "owner_id": ACCOUNT,
        "region": REGION,
        "tags": tags(name),
        "tags_all": tags(name),
    }


def aws_subnet(subnet_id: str, vpc_id: str, cidr: str, az: str, name: str, public: bool) -> dict[str, Any]:
    return {
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{subnet_id}",
        "assign_ipv6_address_on_creation": False,
        "availability_zone": az,
        "availability_zone_id": {"us-east-1a": "use1-az4", "us-east-1b": "use1-az6"}[az],
        "cidr_block": cidr,
        "customer_owned_ipv4_pool": "",
        "enable_dns64": False,
        "enable_lni_at_device_index": 0,
        "enable_resource_name_dns_a_record_on_launch": False,
        "enable_resource_name_dns_aaaa_record_on_launch": False,
        "id": subnet_id,
        "ipv6_cidr_block": "",
        "ipv6_cidr_block_association_id": "",
        "ipv6_native": False,
        "map_customer_owned_ip_on_launch": False,
        "map_public_ip_on_launch": public,
        "outpost_arn": "",
        "owner_id": ACCOUNT,
        "private_dns_hostname_type_on_launch": "ip-name",
        "region": REGION,
        "tags": tags(name),
        "tags_all": tags(name),
        "timeouts": None,
        "vpc_id": vpc_id,
    }


def aws_instance(instance_id: str, name: str, *, instance_type: str = "t3.medium", ip: str = "10.20.1.17",
                 subnet: str = "subnet-0aa11bb22cc33dd44", az: str = "us-east-1a", extra_tags: dict[str, str] | None = None,
                 ami: str = "ami-0c7217cdde317cfec") -> dict[str, Any]:
    t = tags(name)
    t.update(extra_tags or {})
    return {
        "ami": ami,
        "arn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{instance_id}",
        "associate_public_ip_address": False,
        "availability_zone": az,
        "capacity_reservation_specification": [{"capacity_reservation_preference": "open",
                                                "capacity_reservation_target": []}],
        "cpu_options": [{"amd_sev_snp": "", "core_count": 1, "threads_per_core": 2}],
        "credit_specification": [{"cpu_credits": "unlimited"}],
        "disable_api_stop": False,
        "disable_api_termination": False,
        "ebs_block_device": [],
        "ebs_optimized": False,
        "enable_primary_ipv6": None,
        "enclave_options": [{"enabled": False}],
        "ephemeral_block_device": [],
        "force_destroy": False,
        "get_password_data": False,
        "hibernation": False,
        "host_id": "",
        "host_resource_group_arn": None,
        "iam_instance_profile": "app-instance",
        "id": instance_id,
        "instance_initiated_shutdown_behavior": "stop",
        "instance_lifecycle": "",
        "instance_market_options": [],
        "instance_state": "running",
        "instance_type": instance_type,
        "ipv6_address_count": 0,
        "ipv6_addresses": [],
        "key_name": "",
        "launch_template": [],
        "maintenance_options": [{"auto_recovery": "default"}],
        "metadata_options": [{"http_endpoint": "enabled", "http_protocol_ipv6": "disabled",
                              "http_put_response_hop_limit": 2, "http_tokens": "required",
                              "instance_metadata_tags": "disabled"}],
        "monitoring": False,
        "network_interface": [],
        "outpost_arn": "",
        "password_data": "",
        "placement_group": "",
        "placement_group_id": "",
        "placement_partition_number": 0,
        "primary_network_interface": [],
        "primary_network_interface_id": "eni-0" + instance_id[2:18],
        "private_dns": f"ip-{ip.replace('.', '-')}.ec2.internal",
        "private_dns_name_options": [{"enable_resource_name_dns_a_record": False,
                                      "enable_resource_name_dns_aaaa_record": False, "hostname_type": "ip-name"}],
        "private_ip": ip,
        "public_dns": "",
        "public_ip": "",
        "region": REGION,
        "root_block_device": [{"delete_on_termination": True, "device_name": "/dev/xvda", "encrypted": True,
                               "iops": 3000, "kms_key_id": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0b7e1f5c-2d4a-4c8e-9f10-aa11bb22cc33",
                               "tags": {}, "tags_all": {}, "throughput": 125,
                               "volume_id": "vol-0" + instance_id[2:18], "volume_size": 30, "volume_type": "gp3"}],
        "secondary_private_ips": [],
        "security_groups": [],
        "source_dest_check": True,
        "spot_instance_request_id": "",
        "subnet_id": subnet,
        "tags": t,
        "tags_all": dict(t),
        "tenancy": "default",
        "timeouts": None,
        "user_data": None,
        "user_data_base64": None,
        "user_data_replace_on_change": False,
        "volume_tags": None,
        "vpc_security_group_ids": ["sg-0f1e2d3c4b5a69788"],
    }


def instance_res(name: str, index: Any = None) -> R:
    return R("aws_instance", name, index=index, schema_version=1)


# ------------------------------------------------------------------------------------------ google
def glabels(extra: dict[str, str] | None = None) -> dict[str, str]:
    base = {"env": "prod", "team": "data"}
    base.update(extra or {})
    return base


def g_effective(labels: dict[str, str]) -> dict[str, str]:
    """effective_labels = user labels + provider default_labels (+ goog-terraform-provisioned)."""
    out = {"goog-terraform-provisioned": "true"}
    out.update(labels)
    return out


# ------------------------------------------------------------------------------------------ k8s
def k8s_meta(name: str, namespace: str | None = "default", *, labels: dict[str, str] | None = None,
             annotations: dict[str, str] | None = None, generation: int = 0, rv: str = "48213377",
             uid: str = "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f") -> list[dict[str, Any]]:
    m: dict[str, Any] = {"annotations": annotations, "generate_name": "", "generation": generation, "labels": labels,
                         "name": name, "resource_version": rv, "uid": uid}
    if namespace is not None:
        m["namespace"] = namespace
    return [m]
