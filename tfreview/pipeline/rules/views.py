"""Risk rules, lifecycle helper (delete and replace grading): a table object that is a view — its own `type` says
VIEW, or it carries a non-empty view query and no materialized one (BigQuery tables, Snowflake and Databricks views,
any provider) — is a saved query over other tables: deleting or re-making it loses the definition the configuration
still holds, and no data. A materialized view re-made computes its rows again from the same tables. So is a
dashboard: a saved layout of charts over data kept elsewhere, which pages nobody (the monitors beside it do, and are
judged on their own). ladders.py grades with it."""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.rules.common import as_list

DASHBOARDS = lazy_compile(r"(?:^|_)(?:dashboard|dashboards|workbook)(?:_|$)")


def _query(block: Any) -> bool:
    return any(isinstance(b, dict) and isinstance(b.get("query"), str) and b["query"].strip() for b in as_list(block))


def saved_query(change: Change) -> str | None:
    """Why this object holds no data, or None: it is a plain (not materialized) view, or a dashboard."""
    if DASHBOARDS.search(change.type):
        return "a dashboard: a saved layout of charts, it holds no data and pages nobody"
    before = change.before if isinstance(change.before, dict) else {}
    if _query(before.get("materialized_view")) or str(before.get("type", "")).upper() == "MATERIALIZED_VIEW":
        return None
    if str(before.get("type", "")).upper() == "VIEW" or _query(before.get("view")):
        return "a view: a saved query over other tables, it holds no data of its own"
    return None


def derived_rows(change: Change) -> str | None:
    """Why re-making this object loses nothing, or None: a materialized view keeps rows computed from its query over
    other tables, and the new one computes them again (a delete is graded on: it stops the refresh for good)."""
    after = change.after if isinstance(change.after, dict) else {}
    if _query(after.get("materialized_view")) or (str(after.get("type", "")).upper() == "MATERIALIZED_VIEW"
                                                  and isinstance(after.get("query"), str) and after["query"].strip()):
        return "a materialized view: its rows are computed from its query over other tables, and computed again"
    return None

