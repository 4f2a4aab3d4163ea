"""Choose a price sheet: ``bundled``, ``latest``, a date, or a path.

Every command that prices anything takes the same reference, so a decision can
be re-run on the sheet in force on any day the user has a snapshot for.
``latest`` is the newest snapshot that validated (a failed pull never writes
one), so the previous good sheet stays the default until a new one is good.
"""

from __future__ import annotations

from pathlib import Path

from advisor.errors import InputError
from advisor.prices import history
from advisor.prices.sheet import PriceSheet, load_sheet


def bundled_sheet_path() -> Path:
    return history.find("bundled")


def open_sheet(ref: str, *, relative_to: Path | None = None) -> tuple[PriceSheet, Path]:
    """The sheet a reference names, and the file it came from."""
    path = history.find(ref, relative_to=relative_to)
    if path.suffix.lower() == ".json":  # a public source's file, not a native sheet
        raise InputError(
            path,
            "price sheets are native TOML; read this file into one first with "
            f"`advisor prices import {path}`, then pass --prices with the date it reports",
        )
    return load_sheet(path), path
