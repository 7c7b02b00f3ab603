"""The filter-predicate evaluator (rules/predicates.py): tautologies, contradictions and ordinary filters, by what
comparisons mean, in the syntaxes providers use."""

from __future__ import annotations

from typing import Any

import pytest

from tfreview.pipeline.rules.findingclasses import top_severity_only
from tfreview.pipeline.rules.predicates import judge_value


@pytest.mark.parametrize(("text", "verdict"), [
    ("kind:audit OR NOT kind:audit", "all"),
    ("-env:prod OR env:prod", "all"),
    ('tier != "" || tier == ""', "all"),
    ("(a:1 AND b:2) OR NOT (a:1 AND b:2)", "all"),
    ('logName:"folders/1234/logs/"', "all"),
    ("severity >= DEFAULT", "all"),
    ("priority >= 0", "all"),
    ("http.status > -1", "all"),
    ("level:*", "all"),
    ("true", "all"),
    ("false", "none"),
    ("kind:audit AND NOT kind:audit", "none"),
    ("response.code < 0", "none"),
    ('{ ($.eventName = "Delete*") && ($.eventName = "*Create") }', "none"),
    ('region == "eu" && region == "us"', "none"),
], ids=lambda v: str(v))
def test_expressions_that_take_everything_or_nothing(text: str, verdict: str) -> None:
    assert judge_value(text) == verdict


@pytest.mark.parametrize("text", [
    "severity = DEBUG",
    "severity <= DEBUG",
    'logName:"projects/p/logs/cloudaudit.googleapis.com%2Factivity"',
    'resource.type="gce_instance" AND httpRequest.status=200',
    "source:cdn @http.status_code:200 @path:/static/*",
    'service == "thumbs" && level == "trace"',
    '{ ($.eventName = "Delete*") || ($.eventName = "*Create") }',
    '{ ($.eventName = "DeleteBucket") && ($.eventName = "Delete*") }',
    "response.code >= 500",
], ids=lambda v: str(v))
def test_narrow_expressions_match_some(text: str) -> None:
    assert judge_value(text) == "some"


@pytest.mark.parametrize(("criteria", "verdict"), [
    ([{"criterion": [{"field": "severity", "greater_than_or_equal": "0", "equals": None}]}], "all"),
    ([{"criterion": [{"field": "type", "equals": ["Recon:PortProbe"]}, {"field": "instance", "equals": ["i-1"]}]}],
     "some"),
    ({"where": {"key": "ResponseStatus", "operator": "lt", "value": 0}}, "none"),
    ({"where": {"and": [{"key": "ResponseStatus", "operator": "geq", "value": 500},
                        {"key": "Host", "operator": "eq", "value": "a.example"}]}}, "some"),
], ids=["criterion-floor", "criterion-narrow", "where-negative", "where-and"])
def test_structured_criteria(criteria: Any, verdict: str) -> None:
    assert judge_value(criteria) == verdict


def test_unreadable_text_is_not_judged() -> None:
    assert judge_value("avg(last_5m):sum:errors{env:prod} > (") is None


def test_severity_only_criteria_that_take_the_top_rung() -> None:
    top = [{"severity_label": [{"comparison": "EQUALS", "value": "CRITICAL"}], "account": []}]
    low = [{"severity_label": [{"comparison": "EQUALS", "value": "INFORMATIONAL"}]}]
    scoped = [{"severity_label": [{"comparison": "EQUALS", "value": "CRITICAL"}],
               "product_name": [{"comparison": "EQUALS", "value": "Scanner"}]}]
    assert top_severity_only(top) and not top_severity_only(low) and not top_severity_only(scoped)
