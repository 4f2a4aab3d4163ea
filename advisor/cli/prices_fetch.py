"""``advisor prices pull`` and ``advisor prices import``: a new dated snapshot, fetched or from a file.

Why this module exists: both save a sheet that later decisions will use, so
both go through the same sanity checks and locked, atomic store
(``prices.store``) and say where the snapshot went and whether it is now
``latest``. Registered by ``advisor.cli.prices``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from advisor.cli.prices_output import emit_json, workspace_names
from advisor.errors import InputError
from advisor.files.reading import MIB, read_regular
from advisor.prices import history, store
from advisor.prices.pull import PullOptions, pull
from advisor.prices.sheet import load_sheet
from advisor.prices.sources import read_litellm
from advisor.prices.sources_extra import read_genai_prices, read_openrouter
from advisor.text.sanitise import clean

#: A public price file (LiteLLM's map is ~1.5 MB); the same cap as a pulled body.
PRICE_FILE_LIMIT = 64 * MIB


def latest_line(path: Path) -> str:
    """Where the snapshot was saved, and whether it is now ``latest`` (a later-dated one may stay it)."""
    latest = history.find("latest")
    if latest == path:
        return f"saved {path}; it is now 'latest'"
    return f"saved {path}; 'latest' stays {latest} (dated later)"


def run_pull(args: argparse.Namespace) -> int:
    keep = None
    if args.only_workspace:
        names, aliases, _ = workspace_names(args.only_workspace)
        keep = [*names, *aliases.values()]
    opts = PullOptions(
        read_timeout=args.timeout,
        deadline=args.deadline,
        accept_suspicious=args.accept_suspicious,
        progress=args.progress,
        keep=keep,
    )
    result = pull(args.source, opts)
    if args.format == "json":
        emit_json(
            {
                "url": result.url,
                "status": result.status,
                "path": str(result.path) if result.path else None,
                "report": result.imported.report.as_dict() if result.imported else None,
                "flagged": result.flagged,
                "notes": result.notes,
            }
        )
        return 0
    if result.status == "unchanged":
        say(f"{result.url}: unchanged since the last pull (HTTP 304); the snapshot stays {result.path}")
        return 0
    if result.imported:
        for line in result.imported.report.lines():
            say(line, err=True)
    _flags_and_notes(result.flagged, result.notes)
    if result.status == "same":
        say(f"{result.url}: same prices as {result.path}; no new snapshot")
    elif result.path is not None:
        say(latest_line(result.path))
    return 0


def say(text: str, *, err: bool = False) -> None:
    """A line of plain output: names in it come from files and servers, so through ``clean``."""
    print(clean(text), file=sys.stderr if err else sys.stdout)


def _flags_and_notes(flagged: list[str] | tuple[str, ...], notes: list[str] | tuple[str, ...]) -> None:
    for f in flagged:
        say(f"accepted suspicious move: {f}", err=True)
    for n in notes:
        say(f"note: {n}", err=True)


def run_import(args: argparse.Namespace) -> int:
    path: Path = args.file
    as_of = _date(args.as_of) if args.as_of else None
    data = read_regular(path, limit=PRICE_FILE_LIMIT)
    kind = args.input_format or _guess_format(path, data)
    store.ready_dir()  # a read-only or missing data folder fails now, before any work
    bad_rates: list[str] = []
    missing_rates: list[str] = []
    told: list[str] = []  # said after the save, so a refused import is one error line
    if kind == "native":
        sheet = load_sheet(path)
        if as_of is not None:
            sheet = sheet.model_copy(update={"as_of": as_of})
    else:
        reader = {"litellm": read_litellm, "openrouter": read_openrouter, "genai-prices": read_genai_prices}[kind]
        today = history.today()
        day = as_of or _date_in_name(path) or today
        if as_of is None:
            told.append(
                f"prices dated {day} ({'from the file name' if day != today else 'today'}; --as-of sets another date)"
            )
        imported = reader(data, as_of=day, source=f"{kind} file {path.name} (imported)", where=str(path))
        sheet = imported.sheet
        bad_rates = imported.report.bad_rates
        missing_rates = imported.report.missing_rates
        told += imported.report.lines()
    if not sheet.models:
        raise InputError(path, "no priced models in this file; nothing imported")
    slug = "".join(ch if ch.isalnum() else "-" for ch in path.stem.lower())[:32].strip("-")
    saved = store.save(
        sheet,
        f"import-{slug}" if slug else "import",
        where=str(path),
        base_label=None,
        accept_suspicious=args.accept_suspicious,
        bad_rates=bad_rates,
        missing_rates=missing_rates,
        whole_source=False,
        same_needs_date=True,
    )
    for line in told:
        say(line, err=True)
    _flags_and_notes(saved.flagged, saved.notes)
    if saved.status == "same":
        say(f"{path}: same prices and date as {saved.path}; no new snapshot")
        return 0
    say(f"{latest_line(saved.path)} ({len(sheet.models)} models, as of {sheet.as_of})")
    return 0


def _date_in_name(path: Path) -> dt.date | None:
    """A date written in a file name (``...-2025-11-26.json``): when a downloaded copy was taken."""
    match = re.search(r"(\d{4})-(\d{2})-(\d{2})", path.name)
    if match is None:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(None, f"--as-of {text!r} is not a date (YYYY-MM-DD)") from None


def _guess_format(path: Path, data: bytes) -> str:
    if path.suffix == ".toml":
        return "native"
    head = data.lstrip()[:400]
    if head.startswith(b"["):
        return "genai-prices"
    if head.startswith(b"{") and b'"data"' in head[:40]:
        return "openrouter"
    if head.startswith(b"{"):
        return "litellm"
    raise InputError(path, "cannot tell the format; give --format litellm|openrouter|genai-prices|native")
