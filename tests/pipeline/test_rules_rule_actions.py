"""A protective rule's action chosen as a nested block (ruleactions.py): block → count or allow is high, on any
provider; count → block, an override of none, a new rule and a renamed rule stay likely safe. Providers are
invented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone
from tests.pipeline.test_rules_monitoring_and_modes import judge, resource
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def _acl(action: str, name: str = "block-sqli", key: str = "action",
         tags: dict[str, str] | None = None) -> dict[str, Any]:
    rules = [{"name": name, "priority": 1, key: [{action: [{}]}], "statement": [{"sqli_match": [{}]}]},
             {"name": "rate", "priority": 2, "action": [{"block": [{}]}], "statement": [{"rate": [{"limit": 2000}]}]}]
    return {"name": "checkout-edge", "default_action": [{"allow": [{}]}], "rule": rules, "tags": tags or {}}


def test_a_rule_switched_from_block_to_count_is_high(tmp_path: Path) -> None:
    found = judge(tmp_path, [resource("shieldwall_web_acl.edge", _acl("count"), before=_acl("block"))])
    assert found["detection-disabled"] is Severity.HIGH


def test_a_rule_switched_from_block_to_allow_is_high(tmp_path: Path) -> None:
    found = judge(tmp_path, [resource("shieldwall_web_acl.edge", _acl("allow"), before=_acl("block"))])
    assert found["detection-disabled"] is Severity.HIGH


def test_a_group_override_from_none_to_count_is_high(tmp_path: Path) -> None:
    found = judge(tmp_path, [resource("shieldwall_web_acl.edge", _acl("count", key="override_action"),
                                      before=_acl("none", key="override_action"))])
    assert found["detection-disabled"] is Severity.HIGH


def test_a_rule_in_a_dev_acl_is_medium(tmp_path: Path) -> None:
    dev = {"env": "dev"}
    found = judge(tmp_path, [resource("shieldwall_web_acl.edge", _acl("count", tags=dev),
                                      before=_acl("block", tags=dev))])
    assert found["detection-disabled"] is Severity.MEDIUM


def test_raised_new_and_renamed_rules_stay_likely_safe(tmp_path: Path) -> None:
    for before, after in ((_acl("count"), _acl("block")),
                          (_acl("count", key="override_action"), _acl("none", key="override_action")),
                          (_acl("block", name="old-sqli"), _acl("count", name="new-sqli-trial"))):
        result = review_rules_alone(tmp_path, [resource("shieldwall_web_acl.edge", after, before=before)])
        assert result.label is Label.LIKELY_SAFE, result.findings
