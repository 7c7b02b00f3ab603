from __future__ import annotations

from pathlib import Path

import pytest

from tfreview.errors import ConfigError
from tfreview.settings import normalize_host, resolve_settings


def test_defaults() -> None:
    s = resolve_settings({}, {})
    assert (s.backend, s.model, s.host, s.num_ctx, s.temperature) == (
        "ollama", "deepseek-r1:8b", "http://127.0.0.1:11434", 8192, 0.6)


def test_precedence_flag_over_env_over_file(tmp_path: Path) -> None:
    (tmp_path / ".tfreview.hcl").write_text('model = "from-file"\nnum_ctx = 4096\nbackend = "none"\n')
    plan = tmp_path / "plan.json"
    env = {"TFREVIEW_MODEL": "from-env", "TFREVIEW_NUM_CTX": "16384"}
    s = resolve_settings({"model": "from-flag"}, env, plan_source=str(plan))
    assert (s.model, s.num_ctx, s.backend) == ("from-flag", 16384, "none")
    assert s.config_path == tmp_path / ".tfreview.hcl"


def test_ollama_host_env_and_tfreview_host_wins() -> None:
    assert resolve_settings({}, {"OLLAMA_HOST": "gpu-box"}).host == "http://gpu-box:11434"
    assert resolve_settings({}, {"OLLAMA_HOST": "a", "TFREVIEW_HOST": "b:1"}).host == "http://b:1"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("0.0.0.0", "http://127.0.0.1:11434"),
        ("localhost:8080", "http://localhost:8080"),
        ("https://ollama.example.com", "https://ollama.example.com"),
        ("http://[::1]:11434/", "http://[::1]:11434"),
    ],
)
def test_host_forms(given: str, expected: str) -> None:
    assert normalize_host(given) == expected


def test_bad_values_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="num_ctx"):
        resolve_settings({}, {"TFREVIEW_NUM_CTX": "lots"})
    with pytest.raises(ConfigError, match="num_ctx"):
        resolve_settings({"num_ctx": 10}, {})


def test_model_path_from_flag_env_and_file_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / ".tfreview.hcl").write_text('backend = "llamacpp"\nmodel_path = "models/r1.gguf"\ngpu_layers = 0\n'
                                            'threads = 2\n')
    plan = str(tmp_path / "plan.json")
    from_file = resolve_settings({}, {}, plan_source=plan)
    assert (from_file.model_path, from_file.gpu_layers, from_file.threads) == (tmp_path / "models" / "r1.gguf", 0, 2)
    assert from_file.model == "r1.gguf"  # named by its file unless --model says otherwise
    env = {"TFREVIEW_MODEL_PATH": "/m/q8.gguf", "TFREVIEW_GPU_LAYERS": "-1"}
    from_env = resolve_settings({}, env, plan_source=plan)
    assert (from_env.model_path, from_env.gpu_layers, from_env.model) == (Path("/m/q8.gguf"), -1, "q8.gguf")
    flagged = resolve_settings({"model_path": Path("x.gguf"), "model": "r1-14b"}, {}, plan_source=plan)
    assert (flagged.model_path, flagged.model) == (Path("x.gguf"), "r1-14b")
    backend = flagged.backend_settings()
    assert (backend.model_path, backend.gpu_layers, backend.threads) == ("x.gguf", 0, 2)


def test_progress_names_the_endpoint_actually_used() -> None:
    assert resolve_settings({"backend": "openai", "base_url": "http://gpu:8080/v1"}, {}).endpoint() == (
        "deepseek-r1:8b at http://gpu:8080/v1")
    assert resolve_settings({}, {"OLLAMA_HOST": "box"}).endpoint() == "deepseek-r1:8b at http://box:11434"
    assert resolve_settings({"backend": "llamacpp", "model_path": Path("/m/r1.gguf")}, {}).endpoint() == (
        "/m/r1.gguf in-process")


def test_bad_gpu_layers_and_threads_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="gpu_layers"):
        resolve_settings({}, {"TFREVIEW_GPU_LAYERS": "-2"})
    with pytest.raises(ConfigError, match="threads"):
        resolve_settings({"threads": 0}, {})


def test_a_base_url_is_noted_as_unread_by_every_backend_but_openai() -> None:
    note = resolve_settings({"base_url": "http://127.0.0.1:8080/v1"}, {}).ignored()
    assert note and "asks http://127.0.0.1:11434 (--host)" in note[0]
    assert resolve_settings({"base_url": "http://127.0.0.1:8080/v1", "backend": "openai"}, {}).ignored() == []
