"""Save a checked sheet as a new snapshot in the user's data folder, one writer at a time.

Why this module exists: ``prices pull`` and ``prices import`` end the same
way: take the folder's lock, compare the new sheet with the newest readable
snapshot (``advisor.prices.checks``), and write a new, never-overwriting
snapshot atomically, or nothing. The lock makes two concurrent pulls take
turns, so the second sees the first's snapshot and does not write a twin.
This module also owns the data folder's other file, ``http-cache.json`` (the
ETag and Last-Modified of each source, keyed by its URL with credentials
redacted), and turns every way that folder can be unusable (read-only, a
file, a cache that is a folder) into one line before anything is fetched.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.errors import InputError
from advisor.files.atomic import write_atomic, write_new
from advisor.files.lock import exclusive
from advisor.files.reading import TEXT_LIMIT, read_regular
from advisor.prices import checks, history
from advisor.prices.native import dump_sheet
from advisor.prices.sheet import PriceSheet

STATE_FILE = "http-cache.json"
LOCK_FILE = ".snapshots.lock"
#: How long a pull or import waits for another one to finish writing.
LOCK_WAIT_SECONDS = 60.0


def _hint() -> str:
    return f"set {history.DATA_DIR_ENV} to a folder you can write to"


def ready_dir() -> Path:
    """The snapshots folder, created if needed; an InputError if it cannot be written or its cache is not a file."""
    data = history.data_dir()
    folder = history.snapshots_dir()
    for p in (data, folder):
        if p.exists() and not p.is_dir():
            raise InputError(p, f"is a file, not a folder; {_hint()}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(folder, f"cannot create the snapshots folder: {exc.strerror or exc}; {_hint()}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(folder, f"is not writable; {_hint()}")
    state = folder / STATE_FILE
    if state.is_symlink() or (state.exists() and not state.is_file()):
        raise InputError(state, "is not a regular file; remove it (it only remembers ETags to save downloads)")
    return folder


def read_state() -> dict[str, Any]:
    """The ETag cache; a damaged one is forgotten (it only saves downloads)."""
    path = history.snapshots_dir() / STATE_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(read_regular(path, limit=TEXT_LIMIT))
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def save_state(state: dict[str, Any]) -> None:
    path = history.snapshots_dir() / STATE_FILE
    try:
        write_atomic(path, json.dumps(state, indent=2, sort_keys=True) + "\n")
    except OSError as exc:
        raise InputError(
            path, f"cannot write: {exc.strerror or exc}; the snapshot was saved, the next pull downloads in full"
        ) from None


@contextlib.contextmanager
def locked() -> Iterator[None]:
    """Hold the snapshots folder's lock: no other pull or import writes meanwhile."""
    with exclusive(ready_dir() / LOCK_FILE, wait=LOCK_WAIT_SECONDS, what="another pull or import"):
        yield


@dataclass(frozen=True)
class Saved:
    status: str  # "new", or "same" (equal to the newest readable snapshot: nothing written)
    path: Path
    flagged: tuple[str, ...]
    notes: tuple[str, ...]


def save(
    sheet: PriceSheet,
    label: str,
    *,
    where: str,
    base_label: str | None,
    accept_suspicious: bool,
    bad_rates: Sequence[str] = (),
    keep: Collection[str] | None = None,
    whole_source: bool = True,
    same_needs_date: bool = False,
    missing_rates: Collection[str] = (),
) -> Saved:
    """Check ``sheet`` against the newest readable snapshot and write it as a new one (under the lock)."""
    checks.check_date(sheet.as_of, where)
    with locked():
        base = history.newest_readable(base_label)
        verdict = checks.check(
            sheet,
            base,
            where=where,
            bad_rates=bad_rates,
            keep=keep,
            whole_source=whole_source,
            missing_rates=missing_rates,
        )
        if verdict.suspicious and not accept_suspicious:
            checks.refuse_suspicious(verdict, where)
        mine = base.path is not None and base.path.parent == history.snapshots_dir()
        if (
            mine
            and base.sheet is not None
            and base.path is not None
            and base.sheet.models == sheet.models
            and (not same_needs_date or base.sheet.as_of == sheet.as_of)
        ):
            return Saved("same", base.path, verdict.suspicious, verdict.notes)
        path = _write(sheet, label)
    return Saved("new", path, verdict.suspicious, verdict.notes)


def _write(sheet: PriceSheet, label: str) -> Path:
    text = dump_sheet(sheet)
    for _ in range(3):  # another writer outside the lock (an older advisor) may take the name first
        path = history.snapshot_path(sheet.as_of, label)
        try:
            write_new(path, text)
            return path
        except FileExistsError:
            continue
        except OSError as exc:
            raise InputError(path, f"cannot write the snapshot: {exc.strerror or exc}; nothing saved") from None
    raise InputError(path, "could not find a free snapshot name; nothing saved")
