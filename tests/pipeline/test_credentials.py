"""Credentials in unmarked values: found in every shape, masked, located, and never mistaken for ids."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from tests.helpers import ROOT
from tfreview.pipeline.changes import normalize
from tfreview.pipeline.credential_mask import CredentialHit
from tfreview.pipeline.credentials import matching, probe
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.mask import MASK, mask_document, mask_text
from tfreview.pipeline.plan import parse_plan
from tfreview.pipeline.risk import evaluate

PEM = ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx4fQ0S0mJ4gA9cQ2xvb3BlbnNzaC1rZXktdjEAAAAABG5v\n"
       "bmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END RSA PRIVATE KEY-----")
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6ImNpIn0."
       "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")

# (kind, attribute value, the credential inside it)
POSITIVE = {
    "aws-access-key": ("aws-access-key", "#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAZ7Q3X5M2N8P4R6T1\n",
                       "AKIAZ7Q3X5M2N8P4R6T1"),
    "aws-session-key": ("aws-access-key", "key ASIAQ3X5M2N8P4R6T1Z7 for the session", "ASIAQ3X5M2N8P4R6T1Z7"),
    "aws-secret": ("aws-secret-key", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz1234ABCD",
                   "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz1234ABCD"),
    "private-key": ("private-key", f"bootstrap key:\n{PEM}\nend", "MIIEowIBAAKCAQEAx4fQ0S0mJ4gA9cQ2xvb3"),
    "github-classic": ("github-token", "GH=ghp_Z7Q3X5M2N8P4R6T1aBcDeFgHiJkLmNoPqRsT", "ghp_Z7Q3X5M2N8P4R6T1aBcD"),
    "github-fine-grained": ("github-token", "github_pat_11ABCDEFG0123456789_abcdefghijKLMNOPqrstuvwxyz0123",
                            "github_pat_11ABCDEFG0123456789"),
    "gitlab": ("gitlab-token", "git clone https://oauth2@gitlab.example/x.git # glpat-Z7Q3X5M2N8P4R6T1aBcD",
               "glpat-Z7Q3X5M2N8P4R6T1aBcD"),
    "slack-bot": ("slack-token", "SLACK=xoxb-123456789012-abcdefghijKLMN", "xoxb-123456789012-abcdefghijKLMN"),
    "slack-webhook": ("slack-webhook", "https://hooks.slack.com/services/T0123ABCD/B0456EFGH/AbCdEfGhIjKlMnOpQrStUvWx",
                      "AbCdEfGhIjKlMnOpQrStUvWx"),
    "jwt": ("jwt", f"Authorization: Bearer {JWT}", JWT),
    "connection-string": ("url-password", "mysql://admin:S3cretPw99@db.internal:3306/app", "S3cretPw99"),
    "shell-assignment": ("password", "export DB_PASSWORD=hunter2hunter; ./run", "hunter2hunter"),
    "yaml-assignment": ("password", "db:\n  password: hunter2hunter\n", "hunter2hunter"),
    "quoted-assignment": ("password", 'password = "hunter2hunter"', "hunter2hunter"),
    "value-on-next-line": ("password", "password:\n  hunter2hunter", "hunter2hunter"),
    "api-key": ("api-key", "curl -H 'x' --data api_key=Zk39xQ0pLm2n", "Zk39xQ0pLm2n"),
    "embedded-json": ("password", orjson.dumps([{"name": "app", "environment": [
        {"name": "DB_PASSWORD", "value": "hunter2hunter"}]}]).decode(), "hunter2hunter"),
    "flag-then-value": ("argument", "/app/migrate --db-password Hx7pQ2mZ9 --verbose", "Hx7pQ2mZ9"),
    "flag-equals": ("token", "exec agent --token=Hx7pQ2mZ9tok", "Hx7pQ2mZ9tok"),
    "mysql-attached": ("argument", "mysqldump -h db -u root -pHx7pQ2mZ9 app > dump.sql", "Hx7pQ2mZ9"),
    "redis-cli": ("argument", "redis-cli -h cache -a Hx7pQ2mZ9 ping", "Hx7pQ2mZ9"),
    "sshpass": ("argument", "sshpass -p Hx7pQ2mZ9 ssh deploy@host", "Hx7pQ2mZ9"),
    "stripe-live": ("stripe-key", "STRIPE=sk_live_51HxQ2mZ9aBcDeFgHiJkLmNo", "sk_live_51HxQ2mZ9aBcDeFgHiJkLmNo"),
    "stripe-restricted": ("stripe-key", "key rk_live_51HxQ2mZ9aBcDeFgHiJkLmNo here",
                          "rk_live_51HxQ2mZ9aBcDeFgHiJkLmNo"),
    "slack-user": ("slack-token", "xoxp-123456789012-123456789012-abcdefABCDEF", "xoxp-123456789012-1234567"),
    "gcp-service-account-json": ("private-key", orjson.dumps({
        "type": "service_account", "project_id": "p", "private_key_id": "0a1b2c",
        "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
        "client_email": "ci@p.iam.gserviceaccount.com"}).decode(), "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"),
    "gcp-service-account-base64": ("gcp-service-account-key",
                                   "creds: ewogICJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCIsCiAgInByb2plY3RfaWQiOiAicCIK",
                                   "ewogICJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCIsCiAgInByb2plY3RfaWQiOiAicCIK"),
    "azure-connection-string": ("azure-storage-key", "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey="
                                "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
                                "EndpointSuffix=core.windows.net", "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzF"),
    "service-bus": ("azure-storage-key", "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=root;"
                    "SharedAccessKey=Hx7pQ2mZ9aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456=", "Hx7pQ2mZ9aBcDeFgHiJkLmNo"),
}
NEGATIVE = [
    "ami-0c7217cdde317cfec", "arn:aws:iam::123456789012:role/deploy", "AROA4XKQ2M7RZEXAMPLE9",
    "ANPA4XKQ2M7RZ3EXAMPLE", "sha256:6d3f3b0a7e1c1ce94d67d93e7f2a8c6f3a0d5b1e6d3f3b0a7e1c1ce94d67d93e",
    "password = var.db_password", "postgres://app:${DB_PASSWORD}@db/app", "https://deploy@git.example/x.git",
    "ssh://git@github.com/acme/infra.git", "secret_name=prod/db", "token_ttl=3600",
    'private_key = file("~/.ssh/id_rsa")', "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
    "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----", "password: (sensitive)",
    "set the password= in the vault UI", "http://localhost:8080/health", "PWD=/home/app",
    "DB_PASSWORD=DB_PASSWORD", "password: DB_PASSWORD", "export API_TOKEN=$API_TOKEN",
    "docker login --password-stdin -u ci registry", "run --token-file /run/secrets/token", "mysql -p",
    "the --password flag is read from the environment", "mysql --port 3306 -h db app",
    "SecretString=arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf",
]
NEGATIVE_KEYS = {"http_tokens": "required", "password": MASK, "secret": "projects/123/secrets/db",
                 "kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/1c2d3e4f", "password_length": 16,
                 "token": None, "description": "token used by CI, see the wiki", "access_key": "${var.key}"}


def plan(after: dict[str, Any], address: str = "aws_instance.web", rtype: str = "aws_instance") -> dict[str, Any]:
    return {"format_version": "1.2", "resource_changes": [{
        "address": address, "mode": "managed", "type": rtype, "name": address.split(".")[1],
        "change": {"actions": ["update"], "before": {**after, "id": "x"}, "after": after, "after_unknown": {},
                   "before_sensitive": {}, "after_sensitive": {}}}]}


@pytest.mark.parametrize("case", list(POSITIVE))
def test_each_shape_is_found_masked_and_located(case: str) -> None:
    kind, text, credential = POSITIVE[case]
    document = plan({"user_data": text})
    assert probe(orjson.dumps(document)), "the probe must never miss what the walk finds"
    report = mask_document(document)
    assert credential not in orjson.dumps(document).decode()
    assert MASK in document["resource_changes"][0]["change"]["after"]["user_data"]
    assert report.credentials == [CredentialHit(kind, "aws_instance.web", "user_data")]


@pytest.mark.parametrize("text", NEGATIVE)
def test_ids_references_and_placeholders_are_left_alone(text: str) -> None:
    document = plan({"user_data": text})
    before = copy.deepcopy(document)
    report = mask_document(document)
    assert (report.credentials, document) == ([], before)


def test_credentials_under_telling_keys_and_none_under_innocent_ones() -> None:
    document = plan({"environment": [{"variables": {"API_TOKEN": "tok-9f8e7d6c5b4a", "REGION": "eu-west-1"}}],
                     "env": [{"name": "DB_PASSWORD", "value": "hunter2hunter"}], **NEGATIVE_KEYS})
    report = mask_document(document)
    after = document["resource_changes"][0]["change"]["after"]
    assert after["environment"][0]["variables"] == {"API_TOKEN": MASK, "REGION": "eu-west-1"}
    assert after["env"][0] == {"name": "DB_PASSWORD", "value": MASK}
    assert {h.attribute: h.kind for h in report.credentials} == {
        "environment[0].variables.API_TOKEN": "token", "env[0].value": "password"}


def test_places_outside_resources_are_named_and_copies_are_masked_too() -> None:
    document = {
        "format_version": "1.2",
        "variables": {"db_url": {"value": "postgres://app:S3cretPw99@db:5432/app"}, "note": {"value": "S3cretPw99"}},
        "output_changes": {"conn": {"actions": ["create"], "before": None, "after": "mysql://u:Other9pw@h/db",
                                    "after_sensitive": False}},
        "configuration": {"provider_config": {"aws": {"expressions": {
            "access_key": {"constant_value": "AKIAZ7Q3X5M2N8P4R6T1"}}}}, "root_module": {}},
        "resource_changes": [],
    }
    report = mask_document(document)
    text = orjson.dumps(document).decode()
    assert "S3cretPw99" not in text and "Other9pw" not in text and "AKIA" not in text
    assert document["variables"]["note"]["value"] == MASK, "a bare copy of a found credential is masked as well"
    assert [(h.where, h.attribute, h.addressed) for h in report.credentials] == [
        ("var.db_url", "", True), ("output.conn", "", True), ("configuration", "provider_config.aws.access_key", False)]
    assert mask_text("the model saw S3cretPw99", report.secrets) == f"the model saw {MASK}"


def test_the_same_credential_in_plan_values_and_configuration_is_reported_once() -> None:
    document = orjson.loads((ROOT / "fixtures" / "rules" / "credential-in-plan.json").read_bytes())
    report = mask_document(document)
    assert "AKIAZ7Q3X5M2N8P4R6T1" not in orjson.dumps(document).decode()
    assert [h.where for h in report.credentials].count("aws_instance.web") == 1


def rule_messages(document: dict[str, Any]) -> list[str]:
    masking = mask_document(document)
    parsed = parse_plan(document)
    found = evaluate(ReviewInput(plan=parsed, changeset=normalize(parsed), masking=masking))
    return [f.message for f in found if f.rule == "credential-in-plan"]


def test_rule_names_place_and_kind_but_never_the_value() -> None:
    messages = rule_messages(plan({"user_data": POSITIVE["aws-access-key"][1]}))
    assert messages == ["aws_instance.web: user_data contains an AWS access key (masked)"]


def test_an_access_key_id_as_the_id_of_its_own_resource_is_masked_but_not_reported() -> None:
    document = plan({"id": "AKIAZ7Q3X5M2N8P4R6T1", "user": "ci", "status": "Active"}, "aws_iam_access_key.ci",
                    "aws_iam_access_key")
    assert rule_messages(document) == []
    assert document["resource_changes"][0]["change"]["after"]["id"] == MASK


def test_a_copy_written_escaped_inside_json_text_is_masked() -> None:
    secret = "p&ss<w>rd-9"
    policy = '{"Statement":[{"Condition":{"StringEquals":{"x":"p\\u0026ss\\u003cw\\u003erd-9"}}}]}'
    document = {"resource_changes": [
        {"address": "aws_db_instance.main", "change": {"actions": ["update"], "before": {"password": secret},
                                                      "after": {"password": secret}, "before_sensitive":
                                                      {"password": True}, "after_sensitive": {"password": True}}},
        {"address": "aws_iam_policy.p", "change": {"actions": ["update"], "before": None,
                                                  "after": {"policy": policy}, "after_sensitive": {}}}]}
    mask_document(document)
    assert document["resource_changes"][1]["change"]["after"]["policy"] == (
        '{"Statement":[{"Condition":{"StringEquals":{"x":"' + MASK + '"}}}]}')
    assert mask_text("escaped: p\\u0026ss\\u003cw\\u003erd-9", {secret}) == f"escaped: {MASK}"


REFERENCES = {
    "master_user_secret": [{"kms_key_id": "arn:aws:kms:eu-west-1:123456789012:key/1c2d",
                            "secret_arn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1a2b",
                            "secret_status": "active"}],
    "container_definitions": orjson.dumps([{"name": "app", "secrets": [
        {"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/db/password"},
        {"name": "API_TOKEN", "valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api-AbCd"}],
        "environment": [{"name": "DB_PASSWORD", "value": "DB_PASSWORD"}]}]).decode(),
    "password_secret_name": "prod/db/password", "api_token": "API_TOKEN", "db_password": "${var.db_password}",
}


def test_a_reference_to_a_secret_is_not_a_secret() -> None:
    document = plan(dict(REFERENCES))
    before = copy.deepcopy(document)
    report = mask_document(document)
    assert (report.credentials, document) == ([], before)


ARGV = {
    "long-flag": (["/app/migrate", "--db-password", "Hx7pQ2mZ9", "--verbose"], 2),
    "mysql-short": (["mysql", "-u", "root", "-p", "Hx7pQ2mZ9", "app"], 4),
    "mysql-attached": (["/usr/bin/mysql", "-h", "db", "-pHx7pQ2mZ9"], 3),
    "redis": (["redis-cli", "-a", "Hx7pQ2mZ9", "ping"], 2),
    "api-key": (["curl", "--api-key", "Hx7pQ2mZ9", "https://x"], 2),
}


@pytest.mark.parametrize("case", list(ARGV))
def test_a_flag_value_in_an_argument_list_is_masked(case: str) -> None:
    argv, index = ARGV[case]
    document = plan({"container": [{"args": list(argv), "command": ["sh"]}]})
    assert probe(orjson.dumps(document)), "the probe must never miss what the walk finds"
    report = mask_document(document)
    masked = document["resource_changes"][0]["change"]["after"]["container"][0]["args"]
    assert "Hx7pQ2mZ9" not in orjson.dumps(document).decode() and MASK in masked[index]
    assert [m for i, m in enumerate(masked) if i != index] == [a for i, a in enumerate(argv) if i != index]
    assert report.credentials == [CredentialHit("argument", "aws_instance.web", f"container[0].args[{index}]")]


@pytest.mark.parametrize("argv", [["docker", "login", "--password-stdin"], ["-p", "8080:80"], ["ls", "-a", "/tmp"],
                                  ["app", "--secret-file", "/run/s"], ["app", "--token", "$TOKEN"],
                                  ["psql", "-p", "5432", "-h", "db"]])
def test_argument_lists_without_a_credential_are_left_alone(argv: list[str]) -> None:
    document = plan({"args": argv})
    assert mask_document(document).credentials == []
    assert document["resource_changes"][0]["change"]["after"]["args"] == argv


@pytest.mark.parametrize("key", ["pin", "pin_code", "passcode", "recovery_codes", "backup_code", "puk"])
def test_each_pin_key_has_a_probe_and_is_masked(key: str) -> None:
    document = plan({key: "48213579"})
    cased, lowered = matching(orjson.dumps(document))
    assert cased or lowered, "the probe must never miss what the walk finds"
    report = mask_document(document)
    assert "48213579" not in orjson.dumps(document).decode()
    assert [hit.attribute for hit in report.credentials] == [key]


def test_only_the_probes_that_hit_the_document_search_its_parts_and_every_part_is_still_masked() -> None:
    document = plan({"user_data": "export AWS_ACCESS_KEY_ID=AKIAZ7Q3X5M2N8P4R6T1"})
    other = plan({"tags": {"db_password": "Hunter2Hunter2x"}}, "aws_db_instance.main", "aws_db_instance")
    document["resource_changes"] += other["resource_changes"]
    cased, lowered = matching(orjson.dumps(document))
    assert len(cased) == 1 and len(lowered) == 1
    report = mask_document(document)
    text = orjson.dumps(document).decode()
    assert "AKIAZ7Q3X5M2N8P4R6T1" not in text and "Hunter2Hunter2x" not in text
    assert {hit.where for hit in report.credentials} == {"aws_instance.web", "aws_db_instance.main"}


AWS_SECRET_VALUE = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8pL3tQ2a"


@pytest.mark.parametrize(("pair", "attribute", "kind"), [
    ({"repository": "r", "variable_name": "AWS_SECRET_ACCESS_KEY", "value": AWS_SECRET_VALUE}, "value",
     "aws-secret-key"),
    # Terraform sorts attributes: the name may come after the value it names.
    ({"plaintext_value": AWS_SECRET_VALUE, "repository": "r", "secret_name": "AWS_SECRET_ACCESS_KEY"},
     "plaintext_value", "aws-secret-key"),
    ({"env_key": "NPM_TOKEN", "value": "npm_a8f7d6s5a4s3d2f1g0h9"}, "value", "token"),
    ({"category": "env", "key": "DB_PASSWORD", "value": "Zq8pL3tQ2aXy"}, "value", "password"),
    ({"value": "Zq8pL3tQ2aXy", "variableName": "SMTP_PASSWORD"}, "value", "password"),
])
def test_a_value_is_judged_by_the_name_a_sibling_attribute_gives_it(pair: dict[str, str], attribute: str,
                                                                     kind: str) -> None:
    document = plan(pair, "github_actions_variable.x", "github_actions_variable")
    report = mask_document(document)
    assert document["resource_changes"][0]["change"]["after"][attribute] == MASK
    assert [(h.attribute, h.kind) for h in report.credentials] == [(attribute, kind)]


@pytest.mark.parametrize("pair", [
    {"repository": "r", "variable_name": "AWS_REGION", "value": "eu-west-1"},
    {"variable_name": "DEPLOY_TOKEN", "value": "${{ secrets.DEPLOY_TOKEN }}"},
    {"key": "DB_PASSWORD", "value": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"},
    {"name": "GH_TOKEN", "encrypted_value": "c2VjcmV0c2VjcmV0c2VjcmV0"},
])
def test_a_plain_name_a_reference_or_an_encrypted_value_is_left_alone(pair: dict[str, str]) -> None:
    document = plan(pair, "github_actions_variable.x", "github_actions_variable")
    before = copy.deepcopy(document)
    assert (mask_document(document).credentials, document) == ([], before)


@pytest.mark.parametrize(("value", "masked"), [
    ("orders-db/password", False), ("prod/payments/api-key", False), ("Wint3r-2026!", True), ("hunter2hunter", True),
], ids=["store-path", "nested-store-path", "chosen-password", "plain-password"])
def test_a_store_path_under_a_password_key_names_the_secret(value: str, masked: bool) -> None:
    document = plan({"data": {"DATABASE_PASSWORD_SECRET": value, "DATABASE_HOST": "db.internal"}})
    report = mask_document(document)
    assert bool(report.credentials) is masked
    assert (document["resource_changes"][0]["change"]["after"]["data"]["DATABASE_PASSWORD_SECRET"] == MASK) is masked
