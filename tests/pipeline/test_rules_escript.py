"""Risk held inside documents and scripts (boot scripts, JSON in strings, OpenAPI bodies, workflow definitions, edge
programs, job specifications): each principle with two risky shapes of different providers and a benign look-alike
that stays likely safe."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def entry(address: str, before: Any, after: Any, actions: list[str] | None = None) -> dict[str, Any]:
    """One resource change by an invented provider (the address's type is the resource type)."""
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions or (["create"] if before is None else ["update"]), "before": before,
                       "after": after, "after_unknown": {}, "after_sensitive": {}}}


def judged(tmp_path: Path, address: str, before: Any, after: Any,
           actions: list[str] | None = None) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, [entry(address, before, after, actions)])
    return result.label, worst_by_rule(result)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# --- boot scripts: agents removed, the host's own record off, the crypto floor lowered, the engine API opened -------
BOOT = "#cloud-config\npackages:\n  - chrony\nruncmd:\n  - systemctl enable --now chronyd\n"
BOOT_RISKY = {
    "argv-agent-stopped-and-removed": BOOT + "  - [systemctl, disable, --now, auditd]\n"
                                             "  - [apt-get, purge, -y, mdatp]\n",
    "yum-erase-edr": "#!/bin/bash\nyum -y erase falcon-sensor\n",
    "journald-keeps-nothing": "#cloud-config\nwrite_files:\n  - path: /etc/systemd/journald.conf.d/x.conf\n"
                              "    content: |\n      [Journal]\n      Storage=none\n",
    "audit-off-by-auditctl": "#!/bin/sh\nauditctl -e 0\n",
    "k8s-audit-policy-logs-nothing": "#cloud-config\nwrite_files:\n  - path: /etc/k8s/audit.yaml\n    content: |\n"
                                     "      kind: Policy\n      rules:\n        - level: None\n"
                                     "        - level: Metadata\n",
    "crypto-legacy": BOOT + "  - update-crypto-policies --set LEGACY\n",
    "openssl-seclevel-0": "#!/bin/bash\nsed -i 's/^CipherString.*/CipherString = DEFAULT@SECLEVEL=0/' /etc/ssl/x.cnf\n",
    "docker-api-on-tcp": '#!/bin/bash\necho \'{"hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"]}\''
                         " > /etc/docker/daemon.json\n",
    "dockerd-flag": "#!/bin/bash\ndockerd -H tcp://10.0.0.5:2375 &\n",
}
BOOT_BENIGN = {
    "auditd-enabled": BOOT + "  - [systemctl, enable, --now, auditd]\n  - [apt-get, install, -y, auditd]\n",
    "journald-persistent": "#cloud-config\nwrite_files:\n  - path: /etc/systemd/journald.conf.d/x.conf\n"
                           "    content: |\n      [Journal]\n      Storage=persistent\n      SystemMaxUse=2G\n",
    "k8s-audit-policy-skips-noise": "#cloud-config\nwrite_files:\n  - path: /etc/k8s/audit.yaml\n    content: |\n"
                                    "      kind: Policy\n      rules:\n        - level: None\n"
                                    "          users: [\"system:kube-proxy\"]\n        - level: Metadata\n",
    "crypto-default": BOOT + "  - update-crypto-policies --set DEFAULT\n",
    "docker-unix-only": '#!/bin/bash\necho \'{"hosts": ["unix:///var/run/docker.sock"]}\' > /etc/docker/daemon.json\n',
    "docker-tcp-with-tls": "#!/bin/bash\ndockerd --tlsverify --tlscacert=/etc/ca.pem -H tcp://0.0.0.0:2376 &\n",
    "remove-unrelated-package": "#!/bin/bash\napt-get purge -y nano\n",
}


@pytest.mark.parametrize("script", BOOT_RISKY.values(), ids=BOOT_RISKY.keys())
@pytest.mark.parametrize("encode", [False, True], ids=["plain", "base64"])
def test_boot_script_that_blinds_or_opens_the_host_is_high(tmp_path: Path, script: str, encode: bool) -> None:
    label, worst = judged(tmp_path, "nimbus_vm_template.web", {"user_data": b64(BOOT)},
                          {"user_data": b64(script) if encode else script})
    assert worst.get("boot-script-weakens") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


@pytest.mark.parametrize("script", BOOT_BENIGN.values(), ids=BOOT_BENIGN.keys())
def test_boot_script_that_keeps_the_host_watched_stays_safe(tmp_path: Path, script: str) -> None:
    label, worst = judged(tmp_path, "stratus_instance.web", {"custom_data": b64(BOOT)}, {"custom_data": b64(script)})
    assert "boot-script-weakens" not in worst and label is Label.LIKELY_SAFE


# --- TLS verification or encryption turned off by text --------------------------------------------------------------
def containers(env: list[dict[str, str]]) -> str:
    return json.dumps([{"name": "app", "image": "registry.example/app:1.2", "environment": env}])


def test_env_var_that_stops_certificate_checks_is_high(tmp_path: Path) -> None:
    base = [{"name": "NODE_ENV", "value": "production"}]
    label, worst = judged(tmp_path, "nimbus_task.app", {"containers": containers(base)},
                          {"containers": containers([*base, {"name": "NODE_TLS_REJECT_UNAUTHORIZED", "value": "0"}])})
    assert worst.get("tls-downgrade") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_env_map_turning_off_git_ssl_verification_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "stratus_function.sync", {"env": {"LOG_LEVEL": "info"}},
                          {"env": {"LOG_LEVEL": "info", "GIT_SSL_NO_VERIFY": "true"}})
    assert worst.get("tls-downgrade") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


JOB = ('job "w" {\n  template {\n    data = <<EOT\n'
       "DATABASE_URL=postgres://app@db.service.consul:5432/app?sslmode={mode}\nEOT\n  }}\n}\n")


def test_connection_string_without_encryption_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "orbit_job.worker", {"jobspec": JOB.replace("{mode}", "verify-full")},
                          {"jobspec": JOB.replace("{mode}", "disable")})
    assert worst.get("tls-downgrade") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_jdbc_url_without_ssl_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "nimbus_app_settings.api", {"data": {"DB": "jdbc:mysql://db:3306/app?useSSL=true"}},
                          {"data": {"DB": "jdbc:mysql://db:3306/app?useSSL=false"}})
    assert worst.get("tls-downgrade") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_package_index_trusted_without_verification_is_high(tmp_path: Path) -> None:
    step = "pip3 install --index-url {url} -r req.txt"
    label, worst = judged(tmp_path, "nimbus_build_component.tools",
                          {"data": step.format(url="https://pypi.example.internal/simple")},
                          {"data": step.format(url="http://mirror.example.net/simple "
                                                   "--trusted-host mirror.example.net")})
    assert worst.get("tls-downgrade") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


@pytest.mark.parametrize(("before", "after"), [
    (JOB.replace("{mode}", "verify-full"), JOB.replace("{mode}", "verify-full").replace("app?", "app2?")),
    (JOB.replace("{mode}", "disable"), JOB.replace("{mode}", "disable").replace("app?", "app2?")),  # already so
    (containers([]), containers([{"name": "NODE_TLS_REJECT_UNAUTHORIZED", "value": "1"}])),
    (containers([]), containers([{"name": "NODE_OPTIONS", "value": "--max-old-space-size=1536"}])),
], ids=["strict-kept", "already-off", "verification-on", "unrelated-env"])
def test_text_that_keeps_verification_stays_safe(tmp_path: Path, before: str, after: str) -> None:
    label, worst = judged(tmp_path, "orbit_job.worker", {"spec": before}, {"spec": after})
    assert "tls-downgrade" not in worst and label is Label.LIKELY_SAFE


VCL_REDIRECT = [{"name": "force_tls", "type": "recv",
                 "content": 'if (!req.http.Fastly-SSL) {\n  error 801 "Force TLS";\n}'}]
NGINX = "server {\n  listen 80;\n  %s\n}\n"


def test_https_redirect_removed_from_edge_program_is_high(tmp_path: Path) -> None:
    gone = [{"name": "force_tls", "type": "recv",
             "content": 'if (!req.http.Fastly-SSL) {\n  set req.http.X-Proto = "http";\n}'}]
    label, worst = judged(tmp_path, "edgeco_service.login", {"snippet": VCL_REDIRECT}, {"snippet": gone})
    assert worst.get("tls-downgrade") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_https_redirect_removed_from_nginx_config_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "nimbus_config_map.proxy",
                          {"data": {"default.conf": NGINX % "return 301 https://$host$request_uri;"}},
                          {"data": {"default.conf": NGINX % "location / { proxy_pass http://app:8080; }"}})
    assert worst.get("tls-downgrade") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_https_redirect_kept_with_hsts_added_stays_safe(tmp_path: Path) -> None:
    hsts = {"name": "hsts", "type": "deliver",
            "content": 'set resp.http.Strict-Transport-Security = "max-age=31536000";'}
    label, worst = judged(tmp_path, "edgeco_service.login", {"snippet": VCL_REDIRECT},
                          {"snippet": [*VCL_REDIRECT, hsts]})
    assert "tls-downgrade" not in worst and label is Label.LIKELY_SAFE


# --- a replace whose destroy leaves the old object in place ---------------------------------------------------------
def test_replace_that_skips_destroy_is_medium_and_without_it_stays_high(tmp_path: Path) -> None:
    old = {"id": "c-1", "name": "tooling", "version": "1.3.2", "data": "steps: [a]", "skip_destroy": True}
    new = {**old, "version": "1.4.0", "data": "steps: [a, b]"}
    _label, worst = judged(tmp_path, "nimbus_image_component.tools", old, new, ["delete", "create"])
    assert worst.get("resource-replace") is Severity.MEDIUM
    _label, worst = judged(tmp_path, "nimbus_image_component.tools", {**old, "skip_destroy": False},
                           {**new, "skip_destroy": False}, ["delete", "create"])
    assert worst.get("resource-replace") is Severity.HIGH


# --- protective rules written as JSON documents: block → count ------------------------------------------------------
def waf_rules(override: str, extra: dict[str, Any] | None = None) -> str:
    group = {"ManagedRuleGroupStatement": {"Name": "CoreRuleSet", "VendorName": "AWS", **(extra or {})}}
    return json.dumps([{"Name": "Core", "Priority": 10, "OverrideAction": {override: {}}, "Statement": group}])


def test_managed_group_in_json_rules_set_to_count_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "nimbus_web_acl.shop", {"rule_json": waf_rules("None")},
                          {"rule_json": waf_rules("Count")})
    assert worst.get("detection-disabled") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_custom_rule_in_json_rules_set_from_block_to_count_is_high(tmp_path: Path) -> None:
    def rules(action: str) -> str:
        return json.dumps({"Rules": [{"Name": "GeoBlock", "Action": {action: {}},
                                      "Statement": {"GeoMatchStatement": {"CountryCodes": ["KP"]}}}]})
    label, worst = judged(tmp_path, "stratus_firewall_policy.edge", {"rules_document": rules("Block")},
                          {"rules_document": rules("Count")})
    assert worst.get("detection-disabled") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_one_rule_of_a_group_counted_while_the_group_blocks_stays_safe(tmp_path: Path) -> None:
    one = {"RuleActionOverrides": [{"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}]}
    label, worst = judged(tmp_path, "nimbus_web_acl.shop", {"rule_json": waf_rules("None")},
                          {"rule_json": waf_rules("None", one)})
    assert "detection-disabled" not in worst and label is Label.LIKELY_SAFE


# --- OpenAPI operations that opt out of auth ------------------------------------------------------------------------
def openapi(extra_op: dict[str, Any] | None, method: str = "delete", path: str = "/admin/users/{id}") -> str:
    paths: dict[str, Any] = {"/users": {"post": {"security": [{"jwt": []}], "responses": {}}}}
    if extra_op is not None:
        paths[path] = {method: {"responses": {}, **extra_op}}
    return json.dumps({"openapi": "3.0.1", "info": {"title": "a", "version": "1"}, "paths": paths,
                       "components": {"securitySchemes": {"jwt": {"type": "http", "scheme": "bearer"}}}})


def test_openapi_write_operation_with_empty_security_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "nimbus_http_api.accounts", {"body": openapi(None)},
                          {"body": openapi({"security": []})})
    assert worst.get("public-access") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_swagger_yaml_in_base64_with_an_operation_left_unsecured_is_high(tmp_path: Path) -> None:
    doc = ("swagger: '2.0'\ninfo: {title: a, version: '1'}\nsecurityDefinitions:\n  key: {type: apiKey, name: k, "
           "in: header}\npaths:\n  /orders:\n    post:\n      security: [{key: []}]\n%s")
    extra = "  /orders/{id}/refund:\n    put:\n      security: []\n"
    label, worst = judged(tmp_path, "stratus_api_config.orders",
                          {"document": {"contents": b64(doc % "")}}, {"document": {"contents": b64(doc % extra)}})
    assert worst.get("public-access") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_openapi_operation_behind_the_api_authorizer_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "nimbus_http_api.accounts", {"body": openapi(None)},
                          {"body": openapi({"security": [{"jwt": []}]})})
    assert "public-access" not in worst and label is Label.LIKELY_SAFE


def test_openapi_public_status_read_is_only_medium(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "nimbus_http_api.accounts", {"body": openapi(None)},
                          {"body": openapi({"security": []}, "get", "/status")})
    assert worst.get("public-access") is Severity.MEDIUM and label is Label.LIKELY_SAFE


# --- admin granted by a document when it runs -----------------------------------------------------------------------
def machine(step: dict[str, Any]) -> str:
    return json.dumps({"StartAt": "Grant", "States": {"Grant": {"Type": "Task", "End": True, **step}}})


def test_state_machine_step_attaching_admin_is_high(tmp_path: Path) -> None:
    step = {"Resource": "arn:aws:states:::aws-sdk:iam:attachRolePolicy",
            "Parameters": {"RoleName.$": "$.role", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}}
    label, worst = judged(tmp_path, "nimbus_workflow.onboard", {"definition": machine({"Resource": "arn:x:lambda"})},
                          {"definition": machine(step)})
    assert worst.get("iam-privileged-role") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_workflow_yaml_setting_owner_is_high(tmp_path: Path) -> None:
    flow = ("main:\n  steps:\n    - grant:\n        call: googleapis.cloudresourcemanager.v3.projects.setIamPolicy\n"
            "        args:\n          resource: projects/p\n          body:\n            policy:\n"
            "              bindings:\n                - role: %s\n                  members: [\"user:${u}\"]\n")
    label, worst = judged(tmp_path, "stratus_workflow.onboard", {"source_contents": flow % "roles/viewer"},
                          {"source_contents": flow % "roles/owner"})
    assert worst.get("iam-privileged-role") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_template_user_with_admin_managed_policy_is_high(tmp_path: Path) -> None:
    def template(policies: list[str]) -> str:
        return json.dumps({"Resources": {"U": {"Type": "AWS::IAM::User",
                                               "Properties": {"UserName": "sync", "ManagedPolicyArns": policies}}}})
    label, worst = judged(tmp_path, "nimbus_stack.sync",
                          {"template_body": template(["arn:aws:iam::aws:policy/ReadOnlyAccess"])},
                          {"template_body": template(["arn:aws:iam::aws:policy/AdministratorAccess"])})
    assert worst.get("iam-privileged-role") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_step_adding_a_user_to_a_read_only_group_stays_safe(tmp_path: Path) -> None:
    step = {"Resource": "arn:aws:states:::aws-sdk:iam:addUserToGroup", "Comment": "admin edit rights come later",
            "Parameters": {"GroupName": "contractors-readonly", "UserName.$": "$.user"}}
    label, worst = judged(tmp_path, "nimbus_workflow.onboard", {"definition": machine({"Resource": "arn:x:lambda"})},
                          {"definition": machine(step)})
    assert "iam-privileged-role" not in worst and label is Label.LIKELY_SAFE


# --- protection skipped by a header the client writes ---------------------------------------------------------------
def allow_rule(statement: dict[str, Any]) -> dict[str, Any]:
    return {"Name": "AllowProbe", "Priority": 0, "Action": {"Allow": {}}, "Statement": statement,
            "VisibilityConfig": {"MetricName": "AllowProbe"}}


MANAGED = {"Name": "Core", "Priority": 10, "OverrideAction": {"None": {}},
           "Statement": {"ManagedRuleGroupStatement": {"Name": "CoreRuleSet", "VendorName": "AWS"}}}
HEADER_MATCH = {"ByteMatchStatement": {"FieldToMatch": {"SingleHeader": {"Name": "user-agent"}},
                                       "PositionalConstraint": "CONTAINS", "SearchString": "HealthChecker"}}


def test_allow_rule_matching_only_a_header_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "nimbus_web_acl.shop", {"rule_json": json.dumps([MANAGED])},
                          {"rule_json": json.dumps([allow_rule(HEADER_MATCH), MANAGED])})
    assert worst.get("detection-disabled") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_skip_rule_on_user_agent_expression_is_high(tmp_path: Path) -> None:
    rules = [{"action": "block", "expression": "cf.threat_score gt 50", "description": "threats"}]
    skip = {"action": "skip", "expression": 'http.user_agent contains "Pingdom"', "description": "probes"}
    label, worst = judged(tmp_path, "edgeco_ruleset.zone", {"rules": rules}, {"rules": [skip, *rules]})
    assert worst.get("detection-disabled") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_allow_rule_anchored_on_an_address_set_and_a_path_stays_safe(tmp_path: Path) -> None:
    anchored = {"AndStatement": {"Statements": [{"IPSetReferenceStatement": {"ARN": "arn:ipset/probes"}},
                                                {"ByteMatchStatement": {"FieldToMatch": {"UriPath": {}},
                                                                        "SearchString": "/healthz"}}]}}
    label, worst = judged(tmp_path, "nimbus_web_acl.shop", {"rule_json": json.dumps([MANAGED])},
                          {"rule_json": json.dumps([allow_rule(anchored), MANAGED])})
    assert "detection-disabled" not in worst and label is Label.LIKELY_SAFE


def test_allow_rule_on_a_secret_origin_header_stays_safe(tmp_path: Path) -> None:
    secret = {"ByteMatchStatement": {"FieldToMatch": {"SingleHeader": {"Name": "x-origin-verify"}},
                                     "PositionalConstraint": "EXACTLY", "SearchString": "(sensitive)"}}
    label, worst = judged(tmp_path, "nimbus_web_acl.shop", {"rule_json": json.dumps([MANAGED])},
                          {"rule_json": json.dumps([allow_rule(secret), MANAGED])})
    assert "detection-disabled" not in worst and label is Label.LIKELY_SAFE


def test_network_firewall_pass_rule_on_a_packet_header_stays_safe(tmp_path: Path) -> None:
    """A stateful firewall's `header` is the packet's 5-tuple (addresses, ports, protocol), not an HTTP header."""
    def group(rules: list[dict[str, Any]]) -> dict[str, Any]:
        return {"rule_group": [{"rules_source": [{"stateful_rule": rules}]}]}
    packet = {"action": "PASS", "header": [{"source": "10.0.0.0/8", "source_port": "ANY", "destination": "ANY",
                                            "destination_port": "ANY", "protocol": "IP", "direction": "FORWARD"}]}
    label, worst = judged(tmp_path, "nimbus_firewall_rule_group.east_west", group([]), group([packet]))
    assert "detection-disabled" not in worst and label is Label.LIKELY_SAFE


def test_accept_rule_matching_only_a_header_is_high(tmp_path: Path) -> None:
    accept = {"name": "probes", "action": "accept", "headers": [{"name": "x-probe", "value": "yes"}]}
    label, worst = judged(tmp_path, "edgeco_firewall.zone", {"rules": []}, {"rules": [accept]})
    assert worst.get("detection-disabled") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


ACL = 'if (req.url.path ~ "^/admin" && !(client.ip ~ office)%s) {\n  error 403 "Forbidden";\n}\n'
SYNTH = 'sub vcl_recv {\n  if (req.url ~ "^/internal" && client.ip !~ office%s) {\n    return (synth(403));\n  }\n}\n'


@pytest.mark.parametrize("program", [ACL, SYNTH], ids=["fastly-error", "varnish-synth"])
def test_denial_escaped_by_a_client_header_is_high(tmp_path: Path, program: str) -> None:
    label, worst = judged(tmp_path, "edgeco_service.www", {"snippet": [{"content": program % ""}]},
                          {"snippet": [{"content": program % " && !req.http.X-Debug-Bypass"}]})
    assert worst.get("auth-weakened") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_denial_widened_to_more_paths_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "edgeco_service.www", {"snippet": [{"content": ACL % ""}]},
                          {"snippet": [{"content": (ACL % "").replace("^/admin", "^/(admin|internal)")}]})
    assert "auth-weakened" not in worst and label is Label.LIKELY_SAFE


# --- job artifacts fetched over plain HTTP with no checksum ---------------------------------------------------------
ARTIFACT = 'job "a" {\n  task "t" {\n    driver = "raw_exec"\n    artifact {\n      source = "%s"\n%s    }\n  }\n}\n'
SUM = '      options {\n        checksum = "sha256:6b21"\n      }\n'


def test_artifact_over_http_without_checksum_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "orbit_job.agent",
                          {"jobspec": ARTIFACT % ("https://releases.example.com/a.tgz", SUM)},
                          {"jobspec": ARTIFACT % ("http://mirror.example.net/a.tgz", "")})
    assert worst.get("supply-chain-opened") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_json_job_artifact_over_http_without_checksum_is_high(tmp_path: Path) -> None:
    def job(source: str, options: dict[str, str]) -> str:
        return json.dumps({"Job": {"TaskGroups": [{"Tasks": [{"Artifacts": [{"GetterSource": source,
                                                                             "GetterOptions": options}]}]}]}})
    label, worst = judged(tmp_path, "stratus_batch_job.agent",
                          {"job_json": job("https://dl.example.com/a.tgz", {"checksum": "sha256:1"})},
                          {"job_json": job("http://dl.example.com/a.tgz", {})})
    assert worst.get("supply-chain-opened") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


@pytest.mark.parametrize(("source", "options"), [("https://releases.example.com/b.tgz", SUM),
                                                 ("http://releases.example.internal/b.tgz", ""),
                                                 ("http://mirror.example.net/b.tgz", SUM)],
                         ids=["https-checksum", "internal-host", "http-with-checksum"])
def test_artifact_checked_or_internal_stays_safe(tmp_path: Path, source: str, options: str) -> None:
    label, worst = judged(tmp_path, "orbit_job.agent",
                          {"jobspec": ARTIFACT % ("https://releases.example.com/a.tgz", SUM)},
                          {"jobspec": ARTIFACT % (source, options)})
    assert "supply-chain-opened" not in worst and label is Label.LIKELY_SAFE


# --- a severity filter that stops passing the High band -------------------------------------------------------------
def pattern(field: str, op: str, value: float) -> str:
    return json.dumps({"source": ["aws.guardduty"], "detail": {field: [{"numeric": [op, value]}]}})


@pytest.mark.parametrize(("field", "old", "new"), [("severity", (">=", 7), (">", 9)),
                                                    ("severity", (">=", 4), (">=", 9.5)),
                                                    ("Severity.Normalized", (">=", 70), (">=", 90))],
                         ids=["guardduty-high-dropped", "from-medium-to-critical", "normalized-0-100"])
def test_severity_filter_that_drops_high_findings_is_high(tmp_path: Path, field: str, old: tuple[str, float],
                                                          new: tuple[str, float]) -> None:
    label, worst = judged(tmp_path, "aws_cloudwatch_event_rule.findings", {"event_pattern": pattern(field, *old)},
                          {"event_pattern": pattern(field, *new)})
    assert worst.get("detection-disabled") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


@pytest.mark.parametrize(("old", "new"), [((">=", 7), (">=", 4)), ((">=", 4), (">=", 7)), ((">=", 7), (">=", 8))],
                         ids=["widened", "medium-tuned-out", "part-of-high"])
def test_severity_filter_that_keeps_high_findings_stays_safe(tmp_path: Path, old: tuple[str, float],
                                                             new: tuple[str, float]) -> None:
    label, worst = judged(tmp_path, "aws_cloudwatch_event_rule.findings", {"event_pattern": pattern("severity", *old)},
                          {"event_pattern": pattern("severity", *new)})
    assert "detection-disabled" not in worst and label is Label.LIKELY_SAFE


# --- a shared cache storing per-user responses ----------------------------------------------------------------------
def rule_tree(child_behaviors: list[dict[str, Any]], path: str = "/api/account/*") -> str:
    child = {"name": "Child", "behaviors": child_behaviors,
             "criteria": [{"name": "path", "options": {"matchOperator": "MATCHES_ONE_OF", "values": [path]}}]}
    return json.dumps({"rules": {"name": "default", "behaviors": [{"name": "caching",
                                                                    "options": {"behavior": "NO_STORE"}}],
                                 "children": [child]}})


NO_STORE = [{"name": "caching", "options": {"behavior": "NO_STORE"}}]
DAY = [{"name": "caching", "options": {"behavior": "MAX_AGE", "ttl": "1d"}}]


def test_rule_tree_caching_account_api_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "edgeco_property.www", {"rules": rule_tree(NO_STORE)}, {"rules": rule_tree(DAY)})
    assert worst.get("public-access") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_cache_behavior_with_ttl_on_a_user_path_is_high(tmp_path: Path) -> None:
    def behavior(ttl: int) -> dict[str, Any]:
        return {"ordered_cache_behavior": [{"path_pattern": "/me/orders/*", "default_ttl": ttl, "max_ttl": 31536000,
                                            "target_origin_id": "app"}]}
    label, worst = judged(tmp_path, "nimbus_distribution.shop", behavior(0), behavior(3600))
    assert worst.get("public-access") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


@pytest.mark.parametrize("after", [rule_tree(DAY, "/static/*"), rule_tree([*NO_STORE, {"name": "gzip"}]),
                                   rule_tree(DAY, "/users/avatars/*")],
                         ids=["static-cached", "account-kept-no-store", "user-avatars-cached"])
def test_caching_static_paths_or_keeping_no_store_stays_safe(tmp_path: Path, after: str) -> None:
    label, worst = judged(tmp_path, "edgeco_property.www", {"rules": rule_tree(NO_STORE)}, {"rules": after})
    assert "public-access" not in worst and label is Label.LIKELY_SAFE
