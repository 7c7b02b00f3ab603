"""Address ranges judged by how much of the address space they span, and new NS delegations judged by whether the
plan owns the name servers they point at; each with its look-alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pipeline.test_rules_databases import changed
from tests.pipeline.test_rules_deletes_by_what_they_lose import worst
from tfreview.pipeline.findings import Severity

RULE = "azurerm_postgresql_flexible_server_firewall_rule.bi"


# 1.0.0.0-100.0.0.0 is under half of the space, but 99 /8s of public addresses name no party (publicspan.py).
@pytest.mark.parametrize(("start", "end"), [("1.0.0.0", "223.255.255.255"), ("0.0.0.0", "255.255.255.255"),
                                            ("64.0.0.0", "255.255.255.255"), ("1.0.0.0", "100.0.0.0")])
def test_firewall_range_over_most_addresses_is_the_internet(tmp_path: Path, start: str, end: str) -> None:
    rule = changed(RULE, None, {"name": "bi", "start_ip_address": start, "end_ip_address": end})
    assert worst(tmp_path, [rule], "public-database") is Severity.HIGH


@pytest.mark.parametrize(("start", "end"), [("10.0.0.0", "10.0.255.255"), ("203.0.113.0", "203.0.113.255"),
                                            ("52.94.0.0", "52.95.255.255"), ("172.16.0.0", "172.31.255.255")])
def test_firewall_range_of_an_office_or_a_minority_of_addresses_is_not(tmp_path: Path, start: str, end: str) -> None:
    rule = changed(RULE, None, {"name": "bi", "start_ip_address": start, "end_ip_address": end})
    assert worst(tmp_path, [rule], "public-database") is None


def _ns(records: list[str] | None) -> dict[str, object]:
    entry = changed("aws_route53_record.corp_ns", None, {"zone_id": "Z1", "name": "corp.acme.example", "type": "NS",
                                                         "ttl": 300, "records": records})
    if records is None:
        entry["change"]["after_unknown"] = {"records": True}
    return entry


def test_new_delegation_to_name_servers_nothing_in_the_plan_owns_is_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [_ns(["ns1.fastdns-hosting.net.", "ns2.fastdns-hosting.net."])],
                 "dns-delegation") is Severity.HIGH


def test_new_delegation_to_the_plans_own_zone_stays_medium(tmp_path: Path) -> None:
    servers = ["ns-1.awsdns-01.org", "ns-2.awsdns-02.net"]
    zone = changed("aws_route53_zone.corp", None, {"name": "corp.acme.example", "name_servers": servers})
    assert worst(tmp_path, [zone, _ns(servers)], "dns-delegation") is Severity.MEDIUM
    assert worst(tmp_path, [_ns(None)], "dns-delegation") is Severity.MEDIUM


# --- a silencer narrowed by one scope key, bounded in time -----------------------------------------------------
START = 1764590400


@pytest.mark.parametrize("end", [START + 7200, "2025-12-01T14:00:00Z"])
def test_downtime_scoped_to_one_environment_for_hours_is_a_window(tmp_path: Path, end: object) -> None:
    start = START if isinstance(end, int) else "2025-12-01T12:00:00Z"
    mute = changed("datadog_downtime.staging", None, {"scope": ["env:staging"], "monitor_tags": ["*"],
                                                      "start": start, "end": end})
    assert worst(tmp_path, [mute], "monitoring-muted") is None


@pytest.mark.parametrize("after", [
    {"scope": ["env:staging"], "monitor_tags": ["*"], "start": START},  # no end: muted until someone remembers
    {"scope": ["*"], "monitor_tags": ["*"], "start": START, "end": START + 7200},  # nothing narrows it
    {"scope": ["env:staging", "*"], "start": START, "end": START + 7200},  # one key, a wildcard among its values
    {"scope": ["env:staging"], "monitor_tags": ["*"], "start": START, "end": START + 30 * 86400},  # a month
])
def test_downtime_unbounded_or_unnarrowed_stays_high(tmp_path: Path, after: dict[str, object]) -> None:
    assert worst(tmp_path, [changed("datadog_downtime.staging", None, after)], "monitoring-muted") is Severity.HIGH
