"""``advisor split``: keep a private holdout of the workspace's items, rotate it, export the lists.

Every item (task, sample_id) goes to dev (tune on it) or holdout (decide on
it) by a keyed hash of the workspace secret (.advisor/secret, made once,
never shown), the rotation and the item: the same item stays where it is as
items are added, and another rotation deals anew. The share and the rotation
live in advisor.toml's [split] table. `advisor rank` then ranks on the
holdout and checks whether a model looks tuned to dev (docs/split.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import orjson
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from advisor.ingest.load import load_workspace_samples
from advisor.inputs.workspace import SplitConfig, load_workspace
from advisor.split.assign import SplitView, rotation_overlap, split_of
from advisor.split.configure import SplitChange, configure
from advisor.split.export import Exported, export
from advisor.split.secret import SECRET_DIR, SECRET_FILE, exposure, read_secret
from advisor.statistics.split_gap import binomial_range
from advisor.text.sanitise import clean

SCHEMA = "advisor.split/1"


def _share(text: str) -> float:
    try:
        value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a share: {text!r} (e.g. 0.3 or 30%)") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"the held-out share must be between 0 and 1, got {text!r}")
    return value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "split",
        help="hold part of every task's items out of tuning (dev/holdout), rotate it, export the lists",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("workspace", nargs="?", type=Path, default=Path("."), help="workspace folder (default: .)")
    p.add_argument("--holdout", type=_share, metavar="SHARE", help="share of the items held out (first: 0.3)")
    p.add_argument("--rotation", metavar="LABEL", help="label of the first rotation (default: the quarter, 2026-Q4)")
    p.add_argument("--rotate", metavar="LABEL", help="retire the current rotation and deal a new one")
    p.add_argument("--export", type=Path, metavar="DIR", help="write the dev and holdout item lists into DIR")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ws = load_workspace(args.workspace)
    before = ws.config.split
    change = configure(ws, holdout=args.holdout, rotation=args.rotation, rotate=args.rotate)
    ws = change.workspace
    loaded = load_workspace_samples(ws)
    secret = read_secret(ws.root)
    view = split_of(loaded.table, secret, change.config, "holdout")
    overlap = None
    if change.retired is not None and before is not None:
        overlap = rotation_overlap(loaded.table, secret, before, change.config)
    exported = None
    if args.export is not None:
        exported = export(args.export, loaded.table, view, loaded.files, ws.config.importers)
    warning = exposure(ws.root)
    if args.format == "json":
        data = as_json(change, view, overlap, exported, warning)
        sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2))
        sys.stdout.write("\n")
    else:
        console = Console()
        show(change, view, overlap, exported, warning, console if console.is_terminal else Console(width=120))
    return 0


def task_rows(view: SplitView) -> list[dict[str, Any]]:
    rows = []
    for task, (dev, hold) in view.counts.items():
        low, high = binomial_range(dev + hold, view.share)
        rows.append({"task": task, "items": dev + hold, "dev": dev, "holdout": hold, "expected": [low, high]})
    return rows


def _overlap_sentence(overlap: tuple[int, int, int], retired: str) -> str:
    from_dev, from_holdout, _ = overlap
    return (
        f"Of the new holdout's {from_dev + from_holdout:,} items, {from_dev:,} were dev items of {retired} "
        f"(perhaps tuned on) and {from_holdout:,} were its holdout; add fresh items to keep the holdout unseen."
    )


def as_json(
    change: SplitChange,
    view: SplitView,
    overlap: tuple[int, int, int] | None,
    exported: Exported | None,
    warning: str | None,
) -> dict[str, Any]:
    cfg: SplitConfig = change.config
    return {
        "schema": SCHEMA,
        "workspace": change.workspace.name,
        "rotation": cfg.rotation,
        "holdout_share": cfg.holdout,
        "retired": list(cfg.retired),
        "secret": {"path": f"{SECRET_DIR}/{SECRET_FILE}", "created": change.created_secret, "warning": warning},
        "changes": list(change.changes),
        "items": {"dev": view.dev_items, "holdout": view.holdout_items},
        "tasks": task_rows(view),
        "rotated_from": (
            {"rotation": change.retired, "new_holdout_was_dev": overlap[0], "new_holdout_was_holdout": overlap[1]}
            if overlap is not None and change.retired is not None
            else None
        ),
        "export": (
            {"folder": str(exported.folder), "files": list(exported.files), "notes": list(exported.notes)}
            if exported is not None
            else None
        ),
    }


def show(
    change: SplitChange,
    view: SplitView,
    overlap: tuple[int, int, int] | None,
    exported: Exported | None,
    warning: str | None,
    console: Console,
) -> None:
    cfg = change.config
    for line in change.changes:
        console.print(Text(clean(line[0].upper() + line[1:] + ".")))
    head = Text(f"Split of {clean(change.workspace.name)}: rotation {cfg.rotation}, ", style="bold")
    head.append(f"{cfg.holdout:.0%} of each task's items held out", style="bold")
    console.print(head)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for i, h in enumerate(("task", "items", "dev", "holdout", "share", "expected holdout (99%)")):
        table.add_column(h, justify="left" if i == 0 else "right", no_wrap=i > 0, overflow="fold")
    for r in task_rows(view):
        share = r["holdout"] / r["items"] if r["items"] else 0.0
        low, high = r["expected"]
        table.add_row(
            Text(clean(r["task"])),
            f"{r['items']:,}",
            f"{r['dev']:,}",
            f"{r['holdout']:,}",
            f"{share:.0%}",
            f"{low}–{high}",
        )
    total = view.dev_items + view.holdout_items
    share = view.holdout_items / total if total else 0.0
    table.add_row(
        Text("all", style="bold"), f"{total:,}", f"{view.dev_items:,}", f"{view.holdout_items:,}", f"{share:.0%}", ""
    )
    console.print(table)
    if overlap is not None and change.retired is not None:
        console.print(Text(_overlap_sentence(overlap, change.retired)))
    console.print(
        Text(
            "`advisor rank` ranks on the holdout (`--on dev|all` for the others) and checks whether a model "
            "looks tuned to dev. Tune on dev only: `--export DIR` writes the lists."
        )
    )
    if cfg.retired:
        console.print(Text(f"Retired rotations (their holdouts are no longer private): {', '.join(cfg.retired)}."))
    secret_note = f"Secret: {SECRET_DIR}/{SECRET_FILE}" + (" (made now)" if change.created_secret else "")
    console.print(Text(secret_note + "; keep a backup and share it only with those who run the decision.", style="dim"))
    if warning:
        console.print(Text(f"warning: {clean(warning)}"), style="yellow")
    if exported is not None:
        console.print(
            Text(f"Wrote {len(exported.files)} files into {clean(exported.folder)} (manifest.json lists them).")
        )
        for note in exported.notes:
            console.print(Text(f"note: {clean(note)}"), style="yellow")
