"""`tfreview eval` on the labelled fixtures: rules alone, a model (the Ollama double), side by side."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.cli_commands import run
from tests.helpers import ROOT, closed_port_url
from tests.ollama_double import OllamaDouble
from tfreview.labels import Label
from tfreview.pipeline.review import review
from tfreview.settings import Settings
from tfreview.workflows.evaluate import EvalReport, LabelledPlan, Row, by_family, load_manifest, metrics, run_eval

FIXTURES = ROOT / "fixtures"
MANIFEST = FIXTURES / "manifest.json"
SAFE, RISKY = Label.LIKELY_SAFE.value, Label.NEEDS_CLOSE_REVIEW.value
UNSAFE_ANSWER = "A stateful resource changes.\n\nVERDICT: NEEDS CLOSE REVIEW"
# Plans as labelled in fixtures/manifest.json (terraform_data is a helper type: deleting one is routine).
SMALL = [("create.json", SAFE), ("update.json", SAFE), ("delete.json", SAFE), ("failing_check.json", RISKY)]


def manifest_entries() -> list[dict[str, Any]]:
    return list(json.loads(MANIFEST.read_text())["plans"])


def rules_only_labels() -> list[str]:
    """What the rules alone say about every manifest plan, computed without eval."""
    return [review(ROOT / e["path"], Settings(backend="none")).label.value for e in manifest_entries()]


def expected_confusion(got: list[str]) -> dict[str, dict[str, int]]:
    pairs = Counter(zip([e["expected"] for e in manifest_entries()], got, strict=True))
    return {e: {g: pairs[(e, g)] for g in (SAFE, RISKY)} for e in (SAFE, RISKY)}


def evaluate(*args: Any, output: Path) -> EvalReport:
    result = run("eval", *args, "--output", output)
    assert result.exit_code == 0, result.stderr
    return EvalReport.model_validate_json(output.read_text())


def small_manifest(tmp_path: Path) -> Path:
    path = tmp_path / "labels.json"
    path.write_text(json.dumps({"version": 1, "plans": [{"path": p, "expected": e} for p, e in SMALL]}))
    return path


def test_rules_only_numbers_match_the_manifest(tmp_path: Path) -> None:
    report = evaluate(FIXTURES, "--backend", "none", output=tmp_path / "out.json")
    [rules] = report.runs
    entries = manifest_entries()
    assert [(r.path, r.expected.value) for r in rules.rows] == [(e["path"], e["expected"]) for e in entries]
    got = rules_only_labels()
    assert [r.got.value for r in rules.rows] == got
    assert rules.metrics.confusion == expected_confusion(got)
    m = rules.metrics
    risky = sum(e["expected"] == RISKY for e in entries)
    assert m.total == len(entries) and m.true_positive + m.false_negative == risky
    assert m.recall_needs_review == round(m.true_positive / risky, 4)
    assert m.false_alarm_rate == round(m.false_positive / (len(entries) - risky), 4)
    assert {r.decided_by for r in rules.rows} == {"rules"} and rules.model is None


def test_manifest_at_the_repo_root_works_from_the_root_too(tmp_path: Path) -> None:
    from_fixtures = evaluate(FIXTURES, "--backend", "none", output=tmp_path / "a.json")
    from_root = evaluate(ROOT, "--labels", MANIFEST, "--backend", "none", output=tmp_path / "b.json")
    assert from_root.runs[0].metrics == from_fixtures.runs[0].metrics


def test_report_on_stdout(tmp_path: Path) -> None:
    result = run("eval", FIXTURES, "--backend", "none")
    assert result.exit_code == 0
    assert "fixtures/corpus/aws/rds_delete.json" in result.stdout
    assert "confusion matrix — rules only" in result.stdout
    assert "recall of needs close review" in result.stdout and "false-alarm rate" in result.stdout
    assert result.stderr == "", "rules-only runs print no progress"


def test_a_model_that_agrees_changes_nothing_but_who_decided(ollama: OllamaDouble, tmp_path: Path) -> None:
    report = evaluate(FIXTURES, "--host", ollama.url, "--timeout", "10", "-q", output=tmp_path / "out.json")
    [model] = report.runs
    assert model.metrics.confusion == expected_confusion(rules_only_labels())
    asked = [r for r in model.rows if r.model_verdict is not None]
    assert len(asked) == len(ollama.chat_bodies) > 0
    assert all(r.decided_by in ("model", "rules") for r in model.rows)
    assert model.model == "deepseek-r1:8b" and model.backend == "ollama"


def test_a_model_that_flags_everything_it_is_asked(ollama: OllamaDouble, tmp_path: Path) -> None:
    ollama.chat_thinking(content=UNSAFE_ANSWER)
    report = evaluate(FIXTURES, "--host", ollama.url, "--timeout", "10", "-q", output=tmp_path / "out.json")
    [model] = report.runs
    rules = rules_only_labels()
    got = [RISKY if row.model_verdict is not None else rule for row, rule in zip(model.rows, rules, strict=True)]
    assert [r.got.value for r in model.rows] == got
    assert model.metrics.confusion == expected_confusion(got)
    assert model.metrics.recall_needs_review == 1.0


def test_compare_backends_side_by_side(ollama: OllamaDouble, tmp_path: Path) -> None:
    labels = small_manifest(tmp_path)
    ollama.chat_thinking(content=UNSAFE_ANSWER)
    result = run("eval", FIXTURES / "plans", "--labels", labels, "--backend", "none", "--compare-backend", "ollama",
                 "--host", ollama.url, "--output", tmp_path / "out.json")
    assert result.exit_code == 0, result.stderr
    rules, model = EvalReport.model_validate_json((tmp_path / "out.json").read_text()).runs
    assert (rules.name, model.name) == ("rules only", "deepseek-r1:8b (ollama)")
    assert [r.got.value for r in rules.rows] == [SAFE, SAFE, SAFE, RISKY]
    assert [r.got.value for r in model.rows] == [RISKY] * 4
    assert (model.metrics.false_alarm_rate, rules.metrics.false_alarm_rate) == (1.0, 0.0)
    assert model.metrics.recall_needs_review == rules.metrics.recall_needs_review == 1.0
    assert "rules only" in result.stdout and "deepseek-r1:8b (ollama)" in result.stdout
    assert "deepseek-r1:8b (ollama) 4/4 failing_check.json: needs close review" in result.stderr


def test_compare_a_second_config_file(ollama: OllamaDouble, tmp_path: Path) -> None:
    labels = small_manifest(tmp_path)
    other = tmp_path / "tuned.tfreview.hcl"
    other.write_text('model = "tfreview-r1"\nnum_ctx = 16384\n')
    report = evaluate(FIXTURES / "plans", "--labels", labels, "--host", ollama.url, "-q", "--compare", other,
                      output=tmp_path / "out.json")
    first, second = report.runs
    assert (first.model, second.model, second.num_ctx) == ("deepseek-r1:8b", "tfreview-r1", 16384)
    assert {b["model"] for b in ollama.chat_bodies} == {"deepseek-r1:8b", "tfreview-r1"}


def test_same_configuration_twice_gets_distinct_names(tmp_path: Path) -> None:
    labels = small_manifest(tmp_path)
    report = evaluate(FIXTURES / "plans", "--labels", labels, "--backend", "none", "--compare-backend", "none",
                      output=tmp_path / "out.json")
    assert report.runs[0].name != report.runs[1].name


def test_eval_neither_caches_nor_records(ollama: OllamaDouble, tmp_path: Path, private_cache: Path) -> None:
    labels = small_manifest(tmp_path)
    for _ in range(2):
        assert run("eval", FIXTURES / "plans", "--labels", labels, "--host", ollama.url, "-q").exit_code == 0
    assert len(ollama.chat_bodies) == 2 * len(SMALL), "every plan is asked again: the cache is not used"
    assert not private_cache.exists() or not any(private_cache.rglob("*.json"))


@pytest.mark.parametrize(
    ("manifest", "says"),
    [
        ({"version": 1, "plans": [{"path": "nope.json", "expected": SAFE}]}, "plan nope.json not found under"),
        ({"version": 2, "plans": []}, "is not a labels manifest (version"),
        ({"version": 1, "plans": [{"path": "create.json", "expected": "fine"}]}, "plans.0.expected"),
    ],
    ids=["missing-plan", "wrong-version", "bad-label"],
)
def test_bad_manifests_exit_2(tmp_path: Path, manifest: dict[str, Any], says: str) -> None:
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps(manifest))
    result = run("eval", FIXTURES / "plans", "--labels", labels, "--backend", "none")
    assert result.exit_code == 2 and says in result.stderr and "Traceback" not in result.stderr


def test_missing_default_manifest_exits_2(tmp_path: Path) -> None:
    result = run("eval", tmp_path, "--backend", "none")
    assert result.exit_code == 2 and "cannot read labels file" in result.stderr


def test_expected_rules_that_did_not_fire_are_reported(tmp_path: Path) -> None:
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"version": 1, "plans": [
        {"path": "failing_check.json", "expected": RISKY, "rules": ["check-failed", "no-such-rule"]}]}))
    report = run_eval(load_manifest(labels), FIXTURES / "plans", Settings(backend="none"))
    assert report.rows[0].missing_rules == ["no-such-rule"]


def test_metrics_without_plans_of_a_kind_are_none() -> None:
    row = Row(path="a", expected=Label.LIKELY_SAFE, got=Label.LIKELY_SAFE, decided_by="rules", time_s=0)
    m = metrics([row])
    assert (m.recall_needs_review, m.false_alarm_rate, m.accuracy) == (None, 0.0, 1.0)
    assert LabelledPlan(path="x", expected=Label.LIKELY_SAFE).rules == []


def test_a_dead_server_is_not_judged_and_exits_1(tmp_path: Path) -> None:
    labels = small_manifest(tmp_path)
    url = closed_port_url()
    result = run("eval", FIXTURES / "plans", "--labels", labels, "--host", url, "--timeout", "5", "-q",
                 "--output", tmp_path / "out.json")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "4 of 4 plans could not be judged" in result.stderr
    assert "the model could not be reached" in result.stderr and url in result.stderr
    assert "--backend none" in result.stderr
    [model] = EvalReport.model_validate_json((tmp_path / "out.json").read_text()).runs
    assert {r.outcome for r in model.rows} == {"unreachable"}
    assert model.metrics.total == 0 and model.metrics.not_judged == 4
    assert model.metrics.recall_needs_review is None and model.metrics.accuracy is None, "no score from no answers"
    assert "not judged (unreachable)" in result.stdout


def test_a_model_without_a_verdict_is_an_error_not_a_verdict(ollama: OllamaDouble, tmp_path: Path) -> None:
    labels = small_manifest(tmp_path)
    ollama.chat_thinking(content="It depends on the context.")
    result = run("eval", FIXTURES / "plans", "--labels", labels, "--host", ollama.url, "-q",
                 "--output", tmp_path / "out.json")
    assert result.exit_code == 1
    assert "4 of 4 plans could not be judged by deepseek-r1:8b (ollama)" in result.stderr
    assert "no usable verdict" in result.stderr
    [model] = EvalReport.model_validate_json((tmp_path / "out.json").read_text()).runs
    assert {r.outcome for r in model.rows} == {"model_error"}
    assert all(r.got.value == RISKY for r in model.rows), "each review still failed closed"
    assert model.metrics.false_positive == 0 and model.metrics.not_judged == 4


def test_rules_only_with_a_model_compared_keeps_both_counts(tmp_path: Path) -> None:
    labels = small_manifest(tmp_path)
    result = run("eval", FIXTURES / "plans", "--labels", labels, "--backend", "none", "--compare-backend", "ollama",
                 "--host", closed_port_url(), "--timeout", "5", "-q", "--output", tmp_path / "out.json")
    assert result.exit_code == 1
    rules, model = EvalReport.model_validate_json((tmp_path / "out.json").read_text()).runs
    assert rules.metrics.not_judged == 0 and rules.metrics.total == 4
    assert model.metrics.not_judged == 4
    assert result.stderr.count("could not be judged") == 1, "only the run that failed is reported"


def test_a_refused_plan_counts_as_needs_close_review(tmp_path: Path) -> None:
    (tmp_path / "cut.json").write_text('{"format_version": "1.2", "resource_changes": [')
    (tmp_path / "safe_but_broken.json").write_text("[]")
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"version": 1, "plans": [
        {"path": "cut.json", "expected": RISKY, "family": "malformed"},
        {"path": "safe_but_broken.json", "expected": SAFE, "family": "benign-malformed"}]}))
    result = run("eval", tmp_path, "--labels", labels, "--backend", "none", "--output", tmp_path / "out.json")
    assert result.exit_code == 0, result.stderr
    [rules] = EvalReport.model_validate_json((tmp_path / "out.json").read_text()).runs
    assert [(r.outcome, r.got.value, r.decided_by) for r in rules.rows] == [("plan_error", RISKY, "error")] * 2
    assert rules.rows[0].errors and "cut.json" in rules.rows[0].errors[0]
    assert (rules.metrics.true_positive, rules.metrics.false_positive) == (1, 1), "never counted as likely safe"


def test_a_crash_on_one_plan_is_reported_and_the_run_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tfreview.workflows.evaluate as evaluate_module

    def review_that_breaks(path: Path, *args: Any) -> Any:
        if path.name == "update.json":
            raise KeyError("surprise")
        return review(path, *args)

    monkeypatch.setattr(evaluate_module, "review", review_that_breaks)
    report = run_eval(load_manifest(small_manifest(tmp_path)), FIXTURES / "plans", Settings(backend="none"))
    assert [r.outcome for r in report.rows] == ["judged", "crash", "judged", "judged"]
    assert "KeyError" in report.rows[1].errors[0] and report.metrics.not_judged == 1
    assert report.metrics.total == 3


def test_per_family_numbers(tmp_path: Path) -> None:
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"version": 1, "plans": [
        {"path": "create.json", "expected": SAFE, "family": "benign-exposure"},
        {"path": "failing_check.json", "expected": RISKY, "family": "destruction"},
        {"path": "delete.json", "expected": RISKY, "family": "destruction"},
        {"path": "update.json", "expected": SAFE}]}))
    result = run("eval", FIXTURES / "plans", "--labels", labels, "--backend", "none", "--output", tmp_path / "o.json")
    assert result.exit_code == 0, result.stderr
    [rules] = EvalReport.model_validate_json((tmp_path / "o.json").read_text()).runs
    assert list(rules.families) == ["benign-exposure", "destruction"], "plans without a family are in no family"
    assert rules.families["destruction"].recall_needs_review == 0.5
    assert rules.families["benign-exposure"].false_alarm_rate == 0.0
    assert "per family — rules only" in result.stdout
    assert "recall 50.0% (1/2)" in result.stdout and "false alarms 0.0% (0/1)" in result.stdout


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ({"path": "create.json", "expected": RISKY, "family": "benign-exposure"}, "is for plans expected likely_safe"),
        ({"path": "create.json", "expected": SAFE, "family": "exposure"}, "is for plans expected needs_close_review"),
        ({"path": "create.json", "expected": SAFE, "family": "Benign Exposure"}, "plans.0.family"),
    ],
    ids=["benign-but-risky", "risky-but-safe", "bad-name"],
)
def test_family_must_match_the_label(tmp_path: Path, entry: dict[str, Any], says: str) -> None:
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"version": 1, "plans": [entry]}))
    result = run("eval", FIXTURES / "plans", "--labels", labels, "--backend", "none")
    assert result.exit_code == 2 and says in result.stderr and "Traceback" not in result.stderr


def test_metrics_leave_out_rows_that_were_not_judged() -> None:
    def row(expected: Label, got: Label, outcome: Any, family: str = "x") -> Row:
        return Row(path="p", expected=expected, got=got, decided_by="error", time_s=0, outcome=outcome, family=family)

    risky, safe = Label.NEEDS_CLOSE_REVIEW, Label.LIKELY_SAFE
    rows = [row(risky, risky, "judged"), row(safe, risky, "unreachable"), row(safe, risky, "model_error"),
            row(risky, risky, "plan_error"), row(risky, safe, "judged", "y")]
    m = metrics(rows)
    assert (m.total, m.not_judged, m.true_positive, m.false_negative, m.false_positive) == (3, 2, 2, 1, 0)
    assert m.false_alarm_rate is None
    assert {k: (v.total, v.not_judged) for k, v in by_family(rows).items()} == {"x": (2, 2), "y": (1, 0)}
