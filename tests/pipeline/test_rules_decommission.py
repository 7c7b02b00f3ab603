"""A stateless service decommissioned whole (decommission.py): its DNS name and every part of one name go, no data
store is touched, nothing kept names a part — each delete medium and scale-deletes quiet; look-alikes stay high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tests.pipeline.test_rules_successors_take_over import made
from tfreview.pipeline.findings import Severity


def _kept(address: str, values: dict[str, Any]) -> dict[str, Any]:
    entry = made(address, values)
    entry["change"].update(actions=["no-op"], before=values)
    return entry


def _service(name: str = "reports") -> list[dict[str, Any]]:
    return [gone(f"zeta_dns_record.{name}", {"name": f"{name}.acme.com", "type": "A"}),
            gone(f"zeta_lb.{name}", {"name": name, "internal": False}),
            gone(f"zeta_lb_listener.{name}", {"port": 443, "protocol": "HTTPS"}),
            gone(f"zeta_lb_target_group.{name}", {"name": f"{name}-tg", "port": 8080}),
            gone(f"zeta_launch_template.{name}", {"name": f"{name}-lt", "image_id": "img-1"}),
            gone(f"zeta_security_group.{name}", {"name": f"{name}-alb"}),
            gone(f"zeta_iam_role.{name}", {"name": f"{name}-runner"})]


def test_stateless_service_decommissioned_whole_is_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, _service()) is Severity.MEDIUM
    assert worst(tmp_path, _service(), "scale-deletes") is None


def test_service_in_a_module_decommissioned_whole_is_medium(tmp_path: Path) -> None:
    plan = [{**entry, "address": f"module.billing.{entry['address'].rsplit('.', 1)[0]}.this"} for entry in _service()]
    assert worst(tmp_path, plan) is Severity.MEDIUM


@pytest.mark.parametrize("extra", [
    [gone("zeta_db_instance.reports", {"identifier": "reports-db"})],
    [_kept("zeta_cdn.web", {"origin": [{"domain_name": "reports-tg"}]})],
    [gone("zeta_security_group.payments", {"name": "payments-alb"})],
], ids=["with-its-database", "kept-object-names-a-part", "part-of-another-name"])
def test_decommissions_that_may_lose_something_stay_high(tmp_path: Path, extra: list[dict[str, Any]]) -> None:
    assert worst(tmp_path, [*_service(), *extra]) is Severity.HIGH


def test_parts_deleted_while_the_dns_name_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _service()[1:]) is Severity.HIGH
