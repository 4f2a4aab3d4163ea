"""Atomic writes: whole files only, normal permissions, never over an existing file when asked."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from advisor.files.atomic import FILE_MODE, write_atomic, write_new


def test_write_atomic_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "memo.md"
    write_atomic(target, "one")
    write_atomic(target, b"two")
    assert target.read_text() == "two"
    assert os.listdir(target.parent) == ["memo.md"]
    assert stat.S_IMODE(target.stat().st_mode) == FILE_MODE
    assert FILE_MODE & 0o044  # readable by others under a usual umask, unlike mkstemp's 0600


def test_write_new_never_replaces(tmp_path: Path) -> None:
    target = tmp_path / "snapshot.toml"
    write_new(target, "first")
    with pytest.raises(FileExistsError):
        write_new(target, "second")
    assert target.read_text() == "first"
    assert os.listdir(tmp_path) == ["snapshot.toml"]
