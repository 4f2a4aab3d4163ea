"""Choose a price sheet: ``bundled``, ``latest``, a date, or a path.

Every command that prices anything takes the same reference, so a decision can
be re-run on the sheet in force on any day the user has a snapshot for.
``latest`` is the newest snapshot that validated (a failed pull never writes
one), so the previous good sheet stays the default until a new one is good.
A workspace's own ``[[models]]`` are laid over whichever sheet it uses.
"""

from __future__ import annotations

from pathlib import Path

from advisor.errors import InputError
from advisor.inputs.workspace import Workspace
from advisor.prices import history
from advisor.prices.indexed import open_indexed
from advisor.prices.own import workspace_entries
from advisor.prices.sheet import PriceSheet


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
    return open_indexed(path), path


def open_workspace_sheet(ws: Workspace, ref: str | None = None) -> tuple[PriceSheet, Path]:
    """The sheet a workspace prices with (``ref`` overrides its own), with its ``[[models]]`` laid over it."""
    sheet, path = open_sheet(ref or ws.config.prices, relative_to=None if ref else ws.root)
    return sheet.overlay(workspace_entries(ws.config.models, ws.config_path)), path
