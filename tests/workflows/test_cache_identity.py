"""The cache key includes the model's weights: changed weights behind the same name are asked again.

Ollama's digest from /api/tags, an OpenAI-compatible server's /v1/models metadata, a GGUF file's hash.
When the identity cannot be read, the cache is not consulted and the review fails closed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.backends.test_llamacpp import R1_LIKE, gguf_bytes
from tests.helpers import plan_path
from tests.ollama_double import OllamaDouble
from tests.openai_double import OpenAIDouble
from tests.workflows.test_cache import SAFE
from tfreview.backends.fake import FakeBackend
from tfreview.backends.openai import OpenAIBackend
from tfreview.cli import main
from tfreview.errors import BackendUnavailable
from tfreview.labels import DecidedBy, Label
from tfreview.pipeline.review import review
from tfreview.settings import Settings
from tfreview.workflows.cache import VerdictCache


def cli_review(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(main, ["review", str(plan_path("update")), "--format", "json", *args])
    parsed: dict[str, object] = json.loads(result.stdout)
    return parsed


def test_a_repulled_ollama_model_is_asked_again(ollama: OllamaDouble, tmp_path: Path) -> None:
    args = ("--host", ollama.url, "--cache-dir", str(tmp_path))
    runs = [cli_review(*args), cli_review(*args)]
    ollama.repull()  # `ollama pull deepseek-r1:8b` fetched other weights: a new digest in /api/tags
    runs.append(cli_review(*args))
    assert [r["model"]["cached"] for r in runs] == [False, True, False]  # type: ignore[index]
    assert len(ollama.chat_bodies) == 2
    assert VerdictCache(tmp_path).info().entries == 2


def test_a_model_missing_from_api_tags_fails_closed_without_the_cache(ollama: OllamaDouble, tmp_path: Path) -> None:
    args = ("--host", ollama.url, "--cache-dir", str(tmp_path))
    assert cli_review(*args)["label"] == "likely_safe"
    ollama.tags([])  # removed (`ollama rm`): its digest, and so its cached verdicts, cannot be vouched for
    parsed = cli_review(*args)
    assert (parsed["label"], parsed["decided_by"]) == ("needs_close_review", "error")
    assert "is not listed by" in str(parsed["errors"]) and "ollama pull deepseek-r1:8b" in str(parsed["errors"])
    assert len(ollama.chat_bodies) == 1


@pytest.mark.parametrize("openai", ["llama", "vllm", "ollama"], indirect=True)
def test_other_weights_behind_an_openai_compatible_name_are_asked_again(openai: OpenAIDouble, tmp_path: Path) -> None:
    settings = Settings(backend="openai", base_url=openai.url, cache_dir=tmp_path, timeout=10)
    backend = OpenAIBackend()
    first, again = review(plan_path("update"), settings, backend), review(plan_path("update"), settings, backend)
    assert (first.model.cached, again.model.cached) == (False, True)  # `created`, the request's time, is left out
    openai.weights = 2  # the server now serves other weights under the same id
    third = review(plan_path("update"), settings, backend)
    assert third.model.cached is False and third.label is Label.LIKELY_SAFE
    assert len(openai.chat_bodies) == 2


def test_openai_models_endpoint_down_fails_closed(openai: OpenAIDouble, tmp_path: Path) -> None:
    settings = Settings(backend="openai", base_url=openai.url, cache_dir=tmp_path, timeout=10)
    assert review(plan_path("update"), settings, OpenAIBackend()).label is Label.LIKELY_SAFE
    openai.models_down = True
    result = review(plan_path("update"), settings, OpenAIBackend())
    assert (result.label, result.decided_by, result.model.cached) == (Label.NEEDS_CLOSE_REVIEW, DecidedBy.ERROR, False)
    assert "HTTP 503" in result.errors[0]


def test_identity_is_read_only_when_the_cache_is_used(tmp_path: Path) -> None:
    fake = FakeBackend.always(SAFE)
    fake.weights = BackendUnavailable("cannot reach the server")
    result = review(plan_path("update"), Settings(use_cache=False), fake)
    assert result.label is Label.LIKELY_SAFE and len(fake.prompts) == 1  # --no-cache needs no identity
    cached = review(plan_path("update"), Settings(cache_dir=tmp_path), fake)
    assert (cached.label, cached.errors) == (Label.NEEDS_CLOSE_REVIEW, ["cannot reach the server"])
    assert len(fake.prompts) == 1  # neither the cache nor the model was asked


def test_a_changed_gguf_file_is_asked_again(tmp_path: Path) -> None:
    weights = tmp_path / "model.gguf"
    weights.write_bytes(gguf_bytes(R1_LIKE))
    class FileIdentity(FakeBackend):
        def identity(self, settings: object) -> str:  # the llamacpp backend's identity, without loading a model
            from tfreview.backends.llamacpp import LlamaCppBackend

            return LlamaCppBackend().identity(settings)  # type: ignore[arg-type]

    backend = FileIdentity(SAFE)
    settings = Settings(backend="llamacpp", model_path=weights, cache_dir=tmp_path / "c")
    runs = [review(plan_path("update"), settings, backend) for _ in range(2)]
    weights.write_bytes(gguf_bytes({**R1_LIKE, "general.name": "v2"}))  # replaced in place: same path, other bytes
    runs.append(review(plan_path("update"), settings, backend))
    assert [r.model.cached for r in runs] == [False, True, False]
    assert runs[0].model.name == "model.gguf"
