"""The rules stage's two pieces side by side (forked.py): the same answer as one after the other, in every case."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from bench.generate import generate
from tfreview.pipeline import forked
from tfreview.pipeline.forked import side_by_side

can_fork = pytest.mark.skipif(sys.platform != "linux" or (os.cpu_count() or 1) < 2, reason="forks on Linux only")


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fork allowed whatever threads earlier tests left running (a served double): these pieces take no lock."""
    monkeypatch.setattr(forked, "_can_fork", lambda: True)


@can_fork
@pytest.mark.usefixtures("forking")
def test_the_first_piece_runs_in_a_copy_and_its_answer_comes_back() -> None:
    parent = os.getpid()
    (child, numbers), here = side_by_side(lambda: (os.getpid(), list(range(100_000))), os.getpid, worth_it=True)
    assert here == parent and child != parent  # it ran elsewhere
    assert numbers == list(range(100_000))  # more than a pipe holds at once


def test_not_worth_it_runs_both_here() -> None:
    assert side_by_side(os.getpid, os.getpid, worth_it=False) == (os.getpid(), os.getpid())


def test_turned_off_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFREVIEW_SERIAL", "1")
    assert side_by_side(os.getpid, os.getpid, worth_it=True) == (os.getpid(), os.getpid())


@can_fork
@pytest.mark.usefixtures("forking")
def test_an_exception_in_the_copy_is_raised_here_as_it_always_was() -> None:
    def fails() -> int:
        raise RecursionError("deep")
    with pytest.raises(RecursionError):
        side_by_side(fails, lambda: 1, worth_it=True)


@can_fork
@pytest.mark.usefixtures("forking")
def test_an_answer_that_cannot_travel_is_computed_here() -> None:
    first, _ = side_by_side(lambda: (lambda: os.getpid()), lambda: None, worth_it=True)  # a lambda does not pickle
    assert first() == os.getpid()


def test_a_fork_the_machine_refuses_runs_both_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused() -> int:
        raise OSError("no more processes")
    monkeypatch.setattr(forked.os, "fork", refused)
    monkeypatch.setattr(forked, "_can_fork", lambda: True)
    assert side_by_side(lambda: 1, lambda: 2, worth_it=True) == (1, 2)


@can_fork
def test_a_large_plan_gets_the_same_findings_side_by_side(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tfreview.pipeline.review import review
    from tfreview.settings import Settings

    plan = tmp_path / "plan.json"
    plan.write_bytes(generate(1500))
    forks: list[int] = []
    real_fork = os.fork
    monkeypatch.setattr(forked, "_can_fork", lambda: True)
    monkeypatch.setattr(forked.os, "fork", lambda: forks.append(1) or real_fork())
    apart = review(plan, Settings(backend="none"))
    assert forks  # the plan-wide rules ran in the copy
    monkeypatch.setattr(forked, "_can_fork", lambda: False)
    together = review(plan, Settings(backend="none"))
    assert apart.findings and apart.findings == together.findings
