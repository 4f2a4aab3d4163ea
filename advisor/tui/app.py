"""The Textual app: composes the screens, holds the session, routes messages to it.

Why it exists: one object owns the state (``Session``) and decides when to
re-rank (coalescing bursts of weight changes), when to run the bootstrap (in a
thread worker, dropping stale results) and which screen is shown. Screens and
widgets render; they do not decide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.timer import Timer

from advisor.decision.decide import Inputs
from advisor.decision.uncertainty import uncertainty
from advisor.errors import InputError
from advisor.tui import export
from advisor.tui.commands import AdvisorCommands
from advisor.tui.host import AdvisorHost
from advisor.tui.messages import MemoWritten, SheetRepriced, StatsComputed, WorkspaceLoaded
from advisor.tui.screens.data import DataScreen
from advisor.tui.screens.detail import DetailScreen
from advisor.tui.screens.dialogs import ConfirmQuit, ExportDialog, ExportRequest
from advisor.tui.screens.help import HelpScreen
from advisor.tui.screens.main import MainScreen
from advisor.tui.screens.prices import PricesScreen
from advisor.tui.screens.tradeoffs import TradeoffScreen
from advisor.tui.settings import SETTINGS_FILE, Settings, config_dir, load_settings, user_profiles_dir
from advisor.tui.state import LoadProblem, ProfileOption, Session, load, profile_options, reprice
from advisor.tui.widgets.priorities import NumberField, Priorities
from advisor.tui.widgets.ranking import RankingTable
from advisor.tui.widgets.weight_control import WeightControl


class AdvisorApp(AdvisorHost):
    CSS_PATH = "app.tcss"
    TITLE = "advisor"
    COMMANDS = App.COMMANDS | {AdvisorCommands}
    MODES = {"decide": MainScreen, "tradeoffs": TradeoffScreen, "prices": PricesScreen, "data": DataScreen}
    DEFAULT_MODE = "decide"
    BINDINGS = [
        Binding("d", "view('decide')", "Decide", id="view-decide"),
        Binding("t", "view('tradeoffs')", "Trade-offs", id="view-tradeoffs"),
        Binding("p", "view('prices')", "Prices", id="view-prices"),
        Binding("i", "view('data')", "Data", id="view-data"),
        Binding("r", "reset_weights", "Reset weights", id="reset-weights", show=False),
        Binding("e", "export_memo", "Memo", id="export-memo", tooltip="Export the decision memo (asks where)"),
        Binding(
            "h",
            "next_part",
            "Holdout/dev/all",
            id="split-part",
            show=False,
            tooltip="Rank on the next part of the split",
        ),
        Binding("ctrl+r,f5", "reload", "Reload", id="reload", show=False, tooltip="Read the workspace again"),
        Binding("question_mark,f1", "help", "Help", id="help"),
        Binding("q", "request_quit", "Quit", id="quit", tooltip="Quit (asks first)"),
        Binding("ctrl+q", "quit", "Quit now", id="quit-now", priority=True, show=False, tooltip="Quit at once"),
    ]
    #: Bindings of the views, for the help screen: (section, class that declares them).
    VIEW_BINDINGS: tuple[tuple[str, Iterable[BindingType]], ...] = (
        ("Decide screen", MainScreen.BINDINGS),
        ("Ranking", RankingTable.BINDINGS),
        ("On a weight", WeightControl.BINDINGS),
        ("In a constraint field", NumberField.BINDINGS),
        ("Model detail", DetailScreen.BINDINGS),
        ("Prices", PricesScreen.BINDINGS),
        ("Export dialog", ExportDialog.BINDINGS),
    )

    def __init__(
        self,
        folder: Path,
        *,
        profile: str | None = None,
        prices: str | None = None,
        weights: dict[str, float] | None = None,
        settings: Settings | None = None,
        part: str | None = None,
    ) -> None:
        super().__init__()
        problem: str | None = None
        if settings is None:
            settings, problem = load_settings()
        self.settings = settings
        self._settings_problem = problem
        self.session = Session(
            folder=Path(folder), profile_ref=profile, prices_ref=prices, initial_weights=weights, part_ref=part
        )
        self.start_dir = Path.cwd()
        """The folder the user started advisor in (the export dialog may propose it)."""
        self.today: Callable[[], dt.date] = dt.date.today
        """The clock that dates memo names (tests freeze it)."""
        self.profile_options: list[ProfileOption] = []
        self.stats_pending = False
        self._rerank_timer: Timer | None = None
        self._stats_timer: Timer | None = None

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.set_keymap(self.settings.keymap)
        if self._settings_problem:
            self.tell(self._settings_problem, title="Settings ignored", severity="warning")
        self.load_workspace()

    # Loading -------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_workspace(self) -> None:
        s = self.session
        self.post_message(WorkspaceLoaded(load(s.folder, s.profile_ref, s.prices_ref, s.part_ref)))

    @on(WorkspaceLoaded)
    def _loaded(self, message: WorkspaceLoaded) -> None:
        self.session.adopt(message.result)
        self.profile_options = profile_options(self.session.inputs, user_profiles_dir())
        self._decided(reload=True)

    def action_reload(self) -> None:
        self.tell("Reloading the workspace…", timeout=1.5)
        self.load_workspace()

    # Re-ranking ----------------------------------------------------------------------------------
    def _decided(self, reload: bool = False) -> None:
        """The session has a new decision (or problem): repaint and queue the bootstrap."""
        self.stats = None
        self.stats_pending = self.session.decision is not None
        self.revision += 1
        if self._stats_timer is not None:
            self._stats_timer.stop()
        if self.stats_pending:
            self._stats_timer = self.set_timer(0.15 if reload else 0.3, self._start_bootstrap)

    def _queue_rerank(self) -> None:
        """Coalesce: changes arriving before the timer fires are folded into one re-rank."""
        if self._rerank_timer is None:
            self._rerank_timer = self.set_timer(max(self.settings.debounce_ms, 1) / 1000, self._rerank)

    def _rerank(self) -> None:
        self._rerank_timer = None
        self.session.rerank()
        self._decided()

    def _start_bootstrap(self) -> None:
        s = self.session
        if s.inputs is not None and s.decision is not None:
            self.run_bootstrap(s.generation)

    @work(thread=True, exclusive=True, group="bootstrap", exit_on_error=False)
    def run_bootstrap(self, generation: int) -> None:
        s = self.session
        inputs, decision = s.inputs, s.decision
        if inputs is None or decision is None:
            return
        try:
            result = uncertainty(inputs.evidence, decision, resamples=self.settings.bootstrap_resamples)
        except Exception as exc:
            self.post_message(StatsComputed(generation, None, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(StatsComputed(generation, result))

    @on(StatsComputed)
    def _stats(self, message: StatsComputed) -> None:
        if message.generation != self.session.generation:
            return  # computed for weights that have since changed
        self.stats_pending = False
        if message.error:
            self.tell(message.error, title="Bootstrap failed", severity="error")
        self.stats = message.stats

    # What the user changed -----------------------------------------------------------------------
    @on(WeightControl.Changed)
    def _weight(self, message: WeightControl.Changed) -> None:
        try:
            self.session.set_weight(message.criterion, message.value)
        except InputError as exc:
            self.tell(exc.message, severity="warning")
            self.revision += 1
            return
        self._queue_rerank()

    @on(Priorities.ConstraintChanged)
    def _constraint(self, message: Priorities.ConstraintChanged) -> None:
        try:
            self.session.set_constraint(message.name, message.value)
        except ValueError as exc:
            self.tell(str(exc).splitlines()[-1], title="Constraint not applied", severity="error")
            return
        self._rerank()

    @on(Priorities.ProfileChosen)
    def _profile(self, message: Priorities.ProfileChosen) -> None:
        self.choose_profile(message.ref)

    def choose_profile(self, ref: str) -> None:
        if self.session.inputs is None or ref == self.session.profile_ref:
            return
        try:
            self.session.choose_profile(ref)
        except InputError as exc:
            self.tell(exc.line(), title="Profile not loaded", severity="error")
            return
        self._rerank()

    @on(Priorities.ResetPressed)
    def action_reset_weights(self) -> None:
        if self.session.base_profile is not None:
            self.session.reset()
            self._rerank()
            self.tell(f"Weights and constraints reset to '{self.session.base_profile.name}'.", timeout=2)

    def action_next_part(self) -> None:
        """Rank on the next part of the split: holdout → dev → all."""
        if self.session.inputs is None:
            return
        described = self.session.next_part()
        if described is None:
            self.tell("This workspace has no split: `advisor split` holds items out.", severity="warning")
            return
        self._rerank()
        self.tell(f"Ranking on {described}.", title="Split", timeout=2.5)

    def choose_sheet(self, ref: str) -> None:
        if self.session.inputs is not None:
            self.reprice_worker(ref)

    @work(thread=True, exclusive=True, group="reprice", exit_on_error=False)
    def reprice_worker(self, ref: str) -> None:
        inputs = self.session.inputs
        if inputs is None:
            return
        result: Inputs | LoadProblem
        try:
            result = reprice(inputs, ref)
        except InputError as exc:
            result = LoadProblem(exc.where, exc.message)
        except Exception as exc:
            result = LoadProblem(None, f"{type(exc).__name__}: {exc}")
        self.post_message(SheetRepriced(ref, result))

    @on(SheetRepriced)
    def _repriced(self, message: SheetRepriced) -> None:
        if isinstance(message.result, LoadProblem):
            self.tell(message.result.line(), title="Sheet not used; prices unchanged", severity="error")
            return
        self.session.inputs = message.result
        self.session.prices_ref = message.ref
        self._rerank()
        sheet = message.result.sheet
        self.tell(f"Prices from {sheet.as_of} ({message.result.sheet_path.name}).", title="Repriced")

    # Views and actions ---------------------------------------------------------------------------
    def action_view(self, mode: str) -> None:
        self.switch_mode(mode)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The key for the view on screen is left out of the footer (it would do nothing)."""
        if action == "view" and parameters and parameters[0] == self.current_mode:
            return False
        return True

    def all_bindings(self) -> list[Binding]:
        return [b for _, bindings in self.help_sections() for b in bindings if isinstance(b, Binding)]

    def help_sections(self) -> list[tuple[str, Iterable[BindingType]]]:
        return [("Everywhere", self.BINDINGS), *self.VIEW_BINDINGS]

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.help_sections(), self.settings.keymap, str(config_dir() / SETTINGS_FILE)))

    @on(RankingTable.Opened)
    def _open_detail(self, message: RankingTable.Opened) -> None:
        self.selected = message.model
        self.push_screen(DetailScreen(message.model))

    def action_request_quit(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmQuit(), answered)

    def action_pull_prices(self) -> None:
        self.switch_mode("prices")
        self.call_after_refresh(self.screen.run_action, "pull")

    def action_export_memo(self, fmt: str | None = None) -> None:
        """Open the export dialog; the memo is written when the user confirms the path."""
        s = self.session
        if s.decision is None or s.inputs is None:
            self.tell("Nothing to export: the workspace is not loaded.", severity="warning")
            return
        chosen = fmt or self.settings.memo_format
        folder = export.default_folder(s.inputs.workspace.root, self.start_dir, self.settings.export_dir)
        path = export.memo_name(folder, s.decision.profile.name, self.today(), chosen)

        def confirmed(request: ExportRequest | None) -> None:
            if request is not None:
                self.export_worker(request)

        self.push_screen(ExportDialog(path, chosen), confirmed)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def export_worker(self, request: ExportRequest) -> None:
        s = self.session
        if s.decision is None or s.inputs is None:
            return
        try:
            path = export.write(s.decision, s.inputs, request.path, request.fmt, overwrite=request.overwrite)
        except InputError as exc:
            self.post_message(MemoWritten(None, exc.line()))
        except Exception as exc:
            self.post_message(MemoWritten(None, f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(MemoWritten(path, None))

    @on(MemoWritten)
    def _memo_written(self, message: MemoWritten) -> None:
        if message.path is not None:
            self.tell(f"Wrote {message.path.resolve()}", title="Memo written", timeout=8)
        else:
            self.tell(message.error or "unknown error", title="Memo not written", severity="error", timeout=10)
