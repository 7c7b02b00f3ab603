from __future__ import annotations

from tests.pipeline.test_changes import changeset
from tfreview.pipeline.changes import Action, Change, ChangeSet
from tfreview.pipeline.summary import count, estimate_tokens, ordered, summarize_for_prompt


def test_counts_of_a_mixed_real_plan() -> None:
    counts = count(changeset("mixed"))
    assert counts == {"create": 1, "update": 1, "delete": 1, "replace": 1, "read": 0, "no_op": 1,
                      "forget": 1, "import": 0, "move": 1, "drift": 0, "output_changes": 0}


def test_most_dangerous_first() -> None:
    actions = [c.action for c in ordered(changeset("mixed").changes)]
    assert actions == sorted(actions, key=lambda a: a.rank)
    assert actions[0] is Action.DELETE


def _big_changeset(n: int) -> ChangeSet:
    changes = [Change(address=f"aws_instance.web[{i}]", type="aws_instance", action=Action.UPDATE,
                      actions=["update"]) for i in range(n)]
    changes += [Change(address=f"aws_db_instance.db[{i}]", type="aws_db_instance", action=Action.DELETE,
                       actions=["delete"]) for i in range(7)]
    changes.append(Change(address="aws_kms_key.k", type="aws_kms_key", action=Action.REPLACE,
                          actions=["delete", "create"]))
    return ChangeSet(changes=changes)


def test_compression_keeps_every_delete_and_replace() -> None:
    summary = summarize_for_prompt(_big_changeset(3000), budget_tokens=1500)
    assert summary.level > 0 and summary.complete
    assert summary.tokens <= 1500
    for i in range(7):
        assert f"aws_db_instance.db[{i}]" in summary.text
    assert "aws_kms_key.k" in summary.text
    assert "3000 × aws_instance" in summary.text


def test_fits_uncompressed_when_small() -> None:
    summary = summarize_for_prompt(changeset("mixed"), budget_tokens=4000)
    assert summary.level == 0 and summary.complete


def test_reports_incomplete_when_even_the_risky_list_does_not_fit() -> None:
    summary = summarize_for_prompt(_big_changeset(10), budget_tokens=20)
    assert not summary.complete


def test_token_estimate_errs_high() -> None:
    assert estimate_tokens("x" * 300) >= 100
