"""A principal that gives up an admin grant on one project while gaining an IAM-administering role at the
organisation or a folder gains access: the new grant stays high. The same role moved at the same level is medium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone
from tfreview.pipeline.findings import Severity

MEMBER = "serviceAccount:ci@acme-prod.iam.gserviceaccount.com"


def change(rtype: str, name: str, actions: list[str], values: dict[str, Any]) -> dict[str, Any]:
    before, after = (values, None) if actions == ["delete"] else (None, values)
    return {"address": f"{rtype}.{name}", "mode": "managed", "type": rtype, "name": name,
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {}}}


def project_owner_removed() -> dict[str, Any]:
    return change("google_project_iam_member", "owner", ["delete"],
                  {"project": "acme-prod", "role": "roles/owner", "member": MEMBER, "condition": []})


def granted(tmp_path: Path, *changes: dict[str, Any]) -> Severity:
    found = [f for f in review_rules_alone(tmp_path, list(changes)).findings if f.rule == "iam-privileged-role"]
    return min((f.severity for f in found), key=lambda s: s.rank)


def test_project_owner_swapped_for_security_admin_at_the_organisation_stays_high(tmp_path: Path) -> None:
    org = change("google_organization_iam_member", "sec", ["create"],
                 {"org_id": "734519283746", "role": "roles/iam.securityAdmin", "member": MEMBER, "condition": []})
    assert granted(tmp_path, org, project_owner_removed()) is Severity.HIGH
    folder = change("google_folder_iam_member", "sec", ["create"],
                    {"folder": "folders/1234", "role": "roles/iam.securityAdmin", "member": MEMBER, "condition": []})
    assert granted(tmp_path, folder, project_owner_removed()) is Severity.HIGH


def test_the_same_admin_moved_within_the_project_is_medium(tmp_path: Path) -> None:
    same = change("google_project_iam_member", "sec", ["create"],
                  {"project": "acme-prod", "role": "roles/iam.securityAdmin", "member": MEMBER, "condition": []})
    assert granted(tmp_path, same, project_owner_removed()) is Severity.MEDIUM
