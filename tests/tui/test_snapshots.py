"""SVG snapshots of every view at fixed sizes, on the fixed workspace (tests/data/tui_ws), grouped by feature.

The three sizes a user's terminal is likely to have: 80×24, 120×30, 160×48.
Regenerate with ``pytest tests/tui --snapshot-update`` and look at every
changed SVG in the report before committing.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from advisor.tui.app import AdvisorApp
from advisor.tui.widgets.ranking import RankingTable
from advisor.tui.widgets.weight_control import WeightControl

from .conftest import make_app, settle

Snap = Any  # pytest-textual-snapshot's snap_compare fixture
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 30), (160, 48)], ids=["80x24", "120x30", "160x48"])


def _before(*keys: str, select: str | None = None) -> Any:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        if select is not None:
            table = pilot.app.screen.query_one(RankingTable)
            table.move_cursor(row=table.get_row_index(select))
            await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


class TestMainView:
    """The first screen: the verdict and the ranking at every size; priorities fold on short terminals."""

    @SIZES
    def test_first_screen(self, snap_compare: Snap, size: tuple[int, int]) -> None:
        assert snap_compare(make_app(), terminal_size=size, run_before=_before())

    def test_excluded_model_selected(self, snap_compare: Snap) -> None:
        assert snap_compare(make_app(), terminal_size=(160, 48), run_before=_before(select="bolt/slow-precise"))

    def test_light_theme(self, snap_compare: Snap) -> None:
        assert snap_compare(make_app(theme="textual-light"), terminal_size=(160, 48), run_before=_before())


class TestPriorities:
    def test_weight_focused_and_raised(self, snap_compare: Snap) -> None:
        async def run_before(pilot: Pilot[None]) -> None:
            await settle(pilot)
            pilot.app.screen.query_one("#weight-accuracy", WeightControl).focus()
            await pilot.press("right", "right", "right", "right")
            await settle(pilot)

        assert snap_compare(make_app(), terminal_size=(160, 48), run_before=run_before)

    def test_constraint_excludes(self, snap_compare: Snap) -> None:
        async def run_before(pilot: Pilot[None]) -> None:
            await settle(pilot)
            pilot.app.screen.query_one("#constraint-min_accuracy").focus()
            await pilot.press("9", "0", "enter")
            await settle(pilot)
            pilot.app.screen.set_focus(None)  # no blinking cursor in the picture
            pilot.app.screen.query_one("#main-scroll").scroll_home(animate=False)  # the same place every run
            await settle(pilot)

        assert snap_compare(make_app(), terminal_size=(160, 48), run_before=run_before)


class TestTradeoffsAfterResize:
    """The charts after the resizes that used to crash the app (tiny sizes included), ending at each size."""

    @SIZES
    def test_after_resizes(self, snap_compare: Snap, size: tuple[int, int]) -> None:
        async def run_before(pilot: Pilot[None]) -> None:
            await settle(pilot)
            await pilot.press("t")
            for width, height in [(80, 24), (20, 5), (1, 1), (120, 30), (40, 10), size]:
                await pilot.resize_terminal(width, height)
                await settle(pilot)

        assert snap_compare(make_app(), terminal_size=(160, 48), run_before=run_before)


def _frozen(**settings: Any) -> AdvisorApp:
    app = make_app(export_dir=Path("/home/user/memos"), **settings)
    app.today = lambda: dt.date(2026, 1, 15)
    return app


class TestExportDialog:
    @SIZES
    def test_proposes_a_path(self, snap_compare: Snap, size: tuple[int, int]) -> None:
        async def run_before(pilot: Pilot[None]) -> None:
            await _before("e")(pilot)
            pilot.app.screen.query_one("#export-path", Input).cursor_blink = False  # the same picture every run
            await settle(pilot)

        assert snap_compare(_frozen(), terminal_size=size, run_before=run_before)


class TestDetailScreen:
    @SIZES
    def test_runner_up_opened(self, snap_compare: Snap, size: tuple[int, int]) -> None:
        assert snap_compare(make_app(), terminal_size=size, run_before=_before("down", "enter"))


class TestViews:
    def test_prices(self, snap_compare: Snap) -> None:
        assert snap_compare(make_app(), terminal_size=(160, 48), run_before=_before("p"))

    def test_data(self, snap_compare: Snap) -> None:
        assert snap_compare(make_app(), terminal_size=(160, 48), run_before=_before("i"))

    def test_help(self, snap_compare: Snap) -> None:
        assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_before("question_mark"))

    def test_quit_asks(self, snap_compare: Snap) -> None:
        assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_before("q"))


class TestLoadError:
    def test_error_in_place(self, snap_compare: Snap, workspace: Path) -> None:
        config = workspace / "advisor.toml"
        config.write_text(config.read_text().replace('profile = "balanced"', 'profile = "balanced"\nvolume = 3'))
        app = make_app(workspace)
        # The path is machine-specific; show it relative so the snapshot is stable.
        app.session.folder = Path(workspace.name)
        cwd = os.getcwd()
        os.chdir(workspace.parent)
        try:
            assert snap_compare(app, terminal_size=(100, 30), run_before=_before())
        finally:
            os.chdir(cwd)
