"""Find the plans of a batch run, and how many model calls the server can take at once.

Directories are searched with glob patterns (default: every `*.json`, `tfplan` and `*.tfplan` below
them). Paths with a hidden component (`.terraform/`, `.git/`) are left out, and a valid JSON file found
by a search that never mentions "format_version" (tfvars.json, package.json) is skipped and reported;
an empty or broken one is reviewed, so it fails closed. Files named on the command line or in a
manifest are always reviewed.

A manifest is a JSON object mapping workspace names to plan paths, relative to the manifest's
directory, optionally nested under "workspaces":
    {"workspaces": {"prod-eu": "prod-eu/plan.json", "prod-us": "prod-us/tfplan"}}
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson

from tfreview.backends.openai import chat_url
from tfreview.errors import ConfigError
from tfreview.settings import Settings

DEFAULT_GLOBS = ("**/*.json", "**/tfplan", "**/*.tfplan")
PROBE_TIMEOUT_S = 2.0
PLAN_MARKER = b'"format_version"'


@dataclass(frozen=True)
class Workspace:
    """One plan to review, under the name the report shows."""

    name: str
    path: Path


def find_workspaces(paths: Iterable[Path], globs: Iterable[str] = DEFAULT_GLOBS) -> tuple[list[Workspace], list[str]]:
    """The workspaces under PATHS, and the files a search found that are not plans."""
    found: dict[Path, Workspace] = {}
    skipped: list[str] = []
    patterns = tuple(globs)
    for path in paths:
        if path.is_file():
            found.setdefault(path.resolve(), Workspace(str(path), path))
        elif path.is_dir():
            for plan in _search(path, patterns):
                if plan.suffix == ".json" and _is_other_json(plan):
                    skipped.append(str(plan))
                else:
                    found.setdefault(plan.resolve(), Workspace(str(plan), plan))
        else:
            raise ConfigError(f"{path} does not exist — pass plan files or directories that hold them")
    if not found:
        shown = ", ".join(patterns)
        raise ConfigError(f"no plans found (searched with {shown}) — pass plan files, a directory, or --glob")
    return list(found.values()), skipped


def load_manifest(path: Path) -> list[Workspace]:
    """The workspaces a manifest file names."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read manifest {path}: {exc.strerror}") from exc
    except ValueError as exc:
        raise ConfigError(f"manifest {path} is not JSON ({exc})") from None
    entries = document.get("workspaces", document) if isinstance(document, dict) else None
    if not isinstance(entries, dict) or not entries or not all(isinstance(v, str) for v in entries.values()):
        raise ConfigError(f'manifest {path} must map workspace names to plan paths: {{"prod": "prod/plan.json"}}')
    return [Workspace(str(name), path.parent / plan) for name, plan in entries.items()]


def default_concurrency(settings: Settings) -> int:
    """Model calls to run at once: llama-server's slot count when it says, else 1 (one Ollama runner)."""
    # Ollama runs one request per model unless OLLAMA_NUM_PARALLEL says otherwise, and does not report it.
    if settings.backend != "openai":
        return 1
    url = chat_url(settings.backend_settings().host).removesuffix("/chat/completions").removesuffix("/v1")
    headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else None
    try:
        slots = httpx.get(f"{url}/props", headers=headers, timeout=PROBE_TIMEOUT_S).json().get("total_slots")
    except (httpx.HTTPError, ValueError, AttributeError):
        return 1
    return slots if isinstance(slots, int) and slots > 0 else 1


def _search(root: Path, patterns: tuple[str, ...]) -> list[Path]:
    seen: dict[Path, None] = {}
    for pattern in patterns:
        for candidate in sorted(root.glob(pattern)):
            relative = candidate.relative_to(root).parts
            if candidate.is_file() and not any(part.startswith(".") for part in relative):
                seen.setdefault(candidate, None)
    return list(seen)


def _is_other_json(path: Path) -> bool:
    """Valid JSON that never mentions format_version: not a plan. An empty or broken file is a bad plan."""
    try:
        data = path.read_bytes()
        if PLAN_MARKER in data:
            return False
        orjson.loads(data)
    except (OSError, orjson.JSONDecodeError):
        return False  # the review says why it cannot be read
    return True
