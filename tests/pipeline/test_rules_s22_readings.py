"""Readings corrected in session 22 from unseen plans: a cache's TTL is no session lifetime; a permission that only
lets one named role invoke a function hands over no data; a transient store named for CI is a copy; a script a
worker writes into pages is judged by its host and the pages it serves; a cache that starts storing pages with
nothing of the user in its key is held. Each has a twin on the other side."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity


def _behavior(ttl: int) -> dict[str, Any]:
    return {"aliases": ["static.example-shop.com"], "default_cache_behavior": [
        {"target_origin_id": "assets", "viewer_protocol_policy": "redirect-to-https", "min_ttl": 0,
         "default_ttl": 3600, "max_ttl": ttl}]}


def test_a_cache_ttl_raised_is_no_session_lifetime(tmp_path: Path) -> None:
    change = resource("aws_cloudfront_distribution.assets", _behavior(31536000), _behavior(86400))
    assert "auth-weakened" not in judge(tmp_path, [change])


def test_a_token_max_ttl_raised_is_still_a_session_lifetime(tmp_path: Path) -> None:
    role = {"name": "deploy", "token_policies": ["deploy"], "max_ttl": 3600}
    change = resource("vault_jwt_auth_backend_role.deploy", {**role, "max_ttl": 2592000}, role)
    assert judge(tmp_path, [change]).get("auth-weakened") is Severity.HIGH


@pytest.mark.parametrize(("action", "principal", "severity"), [
    ("lambda:InvokeFunctionUrl", "arn:aws:iam::604118273395:role/apigw-relay", Severity.MEDIUM),
    ("lambda:InvokeFunction", "arn:aws:iam::604118273395:root", Severity.HIGH),
    ("lambda:*", "arn:aws:iam::604118273395:role/apigw-relay", Severity.HIGH),
])
def test_invoking_is_no_data_share_only_for_one_named_role(
        tmp_path: Path, action: str, principal: str, severity: Severity) -> None:
    permission = resource("aws_lambda_permission.relay", {"statement_id": "AllowRelay", "action": action,
                                                          "function_name": "relay", "principal": principal})
    assert judge(tmp_path, [permission]).get("foreign-data-share") is severity


@pytest.mark.parametrize(("name", "transient", "severity"), [
    ("PR_4821_DBT_CI", True, Severity.MEDIUM),   # a CI clone, transient by its own switch
    ("ANALYTICS_PROD", True, Severity.HIGH),     # transient, but nothing says disposable
    ("PR_4821_DBT_CI", False, Severity.HIGH),    # named for CI, but a permanent database
])
def test_a_transient_store_named_disposable_is_a_medium_delete(
        tmp_path: Path, name: str, transient: bool, severity: Severity) -> None:
    database = resource("snowflake_database.ci", None, {"name": name, "is_transient": transient,
                                                        "data_retention_time_in_days": 0}, actions=["delete"])
    assert judge(tmp_path, [database]).get("resource-delete") is severity


def _worker(src: str) -> dict[str, Any]:
    code = ("export default { async fetch(req) { const res = await fetch(req); return new HTMLRewriter()"
            f".on('head', {{ element(e) {{ e.append('<script src=\"{src}\" async></script>', {{ html: true }}); }} }})"
            ".transform(res); } };")
    return resource("cloudflare_workers_script.tags", {"name": "tags", "content": code})


ROUTE = resource("cloudflare_workers_route.shop", {"pattern": "shop.example-retail.com/checkout*",
                                                   "script_name": "tags"})


@pytest.mark.parametrize(("src", "route", "severity"), [
    ("https://cdn.metricsflow.io/v2/tag.js", ROUTE, Severity.HIGH),        # a third party's script on checkout pages
    ("https://static.example-retail.com/tag.js", ROUTE, Severity.MEDIUM),  # the site's own domain
    ("https://www.googletagmanager.com/gtm.js?id=GTM-1", ROUTE, None),     # a public code CDN
    ("https://cdn.metricsflow.io/v2/tag.js", resource("cloudflare_workers_route.blog", {   # no payment page shown
        "pattern": "blog.example-retail.com/*", "script_name": "tags"}), Severity.MEDIUM),
])
def test_a_script_written_into_served_pages_is_judged_by_its_host_and_pages(
        tmp_path: Path, src: str, route: dict[str, Any], severity: Severity | None) -> None:
    assert judge(tmp_path, [_worker(src), route]).get("supply-chain-opened") is severity


def _cache_policy(name: str, ttl: int, cookies: list[str], headers: list[str]) -> dict[str, Any]:
    return {"name": name, "default_ttl": ttl, "min_ttl": 0, "max_ttl": 31536000,
            "parameters_in_cache_key_and_forwarded_to_origin": [{
                "cookies_config": [{"cookie_behavior": "whitelist" if cookies else "none",
                                    "cookies": [{"items": cookies}] if cookies else []}],
                "headers_config": [{"header_behavior": "whitelist" if headers else "none",
                                    "headers": [{"items": headers}] if headers else []}]}]}


@pytest.mark.parametrize(("name", "before", "after", "severity"), [
    # per-user pages: the session cookie and Authorization leave the key as caching starts
    ("account-pages", _cache_policy("account-pages", 0, ["app_session"], ["Authorization"]),
     _cache_policy("account-pages", 300, [], []), Severity.HIGH),
    # the user stays in the key
    ("account-pages", _cache_policy("account-pages", 0, ["app_session"], ["Authorization"]),
     _cache_policy("account-pages", 300, ["app_session"], []), None),
    # static files named so: the same bytes for everyone
    ("static-assets", _cache_policy("static-assets", 0, ["app_session"], []),
     _cache_policy("static-assets", 86400, [], []), None),
    # a policy that already cached with no user in its key
    ("catalog", _cache_policy("catalog", 60, [], []), _cache_policy("catalog", 600, [], []), None),
])
def test_a_cache_that_starts_sharing_one_users_page_is_held(
        tmp_path: Path, name: str, before: dict[str, Any], after: dict[str, Any], severity: Severity | None) -> None:
    change = resource(f"aws_cloudfront_cache_policy.{name.replace('-', '_')}", after, before)
    assert judge(tmp_path, [change]).get("public-access") is severity
