"""The detail screen: one model opened up (Enter on a ranking row).

Why it exists: on a small terminal the main screen has room for the verdict
and the ranking only; this screen gives one model the whole terminal: why it
is not #1 (or why the pick wins), accuracy by task, failures, latency and the
cost split. ``[``/``]`` step through the ranking without going back.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header

from advisor.text.sanitise import clean
from advisor.tui.screens.base import AdvisorScreen
from advisor.tui.widgets.detail import Detail


class DetailScreen(AdvisorScreen):
    BINDINGS = [
        Binding("escape,backspace", "close", "Back", id="detail-close"),
        Binding("right_square_bracket", "step(1)", "Next", id="detail-next", tooltip="The next model in the ranking"),
        Binding(
            "left_square_bracket",
            "step(-1)",
            "Previous",
            id="detail-prev",
            show=False,
            tooltip="The previous model in the ranking",
        ),
    ]

    def __init__(self, model: str) -> None:
        super().__init__()
        self.model = model

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail-scroll"):
            yield Detail(id="detail-full")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.watch(self.advisor, "revision", lambda _: self.refresh_view(), init=False)
        self.watch(self.advisor, "stats", lambda _: self.refresh_view(), init=False)
        self.refresh_view()

    def refresh_view(self) -> None:
        s = self.advisor.session
        if s.decision is None or s.inputs is None:
            return
        if all(m.model != self.model for m in s.decision.models):
            self.dismiss()
            return
        self.sub_title = clean(self.model)
        self.query_one(Detail).show(self.model, s.decision, s.inputs, self.advisor.stats)

    def action_close(self) -> None:
        self.dismiss()

    def action_step(self, direction: int) -> None:
        decision = self.advisor.session.decision
        if decision is None:
            return
        names = [m.model for m in decision.models]
        index = (names.index(self.model) + direction) % len(names)
        self.model = names[index]
        self.advisor.selected = self.model  # the ranking follows
        self.refresh_view()
        self.query_one("#detail-scroll").scroll_home(animate=False)
