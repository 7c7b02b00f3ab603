"""All settings of a review in one model, merged from flags > environment > .tfreview.hcl > defaults."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from tfreview.backends.base import (
    DEFAULT_MODEL,
    DEFAULT_NUM_CTX,
    DEFAULT_NUM_PREDICT,
    DEFAULT_OLLAMA_HOST,
    DEFAULT_TEMPERATURE,
    DEFAULT_TIMEOUT_S,
    BackendSettings,
    Device,
    Quantize,
)
from tfreview.config import FileConfig, load_config, locate_config
from tfreview.errors import ConfigError
from tfreview.pipeline.source import DEFAULT_MAX_PLAN_BYTES, parse_size

DEFAULT_BACKEND = "ollama"
OLLAMA_PORT = 11434
# TFREVIEW_<NAME> for each of these settings.
ENV_SETTINGS = ("backend", "model", "host", "base_url", "api_key", "num_ctx", "num_predict", "temperature",
                "timeout", "terraform_bin", "cache_dir", "model_path", "gpu_layers", "threads", "quantize", "device",
                "max_plan_bytes")
# Backends that load weights in this process from --model-path rather than asking a server.
LOCAL_BACKENDS = ("llamacpp", "transformers")


class Settings(BaseModel):
    """The effective settings of one review."""

    backend: str = DEFAULT_BACKEND
    model: str = DEFAULT_MODEL
    host: str = DEFAULT_OLLAMA_HOST
    num_ctx: int = Field(DEFAULT_NUM_CTX, ge=512)
    num_predict: int = Field(DEFAULT_NUM_PREDICT, ge=64)
    temperature: float = Field(DEFAULT_TEMPERATURE, ge=0, le=2)
    timeout: float = Field(DEFAULT_TIMEOUT_S, gt=0)
    base_url: str | None = Field(None, description="OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1")
    api_key: str | None = Field(None, repr=False)
    model_path: Path | None = Field(None, description="weights loaded in-process: a .gguf file for --backend "
                                    "llamacpp, a local model directory for --backend transformers")
    gpu_layers: int | None = Field(None, ge=-1, description="layers offloaded to the GPU; -1 all; None: all with a GPU")
    threads: int | None = Field(None, ge=1, description="CPU threads for in-process backends; None: the idle cores")
    terraform_bin: str | None = None
    quantize: Quantize = "none"
    device: Device = "auto"
    max_plan_bytes: int = Field(DEFAULT_MAX_PLAN_BYTES, ge=1, description="cap on plan files, stdin and downloads")
    cache_dir: Path | None = Field(None, description="verdict cache; None means the user cache dir")
    use_cache: bool = True
    record_dir: Path | None = None
    config_path: Path | None = None
    file: FileConfig = Field(default_factory=FileConfig)

    @model_validator(mode="after")
    def _name_local_weights(self) -> Settings:
        """An in-process model is named by its file or directory (results, records, cache) unless --model says."""
        if self.backend in LOCAL_BACKENDS and self.model_path and "model" not in self.model_fields_set:
            self.model = self.model_path.name
        return self

    @field_validator("max_plan_bytes", mode="before")
    @classmethod
    def _size(cls, value: object) -> object:
        """Accept sizes with binary units ('512MiB', '2G') as well as plain byte counts."""
        try:
            return parse_size(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else value
        except ValueError:
            raise ValueError(f"{value!r} is not a size — use bytes or a unit, e.g. 1073741824 or 1GiB") from None

    def backend_settings(self) -> BackendSettings:
        """What the backend needs."""
        host = self.base_url if self.backend == "openai" and self.base_url else self.host
        return BackendSettings(model=self.model, host=host, temperature=self.temperature, num_ctx=self.num_ctx,
                               num_predict=self.num_predict, timeout_s=self.timeout, api_key=self.api_key,
                               model_path=str(self.model_path) if self.model_path else None,
                               gpu_layers=self.gpu_layers, threads=self.threads, quantize=self.quantize,
                               device=self.device)

    def ignored(self) -> list[str]:
        """Settings given that this backend does not read, each as a note that says what is read instead."""
        if self.base_url and self.backend != "openai":
            return [f"--base-url ({self.base_url}) is read by --backend openai only; --backend {self.backend} "
                    + (f"asks {self.host} (--host)" if self.backend == "ollama" else "does not use it")]
        return []

    def endpoint(self) -> str:
        """Where the model is asked, for progress lines: the server URL or the weights file."""
        if self.backend in LOCAL_BACKENDS:
            return f"{self.model_path or '(no --model-path)'} in-process"
        return f"{self.model} at {self.backend_settings().host}"


def resolve_settings(
    flags: Mapping[str, Any],
    env: Mapping[str, str],
    plan_source: str | None = None,
    config_path: Path | None = None,
) -> Settings:
    """Merge the layers; FLAGS holds only options the user gave (None means not given)."""
    path = config_path or locate_config(plan_source, Path.cwd(), env.get("GITHUB_WORKSPACE") or None)
    file = load_config(path) if path else FileConfig()
    _check_rules(file)
    layers: dict[str, Any] = {}
    layers.update({k: v for k, v in file.model_dump(include=set(ENV_SETTINGS)).items() if v is not None})
    if path is not None and "model_path" in layers:  # a path in the file is relative to the file
        layers["model_path"] = path.parent / Path(layers["model_path"]).expanduser()
    layers.update(_from_env(env))
    layers.update({k: v for k, v in flags.items() if v is not None})
    if "host" in layers:
        layers["host"] = normalize_host(str(layers["host"]))
    try:
        return Settings(**layers, config_path=path, file=file)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise ConfigError(f"invalid setting {error['loc'][0]}: {error['msg']}") from None


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if env.get("OLLAMA_HOST"):
        found["host"] = env["OLLAMA_HOST"]
    for name in ENV_SETTINGS:
        value = env.get(f"TFREVIEW_{name.upper()}")
        if value:
            found[name] = value
    return found


def normalize_host(host: str) -> str:
    """Accept OLLAMA_HOST forms like '0.0.0.0', 'localhost:11434' or 'https://gpu-box' and return a URL."""
    host = host.strip().rstrip("/")
    if "://" not in host:
        host = "http://" + host
    parts = urlsplit(host)
    if not parts.hostname:
        raise ConfigError(f"invalid Ollama host {host!r} — use e.g. http://127.0.0.1:11434")
    hostname = "127.0.0.1" if parts.hostname in ("0.0.0.0", "::") else parts.hostname
    if ":" in hostname:
        hostname = f"[{hostname}]"
    port = parts.port or (OLLAMA_PORT if parts.scheme == "http" else None)
    netloc = f"{hostname}:{port}" if port else hostname
    return f"{parts.scheme}://{netloc}{parts.path}"


def _check_rules(file: FileConfig) -> None:
    """Reject unknown rule ids and bad severities as soon as the file is read, naming its line."""
    from tfreview.pipeline.risk import check_config  # the rules registry, only once a config needs it

    check_config(file)
