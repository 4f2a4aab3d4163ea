"""An exclusive lock on a folder's lock file, so two writers take turns.

Why this module exists: two ``advisor prices pull`` (or a pull and an import)
running at once would each see the same newest snapshot, each decide theirs
is new, and both write one. Whoever holds this lock reads, checks and writes
alone; the other waits, then sees the first one's snapshot. The lock is the
operating system's (``flock`` on POSIX, ``msvcrt.locking`` on Windows), so a
process killed with ``kill -9`` releases it: there is no stale lock to clean.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from advisor.errors import InputError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]


def try_lock(fd: int) -> bool:
    """Take an exclusive lock on an open file without waiting; False when another process holds it."""
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # pragma: no cover - Windows
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


@contextlib.contextmanager
def exclusive(path: Path, *, wait: float = 30.0, what: str = "another advisor") -> Iterator[None]:
    """Hold the lock on ``path`` (created if missing) for the block; wait up to ``wait`` seconds for it."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise InputError(path, f"cannot create the lock file: {exc.strerror or exc}") from None
    try:
        end = time.monotonic() + wait
        while not try_lock(fd):
            if time.monotonic() > end:
                raise InputError(path, f"{what} has held this lock for over {wait:g} s; try again when it is done")
            time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
