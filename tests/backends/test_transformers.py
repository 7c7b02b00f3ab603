"""The transformers backend without torch: a fake model/tokenizer pair through the `loader` seam.

Covers prompt building with the model's own chat template, the reasoning split (also when the template
opens <think>), the stop after the verdict line, keeping the text without a verdict, and every failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.backends.transformers_fake import PLAIN_TEMPLATE, fake_loader, write_model_dir
from tests.cli_commands import run
from tests.helpers import ROOT, plan_path
from tfreview import errors
from tfreview.backends import get_backend
from tfreview.backends.base import BackendSettings
from tfreview.backends.transformers import TOP_P, TransformersBackend, VerdictWatch, verdict_closed
from tfreview.labels import DecidedBy, Label
from tfreview.pipeline.review import review
from tfreview.settings import Settings

ANSWER = "The plan only edits tags.\n</think>\nTags change on one bucket.\nVERDICT: LIKELY SAFE\nAnything after."


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    return write_model_dir(tmp_path / "DeepSeek-R1-Distill-Qwen-14B")


def _chat(model_dir: Path, script: str, prompt: str = "Review this plan.", **options: Any) -> tuple[Any, Any]:
    settings_options = {k: options.pop(k) for k in ("num_predict", "timeout_s", "temperature") if k in options}
    load, made = fake_loader(script, **options)
    settings = BackendSettings(model_path=str(model_dir), **settings_options)
    return TransformersBackend(load).chat(prompt, settings), made[0]


def test_registered_under_its_name() -> None:
    assert isinstance(get_backend("transformers"), TransformersBackend)


def test_prompt_is_the_models_own_chat_template_with_r1_sampling(model_dir: Path) -> None:
    reply, runtime = _chat(model_dir, ANSWER, prompt="Review <this> plan.")
    rendered = "<｜begin▁of▁sentence｜><｜User｜>Review <this> plan.<｜Assistant｜><think>\n"
    assert runtime.tokenizer.rendered == [rendered]
    call = runtime.calls[0]
    assert call["prompt_ids"] == [ord(c) for c in runtime.tokenizer.rendered[0]]
    assert (call["temperature"], call["top_p"], call["max_new_tokens"]) == (0.6, TOP_P, 4096)
    assert reply.prompt_tokens == len(call["prompt_ids"])


def test_reasoning_split_when_the_template_opens_think(model_dir: Path) -> None:
    reply, _ = _chat(model_dir, ANSWER)
    assert reply.thinking == "The plan only edits tags."
    assert reply.content == "Tags change on one bucket.\nVERDICT: LIKELY SAFE"


def test_reasoning_split_when_the_model_opens_think_itself(tmp_path: Path) -> None:
    model = write_model_dir(tmp_path / "plain", template=PLAIN_TEMPLATE)
    reply, runtime = _chat(model, "<think>Only tags.</think>\nFine.\nVERDICT: NEEDS CLOSE REVIEW\n")
    assert runtime.tokenizer.rendered[0].endswith("<|assistant|>")
    assert (reply.thinking, reply.content) == ("Only tags.", "Fine.\nVERDICT: NEEDS CLOSE REVIEW")


def test_generation_stops_on_the_newline_after_the_verdict(model_dir: Path) -> None:
    reply, _ = _chat(model_dir, ANSWER)
    assert "Anything after" not in reply.content
    assert reply.completion_tokens == len(ANSWER.split("Anything")[0])
    assert reply.done_reason == "stop"


def test_a_verdict_inside_the_reasoning_does_not_stop(model_dir: Path) -> None:
    script = "Maybe\nVERDICT: LIKELY SAFE\nbut no.\n</think>\nA database is replaced.\nVERDICT: NEEDS CLOSE REVIEW\nx"
    reply, _ = _chat(model_dir, script)
    assert reply.content == "A database is replaced.\nVERDICT: NEEDS CLOSE REVIEW"
    assert "VERDICT: LIKELY SAFE" in reply.thinking


@pytest.mark.parametrize(
    ("text", "closed"),
    [
        pytest.param("<think>VERDICT: LIKELY SAFE\n", False, id="in-reasoning"),
        pytest.param("<think>a</think>\nVERDICT: LIKELY SAFE", False, id="line-unfinished"),
        pytest.param("<think>a</think>\nVERDICT: LIKELY SAFE\n", True, id="after-reasoning"),
        pytest.param("<think>a</think>\n**Verdict:** needs close review.\n", True, id="markdown"),
        pytest.param("No reasoning block.\nVERDICT: NEEDS CLOSE REVIEW\n", True, id="no-think-block"),
        pytest.param("<think>a</think>\nThe verdict is hard.\n", False, id="prose"),
    ],
)
def test_verdict_closed(text: str, closed: bool) -> None:
    assert verdict_closed(text) is closed


def test_watch_decodes_everything_only_on_a_newline_token() -> None:
    decoded: list[int] = []

    def decode(ids: Any) -> str:
        decoded.append(len(ids))
        return "".join(chr(i) for i in ids)

    watch = VerdictWatch(decode, False, deadline=float("inf"))
    text = "VERDICT: LIKELY SAFE\n"
    assert [watch([ord(c) for c in text[: n + 1]]) for n in range(len(text))] == [False] * (len(text) - 1) + [True]
    assert decoded.count(len(text)) == 1 and max(decoded[:-1]) == 1


def test_no_verdict_keeps_the_text_and_fails_closed(model_dir: Path) -> None:
    script = "Hmm.\n</think>\nI cannot tell what this does."
    load, _ = fake_loader(script)
    settings = Settings(backend="transformers", model_path=model_dir, use_cache=False)
    result = review(plan_path("update"), settings, backend=TransformersBackend(load))
    assert result.label is Label.NEEDS_CLOSE_REVIEW and result.decided_by is DecidedBy.ERROR
    assert result.explanation == "I cannot tell what this does." and result.reasoning == "Hmm."
    assert any("no verdict line" in e for e in result.errors)


def test_runaway_reasoning_fails_at_the_token_budget(model_dir: Path) -> None:
    load, made = fake_loader("thinking " * 50)
    with pytest.raises(errors.BadReply, match=r"ran out of tokens before its verdict \(max_new_tokens 64\) — raise "
                                              r"--num-predict$"):
        TransformersBackend(load).chat("p", BackendSettings(model_path=str(model_dir), num_predict=64))
    assert made[0].calls[0]["max_new_tokens"] == 64


def test_a_verdict_on_the_last_budgeted_token_counts(model_dir: Path) -> None:
    script = "a" * 40 + "</think>\nVERDICT: LIKELY SAFE"
    reply, _ = _chat(model_dir, script + " and more", num_predict=len(script))
    assert (reply.content, reply.done_reason) == ("VERDICT: LIKELY SAFE", "length")


def test_budget_is_capped_by_the_context_left(model_dir: Path) -> None:
    _, runtime = _chat(model_dir, ANSWER, context_length=200)
    assert runtime.calls[0]["max_new_tokens"] == 200 - len(runtime.calls[0]["prompt_ids"])


def test_prompt_longer_than_the_context_fails(model_dir: Path) -> None:
    with pytest.raises(errors.BadReply, match=r"longer than the model's context of 50 — lower --num-ctx"):
        _chat(model_dir, ANSWER, context_length=50)


def test_timeout(model_dir: Path) -> None:
    with pytest.raises(errors.BackendTimeout, match="did not finish within"):
        _chat(model_dir, ANSWER, timeout_s=1e-9)


def test_nothing_is_fetched_the_call_runs_offline(model_dir: Path) -> None:
    _, runtime = _chat(model_dir, ANSWER)
    assert runtime.calls[0]["offline"] == "1"
    assert "HF_HUB_OFFLINE" not in os.environ


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(lambda p: None, r"needs --model-path DIR .*huggingface-cli download", id="no-model-path"),
        pytest.param(lambda p: p / "nope", r"model directory .*nope does not exist", id="missing-dir"),
        pytest.param(lambda p: "deepseek-ai/DeepSeek-R1-Distill-Qwen-14B",
                     r"not a local directory and tfreview never downloads models — run `huggingface-cli download "
                     r"deepseek-ai/DeepSeek-R1-Distill-Qwen-14B --local-dir ~/models/DeepSeek-R1-Distill-Qwen-14B`",
                     id="hub-name"),
        pytest.param(lambda p: _touch(p / "file"), "is not a directory", id="a-file"),
        pytest.param(lambda p: _mkdir(p / "empty"), r"not a model directory \(no config.json\)", id="no-config"),
        pytest.param(lambda p: _without(write_model_dir(p / "m"), "model.safetensors"), "no \\*.safetensors weights",
                     id="no-weights"),
        pytest.param(lambda p: _without(write_model_dir(p / "m"), "tokenizer.json"), "no tokenizer.json",
                     id="no-tokenizer"),
    ],
)
def test_model_directory_failures(tmp_path: Path, make: Any, message: str) -> None:
    load, made = fake_loader(ANSWER)
    model_path = make(tmp_path)
    settings = BackendSettings(model_path=None if model_path is None else str(model_path))
    with pytest.raises(errors.ModelNotFound, match=message):
        TransformersBackend(load).chat("p", settings)
    assert not made  # nothing was loaded


def test_no_chat_template_fails(tmp_path: Path) -> None:
    model = write_model_dir(tmp_path / "base", template=None)
    with pytest.raises(errors.BadReply, match="has no chat template"):
        _chat(model, ANSWER)


@pytest.mark.parametrize(
    ("raised", "kind", "message"),
    [
        pytest.param(RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB"), errors.BackendError,
                     r"CUDA out of memory running DeepSeek-R1-Distill-Qwen-14B \(--quantize none\) — use --quantize "
                     "4bit", id="oom"),
        pytest.param(type("OutOfMemoryError", (RuntimeError,), {})("boom"), errors.BackendError,
                     "CUDA out of memory", id="oom-class"),
        pytest.param(ModuleNotFoundError("No module named 'torch'"), errors.BackendUnavailable,
                     r"needs PyTorch and transformers .* `pip install 'tfreview\[transformers\]'`", id="no-torch"),
        pytest.param(ImportError("Using `bitsandbytes` 4-bit quantization requires bitsandbytes"),
                     errors.BackendError, "needs bitsandbytes", id="no-bitsandbytes"),
        pytest.param(OSError("model.safetensors is truncated"), errors.ModelNotFound,
                     "may be incomplete; download it again", id="broken-files"),
        pytest.param(ValueError("Unrecognized configuration class"), errors.BadReply,
                     "failed on DeepSeek-R1-Distill-Qwen-14B: ValueError: Unrecognized", id="other"),
        pytest.param(errors.BackendUnavailable("--quantize 4bit needs a CUDA GPU and none is visible"),
                     errors.BackendUnavailable, "needs a CUDA GPU", id="ours-pass-through"),
    ],
)
def test_loader_failures_are_one_line_backend_errors(model_dir: Path, raised: Exception, kind: type,
                                                     message: str) -> None:
    def load(path: Path, settings: BackendSettings) -> Any:
        raise raised

    with pytest.raises(kind, match=message) as caught:
        TransformersBackend(load).chat("p", BackendSettings(model_path=str(model_dir)))
    assert "\n" not in str(caught.value)


def test_cli_fails_closed_on_a_missing_model(tmp_path: Path) -> None:
    result = run("review", plan_path("update"), "--backend", "transformers", "--model-path", tmp_path / "absent",
                 "--format", "json")
    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert body["label"] == "needs_close_review" and body["decided_by"] == "error"
    assert body["model"] == {**body["model"], "backend": "transformers", "name": "absent"}
    assert "does not exist" in body["errors"][0]
    assert f"with {tmp_path / 'absent'} in-process" in result.stderr


def test_settings_from_flag_env_and_config(tmp_path: Path) -> None:
    from tfreview.settings import resolve_settings

    config = tmp_path / ".tfreview.hcl"
    config.write_text('backend = "transformers"\nmodel_path = "/models/from-config"\nquantize = "8bit"\n')
    settings = resolve_settings({}, {"TFREVIEW_DEVICE": "cpu"}, config_path=config)
    assert (settings.model_path, settings.quantize, settings.device) == (Path("/models/from-config"), "8bit", "cpu")
    assert settings.model == "from-config" and settings.backend_settings().model_path == "/models/from-config"
    settings = resolve_settings({"model_path": Path("/flag/m")}, {"TFREVIEW_MODEL_PATH": "/env/m"}, config_path=config)
    assert settings.model_path == Path("/flag/m")
    with pytest.raises(errors.ConfigError, match="invalid setting quantize"):
        resolve_settings({"quantize": "3bit"}, {})


def test_models_check_reads_the_directory_without_weights(model_dir: Path) -> None:
    result = run("models", "check", "--backend", "transformers", "--model-path", model_dir, "--quantize", "4bit")
    out = " ".join(result.output.split())
    assert result.exit_code == 0, out
    assert "Qwen2ForCausalLM" in out
    assert "14.77 B (config.json dimensions)" not in out and "0.00 M (safetensors headers)" in out
    assert "loaded as NF4" in out and "opens <think>" in out and "fits the model's 131072" in out


def test_models_check_counts_parameters_from_config_and_estimates_memory(tmp_path: Path) -> None:
    from tfreview.workflows.local_models import check_model_dir

    model = write_model_dir(tmp_path / "q", tensors={})
    (model / "model.safetensors").write_bytes(b"not safetensors")
    (model / "model-2.safetensors").write_bytes(b"x")
    report = check_model_dir(BackendSettings(model_path=str(model), quantize="4bit", num_ctx=8192))
    rows = {c.name: c.detail for c in report.checks}
    assert report.ok and rows["parameters"] == "14.77 B (config.json dimensions)"  # R1-Distill-Qwen-14B: 14.8 B
    # 13.21 B linear weights at 0.5625 bytes + 1.56 B bf16 embeddings, + 1.5 GiB KV cache at 8192 + 1 GiB.
    assert rows["memory"].startswith("≈ 12.3 GiB") and "KV cache 1.5 GiB at num_ctx 8192" in rows["memory"]


def test_models_check_fails_on_a_missing_directory(tmp_path: Path) -> None:
    result = run("models", "check", "--backend", "transformers", "--model-path", tmp_path / "gone")
    assert result.exit_code == 1 and "does not exist" in result.output


def test_torch_and_transformers_are_imported_only_by_this_backend(tmp_path: Path) -> None:
    """Stand-in torch/transformers modules on the path show whether any other path imports them."""
    for name in ("torch", "transformers"):
        (tmp_path / f"{name}.py").write_text("")
    script = (
        "import sys\nfrom click.testing import CliRunner\nfrom tfreview.cli import main\n"
        f"r = CliRunner().invoke(main, ['review', {str(plan_path('update'))!r}, '--backend', 'none'])\n"
        "assert r.exit_code == 0, r.output\n"
        f"r = CliRunner().invoke(main, ['review', {str(plan_path('update'))!r}, '--host', 'http://127.0.0.1:9', "
        "'--timeout', '5', '--no-cache'])\n"
        "assert r.exit_code == 1, r.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers')))\n"
    )
    paths = [str(ROOT), str(tmp_path), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def _touch(path: Path) -> Path:
    path.write_text("")
    return path


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


def _without(path: Path, name: str) -> Path:
    (path / name).unlink()
    return path


def test_verdicts_are_cached_per_model_files_and_quantization(model_dir: Path) -> None:
    load, made = fake_loader(ANSWER)
    backend = TransformersBackend(load)

    def ask(quantize: str) -> None:
        result = review(plan_path("update"), Settings(backend="transformers", model_path=model_dir, quantize=quantize),
                        backend=backend)
        assert result.label is Label.LIKELY_SAFE and result.decided_by is DecidedBy.MODEL

    ask("none")
    ask("none")
    assert len(made) == 1  # the second review was served from the cache
    ask("4bit")
    assert len(made) == 2  # other weights in memory: asked again
    (model_dir / "config.json").write_text((model_dir / "config.json").read_text().replace("131072", "65536"))
    ask("none")
    assert len(made) == 3  # the directory changed: asked again
