"""Risk that only the configuration, a provider block, a data source or an embedded template shows: each risky
variant (several providers and shapes nobody wrote yet) with a benign look-alike that stays likely safe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.printed import printed_result
from tfreview.pipeline.rules.clieffects import cli_effect
from tfreview.pipeline.rules.credentials import store_says_plain

HIGH = Severity.HIGH


def highs(found: dict[str, Severity]) -> set[str]:
    return {rule for rule, severity in found.items() if severity is HIGH}


# --- provisioner commands: what a cloud CLI does ---------------------------------------------------------------

@pytest.mark.parametrize(("command", "fires"), [
    ("aws iam attach-role-policy --role-name w --policy-arn arn:aws:iam::aws:policy/AdministratorAccess && echo ok",
     True),
    ("gcloud projects add-iam-policy-binding p --member=serviceAccount:ci@p.iam.gserviceaccount.com --role=roles/owner",
     True),
    ("az role assignment create --assignee 0000 --role Owner --scope /subscriptions/1", True),
    ("kubectl create clusterrolebinding ci --clusterrole=cluster-admin --serviceaccount=ci:runner", True),
    ("zcloud iam policy attach --principal svc-x --policy platform-admin", True),
    ("aws ec2 authorize-security-group-ingress --group-id sg-1 --protocol tcp --port 22 --cidr 0.0.0.0/0", True),
    ("az network nsg rule create -g rg --nsg-name n -n ssh --source-address-prefixes '*' --destination-port-ranges 22",
     True),
    ("aws cloudtrail stop-logging --name org-trail", True),
    ("gcloud logging sinks delete audit-to-bq", True),
    ("aws iam create-access-key --user-name deploy-bot > /tmp/k.json", False),  # kept on the machine: minted.py
    ("gsutil iam ch allUsers:objectViewer gs://exports", True),
    ("echo 'attach AdministratorAccess later'", False),
    ("kubectl --context prod -n recon rollout status deployment/recon-worker --timeout=600s", False),
    ("curl -sf https://recon.internal/healthz", False),
    ("aws iam attach-role-policy --role-name w --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess", False),
    ("gcloud compute firewall-rules create iap --allow tcp:22 --source-ranges=35.235.240.0/20", False),
    ("az network nsg rule create -n web --source-address-prefixes 10.0.0.0/8 --destination-address-prefixes '*'",
     False),
    ("kubectl create clusterrolebinding ci-admin --clusterrole=view --group=ci", False),
    ("aws cloudtrail start-logging --name org-trail", False),
    ("kubectl --kubeconfig /root/.kube/config apply -f admin-dashboard.yaml", False),
])
def test_cloud_commands_read_for_what_they_do(command: str, fires: bool) -> None:
    assert (cli_effect(command) is not None) is fires


def _helper_with_command(tmp_path: Path, command: str) -> dict[str, Severity]:
    change = resource("null_resource.bootstrap", {"triggers": {"rev": "3"}}, unknown={"id": True})
    configuration = {"root_module": {"resources": [{
        "address": "null_resource.bootstrap", "mode": "managed", "type": "null_resource", "name": "bootstrap",
        "expressions": {}, "provisioners": [{"type": "local-exec",
                                             "expressions": {"command": {"constant_value": command}}}]}]}}
    return judge(tmp_path, [change], configuration=configuration)


def test_a_helper_whose_provisioner_grants_admin_is_high(tmp_path: Path) -> None:
    command = "az role assignment create --assignee x --role Owner --scope /subscriptions/1"
    found = _helper_with_command(tmp_path, command)
    assert found["provisioner-command"] is HIGH


def test_a_helper_whose_provisioner_waits_for_a_rollout_stays_safe(tmp_path: Path) -> None:
    assert not highs(_helper_with_command(tmp_path, "aws ecs wait services-stable --cluster prod --services api"))


# --- provider blocks: plain or unverified connections --------------------------------------------------------

def _through_provider(tmp_path: Path, settings: dict[str, Any], secret: bool = True) -> dict[str, Severity]:
    after = {"path": "team/api", "value": "(sensitive)" if secret else None, "ttl": 3600}
    change = resource("strongbox_entry.api", after, sensitive={"value": True} if secret else {})
    change["provider_name"] = "registry.terraform.io/acme/strongbox"
    if not secret:
        change["change"]["after"] = {"path": "team/api", "ttl": 3600}
    expressions = {k: {"constant_value": v} for k, v in settings.items()}
    configuration = {"provider_config": {"strongbox": {"name": "strongbox",
                                                       "full_name": "registry.terraform.io/acme/strongbox",
                                                       "expressions": expressions}},
                     "root_module": {}}
    return judge(tmp_path, [change], configuration=configuration)


@pytest.mark.parametrize("settings", [
    {"address": "http://strongbox.example-ops.net:8200"},
    {"endpoint": "https://10.2.0.9:8443", "tls_insecure_skip_verify": True},
    {"url": "https://box.corp.internal", "verify_ssl": False},
    {"host": "https://box.example.com", "insecure": "true"},
])
def test_secrets_written_through_a_plain_or_unverified_provider_are_high(tmp_path: Path,
                                                                         settings: dict[str, Any]) -> None:
    assert _through_provider(tmp_path, settings)["provider-insecure"] is HIGH


@pytest.mark.parametrize("settings", [
    {"address": "https://strongbox.example.com:8200", "skip_tls_verify": False, "ca_cert_file": "/etc/ca.pem"},
    {"address": "http://127.0.0.1:8200"},
    {"address": "https://localhost:8200", "skip_tls_verify": True},
])
def test_verified_or_local_providers_stay_safe(tmp_path: Path, settings: dict[str, Any]) -> None:
    assert "provider-insecure" not in _through_provider(tmp_path, settings)


def test_an_unverified_private_provider_writing_no_secret_is_medium(tmp_path: Path) -> None:
    found = _through_provider(tmp_path, {"host": "https://10.0.0.5:6443", "insecure": True}, secret=False)
    assert found["provider-insecure"] is Severity.MEDIUM


# --- data sources and lookups ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("program", "result"), [
    (["bash", "-c", "echo '{\"cidr\":\"0.0.0.0/0\"}'"], {"cidr": "0.0.0.0/0"}),
    (["sh", "-c", "printf '%s' '{\"range\":\"::/0\",\"note\":\"x\"}'"], {"range": "::/0", "note": "x"}),
    (["python3", "scripts/vendor_cidr.py"], UNKNOWN),
    (["bash", "-c", "jq -r .vendor | xargs lookup"], UNKNOWN),
    (["bash", "-c", "echo '{\"cidr\":\"'$CIDR'\"}'"], UNKNOWN),
])
def test_an_inline_program_prints_its_result(program: list[str], result: Any) -> None:
    assert printed_result(program) == result


def _sg_from_program(tmp_path: Path, printed: str) -> dict[str, Severity]:
    program = ["bash", "-c", f"echo '{json.dumps({'cidr': printed})}'"]
    data = resource("data.external.range", {"program": program, "result": None}, unknown={"result": True})
    data["mode"], data["type"], data["name"] = "data", "external", "range"
    data["change"]["actions"] = ["read"]
    rule = resource("aws_vpc_security_group_ingress_rule.sftp", {
        "cidr_ipv4": None, "from_port": 22, "to_port": 22, "ip_protocol": "tcp", "security_group_id": "sg-1"},
        unknown={"cidr_ipv4": True})
    configuration = {"root_module": {"resources": [
        {"address": "data.external.range", "mode": "data", "type": "external", "name": "range",
         "expressions": {"program": {"constant_value": program}}},
        {"address": "aws_vpc_security_group_ingress_rule.sftp", "mode": "managed",
         "type": "aws_vpc_security_group_ingress_rule", "name": "sftp",
         "expressions": {"cidr_ipv4": {"references": ["data.external.range.result.cidr", "data.external.range"]}}}]}}
    return judge(tmp_path, [data, rule], configuration=configuration)


def test_a_rule_whose_cidr_an_inline_program_prints_as_the_internet_is_high(tmp_path: Path) -> None:
    assert highs(_sg_from_program(tmp_path, "0.0.0.0/0"))


def test_a_rule_whose_cidr_an_inline_program_prints_as_an_office_address_stays_safe(tmp_path: Path) -> None:
    assert not highs(_sg_from_program(tmp_path, "198.51.100.7/32"))


def _attach_by_lookup(tmp_path: Path, policy: str) -> dict[str, Severity]:
    attach = resource("aws_iam_role_policy_attachment.ops", {"role": "ops", "policy_arn": None},
                      unknown={"policy_arn": True})
    configuration = {"root_module": {"resources": [
        {"address": "aws_iam_role_policy_attachment.ops", "mode": "managed",
         "type": "aws_iam_role_policy_attachment", "name": "ops",
         "expressions": {"policy_arn": {"references": ["data.aws_iam_policy.p.arn", "data.aws_iam_policy.p"]}}},
        {"address": "data.aws_iam_policy.p", "mode": "data", "type": "aws_iam_policy", "name": "p",
         "expressions": {"name": {"constant_value": policy}}}]}}
    return judge(tmp_path, [attach], configuration=configuration)


def test_an_attachment_of_a_policy_looked_up_as_administrator_access_is_high(tmp_path: Path) -> None:
    assert _attach_by_lookup(tmp_path, "AdministratorAccess").get("iam-privileged-role") is HIGH


def test_an_attachment_of_a_policy_looked_up_as_read_only_stays_safe(tmp_path: Path) -> None:
    assert not highs(_attach_by_lookup(tmp_path, "ReadOnlyAccess"))


def _policy_from_read_document(tmp_path: Path, actions: list[str], resources: list[Any]) -> dict[str, Severity]:
    document = resource("data.aws_iam_policy_document.handoff", {
        "json": None, "statement": [{"actions": actions, "resources": resources, "effect": "Allow",
                                     "principals": [], "condition": []}]}, unknown={"json": True})
    document["mode"], document["type"], document["name"] = "data", "aws_iam_policy_document", "handoff"
    document["change"]["actions"] = ["read"]
    policy = resource("aws_iam_policy.handoff", {"name": "handoff", "policy": None}, unknown={"policy": True})
    return judge(tmp_path, [document, policy], configuration={"root_module": {}})


def test_a_policy_built_from_a_read_document_that_passes_any_role_is_high(tmp_path: Path) -> None:
    assert highs(_policy_from_read_document(tmp_path, ["iam:PassRole", "sts:AssumeRole"], ["*"]))


def test_a_policy_built_from_a_read_document_limited_to_one_role_stays_safe(tmp_path: Path) -> None:
    assert not highs(_policy_from_read_document(tmp_path, ["iam:PassRole"],
                                                ["arn:aws:iam::111122223333:role/batch-runner"]))


# --- trust conditions and secure stores ------------------------------------------------------------------------

def _trust(tmp_path: Path, pattern: str) -> dict[str, Severity]:
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
        "Condition": {"ArnLike": {"aws:PrincipalArn": pattern}}}]}
    return judge(tmp_path, [resource("aws_iam_role.vendor", {"name": "vendor",
                                                             "assume_role_policy": json.dumps(policy)})])


@pytest.mark.parametrize("pattern", ["arn:aws:iam::*:role/recon-*", "arn:aws:iam::????????????:role/ops",
                                     "arn:aws:sts::*:assumed-role/vendor/*"])
def test_a_trust_limited_only_by_a_role_name_in_any_account_is_high(tmp_path: Path, pattern: str) -> None:
    assert _trust(tmp_path, pattern).get("iam-open-trust") is HIGH


def test_a_trust_limited_to_role_names_of_one_account_is_not_open(tmp_path: Path) -> None:
    assert "iam-open-trust" not in _trust(tmp_path, "arn:aws:iam::111122223333:role/recon-*")


@pytest.mark.parametrize(("after", "plain"), [
    ({"type": "SecureString", "data_type": "text"}, False),
    ({"type": "String", "data_type": "text"}, True),
    ({"kind": "plain", "encrypted": True}, False),
    ({"value_type": "secret"}, False),
    ({"secure": False}, True),
])
def test_a_store_entry_is_plain_only_when_nothing_says_secure(after: dict[str, Any], plain: bool) -> None:
    assert store_says_plain(after) is plain


# --- embedded templates ----------------------------------------------------------------------------------------

CFN_ROLE = """AWSTemplateFormatVersion: '2010-09-09'
Description: vendor read-only integration
Resources:
  VendorRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: vendor
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              AWS: {principal}
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/{policy}
Outputs:
  RoleArn:
    Value: !GetAtt VendorRole.Arn
"""


def _stack(tmp_path: Path, template: str) -> dict[str, Severity]:
    return judge(tmp_path, [resource("aws_cloudformation_stack.vendor", {
        "name": "vendor", "capabilities": ["CAPABILITY_NAMED_IAM"], "template_body": template})])


def test_a_stack_template_creating_an_admin_role_for_another_account_is_high(tmp_path: Path) -> None:
    template = CFN_ROLE.format(principal="arn:aws:iam::999988887777:root", policy="AdministratorAccess")
    assert _stack(tmp_path, template).get("embedded-template") is HIGH


def test_a_json_stack_template_opening_ssh_to_the_internet_is_high(tmp_path: Path) -> None:
    template = json.dumps({"Resources": {"Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
        "GroupDescription": "bastion", "SecurityGroupIngress": [
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}]}}}})
    assert _stack(tmp_path, template).get("embedded-template") is HIGH


def test_a_stack_template_with_a_read_only_role_for_its_own_account_stays_safe(tmp_path: Path) -> None:
    template = CFN_ROLE.format(principal="!Sub 'arn:aws:iam::${AWS::AccountId}:root'", policy="ReadOnlyAccess")
    assert not highs(_stack(tmp_path, template))


def test_an_arm_template_granting_owner_is_high(tmp_path: Path) -> None:
    template = json.dumps({"$schema": "https://schema.management.azure.com/deploymentTemplate.json#", "resources": [
        {"type": "Microsoft.Authorization/roleAssignments", "name": "ops", "properties": {
            "roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/"
                                "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
            "principalId": "1111", "scope": "/subscriptions/2222"}}]})
    change = resource("azurerm_subscription_template_deployment.ops", {"name": "ops", "template_content": template})
    assert highs(judge(tmp_path, [change]))


def _alias_bomb(levels: int) -> str:
    """A template whose YAML aliases multiply nine values by nine LEVELS times (a few lines, 9**LEVELS values)."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels + 1)]
    return "\n".join([*lines, "Resources:", "  Bucket:", "    Type: AWS::S3::Bucket", "    Properties:",
                      f"      Tags: *l{levels}", ""])


def test_a_template_whose_aliases_multiply_it_past_reading_is_high_not_walked(tmp_path: Path) -> None:
    assert _stack(tmp_path, _alias_bomb(8)).get("embedded-template") is HIGH  # 43 million values: not walked


def test_a_template_with_a_few_aliases_is_read_as_usual(tmp_path: Path) -> None:
    assert not highs(_stack(tmp_path, _alias_bomb(2)))
