"""Code fetched from no fixed source (fetched.py): unpinned VCS modules and image lookups from any owner, each
risky configuration beside a benign look-alike that stays likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tests.pipeline.test_rules_publishers import entry
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

RULE = "source-unpinned"


def module_plan(tmp_path: Path, source: str) -> tuple[Label, dict[str, Severity]]:
    change = entry("orbit_subnet.edge", {"id": "sn-1", "tags": {}}, {"id": "sn-1", "tags": {"Owner": "net"}})
    change["address"] = "module.network.orbit_subnet.edge"
    configuration = {"root_module": {"module_calls": {"network": {"source": source, "module": {"resources": []}}}}}
    result = review_rules_alone(tmp_path, [change], configuration=configuration)
    return result.label, worst_by_rule(result)


@pytest.mark.parametrize("source", ["git::https://github.com/someone-forked/orbit-network.git",
                                    "github.com/someone-forked/orbit-network", "git@bitbucket.org:someone/net.git"])
def test_module_from_an_unpinned_public_repository_is_high(tmp_path: Path, source: str) -> None:
    label, worst = module_plan(tmp_path, source)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(RULE) is Severity.HIGH


@pytest.mark.parametrize("source", ["git::https://github.com/orbit/orbit-network.git?ref=v1.4.2", "./modules/network",
                                    "orbit/network/aws"])
def test_pinned_local_or_registry_module_stays_safe(tmp_path: Path, source: str) -> None:
    label, worst = module_plan(tmp_path, source)
    assert RULE not in worst and label is Label.LIKELY_SAFE


def lookup_plan(tmp_path: Path, lookup: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    change = entry("orbit_vm.builder", {"id": "vm-1", "image": "img-old"}, {"image": "img-new"}, ["delete", "create"])
    resources = [{"address": "data.orbit_machine_image.base", "mode": "data", "type": "orbit_machine_image",
                  "name": "base", "expressions": {"most_recent": {"constant_value": True}, **lookup}},
                 {"address": "orbit_vm.builder", "mode": "managed", "type": "orbit_vm", "name": "builder",
                  "expressions": {"image": {"references": ["data.orbit_machine_image.base.id",
                                                           "data.orbit_machine_image.base"]}}}]
    result = review_rules_alone(tmp_path, [change], configuration={"root_module": {"resources": resources}})
    return result.label, worst_by_rule(result)


@pytest.mark.parametrize("lookup", [{"owners": {"constant_value": ["*"]}}, {}])
def test_image_lookup_from_any_owner_feeding_a_rebuild_is_high(tmp_path: Path, lookup: dict[str, Any]) -> None:
    _label, worst = lookup_plan(tmp_path, lookup)
    assert worst.get(RULE) is Severity.HIGH


def test_image_lookup_pinned_to_an_account_stays_quiet(tmp_path: Path) -> None:
    _label, worst = lookup_plan(tmp_path, {"owners": {"constant_value": ["099720109477", "self"]}})
    assert RULE not in worst
