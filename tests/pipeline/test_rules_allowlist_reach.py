"""Allow-lists removed or opened: private nodes behind a public endpoint are not private; an open list opens nothing
new; a yes/no setting is no other source; an inbound ruleset is an allow-list, not a filter in front of a service."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tests.pipeline.test_rules_detectors_through_configuration import resource
from tfreview.pipeline.findings import Severity


def _cluster(tmp_path: Path, private_endpoint: bool) -> dict[str, Severity]:
    before = {"name": "c", "control_plane_allowlist": [{"cidr_blocks": [{"cidr_block": "198.51.100.0/24"}]}],
              "private_config": [{"enable_private_nodes": True, "enable_private_endpoint": private_endpoint}]}
    after = {**before, "control_plane_allowlist": []}
    return worst_by_rule(review_rules_alone(tmp_path, [resource("acme_cluster.c", after, before)]))


def test_allowlist_block_removed_with_a_public_endpoint_is_open(tmp_path: Path) -> None:
    assert _cluster(tmp_path, False).get("allowlist-emptied") is Severity.HIGH


def test_allowlist_block_removed_with_a_private_endpoint_is_quiet(tmp_path: Path) -> None:
    assert "allowlist-emptied" not in _cluster(tmp_path, True)


@pytest.mark.parametrize(("old", "fires"), [("0.0.0.0/0", False), ("203.0.113.0/24", True)])
def test_emptying_a_list_that_let_everyone_in_opens_nothing(tmp_path: Path, old: str, fires: bool) -> None:
    before = {"ip_configuration": [{"authorized_networks": [{"name": "x", "value": old}]}]}
    after = {"ip_configuration": [{"authorized_networks": []}]}
    found = worst_by_rule(review_rules_alone(tmp_path, [resource("acme_db.main", after, before)]))
    assert (found.get("allowlist-emptied") is Severity.HIGH) is fires


def test_a_yes_no_setting_about_the_list_is_no_other_source(tmp_path: Path) -> None:
    # `allowed_ips_protected_branches_only = "no"` says how the list applies; it lets no one in by itself.
    before = {"name": "prod", "allowed_ips": ["203.0.113.10/32"], "allowed_ips_protected_branches_only": "no"}
    after = {**before, "allowed_ips": []}
    found = worst_by_rule(review_rules_alone(tmp_path, [resource("pgcloud_project.prod", after, before)]))
    assert found.get("allowlist-emptied") is Severity.HIGH


def test_a_source_group_beside_the_emptied_list_still_narrows(tmp_path: Path) -> None:
    before = {"name": "db", "allowed_cidrs": ["10.20.0.0/16"], "source_security_group_id": "sg-0abc1234"}
    after = {**before, "allowed_cidrs": []}
    found = worst_by_rule(review_rules_alone(tmp_path, [resource("pgcloud_rule.db", after, before)]))
    assert "allowlist-emptied" not in found


def _inbound(*sources: str) -> dict[str, object]:
    return {"space": "prod", "rule": [{"action": "allow", "source": s} for s in sources]}


def test_an_inbound_ruleset_that_admits_the_internet_is_an_opening(tmp_path: Path) -> None:
    before, after = _inbound("203.0.113.0/24"), _inbound("203.0.113.0/24", "0.0.0.0/0")
    found = worst_by_rule(review_rules_alone(tmp_path, [resource("dynoco_space_inbound_ruleset.prod", after, before)]))
    assert Severity.HIGH in found.values()


def test_an_inbound_ruleset_gaining_a_narrow_range_or_a_service_filter_ruleset_stays_quiet(tmp_path: Path) -> None:
    before, after = _inbound("203.0.113.0/24"), _inbound("203.0.113.0/24", "198.51.100.8/29")
    narrow = review_rules_alone(tmp_path, [resource("dynoco_space_inbound_ruleset.prod", after, before)])
    assert Severity.HIGH not in worst_by_rule(narrow).values()
    # A filter in front of a service (a WAF ruleset) whose last rule allows everything opens nothing by itself.
    waf = {"name": "edge", "rules": [{"action": "block", "expression": "ip.src in {192.0.2.0/24}"},
                                     {"action": "allow", "source": "0.0.0.0/0"}]}
    quiet = review_rules_alone(tmp_path, [resource("edgeco_ruleset.edge", waf, {**waf, "rules": waf["rules"][:1]})])
    assert Severity.HIGH not in worst_by_rule(quiet).values()
