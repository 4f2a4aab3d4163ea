"""Read a file people point advisor at: regular files only, with a size cap.

Why this module exists: a path from a workspace, a profile or the command line
may be a device or an endless stream (``/dev/zero``, a FIFO); reading it whole
would exhaust memory. Every file advisor reads in one piece comes through here:
it must be a regular file (checked on the open descriptor, so a swap after the
check cannot fool it) and no larger than the cap for its kind.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from advisor.errors import InputError

MIB = 1024 * 1024
#: Caps per kind of file; generous for real use, far below the machine's memory.
TEXT_LIMIT = 16 * MIB  # profiles, workspaces, settings, price sheets (TOML)
DATA_LIMIT = 8 * 1024 * MIB  # eval results and price source files


def _open_regular(path: Path) -> tuple[int, int]:
    """An open descriptor of a regular file and its size; an InputError naming it for anything else."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(path, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(path, "is not a regular file (a device, pipe or socket); advisor reads files only")
    except BaseException:
        os.close(fd)
        raise
    return fd, info.st_size


def read_regular(path: Path, *, limit: int = DATA_LIMIT) -> bytes:
    """The bytes of a regular file no larger than ``limit``; anything else is an InputError naming it."""
    fd, size = _open_regular(path)
    try:
        if size > limit:
            raise InputError(
                path, f"is {size / MIB:,.0f} MiB; the limit for this kind of file is {limit / MIB:,.0f} MiB"
            )
        with os.fdopen(fd, "rb", closefd=True) as fh:
            fd = -1
            data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > limit:  # it grew while we read
        raise InputError(path, f"is larger than the {limit / MIB:,.0f} MiB limit for this kind of file")
    return data


def read_head(path: Path, size: int) -> bytes:
    """The first ``size`` bytes of a regular file (to recognise its format); the same refusals as ``read_regular``."""
    fd, _ = _open_regular(path)
    try:
        with os.fdopen(fd, "rb", closefd=True) as fh:
            fd = -1
            return fh.read(size)
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    finally:
        if fd >= 0:
            os.close(fd)


def regular_size(path: Path, *, limit: int = DATA_LIMIT) -> int:
    """The size of a regular file no larger than ``limit``, for readers that open it themselves.

    The same refusals as ``read_regular``, without reading: a columnar engine reads the file in parallel.
    """
    fd, size = _open_regular(path)
    os.close(fd)
    if size > limit:
        raise InputError(path, f"is {size / MIB:,.0f} MiB; the limit for this kind of file is {limit / MIB:,.0f} MiB")
    return size
