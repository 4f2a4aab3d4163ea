"""A failure in one widget stays in that widget; an app that ends on an error does not exit 0."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static

import advisor.tui.widgets.detail as detail_module
from advisor import tui
from advisor.cli import main
from advisor.tui.app import AdvisorApp
from advisor.tui.screens.main import MainScreen
from advisor.tui.widgets.scatter import ScatterChart

from .conftest import WS, drive, make_app, screen_lines, settle

RESIZES = [(80, 24), (40, 10), (20, 5), (12, 4), (1, 1), (120, 30), (33, 9), (160, 48)]


def test_tradeoffs_survive_every_resize_and_redraw() -> None:
    app = make_app()

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("t")
        await settle(pilot)
        for width, height in RESIZES:
            await pilot.resize_terminal(width, height)
            await settle(pilot)
            assert app.return_code is None  # still running
            lines = "\n".join(screen_lines(app))
            assert "could not be shown" not in lines
            if width < 24:
                chart = app.screen.query_one("#chart-cost", ScatterChart)
                assert "Too small for this chart" in chart.render().plain
        cost = app.screen.query_one("#chart-cost", ScatterChart)
        assert cost.data is not None and {p.key for p in cost.data.points} == {"1", "2", "3", "a"}
        assert "$ per task (log scale)" in "\n".join(screen_lines(app))

    drive(app, steps, size=(160, 48))


def test_a_panel_that_fails_shows_why_and_the_rest_goes_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_: Any) -> Text:
        raise ValueError("math domain error")

    monkeypatch.setattr(detail_module, "cost_view", broken)
    app = make_app()

    async def steps(pilot: Pilot[None]) -> None:
        cost = str(app.screen.query_one("#detail-cost", Static).render())
        assert cost.startswith("⚠ 'Cost' could not be shown: ValueError: math domain error")
        text = "\n".join(screen_lines(app))
        assert "Why not #1" in text and "Pick bolt/fast" in text  # the other panels and the verdict are there
        assert any("could not be shown" in r.getMessage() and r.exc_info for r in caplog.records)
        await pilot.press("w", "right")  # and the app still answers
        await settle(pilot)
        assert app.session.profile is not None and app.session.profile.weights.accuracy == pytest.approx(4.5)

    with caplog.at_level(logging.ERROR, logger="advisor.tui"):
        drive(app, steps, size=(160, 48))


def test_a_drawing_failure_inside_textual_is_contained(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A colour Rich cannot parse fails only when Textual turns the text into lines, after render() returned.
    monkeypatch.setattr(ScatterChart, "_draw", lambda self: Text.assemble(("chart", "#E0E0E099")))
    app = make_app()

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("t")
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "ScatterChart #chart-cost could not be shown: MissingStyle" in text
        assert "Values" in text  # the table beside it is drawn
        await pilot.press("d")
        await settle(pilot)
        assert app.current_mode == "decide" and app.return_code is None

    with caplog.at_level(logging.ERROR, logger="advisor.tui"):
        drive(app, steps, size=(160, 48))
    assert sum("could not be drawn" in r.getMessage() for r in caplog.records) == 2  # each chart, once


def _headless(monkeypatch: pytest.MonkeyPatch) -> None:
    run = App.run
    monkeypatch.setattr(AdvisorApp, "run", lambda self, **_: run(self, headless=True, size=(100, 30)))


def test_an_app_that_ends_on_an_error_exits_non_zero(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    def crash(self: MainScreen, stats_only: bool = False) -> None:
        raise RuntimeError("not contained")

    _headless(monkeypatch)
    monkeypatch.setattr(MainScreen, "refresh_view", crash)
    assert tui.run(WS) == 1
    assert main(["tui", str(WS)]) == 1
    assert "not contained" in capsys.readouterr().err


def test_a_normal_quit_exits_zero(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _headless(monkeypatch)
    monkeypatch.setattr(AdvisorApp, "on_ready", lambda self: self.call_after_refresh(self.exit), raising=False)
    assert main(["tui", str(WS)]) == 0
    assert not (tmp_path / "state").exists()  # nothing logged, so no log folder was made
