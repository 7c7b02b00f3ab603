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
