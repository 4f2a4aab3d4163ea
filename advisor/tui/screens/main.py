"""The main screen: priorities, the ranking, the verdict and the selected model's detail.

Why it exists: this is where the decision is made. It lays the widgets out and
repaints them whenever the app's decision (or bootstrap result) changes; what
the user edits is posted upward as messages and handled by the app.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header

from advisor.tui.screens.base import NARROW, AdvisorScreen
from advisor.tui.widgets.detail import Detail
from advisor.tui.widgets.panels import ErrorPanel, Verdict, Warnings
from advisor.tui.widgets.priorities import Priorities
from advisor.tui.widgets.ranking import RankingTable


class MainScreen(AdvisorScreen):
    CSS_PATH = "main.tcss"
    AUTO_FOCUS = "#ranking"
    BINDINGS = [
        Binding("w", "focus_weights", "Weights", id="focus-weights"),
        Binding("k", "focus_ranking", "Ranking", id="focus-ranking", show=False),
        Binding("o", "focus_profile", "Profile", id="focus-profile", show=False),
        Binding("c", "focus_constraints", "Constraints", id="focus-constraints", show=False),
    ]

    def compose(self) -> ComposeResult:
        app = self.advisor
        yield Header()
        with VerticalScroll(id="main-scroll"):
            yield ErrorPanel()
            with Horizontal(id="top"):
                yield Priorities(maximum=app.settings.weight_max, step=app.settings.weight_step)
                with Vertical(id="summary"):
                    yield Verdict()
                    yield Warnings()
            yield RankingTable()
            yield Detail()
        yield Footer()

    def on_mount(self) -> None:
        app = self.advisor
        self.watch(app, "revision", lambda _: self.refresh_view(), init=True)
        self.watch(app, "stats", lambda _: self.refresh_view(stats_only=True), init=False)
        self.watch(app, "selected", lambda _: self._show_detail(), init=False)

    def on_resize(self, event: events.Resize) -> None:
        super().on_resize(event)
        narrow = self.size.width < NARROW
        # Narrow: the ranking first, then the verdict, then the priorities (stacked, scrolling).
        scroll, top = self.query_one("#main-scroll"), self.query_one("#top")
        ranking, summary, priorities = (
            self.query_one(RankingTable),
            self.query_one("#summary"),
            self.query_one(Priorities),
        )
        if narrow:
            scroll.move_child(ranking, before=top)
            top.move_child(summary, before=priorities)
        else:
            scroll.move_child(ranking, after=top)
            top.move_child(summary, after=priorities)

    def refresh_view(self, stats_only: bool = False) -> None:
        app = self.advisor
        session = app.session
        self.query_one(ErrorPanel).show(session.problem)
        loaded = session.decision is not None and session.inputs is not None
        for widget in ("#top", "#ranking", "#detail"):
            self.query_one(widget).display = loaded
        if session.decision is None or session.inputs is None or session.profile is None:
            return
        decision = session.decision
        with app.batch_update():
            self.query_one(RankingTable).show(decision, app.stats)
            self.query_one(Verdict).show(decision, app.stats, pending=app.stats_pending)
            if stats_only:
                self._show_detail()
            else:
                priorities = self.query_one(Priorities)
                priorities.set_options(app.profile_options, session.profile_ref or self._profile_ref())
                priorities.show(session.profile, decision)
                self.query_one(Warnings).show(decision.warnings)
                self._show_detail()
        self.sub_title = f"{session.inputs.workspace.config.name}"

    def _profile_ref(self) -> str | None:
        app = self.advisor
        if app.session.inputs is None:
            return None
        ref = app.session.inputs.workspace.config.profile
        return next((o.ref for o in app.profile_options if o.ref == ref or o.name == ref), None)

    def _show_detail(self) -> None:
        app = self.advisor
        s = app.session
        if s.decision is not None and s.inputs is not None:
            model = app.selected or (s.decision.models[0].model if s.decision.models else None)
            self.query_one(Detail).show(model, s.decision, s.inputs, app.stats)

    def on_ranking_table_selected(self, event: RankingTable.Selected) -> None:
        app = self.advisor
        app.selected = event.model

    def action_focus_weights(self) -> None:
        self.query_one("#weight-accuracy").focus()

    def action_focus_ranking(self) -> None:
        self.query_one(RankingTable).focus()

    def action_focus_profile(self) -> None:
        self.query_one("#profile-select").focus()

    def action_focus_constraints(self) -> None:
        self.query_one("#constraint-max_latency_ms").focus()
