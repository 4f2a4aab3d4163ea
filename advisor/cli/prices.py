"""``advisor prices``: list, show, pull, import, and compare dated price sheets.

A decision is only as current as its prices, so the user needs to see which
sheet is in force, where a rate came from, how an eval model name matched a
price entry, fetch a fresh sheet safely, and see what moved between dates.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from advisor.cli.prices_output import (
    CAPABILITY_LEGEND,
    RATES,
    SHEET_HELP,
    capability_letters,
    cell,
    console,
    emit_json,
    price_json,
    sheet_json,
    workspace_names,
)
from advisor.errors import InputError
from advisor.files.reading import MIB, read_regular
from advisor.prices import history, store
from advisor.prices.own import cost_words, workspace_entries
from advisor.prices.pull import PullOptions, pull
from advisor.prices.resolve import AmbiguousModel, Resolution, resolve
from advisor.prices.select import open_sheet, open_workspace_sheet
from advisor.prices.sheet import CAPABILITIES, ModelPrice, PriceSheet, load_sheet
from advisor.prices.sources import read_litellm
from advisor.prices.sources_extra import read_genai_prices, read_openrouter
from advisor.text.format import tokens
from advisor.text.redact import redact_text
from advisor.text.sanitise import clean, plain


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("prices", help="price sheets: list, show, pull, history, diff, import", description=__doc__)
    cmds = p.add_subparsers(dest="prices_command", metavar="SUBCOMMAND", required=True)

    def fmt(q: argparse.ArgumentParser) -> None:
        q.add_argument("--format", choices=["table", "json"], default="table")

    q = cmds.add_parser("list", help="the models a sheet prices, with their context windows and capabilities")
    q.add_argument("text", nargs="?", help="only ids, aliases or open weights containing this text")
    q.add_argument("--sheet", default="latest", help=SHEET_HELP)
    q.add_argument("--provider", action="append", help="only this provider (repeat for several)")
    q.add_argument("--search", help="same as TEXT")
    q.add_argument(
        "--supports",
        type=_capabilities,
        default=(),
        metavar="CAP[,CAP]",
        help=f"only models the sheet says support these ({', '.join(CAPABILITIES)})",
    )
    q.add_argument("--min-context", type=int, metavar="TOKENS", help="only windows of at least this many tokens")
    q.add_argument("--local", action="store_true", help="only models you run yourself (self-hosted or local)")
    fmt(q)
    q.set_defaults(func=run_list)

    q = cmds.add_parser("show", help="every rate of one model, and how its name matched")
    q.add_argument("model")
    q.add_argument("--sheet", default="latest", help=SHEET_HELP)
    q.add_argument("--workspace", type=Path, help="use this workspace's [aliases] too")
    fmt(q)
    q.set_defaults(func=run_show)

    q = cmds.add_parser("match", help="how every eval model name of a workspace resolves to a price entry")
    q.add_argument("workspace", type=Path)
    q.add_argument("--sheet", help=SHEET_HELP + " (default: the workspace's)")
    fmt(q)
    q.set_defaults(func=run_match)

    q = cmds.add_parser("pull", help="fetch a fresh sheet into a new dated snapshot")
    q.add_argument("--source", default="litellm", help="litellm, openrouter or an http(s) URL")
    q.add_argument("--only-workspace", type=Path, metavar="W", help="keep only the models workspace W uses")
    q.add_argument("--accept-suspicious", action="store_true", help="keep a sheet whose rates moved over 10x")
    q.add_argument("--timeout", type=float, default=30.0, help="read timeout in seconds (default 30)")
    q.add_argument(
        "--deadline", type=float, default=300.0, help="give up if the whole download takes longer (default 300 s)"
    )
    q.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None, help="download bar")
    fmt(q)
    q.set_defaults(func=run_pull)

    q = cmds.add_parser("history", help="dated snapshots, and how MODEL moved across them")
    q.add_argument("model", nargs="?")
    fmt(q)
    q.set_defaults(func=_lazy("run_history"))

    q = cmds.add_parser("diff", help="added, removed and repriced models (default: the two newest sheets)")
    q.add_argument("old", nargs="?")
    q.add_argument("new", nargs="?")
    q.add_argument("--workspace", type=Path, help="list this workspace's candidates first")
    fmt(q)
    q.set_defaults(func=_lazy("run_diff"))

    q = cmds.add_parser("import", help="save a price file you already have as a dated snapshot")
    q.add_argument("file", type=Path)
    q.add_argument("--format", dest="input_format", choices=["litellm", "openrouter", "genai-prices", "native"])
    q.add_argument("--as-of", help="the date the prices were in force (default: a date in the file name, else today)")
    q.add_argument("--accept-suspicious", action="store_true", help="keep a sheet whose rates moved 10x or more")
    q.set_defaults(func=run_import)


#: A public price file (LiteLLM's map is ~1.5 MB); the same cap as a pulled body.
PRICE_FILE_LIMIT = 64 * MIB


def latest_line(path: Path) -> str:
    """Where the snapshot was saved, and whether it is now ``latest`` (a later-dated one may stay it)."""
    latest = history.find("latest")
    if latest == path:
        return f"saved {path}; it is now 'latest'"
    return f"saved {path}; 'latest' stays {latest} (dated later)"


def _lazy(name: str) -> Any:
    def run(args: argparse.Namespace) -> int:
        from advisor.cli import prices_diff

        result: int = getattr(prices_diff, name)(args)
        return result

    return run


# ----------------------------------------------------------------------------- list / show / match


def _capabilities(text: str) -> tuple[str, ...]:
    names = tuple(c.strip().removeprefix("supports_") for c in text.split(",") if c.strip())
    unknown = [c for c in names if c not in CAPABILITIES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown capability {unknown[0]!r} (known: {', '.join(CAPABILITIES)})")
    return names


def listed(models: Iterable[ModelPrice], args: argparse.Namespace) -> list[ModelPrice]:
    """The entries ``prices list`` shows under its filters."""
    text = (args.text or args.search or "").lower()
    providers = {p.lower() for p in args.provider or ()}
    out = []
    for m in models:
        if providers and (m.provider or "").lower() not in providers:
            continue
        if text and not any(text in s.lower() for s in (m.id, *m.aliases, m.hugging_face_id or "")):
            continue
        if any(m.supports(c) is not True for c in args.supports):
            continue
        if args.min_context and (m.max_input_tokens or 0) < args.min_context:
            continue
        if args.local and not m.on_premises:
            continue
        out.append(m)
    return out


def run_list(args: argparse.Namespace) -> int:
    sheet, path = open_sheet(args.sheet)
    models = listed(sheet.models, args)
    if args.format == "json":
        emit_json({"sheet": sheet_json(sheet, path), "models": [price_json(m) for m in models]})
        return 0
    t = Table(
        title=plain(f"{path.name}: as of {sheet.as_of} · {len(models)} of {len(sheet.models)} models · USD/1M tok")
    )
    for col in ("id", "provider", "input", "output", "cached in", "batch −", "window", "can"):
        t.add_column(col, justify="left" if col in {"id", "provider", "can"} else "right")
    for m in models:
        t.add_row(
            plain(m.id),
            plain(m.provider or ""),
            *(cell(getattr(m, f)) for f in RATES[:3]),
            cell(m.batch_discount),
            tokens(m.max_input_tokens) if m.max_input_tokens else "—",
            capability_letters(m),
        )
    console().print(t)
    if models:
        print(f"can: {CAPABILITY_LEGEND}", file=sys.stderr)
    return 0


def _resolve_or_error(name: str, sheet: PriceSheet, aliases: dict[str, str], where: Path) -> Resolution:
    try:
        return resolve(name, sheet, aliases)
    except AmbiguousModel as exc:
        raise InputError(where, str(exc)) from None


def run_show(args: argparse.Namespace) -> int:
    sheet, path = open_sheet(args.sheet)
    aliases: dict[str, str] = {}
    if args.workspace:
        from advisor.inputs.workspace import load_workspace

        ws = load_workspace(args.workspace)
        aliases = dict(ws.config.aliases)
        sheet = sheet.overlay(workspace_entries(ws.config.models, ws.config_path))
    res = _resolve_or_error(args.model, sheet, aliases, path)
    if res.price is None:
        raise InputError(path, f"no price for {clean(args.model)!r}: {res.how} (try 'advisor prices list TEXT')")
    m = res.price
    if args.format == "json":
        emit_json({"sheet": sheet_json(sheet, path), "name": args.model, "matched": res.how, "price": price_json(m)})
        return 0
    c = console()
    c.print(
        Text.assemble(
            (clean(m.id), "bold"), f"  ({clean(m.provider or 'provider unknown')})  matched by: ", clean(res.how)
        )
    )
    c.print(plain(f"sheet: {path}  as of {sheet.as_of}"))
    c.print(plain(f"source: {redact_text(sheet.source)}"))
    c.print(plain(f"aliases: {', '.join(m.aliases) or '—'}"))
    if m.hugging_face_id:
        c.print(plain(f"open weights: {m.hugging_face_id}"))
    t = Table(title="USD per 1M tokens")
    t.add_column("applies")
    for col in ("input", "output", "cached in", "cache write"):
        t.add_column(col, justify="right")
    t.add_row("base", *(cell(getattr(m, f)) for f in RATES[:4]))
    for tier in m.tiers:
        t.add_row(f"input > {tier.above_input_tokens:,} tok", *(cell(getattr(tier, f)) for f in RATES[:4]))
    c.print(t)
    c.print(f"batch discount: {'—' if m.batch_discount is None else f'{m.batch_discount * 100:g}% off'}")
    window = "/".join(tokens(v) if v else "?" for v in (m.max_input_tokens, m.max_output_tokens))
    says = {True: "yes", False: "no", None: "not stated"}
    caps = ", ".join(f"{cap.replace('_', ' ')} {says[m.supports(cap)]}" for cap in CAPABILITIES)
    c.print(Text(f"context (input/output tokens): {window}; {caps}"))
    if res.cost_model or m.on_premises:
        c.print(plain(res.cost_model or cost_words(m) or "runs on your own machines"))
    return 0


def run_match(args: argparse.Namespace) -> int:
    names, aliases, ws = workspace_names(args.workspace)
    sheet, path = open_workspace_sheet(ws, args.sheet)
    rows: list[dict[str, Any]] = []
    for name in names:
        try:
            res = resolve(name, sheet, aliases)
            rows.append({"name": name, "id": res.price.id if res.price else None, "how": res.how})
        except AmbiguousModel as exc:
            rows.append({"name": name, "id": None, "how": f"ambiguous: {exc}"})
    if args.format == "json":
        emit_json({"sheet": sheet_json(sheet, path), "models": rows})
    else:
        t = Table(title=plain(f"{ws.name}: eval model names → {path.name}"))
        for col in ("eval model name", "price entry", "how"):
            t.add_column(col)
        for r in rows:
            t.add_row(plain(r["name"]), plain(r["id"]) if r["id"] else Text("unpriced", style="red"), plain(r["how"]))
        console().print(t)
    return 0 if all(r["id"] for r in rows) else 1


# ----------------------------------------------------------------------------- pull / import


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
