"""Choose a price sheet: ``bundled``, a path, a date, or ``latest``.

Every command that prices anything takes the same reference, so a decision can
be re-run on the sheet in force on any day the user has a snapshot for.
"""

from __future__ import annotations

from pathlib import Path

from advisor import bundled
from advisor.errors import InputError
from advisor.prices.sheet import PriceSheet, load_sheet


def bundled_sheet_path() -> Path:
    sheets = sorted(bundled.path("pricing").glob("*.toml"))
    if not sheets:
        raise InputError(bundled.path("pricing"), "no bundled price sheet")
    return sheets[-1]


def open_sheet(ref: str, *, relative_to: Path | None = None) -> tuple[PriceSheet, Path]:
    """The sheet a reference names, and the file it came from."""
    if ref == "bundled":
        path = bundled_sheet_path()
    else:
        path = Path(ref)
        if relative_to is not None and not path.is_absolute():
            path = relative_to / path
    if not path.is_file():
        raise InputError(path, "price sheet not found (give a path, 'bundled', 'latest' or a date)")
    return load_sheet(path), path
