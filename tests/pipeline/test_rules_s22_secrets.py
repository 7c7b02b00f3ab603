"""Session 22, the secrets lane's principles (hidden-like-37), each with a risky plan written differently from its
fixture and a benign look-alike that must stay quiet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity


def high(found: dict[str, Severity]) -> bool:
    return Severity.HIGH in found.values()


# --- a membership rule's required parts made alternatives (AND → OR) --------------------------------------------

def _membership(tmp_path: Path, old: str, new: str, group: str) -> dict[str, Severity]:
    before = {"display_name": group, "membership_rule": old, "state": "On"}
    return judge(tmp_path, [resource("azuread_group.dynamic", {**before, "membership_rule": new}, before)])


def test_required_parts_made_alternatives_into_an_admin_group_are_held(tmp_path: Path) -> None:
    found = _membership(tmp_path, '(user.department -eq "SRE") -and (user.jobTitle -eq "On-call")',
                        '(user.department -eq "SRE") -or (user.jobTitle -eq "On-call")', "Subscription Owners")
    assert found.get("workforce-access") is Severity.HIGH


@pytest.mark.parametrize(("old", "new", "group"), [
    # the same widening into a group that grants nothing privileged
    ('user.department -eq "SRE" -and user.jobTitle -eq "On-call"',
     'user.department -eq "SRE" -or user.jobTitle -eq "On-call"', "oncall-newsletter"),
    # alternatives made requirements: a narrowing
    ('user.department -eq "SRE" -or user.jobTitle -eq "On-call"',
     'user.department -eq "SRE" -and user.jobTitle -eq "On-call"', "Subscription Owners"),
    # an OR clause that keeps every requirement and adds a stricter alternative of the same parts
    ('user.department -eq "SRE" -and user.jobTitle -eq "On-call"',
     'user.department -eq "SRE" -and user.jobTitle -eq "On-call" -and user.country -eq "DE"', "Subscription Owners"),
])
def test_narrowing_or_a_plain_group_is_not(tmp_path: Path, old: str, new: str, group: str) -> None:
    assert "workforce-access" not in _membership(tmp_path, old, new, group)


# --- a managed, rotated password given up for one the plan shows in clear ---------------------------------------

def _static_password(tmp_path: Path, sensitive: bool, managed_after: bool | None = False) -> dict[str, Severity]:
    before = {"cluster_identifier": "finance", "manage_master_password": True, "master_password": None}
    after = {**before, "manage_master_password": managed_after, "master_password": "Finance!Winter-2026"}
    cluster = resource("aws_redshift_cluster.finance", after, before, sensitive={"master_password": True})
    declared: dict[str, Any] = {"description": "admin password"} | ({"sensitive": True} if sensitive else {})
    configuration = {"root_module": {"resources": [{
        "address": "aws_redshift_cluster.finance", "mode": "managed", "type": "aws_redshift_cluster",
        "name": "finance", "expressions": {"master_password": {"references": ["var.finance_admin_password"]},
                                           "manage_master_password": {"constant_value": managed_after}}}],
        "variables": {"finance_admin_password": declared}}}
    return judge(tmp_path, [cluster], configuration=configuration,
                 variables={"finance_admin_password": {"value": "Finance!Winter-2026"}})


def test_a_managed_password_given_up_for_a_variable_shown_in_clear_is_held(tmp_path: Path) -> None:
    assert _static_password(tmp_path, sensitive=False).get("secret-in-code") is Severity.HIGH


@pytest.mark.parametrize(("sensitive", "managed_after"), [(True, False), (False, True)])
def test_a_sensitive_variable_or_a_kept_managed_password_is_not(tmp_path: Path, sensitive: bool,
                                                                managed_after: bool) -> None:
    assert not high(_static_password(tmp_path, sensitive, managed_after))


# --- a credential-shaped literal at a settings key that held nothing before -------------------------------------

BUS = ("Endpoint=sb://orders-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;"
       "SharedAccessKey=Zq3xT8vN1mK5pL9wR2yB6cH4jF7dS0aG3eU8iO1tY5w=")
VAULT = "vault:secret/data/orders#bus"


def _function_settings(tmp_path: Path, old: dict[str, str], new: dict[str, str]) -> dict[str, Severity]:
    before = {"function_name": "orders", "environment": [{"variables": old}]}
    after = {"function_name": "orders", "environment": [{"variables": new}]}
    function = resource("aws_lambda_function.orders", after, before, sensitive={"environment": [{"variables": True}]})
    function["change"]["before_sensitive"] = {"environment": [{"variables": True}]}
    configuration = {"root_module": {"resources": [{
        "address": "aws_lambda_function.orders", "mode": "managed", "type": "aws_lambda_function", "name": "orders",
        "expressions": {"environment": [{"variables": {"constant_value": new}}]}}]}}
    return judge(tmp_path, [function], configuration=configuration)


def test_a_credential_shaped_literal_at_a_new_settings_key_is_held(tmp_path: Path) -> None:
    # the neighbour's credential name holds a store reference: the attribute held "a credential" before, this key none
    found = _function_settings(tmp_path, {"DB_PASSWORD": VAULT}, {"DB_PASSWORD": VAULT, "ORDERS_BUS": BUS})
    assert found.get("secret-in-code") is Severity.HIGH


@pytest.mark.parametrize(("old", "new"), [
    # the same key held a connection string before: a rotation (medium at most)
    ({"ORDERS_BUS": BUS.replace("Zq3x", "Aa1b")}, {"ORDERS_BUS": BUS}),
    # a new entry that only references a secret store
    ({"DB_SECRET_REF": VAULT}, {"DB_SECRET_REF": VAULT, "BUS_SECRET_REF": "vault:secret/data/orders#busconn"}),
])
def test_a_rotated_entry_or_a_new_store_reference_is_not(tmp_path: Path, old: dict[str, str],
                                                         new: dict[str, str]) -> None:
    assert not high(_function_settings(tmp_path, old, new))


# --- code loaded from a host that imitates a public code CDN ----------------------------------------------------

def _edge_function(tmp_path: Path, src: str) -> dict[str, Severity]:
    old = "function handler(event) { return event.response; }"
    new = ("function handler(event) { var r = event.response; r.body = r.body.replace('</head>', "
           f"'<script src=\"{src}\"></script></head>'); return r; }}")
    return judge(tmp_path, [resource("aws_cloudfront_function.storefront", {"name": "storefront", "code": new},
                                     {"name": "storefront", "code": old})])


def test_a_script_from_a_host_imitating_a_code_cdn_is_held(tmp_path: Path) -> None:
    found = _edge_function(tmp_path, "https://unpkg-cdn.com/web-vitals@4/dist/web-vitals.iife.js")
    assert found.get("supply-chain-opened") is Severity.HIGH


@pytest.mark.parametrize("src", ["https://unpkg.com/web-vitals@4/dist/web-vitals.iife.js",
                                 "https://static.shop-acme.com/rum/web-vitals.js"])
def test_the_cdn_itself_or_the_sites_own_host_is_not(tmp_path: Path, src: str) -> None:
    # a host that is no CDN is reported at medium (lookalike.py: high only on payment pages)
    assert _edge_function(tmp_path, src).get("supply-chain-opened") is not Severity.HIGH


# --- security logs sampled down to a tenth or less --------------------------------------------------------------

def _pipeline(tmp_path: Path, kind: str, name: str, old: float, new: float) -> dict[str, Severity]:
    before = {"name": name, "destination": "s3://archive/logs/", "sampling_percentage": old}
    return judge(tmp_path, [resource(f"{kind}.main", {**before, "sampling_percentage": new}, before)])


def test_a_security_log_pipeline_sampled_to_a_few_percent_is_held(tmp_path: Path) -> None:
    found = _pipeline(tmp_path, "relaylog_pipeline", "cloudtrail-to-siem", 100, 5)
    assert found.get("logging-disabled") is Severity.HIGH


@pytest.mark.parametrize(("name", "old", "new"), [("checkout-app-debug", 100, 5),  # an application's own logs
                                                  ("cloudtrail-to-siem", 100, 50),  # half still kept
                                                  ("cloudtrail-to-siem", 5, 100)])  # sampling lifted
def test_app_logs_a_mild_cut_or_a_raise_is_not(tmp_path: Path, name: str, old: float, new: float) -> None:
    assert "logging-disabled" not in _pipeline(tmp_path, "relaylog_pipeline", name, old, new)


# --- a sidecar by a movable tag of another publisher beside pinned images ---------------------------------------

APP = "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders@sha256:" + "a1" * 32


def _pod(tmp_path: Path, sidecar: str, app: str = APP) -> dict[str, Severity]:
    def spec(*images: str) -> dict[str, Any]:
        containers = [{"name": f"c{i}", "image": image} for i, image in enumerate(images)]
        return {"metadata": [{"name": "orders"}], "spec": [{"template": [{"spec": [{"container": containers}]}]}]}
    return judge(tmp_path, [resource("kubernetes_deployment_v1.orders", spec(app, sidecar), spec(app))])


def test_a_sidecar_by_a_movable_tag_of_a_stranger_beside_pinned_images_is_held(tmp_path: Path) -> None:
    assert _pod(tmp_path, "docker.io/metricsrelay/exporter:latest").get("supply-chain-opened") is Severity.HIGH


@pytest.mark.parametrize(("sidecar", "app"), [
    ("docker.io/metricsrelay/exporter:1.4.2", APP),  # pinned by version
    ("public.ecr.aws/aws-observability/aws-for-fluent-bit:stable", APP),  # the platform's own agent
    ("docker.io/metricsrelay/exporter:latest", "docker.io/acme/orders:latest"),  # the workload pins nothing
])
def test_a_pinned_sidecar_a_platform_agent_or_an_unpinned_workload_is_not(tmp_path: Path, sidecar: str,
                                                                          app: str) -> None:
    assert "supply-chain-opened" not in _pod(tmp_path, sidecar, app)
