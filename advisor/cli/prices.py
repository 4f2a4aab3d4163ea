"""``advisor prices``: list, show and match; pull and import (``prices_fetch``); history and diff (``prices_diff``).

A decision is only as current as its prices, so the user needs to see which
sheet is in force, where a rate came from, how an eval model name matched a
price entry, fetch a fresh sheet safely, and see what moved between dates.
"""

from __future__ import annotations

import argparse
import importlib
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
from advisor.prices.own import cost_words, workspace_entries
from advisor.prices.resolve import AmbiguousModel, Resolution, resolve
from advisor.prices.select import open_sheet, open_workspace_sheet
from advisor.prices.sheet import CAPABILITIES, ModelPrice, PriceSheet
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
    q.set_defaults(func=_lazy("prices_fetch", "run_pull"))

    q = cmds.add_parser("history", help="dated snapshots, and how MODEL moved across them")
    q.add_argument("model", nargs="?")
    fmt(q)
    q.set_defaults(func=_lazy("prices_diff", "run_history"))

    q = cmds.add_parser("diff", help="added, removed and repriced models (default: the two newest sheets)")
    q.add_argument("old", nargs="?")
    q.add_argument("new", nargs="?")
    q.add_argument("--workspace", type=Path, help="list this workspace's candidates first")
    fmt(q)
    q.set_defaults(func=_lazy("prices_diff", "run_diff"))

    q = cmds.add_parser("import", help="save a price file you already have as a dated snapshot")
    q.add_argument("file", type=Path)
    q.add_argument("--format", dest="input_format", choices=["litellm", "openrouter", "genai-prices", "native"])
    q.add_argument("--as-of", help="the date the prices were in force (default: a date in the file name, else today)")
    q.add_argument("--accept-suspicious", action="store_true", help="keep a sheet whose rates moved 10x or more")
    q.set_defaults(func=_lazy("prices_fetch", "run_import"))


def _lazy(module: str, name: str) -> Any:
    """Run ``advisor.cli.<module>.<name>``, imported only when that subcommand runs."""

    def run(args: argparse.Namespace) -> int:
        result: int = getattr(importlib.import_module(f"advisor.cli.{module}"), name)(args)
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
