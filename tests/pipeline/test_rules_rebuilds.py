"""Routine rebuilds and retirements (rules/rebuilds.py): a machine rebuilt from a new boot image and an alert whose
own name marks it retired are medium; a database server, a machine with a data disk and a live alert stay high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tfreview.pipeline.findings import Severity

REPLACE = ["delete", "create"]


def rebuilt(address: str, before: dict[str, Any], *paths: str) -> dict[str, Any]:
    """A replace forced by PATHS."""
    entry = gone(address, before, "replace_because_cannot_update", REPLACE)
    entry["change"]["after"] = {**before, "ami": "ami-new", "image": "debian-13"}
    entry["change"]["replace_paths"] = [[p] for p in paths]
    return entry


PROXY = {"ami": "ami-old", "instance_type": "t3.small", "tags": {"Name": "ssm-proxy-1", "env": "prod"},
         "root_block_device": [{"volume_size": 20}]}


@pytest.mark.parametrize(("address", "path"), [("aws_instance.ssm_proxy", "ami"), ("hcloud_server.web", "image"),
                                               ("acme_compute_instance.edge", "user_data")])
def test_machine_rebuilt_from_new_image_is_medium(tmp_path: Path, address: str, path: str) -> None:
    assert worst(tmp_path, [rebuilt(address, PROXY, path)], "resource-replace") is Severity.MEDIUM


@pytest.mark.parametrize("address", ["hcloud_server.db1", "digitalocean_droplet.pg_primary",
                                     "module.database.aws_instance.this", "aws_instance.kafka_2"])
def test_database_server_rebuilt_stays_high(tmp_path: Path, address: str) -> None:
    assert worst(tmp_path, [rebuilt(address, PROXY, "image")], "resource-replace") is Severity.HIGH


def test_machine_whose_role_tag_says_database_stays_high(tmp_path: Path) -> None:
    tagged = {**PROXY, "tags": {"Name": "app-7", "Role": "postgres"}}
    assert worst(tmp_path, [rebuilt("aws_instance.app", tagged, "ami")], "resource-replace") is Severity.HIGH


def test_machine_with_a_data_disk_stays_high(tmp_path: Path) -> None:
    with_disk = {**PROXY, "ebs_block_device": [{"device_name": "/dev/sdf", "volume_size": 500}]}
    assert worst(tmp_path, [rebuilt("aws_instance.web", with_disk, "ami")], "resource-replace") is Severity.HIGH


def test_machine_replaced_for_another_attribute_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [rebuilt("aws_instance.web", PROXY, "availability_zone")], "resource-replace") \
        is Severity.HIGH


def test_managed_database_instance_is_not_a_machine(tmp_path: Path) -> None:
    db = {"engine": "postgres", "image": "x"}
    assert worst(tmp_path, [rebuilt("acme_rds_cluster_instance.web", db, "image")], "resource-replace") \
        is Severity.HIGH


@pytest.mark.parametrize("address", ["datadog_monitor.legacy_queue_depth", "aws_cloudwatch_metric_alarm.old_worker",
                                     "newrelic_nrql_alert_condition.deprecated_api_errors"])
def test_alert_named_retired_deleted_is_medium(tmp_path: Path, address: str) -> None:
    assert worst(tmp_path, [gone(address, {"name": "queue depth", "query": "avg(last_5m):x > 1"})]) \
        is Severity.MEDIUM


@pytest.mark.parametrize("address", ["datadog_monitor.payments_5xx", "datadog_monitor.threshold_holder"])
def test_live_alert_deleted_stays_high(tmp_path: Path, address: str) -> None:
    assert worst(tmp_path, [gone(address, {"name": "payments 5xx", "query": "avg(last_5m):x > 1"})]) \
        is Severity.HIGH


def test_retired_name_does_not_spare_a_data_store(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("acme_database.legacy_orders", {"name": "orders"})]) is Severity.HIGH
