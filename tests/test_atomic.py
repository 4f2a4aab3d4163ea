"""Atomic writes: whole files only, normal permissions, never over an existing file when asked; stale temp files
from killed writers cleaned; the folder lock."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from advisor.files.atomic import FILE_MODE, remove_stale_temps, write_atomic, write_new
from advisor.files.lock import exclusive, try_lock


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


# ----------------------------------------------------------------------------- stale temporary files and locks


def _temp(folder: Path, name: str, age: float) -> Path:
    path = folder / name
    path.write_text("half")
    old = time.time() - age
    os.utime(path, (old, old))
    return path


def test_stale_temps_are_removed_and_nothing_else(tmp_path: Path) -> None:
    stale = _temp(tmp_path, ".memo.md.advisor-abcd1234.tmp", 60)
    fresh = _temp(tmp_path, ".memo.md.advisor-efgh5678.tmp", 0)  # may be a live writer's, not yet locked
    other = _temp(tmp_path, ".memo.md.abcd1234.tmp", 60)  # another program's temp file
    mine = _temp(tmp_path, "notes.tmp", 60)
    assert remove_stale_temps(tmp_path) == [stale]
    assert not stale.exists() and fresh.exists() and other.exists() and mine.exists()


def test_a_write_cleans_its_folder_first(tmp_path: Path) -> None:
    stale = _temp(tmp_path, ".old.toml.advisor-zzzz9999.tmp", 60)
    write_new(tmp_path / "new.toml", "x")
    assert sorted(os.listdir(tmp_path)) == ["new.toml"] and not stale.exists()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs a second process holding a lock")
def test_a_locked_temp_belongs_to_a_live_writer(tmp_path: Path) -> None:
    held = _temp(tmp_path, ".memo.md.advisor-live0001.tmp", 60)
    fd = os.open(held, os.O_RDWR)
    assert try_lock(fd)
    child = subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; from advisor.files.atomic import "
         "remove_stale_temps as r; print(len(r(Path(sys.argv[1]))))", str(tmp_path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert child.stdout.strip() == "0" and held.exists()  # another process holds it: left alone
    os.close(fd)
    assert remove_stale_temps(tmp_path) == [held]


def test_a_long_name_still_gets_a_temp_file(tmp_path: Path) -> None:
    target = tmp_path / ("m" * 250 + ".md")  # 253 bytes: allowed, but not with a temp prefix and suffix
    write_new(target, "x")
    assert target.read_text() == "x"


def test_exclusive_waits_then_says_who_holds_it(tmp_path: Path) -> None:
    lock = tmp_path / ".lock"
    with exclusive(lock):
        child = subprocess.run(
            [sys.executable, "-c", "import sys; from pathlib import Path; from advisor.files.lock import exclusive\n"
             "from advisor.errors import InputError\n"
             "try:\n    with exclusive(Path(sys.argv[1]), wait=0.2, what='another pull'):\n        print('got it')\n"
             "except InputError as e:\n    print(e.line())", str(lock)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    assert "another pull has held this lock" in child.stdout
    with exclusive(lock, wait=0.2):  # released when the block ended
        pass
