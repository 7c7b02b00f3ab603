"""`tfreview dataset export`: recorded reviews and human verdicts → a chat-format SFT dataset."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("dataset")
def dataset_group() -> None:
    """Build fine-tuning data from reviews recorded with `--record DIR`."""


@dataset_group.command("export")
@click.option("--record", "record_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The directory given to `review --record`.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Training JSONL to write.")
@click.option("--val-out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a validation JSONL, split off deterministically.")
@click.option("--val-fraction", type=float, default=0.1, show_default=True,
              help="Share of examples for --val-out.")
@click.option("--min-agreement", is_flag=True,
              help="Keep only reviews a human labelled with `tfreview feedback` (agreed or corrected).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the train/validation split.")
@click.option("--format", "fmt", type=click.Choice(("messages", "text")), default="messages", show_default=True,
              help="`text` writes the conversation already in DeepSeek-R1 chat form, for trainers that would "
                   "apply the distill's chat template (which drops the reasoning).")
def export_command(record_dir: Path, out: Path, val_out: Path | None, val_fraction: float,
                   min_agreement: bool, seed: int, fmt: str) -> None:
    """Write {"messages": [user prompt, assistant <think>…</think> answer + VERDICT]} lines.

    The verdict is your label where `tfreview feedback` gave one, else the model's. Reviews of the
    same change-set count once; reviews without a prompt or reasoning are left out. Only masked
    text is written. Train with Unsloth, TRL or AutoTrain, then serve the GGUF with `tfreview
    modelfile`. The R1 distill tokenizers' chat template drops the reasoning of assistant turns:
    remove that step, or use `--format text` (see docs/models.md).

    \b
    Example:
      tfreview dataset export --record reviews/ --out train.jsonl --val-out val.jsonl --min-agreement
    """
    from tfreview.workflows.dataset import export_dataset

    stats = export_dataset(record_dir, out, val_out, val_fraction=val_fraction,
                           min_agreement=min_agreement, seed=seed, fmt=fmt)
    where = f"{out}" + (f" and {stats.validation} to {val_out}" if val_out else "")
    click.echo(f"tfreview: wrote {stats.train} examples to {where} from {stats.records} recorded reviews "
               f"({stats.agreed} agreed, {stats.corrected} corrected by a human; "
               f"{stats.duplicates} duplicate change-sets merged)", err=True)
    for reason, count in stats.skipped.items():
        click.echo(f"tfreview: left out {count} {reason}", err=True)
