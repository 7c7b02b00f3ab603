"""Load stage: read a plan's bytes from a regular file, stdin or a download, never more than a size cap.

A plan path must name a regular file: a FIFO would block, `/dev/zero` or a device never ends. Every read
stops one byte past the cap (`--max-plan-bytes`, default 1 GiB), and a saved planfile (a zip archive)
whose members declare more than the cap uncompressed is refused before `terraform show` unpacks it:
Go's archive/zip, which Terraform reads planfiles with, fails a member that inflates past its declared size.
"""

from __future__ import annotations

import io
import os
import stat
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path

from tfreview.errors import PlanError

DEFAULT_MAX_PLAN_BYTES = 1 << 30
CHUNK_BYTES = 1 << 20
_CAP_ADVICE = "raise --max-plan-bytes (or TFREVIEW_MAX_PLAN_BYTES) if the plan is real"


def read_capped(chunks: Iterable[bytes], limit: int, what: str) -> bytes:
    """Join CHUNKS, refusing (PlanError) as soon as they add up to more than LIMIT bytes.

    Reusable for any stream: a file, stdin, or an HTTP download (`response.iter_bytes()`).
    """
    parts: list[bytes] = []
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise PlanError(f"{what} is larger than the {describe_size(limit)} cap — {_CAP_ADVICE}")
        parts.append(chunk)
    return b"".join(parts)


def read_source(source: str | Path, limit: int) -> bytes:
    """The bytes of SOURCE: a path to a regular file, or '-' for stdin."""
    if str(source) == "-":
        return _read_stdin(limit)
    path = Path(source)
    shown = shown_path(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer before we can refuse it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise PlanError(f"plan file {shown} not found") from None
    except OSError as exc:
        raise PlanError(f"cannot read {shown}: {exc.strerror}") from None
    try:
        _check_regular(fd, shown, limit)
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", buffering=0, closefd=False) as stream:
            return read_capped(iter(lambda: stream.read(CHUNK_BYTES), b""), limit, shown)
    except OSError as exc:
        raise PlanError(f"cannot read {shown}: {exc.strerror}") from None
    finally:
        os.close(fd)


def _check_regular(fd: int, shown: str, limit: int) -> None:
    mode = os.fstat(fd)
    if stat.S_ISDIR(mode.st_mode):
        raise PlanError(f"{shown} is a directory — pass a plan JSON file or a saved planfile")
    if not stat.S_ISREG(mode.st_mode):
        raise PlanError(f"{shown} is a {_file_kind(mode.st_mode)}, not a regular file — write the plan to a "
                        "file, or pipe it into `tfreview review -`")
    if mode.st_size > limit:
        raise PlanError(f"{shown} is {describe_size(mode.st_size)}, larger than the "
                        f"{describe_size(limit)} cap — {_CAP_ADVICE}")


def check_planfile(data: bytes, limit: int, what: str) -> None:
    """Refuse a saved planfile whose zip members declare more than LIMIT bytes uncompressed, or no directory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            declared = sum(member.file_size for member in archive.infolist())
    # A hostile archive can trip any of zipfile's parsing errors; each means "not a planfile we can open".
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise PlanError(f"{what} starts like a saved planfile but is not a readable zip archive ({exc}) — "
                        "create it with `terraform plan -out tfplan`") from None
    if declared > limit:
        raise PlanError(f"{what} is a planfile whose members unpack to {describe_size(declared)}, more than the "
                        f"{describe_size(limit)} cap; not converted — {_CAP_ADVICE}")


def describe_size(size: int) -> str:
    """'1 GiB', '512 MiB', '1500 bytes'."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


def parse_size(text: str | int) -> int:
    """Bytes from '1073741824', '1GiB', '512 MiB', '64k' or '2G' (binary units); ValueError otherwise."""
    if isinstance(text, int):
        return text
    cleaned = text.strip().lower().replace(" ", "").removesuffix("ib").removesuffix("b")
    factors = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
    if cleaned and cleaned[-1] in factors:
        return int(cleaned[:-1]) * factors[cleaned[-1]]
    return int(cleaned)


def shown_path(path: str | Path) -> str:
    """A path as one line of text: control and line-break characters escaped."""
    text = str(path)
    if text.isprintable():
        return text
    return text.encode("unicode_escape").decode("ascii")


def _read_stdin(limit: int) -> bytes:
    if sys.stdin.isatty():
        raise PlanError("no plan given — pass a plan file, or pipe `terraform show -json tfplan` into tfreview")
    stream = sys.stdin.buffer
    try:
        mode = os.fstat(stream.fileno()).st_mode
    except (OSError, ValueError, io.UnsupportedOperation):
        mode = stat.S_IFIFO  # not a real descriptor (a test harness): read it as a stream
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISDIR(mode):
        raise PlanError(f"stdin is a {_file_kind(mode)}, not a plan — pipe `terraform show -json tfplan` into "
                        "tfreview, or pass a plan file")
    data = read_capped(iter(lambda: stream.read(CHUNK_BYTES), b""), limit, "the plan on stdin")
    if not data:
        raise PlanError("no plan on stdin — pipe `terraform show -json tfplan` into tfreview")
    return data


def _file_kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "FIFO (named pipe)"), (stat.S_ISCHR, "character device"),
             (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket"), (stat.S_ISDIR, "directory"))
    return next((name for test, name in kinds if test(mode)), "special file")
