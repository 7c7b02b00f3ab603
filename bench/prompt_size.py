"""Prompt size against raw plan size, and proof that the compressed prompt still names what matters.

Run: python bench/prompt_size.py [N ...]   (default 100 1000 10000 50000)
For each generated plan: tokens of the raw `show -json` text and of the prompt (chars/3 for both, the
estimate tfreview budgets with), their ratio, the summary's compression level, whether it fits the
context, and whether every deleted or replaced address and every high finding's address is named.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import generate
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import prepare
from tfreview.pipeline.summary import estimate_tokens
from tfreview.settings import Settings

NUM_CTX = 8192


def risky_addresses(raw: bytes) -> set[str]:
    """Addresses the plan deletes or replaces."""
    return {rc["address"] for rc in orjson.loads(raw)["resource_changes"] if "delete" in rc["change"]["actions"]}


def measure(n: int, tmp: Path) -> str:
    """One row of the table."""
    raw = generate(n)
    path = tmp / f"plan-{n}.json"
    path.write_bytes(raw)
    prepared = prepare(path, Settings(num_ctx=NUM_CTX))
    prompt = prepared.prompt
    assert prompt is not None
    raw_tokens = estimate_tokens(raw.decode())
    risky = risky_addresses(raw)
    high = {f.address for f in prepared.findings if f.severity is Severity.HIGH and f.address}
    named = all(a in prompt.text for a in risky) and all(a in prompt.text for a in high)
    return (f"{n:>7} {raw_tokens:>11,} {prompt.tokens:>13,} {raw_tokens / prompt.tokens:>8.0f}x "
            f"{prompt.summary_level:>6} {'yes' if prompt.summary_complete else 'NO':>5} "
            f"{len(risky):>8} {len(high):>6} {'yes' if named else 'NO':>10}")


def main(sizes: list[int]) -> None:
    """Print the table."""
    print(f"num_ctx {NUM_CTX}; tokens estimated as chars/3 for both columns")
    print(f"{'changes':>7} {'raw tokens':>11} {'prompt tokens':>13} {'smaller':>9} {'level':>6} {'fits':>5} "
          f"{'del/repl':>8} {'high':>6} {'all named':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            print(measure(n, Path(tmp)), flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 1000, 10000, 50000])
