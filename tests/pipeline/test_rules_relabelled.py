"""A stateless rule replaced only for its name, admitting the same sources and denying nothing (relabelled.py):
medium; a rename that widens the source, a deny rule's gap, or a replace forced by more than its name stay high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import worst
from tests.pipeline.test_rules_successors_take_over import made
from tfreview.pipeline.findings import Severity

RULE = {"name": "allow-iap-ssh", "network": "prod", "direction": "INGRESS", "source_ranges": ["35.235.240.0/20"],
        "allow": [{"protocol": "tcp", "ports": ["22"]}], "target_tags": ["ssh"], "priority": 1000}


def _replaced(before: dict[str, Any], after: dict[str, Any], paths: list[list[str]]) -> dict[str, Any]:
    entry = made("zeta_compute_firewall.ssh", after)
    entry["change"].update(actions=["delete", "create"], before=before, replace_paths=paths)
    return entry


def test_rule_renamed_with_the_same_sources_is_medium(tmp_path: Path) -> None:
    plan = [_replaced(RULE, {**RULE, "name": "fw-prod-iap-ssh", "target_tags": ["ssh-iap"]}, [["name"]])]
    assert worst(tmp_path, plan, "resource-replace") is Severity.MEDIUM


@pytest.mark.parametrize(("after", "paths", "before"), [
    ({**RULE, "name": "fw-prod-ssh", "source_ranges": ["10.0.0.0/8"]}, [["name"]], RULE),
    ({**RULE, "name": "fw-prod-deny", "allow": [], "deny": [{"protocol": "tcp"}]}, [["name"]],
     {**RULE, "allow": [], "deny": [{"protocol": "tcp"}]}),
    ({**RULE, "name": "fw-prod-ssh", "network": "shared"}, [["name"], ["network"]], RULE),
], ids=["source-changed", "deny-rule", "forced-by-more-than-the-name"])
def test_renames_that_may_admit_more_stay_high(tmp_path: Path, after: dict[str, Any], paths: list[list[str]],
                                               before: dict[str, Any]) -> None:
    assert worst(tmp_path, [_replaced(before, after, paths)], "resource-replace") is Severity.HIGH
