"""What was loaded from a workspace's result files, as facts (JSON) and as terminal renderables.

Why this module exists: ``advisor data`` and the TUI's data view show the same
loading report: the format detected for each file, its models, tasks, samples
and epochs, which fields are there or missing, the failure kinds found, the
warnings, how often each failure rule fired, and per model and task the counts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from advisor.ingest.load import Loaded, describe
from advisor.text.sanitise import clean, plain


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
        "warnings": [*loaded.skipped, *loaded.warnings],
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
            plain(f["path"]),
            plain(f["format"]),
            Text("\n".join(map(clean, f["models"]))),
            Text("\n".join(map(clean, f["tasks"]))),
            str(f["samples"]),
            str(f["epochs"]),
            Text(clean(missing) + (f"\npartial: {clean(partial)}" if partial else "")),
            plain(failures),
        )
    out.append(files)
    notes = [f"{f['path']}: {w}" for f in report["files"] for w in f["warnings"]] + report["warnings"]
    if notes:
        out.append(Text("Warnings", style="bold"))
        out.extend(plain(f"  - {line}") for line in notes)
    if report["failure_rules"]:
        rules = Table(title="Failure rules", title_justify="left")
        for col in ("rule", "marks", "fired"):
            rules.add_column(col)
        for r in report["failure_rules"]:
            rules.add_row(plain(r["rule"]), r["kind"], str(r["hits"]))
        out.append(rules)
    counts = Table(title="Samples per model and task", title_justify="left")
    for col in ("model", "task", "samples", "epochs", "mean score"):
        counts.add_column(col, overflow="fold")
    for c in report["by_model_task"]:
        epochs = "aggregates" if c["evidence"] == "aggregates" else str(c["epochs"])
        counts.add_row(plain(c["model"]), plain(c["task"]), str(c["samples"]), epochs, f"{c['mean_score']:.3f}")
    out.append(counts)
    if report["aggregated_models"]:
        out.append(
            plain(
                "Resting on per-task aggregates (no per-item data: intervals from the given SE, comparisons "
                f"unpaired): {', '.join(report['aggregated_models'])}"
            )
        )
    return out
