"""An alias renamed (aliases.py): medium when a created alias of its type points at the same kept target and
nothing kept names the old one. A part whose `<kind>_name` names a parent the plan deletes goes with it
(parents.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tests.pipeline.test_rules_successors_take_over import made
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import review
from tfreview.settings import Settings

KEY = "3f1a2b4c-5d6e"
OLD = {"name": "alias/rds/primary", "id": "alias/rds/primary", "target_key_id": KEY}
NEW = {"name": "alias/rds/orders", "target_key_id": KEY}


def _kept(address: str, values: dict[str, Any]) -> dict[str, Any]:
    entry = made(address, values)
    entry["change"].update(actions=["no-op"], before=values)
    return entry


def test_alias_renamed_to_the_same_kept_key_is_medium(tmp_path: Path) -> None:
    plan = [gone("zeta_kms_alias.primary", OLD), made("zeta_kms_alias.orders", NEW),
            _kept("zeta_kms_key.rds", {"id": KEY, "key_id": KEY, "is_enabled": True})]
    assert worst(tmp_path, plan) is Severity.MEDIUM


@pytest.mark.parametrize("others", [
    [made("zeta_kms_alias.orders", {**NEW, "target_key_id": "other-key"})],
    [],
    [made("zeta_kms_alias.orders", NEW), gone("zeta_kms_key.rds", {"id": KEY, "key_id": KEY})],
    [made("zeta_kms_alias.orders", NEW), _kept("zeta_db_instance.orders", {"kms_key_id": "alias/rds/primary"})],
], ids=["points-elsewhere", "no-new-alias", "target-deleted", "kept-object-names-the-old-alias"])
def test_alias_deletes_that_may_break_something_stay_high(tmp_path: Path, others: list[dict[str, Any]]) -> None:
    assert worst(tmp_path, [gone("zeta_kms_alias.primary", OLD), *others]) is Severity.HIGH


def _severity_of(tmp_path: Path, changes: list[dict[str, Any]], address: str) -> Severity | None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}))
    found = [f.severity for f in review(path, Settings(backend="none")).findings
             if f.rule == "resource-delete" and f.address == address]
    return found[0] if found else None


def test_invoke_permission_deleted_with_its_function_is_medium(tmp_path: Path) -> None:
    permission = gone("aws_lambda_permission.s3", {"action": "lambda:InvokeFunction", "function_name": "thumb-v1",
                                                   "principal": "s3.amazonaws.com", "statement_id": "s3"})
    function = gone("aws_lambda_function.v1", {"function_name": "thumb-v1", "id": "thumb-v1"})
    other = gone("aws_lambda_function.v2", {"function_name": "thumb-v2", "id": "thumb-v2"})
    assert _severity_of(tmp_path, [permission, function], "aws_lambda_permission.s3") is Severity.MEDIUM
    assert _severity_of(tmp_path, [permission, other], "aws_lambda_permission.s3") is Severity.HIGH
