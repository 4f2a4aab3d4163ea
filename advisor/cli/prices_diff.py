"""``advisor prices history`` and ``advisor prices diff``: what moved between dated sheets.

Kept apart from ``advisor.cli.prices`` (which registers them) so that each
module stays small: these two render comparisons across snapshots. What both
share lives in ``advisor.cli.prices_output``.
"""

from __future__ import annotations

import argparse

from rich.table import Table
from rich.text import Text

from advisor.cli.prices_output import (
    RATES,
    cell,
    console,
    emit_json,
    num,
    price_json,
    sheet_json,
    workspace_names,
)
from advisor.errors import InputError
from advisor.prices import history
from advisor.prices.indexed import open_indexed
from advisor.prices.resolve import AmbiguousModel, resolve
from advisor.prices.select import open_sheet
from advisor.prices.sheet import ModelPrice
from advisor.text.sanitise import clean, plain

# ----------------------------------------------------------------------------- history / diff


def run_history(args: argparse.Namespace) -> int:
    snaps = history.list_snapshots()
    if args.model is None:
        if args.format == "json":
            emit_json(
                [
                    {"as_of": s.as_of.isoformat(), "origin": s.origin, "label": s.label, "path": str(s.path)}
                    for s in snaps
                ]
            )
            return 0
        t = Table(title="price snapshots (the last is 'latest')")
        for col in ("as of", "origin", "source", "file"):
            t.add_column(col)
        for s in snaps:
            t.add_row(s.as_of.isoformat(), s.origin, plain(s.label), plain(s.path))
        console().print(t)
        return 0
    loaded = [(s, open_indexed(s.path)) for s in snaps]
    rows = history.model_history(loaded, args.model)
    if args.format == "json":
        emit_json(
            [
                {"as_of": s.as_of.isoformat(), "path": str(s.path), "price": price_json(m) if m else None}
                for s, m in rows
            ]
        )
        return 0
    t = Table(title=plain(f"{args.model} across snapshots (USD per 1M tokens)"))
    for col in ("as of", "file", "entry", "input", "output", "cached in", "cache write", "change"):
        t.add_column(col)
    prev: ModelPrice | None = None
    for s, m in rows:
        change = ""
        if m is not None and prev is not None:
            change = "; ".join(_change_text(c) for c in history.compare(prev, m)) or "same"
        t.add_row(
            s.as_of.isoformat(),
            plain(s.path.name),
            plain(m.id) if m else "—",
            *(cell(getattr(m, f)) if m else "—" for f in RATES[:4]),
            plain(change),
        )
        prev = m or prev
    console().print(t)
    return 0


def _change_text(c: history.Change) -> str:
    pct = c.percent
    name = c.field.removesuffix("_per_mtok")
    if c.old is None and c.new is None:
        return name
    return f"{name} {cell(c.old)} → {cell(c.new)}" + (f" ({pct:+.1f}%)" if pct is not None else "")


def run_diff(args: argparse.Namespace) -> int:
    if args.old is None or args.new is None:
        snaps = history.list_snapshots()
        if len(snaps) < 2 and (args.old is None and args.new is None):
            raise InputError(history.snapshots_dir(), "fewer than two snapshots; pull or import one first")
        old_ref = args.old or str(snaps[-2].path)
        new_ref = args.new or str(snaps[-1].path)
    else:
        old_ref, new_ref = args.old, args.new
    old, old_path = open_sheet(old_ref)
    new, new_path = open_sheet(new_ref)
    candidates: set[str] = set()
    if args.workspace:
        names, aliases, _ = workspace_names(args.workspace)
        for sheet in (old, new):
            for name in names:
                try:
                    hit = resolve(name, sheet, aliases).price
                except AmbiguousModel:
                    continue
                if hit is not None:
                    candidates.add(hit.id)
    d = history.diff(old, new, candidates=candidates)
    if args.format == "json":
        emit_json(
            {
                "old": sheet_json(old, old_path),
                "new": sheet_json(new, new_path),
                "added": list(d.added),
                "removed": list(d.removed),
                "repriced": [
                    {
                        "id": r.id,
                        "new_id": r.new_id or r.id,
                        "candidate": r.candidate,
                        "changes": [
                            {"field": c.field, "old": num(c.old), "new": num(c.new), "percent": c.percent}
                            for c in r.changes
                        ],
                    }
                    for r in d.repriced
                ],
            }
        )
        return 0
    c = console()
    c.print(
        Text.assemble(
            (clean(old_path.name), "bold"), f" ({old.as_of}) → ", (clean(new_path.name), "bold"), f" ({new.as_of})"
        )
    )
    c.print(f"added {len(d.added)}, removed {len(d.removed)}, repriced {len(d.repriced)}")
    if d.repriced:
        t = Table(title="repriced (USD per 1M tokens)")
        t.add_column("model")
        t.add_column("changes")
        for r in d.repriced:
            name = r.id + (f" → {r.new_id}" if r.new_id else "")
            t.add_row(
                plain(("★ " if r.candidate else "") + name), plain("; ".join(_change_text(ch) for ch in r.changes))
            )
        c.print(t)
    for title, ids in (("added", d.added), ("removed", d.removed)):
        if ids:
            shown = ", ".join(("★ " if i in candidates else "") + i for i in ids[:40])
            more = f" … and {len(ids) - 40} more" if len(ids) > 40 else ""
            c.print(Text.assemble((title, "bold"), ": ", clean(shown), more))
    return 0
