"""The data view: which files were loaded, in which format, and what is missing.

Why it exists: a ranking is only as good as what was read. This shows the
same loading report as ``advisor data``, built from what the session already
loaded (no second read of the files).
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from advisor.report.data import renderables, summary
from advisor.text.sanitise import clean
from advisor.tui.guard import Panel, guarded
from advisor.tui.screens.base import AdvisorScreen


class DataScreen(AdvisorScreen):
    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="data-scroll"):
            yield Panel("Loading…", id="data-report")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Data"
        self.watch(self.advisor, "revision", lambda _: self.refresh_view(), init=False)

    def refresh_view(self) -> None:
        s = self.advisor.session
        out = self.query_one("#data-report", Static)
        if s.inputs is None:
            out.update(Text(clean(s.problem.line()) if s.problem else "Loading…"))
            return
        inputs = s.inputs
        out.update(
            guarded("The data report", lambda: Group(*renderables(summary(inputs.loaded, inputs.workspace.root))))
        )
