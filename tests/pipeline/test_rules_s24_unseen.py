"""Session 24, what unseen sets 55-59 showed: each principle holds its risky case and lets its benign look-alike
pass, in plans written differently from the held-out fixtures that showed the gap."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity

GONE = "delete_because_no_resource_config"


def _deleted(address: str, before: dict[str, Any]) -> dict[str, Any]:
    entry = resource(address, None, before, actions=["delete"])
    entry["action_reason"] = GONE
    return entry


def _kept(address: str, values: dict[str, Any]) -> dict[str, Any]:
    return resource(address, values, values, actions=["no-op"])


def _delete_grade(tmp_path: Path, *changes: dict[str, Any], **plan: Any) -> Severity | None:
    return judge(tmp_path, list(changes), **plan).get("resource-delete")


# --- a non-production store deleted on its own environment tag --------------------------------------------------------

STAGING_DB = {"name": "ledger-stg", "deletion_protection": False, "project": "acme-staging",
              "settings": [{"tier": "db-custom-2-7680", "user_labels": {"env": "staging"}}]}
DEV_BUCKET = {"bucket": "acme-dev-exports", "id": "acme-dev-exports", "arn": "arn:aws:s3:::acme-dev-exports",
              "force_destroy": True, "tags": {"Environment": "dev", "team": "data"}}
SANDBOX_DATASET = {"dataset_id": "scratch_lena", "project": "analytics-sandbox", "labels": {"env": "sandbox"}}


def test_a_store_whose_own_tag_says_staging_dev_or_sandbox_is_medium(tmp_path: Path) -> None:
    for address, before in (("google_sql_database_instance.ledger", STAGING_DB), ("aws_s3_bucket.exports", DEV_BUCKET),
                            ("google_bigquery_dataset.scratch", SANDBOX_DATASET)):
        assert _delete_grade(tmp_path, _deleted(address, before)) is Severity.MEDIUM, address


def test_a_store_still_named_by_a_kept_policy_or_machine_stays_high(tmp_path: Path) -> None:
    reader = _kept("aws_iam_role_policy.etl", {"name": "etl", "policy": '{"Statement": [{"Effect": "Allow", "Action": '
                                               '"s3:GetObject", "Resource": "arn:aws:s3:::acme-dev-exports/*"}]}'})
    assert _delete_grade(tmp_path, _deleted("aws_s3_bucket.exports", DEV_BUCKET), reader) is Severity.HIGH
    a_lookalike = _kept("aws_iam_role_policy.etl", {"name": "etl", "policy": '{"Statement": [{"Effect": "Allow", '
                                                    '"Action": "s3:GetObject", "Resource": '
                                                    '"arn:aws:s3:::acme-dev-exports-v2/*"}]}'})
    assert _delete_grade(tmp_path, _deleted("aws_s3_bucket.exports", DEV_BUCKET), a_lookalike) is Severity.MEDIUM


def test_a_tagged_store_that_says_customer_data_production_scope_or_protection_stays_high(tmp_path: Path) -> None:
    customer = {**DEV_BUCKET, "tags": {**DEV_BUCKET["tags"], "data_classification": "pii"}}
    prod_project = {**STAGING_DB, "project": "acme-prod"}
    protected = {**STAGING_DB, "deletion_protection": True}
    prod_name = {**DEV_BUCKET, "bucket": "acme-prod-exports", "id": "acme-prod-exports"}
    for address, before in (("aws_s3_bucket.exports", customer), ("google_sql_database_instance.ledger", prod_project),
                            ("google_sql_database_instance.ledger", protected), ("aws_s3_bucket.exports", prod_name)):
        assert _delete_grade(tmp_path, _deleted(address, before)) is Severity.HIGH, before


def test_a_store_whose_lifetime_label_runs_past_the_plan_stays_high(tmp_path: Path) -> None:
    ahead = {**DEV_BUCKET, "tags": {**DEV_BUCKET["tags"], "expires": "2031-01-01"}}
    lapsed = {**DEV_BUCKET, "tags": {**DEV_BUCKET["tags"], "expires": "2026-01-01"}}
    stamp = "2026-06-01T10:00:00Z"
    assert _delete_grade(tmp_path, _deleted("aws_s3_bucket.exports", ahead), timestamp=stamp) is Severity.HIGH
    assert _delete_grade(tmp_path, _deleted("aws_s3_bucket.exports", lapsed), timestamp=stamp) is Severity.MEDIUM


def test_an_untagged_store_or_one_named_staging_only_stays_high(tmp_path: Path) -> None:
    """Names alone never count: the environment must be the store's own tag."""
    untagged = {"bucket": "acme-staging-exports", "force_destroy": True, "tags": {"team": "data"}}
    assert _delete_grade(tmp_path, _deleted("aws_s3_bucket.exports", untagged)) is Severity.HIGH


def test_a_gke_cluster_labelled_sandbox_goes_with_its_node_pool_at_medium(tmp_path: Path) -> None:
    """A GKE cluster keeps its labels in `resource_labels`; its node pool goes with it."""
    cluster = {"name": "gke-sbx", "id": "projects/acme-sbx/locations/europe-west4/clusters/gke-sbx",
               "deletion_protection": False, "resource_labels": {"env": "sandbox"}}
    pool = {"name": "default", "cluster": "gke-sbx", "node_count": 1}
    changes = [_deleted("google_container_cluster.sbx", cluster), _deleted("google_container_node_pool.sbx", pool)]
    assert _delete_grade(tmp_path, *changes) is Severity.MEDIUM
    unlabelled = {**cluster, "resource_labels": {"team": "platform"}}
    changes = [_deleted("google_container_cluster.sbx", unlabelled), _deleted("google_container_node_pool.sbx", pool)]
    assert _delete_grade(tmp_path, *changes) is Severity.HIGH


def test_a_replication_rule_deleted_with_the_role_it_runs_as_stays_high(tmp_path: Path) -> None:
    """The role is a helper the rule uses, not what it belongs to: the copies stop."""
    role = {"name": "s3-crr", "arn": "arn:aws:iam::111122223333:role/s3-crr"}
    rule = {"bucket": "acme-backups", "role": "arn:aws:iam::111122223333:role/s3-crr",
            "rule": [{"status": "Enabled", "destination": [{"bucket": "arn:aws:s3:::acme-backups-dr"}]}]}
    changes = [_deleted("aws_iam_role.crr", role), _deleted("aws_s3_bucket_replication_configuration.crr", rule)]
    assert _delete_grade(tmp_path, *changes) is Severity.HIGH


# --- capacity, redundancy ---------------------------------------------------------------------------------------------

def _node_group(size: int) -> dict[str, Any]:
    return {"node_group_name": "general", "capacity_type": "ON_DEMAND",
            "scaling_config": [{"desired_size": size, "max_size": size * 2, "min_size": size}]}


def test_a_node_group_bought_on_demand_scaled_to_zero_is_high(tmp_path: Path) -> None:
    """`capacity_type = ON_DEMAND` is how the machines are bought, unchanged: not a switch to on-demand sizing."""
    group = resource("aws_eks_node_group.general", _node_group(0), _node_group(6))
    assert judge(tmp_path, [group]).get("scaled-to-zero") is Severity.HIGH
    table = resource("aws_dynamodb_table.orders", {"billing_mode": "PAY_PER_REQUEST", "read_capacity": 0},
                     {"billing_mode": "PROVISIONED", "read_capacity": 20})
    assert judge(tmp_path, [table]).get("scaled-to-zero") is not Severity.HIGH


def test_stored_data_kept_in_fewer_places_is_high_and_more_places_says_nothing(tmp_path: Path) -> None:
    for old, new, severity in (("RAGZRS", "LRS", Severity.HIGH), ("GRS", "ZRS", Severity.HIGH),
                               ("LRS", "GZRS", None), ("GZRS", "RAGZRS", None)):
        account = resource("azurerm_storage_account.backups", {"name": "stbackups", "account_replication_type": new},
                           {"name": "stbackups", "account_replication_type": old})
        assert judge(tmp_path, [account]).get("availability-reduced") is severity, (old, new)
    vault = resource("azurerm_data_protection_backup_vault.main", {"redundancy": "LocallyRedundant"},
                     {"redundancy": "GeoRedundant"})
    assert judge(tmp_path, [vault]).get("availability-reduced") is Severity.HIGH


# --- the instance metadata service ------------------------------------------------------------------------------------

def _calico(action: str, nets: list[str], key: str = "nets") -> dict[str, Any]:
    return {"manifest": {"apiVersion": "crd.projectcalico.org/v1", "kind": "GlobalNetworkPolicy",
                         "metadata": {"name": "platform-egress"},
                         "spec": {"order": 10, "selector": "all()", "types": ["Egress"],
                                  "egress": [{"action": action, "protocol": "TCP", "destination": {key: nets}}]}}}


def test_an_allow_to_the_metadata_service_is_high(tmp_path: Path) -> None:
    policy = resource("kubernetes_manifest.egress", _calico("Allow", ["169.254.169.254/32"]), None,
                      actions=["create"])
    assert judge(tmp_path, [policy]).get("metadata-reachable") is Severity.HIGH
    netpol = {"metadata": [{"name": "agents"}], "spec": [{"pod_selector": [{}], "policy_types": ["Egress"],
                                                         "egress": [{"to": [{"ip_block": [{"cidr": "169.254.169.254/32",
                                                                                            "except": []}]}]}]}]}
    found = judge(tmp_path, [resource("kubernetes_network_policy_v1.agents", netpol, None, actions=["create"])])
    assert found.get("metadata-reachable") is Severity.HIGH


def test_a_block_or_an_exception_for_the_metadata_service_says_nothing(tmp_path: Path) -> None:
    deny = resource("kubernetes_manifest.egress", _calico("Deny", ["169.254.169.254/32"]), None, actions=["create"])
    excepted = resource("kubernetes_manifest.egress2", _calico("Allow", ["169.254.169.254/32"], key="notNets"), None,
                        actions=["create"])
    netpol = {"spec": [{"egress": [{"to": [{"ip_block": [{"cidr": "0.0.0.0/0", "except": ["169.254.169.254/32"]}]}]}]}]}
    kept = resource("kubernetes_manifest.egress3", _calico("Allow", ["169.254.169.254/32"]),
                    _calico("Allow", ["169.254.169.254/32"]))
    opened_to_all = resource("kubernetes_network_policy_v1.all", netpol, None, actions=["create"])
    for change in (deny, excepted, opened_to_all, kept):
        assert "metadata-reachable" not in judge(tmp_path, [change]), change["address"]


# --- grants, images, verification -------------------------------------------------------------------------------------

def test_a_services_admin_role_at_subscription_scope_is_high_and_on_a_group_medium(tmp_path: Path) -> None:
    for scope, severity in (("/subscriptions/6b1e2f4a-9c3d-4e7a-b8f0-2d1c3e4f5a6b", Severity.HIGH),
                            ("/subscriptions/6b1e2f4a-9c3d-4e7a-b8f0-2d1c3e4f5a6b/resourceGroups/rg-aks-dev",
                             Severity.MEDIUM)):
        grant = resource("azurerm_role_assignment.deployer", {
            "role_definition_name": "Azure Kubernetes Service RBAC Cluster Admin", "scope": scope,
            "principal_id": "0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"}, None, actions=["create"])
        assert judge(tmp_path, [grant]).get("iam-privileged-role") is severity, scope
    reader = resource("azurerm_role_assignment.reader", {
        "role_definition_name": "Azure Kubernetes Service Cluster User Role", "scope": "/subscriptions/6b1e2f4a",
        "principal_id": "0e1f"}, None, actions=["create"])
    assert "iam-privileged-role" not in judge(tmp_path, [reader])


def _daemonset(image: str) -> dict[str, Any]:
    return {"metadata": [{"name": "fluent-bit"}], "spec": [{"template": [{"spec": [{"container": [
        {"name": "fluent-bit", "image": image}]}]}]}]}


def test_an_image_from_another_publishers_namespace_on_a_shared_registry_is_high(tmp_path: Path) -> None:
    moved = resource("kubernetes_daemon_set_v1.logs", _daemonset("docker.io/fluentbitio-dist/fluent-bit:3.0.7"),
                     _daemonset("cr.fluentbit.io/fluent/fluent-bit:3.0.7"))
    assert judge(tmp_path, [moved]).get("supply-chain-opened") is Severity.HIGH


def test_the_same_publisher_on_a_mirror_or_the_own_registry_says_nothing(tmp_path: Path) -> None:
    for new in ("docker.io/fluent/fluent-bit:3.0.8", "fluent/fluent-bit:3.1.0",
                "111122223333.dkr.ecr.eu-west-1.amazonaws.com/mirror/fluent-bit:3.0.7"):
        moved = resource("kubernetes_daemon_set_v1.logs", _daemonset(new),
                         _daemonset("cr.fluentbit.io/fluent/fluent-bit:3.0.7"))
        assert "supply-chain-opened" not in judge(tmp_path, [moved]), new


def test_a_verification_rule_that_matches_every_signer_or_image_is_high(tmp_path: Path) -> None:
    trust = resource("quarry_trust_policy.prod", {"trusted_identity": [
        {"issuer": "https://token.actions.githubusercontent.com", "subject_regex": ".*"}]},
        {"trusted_identity": []})
    assert judge(tmp_path, [trust]).get("allowlist-emptied") is Severity.HIGH
    narrow = resource("quarry_trust_policy.prod", {"trusted_identity": [
        {"issuer": "https://token.actions.githubusercontent.com",
         "subject_regex": "^repo:acme/app:ref:refs/heads/main$"}]}, {"trusted_identity": []})
    assert "allowlist-emptied" not in judge(tmp_path, [narrow])


def _kyverno(image: str) -> dict[str, Any]:
    return {"manifest": {"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "spec": {"rules": [
        {"name": "registries", "validate": {"pattern": {"spec": {"containers": [{"image": image}]}}}}]}}}


def test_an_admission_pattern_opened_to_every_image_is_high_and_a_narrower_one_quiet(tmp_path: Path) -> None:
    opened = resource("kubernetes_manifest.registries", _kyverno("*"), _kyverno("registry.acme.internal/*"))
    assert judge(tmp_path, [opened]).get("allowlist-emptied") is Severity.HIGH
    narrowed = resource("kubernetes_manifest.registries", _kyverno("registry.acme.internal/*"), _kyverno("*"))
    assert "allowlist-emptied" not in judge(tmp_path, [narrowed])


# --- muted all the time -----------------------------------------------------------------------------------------------

def _mute_timing(weekdays: list[str], start: str, end: str) -> dict[str, Any]:
    return {"name": "maintenance", "intervals": [{"times": [{"start": start, "end": end}], "weekdays": weekdays,
                                                  "days_of_month": [], "months": [], "years": [], "location": "UTC"}]}


def test_a_mute_timing_that_covers_every_hour_of_the_week_is_high(tmp_path: Path) -> None:
    for weekdays in (["monday:sunday"], [], ["monday:friday", "saturday", "sunday"]):
        timing = resource("grafana_mute_timing.maint", _mute_timing(weekdays, "00:00", "24:00"), None,
                          actions=["create"])
        assert judge(tmp_path, [timing]).get("monitoring-muted") is Severity.HIGH, weekdays


def test_a_mute_timing_for_a_nightly_window_or_weekends_says_nothing(tmp_path: Path) -> None:
    for weekdays, start, end in ((["monday:sunday"], "02:00", "04:00"), (["saturday:sunday"], "00:00", "24:00")):
        timing = resource("grafana_mute_timing.maint", _mute_timing(weekdays, start, end), None, actions=["create"])
        assert "monitoring-muted" not in judge(tmp_path, [timing]), (weekdays, start)


# --- trust, drift, offboarding ----------------------------------------------------------------------------------------

GITHUB_OIDC = "arn:aws:iam::318826410273:oidc-provider/token.actions.githubusercontent.com"


def _github_trust(subject: str) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                 "Principal": {"Federated": GITHUB_OIDC},
                 "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                                                "token.actions.githubusercontent.com:sub": subject}}}
    return {"name": "deploy-prod", "assume_role_policy": json.dumps({"Version": "2012-10-17",
                                                                     "Statement": [statement]})}


def test_a_ci_trust_rewritten_to_the_owner_alone_is_high(tmp_path: Path) -> None:
    role = resource("aws_iam_role.deploy", _github_trust("repository_owner:acme-pay"),
                    _github_trust("repo:acme-pay/ledger:environment:production"))
    assert judge(tmp_path, [role]).get("iam-open-trust") is Severity.HIGH


def test_a_ci_trust_moved_to_another_repository_claim_says_nothing(tmp_path: Path) -> None:
    role = resource("aws_iam_role.deploy", _github_trust("repo:acme-pay/ledger:ref:refs/heads/main"),
                    _github_trust("repo:acme-pay/ledger:environment:production"))
    assert "iam-open-trust" not in judge(tmp_path, [role])


def _group(sources: list[str]) -> dict[str, Any]:
    return {"id": "sg-04d1", "name": "cluster-extra", "ingress": [{"from_port": 443, "to_port": 443, "protocol": "tcp",
                                                                  "cidr_blocks": sources}]}


def test_a_plan_that_takes_back_an_internet_source_added_by_hand_is_medium(tmp_path: Path) -> None:
    drift = resource("aws_security_group.extra", _group(["10.20.0.0/16", "0.0.0.0/0"]), _group(["10.20.0.0/16"]))
    change = resource("aws_security_group.extra", _group(["10.20.0.0/16"]), _group(["10.20.0.0/16", "0.0.0.0/0"]))
    assert judge(tmp_path, [change], resource_drift=[drift]).get("drift-on-changed") is Severity.MEDIUM
    narrowed = resource("aws_security_group.extra", _group(["10.20.0.0/16", "10.30.0.0/16"]), _group(["10.20.0.0/16"]))
    undone = resource("aws_security_group.extra", _group(["10.20.0.0/16"]),
                      _group(["10.20.0.0/16", "10.30.0.0/16"]))
    assert judge(tmp_path, [undone], resource_drift=[narrowed]).get("drift-on-changed") is Severity.HIGH


def test_a_second_factor_goes_with_its_user_and_alone_stays_high(tmp_path: Path) -> None:
    user = _deleted("aws_iam_user.jo", {"name": "j.okafor", "arn": "arn:aws:iam::318826410273:user/j.okafor"})
    device = _deleted("aws_iam_virtual_mfa_device.jo", {"virtual_mfa_device_name": "j.okafor",
                                                        "arn": "arn:aws:iam::318826410273:mfa/j.okafor"})
    assert _delete_grade(tmp_path, user, device) is Severity.MEDIUM
    assert _delete_grade(tmp_path, device) is Severity.HIGH
    other = _deleted("aws_iam_user.ann", {"name": "a.nguyen", "arn": "arn:aws:iam::318826410273:user/a.nguyen"})
    assert _delete_grade(tmp_path, other, device) is Severity.HIGH


# --- replaced on schedule, re-made under a new name -------------------------------------------------------------------

def test_a_certificate_replaced_for_its_renewal_is_medium(tmp_path: Path) -> None:
    cert = resource("tls_self_signed_cert.ca", {"is_ca_certificate": True, "validity_period_hours": 8760,
                                                "ready_for_renewal": False},
                    {"is_ca_certificate": True, "validity_period_hours": 8760, "ready_for_renewal": True},
                    actions=["delete", "create"])
    cert["change"]["replace_paths"] = [["ready_for_renewal"]]
    assert judge(tmp_path, [cert]).get("resource-replace") is Severity.MEDIUM
    cert["change"]["replace_paths"] = [["subject"]]
    assert judge(tmp_path, [cert]).get("resource-replace") is Severity.HIGH


def test_a_backup_selection_re_made_before_the_old_one_goes_is_medium(tmp_path: Path) -> None:
    selection = {"plan_id": "b1e2", "iam_role_arn": "arn:aws:iam::318826410273:role/backup",
                 "selection_tag": [{"type": "STRINGEQUALS", "key": "backup", "value": "daily"}]}
    change = resource("aws_backup_selection.prod", {**selection, "name": "prod-daily-v2"},
                      {**selection, "name": "prod-daily"}, actions=["create", "delete"])
    change["change"]["replace_paths"] = [["name"]]
    assert judge(tmp_path, [change]).get("resource-replace") is Severity.MEDIUM


# --- logs: what a rule drops, where it goes, what it masks ------------------------------------------------------------

def test_a_drop_rule_that_strips_attributes_blinds_nothing_and_one_that_drops_records_does(tmp_path: Path) -> None:
    nrql = "SELECT request.headers.cookie, request.headers.authorization FROM Log"
    strip = resource("newrelic_nrql_drop_rule.headers", {"account_id": 1, "action": "drop_attributes", "nrql": nrql})
    assert "detection-disabled" not in judge(tmp_path, [strip])
    drop = resource("newrelic_nrql_drop_rule.all", {"account_id": 1, "action": "drop_data",
                                                   "nrql": "SELECT * FROM Log"})
    assert judge(tmp_path, [drop]).get("detection-disabled") is Severity.HIGH


def _splunk_service(url: str) -> dict[str, Any]:
    return {"name": "www.acme-retail.com", "domain": [{"name": "www.acme-retail.com"}],
            "logging_splunk": [{"name": "edge", "url": url, "tls_hostname": "http-inputs-acme.splunkcloud.com"}]}


def test_logs_sent_to_the_own_splunk_cloud_stack_stay_quiet_and_another_stack_is_high(tmp_path: Path) -> None:
    before = {"name": "www.acme-retail.com", "domain": [{"name": "www.acme-retail.com"}], "logging_splunk": []}
    own = resource("fastly_service_vcl.www", _splunk_service(
        "https://http-inputs-acme.splunkcloud.com/services/collector/event"), before)
    assert judge(tmp_path, [own]).get("egress-outside") in (None, Severity.LOW)
    stranger = {"name": "www.acme-retail.com", "domain": [{"name": "www.acme-retail.com"}],
                "logging_splunk": [{"name": "edge",
                                    "url": "https://http-inputs-acme.splunkcloud.com/services/collector/event"}]}
    moved = resource("fastly_service_vcl.www", _splunk_service(
        "https://http-inputs-databridge.splunkcloud.com/services/collector/event"), stranger)
    assert judge(tmp_path, [moved]).get("egress-outside") is Severity.HIGH


def _pipeline(*steps: dict[str, Any]) -> dict[str, Any]:
    return {"name": "edge", "destination": "splunk-main", "processor": list(steps)}


PARSE = {"type": "parse_json", "field": "message"}
REDACT = {"type": "redact", "field": "http.request.headers", "pattern": "(?i)(authorization|cookie):.*",
          "replacement": "[redacted]"}


def test_a_redaction_step_removed_from_a_running_pipeline_is_high(tmp_path: Path) -> None:
    change = resource("logvane_pipeline.edge", _pipeline(PARSE), _pipeline(PARSE, REDACT))
    assert judge(tmp_path, [change]).get("data-policy-opened") is Severity.HIGH


def test_a_redaction_changed_or_added_says_nothing(tmp_path: Path) -> None:
    wider = {**REDACT, "pattern": "(?i)(authorization|cookie|x-api-key):.*"}
    for after, before in ((_pipeline(PARSE, wider), _pipeline(PARSE, REDACT)),
                          (_pipeline(PARSE, REDACT), _pipeline(PARSE))):
        assert "data-policy-opened" not in judge(tmp_path, [resource("logvane_pipeline.edge", after, before)])


# --- credentials in a browser script ----------------------------------------------------------------------------------

def test_a_password_and_an_otp_seed_written_into_a_check_script_are_high(tmp_path: Path) -> None:
    script = ("const u='synthetic-login@acme-retail.com';\nconst pw='Qv7!mRt2#pLz9wXe';\n"
              "const totpSeed='JBSWY3DPEHPK3PXPFAKEQ7TZ';\n")
    change = resource("newrelic_synthetics_script_monitor.login", {"name": "login", "script": script},
                      {"name": "login", "script": "const pw=$secure.SYN_LOGIN_PASSWORD;\n"})
    assert judge(tmp_path, [change]).get("credential-in-plan") is Severity.HIGH


def test_a_secure_credential_reference_in_a_check_script_says_nothing(tmp_path: Path) -> None:
    script = "const u=$secure.SYN_LOGIN_USER;\nconst pw=$secure.SYN_LOGIN_PASSWORD;\nconst totpSeed=$secure.SEED;\n"
    change = resource("newrelic_synthetics_script_monitor.login", {"name": "login", "script": script},
                      {"name": "login", "script": ""})
    assert "credential-in-plan" not in judge(tmp_path, [change])


def test_a_dev_account_kept_in_fewer_places_is_medium(tmp_path: Path) -> None:
    account = resource("azurerm_storage_account.dev", {"name": "stdev", "account_replication_type": "LRS",
                                                       "tags": {"env": "dev"}},
                       {"name": "stdev", "account_replication_type": "GRS", "tags": {"env": "dev"}})
    assert judge(tmp_path, [account]).get("availability-reduced") is Severity.MEDIUM


def _sink(destination: str) -> dict[str, Any]:
    return {"name": "audit-to-siem", "destination": destination, "unique_writer_identity": True,
            "filter": 'logName:"cloudaudit.googleapis.com"'}


def test_an_audit_sink_moved_from_the_own_project_to_a_stranger_bucket_is_high(tmp_path: Path) -> None:
    old = "pubsub.googleapis.com/projects/acme-secops/topics/audit-siem"
    moved = resource("google_logging_project_sink.audit", _sink("storage.googleapis.com/vendor-analytics-2231-ingest"),
                     _sink(old))
    assert judge(tmp_path, [moved]).get("egress-outside") is Severity.HIGH
    kept_home = resource("google_logging_project_sink.audit", _sink("storage.googleapis.com/acme-secops-audit-archive"),
                         _sink(old))
    assert "egress-outside" not in judge(tmp_path, [kept_home])
