"""Turn recorded reviews and human verdicts into a chat-format SFT dataset (Unsloth, AutoTrain, TRL).

Each line is `{"messages": [{"role": "user", ...}, {"role": "assistant", ...}]}`: the user turn is the
recorded (masked) prompt, the assistant turn is `<think>\\n{reasoning}\\n</think>\\n\\n{explanation}\\n\\n
VERDICT: ...`, the shape a DeepSeek-R1 distill emits and `verdict.py` parses. The verdict is the human
label when one was given, else the model's. No system turn: R1 distills take every instruction in
the user turn (DeepSeek-R1 usage recommendations).

`--format text` writes `{"text": ...}` instead: the conversation already in the DeepSeek-R1 chat format,
for trainers that would otherwise apply the distill tokenizers' chat template, which drops everything
up to `</think>` from assistant turns (so the reasoning would never be learned).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from tfreview.errors import ConfigError
from tfreview.labels import Label
from tfreview.pipeline.verdict import CLOSE_TAG, OPEN_TAG
from tfreview.workflows.record import Feedback, ReviewRecord, load_feedback, load_reviews

FORMATS = ("messages", "text")
# The DeepSeek-R1 distill chat tokens (tokenizer_config.json; Ollama template/deepseek.gotmpl). No BOS:
# tokenizers add it themselves.
USER_TOKEN, ASSISTANT_TOKEN, EOS_TOKEN = "<｜User｜>", "<｜Assistant｜>", "<｜end▁of▁sentence｜>"


@dataclass(frozen=True)
class Example:
    """One training conversation and where it came from."""

    changeset_hash: str
    run_id: str
    prompt: str
    answer: str
    human: bool

    def to_json(self, fmt: str = "messages") -> str:
        """The JSONL line: chat messages, or the conversation as DeepSeek-R1 chat text."""
        if fmt == "text":
            text = f"{USER_TOKEN}{self.prompt}{ASSISTANT_TOKEN}{self.answer}{EOS_TOKEN}"
            return json.dumps({"text": text}, ensure_ascii=False)
        messages = [{"role": "user", "content": self.prompt}, {"role": "assistant", "content": self.answer}]
        return json.dumps({"messages": messages}, ensure_ascii=False)


@dataclass
class ExportStats:
    """How many records became examples, and why the others did not."""

    records: int = 0
    train: int = 0
    validation: int = 0
    agreed: int = 0
    corrected: int = 0
    duplicates: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        """Count one record left out for REASON."""
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


def assistant_text(reasoning: str, explanation: str, label: Label) -> str:
    """The answer a DeepSeek-R1 distill should learn to give."""
    verdict = f"VERDICT: {label.text.upper()}"
    parts = [f"{OPEN_TAG}\n{reasoning.strip()}\n{CLOSE_TAG}", explanation.strip(), verdict]
    return "\n\n".join(p for p in parts if p)


def build_examples(records: list[ReviewRecord], feedback: dict[str, Feedback], *,
                   min_agreement: bool = False) -> tuple[list[Example], ExportStats]:
    """Usable examples, one per change-set (a human-labelled record first, then the newest)."""
    stats = ExportStats(records=len(records))
    best: dict[str, tuple[tuple[bool, str], Example]] = {}
    for record in records:
        example = _example(record, feedback.get(record.run_id), min_agreement, stats)
        if example is None:
            continue
        rank = (example.human, record.timestamp)
        held = best.get(record.changeset_hash)
        if held is not None:
            stats.duplicates += 1
            if held[0] >= rank:
                continue
        best[record.changeset_hash] = (rank, example)
    examples = [example for _, example in best.values()]
    _count_agreement(examples, records, feedback, stats)
    return examples, stats


def split(examples: list[Example], val_fraction: float, seed: int) -> tuple[list[Example], list[Example]]:
    """A deterministic train/validation split: examples ranked by a seeded hash of their change-set."""
    if not 0 <= val_fraction < 1:
        raise ConfigError(f"--val-fraction {val_fraction} must be at least 0 and below 1")
    ranked = sorted(examples, key=lambda e: hashlib.sha256(f"{seed}:{e.changeset_hash}".encode()).hexdigest())
    size = round(len(ranked) * val_fraction)
    if val_fraction and len(ranked) >= 2:
        size = max(size, 1)
    validation = ranked[:size]
    chosen = {e.changeset_hash for e in validation}
    return [e for e in examples if e.changeset_hash not in chosen], validation


def export_dataset(record_dir: Path, out: Path, val_out: Path | None = None, *, val_fraction: float = 0.1,
                   min_agreement: bool = False, seed: int = 0, fmt: str = "messages") -> ExportStats:
    """Write the dataset (and a validation file when VAL_OUT is given); return what was kept."""
    examples, stats = build_examples(load_reviews(record_dir), load_feedback(record_dir),
                                     min_agreement=min_agreement)
    if not examples:
        reasons = ", ".join(f"{n} {why}" for why, n in stats.skipped.items()) or "no records"
        raise ConfigError(f"no usable examples in {record_dir} ({reasons}) — record reviews with a model, "
                          "and label some with `tfreview feedback`")
    train, validation = split(examples, val_fraction, seed) if val_out else (examples, [])
    _write(out, train, fmt)
    if val_out:
        _write(val_out, validation, fmt)
    stats.train, stats.validation = len(train), len(validation)
    return stats


def _example(record: ReviewRecord, human: Feedback | None, min_agreement: bool,
             stats: ExportStats) -> Example | None:
    """The example a record gives, or None (counted in STATS) when it cannot teach anything."""
    label = human.label if human else record.model_verdict
    reason = _skip_reason(record, human, min_agreement)
    if reason is None and record.prompt and label is not None:
        answer = assistant_text(record.reasoning, record.explanation, label)
        return Example(record.changeset_hash, record.run_id, record.prompt, answer, human is not None)
    stats.skip(reason or "without any verdict")
    return None


def _skip_reason(record: ReviewRecord, human: Feedback | None, min_agreement: bool) -> str | None:
    if not record.prompt:
        return "without a prompt (rules only)"
    if not record.reasoning.strip():
        return "without reasoning (it would teach the model to skip thinking)"
    if min_agreement and human is None:
        return "without a human verdict (--min-agreement)"
    return None


def _count_agreement(examples: list[Example], records: list[ReviewRecord], feedback: dict[str, Feedback],
                     stats: ExportStats) -> None:
    said = {r.run_id: r.model_verdict for r in records}
    for example in examples:
        if example.human:
            if feedback[example.run_id].label is said[example.run_id]:
                stats.agreed += 1
            else:
                stats.corrected += 1


def _write(path: Path, examples: list[Example], fmt: str) -> None:
    try:
        path.write_text("".join(e.to_json(fmt) + "\n" for e in examples), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror}") from exc
