"""`tfreview eval`: score rules alone, or rules + a model, on a labelled set of plans."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.table import Table

from tfreview.commands.options import BACKEND_NAMES
from tfreview.commands.tables import echo, table
from tfreview.errors import ConfigError

if TYPE_CHECKING:
    from tfreview.settings import Settings
    from tfreview.workflows.evaluate import EvalRun, Manifest, Row


@click.command("eval")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--labels", type=click.Path(dir_okay=False, path_type=Path),
              help="Labels manifest (fixtures/manifest.json format).  [default: DIR/manifest.json]")
@click.option("--backend", type=click.Choice(BACKEND_NAMES), help="`none` scores the rules alone.  [default: ollama]")
@click.option("--model", help="Model name on the server.  [default: deepseek-r1:8b]")
@click.option("--host", help="Ollama URL.  [default: $OLLAMA_HOST, then http://127.0.0.1:11434]")
@click.option("--base-url", help="OpenAI-compatible base URL for --backend openai.")
@click.option("--num-ctx", type=int, help="Context window sent to the model.  [default: 8192]")
@click.option("--timeout", type=float, help="Seconds to wait for each model answer.  [default: 600]")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Config file.  [default: nearest .tfreview.hcl above DIR]")
@click.option("--compare", "compare_config", type=click.Path(dir_okay=False, path_type=Path),
              help="Also score the configuration of this .tfreview.hcl, side by side.")
@click.option("--compare-backend", type=click.Choice(BACKEND_NAMES), help="Also score with this backend.")
@click.option("--compare-model", help="Also score with this model.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the scores as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No per-plan progress on stderr.")
def eval_command(directory: Path, labels: Path | None, config_path: Path | None, compare_config: Path | None,
                 compare_backend: str | None, compare_model: str | None, output: Path | None, quiet: bool,
                 **flags: Any) -> None:
    """Review every plan listed in --labels and compare the labels with the expected ones.

    Plan paths in the manifest are relative to DIR; a path that starts with DIR's own name is
    taken from DIR's parent. The verdict cache is not used, so a model answers every plan.

    A plan tfreview refuses (a malformed plan: exit 2 in `review`) counts as "needs close review".
    A plan the model could not judge (server unreachable, no usable verdict) is left out of the
    metrics and counted apart; the command then exits 1 after printing the scores.

    A second configuration runs when any --compare option is given: the same flags, with
    --compare-backend/--compare-model in place of --backend/--model and --compare in place of
    --config (flags still win over that file).

    \b
    Examples:
      tfreview eval fixtures --backend none                     # rules alone
      tfreview eval fixtures --model deepseek-r1:14b --output scores.json
      tfreview eval fixtures --backend none --compare-backend ollama
      tfreview eval plans/ --labels plans/labels.json --compare tuned.tfreview.hcl
    """
    from tfreview.workflows.evaluate import MANIFEST_NAME, EvalReport, load_manifest

    labels = labels or directory / MANIFEST_NAME
    manifest = load_manifest(labels)
    first = _settings(directory, flags, config_path)
    runs = [_run(manifest, directory, first, quiet)]
    if compare_config or compare_backend or compare_model:
        flags.update(backend=compare_backend or flags["backend"], model=compare_model or flags["model"])
        second = _settings(directory, flags, compare_config or config_path)
        runs.append(_run(manifest, directory, second, quiet, taken={runs[0].name}))
    families = [_families_table(run) for run in runs if run.families]
    echo(_rows_table(runs), "", *[_confusion_table(run) for run in runs], *families, _metrics_table(runs))
    if output:
        report = EvalReport(labels=str(labels), runs=runs)
        try:
            output.write_text(report.model_dump_json(indent=2) + "\n")
        except OSError as exc:
            raise ConfigError(f"cannot write {output}: {exc.strerror}") from exc
    problems = [line for run in runs if (line := _not_judged(run))]
    for line in problems:
        click.echo(f"tfreview: {line}", err=True)
    if problems:
        raise SystemExit(1)


def _settings(directory: Path, flags: dict[str, Any], config_path: Path | None) -> Settings:
    from tfreview.settings import resolve_settings

    settings = resolve_settings(flags, os.environ, plan_source=str(directory), config_path=config_path)
    # Every plan is really asked, and nothing is recorded: an evaluation must not feed the dataset.
    return settings.model_copy(update={"use_cache": False, "record_dir": None})


def _run(manifest: Manifest, directory: Path, settings: Settings, quiet: bool,
         taken: set[str] | None = None) -> EvalRun:
    from tfreview.workflows.evaluate import run_eval

    name = "rules only" if settings.backend == "none" else f"{settings.model} ({settings.backend})"
    if name in (taken or set()):
        name += f" [{settings.config_path or 'compare'}]"
    total = len(manifest.plans)

    def progress(index: int, row: Row) -> None:
        click.echo(f"tfreview: {name} {index}/{total} {row.path}: {row.got.text} ({row.time_s:.1f}s)", err=True)

    show = not quiet and settings.backend != "none"
    return run_eval(manifest, directory, settings, name=name, on_row=progress if show else None)


def _rows_table(runs: list[EvalRun]) -> Table:
    grid = table("plan", "expected", *[c for run in runs for c in (f"{run.name}", "by", "time")])
    for rows in zip(*[run.rows for run in runs], strict=True):
        cells = [rows[0].path, rows[0].expected.text]
        for row in rows:
            mark = "[green]✓[/]" if row.correct else "[bold red]✗[/]"
            got = f"{mark} {row.got.text}" if row.judged else f"[bold yellow]![/] not judged ({row.outcome})"
            cells += [got, row.decided_by, f"{row.time_s:.2f}s"]
        grid.add_row(*cells)
    return grid


def _confusion_table(run: EvalRun) -> Table:
    m = run.metrics
    grid = table("", "got likely safe", "got needs close review", title=f"\nconfusion matrix — {run.name}")
    grid.add_row("expected likely safe", str(m.true_negative), f"{m.false_positive} (false alarms)")
    grid.add_row("expected needs close review", f"{m.false_negative} (missed)", str(m.true_positive))
    return grid


def _families_table(run: EvalRun) -> Table:
    grid = table("family", "plans", "result", title=f"\nper family — {run.name}")
    for name, m in run.families.items():
        if name.split("-")[0] == "benign":
            result = f"false alarms {_share(m.false_alarm_rate, m.false_positive, m.false_positive + m.true_negative)}"
        else:
            result = f"recall {_share(m.recall_needs_review, m.true_positive, m.true_positive + m.false_negative)}"
        skipped = f", {m.not_judged} not judged" if m.not_judged else ""
        grid.add_row(name, str(m.total + m.not_judged), result + skipped)
    return grid


def _not_judged(run: EvalRun) -> str:
    """One line on the plans RUN could not judge, or '' when it judged them all."""
    failed = run.failures
    if not failed:
        return ""
    total = len(run.rows)
    kinds = {r.outcome for r in failed}
    if kinds == {"unreachable"}:
        why = f"the model could not be reached ({failed[0].errors[0] if failed[0].errors else 'no answer'})"
        hint = "; start the server or pass --backend none to score the rules alone"
    else:
        why = "; ".join(sorted({r.errors[0] for r in failed if r.errors}))[:500]
        hint = ""
    return (f"{len(failed)} of {total} plans could not be judged by {run.name} and are left out of the "
            f"scores: {why}{hint}")


def _metrics_table(runs: list[EvalRun]) -> Table:
    grid = table("", *[run.name for run in runs], title="")
    m = [run.metrics for run in runs]
    grid.add_row("recall of needs close review", *[_share(x.recall_needs_review, x.true_positive,
                                                          x.true_positive + x.false_negative) for x in m])
    grid.add_row("false-alarm rate", *[_share(x.false_alarm_rate, x.false_positive,
                                              x.false_positive + x.true_negative) for x in m])
    grid.add_row("accuracy", *[_share(x.accuracy, x.true_positive + x.true_negative, x.total) for x in m])
    grid.add_row("not judged (model failed or tfreview crashed)", *[str(x.not_judged) for x in m])
    grid.add_row("time", *[f"{run.duration_s:.1f}s for {len(run.rows)} plans" for run in runs])
    return grid


def _share(rate: float | None, part: int, whole: int) -> str:
    return "n/a (no such plans)" if rate is None else f"{rate:.1%} ({part}/{whole})"
