"""The identity of local model weights: a sha256 of the file (or of every file in a directory).

The verdict cache key includes it (DESIGN.md "Backends"), so changed weights behind the same path are
asked again. Hashing a 5 GB GGUF takes seconds, so each file's hash is remembered under the user cache
directory by resolved path, size and modification time, and recomputed only when one of them changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import platformdirs

_CHUNK = 1 << 20


def file_identity(path: Path) -> str:
    """The sha256 hex of PATH's bytes (of each file's path and hash for a directory); OSError if unreadable."""
    if path.is_dir():
        digest = hashlib.sha256()
        for item in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(f"{item.relative_to(path).as_posix()}\0{_file_hash(item)}\n".encode())
        return digest.hexdigest()
    return _file_hash(path)


def memo_dir() -> Path:
    """Where file hashes are remembered."""
    return Path(platformdirs.user_cache_dir("tfreview", appauthor=False)) / "weights"


def _file_hash(path: Path) -> str:
    resolved = path.resolve()
    stat = resolved.stat()
    stamp = {"path": str(resolved), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    memo = memo_dir() / (hashlib.sha256(str(resolved).encode()).hexdigest() + ".json")
    try:
        saved = json.loads(memo.read_text())
        if {k: saved.get(k) for k in stamp} == stamp and isinstance(saved.get("sha256"), str):
            return str(saved["sha256"])
    except (OSError, ValueError, AttributeError):
        pass
    digest = hashlib.sha256()
    with resolved.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    _remember(memo, {**stamp, "sha256": digest.hexdigest()})
    return digest.hexdigest()


def _remember(memo: Path, entry: dict[str, object]) -> None:
    """Write the memo atomically; a cache that cannot be written only costs a rehash next time."""
    try:
        memo.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temporary = tempfile.mkstemp(dir=memo.parent, prefix=".tmp-")
        with os.fdopen(fd, "w") as handle:
            json.dump(entry, handle)
        os.replace(temporary, memo)
    except OSError:
        pass
