"""The on-disk verdict cache: a model's answer to a change-set, kept so identical change-sets skip the model.

Layout: `<dir>/<key[:2]>/<key>.json`, one JSON file per key (see cache_key.py for what the key covers).
Each file holds only masked data: the model's reasoning and answer (masked again with the plan's
secrets before writing), token counts and timing. Writes go to a temporary file in the same directory
and are renamed into place with os.replace, so concurrent writers never leave a torn file; the last
writer wins with an equally valid entry. A file that cannot be read or parsed is a miss. Failures are
never cached. Reading or writing problems never fail a review: the cache is an optimisation.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from pydantic import BaseModel, ValidationError

from tfreview.backends.base import ModelReply
from tfreview.errors import ConfigError
from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.mask import mask_text

APP_NAME = "tfreview"
ENTRY_FORMAT = 1
_ENTRY_NAME = lazy_compile(r"^[0-9a-f]{64}\.json$")
_SHARD_NAME = lazy_compile(r"^[0-9a-f]{2}$")


class Entry(BaseModel):
    """One cached verdict, as stored."""

    format: int = ENTRY_FORMAT
    key: str
    backend: str
    model: str
    created: float
    duration_s: float
    reply: ModelReply


@dataclass(frozen=True)
class CacheInfo:
    """What `tfreview cache info` reports."""

    directory: Path
    entries: int
    size_bytes: int


def default_dir() -> Path:
    """The user's cache directory for verdicts, e.g. ~/.cache/tfreview/verdicts on Linux."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "verdicts"


class VerdictCache:
    """Verdicts stored as one JSON file per key under DIRECTORY."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = (directory.expanduser() if directory else default_dir())

    def path(self, key: str) -> Path:
        """Where the entry for KEY lives."""
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> Entry | None:
        """The entry stored for KEY, or None (missing, unreadable, or from another format)."""
        try:
            entry = Entry.model_validate_json(self.path(key).read_bytes())
        except (OSError, ValidationError, ValueError):
            return None
        return entry if entry.format == ENTRY_FORMAT and entry.key == key else None

    def put(self, key: str, entry: Entry, secrets: set[str]) -> bool:
        """Store ENTRY under KEY atomically, masking SECRETS once more; False when the disk said no."""
        reply = entry.reply.model_copy(update={"thinking": mask_text(entry.reply.thinking, secrets),
                                               "content": mask_text(entry.reply.content, secrets)})
        data = entry.model_copy(update={"key": key, "reply": reply}).model_dump_json().encode()
        target = self.path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            _atomic_write(target, data)
        except OSError:
            return False
        return True

    def info(self) -> CacheInfo:
        """How many entries the cache holds and their total size."""
        files = list(self._entries())
        return CacheInfo(self.directory, len(files), sum(_size(f) for f in files))

    def clear(self) -> int:
        """Delete every entry (and stray temporary file); return how many entries went."""
        removed = 0
        try:
            for path in list(self._entries()):
                path.unlink(missing_ok=True)
                removed += 1
            for shard in self._shards():
                for stray in shard.glob(".tmp-*"):
                    stray.unlink(missing_ok=True)
                if not any(shard.iterdir()):
                    shard.rmdir()
        except OSError as exc:
            raise ConfigError(f"cannot clear the cache in {self.directory}: {exc.strerror}") from exc
        return removed

    def _shards(self) -> list[Path]:
        # Only our own layout is touched, so a --cache-dir pointed at the wrong place loses nothing else.
        if not self.directory.is_dir():
            return []
        return [p for p in self.directory.iterdir() if p.is_dir() and _SHARD_NAME.match(p.name)]

    def _entries(self) -> list[Path]:
        return [p for shard in self._shards() for p in shard.iterdir() if _ENTRY_NAME.match(p.name)]


def new_entry(backend: str, model: str, reply: ModelReply, duration_s: float) -> Entry:
    """An entry for a fresh answer (its key is set when stored)."""
    return Entry(key="", backend=backend, model=model, created=time.time(), duration_s=duration_s, reply=reply)


def _atomic_write(target: Path, data: bytes) -> None:
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
