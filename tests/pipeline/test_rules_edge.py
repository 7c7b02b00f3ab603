"""The edge by meaning: mail policies weakened, filters skipped for all traffic, origins opened to the world."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def judge(tmp_path: Path, resource_type: str, before: Any, after: Any,
          actions: list[str] | None = None) -> tuple[str, dict[str, Severity]]:
    """Review a one-change plan with rules alone: (label, {rule: worst severity})."""
    actions = actions or ["update"]
    result = review_rules_alone(tmp_path, [{
        "address": f"{resource_type}.x", "mode": "managed", "type": resource_type, "name": "x",
        "provider_name": "registry.terraform.io/acme/acme",
        "change": {"actions": actions, "before": before, "after": after, "after_unknown": {}}}])
    return result.label.value, worst_by_rule(result)


def txt(value: str) -> dict[str, Any]:
    return {"name": "example.org", "type": "TXT", "answers": [f'"{value}"']}


@pytest.mark.parametrize(("before", "after"), [
    ("v=spf1 include:mail.example -all", "v=spf1 include:mail.example +all"),
    ("v=spf1 ip4:192.0.2.1 -all", "v=spf1 ip4:192.0.2.1 ~all"),
    ("v=DMARC1; p=reject; rua=mailto:d@example.org", "v=DMARC1; p=none; rua=mailto:d@example.org"),
], ids=["spf-plus-all", "spf-softfail", "dmarc-none"])
def test_weakened_mail_policy_is_high(tmp_path: Path, before: str, after: str) -> None:
    label, worst = judge(tmp_path, "zonely_dns_record", txt(before), txt(after))
    assert label == "needs_close_review" and worst["mail-policy-weakened"] == Severity.HIGH


@pytest.mark.parametrize(("before", "after"), [
    ("v=spf1 include:mail.example -all", "v=spf1 include:mail.example include:news.example -all"),
    ("v=DMARC1; p=none", "v=DMARC1; p=quarantine; pct=100"),
], ids=["spf-include-added", "dmarc-tightened"])
def test_kept_or_tightened_mail_policy_is_safe(tmp_path: Path, before: str, after: str) -> None:
    label, worst = judge(tmp_path, "zonely_dns_record", txt(before), txt(after))
    assert label == "likely_safe" and "mail-policy-weakened" not in worst


def ruleset(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"name": "edge", "rules": list(rules)}


BLOCK = {"action": "block", "expression": "(http.request.uri.path eq \"/login\")", "enabled": True}


def test_filter_skip_for_all_traffic_is_high(tmp_path: Path) -> None:
    skip = {"action": "skip", "expression": "true", "action_parameters": [{"products": ["waf"]}], "enabled": True}
    label, worst = judge(tmp_path, "shieldco_waf_ruleset", ruleset(BLOCK), ruleset(skip, BLOCK))
    assert label == "needs_close_review" and worst["filter-bypass-all"] == Severity.HIGH


def test_filter_skip_scoped_to_one_path_is_safe(tmp_path: Path) -> None:
    skip = {"action": "skip", "expression": "(http.request.uri.path eq \"/health\")", "enabled": True}
    label, worst = judge(tmp_path, "shieldco_waf_ruleset", ruleset(BLOCK), ruleset(skip, BLOCK))
    assert label == "likely_safe" and "filter-bypass-all" not in worst


def ingress(**source: Any) -> dict[str, Any]:
    return {"security_group_id": "sg-1", "ip_protocol": "tcp", "from_port": 443, "to_port": 443,
            "prefix_list_id": None, "cidr_ipv4": None, **source}


def test_origin_rule_widened_to_the_internet_is_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, "aws_vpc_security_group_ingress_rule", ingress(prefix_list_id="pl-1"),
                         ingress(cidr_ipv4="0.0.0.0/0"), ["delete", "create"])
    assert label == "needs_close_review" and worst["ingress-widened"] == Severity.HIGH


@pytest.mark.parametrize(("before", "after"), [
    (ingress(cidr_ipv4="0.0.0.0/0"), ingress(prefix_list_id="pl-1")),
    (ingress(cidr_ipv4="0.0.0.0/0", description="old"), ingress(cidr_ipv4="0.0.0.0/0", description="web")),
], ids=["narrowed-to-prefix-list", "public-web-stays-public"])
def test_origin_rule_narrowed_or_unchanged_is_safe(tmp_path: Path, before: Any, after: Any) -> None:
    label, worst = judge(tmp_path, "aws_vpc_security_group_ingress_rule", before, after, ["delete", "create"])
    assert label == "likely_safe" and "ingress-widened" not in worst


def ingress_spec(tls: list[dict[str, Any]]) -> dict[str, Any]:
    return {"metadata": [{"name": "shop"}], "spec": [{"tls": tls, "rule": [{"host": "shop.example.org"}]}]}


def test_tls_block_dropped_is_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, "meshco_gateway_route", ingress_spec([{"hosts": ["shop.example.org"]}]),
                         ingress_spec([]))
    assert label == "needs_close_review" and worst["tls-removed"] == Severity.HIGH


def test_tls_block_added_or_changed_is_safe(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, "meshco_gateway_route", ingress_spec([{"hosts": ["a.example.org"]}]),
                         ingress_spec([{"hosts": ["a.example.org", "b.example.org"]}]))
    assert label == "likely_safe" and "tls-removed" not in worst


def dkim(selector: str, action: str) -> dict[str, Any]:
    values = {"name": f"{selector}._domainkey.news.example.org", "type": "CNAME", "records": [f"{selector}.key"]}
    return {"address": f"zonely_dns_record.{selector}", "mode": "managed", "type": "zonely_dns_record",
            "name": selector, "provider_name": "registry.terraform.io/acme/zonely",
            "change": {"actions": [action], "before": values if action == "delete" else None,
                       "after": values if action == "create" else None, "after_unknown": {}}}


def test_every_dkim_key_of_a_domain_deleted_is_high(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, [dkim("s1", "delete"), dkim("s2", "delete")])
    assert result.label.value == "needs_close_review"
    assert worst_by_rule(result)["mail-signing-removed"] == Severity.HIGH


@pytest.mark.parametrize("changes", [
    [dkim("s1", "delete"), dkim("s2", "delete"), dkim("s3", "create")],
    [dkim("old", "delete")],
], ids=["rotated-to-a-new-key", "one-old-selector-cleaned-up"])
def test_dkim_rotation_is_safe(tmp_path: Path, changes: list[dict[str, Any]]) -> None:
    result = review_rules_alone(tmp_path, changes)
    assert result.label.value == "likely_safe" and "mail-signing-removed" not in worst_by_rule(result)


def test_feature_access_level_made_public_is_high(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, "forgeco_project", {"name": "runbooks", "wiki_access_level": "private"},
                         {"name": "runbooks", "wiki_access_level": "public"})
    assert label == "needs_close_review" and worst["public-access"] == Severity.HIGH


def test_feature_access_level_made_private_is_safe(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, "forgeco_project", {"name": "runbooks", "wiki_access_level": "public"},
                         {"name": "runbooks", "wiki_access_level": "private"})
    assert label == "likely_safe" and "public-access" not in worst


def change(address: str, before: Any, after: Any) -> dict[str, Any]:
    action = "create" if before is None else "delete" if after is None else "update"
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": [action], "before": before, "after": after, "after_unknown": {}}}


RECORD = {"name": "docs", "hostname": "docs.example.org", "type": "CNAME", "content": "example.sitehost.io"}
SITE = {"name": "docs", "site": [{"custom_domain": "docs.example.org", "url": "https://example.sitehost.io/docs/"}]}


def test_record_left_pointing_at_a_released_host_is_high(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, [change("forgeco_repo.docs", SITE, {"name": "docs", "site": []}),
                                           change("zonely_dns_record.docs", RECORD, {**RECORD, "ttl": 60})])
    assert result.label.value == "needs_close_review"
    assert worst_by_rule(result)["dns-dangling"] == Severity.HIGH


@pytest.mark.parametrize("record_after", [{**RECORD, "content": "docs.newhost.example"}, {**RECORD, "ttl": 60}],
                         ids=["record-repointed", "site-kept"])
def test_record_repointed_or_host_kept_is_safe(tmp_path: Path, record_after: dict[str, Any]) -> None:
    site_after = SITE if record_after["content"] == RECORD["content"] else {"name": "docs", "site": []}
    result = review_rules_alone(tmp_path, [change("forgeco_repo.docs", SITE, {**site_after, "topics": ["x"]}),
                                           change("zonely_dns_record.docs", RECORD, record_after)])
    assert result.label.value == "likely_safe" and "dns-dangling" not in worst_by_rule(result)


@pytest.mark.parametrize("expression", [
    "(http.request.uri.path eq \"/healthz\") or true",
    "http.request.uri.path eq \"/a\" || 1 == 1",
    "http.request.uri contains \"/\"",
    "starts_with(http.request.uri.path, \"/\")",
    "ip.src in {0.0.0.0/0} and http.host eq http.host",
    "http.user_agent matches \".*\"",
    "(http.user_agent contains \"Mozilla\")",
    "starts_with(http.user_agent, \"Mozilla/5.0\")",
    "any(http.request.headers[\"user-agent\"][*] contains \"AppleWebKit\")",
    "lower(http.user_agent) contains \"mozilla\" or http.request.uri.path eq \"/hc\"",
], ids=["or-true", "or-one-eq-one", "uri-contains-slash", "path-starts-slash", "any-ip-and-tautology", "match-all",
        "ua-contains-mozilla", "ua-starts-mozilla", "header-webkit", "lower-ua-or-path"])
def test_filter_skip_on_an_always_true_expression_is_high(tmp_path: Path, expression: str) -> None:
    skip = {"action": "skip", "expression": expression, "enabled": True}
    label, worst = judge(tmp_path, "shieldco_waf_ruleset", ruleset(BLOCK), ruleset(skip, BLOCK))
    assert label == "needs_close_review" and worst["filter-bypass-all"] == Severity.HIGH


@pytest.mark.parametrize("expression", [
    "(http.request.uri.path eq \"/healthz\" and http.request.method eq \"GET\" and ip.src eq 192.0.2.10)",
    "http.host eq \"a or true\"",
    "http.request.uri.path contains \"/internal/\" or ip.src in {10.0.0.0/8}",
    "true and ip.src eq 192.0.2.10",
    "(http.user_agent contains \"Mozilla\" and ip.src in {203.0.113.0/24})",
], ids=["narrow", "quoted-or-true", "path-or-private-range", "true-and-one-ip", "ua-mozilla-and-one-range"])
def test_filter_skip_on_a_narrow_expression_stays_safe(tmp_path: Path, expression: str) -> None:
    skip = {"action": "skip", "expression": expression, "enabled": True}
    label, worst = judge(tmp_path, "shieldco_waf_ruleset", ruleset(BLOCK), ruleset(skip, BLOCK))
    assert label == "likely_safe" and "filter-bypass-all" not in worst
