"""The curated rules' unit tests judge the curated rules: the learned `resembles-risky` (resemblance.py) is off here
but in its own tests and the rule-fixture tests, unless pytest runs with `--with-learned`.

Each curated detector's benign look-alikes are small hand-written changes (a switch turned off that guards
nothing, a word that is no control); the learned rule reads some of them as it reads risky plans (a value turned
`off` weighs towards risky wherever no curated line reads the attribute). Its false alarms are measured where they
mean something, on held-out sets and on the labelled corpus (tests/workflows/test_incidents.py lists each), and
`pytest tests/pipeline --with-learned` shows which look-alikes here it flags (session 26: see the closing note)."""

from __future__ import annotations

import pytest

from tfreview.pipeline.rules import resemblance

KEEPS_THE_LEARNED_RULE = {"test_resemblance.py", "test_rules.py", "test_rules_probes.py"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--with-learned", action="store_true", help="keep resembles-risky on in every pipeline test")


@pytest.fixture(autouse=True)
def curated_rules_only(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.config.getoption("--with-learned") or request.path.name in KEEPS_THE_LEARNED_RULE:
        return
    monkeypatch.setattr(resemblance, "THRESHOLD", float("inf"))
