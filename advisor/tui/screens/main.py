"""The main screen: the verdict, the ranking, the priorities, and the highlighted model's detail.

Why it exists: this is where the decision is made. The verdict and the
ranking come first at every size (from 80×24 up); the priorities follow and
collapse to a one-line summary on short terminals; the detail of the
highlighted model comes last (Enter opens it on its own screen). The screen
lays the widgets out and repaints them when the app's decision changes; what
the user edits is posted upward as messages and handled by the app.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Collapsible, Footer, Header

from advisor.text.sanitise import clean
from advisor.tui.screens.base import SHORT, AdvisorScreen
from advisor.tui.widgets.detail import Detail
from advisor.tui.widgets.panels import ErrorPanel, Explanation, Verdict, Warnings
from advisor.tui.widgets.priorities import NumberField, Priorities
from advisor.tui.widgets.ranking import RankingNote, RankingTable


class MainScreen(AdvisorScreen):
    CSS_PATH = "main.tcss"
    _recovering = False
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
            yield Verdict()
            yield RankingTable()
            yield RankingNote()
            with Horizontal(id="top"):
                with Collapsible(title="Priorities", id="priorities-box", collapsed=False):
                    yield Priorities(maximum=app.settings.weight_max, step=app.settings.weight_step)
                with Vertical(id="summary"):
                    yield Explanation()
                    yield Warnings()
            yield Detail()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        app = self.advisor
        self.query_one("#verdict").border_title = "Verdict"
        self.query_one("#explain").border_title = "Why, in full"
        self.watch(app, "revision", lambda _: self.refresh_view(), init=True)
        self.watch(app, "stats", lambda _: self.refresh_view(stats_only=True), init=False)
        self.watch(app, "selected", self._selected_changed, init=False)
        # Short terminals start with the priorities folded to their summary line.
        self.query_one("#priorities-box", Collapsible).collapsed = self.app.size.height < SHORT

    def refresh_view(self, stats_only: bool = False) -> None:
        app = self.advisor
        session = app.session
        self.query_one(ErrorPanel).show(session.problem, self._key("reload"))
        loaded = session.decision is not None and session.inputs is not None
        for widget in ("#verdict", "#top", "#ranking", "#ranking-note", "#detail"):
            self.query_one(widget).display = loaded
        if session.problem is not None:
            self.set_focus(None)  # the ranking's keys mean nothing while it is hidden
            self._recovering = True
        elif loaded and self._recovering:  # the workspace loads again after an error: back to the ranking
            self._recovering = False
            self.query_one(RankingTable).focus()
        if session.decision is None or session.inputs is None or session.profile is None:
            return
        decision = session.decision
        with app.batch_update():
            self.query_one(Verdict).show(decision, app.stats, pending=app.stats_pending)
            self.query_one(RankingTable).show(decision, app.stats)
            self.query_one(Explanation).show(decision, app.stats)
            if not stats_only:
                priorities = self.query_one(Priorities)
                priorities.set_options(app.profile_options, session.profile_ref or self._profile_ref())
                priorities.show(session.profile, decision)
                box = self.query_one("#priorities-box", Collapsible)
                box.title = Content(Priorities.summary(session.profile, decision))  # type: ignore[assignment]
                self.query_one(Warnings).show(decision.warnings)
            self._show_detail()
        split = session.inputs.split
        self.sub_title = clean(session.inputs.workspace.name) + (f" · ranked on {split.describe()}" if split else "")

    def _key(self, binding_id: str) -> str:
        return self.advisor.key_for(binding_id)

    def _profile_ref(self) -> str | None:
        app = self.advisor
        if app.session.inputs is None:
            return None
        ref = app.session.inputs.workspace.config.profile
        return next((o.ref for o in app.profile_options if o.ref == ref or o.name == ref), None)

    def _selected_changed(self, model: str | None) -> None:
        if model is not None:
            self.query_one(RankingTable).select(model)
        self._show_detail()

    def _show_detail(self) -> None:
        app = self.advisor
        s = app.session
        if s.decision is not None and s.inputs is not None:
            model = app.selected or (s.decision.models[0].model if s.decision.models else None)
            self.query_one(Detail).show(model, s.decision, s.inputs, app.stats)

    @on(RankingTable.Selected)
    def _selected(self, event: RankingTable.Selected) -> None:
        self.advisor.selected = event.model

    @on(RankingTable.ColumnsChanged)
    def _columns(self, event: RankingTable.ColumnsChanged) -> None:
        self.query_one(RankingNote).show(event.hidden, event.shortened, self._key)

    @on(NumberField.Left)
    def _left_field(self) -> None:
        self.query_one(RankingTable).focus()

    def on_resize(self, event: events.Resize) -> None:
        super().on_resize(event)

    def action_focus_weights(self) -> None:
        self.query_one("#priorities-box", Collapsible).collapsed = False
        self.set_focus(self.query_one("#weight-accuracy"))

    def action_focus_ranking(self) -> None:
        self.set_focus(self.query_one(RankingTable))

    def action_focus_profile(self) -> None:
        self.query_one("#priorities-box", Collapsible).collapsed = False
        self.set_focus(self.query_one("#profile-select"))

    def action_focus_constraints(self) -> None:
        self.query_one("#priorities-box", Collapsible).collapsed = False
        self.set_focus(self.query_one("#constraint-max_latency_ms"))
