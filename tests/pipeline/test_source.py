"""Reading a plan's bytes: regular files only, every read under the size cap, planfiles checked before unpacking."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path

import pytest

from tests.helpers import plan_path
from tfreview.errors import PlanError
from tfreview.pipeline.plan import read_plan_document
from tfreview.pipeline.source import (
    DEFAULT_MAX_PLAN_BYTES,
    check_planfile,
    describe_size,
    parse_size,
    read_capped,
    read_source,
    shown_path,
)


def test_read_capped_allows_the_cap_and_refuses_one_byte_more() -> None:
    assert read_capped([b"ab", b"cd"], 4, "x") == b"abcd"
    with pytest.raises(PlanError, match=r"^the download is larger than the 3 bytes cap"):
        read_capped([b"ab", b"cd"], 3, "the download")


def test_read_capped_stops_reading_an_endless_stream() -> None:
    def endless() -> object:
        while True:
            yield b"\0" * 65536

    with pytest.raises(PlanError, match="larger than the 1 MiB cap"):
        read_capped(endless(), 1 << 20, "stream")  # type: ignore[arg-type]


def test_fifo_is_refused_at_once_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.json"
    os.mkfifo(fifo)
    with pytest.raises(PlanError, match=r"is a FIFO \(named pipe\), not a regular file"):
        read_source(fifo, DEFAULT_MAX_PLAN_BYTES)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_devices_are_refused(device: str) -> None:
    with pytest.raises(PlanError, match="is a character device, not a regular file"):
        read_source(device, DEFAULT_MAX_PLAN_BYTES)


def test_directory_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="is a directory"):
        read_source(tmp_path, DEFAULT_MAX_PLAN_BYTES)
    with pytest.raises(PlanError, match="not found"):
        read_source(tmp_path / "nope.json", DEFAULT_MAX_PLAN_BYTES)


def test_file_over_the_cap_is_refused_by_its_size(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(b" " * 2048)
    with pytest.raises(PlanError, match=r"is 2 KiB, larger than the 1 KiB cap — raise --max-plan-bytes"):
        read_source(path, 1024)
    assert read_source(path, 2048) == b" " * 2048


def test_stdin_over_the_cap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"{" * 5000)))
    with pytest.raises(PlanError, match="the plan on stdin is larger than the 4 KiB cap"):
        read_source("-", 4096)


def test_stdin_from_a_device_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with open("/dev/zero", "rb") as zero:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(zero))
        with pytest.raises(PlanError, match="stdin is a character device, not a plan"):
            read_source("-", DEFAULT_MAX_PLAN_BYTES)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _declare(data: bytes, size: int) -> bytes:
    """Rewrite every central-directory entry to declare SIZE bytes uncompressed (a lying or huge member)."""
    out = bytearray(data)
    start = out.find(b"PK\x01\x02")
    while start != -1:
        out[start + 24:start + 28] = struct.pack("<I", size)
        start = out.find(b"PK\x01\x02", start + 4)
    return bytes(out)


def test_zip_bomb_is_refused_by_declared_size() -> None:
    bomb = _zip({"tfplan": b"\0" * (8 << 20), "tfstate": b"\0" * (8 << 20)})
    assert len(bomb) < 64 << 10  # 16 MiB of zeros packs into a few KiB
    with pytest.raises(PlanError, match="members unpack to 16 MiB, more than the 1 MiB cap; not converted"):
        check_planfile(bomb, 1 << 20, "tfplan")
    check_planfile(bomb, 16 << 20, "tfplan")


def test_members_declaring_gigabytes_are_refused_under_the_default_cap() -> None:
    bomb = _declare(_zip({"tfplan": b"x", "tfstate": b"y"}), 0xFFFF_FFFF)
    with pytest.raises(PlanError, match="members unpack to 8589934590 bytes, more than the 1 GiB cap"):
        check_planfile(bomb, DEFAULT_MAX_PLAN_BYTES, "tfplan")


def test_broken_archive_is_a_plan_error() -> None:
    with pytest.raises(PlanError, match="not a readable zip archive"):
        check_planfile(b"PK\x03\x04" + b"\0" * 100, DEFAULT_MAX_PLAN_BYTES, "tfplan")


def _fake_terraform(tmp_path: Path, script: str) -> Path:
    fake = tmp_path / "fake-terraform"
    fake.write_text(f"#!/bin/sh\n{script}\n")
    fake.chmod(0o755)
    return fake


def test_zip_bomb_never_reaches_terraform(tmp_path: Path) -> None:
    planfile = tmp_path / "tfplan"
    planfile.write_bytes(_zip({"tfplan": b"\0" * (4 << 20)}))
    marker = tmp_path / "ran"
    fake = _fake_terraform(tmp_path, f"touch {marker}")
    with pytest.raises(PlanError, match="not converted"):
        read_plan_document(planfile, terraform_bin=str(fake), max_bytes=1 << 20)
    assert not marker.exists()


def test_show_output_over_the_cap_is_refused(tmp_path: Path) -> None:
    planfile = tmp_path / "tfplan"
    planfile.write_bytes(_zip({"tfplan": b"plan"}))
    fake = _fake_terraform(tmp_path, "head -c 3000000 /dev/zero")
    with pytest.raises(PlanError, match=r"the output of `fake-terraform show -json tfplan` is larger than the 1 MiB"):
        read_plan_document(planfile, terraform_bin=str(fake), max_bytes=1 << 20)


def test_show_output_within_the_cap_is_the_plan(tmp_path: Path) -> None:
    planfile = tmp_path / "tfplan"
    planfile.write_bytes(_zip({"tfplan": b"plan"}))
    fake = _fake_terraform(tmp_path, f'[ "$1 $2" = "show -json" ] || exit 3\ncat {plan_path("create")}')
    assert read_plan_document(planfile, terraform_bin=str(fake))["format_version"] == "1.2"


@pytest.mark.parametrize(
    ("text", "size"),
    [("1073741824", 1 << 30), ("1GiB", 1 << 30), ("512 MiB", 512 << 20), ("64k", 64 << 10), ("2G", 2 << 30),
     ("1000", 1000), ("10b", 10), (" 3 MB ", 3 << 20)],
)
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "lots", "1.5G", "GiB", "-"])
def test_parse_size_refuses_what_is_not_a_size(text: str) -> None:
    with pytest.raises(ValueError):
        parse_size(text)


def test_sizes_and_paths_are_described_on_one_line() -> None:
    assert [describe_size(n) for n in (1 << 30, 3 << 20, 1024, 1500)] == ["1 GiB", "3 MiB", "1 KiB", "1500 bytes"]
    assert shown_path("plans/a\nb\x1b[31m.json") == "plans/a\\nb\\x1b[31m.json"
