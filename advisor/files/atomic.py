"""Write files so that no reader ever sees half of one.

Memos, price snapshots and state files all go through here: the data goes to
a temporary file in the target folder, is flushed to disk, and is then put in
place in one step (``os.replace``, or a hard link when an existing file must
never be replaced).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: The mode a plain ``open(path, "w")`` would give (mkstemp's 0600 is for the temp file only).
FILE_MODE = 0o666 & ~_umask()


def _temp_copy(path: Path, data: str | bytes, mode: int | None = None) -> str:
    """A flushed temporary file beside ``path`` holding ``data`` (``mode``, else the umask's); the caller moves it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, FILE_MODE if mode is None else mode)  # before the data, so a 0600 file is never wider
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def write_atomic(path: Path, data: str | bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path``, replacing what was there in one step."""
    tmp = _temp_copy(path, data, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_new(path: Path, data: str | bytes, *, mode: int | None = None) -> None:
    """Like ``write_atomic`` but never replaces an existing file (raises FileExistsError)."""
    tmp = _temp_copy(path, data, mode)
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
