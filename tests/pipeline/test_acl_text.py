"""Rule-style ACL text (Consul/Nomad style), anonymous identities, management tokens, any-name signing roles and
bound-CIDR allow-lists — each risky change high, each benign look-alike left without a high finding."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_identity_text import high, plan
from tests.pipeline.test_rules import findings_for
from tfreview.pipeline.rules.acltext import grants

READ_RULES = 'service_prefix "web-" {\n  policy = "write"\n}\nnode "app-1" {\n  policy = "read"\n}\n'


def test_rule_text_is_read_for_admin_grants() -> None:
    assert grants(READ_RULES, anonymous=False) == set()
    assert grants(READ_RULES + 'acl = "write"\n', anonymous=False) == {'acl = "write"'}
    assert grants('# acl = "write"\nkey_prefix "" {\n  policy = "deny"\n}\n', anonymous=False) == set()
    assert grants('namespace "*" {\n  capabilities = ["submit-job"]\n  policy = "write"\n}\n', False) \
        == {'namespace "*" write'}
    assert grants('namespace "default" {\n  policy = "write"\n}\n', anonymous=True) == {'namespace "default" write'}
    assert grants('namespace "default" {\n  policy = "write"\n}\n', anonymous=False) == set()


@pytest.mark.parametrize(("address", "before", "after"), [
    ("quorumly_access_policy.ci", {"name": "ci", "rules": READ_RULES},
     {"name": "ci", "rules": READ_RULES + 'acl = "write"\n'}),
    ("quorumly_access_policy.ci", {"name": "ci", "rules": READ_RULES},
     {"name": "ci", "rules": READ_RULES + 'node_prefix "" {\n  policy = "write"\n}\n'}),
    ("jobly_acl_policy.anonymous", {"name": "anonymous", "rules_hcl": 'namespace "default" {\n policy = "read"\n}\n'},
     {"name": "anonymous", "rules_hcl": 'namespace "default" {\n policy = "write"\n}\n'}),
    ("quorumly_token_policy_link.anon", None,
     {"token_id": "00000000-0000-0000-0000-000000000002", "policy": "global-management"}),
    ("module.ci.jobly_acl_token.deployer", {"name": "ci", "type": "client", "policies": ["deploy"]},
     {"name": "ci", "type": "management", "policies": []}),
    ("certhub_signing_role.svc", {"allowed_domains": ["svc.example"], "allow_any_name": False},
     {"allowed_domains": [], "allow_any_name": True}),
    ("keyvaulty_login_role.jenkins", {"role_name": "jenkins", "token_bound_cidrs": ["10.40.0.0/16"]},
     {"role_name": "jenkins", "token_bound_cidrs": []}),
])
def test_admin_grants_are_high(tmp_path: Path, address: str, before: Any, after: Any) -> None:
    assert high(plan(tmp_path, address, before, after))


@pytest.mark.parametrize(("address", "before", "after"), [
    ("quorumly_access_policy.dns", None, {"name": "dns", "rules": 'node_prefix "" {\n  policy = "read"\n}\n'}),
    ("quorumly_access_policy.ci", {"name": "ci", "rules": READ_RULES + 'acl = "write"\n'},
     {"name": "ci", "rules": READ_RULES + 'acl = "write"\nkey_prefix "app/" {\n  policy = "read"\n}\n'}),
    ("jobly_acl_policy.anonymous", {"name": "anonymous", "rules_hcl": 'namespace "*" {\n policy = "write"\n}\n'},
     {"name": "anonymous", "rules_hcl": 'namespace "default" {\n policy = "read"\n}\n'}),
    ("quorumly_token_policy_link.ci", None, {"token_id": "5d1e9b0a-2f3c-4a8d-9e7f-1b2c3d4e5f60", "policy": "dns"}),
    ("jobly_token_role.ci", None, {"role_name": "ci", "allowed_policies": ["ci"], "disallowed_policies": ["root"]}),
    ("jobly_acl_token.deployer", {"name": "ci", "type": "client", "policies": ["deploy"]},
     {"name": "ci", "type": "client", "policies": ["deploy", "read-logs"]}),
    ("certhub_signing_role.svc", {"allowed_domains": ["svc.example"], "allow_any_name": False},
     {"allowed_domains": ["svc.example", "api.example"], "allow_any_name": False}),
    ("keyvaulty_login_role.jenkins", {"role_name": "jenkins", "token_bound_cidrs": ["10.40.0.0/16"]},
     {"role_name": "jenkins", "token_bound_cidrs": ["10.40.8.0/24"]}),
])
def test_lookalikes_stay_without_high(tmp_path: Path, address: str, before: Any, after: Any) -> None:
    assert high(plan(tmp_path, address, before, after)) == []


ANON_ROLE = {"name": "anon", "principal_ids": ["u_anon"], "grant_strings": ["ids=*;type=scope;actions=list"]}
TARGET = {"name": "db", "brokered_credential_source_ids": [], "injected_application_credential_source_ids": ["cl_1"]}
SUBJECT = "repo:acme/infra:environment:production"


@pytest.mark.parametrize(("address", "before", "after"), [
    ("gatekeepr_role.public", ANON_ROLE,
     {**ANON_ROLE, "grant_strings": [*ANON_ROLE["grant_strings"], "ids=*;type=*;actions=*"]}),
    ("gatekeepr_target.db", TARGET,
     {**TARGET, "brokered_credential_source_ids": ["cl_1"], "injected_application_credential_source_ids": []}),
    ("runhub_variable_set.prod", {"id": "vs-9", "global": False}, {"id": "vs-9", "global": True}),
    ("keyvaulty_jwt_auth_backend_role.ci", {"bound_subject": SUBJECT, "token_policies": ["admin"]},
     {"bound_subject": "repo:acme/infra", "token_policies": ["admin"]}),
])
def test_handed_out_or_widened_is_high(tmp_path: Path, address: str, before: Any, after: Any) -> None:
    assert high(plan(tmp_path, address, before, after))


@pytest.mark.parametrize(("address", "before", "after"), [
    ("gatekeepr_role.public", ANON_ROLE,
     {**ANON_ROLE, "grant_strings": [*ANON_ROLE["grant_strings"], "ids=*;type=auth-method;actions=authenticate"]}),
    ("gatekeepr_role.ops", {**ANON_ROLE, "principal_ids": ["g_ops"]},
     {**ANON_ROLE, "principal_ids": ["g_ops"], "grant_strings": ["ids=*;type=*;actions=read"]}),
    ("gatekeepr_target.db", TARGET, {**TARGET, "injected_application_credential_source_ids": ["cl_1", "cl_2"]}),
    ("runhub_variable_set.tags", None, {"name": "common-tags", "global": True}),
    ("runhub_variable_set.staging", None, {"name": "staging-keys", "global": True}),
    ("keyvaulty_jwt_auth_backend_role.ci", {"bound_subject": "repo:acme/infra", "token_policies": ["admin"]},
     {"bound_subject": SUBJECT, "token_policies": ["admin"]}),
])
def test_handover_lookalikes_stay_without_high(tmp_path: Path, address: str, before: Any, after: Any) -> None:
    assert high(plan(tmp_path, address, before, after)) == []


def test_an_existing_set_made_global_is_high_unless_its_plain_variables_are_shown(tmp_path: Path) -> None:
    def entry(address: str, actions: list[str], before: Any, after: dict[str, Any]) -> dict[str, Any]:
        kind, name = address.split(".")
        return {"address": address, "mode": "managed", "type": kind, "name": name,
                "provider_name": "registry.example.com/acme/runhub",
                "change": {"actions": actions, "before": before, "after": after, "after_unknown": {}}}

    def review(*members: dict[str, Any]) -> str:
        scope = {"id": "vs-1", "name": "org-defaults", "global": False}
        path = tmp_path / "plan.json"
        path.write_text(json.dumps({"format_version": "1.2", "resource_changes": [
            entry("runhub_variable_set.org", ["update"], scope, {**scope, "global": True}), *members]}))
        return "high" if high(findings_for(path)) else "safe"
    assert review() == "high"
    region = {"key": "CLOUD_REGION", "value": "eu-west-1", "sensitive": False, "variable_set_id": "vs-1"}
    assert review(entry("runhub_variable.region", ["create"], None, region)) == "safe"
