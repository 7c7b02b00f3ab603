"""Detectors judged through configuration and by meaning, each with a benign look-alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def resource(address: str, after: Any, before: Any = None, unknown: Any = None, sensitive: Any = None,
             actions: list[str] | None = None) -> dict[str, Any]:
    """One resource change entry of `terraform show -json`."""
    kind, name = address.split(".")[-2:]
    actions = actions or (["create"] if before is None else ["update"])
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": unknown or {},
                       "after_sensitive": sensitive or {}}}


def judge(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> dict[str, Severity]:
    """Review a plan with rules alone: {rule: worst severity}."""
    return worst_by_rule(review_rules_alone(tmp_path, changes, **sections))


# --- exposure known only through configuration --------------------------------------------------------

def _firewall_plan(tmp_path: Path, allowed: list[str], port: str = "5432") -> dict[str, Severity]:
    firewall = resource("google_compute_firewall.db", {
        "name": "db", "direction": "INGRESS", "allow": [{"protocol": "tcp", "ports": [port]}],
        "source_ranges": None}, unknown={"source_ranges": True})
    subnet = resource("google_compute_subnetwork.proxy", {"name": "proxy"}, unknown={"ip_cidr_range": True})
    configuration = {"root_module": {"resources": [{
        "address": "google_compute_firewall.db", "mode": "managed", "type": "google_compute_firewall", "name": "db",
        "expressions": {"source_ranges": {"references": [
            "var.allowed", "google_compute_subnetwork.proxy.ip_cidr_range", "google_compute_subnetwork.proxy"]}}}],
        "variables": {"allowed": {"default": ["10.0.0.0/8"]}}}}
    return judge(tmp_path, [firewall, subnet], configuration=configuration,
                 variables={"allowed": {"value": allowed}})


def test_unknown_source_configured_from_a_world_open_variable_is_exposure(tmp_path: Path) -> None:
    assert _firewall_plan(tmp_path, ["0.0.0.0/0"]).get("network-open-ingress") is Severity.HIGH


@pytest.mark.parametrize(("allowed", "port"), [(["10.20.0.0/16", "192.168.0.0/24"], "5432"),
                                               (["0.0.0.0/0"], "443")])
def test_unknown_source_configured_from_internal_ranges_or_to_https_is_not(
        tmp_path: Path, allowed: list[str], port: str) -> None:
    assert "network-open-ingress" not in _firewall_plan(tmp_path, allowed, port)


def _module_firewall_plan(tmp_path: Path, inputs: dict[str, Any], port: str = "5432") -> dict[str, Severity]:
    """A firewall inside a module whose sources come from a local (never printed by `show -json`)."""
    firewall = resource("module.edge.google_compute_firewall.this", {
        "name": "edge", "direction": "INGRESS", "allow": [{"protocol": "tcp", "ports": [port]}],
        "source_ranges": None}, unknown={"source_ranges": True})
    firewall["module_address"] = "module.edge"
    configuration = {"root_module": {"module_calls": {"edge": {
        "expressions": {name: {"constant_value": value} for name, value in inputs.items()},
        "module": {"resources": [{
            "address": "google_compute_firewall.this", "mode": "managed", "type": "google_compute_firewall",
            "name": "this", "expressions": {"source_ranges": {"references": ["local.source_ranges"]}}}]}}}}}
    return judge(tmp_path, [firewall], configuration=configuration)


def test_unknown_source_from_a_local_in_a_module_given_the_internet_is_exposure(tmp_path: Path) -> None:
    found = _module_firewall_plan(tmp_path, {"extra_source_ranges": ["35.191.0.0/16", "0.0.0.0/0"], "name": "edge"})
    assert found.get("network-open-ingress") is Severity.HIGH


@pytest.mark.parametrize(("inputs", "port"), [
    ({"extra_source_ranges": ["35.191.0.0/16", "130.211.0.0/22"]}, "5432"),  # health-check ranges only
    ({"extra_source_ranges": ["0.0.0.0/0"]}, "443"),  # the web port
    ({"egress_destinations": ["0.0.0.0/0"], "name": "edge"}, "5432"),  # an input that is not a source
], ids=["health-checks", "https", "not-a-source"])
def test_unknown_source_from_a_local_in_a_module_given_no_open_source_is_not(
        tmp_path: Path, inputs: dict[str, Any], port: str) -> None:
    assert "network-open-ingress" not in _module_firewall_plan(tmp_path, inputs, port)


# --- outputs and files that carry secrets out of the state --------------------------------------------

def _output_plan(tmp_path: Path, reference: str, marked: bool = False, declared: bool = False) -> dict[str, Severity]:
    key = resource("aws_iam_access_key.ci", {"user": "ci", "status": "Active"},
                   unknown={"id": True, "secret": True, "arn": True}, sensitive={"secret": True})
    user = resource("digitalocean_database_user.app", {"name": "app"}, unknown={"password": True, "urn": True},
                    sensitive={"password": True})
    outputs = {"out": {"actions": ["create"], "before": None, "after": None, "after_unknown": True,
                       "before_sensitive": False, "after_sensitive": marked}}
    expression = {"references": [reference, ".".join(reference.split(".")[:2])]}
    configuration = {"root_module": {"outputs": {"out": {"expression": expression, "sensitive": declared}}}}
    return judge(tmp_path, [key, user], output_changes=outputs, configuration=configuration)


@pytest.mark.parametrize("reference", ["aws_iam_access_key.ci.secret", "digitalocean_database_user.app.password",
                                       "aws_iam_access_key.ci.ses_smtp_password_v4"])
def test_output_of_a_secret_attribute_not_marked_sensitive_is_a_leak(tmp_path: Path, reference: str) -> None:
    assert _output_plan(tmp_path, reference).get("credential-leak") is Severity.HIGH


@pytest.mark.parametrize("reference", ["aws_iam_access_key.ci.id", "aws_iam_access_key.ci.arn",
                                       "digitalocean_database_user.app.urn"])
def test_output_of_ids_and_arns_is_not(tmp_path: Path, reference: str) -> None:
    assert "credential-leak" not in _output_plan(tmp_path, reference)


def test_sensitive_output_of_a_secret_is_not(tmp_path: Path) -> None:
    assert "credential-leak" not in _output_plan(tmp_path, "aws_iam_access_key.ci.secret", marked=True)
    assert "credential-leak" not in _output_plan(tmp_path, "aws_iam_access_key.ci.secret", declared=True)


@pytest.mark.parametrize(("name", "leak"), [("db_master_password", True), ("client_secret", True),
                                            ("private_key_pem", True), ("secret_arn", False),
                                            ("existing_secret_name", False), ("public_key_pem", False),
                                            ("password_length", False), ("token_id", False)])
def test_secret_attribute_names(name: str, leak: bool) -> None:
    from tfreview.pipeline.rules.credentials import secret_attribute
    assert secret_attribute(name) is leak


def test_created_key_written_to_a_local_file_is_a_leak(tmp_path: Path) -> None:
    key = resource("alicloud_ram_access_key.backup", {"user_name": "b", "secret_file": "./ak.txt"},
                   unknown={"id": True, "secret": True})
    assert judge(tmp_path, [key]).get("credential-leak") is Severity.HIGH
    quiet = resource("alicloud_ram_access_key.backup", {"user_name": "b", "secret_file": None, "pgp_key": "keybase:x"},
                     unknown={"id": True, "encrypted_secret": True})
    assert "credential-leak" not in judge(tmp_path, [quiet])


def one(tmp_path: Path, resource_type: str, before: Any, after: Any) -> dict[str, Severity]:
    """Findings of a plan that updates one resource."""
    return judge(tmp_path, [resource(f"{resource_type}.x", after, before=before)])


# --- TLS protocol lists judged by their weakest member ------------------------------------------------

def _helm(setting: str, value: str) -> dict[str, Any]:
    return {"name": "ingress", "chart": "ingress-nginx", "values": ["controller:\n  replicaCount: 3\n"],
            "set": [{"name": setting, "value": value, "type": "string"}]}


@pytest.mark.parametrize(("before", "after"), [("TLSv1.2 TLSv1.3", "TLSv1 TLSv1.1 TLSv1.2"),
                                               ("TLSv1.2", "TLSv1.1,TLSv1.2")])
def test_protocol_list_lowered_in_free_form_settings_is_a_downgrade(tmp_path: Path, before: str, after: str) -> None:
    found = one(tmp_path, "helm_release", _helm("controller.config.ssl-protocols", before),
                _helm("controller.config.ssl-protocols", after))
    assert found.get("tls-downgrade") is Severity.HIGH


@pytest.mark.parametrize(("before", "after"), [("TLSv1.2", "TLSv1.2 TLSv1.3"), ("TLSv1.1 TLSv1.2", "TLSv1.2")])
def test_protocol_list_adding_13_or_dropping_11_is_quiet(tmp_path: Path, before: str, after: str) -> None:
    found = one(tmp_path, "helm_release", _helm("controller.config.ssl-protocols", before),
                _helm("controller.config.ssl-protocols", after))
    assert "tls-downgrade" not in found


def test_weak_cipher_string_is_a_downgrade_and_its_reverse_is_quiet(tmp_path: Path) -> None:
    strong, weak = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256", "ALL:!aNULL"
    key = "controller.config.ssl-ciphers"
    assert one(tmp_path, "helm_release", _helm(key, strong), _helm(key, weak)).get("tls-downgrade") is Severity.HIGH
    assert "tls-downgrade" not in one(tmp_path, "helm_release", _helm(key, weak), _helm(key, strong))


# --- merge safeguards of any VCS provider ------------------------------------------------------------

@pytest.mark.parametrize(("resource_type", "before", "after"), [
    ("gitlab_branch_protection", {"allow_force_push": False}, {"allow_force_push": True}),
    ("github_branch_protection", {"allows_deletions": False}, {"allows_deletions": True}),
    ("gitlab_branch_protection", {"code_owner_approval_required": True}, {"code_owner_approval_required": False}),
    ("gitlab_branch_protection", {"push_access_level": "maintainer"}, {"push_access_level": "developer"}),
    ("gitlab_project_approval_rule", {"approvals_required": 2}, {"approvals_required": 1}),
    ("azuredevops_branch_policy_min_reviewers", {"settings": [{"reviewer_count": 2}]},
     {"settings": [{"reviewer_count": 1}]}),
])
def test_merge_safeguards_relaxed_on_any_provider(tmp_path: Path, resource_type: str, before: Any,
                                                  after: Any) -> None:
    assert one(tmp_path, resource_type, before, after).get("protection-disabled") is Severity.HIGH
    assert "protection-disabled" not in one(tmp_path, resource_type, after, before)


# --- archiving is reversible ------------------------------------------------------------------------

@pytest.mark.parametrize("resource_type", ["gitlab_project", "github_repository"])
def test_archiving_a_project_is_low(tmp_path: Path, resource_type: str) -> None:
    assert one(tmp_path, resource_type, {"name": "wiki", "archived": False},
               {"name": "wiki", "archived": True}) == {"scaled-to-zero": Severity.LOW}


# --- a value that names a secret is not a secret ----------------------------------------------------

@pytest.mark.parametrize("values", [
    "auth:\n  existingSecret: redis-auth\n  existingSecretPasswordKey: password\n",
    "imagePullSecret: regcred\ntls:\n  secretName: web-tls\n",
])
def test_helm_values_naming_a_secret_are_not_credentials(tmp_path: Path, values: str) -> None:
    release = {"name": "redis", "chart": "redis", "values": [values]}
    assert "credential-in-plan" not in one(tmp_path, "helm_release", {**release, "values": []}, release)


@pytest.mark.parametrize("values", ["auth:\n  existingSecret: a8f3k29dk3ls0dk3q\n",
                                    "auth:\n  password: hunter-two-horses\n"])
def test_helm_values_holding_a_secret_still_are(tmp_path: Path, values: str) -> None:
    release = {"name": "redis", "chart": "redis", "values": [values]}
    assert one(tmp_path, "helm_release", {**release, "values": []}, release).get("credential-in-plan") \
        is Severity.HIGH


# --- a credential the change takes out of the clear -------------------------------------------------

@pytest.mark.parametrize(("marked", "severity"), [(True, Severity.LOW), (False, Severity.HIGH)])
def test_credential_found_only_in_the_value_this_change_marks_sensitive(tmp_path: Path, marked: bool,
                                                                        severity: Severity) -> None:
    before = {"key": "DATADOG_API_KEY", "value": "9f8e7d6c5b4a39281706f5e4d3c2b1a0", "sensitive": False}
    after = {"key": "DATADOG_API_KEY", "value": "a1b2c3d4e5f60718293a4b5c6d7e8f90", "sensitive": marked}
    change = resource("tfe_variable.dd", after, before=before, sensitive={"value": True} if marked else {})
    assert judge(tmp_path, [change]).get("credential-in-plan") is severity


@pytest.mark.parametrize(("file_type", "attribute", "leak"), [
    ("local_file", "private_key_pem", True), ("local_file", "public_key_openssh", False),
    ("local_sensitive_file", "private_key_pem", False), ("nimbus_bucket_object", "private_key_pem", True),
    ("nimbus_bucket_object", "public_key_openssh", False), ("nimbus_storage_blob", "private_key_pem", True)])
def test_local_file_of_a_private_key(tmp_path: Path, file_type: str, attribute: str, leak: bool) -> None:
    key = resource("tls_private_key.deploy", {"algorithm": "ED25519"}, unknown={attribute: True},
                   sensitive={"private_key_pem": True})
    written = resource(f"{file_type}.key", {"filename": "./deploy"}, unknown={"content": True, "id": True})
    configuration = {"root_module": {"resources": [{
        "address": f"{file_type}.key", "mode": "managed", "type": file_type, "name": "key",
        "expressions": {"content": {"references": [f"tls_private_key.deploy.{attribute}", "tls_private_key.deploy"]},
                        "filename": {"constant_value": "./deploy"}}}]}}
    found = judge(tmp_path, [key, written], configuration=configuration)
    assert (found.get("credential-leak") is Severity.HIGH) is leak


def test_unknown_source_through_a_module_input_and_egress_look_alike(tmp_path: Path) -> None:
    def rule_change(name: str, direction: str) -> dict[str, Any]:
        return resource(f"module.net.aws_security_group_rule.{name}", {
            "type": direction, "from_port": 22, "to_port": 22, "protocol": "tcp"},
            unknown={"cidr_blocks": True, "id": True})
    module = {"resources": [{"address": f"aws_security_group_rule.{name}", "mode": "managed",
                             "type": "aws_security_group_rule", "name": name,
                             "expressions": {"cidr_blocks": {"references": ["var.allowed"]}}}
                            for name in ("ssh", "out")], "variables": {"allowed": {}}}
    configuration = {"root_module": {"module_calls": {"net": {
        "expressions": {"allowed": {"references": ["var.admins"]}}, "module": module}}}}
    result = review_rules_alone(tmp_path, [rule_change("ssh", "ingress"), rule_change("out", "egress")],
                                configuration=configuration, variables={"admins": {"value": ["0.0.0.0/0"]}})
    opened = [f.address for f in result.findings if f.rule == "network-open-ingress"]
    assert opened == ["module.net.aws_security_group_rule.ssh"]
