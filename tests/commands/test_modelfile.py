"""`tfreview modelfile`: an Ollama Modelfile for a fine-tuned DeepSeek-R1 distill GGUF."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from tests.cli_commands import run
from tfreview.commands.modelfile import STOP_TOKENS, TEMPLATE_PATH, render_modelfile
from tfreview.pipeline.prompt import prompts_dir

USER, ASSISTANT = "<\uff5cUser\uff5c>", "<\uff5cAssistant\uff5c>"


def parse_modelfile(text: str) -> list[tuple[str, str]]:
    """Commands as Ollama's parser reads them (parser/parser.go): NAME value, values quoted "…" or \"\"\"…\"\"\"."""
    commands = []
    pattern = re.compile(r'(?ms)^(FROM|TEMPLATE|PARAMETER)\s+(?:(\w+)\s+)?("""(.*?)"""|"([^"\n]*)"|(\S+))\s*$')
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    position = 0
    for match in pattern.finditer(body):
        assert not body[position:match.start()].strip(), f"unparsed text: {body[position:match.start()]!r}"
        name, parameter = match[1], match[2]
        value = next(v for v in (match[4], match[5], match[6]) if v is not None)
        commands.append((f"{name} {parameter}" if parameter else name, value))
        position = match.end()
    assert not body[position:].strip()
    return commands


@pytest.fixture
def gguf(tmp_path: Path) -> Path:
    path = tmp_path / "tfreview-r1-8b.Q8_0.gguf"
    path.write_bytes(b"GGUF\x03\x00\x00\x00")
    return path


def test_writes_a_modelfile_ollama_create_accepts(gguf: Path, tmp_path: Path) -> None:
    out = tmp_path / "Modelfile"
    result = run("modelfile", "--from", gguf, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert f"ollama create <name> -f {out}" in result.stderr
    commands = parse_modelfile(out.read_text(encoding="utf-8"))
    assert commands[0] == ("FROM", str(gguf.resolve()))
    assert commands[1][0] == "TEMPLATE"
    params = [(name, value) for name, value in commands if name.startswith("PARAMETER")]
    assert params == [("PARAMETER num_ctx", "8192"), ("PARAMETER temperature", "0.6"), ("PARAMETER top_p", "0.95"),
                      *[("PARAMETER stop", token) for token in STOP_TOKENS]]


def test_template_is_the_r1_distill_chat_template_with_thinking(gguf: Path) -> None:
    [template] = [value for name, value in parse_modelfile(render_modelfile(gguf, 8192)) if name == "TEMPLATE"]
    assert template == (prompts_dir() / TEMPLATE_PATH).read_text(encoding="utf-8").rstrip("\n")
    # Ollama grants the thinking capability to templates that use .Thinking (server/images.go).
    assert ".Thinking" in template and "<think>" in template and "</think>" in template
    assert f"{USER}{{{{ .Content }}}}" in template and template.count(ASSISTANT) == 2
    assert "$.IsThinkSet (not $.Think)" in template, "think:false prefills an empty think block"
    opened = len(re.findall(r"\{\{-?\s*(?:if|range)\b", template))
    assert opened == len(re.findall(r"\{\{-?\s*end\s*-?\}\}", template)) == 7
    assert '"""' not in template


def test_template_is_byte_identical_to_the_ollama_library_blob() -> None:
    # registry.ollama.ai library/deepseek-r1:8b template layer, sha256:c5ad996bda6e… (556 bytes).
    blob = (prompts_dir() / TEMPLATE_PATH).read_bytes()
    assert hashlib.sha256(blob).hexdigest() == "c5ad996bda6eed4df6e3b605a9869647624851ac248209d22fd5e2c0cc1121d3"


def test_stop_tokens_are_the_deepseek_special_tokens() -> None:
    assert STOP_TOKENS == ("<\uff5cbegin\u2581of\u2581sentence\uff5c>", "<\uff5cend\u2581of\u2581sentence\uff5c>",
                           USER, ASSISTANT)


def test_num_ctx_and_stdout(gguf: Path) -> None:
    result = run("modelfile", "--from", gguf, "--num-ctx", "16384", "--out", "-")
    assert result.exit_code == 0
    assert "PARAMETER num_ctx 16384\n" in result.stdout and result.stdout.startswith("# Modelfile")


def test_path_with_spaces_is_quoted(tmp_path: Path) -> None:
    folder = tmp_path / "my models"
    folder.mkdir()
    path = folder / "r1.gguf"
    path.write_bytes(b"GGUF")
    assert parse_modelfile(render_modelfile(path, 8192))[0] == ("FROM", str(path))
    assert f'FROM "{path}"' in render_modelfile(path, 8192)


@pytest.mark.parametrize(
    ("name", "create", "says"),
    [("model.safetensors", True, "is not a .gguf file"), ("missing.gguf", False, "does not exist")],
    ids=["not-gguf", "missing"],
)
def test_bad_input_exits_2(tmp_path: Path, name: str, create: bool, says: str) -> None:
    path = tmp_path / name
    if create:
        path.write_bytes(b"x")
    result = run("modelfile", "--from", path, "--out", tmp_path / "Modelfile")
    assert result.exit_code == 2 and says in result.stderr
    assert not (tmp_path / "Modelfile").exists()


def test_small_num_ctx_is_rejected(gguf: Path) -> None:
    assert run("modelfile", "--from", gguf, "--num-ctx", "100").exit_code == 2
