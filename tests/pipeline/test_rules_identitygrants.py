"""Identity and grants judged by what is granted to whom (holders.py, capabilities.py, rootgrants.py, meshacl.py,
runas.py, foreign.py's accept lists, mailboxes.py's allowed domains, grantreach.py's whole-domain writers,
permitall.py's domain-only permits, signin.py's per-user filtering): each risky change beside a benign look-alike
that stays likely safe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def entry(address: str, before: Any, after: Any) -> dict[str, Any]:
    """One resource change; the provider is read from the type's first word."""
    kind, name = address.split(".")
    actions = ["create"] if before is None else ["update"]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": f"registry.terraform.io/acme/{kind.split('_')[0]}",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def judged(tmp_path: Path, *changes: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, list(changes))
    return result.label, worst_by_rule(result)


def risky(tmp_path: Path, rule: str, *changes: dict[str, Any]) -> None:
    label, worst = judged(tmp_path, *changes)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(rule) is Severity.HIGH, worst


def benign(tmp_path: Path, *changes: dict[str, Any]) -> None:
    label, worst = judged(tmp_path, *changes)
    assert label is Label.LIKELY_SAFE, worst


# --- a principal's permissions are the union of its policies -----------------------------------------------------

def inline(address: str, holder: str, actions: list[str], resource: str) -> dict[str, Any]:
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}]}
    return entry(address, None, {"name": address.split(".")[1], "role": holder, "policy": json.dumps(document)})


FUNCTIONS = ["lambda:CreateFunction", "lambda:InvokeFunction"]
FUNCTION_ARN = "arn:aws:lambda:eu-west-1:210987654321:function:reports-*"


def test_escalation_split_across_two_policies_of_one_role_is_high(tmp_path: Path) -> None:
    risky(tmp_path, "iam-escalation",
          inline("aws_iam_role_policy.pass", "reports-builder", ["iam:PassRole"], "*"),
          inline("aws_iam_role_policy.functions", "reports-builder", FUNCTIONS, FUNCTION_ARN))


def test_halves_held_by_different_roles_are_not_joined(tmp_path: Path) -> None:
    _label, worst = judged(tmp_path, inline("aws_iam_role_policy.pass", "reports-builder", ["iam:PassRole"], "*"),
                           inline("aws_iam_role_policy.functions", "reports-reader", FUNCTIONS, FUNCTION_ARN))
    assert worst.get("iam-escalation") is not Severity.HIGH


def test_passrole_on_one_named_role_beside_create_function_stays_safe(tmp_path: Path) -> None:
    benign(tmp_path, inline("aws_iam_role_policy.pass", "reports-builder", ["iam:PassRole"],
                            "arn:aws:iam::210987654321:role/reports-runtime"),
           inline("aws_iam_role_policy.functions", "reports-builder", FUNCTIONS, FUNCTION_ARN))


# --- Vault path policies: a glob path covers the control plane ---------------------------------------------------

def vault(policy: str) -> dict[str, Any]:
    old = 'path "kv/data/builds/*" {\n  capabilities = ["read"]\n}\n'
    return entry("vault_policy.builds", {"name": "builds", "policy": old}, {"name": "builds", "policy": old + policy})


def test_glob_path_over_token_creation_with_sudo_is_high(tmp_path: Path) -> None:
    risky(tmp_path, "iam-escalation", vault('path "auth/token/*" {\n  capabilities = ["create", "update", "sudo"]\n}'))


def test_glob_path_over_auth_roles_is_high(tmp_path: Path) -> None:
    risky(tmp_path, "iam-escalation", vault('path "auth/approle/role/*" {\n  capabilities = ["update"]\n}'))


def test_read_and_list_on_a_kv_path_stays_safe(tmp_path: Path) -> None:
    benign(tmp_path, vault('path "kv/data/reports/*" {\n  capabilities = ["read", "list"]\n}'))


def test_renewing_its_own_token_stays_safe(tmp_path: Path) -> None:
    benign(tmp_path, vault('path "auth/token/renew-self" {\n  capabilities = ["update"]\n}'))


# --- an admin-like role at the root of a hierarchy ----------------------------------------------------------------

def test_administrator_on_the_root_path_is_high(tmp_path: Path) -> None:
    old = {"user_id": "deployer@realm", "acl": [{"path": "/nodes/n3", "propagate": False, "role_id": "NodeUser"}]}
    new = {"user_id": "deployer@realm", "acl": [{"path": "/", "propagate": True, "role_id": "Administrator"}]}
    risky(tmp_path, "iam-privileged-role", entry("hyperv_cluster_user.deployer", old, new))


def test_auditor_on_one_machine_path_stays_safe(tmp_path: Path) -> None:
    old = {"user_id": "deployer@realm", "acl": [{"path": "/nodes/n3", "propagate": False, "role_id": "NodeUser"}]}
    new = {"user_id": "deployer@realm", "acl": [{"path": "/machines/118", "propagate": False, "role_id": "Auditor"}]}
    benign(tmp_path, entry("hyperv_cluster_user.deployer", old, new))


def test_steward_entitlement_over_every_tenant_is_high(tmp_path: Path) -> None:
    risky(tmp_path, "iam-privileged-role", entry("dirsvc_entitlement_grant.sync", None, {
        "subject": "svc:ledger-sync", "entitlement": "realm-steward", "scope": "realm/*", "expires_at": None}))


def test_read_entitlement_on_one_tenant_stays_safe(tmp_path: Path) -> None:
    benign(tmp_path, entry("dirsvc_entitlement_grant.sync", None, {
        "subject": "svc:ledger-sync", "entitlement": "realm-reader", "scope": "realm/r-0042", "expires_at": None}))


# --- a mesh network policy admitting every member -----------------------------------------------------------------

def mesh(rules: list[dict[str, Any]], ssh: list[dict[str, Any]]) -> dict[str, Any]:
    base = {"groups": {"group:dba": ["ann@example.org"]}, "acls": [
        {"action": "accept", "src": ["group:dba"], "dst": ["tag:db:*"]}], "ssh": []}
    text = json.dumps({**base, "acls": base["acls"] + rules, "ssh": ssh}, indent=2)
    return entry("meshnet_policy.main", {"policy": json.dumps(base, indent=2)},
                 {"policy": "// widened for the offsite\n" + text.replace("\n  ]", ",\n  ]", 1)})


def test_every_member_reaching_database_ports_and_root_ssh_is_high(tmp_path: Path) -> None:
    risky(tmp_path, "iam-privileged-role", mesh(
        [{"action": "accept", "src": ["autogroup:member"], "dst": ["tag:db:5432"]}],
        [{"action": "accept", "src": ["*"], "dst": ["tag:db"], "users": ["root"]}]))


def test_every_member_granted_ssh_in_the_grants_form_is_high(tmp_path: Path) -> None:
    rule = {"src": ["autogroup:member"], "dst": ["tag:db"], "ip": ["tcp:22"]}
    before = {"policy": json.dumps({"grants": []})}
    risky(tmp_path, "iam-privileged-role", entry("meshnet_policy.main", before, {"policy": json.dumps(
        {"grants": [rule]})}))
    benign(tmp_path, entry("meshnet_policy.main", before, {"policy": json.dumps(
        {"grants": [{**rule, "src": ["tag:bastion"]}, {**rule, "ip": ["tcp:443"]}]})}))


def test_tag_scoped_rule_and_everyone_on_a_web_port_stay_safe(tmp_path: Path) -> None:
    benign(tmp_path, mesh(
        [{"action": "accept", "src": ["tag:ci"], "dst": ["tag:db:5432"]},
         {"action": "accept", "src": ["autogroup:member"], "dst": ["tag:wiki:443"]}],
        [{"action": "check", "src": ["group:dba"], "dst": ["tag:db"], "users": ["root"]}]))


# --- a workload moved to the default service account --------------------------------------------------------------

OWN_SA = "projects/acme-ops-41/serviceAccounts/rotator@acme-ops-41.iam.gserviceaccount.com"


def job(account: str) -> dict[str, Any]:
    return entry("google_cloud_scheduler_job.rotate", {"name": "rotate", "service_account": OWN_SA},
                 {"name": "rotate", "service_account": account})


def test_move_to_the_default_compute_service_account_is_high(tmp_path: Path) -> None:
    risky(tmp_path, "iam-privileged-role",
          job("projects/acme-ops-41/serviceAccounts/55501234-compute@developer.gserviceaccount.com"))


def test_move_to_another_dedicated_service_account_stays_safe(tmp_path: Path) -> None:
    benign(tmp_path, job("projects/acme-ops-41/serviceAccounts/rotator2@acme-ops-41.iam.gserviceaccount.com"))


# --- who a private connection's accept list lets in ---------------------------------------------------------------

def attachment(project: str) -> dict[str, Any]:
    accept = [{"project_id_or_num": "acme-ops-41", "connection_limit": 10}]
    return entry("google_compute_service_attachment.api", {"project": "acme-ops-41", "consumer_accept_lists": accept},
                 {"project": "acme-ops-41", "consumer_accept_lists": [
                     *accept, {"project_id_or_num": project, "connection_limit": 5}]})


def test_outside_project_on_an_accept_list_is_high(tmp_path: Path) -> None:
    risky(tmp_path, "foreign-data-share", attachment("partnerco-gw-07"))


def test_own_named_project_on_an_accept_list_stays_safe(tmp_path: Path) -> None:
    benign(tmp_path, attachment("acme-edge-12"))


# --- consumer mail domains on a list of allowed domains -----------------------------------------------------------

def workspace(domains: list[str]) -> dict[str, Any]:
    return entry("dashly_workspace.finance", {"settings": [{"sharing_allowed_domains": ["acme.example"]}]},
                 {"settings": [{"sharing_allowed_domains": ["acme.example", *domains]}]})


def test_consumer_mail_domain_allowed_for_sharing_is_high(tmp_path: Path) -> None:
    risky(tmp_path, "foreign-data-share", workspace(["hotmail.com"]))


def test_subsidiary_domain_allowed_for_sharing_stays_safe(tmp_path: Path) -> None:
    benign(tmp_path, workspace(["acme-labs.example"]))


# --- a write role to every account of a domain --------------------------------------------------------------------

def repo_grant(role: str, member: str) -> dict[str, Any]:
    return entry("google_artifact_registry_repository_iam_member.extra", None,
                 {"repository": "images", "location": "europe-west4", "role": role, "member": member})


def test_write_role_to_a_whole_domain_is_high(tmp_path: Path) -> None:
    risky(tmp_path, "iam-privileged-role", repo_grant("roles/artifactregistry.writer", "domain:vendorhub.example"))


def test_reader_to_a_domain_or_writer_to_one_user_stays_safe(tmp_path: Path) -> None:
    benign(tmp_path, repo_grant("roles/artifactregistry.reader", "domain:acme.example"))
    benign(tmp_path, repo_grant("roles/artifactregistry.writer", "user:ann@acme.example"))


# --- an access policy or filter mode weakened ---------------------------------------------------------------------

GROUP_AND_DEVICE = ('permit(principal, action, resource)\nwhen {\n  context.idp.groups has "ops" &&\n'
                    '  context.mdm.risk == "LOW"\n};')


def access_group(policy: str) -> dict[str, Any]:
    return entry("zerotrust_access_group.consoles", {"policy_document": GROUP_AND_DEVICE}, {"policy_document": policy})


def test_policy_reduced_to_any_user_of_the_domain_is_high(tmp_path: Path) -> None:
    risky(tmp_path, "iam-wildcard", access_group(
        'permit(principal, action, resource)\nwhen {\n  context.idp.user.email like "*@acme.example"\n};'))


def test_domain_test_beside_a_group_test_stays_safe(tmp_path: Path) -> None:
    benign(tmp_path, access_group('permit(principal, action, resource)\nwhen {\n  context.idp.groups has "ops" &&\n'
                                  '  context.idp.user.email like "*@acme.example"\n};'))


def index(before: str, after: str) -> dict[str, Any]:
    return entry("findit_search_index.intranet", {"name": "intranet", "user_context_policy": before},
                 {"name": "intranet", "user_context_policy": after})


def test_per_user_filtering_moved_to_caller_attributes_is_high(tmp_path: Path) -> None:
    risky(tmp_path, "auth-weakened", index("USER_TOKEN", "ATTRIBUTE_FILTER"))


def test_per_user_filtering_moved_to_a_verified_token_stays_safe(tmp_path: Path) -> None:
    benign(tmp_path, index("ATTRIBUTE_FILTER", "USER_TOKEN"))
