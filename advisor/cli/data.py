"""``advisor data``: what was loaded from a workspace's result files, and what is missing.

Before trusting a ranking, a user needs to see what advisor made of their
files: the format detected for each, its models, tasks, samples and epochs,
which fields (latency, tokens, cost) are there or missing, the failure kinds
found, the warnings (rows dropped, scorers ignored, samples only some models
have), how often each failure rule fired, and per model and task the counts,
including the models that rest on per-task aggregates rather than samples.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from advisor import bundled
from advisor.ingest.load import Loaded, describe, load_workspace_samples
from advisor.workspace import load_workspace


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("data", help="show what was loaded from the result files", description=__doc__)
    p.add_argument("workspace", nargs="?", type=Path, help="workspace folder (default: the bundled demo)")
    p.add_argument("--format", choices=["table", "json"], default="table", help="output format")
    p.add_argument("--input-format", dest="input_format", help="force one importer (e.g. inspect, promptfoo)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ws = load_workspace(args.workspace or bundled.demo_workspace())
    loaded = load_workspace_samples(ws, args.input_format)
    report = summary(loaded, ws.root)
    if args.format == "json":
        sys.stdout.buffer.write(orjson.dumps(report, option=orjson.OPT_INDENT_2))
        sys.stdout.write("\n")
    else:
        console = Console()
        console = console if console.is_terminal else Console(width=160)
        for part in renderables(report):
            console.print(part)
    return 0


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def summary(loaded: Loaded, root: Path) -> dict[str, Any]:
    table = loaded.table
    files = [
        {
            "path": _rel(info.path, root),
            "format": info.format,
            **describe(info.table),
            "warnings": list(info.notes),
        }
        for info in loaded.files
    ]
    counts = []
    for m, model in enumerate(table.models):
        for t, task in enumerate(table.tasks):
            rows = (table.model == m) & (table.task == t)
            n = int(np.count_nonzero(rows))
            if n:
                counts.append(
                    {
                        "model": model,
                        "task": task,
                        "samples": int(np.unique(table.sample[rows]).size),
                        "rows": n,
                        "epochs": int(table.epoch[rows].max()) + 1,
                        "mean_score": round(float(table.score[rows].mean()), 6),
                        "evidence": "samples",
                    }
                )
    agg = table.aggregates
    for r in agg.rows if agg is not None else ():
        counts.append(
            {
                "model": r.model,
                "task": r.task,
                "samples": r.n,
                "rows": None,
                "epochs": None,
                "mean_score": round(r.mean, 6),
                "evidence": "aggregates",
            }
        )
    total = describe(table)
    return {
        "files": files,
        "total": total,
        "aggregated_models": total["aggregated_models"],
        "warnings": list(loaded.warnings),
        "failure_rules": [{"rule": h.rule.label(), "kind": h.rule.kind, "hits": h.hits} for h in loaded.rules],
        "by_model_task": counts,
    }


def renderables(report: dict[str, Any]) -> list[RenderableType]:
    """The report as Rich tables and lines: printed by the CLI, shown by the TUI's data view."""
    out: list[RenderableType] = []
    files = Table(title="Result files", title_justify="left")
    for col in ("file", "format", "models", "tasks", "samples", "epochs", "missing", "failures"):
        files.add_column(col, overflow="fold")
    for f in report["files"]:
        missing = ", ".join(f["fields_missing"]) or "-"
        partial = ", ".join(f"{k} ({v}/{f['samples']})" for k, v in f["fields_partial"].items())
        failures = ", ".join(f"{k} {v}" for k, v in f["outcomes"].items() if k != "ok") or "-"
        if f["aggregates"] is not None:  # an aggregates file: n per (model, task), no sample rows
            a = f["aggregates"]
            f = {**f, "samples": f"Σn {a['samples']:,} ({a['rows']} aggregate rows)", "epochs": "–"}
            missing = ", ".join(a["fields_missing"]) or "-"
            failures = "counts" if "failures" in a["fields_present"] else "not given"
        files.add_row(
            f["path"],
            f["format"],
            "\n".join(f["models"]),
            "\n".join(f["tasks"]),
            str(f["samples"]),
            str(f["epochs"]),
            missing + (f"\npartial: {partial}" if partial else ""),
            failures,
        )
    out.append(files)
    notes = [f"{f['path']}: {w}" for f in report["files"] for w in f["warnings"]] + report["warnings"]
    if notes:
        out.append(Text("Warnings", style="bold"))
        out.extend(Text(f"  - {line}") for line in notes)
    if report["failure_rules"]:
        rules = Table(title="Failure rules", title_justify="left")
        for col in ("rule", "marks", "fired"):
            rules.add_column(col)
        for r in report["failure_rules"]:
            rules.add_row(r["rule"], r["kind"], str(r["hits"]))
        out.append(rules)
    counts = Table(title="Samples per model and task", title_justify="left")
    for col in ("model", "task", "samples", "epochs", "mean score"):
        counts.add_column(col, overflow="fold")
    for c in report["by_model_task"]:
        epochs = "aggregates" if c["evidence"] == "aggregates" else str(c["epochs"])
        counts.add_row(c["model"], c["task"], str(c["samples"]), epochs, f"{c['mean_score']:.3f}")
    out.append(counts)
    if report["aggregated_models"]:
        out.append(
            Text(
                "Resting on per-task aggregates (no per-item data: intervals from the given SE, comparisons "
                f"unpaired): {', '.join(report['aggregated_models'])}"
            )
        )
    return out
