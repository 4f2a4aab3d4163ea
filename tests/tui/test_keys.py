"""The keys a user reaches for first: weights, constraint fields, the ranking, help, quitting."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from advisor.tui.screens.detail import DetailScreen
from advisor.tui.screens.dialogs import ConfirmQuit
from advisor.tui.screens.help import HelpScreen
from advisor.tui.screens.main import MainScreen
from advisor.tui.widgets.ranking import RankingTable
from advisor.tui.widgets.weight_control import WeightControl

from .conftest import drive, make_app, screen_lines, settle


def test_down_and_up_on_a_weight_move_between_weights_not_the_page() -> None:
    app = make_app()

    async def steps(pilot: Pilot[None]) -> None:
        scroll = app.screen.query_one("#main-scroll")
        app.screen.query_one("#weight-accuracy", WeightControl).focus()
        await pilot.pause()
        before = scroll.scroll_y
        order = []
        for key in ("down", "down", "down", "up"):
            await pilot.press(key)
            await pilot.pause()
            order.append(app.focused.id if app.focused else None)
        assert order == ["weight-cost", "weight-latency", "weight-gracefulness", "weight-latency"]
        assert abs(scroll.scroll_y - before) < 1  # not a line of page scroll
        assert app.session.profile is not None
        assert app.session.profile.weights.latency == pytest.approx(1.5)  # moving changed no weight
        await pilot.press("w", "down", "right")  # typed fast: the step goes to the weight just reached
        await settle(pilot)
        assert app.session.profile.weights.cost == pytest.approx(3.0)
        assert app.session.profile.weights.accuracy == pytest.approx(4.0)

    drive(app, steps, size=(160, 48))


def test_constraint_fields_take_digits_only_and_escape_leaves_them() -> None:
    app = make_app()

    async def steps(pilot: Pilot[None]) -> None:
        field = app.screen.query_one("#constraint-max_latency_ms", Input)
        assert field.value == "15000"
        field.focus()
        await pilot.press("end", "backspace", "backspace", "backspace", "backspace", "backspace")
        await pilot.press("3", "5", "0", "0", "s", "4", "x")  # letters are not typed into the field
        assert field.value == "35004"
        await pilot.press("escape")  # leaves the field, back to what the profile says
        await settle(pilot)
        assert field.value == "15000"
        assert isinstance(app.focused, RankingTable)
        assert app.session.profile is not None and app.session.profile.constraints.max_latency_ms == 15000
        field.focus()
        await pilot.press("t")  # a letter in a field is the shortcut it always is
        await settle(pilot)
        assert app.current_mode == "tradeoffs"

    drive(app, steps, size=(160, 48))


def test_enter_on_a_ranking_row_opens_the_models_detail() -> None:
    app = make_app()

    async def steps(pilot: Pilot[None]) -> None:
        table = app.screen.query_one(RankingTable)
        table.focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.model == "acme/small"
        assert "acme/small" in screen_lines(app)[0]  # the title bar names the model
        await pilot.press("]")
        await settle(pilot)
        assert app.screen.model == "acme/large" and app.selected == "acme/large"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.screen.query_one(RankingTable).selected_model == "acme/large"  # the ranking followed

    drive(app, steps, size=(80, 24))


def test_help_shows_the_key_as_remapped_and_the_footer_too() -> None:
    app = make_app(keymap={"export-memo": "x", "open-detail": "o"})

    async def steps(pilot: Pilot[None]) -> None:
        assert "x Memo" in screen_lines(app)[-1]
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = {(ident, keys) for _, keys, ident, _ in app.screen.rows()}
        assert ("export-memo", "x") in rows and ("export-memo", "e") not in rows
        assert ("open-detail", "o") in rows
        assert ("weight-next", "↓") in rows and ("quit", "q") in rows and ("quit-now", "^q") in rows
        await pilot.press("escape")
        await pilot.press("x")  # and the remapped key does it
        await settle(pilot)
        assert type(app.screen).__name__ == "ExportDialog"

    drive(app, steps, size=(120, 30))


def test_quit_is_in_the_footer_and_q_asks_first() -> None:
    app = make_app()

    async def steps(pilot: Pilot[None]) -> None:
        assert "q Quit" in screen_lines(app)[-1]
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmQuit)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and app.return_code is None
        await pilot.press("q", "y")
        await pilot.pause()
        assert app.return_code == 0

    drive(app, steps, size=(80, 24))


def test_ctrl_q_quits_at_once() -> None:
    app = make_app()

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.return_code == 0

    drive(app, steps, size=(80, 24))


def test_focus_is_clearly_marked() -> None:
    app = make_app()

    async def steps(pilot: Pilot[None]) -> None:
        focused = app.screen.query_one("#weight-cost", WeightControl)
        other = app.screen.query_one("#weight-latency", WeightControl)
        focused.focus()
        await pilot.pause()
        assert focused.render().plain.startswith("▶") and not other.render().plain.startswith("▶")
        assert focused.rich_style.bgcolor != other.rich_style.bgcolor
        assert focused.rich_style.bold and not other.rich_style.bold

    drive(app, steps, size=(160, 48))
