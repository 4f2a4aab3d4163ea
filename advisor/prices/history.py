"""Dated price snapshots: where they live, which one a reference means, what changed.

A decision is made on the prices of a day and must be revisited when they
move. So advisor never edits a sheet in place: each pull or import writes a
new dated snapshot (``YYYY-MM-DD-<source>[-N].toml``) into the user's data
directory, next to the bundled ones shipped with the package. This module
lists them, turns a reference (``latest``, ``bundled``, a date, a path) into a
file, and diffs two sheets (added, removed, repriced old → new with percent,
the workspace's candidates first). ``latest`` is the newest snapshot in force
today: one dated in the future (a typo, or prices announced ahead) is listed
but never silently becomes the default.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import platformdirs

from advisor.errors import InputError
from advisor.files import bundled
from advisor.prices.indexed import open_indexed
from advisor.prices.resolve import AmbiguousModel, resolve
from advisor.prices.sheet import ModelPrice, PriceSheet

DATA_DIR_ENV = "ADVISOR_DATA_DIR"
_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9][a-z0-9_.-]*?)(?:-(\d+))?\.toml$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RATE_FIELDS = (
    "input_per_mtok",
    "output_per_mtok",
    "cached_input_per_mtok",
    "cache_write_per_mtok",
    "batch_discount",
)


def data_dir() -> Path:
    """The user's advisor data folder (``$ADVISOR_DATA_DIR`` overrides platformdirs)."""
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env) if env else Path(platformdirs.user_data_dir("advisor", appauthor=False))


def snapshots_dir() -> Path:
    return data_dir() / "prices"


@dataclass(frozen=True, order=True)
class Snapshot:
    """One dated sheet file. Ordered by date, then user snapshots after bundled ones, then sequence."""

    as_of: dt.date
    rank: int  # 0 bundled, 1 user (pulled or imported): a user snapshot of the same day wins
    seq: int
    label: str
    path: Path

    @property
    def origin(self) -> str:
        return "bundled" if self.rank == 0 else "user"


def _scan(folder: Path, rank: int) -> list[Snapshot]:
    out: list[Snapshot] = []
    if not folder.is_dir():
        return out
    for p in folder.glob("*.toml"):
        m = _NAME.match(p.name)
        if not m:
            continue
        try:
            day = dt.date.fromisoformat(m.group(1))
        except ValueError:
            continue
        out.append(Snapshot(day, rank, int(m.group(3) or 1), m.group(2), p))
    return out


def list_snapshots() -> list[Snapshot]:
    """Every bundled and user snapshot, oldest first."""
    return sorted([*_scan(bundled.path("pricing"), 0), *_scan(snapshots_dir(), 1)])


def today() -> dt.date:
    """The date prices are in force on (UTC, as pulls date their snapshots)."""
    return dt.datetime.now(dt.UTC).date()


def in_force(snaps: Sequence[Snapshot], on: dt.date | None = None) -> list[Snapshot]:
    """The snapshots dated on or before ``on`` (today; a day's grace for time zones)."""
    limit = (on or today()) + dt.timedelta(days=1)
    return [s for s in snaps if s.as_of <= limit]


@dataclass(frozen=True)
class Base:
    """The sheet a new one is checked against, and the newer snapshots that could not be read."""

    sheet: PriceSheet | None
    path: Path | None
    unreadable: tuple[str, ...]


def newest_readable(label: str | None = None) -> Base:
    """The newest snapshot in force that loads (of ``label``'s source when there is one, else any user
    snapshot, else the bundled sheet), naming every newer one that did not load."""
    every = in_force(list_snapshots())
    mine = [s for s in every if s.rank == 1 and (label is None or s.label == label)]
    candidates = [*reversed(mine), *(s for s in reversed(every) if s.rank == 0)]
    unreadable: list[str] = []
    for snap in candidates:
        try:
            return Base(open_indexed(snap.path), snap.path, tuple(unreadable))
        except InputError as exc:
            unreadable.append(exc.line())
    return Base(None, None, tuple(unreadable))


def snapshot_path(as_of: dt.date, label: str) -> Path:
    """A fresh file name for a new snapshot: never one that exists."""
    folder = snapshots_dir()
    base = f"{as_of.isoformat()}-{label}"
    path = folder / f"{base}.toml"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{base}-{n}.toml"
    return path


def find(ref: str, *, relative_to: Path | None = None) -> Path:
    """The file a sheet reference names: ``latest``, ``bundled``, ``YYYY-MM-DD`` or a path.

    A date means the newest snapshot dated on or before it (the prices in force
    that day).
    """
    if ref == "bundled":
        own = [s for s in list_snapshots() if s.rank == 0]
        if not own:
            raise InputError(bundled.path("pricing"), "no bundled price sheet")
        return own[-1].path
    if ref == "latest":
        every = list_snapshots()
        if not every:
            raise InputError(snapshots_dir(), "no price snapshots (and no bundled sheet)")
        return (in_force(every) or every)[-1].path
    if _DATE.match(ref):
        try:
            day = dt.date.fromisoformat(ref)
        except ValueError:
            raise InputError(None, f"{ref!r} is not a valid date") from None
        before = [s for s in list_snapshots() if s.as_of <= day]
        if not before:
            raise InputError(None, f"no price snapshot dated on or before {ref} (see 'advisor prices history')")
        return before[-1].path
    path = Path(ref).expanduser()
    if relative_to is not None and not path.is_absolute():
        path = relative_to / path
    if not path.is_file():
        raise InputError(path, "price sheet not found (give a path, 'bundled', 'latest' or a date)")
    return path


# ----------------------------------------------------------------------------- diff


@dataclass(frozen=True)
class Change:
    field: str
    old: Decimal | None
    new: Decimal | None

    @property
    def percent(self) -> float | None:
        if self.old is None or self.new is None or self.old == 0:
            return None
        return float((self.new - self.old) / self.old * 100)


@dataclass(frozen=True)
class Repriced:
    id: str
    changes: tuple[Change, ...]
    candidate: bool
    new_id: str = ""  # the id in the newer sheet, when it differs


@dataclass(frozen=True)
class SheetDiff:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    repriced: tuple[Repriced, ...]


def _tier_summary(m: ModelPrice) -> str:
    parts = []
    for t in m.tiers:
        rates = "/".join(
            "—" if v is None else str(v)
            for v in (t.input_per_mtok, t.output_per_mtok, t.cached_input_per_mtok, t.cache_write_per_mtok)
        )
        parts.append(f">{t.above_input_tokens}: {rates}")
    return ", ".join(parts) or "none"


def compare(old: ModelPrice, new: ModelPrice) -> list[Change]:
    """Rate fields that differ between two entries for the same model."""
    changes = [Change(f, getattr(old, f), getattr(new, f)) for f in RATE_FIELDS if getattr(old, f) != getattr(new, f)]
    if old.tiers != new.tiers:
        changes.append(Change(f"tiers ({_tier_summary(old)} → {_tier_summary(new)})", None, None))
    return changes


def _alias_map(sheet: PriceSheet) -> dict[str, ModelPrice]:
    out: dict[str, ModelPrice] = {}
    for m in sheet.models:
        for a in m.aliases:
            out.setdefault(a, m)
    return out


def _counterpart(m: ModelPrice, other: PriceSheet, other_aliases: dict[str, ModelPrice]) -> ModelPrice | None:
    """The same model in another sheet, by the closest evidence first.

    Same id and provider; else an entry there that lists this id as an alias;
    else one of this entry's aliases as an id there. A curated sheet
    (``gemini-2.5-pro``, provider google) lists the LiteLLM key it came from
    (``gemini/gemini-2.5-pro``); in a full LiteLLM sheet the bare id is another
    route (Vertex), so the alias is the better match.
    """
    by_id = other.get(m.id)
    if by_id is not None and by_id.provider == m.provider:
        return by_id
    hit = other_aliases.get(m.id)
    if hit is not None:
        return hit
    for a in m.aliases:
        hit = other.get(a)
        if hit is not None:
            return hit
    return None


def pairs(old: PriceSheet, new: PriceSheet) -> dict[str, ModelPrice]:
    """Each old entry's id → the same model's entry in the new sheet (entries with no counterpart are left out)."""
    new_aliases = _alias_map(new)
    found: dict[str, ModelPrice] = {}
    used: set[str] = set()
    for m in old.models:
        c = _counterpart(m, new, new_aliases)
        if c is not None and c.id not in used:
            found[m.id] = c
            used.add(c.id)
    for m in old.models:  # last resort: the same id on another route
        c = new.get(m.id)
        if m.id not in found and c is not None and c.id not in used:
            found[m.id] = c
            used.add(c.id)
    return found


def diff(old: PriceSheet, new: PriceSheet, *, candidates: Iterable[str] = ()) -> SheetDiff:
    """Added, removed and repriced models; ``candidates`` (sheet ids) sort first in each list."""
    first = set(candidates)
    old_aliases = _alias_map(old)
    matched = pairs(old, new)
    used = {c.id for c in matched.values()}
    removed = [m.id for m in old.models if m.id not in matched]
    repriced: list[Repriced] = []
    for m in old.models:
        if m.id in matched:
            changes = compare(m, matched[m.id])
            if changes:
                candidate = m.id in first or matched[m.id].id in first
                new_id = matched[m.id].id if matched[m.id].id != m.id else ""
                repriced.append(Repriced(m.id, tuple(changes), candidate, new_id))
    added = [m.id for m in new.models if m.id not in used and _counterpart(m, old, old_aliases) is None]

    def key(model_id: str) -> tuple[bool, str]:
        return (model_id not in first, model_id)

    return SheetDiff(
        added=tuple(sorted(added, key=key)),
        removed=tuple(sorted(removed, key=key)),
        repriced=tuple(sorted(repriced, key=lambda r: (not r.candidate, r.id))),
    )


def model_history(sheets: Sequence[tuple[Snapshot, PriceSheet]], name: str) -> list[tuple[Snapshot, ModelPrice | None]]:
    """One model's entry in each snapshot (None where it is missing), oldest first."""
    out: list[tuple[Snapshot, ModelPrice | None]] = []
    for snap, sheet in sheets:
        try:
            out.append((snap, resolve(name, sheet).price))
        except AmbiguousModel:
            out.append((snap, None))
    return out
