"""Values known only after apply read from the configuration (constants, variables), each with a benign twin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity

FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


def _config(address: str, expressions: dict[str, Any], variables: dict[str, Any] | None = None) -> dict[str, Any]:
    kind, name = address.split(".")
    return {"root_module": {"resources": [{"address": address, "mode": "managed", "type": kind, "name": name,
                                           "expressions": expressions}], "variables": variables or {}}}


def _access_block(tmp_path: Path, expression: dict[str, Any], value: Any = None) -> dict[str, Severity]:
    change = resource("aws_s3_bucket_public_access_block.logs", {f: None for f in FLAGS} | {"bucket": None},
                      unknown={f: True for f in FLAGS} | {"bucket": True})
    configuration = _config("aws_s3_bucket_public_access_block.logs", {f: expression for f in FLAGS})
    variables = {"block": {"value": value}} if value is not None else {}
    return worst_by_rule(review_rules_alone(tmp_path, [change], configuration=configuration, variables=variables))


@pytest.mark.parametrize("expression", [{"constant_value": True}, {"references": ["var.block"]}])
def test_unknown_flags_configured_on_are_not_public(tmp_path: Path, expression: dict[str, Any]) -> None:
    found = _access_block(tmp_path, expression, True)
    assert found.get("public-bucket") is None and Severity.HIGH not in found.values()


@pytest.mark.parametrize("expression", [{"constant_value": False}, {"references": ["var.block"]}])
def test_unknown_flags_configured_off_are_public(tmp_path: Path, expression: dict[str, Any]) -> None:
    assert _access_block(tmp_path, expression, False).get("public-bucket") is Severity.HIGH


def test_unknown_flags_built_from_several_references_stay_unresolved(tmp_path: Path) -> None:
    found = _access_block(tmp_path, {"references": ["var.block", "var.other"]}, True)
    assert found.get("public-bucket") is Severity.HIGH  # unknown reads as off: fail closed


def _storage(tmp_path: Path, nested: Any, default_action: str) -> dict[str, Severity]:
    change = resource("azurerm_storage_account.media", {
        "name": None, "allow_nested_items_to_be_public": None, "public_network_access_enabled": True,
        "network_rules": [{"default_action": default_action, "ip_rules": []}]},
        unknown={"name": True, "allow_nested_items_to_be_public": True})
    configuration = _config("azurerm_storage_account.media", {
        "allow_nested_items_to_be_public": {"constant_value": nested},
        "network_rules": [{"default_action": {"constant_value": default_action}}]})
    return worst_by_rule(review_rules_alone(tmp_path, [change], configuration=configuration))


def test_storage_public_blobs_known_from_configuration_on_an_open_network_is_public(tmp_path: Path) -> None:
    assert _storage(tmp_path, True, "Allow").get("public-bucket") is Severity.HIGH


@pytest.mark.parametrize(("nested", "action"), [(False, "Allow"), (True, "Deny")])
def test_storage_private_blobs_or_closed_network_is_not_high(tmp_path: Path, nested: bool, action: str) -> None:
    assert _storage(tmp_path, nested, action).get("public-bucket") in (None, Severity.MEDIUM)


# --- expressions built from several references, instance keys, nested blocks -------------------------------------

def _module_config(resources: list[dict[str, Any]], call_inputs: dict[str, Any],
                   variables: dict[str, Any]) -> dict[str, Any]:
    return {"root_module": {"module_calls": {"app": {"source": "./modules/app", "expressions": call_inputs,
                                                     "module": {"resources": resources, "variables": variables}}}}}


def _entry(address: str, kind: str, expressions: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"address": address, "mode": "managed", "type": kind, "name": address.split(".")[-1],
            "expressions": expressions, **extra}


@pytest.mark.parametrize(("enabled", "high"), [(False, True), (True, False)])
def test_a_switch_led_by_a_module_input_is_read_through_two_references(
        tmp_path: Path, enabled: bool, high: bool) -> None:
    """`enabled = var.shipping.enabled && <a computed id>`: the leading reference decides; turned off is found,
    left on stays quiet."""
    before = {"name": "fw-events", "dataset": "firewall_events", "enabled": True}
    change = resource("module.app.cloudco_logpush_job.events", {"name": "fw-events", "dataset": "firewall_events"},
                      before=before, unknown={"enabled": True})
    configuration = _module_config(
        [_entry("cloudco_logpush_job.events", "cloudco_logpush_job",
                {"enabled": {"references": ["var.shipping.enabled", "var.shipping", "cloudco_bucket.sink.id"]}})],
        {"shipping": {"constant_value": {"enabled": enabled}}}, {"shipping": {"default": {"enabled": True}}})
    found = judge(tmp_path, [change], configuration=configuration)
    assert (Severity.HIGH in found.values()) is high


def test_a_guessed_strong_switch_never_quiets_a_closed_reading(tmp_path: Path) -> None:
    """Access-block flags from `var.block && var.other`: the guess (true) would read private, so they stay unknown
    and read closed."""
    assert _access_block(tmp_path, {"references": ["var.block", "var.other"]}, True).get("public-bucket") \
        is Severity.HIGH


@pytest.mark.parametrize(("roles", "high"), [(["roles/owner", "roles/viewer"], True),
                                             (["roles/viewer", "roles/owner"], False)])
def test_count_indexed_roles_are_read_per_instance(tmp_path: Path, roles: list[str], high: bool) -> None:
    """`role = var.roles[count.index]`: instance [0] gets the first role of the module's input."""
    change = resource("module.app.google_project_iam_member.roles[0]",
                      {"project": "acme-prod", "member": "serviceAccount:etl@acme-prod.iam.gserviceaccount.com"},
                      unknown={"role": True})
    configuration = _module_config(
        [_entry("google_project_iam_member.roles", "google_project_iam_member",
                {"role": {"references": ["var.roles", "count.index"]}})],
        {"roles": {"constant_value": roles}}, {"roles": {}})
    found = judge(tmp_path, [change], configuration=configuration)
    assert (found.get("iam-privileged-role") is Severity.HIGH) is high


@pytest.mark.parametrize(("role", "high"), [("Owner", True), ("Reader", False)])
def test_for_each_values_are_read_per_instance(tmp_path: Path, role: str, high: bool) -> None:
    """`role_definition_name = each.value.role` over a map whose vendor entry is the role that decides."""
    change = resource('azurerm_role_assignment.this["vendor"]', {"principal_id": "11111111-2222-3333-4444-5555"},
                      unknown={"role_definition_name": True, "scope": True})
    configuration = {"root_module": {"resources": [_entry(
        "azurerm_role_assignment.this", "azurerm_role_assignment",
        {"role_definition_name": {"references": ["each.value.role", "each.value"]},
         "scope": {"constant_value": "/subscriptions/8f3c2a10-5b7e-4c1d-9a62-3e0b7d4f1c25"}},
        for_each_expression={"constant_value": {"vendor": {"role": role}, "oncall": {"role": "Reader"}}})]}}
    change["address"] = 'azurerm_role_assignment.this["vendor"]'
    found = judge(tmp_path, [change], configuration=configuration)
    assert (found.get("iam-privileged-role") is Severity.HIGH) is high


@pytest.mark.parametrize(("retention", "high"), [(None, True), (30, False)])
def test_unknown_nested_blocks_are_built_over_the_blocks_before(tmp_path: Path, retention: Any, high: bool) -> None:
    """A block the plan leaves unknown, rebuilt from its configured arguments: what the configuration does not set
    (a provider default) keeps its value before, so only a configured change shows."""
    backup = {"enabled": True, "point_in_time_recovery_enabled": True, "transaction_log_retention_days": 7}
    configured = {"enabled": {"references": ["var.backups"]},
                  "point_in_time_recovery_enabled": {"references": ["var.backups"]}}
    if retention is None:
        configured["transaction_log_retention_days"] = {"constant_value": 0}
    change = resource("google_sql_database_instance.ledger",
                      {"name": "ledger", "settings": [{"tier": "db-custom-4-16384"}]},
                      before={"name": "ledger", "settings": [{"tier": "db-custom-4-16384",
                                                              "backup_configuration": [backup]}]},
                      unknown={"settings": [{"backup_configuration": True}]})
    configuration = {"root_module": {"resources": [_entry(
        "google_sql_database_instance.ledger", "google_sql_database_instance",
        {"settings": [{"backup_configuration": [configured]}]})], "variables": {"backups": {"default": True}}}}
    found = judge(tmp_path, [change], configuration=configuration)
    assert (Severity.HIGH in found.values()) is high


# --- a sensitive variable copied into a plain place ---------------------------------------------------------------

@pytest.mark.parametrize(("sensitive", "high"), [(True, True), (False, False)])
def test_a_sensitive_variable_copied_into_a_plain_variable_is_a_leak(
        tmp_path: Path, sensitive: bool, high: bool) -> None:
    """A CI variable (shown to every reader, unlike a secret) filled from a variable declared sensitive, passed
    down through a module input; a plain setting from an ordinary variable stays quiet."""
    change = resource("module.app.forge_actions_variable.npm", {"variable_name": "NPM_AUTH", "visibility": "all"},
                      unknown={"value": True})
    configuration = {"root_module": {
        "variables": {"npm_token": {"sensitive": True} if sensitive else {}},
        "module_calls": {"app": {"source": "./modules/app", "expressions": {"token": {"references": ["var.npm_token"]}},
                                 "module": {"resources": [_entry("forge_actions_variable.npm", "forge_actions_variable",
                                                                 {"value": {"references": ["var.token"]}})],
                                            "variables": {"token": {}}}}}}}
    found = judge(tmp_path, [change], configuration=configuration, variables={"npm_token": {"value": "tok-123"}})
    assert (found.get("credential-leak") is Severity.HIGH) is high


@pytest.mark.parametrize(("address", "after"), [
    ("forge_workspace_variable.db", {"key": "DB_PASSWORD", "sensitive": True}),  # the entry hides its value
    ("forge_data.label", {"input": "prefix"}),  # no place that shows values: Terraform marks what flows there
])
def test_a_sensitive_variable_where_the_value_stays_hidden_is_no_leak(
        tmp_path: Path, address: str, after: dict[str, Any]) -> None:
    kind = address.split(".")[0]
    argument = "input" if "input" in after else "value"
    change = resource(address, after, unknown={argument: True})
    configuration = {"root_module": {"variables": {"db_password": {"sensitive": True}}, "resources": [
        _entry(address, kind, {argument: {"references": ["var.db_password"]}})]}}
    assert "credential-leak" not in judge(tmp_path, [change], configuration=configuration)


def test_an_argument_named_plain_shows_a_sensitive_variable(tmp_path: Path) -> None:
    """`plain_text_binding { text = var.token }`: the argument says it keeps the value in the clear."""
    change = resource("forge_worker_script.pricing", {"name": "pricing"}, unknown={"plain_text_binding": True})
    configuration = {"root_module": {"variables": {"token": {"sensitive": True}}, "resources": [
        _entry("forge_worker_script.pricing", "forge_worker_script",
               {"plain_text_binding": [{"name": {"constant_value": "UPSTREAM_TOKEN"},
                                        "text": {"references": ["var.token"]}}]})]}}
    assert judge(tmp_path, [change], configuration=configuration).get("credential-leak") is Severity.HIGH


@pytest.mark.parametrize(("key", "high"), [("Directory.ReadWrite.All", True), ("User.Read.All", False)])
def test_a_reference_picks_its_item_of_a_map(tmp_path: Path, key: str, high: bool) -> None:
    """`role = var.roles["reader"]` reads that item, not every value of the map."""
    change = resource("google_project_iam_member.app", {"project": "acme", "member": "user:ann@acme.example"},
                      unknown={"role": True})
    roles = {"Directory.ReadWrite.All": "roles/owner", "User.Read.All": "roles/viewer"}
    configuration = {"root_module": {"variables": {"roles": {"default": roles}}, "resources": [
        _entry("google_project_iam_member.app", "google_project_iam_member",
               {"role": {"references": [f'var.roles["{key}"]', "var.roles"]}})]}}
    found = judge(tmp_path, [change], configuration=configuration, variables={"roles": {"value": roles}})
    assert (found.get("iam-privileged-role") is Severity.HIGH) is high


@pytest.mark.parametrize(("name", "high"), [("AdministratorAccess", True), ("ReadOnlyAccess", False)])
def test_a_data_source_read_during_apply_is_known_by_what_it_looks_up(tmp_path: Path, name: str, high: bool) -> None:
    """`policy_arn = data.aws_iam_policy.selected.arn` where the plan reads the data source during apply (its
    `arn` unknown): the AWS managed policy it looks up by name is known by that name."""
    read = resource("data.aws_iam_policy.selected", {"name": name}, unknown={"arn": True}, actions=["read"])
    read["mode"] = "data"
    attach = resource("aws_iam_user_policy_attachment.ci", {"user": "ci-deployer"}, unknown={"policy_arn": True})
    configuration = {"root_module": {"resources": [
        {"address": "data.aws_iam_policy.selected", "mode": "data", "type": "aws_iam_policy", "name": "selected",
         "expressions": {"name": {"constant_value": name}}},
        _entry("aws_iam_user_policy_attachment.ci", "aws_iam_user_policy_attachment",
               {"user": {"constant_value": "ci-deployer"},
                "policy_arn": {"references": ["data.aws_iam_policy.selected.arn", "data.aws_iam_policy.selected"]}})]}}
    found = judge(tmp_path, [read, attach], configuration=configuration)
    assert (found.get("iam-privileged-role") is Severity.HIGH) is high
