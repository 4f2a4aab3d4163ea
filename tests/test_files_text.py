"""Reading only regular files under a cap, and the one sanitiser for untrusted strings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from advisor.errors import InputError
from advisor.files.reading import read_regular
from advisor.text.sanitise import clean


def test_reads_a_regular_file(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    f.write_bytes(b"x" * 100)
    assert read_regular(f, limit=100) == b"x" * 100


def test_refuses_a_file_over_the_cap(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    f.write_bytes(b"x" * 101)
    with pytest.raises(InputError, match="limit"):
        read_regular(f, limit=100)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_refuses_a_device_without_reading_it() -> None:
    with pytest.raises(InputError, match="not a regular file"):
        read_regular(Path("/dev/zero"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_regular(fifo)


def test_missing_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_regular(tmp_path / "nope")
    with pytest.raises(InputError, match="folder"):
        read_regular(tmp_path)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("gpt-4o", "gpt-4o"),
        ("a\x1b[2Jb", "a\\x1b[2Jb"),
        ("row\nspoof", "row\\nspoof"),
        ("tab\there", "tab\\there"),
        ("del\x7f", "del\\x7f"),
        ("c1\x9b", "c1\\x9b"),
        ("rtl\u202eevil", "rtl\\u202eevil"),
        ("zw\u200bj", "zw\\u200bj"),
        ("naïve — 模型", "naïve — 模型"),
    ],
)
def test_clean_makes_controls_visible(raw: str, shown: str) -> None:
    assert clean(raw) == shown
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in clean(raw))
