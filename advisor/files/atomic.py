"""Write files so that no reader ever sees half of one, and no killed writer leaves litter.

Memos, price snapshots and state files all go through here: the data goes to
a temporary file in the target folder, is flushed to disk, and is then put in
place in one step (``os.replace``, or a hard link when an existing file must
never be replaced).

A writer killed mid-write (``kill -9``, a power cut) leaves its hidden
temporary file behind. Each temporary file is locked by its writer while it
is written, so the next write into the same folder can tell a dead writer's
file (unlocked, and not brand new) from a live one and removes it.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

from advisor.files.lock import try_lock


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: The mode a plain ``open(path, "w")`` would give (mkstemp's 0600 is for the temp file only).
FILE_MODE = 0o666 & ~_umask()
#: Temporary files are ``.<name>.advisor-<random>.tmp``; nothing else is ever removed.
TEMP_MARK = ".advisor-"
_TEMP = re.compile(r"^\..*\.advisor-[A-Za-z0-9_]{8}\.tmp$")
#: A temporary file younger than this may be one a live writer has created but not yet locked.
STALE_AFTER_SECONDS = 2.0
#: Long target names are cut in the temp name, so a name near the file-system limit still gets a temp file.
_NAME_IN_TEMP = 64


def remove_stale_temps(folder: Path) -> list[Path]:
    """Remove the temporary files dead writers left in ``folder``; the removed paths."""
    removed: list[Path] = []
    try:
        entries = [e for e in os.scandir(folder) if _TEMP.match(e.name)]
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        try:
            if not entry.is_file(follow_symlinks=False) or now - entry.stat().st_mtime < STALE_AFTER_SECONDS:
                continue
            fd = os.open(entry.path, os.O_RDWR)
        except OSError:
            continue
        try:
            if try_lock(fd):  # no live writer holds it
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def _temp_copy(path: Path, data: str | bytes, mode: int | None = None) -> tuple[int, str]:
    """A flushed temporary file beside ``path`` holding ``data``, and its descriptor, locked until the caller
    has put the file in place and closes it (so no cleaner takes it for a dead writer's)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(path.parent)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:_NAME_IN_TEMP]}{TEMP_MARK}", suffix=".tmp", dir=path.parent)
    try:
        try_lock(fd)
        os.chmod(tmp, FILE_MODE if mode is None else mode)  # before the data, so a 0600 file is never wider
        view = memoryview(raw)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise
    return fd, tmp


def _release_if_windows(fd: int) -> int:
    """Windows cannot move or remove an open file: there the lock ends before the move (-1: closed)."""
    if os.name == "nt":  # pragma: no cover - Windows
        os.close(fd)
        return -1
    return fd


def _close(fd: int) -> None:
    if fd >= 0:
        os.close(fd)


def write_atomic(path: Path, data: str | bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` (with ``mode``, else the umask's), replacing what was there in one step."""
    fd, tmp = _temp_copy(path, data, mode)
    fd = _release_if_windows(fd)
    try:
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        _close(fd)


def write_new(path: Path, data: str | bytes, *, mode: int | None = None) -> None:
    """Like ``write_atomic`` but never replaces an existing file (raises FileExistsError)."""
    fd, tmp = _temp_copy(path, data, mode)
    fd = _release_if_windows(fd)
    try:
        try:
            os.link(tmp, path)  # fails with FileExistsError instead of overwriting
        except FileExistsError:
            raise
        except OSError:  # no hard links on this filesystem: check, then rename
            if path.exists():
                raise FileExistsError(path) from None
            os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
        _close(fd)
