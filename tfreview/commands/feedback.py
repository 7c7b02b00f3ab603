"""`tfreview feedback`: store a human verdict on a recorded review, or list recorded runs."""

from __future__ import annotations

from pathlib import Path

import click

from tfreview.commands.tables import echo, table
from tfreview.errors import ConfigError

LABELS = ("likely_safe", "needs_close_review")
LISTED_RUNS = 20


@click.command("feedback")
@click.argument("run_id", required=False)
@click.option("--label", type=click.Choice(LABELS), help="Your verdict on the run.")
@click.option("--note", default="", help="Why, in a few words (stored with the verdict; do not paste secrets).")
@click.option("--record", "record_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The directory given to `review --record`.")
@click.option("--list", "list_runs", is_flag=True, help=f"List the last {LISTED_RUNS} recorded runs instead.")
def feedback_command(run_id: str | None, label: str | None, note: str, record_dir: Path, list_runs: bool) -> None:
    """Store your verdict on recorded run RUN_ID (a unique prefix, or `last`).

    \b
    Examples:
      tfreview review plan.json --record reviews/
      tfreview feedback --list --record reviews/
      tfreview feedback 3f2a9c --label needs_close_review --note "drops the prod DB" --record reviews/
    """
    if list_runs:
        _list(record_dir)
        return
    if not run_id or not label:
        raise ConfigError("give RUN_ID and --label likely_safe|needs_close_review (or --list to see runs)")
    from tfreview.labels import Label
    from tfreview.workflows.record import add_feedback

    record, feedback = add_feedback(record_dir, run_id, Label(label), note)
    said = record.model_verdict.text if record.model_verdict else "no verdict"
    agreement = "agrees with" if record.model_verdict is feedback.label else "corrects"
    click.echo(f"tfreview: stored {feedback.label.text} for run {record.run_id} ({record.source}); "
               f"it {agreement} the model ({said})", err=True)


def _list(record_dir: Path) -> None:
    from tfreview.workflows.record import load_feedback, load_reviews

    records = load_reviews(record_dir)[-LISTED_RUNS:]
    human = load_feedback(record_dir)
    grid = table("run", "time", "plan", "label", "model said", "your verdict")
    for r in records:
        given = human.get(r.run_id)
        grid.add_row(r.run_id[:12], r.timestamp, r.source, r.label.text,
                     r.model_verdict.text if r.model_verdict else "-", given.label.text if given else "-")
    echo(grid)
