"""Signals and stores (session 19's third batch of principles), each risky plan beside a look-alike that stays
likely safe: records sent to a null sink, rotation slots handed to nobody, bounded mute windows, access policies
whose require rules narrow an include of everyone, retention policies read on current objects, slow logs,
time-boxed grants, delivery streams re-made first, drift the plan keeps leaf by leaf, look-alike image owners, and
secrets named by their location."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pipeline.test_rules_sources_scopes_and_signals import RISKY, SAFE, entry, judged


@pytest.mark.parametrize(("route", "label"), [
    ("kube-audit", RISKY),  # the audit stream reaches no one
    ("app-debug", SAFE),  # debug lines dropped on purpose (medium)
])
def test_a_log_route_sent_to_a_null_sink(tmp_path: Any, route: str, label: Any) -> None:
    def side(destination: str) -> dict[str, Any]:
        return {"name": route, "destination_id": destination, "final": True}
    change = entry(f'logrouter_route.this["{route}"]', ["update"], side("dst_splunk_siem"), side("dst_null"))
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("participant", "label"), [
    ({"type": "none", "id": ""}, RISKY),  # that week pages no one
    ({"type": "user", "id": "new-hire"}, SAFE),  # a person replaced by a person
])
def test_a_rotation_slot_handed_to_nobody(tmp_path: Any, participant: dict[str, str], label: Any) -> None:
    def side(second: dict[str, str]) -> dict[str, Any]:
        return {"name": "sre-primary", "type": "weekly", "participant": [{"type": "user", "id": "a"}, second]}
    change = entry("opsgenie_schedule_rotation.sre", ["update"], side({"type": "user", "id": "leaver"}),
                   side(participant))
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("interval", "label"), [
    ({"times": [], "weekdays": [], "days_of_month": [], "months": [], "years": []}, RISKY),  # matches all the time
    ({"times": [{"start": "23:00", "end": "24:00"}], "weekdays": ["saturday"]}, SAFE),  # an hour a week
])
def test_a_mute_timing_judged_by_its_intervals(tmp_path: Any, interval: dict[str, Any], label: Any) -> None:
    old = {"name": "weekly-maintenance", "intervals": [{"times": [{"start": "02:00", "end": "04:00"}],
                                                        "weekdays": ["sunday"]}]}
    change = entry("grafana_mute_timing.weekly", ["update"], old, {**old, "intervals": [interval]})
    assert judged(tmp_path, change)[0] is label


def access(require: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": "grafana", "decision": "allow", "include": [{"everyone": True}], "require": require}


@pytest.mark.parametrize(("require", "label"), [
    ([], RISKY),  # everyone who completes any login
    ([{"login_method": ["google-id"]}], RISKY),  # how they sign in, not who: any Google account
    ([{"email_domain": ["acme.io"]}, {"login_method": ["okta-id"]}], SAFE),  # require narrows include
])
def test_an_include_of_everyone_read_with_its_require_rules(tmp_path: Any, require: list[dict[str, Any]],
                                                           label: Any) -> None:
    before = {"name": "grafana", "decision": "allow", "include": [{"email_domain": ["acme.io"]}], "require": []}
    change = entry("cloudflare_access_policy.grafana", ["update"], before, access(require))
    assert judged(tmp_path, change)[0] is label


def lifecycle(current_days: int, versions_days: int) -> dict[str, Any]:
    return {"bucket": "acme-alb-logs", "rule": [
        {"id": "abort-mpu", "status": "Enabled", "filter": [{"prefix": ""}],
         "abort_incomplete_multipart_upload": [{"days_after_initiation": 7}]},
        {"id": "tiering", "status": "Enabled", "filter": [{"prefix": ""}],
         "transition": [{"days": 30, "storage_class": "GLACIER_IR"}], "expiration": [{"days": current_days}],
         "noncurrent_version_expiration": [{"noncurrent_days": versions_days}]}]}


@pytest.mark.parametrize(("current_days", "versions_days", "label"), [
    (7, 1, RISKY),  # a week of logs kept
    (400, 30, SAFE),  # a year and more of logs, old versions a month
])
def test_a_whole_bucket_expiry_read_on_its_current_objects(tmp_path: Any, current_days: int, versions_days: int,
                                                           label: Any) -> None:
    before = {"bucket": "acme-alb-logs", "rule": [lifecycle(400, 30)["rule"][0]]}
    change = entry("aws_s3_bucket_lifecycle_configuration.alb_logs", ["update"], before,
                   lifecycle(current_days, versions_days))
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("log_type", "label"), [
    ("AUDIT_LOGS", RISKY),  # who read what is no longer recorded
    ("INDEX_SLOW_LOGS", SAFE),  # a performance log, tuning
])
def test_a_log_switch_read_by_the_kind_of_log(tmp_path: Any, log_type: str, label: Any) -> None:
    def side(enabled: bool) -> dict[str, Any]:
        return {"domain_name": "customer-search", "log_publishing_options": [
            {"log_type": log_type, "enabled": enabled, "cloudwatch_log_group_arn": "arn:aws:logs:::log-group:x"}]}
    change = entry("aws_opensearch_domain.search", ["update"], side(True), side(False))
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("condition", "label"), [
    ([], RISKY),  # logging admin for good
    ([{"title": "incident-4411", "expression": 'request.time < timestamp("2026-05-15T06:00:00Z")'}], SAFE),
    ([{"title": "temporary", "expression": 'request.time < timestamp("2099-01-01T00:00:00Z")'}], RISKY),  # no end
])
def test_a_privileged_grant_that_ends_on_its_own(tmp_path: Any, condition: list[dict[str, str]], label: Any) -> None:
    grant = {"project": "acme-prod", "role": "roles/logging.admin", "member": "group:incident-commanders@acme.io",
             "condition": condition}
    change = entry("google_project_iam_member.breakglass", ["create"], None, grant, after_unknown={"id": True})
    assert judged(tmp_path, change, timestamp="2026-05-14T22:00:00Z")[0] is label


@pytest.mark.parametrize(("actions", "label"), [
    (["delete", "create"], RISKY),  # delivery stops and the buffer goes
    (["create", "delete"], SAFE),  # the new stream delivers before the old one goes
])
def test_a_delivery_stream_re_made(tmp_path: Any, actions: list[str], label: Any) -> None:
    change = entry("aws_kinesis_firehose_delivery_stream.siem", actions, {"name": "cwl-to-splunk"},
                   {"name": "cwl-to-siem"}, replace_paths=[["name"]])
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("image", "label"), [
    ("ghcr.io/cloudnative-pq/postgresql:16.4-7", RISKY),  # a look-alike owner on the same registry
    ("ghcr.io/cloudnative-pg/postgresql:16.5-1", SAFE),  # the same owner's next release
])
def test_an_image_owner_that_only_looks_like_the_old_one(tmp_path: Any, image: str, label: Any) -> None:
    def side(ref: str) -> dict[str, Any]:
        return {"metadata": [{"name": "inventory-pg"}],
                "spec": [{"template": [{"spec": [{"container": [{"name": "pg", "image": ref}]}]}]}]}
    change = entry("kubernetes_stateful_set_v1.inventory_pg", ["update"],
                   side("ghcr.io/cloudnative-pg/postgresql:16.4-7"), side(image))
    assert judged(tmp_path, change)[0] is label


def test_a_secret_engine_handle_is_no_password(tmp_path: Any) -> None:
    """Datadog's secret backend handle (`ENC[k8s_secret@…]`) names where the password is kept."""
    values = "instances:\n  - host: pg.internal\n    password: ENC[k8s_secret@datadog/pg-dbm/password]\n"
    change = entry("helm_release.datadog", ["update"], {"name": "datadog", "values": ["{}"]},
                   {"name": "datadog", "values": [values]})
    assert judged(tmp_path, change)[0] is SAFE
