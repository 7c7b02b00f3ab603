"""The transformers backend on a real GPU: a tiny random Qwen2 (R1-Distill-Qwen's architecture) in bf16 and NF4.

Skipped where torch, transformers or a CUDA GPU is missing (CI has none). The model directory is built
here: a Qwen2Config with tiny dimensions, random weights, and a BPE tokenizer trained on a few strings
with DeepSeek-R1-Distill's chat template shape (`<｜User｜>…<｜Assistant｜><think>\\n`). Random weights
write no verdict, so a review must end in a verdict or a clean fail-closed result, never a traceback.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")
pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU"),
    pytest.mark.filterwarnings("default"),  # transformers' own deprecation notices are not ours to fail on
]

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "fixtures" / "plans" / "update.json"
BOS, EOS, USER, ASSISTANT = "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>"
# The shape of DeepSeek-R1-Distill-Qwen's tokenizer_config.json chat_template (tool turns left out).
R1_TEMPLATE = (
    "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}"
    "{{bos_token}}{%- for message in messages %}"
    "{%- if message['role'] == 'user' %}{{'<｜User｜>' + message['content']}}{%- endif %}"
    "{%- if message['role'] == 'assistant' %}{% set content = message['content'] %}"
    "{% if '</think>' in content %}{% set content = content.split('</think>')[-1] %}{% endif %}"
    "{{'<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>'}}{%- endif %}{%- endfor %}"
    "{% if add_generation_prompt %}{{'<｜Assistant｜><think>\\n'}}{% endif %}"
)
CORPUS = [
    "Terraform will perform the following actions: aws_db_instance.main will be updated in-place",
    "VERDICT: LIKELY SAFE\n", "VERDICT: NEEDS CLOSE REVIEW\n", "<think>\nThe change only edits tags.\n</think>",
    '{"resource_changes": [{"address": "aws_s3_bucket.logs", "change": {"actions": ["update"]}}]}',
]


def build_tiny_model(directory: Path) -> Path:
    """Write a random tiny Qwen2 model and an R1-style tokenizer to DIRECTORY."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=600, special_tokens=[BOS, EOS, USER, ASSISTANT],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(CORPUS * 20, trainer)
    fast = transformers.PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=BOS, eos_token=EOS, pad_token=EOS)
    fast.add_tokens(["<think>", "</think>"])  # plain added tokens, as in R1's tokenizer
    fast.chat_template = R1_TEMPLATE
    fast.save_pretrained(directory)
    config = transformers.Qwen2Config(
        vocab_size=len(fast), hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, max_position_embeddings=32768, bos_token_id=fast.bos_token_id,
        eos_token_id=fast.eos_token_id, tie_word_embeddings=False,
    )
    torch.manual_seed(0)
    transformers.Qwen2ForCausalLM(config).to(torch.bfloat16).save_pretrained(directory)
    return directory


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-qwen2"))


def _review(model: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], float]:
    args = [sys.executable, "-c", "from tfreview.cli import main; main()", "review", str(PLAN), "--backend",
            "transformers", "--model-path", str(model), "--num-predict", "256", "--format", "json", "--no-cache",
            *extra]
    started = time.monotonic()
    done = subprocess.run(args, capture_output=True, text=True, timeout=600, env={**os.environ}, check=False)
    return done, time.monotonic() - started


def _check_result(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 1), done.stderr
    result = json.loads(done.stdout)
    assert result["model"]["backend"] == "transformers"
    if result["model"]["verdict"] is None:  # random weights: the review fails closed, with its cause
        assert result["label"] == "needs_close_review"
        assert result["errors"], result
    return result


@pytest.mark.parametrize("quantize", ["none", "4bit"], ids=["bf16", "nf4"])
def test_review_through_the_cli(tiny_model: Path, quantize: str) -> None:
    if quantize == "4bit" and importlib.util.find_spec("bitsandbytes") is None:
        pytest.skip("bitsandbytes is not installed")
    done, seconds = _review(tiny_model, "--quantize", quantize)
    result = _check_result(done)
    print(f"\n[{quantize}] exit {done.returncode} in {seconds:.1f}s: label={result['label']} "
          f"decided_by={result['decided_by']} errors={result['errors']}")


def test_nf4_loads_linear4bit_layers_and_generates(tiny_model: Path) -> None:
    if importlib.util.find_spec("bitsandbytes") is None:
        pytest.skip("bitsandbytes is not installed")
    import bitsandbytes as bnb

    from tfreview.backends.hf_runtime import load_runtime

    runtime = load_runtime(tiny_model, "4bit", "cuda")
    layers = [m for m in runtime.model.modules() if isinstance(m, bnb.nn.Linear4bit)]
    assert len(layers) == 2 * 7  # q, k, v, o, gate, up, down in each of the two layers
    seen: list[int] = []

    def never(ids: list[int]) -> bool:
        seen.append(len(ids))
        return False

    new, _ = runtime.generate(runtime.tokenizer.encode("VERDICT:", add_special_tokens=False), 8, 0.6, 0.95, never)
    assert 1 <= len(new) <= 8 and seen[0] == 1  # the stop check saw every new token


def test_stopping_criteria_fires_after_the_verdict_line(tiny_model: Path) -> None:
    from tfreview.backends.hf_runtime import _VerdictCriteria
    from tfreview.backends.transformers import VerdictWatch

    tokenizer = transformers.AutoTokenizer.from_pretrained(tiny_model, local_files_only=True)
    prompt = tokenizer.encode("<｜User｜>x<｜Assistant｜><think>\n", add_special_tokens=False)
    watch = VerdictWatch(lambda ids: tokenizer.decode(ids, skip_special_tokens=True), True, time.monotonic() + 60)
    criteria = _VerdictCriteria(watch, len(prompt))

    def after(text: str) -> bool:
        ids = torch.tensor([prompt + tokenizer.encode(text, add_special_tokens=False)], device="cuda")
        return bool(criteria(ids, torch.zeros(1, device="cuda"))[0])

    assert not after("VERDICT: LIKELY SAFE\n")  # inside the reasoning block
    assert not after("hmm</think>\nVERDICT: LIKELY SAFE")  # the line is not finished yet
    assert after("hmm</think>\nAll fine.\nVERDICT: LIKELY SAFE\n")
