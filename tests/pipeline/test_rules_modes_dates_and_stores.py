"""Modes, dates and stores (session 20's first batch of principles), each risky plan beside a look-alike that stays
likely safe: a mechanism's mode made optional, DNSSEC signing turned off, a credential inside a plain store entry,
logs kept a quarter cut to a month, one service's admin role for the project's own deploy account, a preview
environment's logs and settings going with it, and objects past the expiry their own labels give."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pipeline.test_rules_sources_scopes_and_signals import RISKY, SAFE, entry, judged


@pytest.mark.parametrize(("before", "after", "label"), [
    ("jwt", "jwt_optional", RISKY),  # a request without a token goes through as anonymous
    ("mtls", "mtls-permissive", RISKY),
    ("jwt_optional", "jwt", SAFE),  # the qualifier removed: tightened
    ("jwt", "oauth2", SAFE),  # another mechanism, not this reading
])
def test_a_mode_that_keeps_its_mechanism_but_makes_it_optional(tmp_path: Any, before: str, after: str,
                                                                label: Any) -> None:
    def side(mode: str, limit: int) -> dict[str, Any]:
        return {"name": "settlements", "auth": [{"mode": mode, "jwks_cache_seconds": 300}],
                "rate_limit": [{"requests_per_minute": limit}]}
    change = entry("nimbusgate_route.settlements", ["update"], side(before, 600), side(after, 1200))
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("before", "after", "label"), [
    ("SIGNING", "NOT_SIGNING", RISKY),  # the zone's answers unsigned; resolvers reject it while the DS stays
    ("NOT_SIGNING", "SIGNING", SAFE),  # signing turned on
])
def test_dnssec_signing_turned_off(tmp_path: Any, before: str, after: str, label: Any) -> None:
    change = entry("aws_route53_hosted_zone_dnssec.acme_io", ["update"],
                   {"hosted_zone_id": "Z123", "signing_status": before},
                   {"hosted_zone_id": "Z123", "signing_status": after})
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("state", "label"), [("off", RISKY), ("on", SAFE)])
def test_a_managed_zone_dnssec_state(tmp_path: Any, state: str, label: Any) -> None:
    def side(value: str) -> dict[str, Any]:
        return {"name": "acme-io", "dns_name": "acme.io.", "dnssec_config": [{"state": value, "kind": "dns#x"}]}
    change = entry("google_dns_managed_zone.acme", ["update"], side("on"), side(state))
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("value", "kind", "label"), [
    ("postgresql://orders_app:Xq7!mZr4-Lp2vNe9@orders.internal:5432/orders", "String", RISKY),  # password, plain
    ("postgresql://orders_app@orders.internal:5432/orders?sslmode=require", "String", SAFE),  # IAM auth, no secret
])
def test_a_credential_inside_a_plain_store_entry(tmp_path: Any, value: str, kind: str, label: Any) -> None:
    change = entry("aws_ssm_parameter.orders_database_url", ["create"], None,
                   {"name": "/orders/database_url", "type": kind, "value": value, "tier": "Standard"},
                   after_unknown={"arn": True, "id": True, "version": True})
    change["change"]["after_sensitive"] = {"value": True}
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("name", "label"), [
    ("/ecs/orders-worker", SAFE),  # service logs kept a quarter, still kept a month (medium)
    ("/security/audit-events", RISKY),  # a trail of who did what
])
def test_logs_kept_a_quarter_cut_to_a_month(tmp_path: Any, name: str, label: Any) -> None:
    change = entry("aws_cloudwatch_log_group.this", ["update"], {"name": name, "retention_in_days": 90},
                   {"name": name, "retention_in_days": 30})
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("role", "member", "label"), [
    ("roles/run.admin", "serviceAccount:deployer@acme-prod-core.iam.gserviceaccount.com", SAFE),  # medium
    ("roles/run.admin", "serviceAccount:deployer@other-project.iam.gserviceaccount.com", RISKY),  # a stranger
    ("roles/secretmanager.admin", "serviceAccount:deployer@acme-prod-core.iam.gserviceaccount.com", RISKY),
    ("roles/run.admin", "group:contractors@acme.io", RISKY),  # people, not the deploy identity
])
def test_one_services_admin_for_the_projects_own_account(tmp_path: Any, role: str, member: str,
                                                          label: Any) -> None:
    change = entry("google_project_iam_member.deployer", ["create"], None,
                   {"project": "acme-prod-core", "role": role, "member": member, "condition": []},
                   after_unknown={"etag": True, "id": True})
    assert judged(tmp_path, change)[0] is label


def preview(resource: str, values: dict[str, Any], key: str = "pr-1842") -> dict[str, Any]:
    return entry(f'module.preview["{key}"].{resource}', ["delete"], values, None,
                 action_reason="delete_because_each_key")


@pytest.mark.parametrize(("named", "label"), [
    ("storefront-pr-1842", SAFE),  # the gone preview's own logs, settings and scratch bucket
    ("storefront-shared", RISKY),  # not named for it: shared by whatever else uses it
])
def test_a_preview_environments_logs_and_settings_go_with_it(tmp_path: Any, named: str, label: Any) -> None:
    tags = {"Service": "storefront"}
    kept = entry('module.preview["pr-1855"].aws_cloudwatch_log_group.app', ["no-op"],
                 {"name": "storefront-pr-1855-app", "tags": tags}, {"name": "storefront-pr-1855-app", "tags": tags})
    changes = [preview("aws_cloudwatch_log_group.app", {"name": f"{named}-app", "tags": tags}),
               preview("aws_ssm_parameter.db_password", {"name": f"{named}-db_password", "type": "SecureString",
                                                         "tags": tags}),
               preview("aws_s3_bucket.uploads", {"bucket": f"acme-{named}-uploads", "force_destroy": True,
                                                 "tags": tags}),
               kept]
    assert judged(tmp_path, *changes)[0] is label


@pytest.mark.parametrize(("expires", "label"), [
    ("2024-06-30", SAFE),  # past the date its own annotation gives
    ("2031-06-30", RISKY),  # still within its declared life
])
def test_a_namespace_past_its_own_expiry(tmp_path: Any, expires: str, label: Any) -> None:
    namespace = {"metadata": [{"name": "loadtest-2024-06", "labels": {"purpose": "loadtest", "team": "perf"},
                               "annotations": {"acme.io/expires": expires}}]}
    change = entry("kubernetes_namespace_v1.loadtest", ["delete"], namespace, None)
    assert judged(tmp_path, change, timestamp="2024-07-15T09:00:00Z")[0] is label
