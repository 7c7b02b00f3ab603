"""Read a GGUF file's header: what the llamacpp backend and `models check` know before loading weights.

Format (ggml `docs/gguf.md`): magic `GGUF`, uint32 version (1-3), tensor count and metadata count
(uint64; uint32 in version 1), then key/value pairs: a string key (uint64 length + UTF-8), a uint32
value type and the value. Little-endian only (a big-endian file reads as a bad version). The file
is hostile input: every length is bounded by the file's size and the header is read through mmap, so
a malformed file is one `GGUFError`, never a crash or a huge allocation.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tfreview.lazyregex import lazy_compile

MAGIC = b"GGUF"
# Value types (gguf.md "gguf_metadata_value_type"): fixed-size scalars by struct format.
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9
# Arrays (token lists of 150k entries) are skipped; only short ones are kept.
_KEEP_ARRAY = 16
# llama.cpp's llama_ftype, the value of general.file_type (include/llama.h).
FILE_TYPES = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S",
    12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
    19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL",
    26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16",
    36: "TQ1_0", 37: "TQ2_0", 38: "MXFP4_MOE",
}
# llama.cpp's gguf-split names the parts of one model NAME-00001-of-00003.gguf; loading the first loads all.
_SPLIT = lazy_compile(r"-(\d{5})-of-(\d{5})\.gguf$")
# The KV cache holds K and V for every layer and context position, as f16 by default (2 bytes).
_KV_BYTES = 2


class GGUFError(ValueError):
    """The file is not a GGUF file tfreview can read."""


@dataclass(frozen=True)
class GGUFInfo:
    """What a GGUF header says about its model."""

    path: Path
    size: int  # of every part, for a split model
    version: int
    metadata: dict[str, Any]
    parts: tuple[Path, ...] = ()

    @property
    def architecture(self) -> str:
        """`general.architecture`, e.g. llama or qwen2."""
        return str(self.metadata.get("general.architecture") or "unknown")

    @property
    def quantization(self) -> str:
        """The file type's name (Q4_K_M, Q8_0, IQ1_S...) or `unknown`."""
        file_type = self.metadata.get("general.file_type")
        return FILE_TYPES.get(file_type, f"type {file_type}") if isinstance(file_type, int) else "unknown"

    @property
    def context_length(self) -> int | None:
        """The context the model was trained for."""
        return self._arch_int("context_length")

    @property
    def chat_template(self) -> str:
        """The Jinja chat template shipped in the file ('' when none)."""
        template = self.metadata.get("tokenizer.chat_template")
        return template if isinstance(template, str) else ""

    @property
    def reasons(self) -> bool:
        """Whether the chat template has a reasoning block (`<think>`), as DeepSeek-R1 distills do."""
        return "<think>" in self.chat_template

    def kv_cache_bytes(self, n_ctx: int) -> int:
        """Bytes of f16 K and V cache for N_CTX positions (0 when the header lacks the shapes)."""
        layers, heads = self._arch_int("block_count"), self._arch_int("attention.head_count")
        kv_heads = self._arch_int("attention.head_count_kv") or heads
        width = self._arch_int("embedding_length")
        if not (layers and heads and kv_heads and width):
            return 0
        key_dim = self._arch_int("attention.key_length") or width // heads
        value_dim = self._arch_int("attention.value_length") or width // heads
        return layers * n_ctx * kv_heads * (key_dim + value_dim) * _KV_BYTES

    def memory_bytes(self, n_ctx: int) -> int:
        """The memory a load with N_CTX needs: the weights, the KV cache and ~10% for compute buffers."""
        return self.size + self.kv_cache_bytes(n_ctx) + self.size // 10

    def _arch_int(self, name: str) -> int | None:
        value = self.metadata.get(f"{self.architecture}.{name}")
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def read_gguf(path: Path) -> GGUFInfo:
    """The header of the GGUF file at PATH; GGUFError when it is not one, OSError when it cannot be read."""
    with path.open("rb") as handle:
        size = path.stat().st_size
        if size < 24:
            raise GGUFError(f"{path} is not a GGUF file (too short)")
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data[:4] != MAGIC:
                raise GGUFError(f"{path} is not a GGUF file (it starts with {bytes(data[:4])!r}, not b'GGUF')")
            version, metadata = _Reader(data).header()
    parts = split_parts(path, metadata)
    return GGUFInfo(path, sum(p.stat().st_size for p in parts), version, metadata, parts)


def split_parts(path: Path, metadata: dict[str, Any]) -> tuple[Path, ...]:
    """Every file of a model split by gguf-split (`split.count` > 1), or just PATH; GGUFError if one is missing."""
    count, match = metadata.get("split.count"), _SPLIT.search(path.name)
    if not isinstance(count, int) or count <= 1 or match is None:
        return (path,)
    stem = path.name[: match.start()]
    parts = tuple(path.with_name(f"{stem}-{i:05d}-of-{count:05d}.gguf") for i in range(1, count + 1))
    missing = [p.name for p in parts if not p.is_file()]
    if missing or match.group(1) != "00001":
        raise GGUFError(f"{path.name} is part of a split model: pass its first part, and keep all {count} parts "
                        f"together{' (missing: ' + ', '.join(missing[:3]) + ')' if missing else ''}")
    return parts


class _Reader:
    """A cursor over the mapped file that refuses to read past its end."""

    def __init__(self, data: mmap.mmap) -> None:
        self.data = data
        self.offset = 4

    def header(self) -> tuple[int, dict[str, Any]]:
        version = self.scalar("<I")
        if version not in (1, 2, 3):
            raise GGUFError(f"unsupported GGUF version {version} (tfreview reads 1-3)")
        count = "<I" if version == 1 else "<Q"
        self.scalar(count)  # tensor count
        pairs = self.scalar(count)
        metadata: dict[str, Any] = {}
        for _ in range(pairs):
            key = self.string(count)
            metadata[key] = self.value(self.scalar("<I"), count)
        return version, metadata

    def scalar(self, fmt: str) -> Any:
        size = struct.calcsize(fmt)
        if self.offset + size > len(self.data):
            raise GGUFError("the GGUF header ends early (truncated file?)")
        (value,) = struct.unpack_from(fmt, self.data, self.offset)
        self.offset += size
        return value

    def string(self, count: str) -> str:
        length = self.scalar(count)
        if self.offset + length > len(self.data):
            raise GGUFError("a GGUF string runs past the end of the file")
        raw = self.data[self.offset : self.offset + length]
        self.offset += length
        return raw.decode("utf-8", errors="replace")

    def value(self, kind: int, count: str) -> Any:
        if kind in _SCALARS:
            return self.scalar(_SCALARS[kind])
        if kind == _STRING:
            return self.string(count)
        if kind != _ARRAY:
            raise GGUFError(f"unknown GGUF value type {kind}")
        item, length = self.scalar("<I"), self.scalar(count)
        if item in _SCALARS:  # skip fixed-size items in one step
            end = self.offset + length * struct.calcsize(_SCALARS[item])
            if end > len(self.data):
                raise GGUFError("a GGUF array runs past the end of the file")
            values = [self.value(item, count) for _ in range(length)] if length <= _KEEP_ARRAY else None
            self.offset = end
            return values
        values = [self.value(item, count) for _ in range(length)]
        return values if length <= _KEEP_ARRAY else None
