"""configuration.Configuration: addresses, constants, variables through module calls, module outputs, planned
values of other resources, and aws_iam_policy_document data sources read during apply."""

from __future__ import annotations

from typing import Any

import pytest

from tfreview.pipeline.addresses import referenced_object
from tfreview.pipeline.configuration import Configuration, config_address, module_of
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.plan import Plan


@pytest.mark.parametrize(("address", "config", "module"), [
    ("aws_s3_bucket.b", "aws_s3_bucket.b", ""),
    ("aws_s3_bucket.b[0]", "aws_s3_bucket.b", ""),
    ('module.a["x.y"].module.b[2].aws_iam_policy.p["k[0]"]', "module.a.module.b.aws_iam_policy.p", "module.a.module.b"),
    ("data.aws_iam_policy_document.d", "data.aws_iam_policy_document.d", ""),
])
def test_addresses_lose_instance_keys_even_with_brackets_in_keys(address: str, config: str, module: str) -> None:
    assert config_address(address) == config
    assert module_of(address) == module


@pytest.mark.parametrize(("reference", "address", "target"), [
    ("aws_lb.web.id", "module.api.aws_lb_listener.https", "module.api.aws_lb.web"),
    ("aws_x.y", 'module.m["k"].aws_z.w', "module.m.aws_x.y"),
    ("aws_x.y[0].arn", "aws_z.w", "aws_x.y"),
    ("data.aws_ami.a.id", "aws_z.w", "data.aws_ami.a"),
    ("var.x", "aws_z.w", None),
    ("module.vpc.id", "aws_z.w", None),
])
def test_a_reference_names_the_object_it_reads_in_the_referrers_module(reference: str, address: str,
                                                                      target: str | None) -> None:
    assert referenced_object(reference, address) == target


def _plan(**sections: Any) -> Plan:
    return Plan.model_validate({"format_version": "1.2", **sections})


def _resource(address: str, expressions: dict[str, Any], mode: str = "managed") -> dict[str, Any]:
    kind, name = address.split(".")[-2:]
    return {"address": address, "mode": mode, "type": kind, "name": name, "expressions": expressions}


PLAN = _plan(
    variables={"env": {"value": "prod"}, "doc": {"value": '{"Statement":[]}'}},
    resource_changes=[
        {"address": "aws_s3_bucket.logs", "change": {"actions": ["create"], "after": {"bucket": "acme-logs"},
                                                     "after_unknown": {"arn": True}}},
        {"address": "data.aws_iam_policy_document.d", "mode": "data", "change": {
            "actions": ["read"], "after": {"statement": [{"actions": ["s3:*"], "effect": "Allow", "resources": None}],
                                           "json": None},
            "after_unknown": {"json": True, "statement": [{"resources": True}]}}},
    ],
    configuration={"root_module": {
        "resources": [
            _resource("aws_s3_bucket.logs", {"bucket": {"constant_value": "acme-logs"}}),
            _resource("aws_iam_policy.p", {"policy": {"references": ["data.aws_iam_policy_document.d.json",
                                                                     "data.aws_iam_policy_document.d"]},
                                           "name": {"references": ["var.env"]}}),
            _resource("data.aws_iam_policy_document.cfg", {"statement": [
                {"actions": {"constant_value": ["iam:PassRole"]}, "resources": {"references": ["var.env"]},
                 "principals": [{"type": {"constant_value": "AWS"}, "identifiers": {"constant_value": ["*"]}}]}],
                "source_policy_documents": {"references": ["var.doc"]}}, mode="data"),
        ],
        "outputs": {"bucket": {"expression": {"references": ["aws_s3_bucket.logs.bucket", "aws_s3_bucket.logs"]}}},
        "module_calls": {"svc": {"expressions": {"name": {"references": ["var.env"]},
                                                 "bucket": {"references": ["module.store.bucket", "module.store"]}},
                                 "module": {"resources": [_resource("aws_iam_role.r", {
                                     "name": {"references": ["var.name"]}, "tags": {"references": ["local.tags"]}})],
                                     "variables": {"name": {}, "region": {"default": "eu-west-1"}, "bucket": {}}}},
                         "store": {"expressions": {}, "module": {"outputs": {"bucket": {"expression": {
                             "constant_value": "acme-store"}}}}}},
    }},
)


def test_constants_variables_and_planned_values() -> None:
    config = Configuration(PLAN)
    assert config.present
    assert config.candidates(config.expression("aws_iam_policy.p", ("name",)), "") == ["prod"]
    assert config.resolve("aws_s3_bucket.logs.bucket", "") == "acme-logs"
    assert config.resolve("aws_s3_bucket.logs.arn", "") == UNKNOWN
    assert config.resolve("local.anything", "") == UNKNOWN
    assert config.expression("aws_iam_policy.p[3]", ("missing",)) is None


def test_values_of_one_attribute_for_other_rules() -> None:
    config = Configuration(PLAN)
    assert config.values('module.svc["a"].aws_iam_role.r', ("name",)) == ["prod"]
    assert config.values("aws_iam_policy.p", ("not_configured",)) is None


def test_module_variables_resolve_through_the_call_and_defaults() -> None:
    config = Configuration(PLAN)
    assert config.expressions('module.svc["a"].aws_iam_role.r') is not None
    name = config.expression('module.svc["a"].aws_iam_role.r', ("name",))
    assert config.candidates(name, "module.svc") == ["prod"]
    assert config.resolve("var.region", "module.svc") == "eu-west-1"
    assert config.resolve("var.bucket", "module.svc") == "acme-store", "a sibling module's output"
    assert config.candidates(config.expression("module.svc.aws_iam_role.r", ("tags",)), "module.svc") == [UNKNOWN]


def test_a_policy_document_read_during_apply_comes_from_its_planned_statements() -> None:
    config = Configuration(PLAN)
    [document] = config.candidates(config.expression("aws_iam_policy.p", ("policy",)), "")
    assert document["Statement"] == [{"Effect": "Allow", "Action": ["s3:*"], "Resource": UNKNOWN}]


def test_a_policy_document_only_in_configuration_is_built_from_its_expressions() -> None:
    document = Configuration(PLAN).policy_document("data.aws_iam_policy_document.cfg")
    assert document["Statement"] == [{"Effect": "Allow", "Action": ["iam:PassRole"], "Resource": "prod",
                                      "Principal": {"AWS": ["*"]}}]


def test_without_configuration_nothing_resolves() -> None:
    config = Configuration(_plan())
    assert not config.present
    assert config.expressions("aws_s3_bucket.b") is None
    assert config.candidates(None, "") == [UNKNOWN]
    assert config.resolve("module.missing.out", "") == UNKNOWN


def test_reference_cycles_end_unresolved() -> None:
    plan = _plan(configuration={"root_module": {"module_calls": {"a": {
        "expressions": {"x": {"references": ["module.a.y"]}},
        "module": {"outputs": {"y": {"expression": {"references": ["var.x"]}}}, "variables": {"x": {}}}}}}})
    assert Configuration(plan).resolve("module.a.y", "") == UNKNOWN


@pytest.mark.parametrize("configuration", [
    {"root_module": True}, {"root_module": {"resources": "x", "module_calls": [1], "outputs": 3}},
    {"root_module": {"resources": [{"address": "aws_iam_policy.p", "expressions": ["x"]}],
                     "module_calls": {"m": {"expressions": 5, "module": "x"}}}},
    {"provider_config": "x"},
], ids=["root-not-object", "wrong-section-types", "wrong-nested-types", "provider-not-object"])
def test_malformed_configuration_resolves_nothing_without_error(configuration: dict[str, Any]) -> None:
    config = Configuration(_plan(configuration=configuration))
    assert config.values("aws_iam_policy.p", ("policy",)) in (None, [UNKNOWN])
    assert config.resolve("var.x", "module.m") == UNKNOWN
    assert config.policy_document("data.aws_iam_policy_document.d") == UNKNOWN
