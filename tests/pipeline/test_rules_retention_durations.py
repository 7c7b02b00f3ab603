"""One reading of durations and one judgment of retention cuts (units.duration/unit_of/parent, evidence.py):
every spelling of a duration, each side's own unit, and one finding per cut attribute; each with a benign
look-alike that stays likely safe. Providers are invented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone
from tests.pipeline.test_rules_monitoring_and_modes import resource
from tfreview.labels import Label
from tfreview.pipeline.rules.units import duration, parent, unit_of

DAY = 86400


def test_every_spelling_of_a_duration_is_read() -> None:
    assert duration("720h0m0s") == 30 * DAY
    assert duration("1.5H") == 5400
    assert duration("250ms") == 0.25
    assert duration("P1W") == 7 * DAY and duration("PT12H") == DAY / 2
    assert duration("30", "days") == duration(30, "d") == 30 * DAY
    assert duration(30) is None and duration("30") is None  # a bare number has no unit
    assert duration("(sensitive)", "days") is None and duration(True, "days") is None
    assert duration("P") is None and duration("weekly") is None


def test_a_unit_is_named_by_its_key_or_by_one_sibling() -> None:
    assert unit_of("policy.retentionDays", None) == "days"
    assert unit_of("rule[0].days_per_year", None) == "year"  # the last unit word names it
    assert unit_of("rule[0].retention_value", {"retention_unit": "Hours", "retention_value": 3}) == "hours"
    assert unit_of("retention_value", {"retention_unit": "h"}) == "h"
    assert unit_of("retention_value", {"min_unit": "days", "max_unit": "hours"}) is None  # ambiguous
    assert unit_of("retention_value", {"retention_unit": "fortnights"}) is None


def test_the_enclosing_block_is_found_with_or_without_list_indices() -> None:
    values = {"rule": [{"keep": [{"days": 3, "unit": "d"}]}]}
    assert parent(values, "rule[0].keep[0].days") == {"days": 3, "unit": "d"}
    assert parent(values, "rule.keep.days") == {"days": 3, "unit": "d"}
    assert parent(values, "rule[3].keep[0].days") is None
    assert parent(values, "days") == values


def _plan(before: dict[str, Any], after: dict[str, Any], kind: str = "coldvault_copy_policy") -> list[dict[str, Any]]:
    return [resource(f"{kind}.nightly", after, before=before)]


def _policy(value: int, unit: str) -> dict[str, Any]:
    return {"name": "nightly-backups", "keep": [{"retention_value": value, "retention_unit": unit}]}


def test_a_cut_that_both_judgments_see_is_one_finding(tmp_path: Path) -> None:
    # Evidence (a sharp cut on what holds backups) and copies (under a week, to a quarter) both see this cut.
    result = review_rules_alone(tmp_path, _plan(_policy(30, "days"), _policy(1, "hours"), "coldvault_backup_policy"))
    assert result.label is Label.NEEDS_CLOSE_REVIEW
    assert [f.rule for f in result.findings].count("backup-reduced") == 1


def test_each_side_is_read_in_its_own_unit(tmp_path: Path) -> None:
    cut = review_rules_alone(tmp_path, _plan(_policy(2, "days"), _policy(12, "hours")))  # not 2 → 12 days
    assert [f.rule for f in cut.findings].count("backup-reduced") == 1


def test_the_same_or_longer_retention_written_in_another_unit_is_quiet(tmp_path: Path) -> None:
    assert review_rules_alone(tmp_path, _plan(_policy(48, "hours"), _policy(4, "days"))).label is Label.LIKELY_SAFE
    assert review_rules_alone(tmp_path, _plan(_policy(2, "days"), _policy(48, "hours"))).label is Label.LIKELY_SAFE
    assert review_rules_alone(tmp_path, _plan(_policy(30, "hours"), _policy(30, "days"))).label is Label.LIKELY_SAFE


def _backup_rules(tmp_path: Path, before: dict[str, Any], after: dict[str, Any], kind: str) -> list[str]:
    result = review_rules_alone(tmp_path, _plan(before, after, kind))
    return [f.severity.value for f in result.findings if f.rule == "backup-reduced"]


def test_a_cut_read_by_a_watch_a_control_and_the_judgment_is_one_finding_at_the_worst(tmp_path: Path) -> None:
    assert _backup_rules(tmp_path, {"name": "n", "retention_days": 30}, {"name": "n", "retention_days": 1},
                         "coldvault_backup_policy") == ["high"]
    # A modest cut by count (28 → 6) in a dev database: the curated watch says low, under a week of copies is high.
    dev = {"name": "db", "tags": {"env": "dev"}}
    assert _backup_rules(tmp_path, {**dev, "backup_retention_days": 28}, {**dev, "backup_retention_days": 6},
                         "quarry_database") == ["high"]


def test_two_attributes_cut_are_two_findings_and_a_modest_cut_stays_safe(tmp_path: Path) -> None:
    before = {"name": "audit", "retention_days": 400, "archive": [{"retention_days": 400}]}
    after = {"name": "audit", "retention_days": 1, "archive": [{"retention_days": 1}]}
    assert _backup_rules(tmp_path, before, after, "coldvault_log_sink") == ["high", "high"]
    modest = review_rules_alone(tmp_path, _plan({"name": "audit-dev", "tags": {"env": "dev"}, "retention_days": 30},
                                                {"name": "audit-dev", "tags": {"env": "dev"}, "retention_days": 14},
                                                "coldvault_log_sink"))
    assert modest.label is Label.LIKELY_SAFE
