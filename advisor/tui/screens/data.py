"""The data view: which files were loaded, in which format, and what is missing.

Why it exists: a ranking is only as good as what was read. This shows the
engine's loading report (``advisor data``), computed in a worker because it
reads the result files again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Static

from advisor.tui.screens.base import AdvisorScreen


def report_view(report: dict[str, Any]) -> RenderableType:
    files = Table(title="Result files", title_justify="left", expand=True, header_style="bold")
    for col in ("file", "format", "models", "tasks", "samples", "epochs", "missing", "failures"):
        files.add_column(col, overflow="fold")
    for f in report["files"]:
        missing = ", ".join(f.get("fields_missing", [])) or "–"
        partial = ", ".join(f"{k} ({v}/{f['samples']})" for k, v in f.get("fields_partial", {}).items())
        failures = ", ".join(f"{k} {v}" for k, v in f.get("outcomes", {}).items() if k != "ok") or "–"
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
    parts: list[RenderableType] = [files]
    notes = [f"{f['path']}: {w}" for f in report["files"] for w in f.get("warnings", [])] + report.get("warnings", [])
    parts.append(Text("Warnings", style="bold"))
    parts.append(Text("\n".join(f"⚠ {n}" for n in notes) if notes else "none"))
    counts = Table(title="Samples per model and task", title_justify="left", header_style="bold")
    for col in ("model", "task", "samples", "epochs", "mean score"):
        counts.add_column(col, justify="left" if col in ("model", "task") else "right")
    for c in report.get("by_model_task", []):
        counts.add_row(c["model"], c["task"], str(c["samples"]), str(c["epochs"]), f"{c['mean_score']:.3f}")
    parts.append(counts)
    return Group(*parts)


def inputs_view(files: list[tuple[str, str]], models: int, tasks: int, samples: int) -> RenderableType:
    """What ``Inputs`` alone can tell, shown while (or if) the full report is unavailable."""
    table = Table(title="Result files", title_justify="left", header_style="bold")
    table.add_column("file")
    table.add_column("format")
    for path, fmt in files:
        table.add_row(path, fmt)
    return Group(table, Text(f"{models} models · {tasks} tasks · {samples:,} samples"))


class DataScreen(AdvisorScreen):
    @dataclass
    class Reported(Message):
        report: dict[str, Any] | None
        error: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="data-scroll"):
            yield Static("Loading…", id="data-report")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Data"
        self.watch(self.advisor, "revision", lambda _: self.refresh_view(), init=False)

    def refresh_view(self) -> None:
        s = self.advisor.session
        out = self.query_one("#data-report", Static)
        if s.inputs is None:
            out.update(Text(s.problem.line() if s.problem else "Loading…"))
            return
        table = s.inputs.evidence.table
        out.update(
            inputs_view([(str(p.name), f) for p, f in s.inputs.files], len(table.models), len(table.tasks), len(table))
        )
        self.load_report()

    @work(thread=True, exclusive=True, group="data-report", exit_on_error=False)
    def load_report(self) -> None:
        s = self.advisor.session
        if s.inputs is None:
            return
        try:
            from advisor.cli.data import summary
            from advisor.ingest.load import load_workspace_samples

            report = summary(load_workspace_samples(s.inputs.workspace), s.inputs.workspace.root)
        except Exception as exc:  # the report is optional; the basic view stays
            self.post_message(self.Reported(None, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(self.Reported(report))

    @on(Reported)
    def _reported(self, message: Reported) -> None:
        if message.report is not None:
            self.query_one("#data-report", Static).update(report_view(message.report))
        elif message.error:
            self.notify(message.error, title="Full data report unavailable", severity="warning")
