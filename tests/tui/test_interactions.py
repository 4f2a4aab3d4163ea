"""Pilot tests: every interaction on the main screen and the views re-ranks as the engine says."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from advisor.decision.result import Uncertainty
from advisor.errors import InputError
from advisor.tui.app import AdvisorApp
from advisor.tui.messages import StatsComputed
from advisor.tui.screens.help import HelpScreen
from advisor.tui.widgets.panels import ErrorPanel
from advisor.tui.widgets.ranking import RankingTable
from advisor.tui.widgets.weight_control import WeightControl

from .conftest import WS, drive, make_app, settle


def _panel_text(app: AdvisorApp, name: str) -> str:
    """What a detail panel shows, as plain text."""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(app.screen.query_one(f"#detail-{name}", Static).content)
    return console.export_text()


def _table(app: AdvisorApp) -> RankingTable:
    return app.screen.query_one(RankingTable)


def test_loads_and_ranks() -> None:
    app = make_app()

    async def steps(pilot: Pilot[None]) -> None:
        assert app.session.decision is not None
        assert app.session.decision.pick is not None
        assert app.session.decision.pick.model == "bolt/fast"
        assert _table(app).row_count == 4

    drive(app, steps)


def test_weight_change_reranks_and_keeps_the_cursor() -> None:
    app = make_app()

    async def steps(pilot: Pilot[None]) -> None:
        table = _table(app)
        table.focus()
        table.move_cursor(row=table.get_row_index("acme/large"))
        await settle(pilot)
        assert table.selected_model == "acme/large"
        app.screen.query_one("#weight-accuracy", WeightControl).focus()
        await pilot.press("end")  # accuracy weight to the maximum
        await settle(pilot)
        decision = app.session.decision
        assert decision is not None and decision.pick is not None
        assert decision.pick.model == "acme/large"
        assert table.selected_model == "acme/large"  # same model, new position
        assert table.cursor_row == 0
        assert app.screen.query_one("#weight-accuracy", WeightControl).share > 0.6

    drive(app, steps)


def test_weight_keys_step_and_type() -> None:
    app = make_app()

    async def steps(pilot: Pilot[None]) -> None:
        control = app.screen.query_one("#weight-cost", WeightControl)
        control.focus()
        await pilot.press("right", "right")
        await settle(pilot)
        assert app.session.profile is not None
        assert app.session.profile.weights.cost == pytest.approx(3.5)
        await pilot.press("7", ".", "5", "enter")
        await settle(pilot)
        assert app.session.profile.weights.cost == pytest.approx(7.5)
        await pilot.press("r")  # reset to the profile
        await settle(pilot)
        assert app.session.profile.weights.cost == pytest.approx(2.5)

    drive(app, steps)


def test_weight_bar_click() -> None:
    app = make_app()

    async def steps(pilot: Pilot[None]) -> None:
        control = app.screen.query_one("#weight-latency", WeightControl)
        await pilot.click(control, offset=(control.size.width - 14, 0))  # right end of the bar
        await settle(pilot)
        assert app.session.profile is not None
        assert app.session.profile.weights.latency >= 9.0

    drive(app, steps)


def test_profile_switch() -> None:
    app = make_app()

    async def steps(pilot: Pilot[None]) -> None:
        select = app.screen.query_one("#profile-select")
        select.value = "cost-first"  # type: ignore[attr-defined]
        await settle(pilot)
        assert app.session.profile is not None and app.session.profile.name == "cost-first"
        assert app.session.decision is not None and app.session.decision.profile.name == "cost-first"

    drive(app, steps)


def test_constraint_edit_excludes_a_model() -> None:
    app = make_app()

    async def steps(pilot: Pilot[None]) -> None:
        field = app.screen.query_one("#constraint-min_accuracy")
        field.focus()
        await pilot.press("9", "0", "enter")
        await settle(pilot)
        decision = app.session.decision
        assert decision is not None
        excluded = {m.model for m in decision.models if m.excluded}
        assert {"bolt/fast", "acme/small"} <= excluded
        assert decision.pick is not None and decision.pick.model == "acme/large"

    drive(app, steps)


def test_sheet_switch_reprices() -> None:
    app = make_app()

    async def steps(pilot: Pilot[None]) -> None:
        assert app.session.decision is not None
        before = app.session.decision.get("acme/large").cost_per_task_usd
        app.choose_sheet(str(WS / "prices-cheap-large.toml"))
        await settle(pilot)
        assert app.session.inputs is not None and str(app.session.inputs.sheet.as_of) == "2026-02-01"
        after = app.session.decision.get("acme/large").cost_per_task_usd
        assert before is not None and after is not None and after < before / 10

    drive(app, steps)


def test_failed_pull_keeps_the_sheet(monkeypatch: pytest.MonkeyPatch) -> None:
    import advisor.prices.pull as pull_module

    def broken(*_: object, **__: object) -> None:
        raise InputError("https://example.invalid/prices.json", "connection refused")

    monkeypatch.setattr(pull_module, "pull", broken)
    app = make_app()

    async def steps(pilot: Pilot[None]) -> None:
        inputs = app.session.inputs
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert app.session.inputs is inputs  # nothing repriced
        assert any("connection refused" in n.message for n in app._notifications)

    drive(app, steps)


def test_load_error_in_place_then_reload_recovers(workspace: Path) -> None:
    config = workspace / "advisor.toml"
    good = config.read_text()
    config.write_text(good.replace('profile = "balanced"', 'profile = "balanced"\nvolume = 3'))
    app = make_app(workspace)

    async def steps(pilot: Pilot[None]) -> None:
        panel = app.screen.query_one(ErrorPanel)
        assert panel.display
        assert "advisor.toml" in str(panel.render()) and "volume" in str(panel.render())
        config.write_text(good)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert not panel.display
        assert app.session.decision is not None

    drive(app, steps)


def stats(p_best: dict[str, float], ranks: dict[str, tuple[int, int]], tied: tuple[str, ...]) -> Uncertainty:
    return Uncertainty(
        resamples=10,
        seed=0,
        p_best=p_best,
        rank_low={m: lo for m, (lo, _) in ranks.items()},
        rank_high={m: hi for m, (_, hi) in ranks.items()},
        tied_for_first=tied,
        pairwise=(),
        weight_ranges=(),
        first_place_share={},
        first_place_share_uniform={},
        break_even={},
    )


def test_stale_bootstrap_result_is_dropped() -> None:
    app = make_app()

    async def steps(pilot: Pilot[None]) -> None:
        stale = stats({"acme/large": 1.0}, {}, ())
        app.post_message(StatsComputed(app.session.generation - 1, stale))
        await settle(pilot)
        assert app.stats is not stale
        fresh = stats({"bolt/fast": 0.7}, {"bolt/fast": (1, 2)}, ("bolt/fast", "acme/small"))
        app.post_message(StatsComputed(app.session.generation, fresh))
        await settle(pilot)
        assert app.stats is fresh
        assert "70%" in str(_table(app).get_cell("bolt/fast", "p_best"))

    drive(app, steps)


def test_help_and_views() -> None:
    app = make_app()

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        for key, mode in (("t", "tradeoffs"), ("p", "prices"), ("i", "data"), ("d", "decide")):
            await pilot.press(key)
            await settle(pilot)
            assert app.current_mode == mode

    drive(app, steps)


def test_keymap_override() -> None:
    app = make_app(keymap={"export-memo": "x"})

    async def steps(pilot: Pilot[None]) -> None:
        called: list[str] = []
        app.action_export_memo = lambda: called.append("x")  # type: ignore[method-assign]
        await pilot.press("x")
        assert called == ["x"]

    drive(app, steps)


def test_a_model_resting_on_aggregates_is_flagged_and_explained(workspace: Path) -> None:
    (workspace / "results" / "warehouse.csv").write_text(
        "model,task,n,mean,sd,latency_p95_ms,cost_usd_mean\n"
        "acme/warehouse,triage,40,0.8,0.4,900,0.0004\n"
        "acme/warehouse,extract,40,0.75,0.43,900,0.0004\n"
    )
    config = workspace / "advisor.toml"
    config.write_text(config.read_text().replace('results = ["results/*.jsonl"]', 'results = ["results/*"]'))
    app = make_app(workspace)

    async def steps(pilot: Pilot[None]) -> None:
        table = _table(app)
        assert "aggregates" in str(table.get_cell("acme/warehouse", "flags"))
        table.move_cursor(row=table.get_row_index("acme/warehouse"))
        await settle(pilot)
        assert "no per-sample distribution" in _panel_text(app, "latency")
        why = _panel_text(app, "why")
        assert "acme/warehouse against #1 bolt/fast" in why
        assert "unpaired (aggregates)" in why

    drive(app, steps)
