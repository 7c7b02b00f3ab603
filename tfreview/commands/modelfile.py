"""`tfreview modelfile`: an Ollama Modelfile that serves a fine-tuned DeepSeek-R1 distill GGUF.

The TEMPLATE (prompts/modelfile/deepseek-r1.gotmpl) is byte for byte the template layer of the Ollama
library's `deepseek-r1:8b` (blob sha256:c5ad996bda6e…): the R1 chat tokens plus Ollama's thinking hooks.
Because it uses `.Thinking`, Ollama gives the model the thinking capability, so `think: true` splits the
reasoning off.
The stop tokens are those of `template/deepseek.json`; temperature 0.6 and top_p 0.95 follow the
DeepSeek-R1 usage recommendations.
"""

from __future__ import annotations

from pathlib import Path

import click

from tfreview.errors import ConfigError

TEMPLATE_PATH = Path("modelfile") / "deepseek-r1.gotmpl"
STOP_TOKENS = ("<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>")
TEMPERATURE = 0.6
TOP_P = 0.95
DEFAULT_NUM_CTX = 8192


@click.command("modelfile")
@click.option("--from", "gguf", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The fine-tuned GGUF file.")
@click.option("--num-ctx", type=click.IntRange(min=512), default=DEFAULT_NUM_CTX, show_default=True,
              help="Context window baked into the model (also what OpenAI-compatible clients get).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("Modelfile"),
              show_default=True, help="Where to write the Modelfile; `-` for stdout.")
def modelfile_command(gguf: Path, num_ctx: int, out: Path) -> None:
    """Write an Ollama Modelfile for a fine-tuned DeepSeek-R1 distill GGUF.

    \b
    Example:
      tfreview modelfile --from out/tfreview-r1-8b.Q8_0.gguf --out Modelfile
      ollama create tfreview-r1 -f Modelfile
      tfreview models check --model tfreview-r1
    """
    if gguf.suffix.lower() != ".gguf":
        raise ConfigError(f"--from {gguf} is not a .gguf file — export the fine-tuned model to GGUF first")
    if not gguf.is_file():
        raise ConfigError(f"--from {gguf} does not exist — give the path of the exported GGUF")
    text = render_modelfile(gguf.resolve(), num_ctx)
    if str(out) == "-":
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {out}: {exc.strerror}") from exc
    click.echo(f"tfreview: wrote {out} — serve it with `ollama create <name> -f {out}`", err=True)


def render_modelfile(gguf: Path, num_ctx: int) -> str:
    """The Modelfile text for GGUF (an absolute path) with a NUM_CTX context."""
    from tfreview.pipeline.prompt import prompts_dir

    template = (prompts_dir() / TEMPLATE_PATH).read_text(encoding="utf-8").rstrip("\n")
    lines = [
        "# Modelfile for a fine-tuned DeepSeek-R1 distill, written by `tfreview modelfile`.",
        f"FROM {_quoted(str(gguf))}",
        f'TEMPLATE """{template}"""',
        f"PARAMETER num_ctx {num_ctx}",
        f"PARAMETER temperature {TEMPERATURE}",
        f"PARAMETER top_p {TOP_P}",
        *[f'PARAMETER stop "{token}"' for token in STOP_TOKENS],
    ]
    return "\n".join(lines) + "\n"


def _quoted(path: str) -> str:
    """A FROM argument: quoted when it has spaces (the Modelfile parser unquotes "…")."""
    if any(c in path for c in '"\n\r'):
        raise ConfigError(f"the GGUF path {path!r} contains a quote or newline — rename or move the file")
    return f'"{path}"' if any(c.isspace() for c in path) else path
