"""Reach: a destination (webhook, push endpoint, sink, log server, copy target, alert mailbox) newly pointing
outside the organisation, judged by what the rest of the plan shows as its own; each with a benign look-alike.
Providers are invented, so only what attributes mean can decide."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity

RULE = "egress-outside"


def entry(address: str, after: Any, before: Any = None) -> dict[str, Any]:
    """One resource_changes entry of `terraform show -json` (an invented provider)."""
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.example.com/acme/acme",
            "change": {"actions": ["create"] if before is None else ["update"], "before": before, "after": after,
                       "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}}


def judge(tmp_path: Path, changes: list[dict[str, Any]]) -> tuple[Severity | None, str]:
    result = review_rules_alone(tmp_path, changes)
    return worst_by_rule(result).get(RULE), result.label.value


def _relay(url: str) -> list[dict[str, Any]]:
    before = {"name": "crm", "delivery_url": "https://hooks.northwind.io/crm", "events": ["order.created"]}
    return [entry("relayco_subscription.crm", {**before, "delivery_url": url}, before=before)]


def test_destination_moved_to_a_foreign_domain_is_high(tmp_path: Path) -> None:
    assert judge(tmp_path, _relay("https://in.parcelsync-partners.net/crm")) == (Severity.HIGH, "needs_close_review")


def test_destination_moved_within_the_same_domain_is_quiet(tmp_path: Path) -> None:
    assert judge(tmp_path, _relay("https://events.northwind.io/crm")) == (None, "likely_safe")


def test_plain_http_to_a_public_host_is_high(tmp_path: Path) -> None:
    assert judge(tmp_path, _relay("http://hooks.northwind.io/crm"))[0] == Severity.HIGH


def test_plain_http_to_an_internal_name_is_quiet(tmp_path: Path) -> None:
    assert judge(tmp_path, _relay("http://crm-relay.northwind.internal:8080/in")) == (None, "likely_safe")


def _fanout(endpoint: str) -> list[dict[str, Any]]:
    return [entry("busco_topic_subscription.admissions_out",
                  {"topic_ref": "arn:aws:sns:eu-west-1:210987654321:admissions", "protocol": "https",
                   "endpoint": endpoint})]


def test_new_subscription_carrying_the_plans_own_topic_elsewhere_is_high(tmp_path: Path) -> None:
    assert judge(tmp_path, _fanout("https://api.feedbridge-connect.com/v2/in")) == (Severity.HIGH,
                                                                                    "needs_close_review")


def test_new_subscription_to_a_paging_vendor_is_quiet(tmp_path: Path) -> None:
    assert judge(tmp_path, _fanout("https://events.pagerduty.com/integration/abc/enqueue")) == (None, "likely_safe")


def test_new_email_subscription_of_the_plans_topic_to_a_company_mailbox_is_not_high(tmp_path: Path) -> None:
    subscription = _fanout("oncall@northwind.io")
    subscription[0]["change"]["after"]["protocol"] = "email"
    assert judge(tmp_path, subscription)[1] == "likely_safe"


def _org_hook(url: str, events: list[str], extra: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return [entry("forgeco_org_webhook.mirror", {"configuration": [{"url": url, "insecure_ssl": False}],
                                                 "events": events, **(extra or {})})]


def test_new_webhook_for_every_event_to_an_unknown_domain_is_high(tmp_path: Path) -> None:
    assert judge(tmp_path, _org_hook("https://relay.hookpost.net/e/1", ["*"]))[0] == Severity.HIGH


def test_new_webhook_for_named_events_to_an_unknown_domain_is_only_low(tmp_path: Path) -> None:
    assert judge(tmp_path, _org_hook("https://ci.northwind.io/hook", ["push"])) == (Severity.LOW, "likely_safe")


def test_new_webhook_to_a_domain_named_like_the_plans_organisation_is_quiet(tmp_path: Path) -> None:
    hook = _org_hook("https://ci.northwind.io/hook", ["*"], {"organization": "northwind-platform"})
    assert judge(tmp_path, hook) == (None, "likely_safe")


def test_new_webhook_that_skips_tls_checks_to_an_unknown_domain_is_high(tmp_path: Path) -> None:
    hook = [entry("forgeco_org_webhook.mirror", {"configuration": [{"url": "https://relay.hookpost.net/e/1",
                                                                    "insecure_ssl": True}], "events": ["push"]})]
    assert judge(tmp_path, hook)[0] == Severity.HIGH


def _contact(address: str) -> list[dict[str, Any]]:
    before = {"name": "sec-oncall", "email": [{"addresses": ["secops@northwind.io"]}]}
    return [entry("dashco_contact_point.sec", {**before, "email": [{"addresses": [address]}]}, before=before)]


def test_alerts_to_a_personal_mailbox_are_high(tmp_path: Path) -> None:
    assert judge(tmp_path, _contact("secops.backup@gmail.com"))[0] == Severity.HIGH


def test_alerts_to_another_mailbox_of_the_same_domain_are_quiet(tmp_path: Path) -> None:
    assert judge(tmp_path, _contact("secops-leads@northwind.io")) == (None, "likely_safe")


def _integration(prefixes: list[str]) -> list[dict[str, Any]]:
    before = {"name": "ext", "api_allowed_prefixes": ["https://gw.northwind.io/prod/"]}
    return [entry("warehouseco_api_integration.ext", {**before, "api_allowed_prefixes": prefixes}, before=before)]


@pytest.mark.parametrize("prefix", ["https://", "*", "https://*"])
def test_an_allow_list_that_allows_any_host_is_high(tmp_path: Path, prefix: str) -> None:
    assert judge(tmp_path, _integration([prefix]))[0] == Severity.HIGH


def test_an_allow_list_gaining_a_path_of_the_same_host_is_quiet(tmp_path: Path) -> None:
    prefixes = ["https://gw.northwind.io/prod/", "https://gw.northwind.io/staging/"]
    assert judge(tmp_path, _integration(prefixes)) == (None, "likely_safe")


def _replication(account: str) -> list[dict[str, Any]]:
    rule = {"id": "dr", "destination": [{"bucket": "dr-docs", "account": "444455556666"}]}
    before = {"bucket": "docs", "role": "arn:aws:iam::111122223333:role/replicate", "rule": [rule]}
    added = {"id": "more", "destination": [{"bucket": "copy-docs", "account": account}]}
    return [entry("storeco_replication.docs", {**before, "rule": [rule, added]}, before=before)]


def test_replication_to_an_account_the_plan_never_shows_is_high(tmp_path: Path) -> None:
    assert judge(tmp_path, _replication("908172635401")) == (Severity.HIGH, "needs_close_review")


def test_replication_to_the_accounts_the_plan_already_uses_is_quiet(tmp_path: Path) -> None:
    assert judge(tmp_path, _replication("444455556666")) == (None, "likely_safe")


def _sink(destination: str) -> list[dict[str, Any]]:
    before = {"name": "audit", "destination": "logging.googleapis.com/projects/nw-audit-prod/locations/global"}
    dataset = entry("cloudco_dataset.audit", {"project": "nw-logs-302", "name": "audit"})
    return [entry("cloudco_log_sink.audit", {**before, "destination": destination}, before=before), dataset]


def test_log_sink_moved_to_a_project_the_plan_never_shows_is_high(tmp_path: Path) -> None:
    sink = _sink("bigquery.googleapis.com/projects/analytics-sandbox-7781/datasets/audit")
    assert judge(tmp_path, sink)[0] == Severity.HIGH


def test_log_sink_moved_to_another_project_of_the_plan_is_quiet(tmp_path: Path) -> None:
    sink = _sink("bigquery.googleapis.com/projects/nw-logs-302/datasets/audit")
    assert judge(tmp_path, sink) == (None, "likely_safe")


def _workflow(step: dict[str, Any]) -> list[dict[str, Any]]:
    first = {"Type": "Task", "Parameters": {"FunctionName": "arn:aws:lambda:eu-west-1:111122223333:function:f"}}
    before = {"name": "kyc", "definition": json.dumps({"States": {"A": first}})}
    after = {"name": "kyc", "definition": json.dumps({"States": {"A": first, "B": step}})}
    return [entry("flowco_state_machine.kyc", after, before=before)]


def test_a_workflow_step_posting_to_a_foreign_host_is_high(tmp_path: Path) -> None:
    step = {"Type": "Task", "Parameters": {"ApiEndpoint": "https://hooks.relaypipe.net/e/1", "RequestBody.$": "$"}}
    assert judge(tmp_path, _workflow(step))[0] == Severity.HIGH


def test_a_workflow_step_sending_to_a_platform_queue_is_quiet(tmp_path: Path) -> None:
    step = {"Type": "Task", "Parameters": {"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/111122223333/failed"}}
    assert judge(tmp_path, _workflow(step)) == (None, "likely_safe")


def test_a_source_that_pulls_from_a_url_is_not_a_destination(tmp_path: Path) -> None:
    before = {"kind": "GitRepository", "spec": {"url": "https://git.northwind.io/platform"}}
    after = {"kind": "GitRepository", "spec": {"url": "https://gitlab.com/someone/platform"}}
    assert judge(tmp_path, [entry("kubeco_manifest.source", after, before=before)])[0] is None


def test_a_name_under_no_public_suffix_is_internal(tmp_path: Path) -> None:
    project = {"name": "team", "destinations": [{"server": "https://kubernetes.default.svc"}]}
    assert judge(tmp_path, [entry("kubeco_app_project.team", project)]) == (None, "likely_safe")


def _scaling_group(target: str) -> list[dict[str, Any]]:
    """A new group whose launch hook notifies a queue; its role lives in the plan's own account."""
    return [entry("computeco_scaling_group.web",
                  {"name": "web", "role_arn": "arn:aws:iam::123456789012:role/hooks",
                   "launch_hook": [{"name": "warm", "notification_target_arn": target}]})]


def test_a_new_notice_to_another_accounts_queue_is_medium(tmp_path: Path) -> None:
    found = judge(tmp_path, _scaling_group("arn:aws:sqs:us-east-1:444455556666:hooks"))
    assert found == (Severity.MEDIUM, "likely_safe")


def test_a_new_copy_of_data_to_another_account_stays_high(tmp_path: Path) -> None:
    changes = [entry("storeco_bucket_replication.archive",
                     {"bucket": "arn:aws:s3:::acme-archive", "role": "arn:aws:iam::123456789012:role/replicate",
                      "rule": [{"destination": [{"bucket": "arn:aws:s3:::drop-zone", "account": "444455556666"}]}]})]
    assert judge(tmp_path, changes)[0] == Severity.HIGH


def _mail_route(expression: str, url: str) -> list[dict[str, Any]]:
    domain = entry("mailco_domain.main", {"name": "mail.acme.io"})
    return [domain, entry("mailco_route.inbox", {"expression": expression, "actions": [f'forward("{url}")', "stop()"]})]


def test_a_catch_all_mail_route_forwarding_outside_is_high(tmp_path: Path) -> None:
    assert judge(tmp_path, _mail_route("catch_all()", "https://relay.parse-tools.example.com/h/1"))[0] \
        is Severity.HIGH


@pytest.mark.parametrize(("expression", "url"), [
    ("catch_all()", "https://helpdesk.acme.io/inbound"),  # our own helpdesk
    ('match_recipient("billing@mail.acme.io")', "https://relay.parse-tools.example.com/h/1"),  # one mailbox: low
])
def test_a_mail_route_to_our_own_host_or_for_one_mailbox_is_not_high(tmp_path: Path, expression: str,
                                                                     url: str) -> None:
    assert judge(tmp_path, _mail_route(expression, url))[0] is not Severity.HIGH


def _stream_destination(kind: str, url: str, **extra: Any) -> list[dict[str, Any]]:
    source = entry("pipeco_source.web", {"name": "Web (prod)", "homepage": "https://shop.acme.io"})
    settings = json.dumps({"hooks": [{"hook": url, "headers": []}], "sharedSecret": ""})
    return [source, entry(f"{kind}.growth", {"source_id": "src1", "enabled": True, "settings": settings, **extra})]


def test_a_new_stream_destination_without_a_filter_to_an_outside_host_is_high(tmp_path: Path) -> None:
    plan = _stream_destination("pipeco_destination", "https://collect.growth-vendor.example.net/x")
    assert judge(tmp_path, plan)[0] is Severity.HIGH


@pytest.mark.parametrize(("kind", "url", "extra"), [
    ("pipeco_destination", "https://hooks.acme.io/events", {}),  # our own receiver
    ("pipeco_destination", "https://collect.growth-vendor.example.net/x", {"filter": "type = 'track'"}),  # selected
    ("pipeco_notification_destination", "https://collect.growth-vendor.example.net/x", {}),  # alerts, not a stream
])
def test_an_own_filtered_or_notification_destination_is_not_high(tmp_path: Path, kind: str, url: str,
                                                                 extra: dict[str, Any]) -> None:
    assert judge(tmp_path, _stream_destination(kind, url, **extra))[0] is not Severity.HIGH


def _hook(url: str, insecure: bool) -> list[dict[str, Any]]:
    return [entry("gitco_repository_webhook.mirror", {"repository": "infra-live", "events": ["push"],
                                                      "configuration": [{"url": url, "insecure_ssl": insecure}]})]


@pytest.mark.parametrize("url", ["https://198.51.100.201:9000/hook", "https://203.0.113.7/hook",
                                 "https://93.184.216.34/hook"], ids=["doc-net-2", "doc-net-3", "global"])
def test_unverified_webhook_to_a_raw_address_outside_is_high(tmp_path: Path, url: str) -> None:
    assert judge(tmp_path, _hook(url, True)) == (Severity.HIGH, "needs_close_review")


@pytest.mark.parametrize("url", ["https://10.20.0.5:9000/hook", "https://100.64.3.2/hook", "https://[fd00::5]/hook"],
                         ids=["rfc1918", "cgnat", "ula"])
def test_unverified_webhook_to_a_private_address_is_quiet(tmp_path: Path, url: str) -> None:
    assert judge(tmp_path, _hook(url, True))[0] is None


def _admission(client: dict[str, Any], kind: str = "MutatingWebhookConfiguration") -> list[dict[str, Any]]:
    manifest = {"apiVersion": "admissionregistration.k8s.io/v1", "kind": kind, "metadata": {"name": "injector"},
                "webhooks": [{"name": "inject.example", "failurePolicy": "Ignore", "clientConfig": client,
                              "rules": [{"operations": ["CREATE"], "resources": ["pods"], "scope": "*"}]}]}
    return [entry("kubernetes_manifest.injector", {"manifest": manifest})]


@pytest.mark.parametrize("kind", ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"])
def test_admission_webhook_calling_a_host_outside_is_high(tmp_path: Path, kind: str) -> None:
    assert judge(tmp_path, _admission({"url": "https://203.0.113.45:8443/mutate"}, kind))[0] == Severity.HIGH


def test_admission_webhook_calling_a_service_in_the_cluster_is_quiet(tmp_path: Path) -> None:
    client = {"service": {"name": "injector", "namespace": "mesh-system", "path": "/mutate", "port": 443}}
    assert judge(tmp_path, _admission(client)) == (None, "likely_safe")
