"""SVG snapshots of every screen at fixed sizes, on the fixed workspace (tests/data/tui_ws).

Regenerate with ``pytest tests/tui --snapshot-update`` and look at the report
before committing. Grouped by feature, like posting's snapshot suite.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from advisor.tui.widgets.ranking import RankingTable
from advisor.tui.widgets.weight_control import WeightControl

from .conftest import make_app, settle

Snap = Any  # pytest-textual-snapshot's snap_compare fixture


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


class TestMainScreen:
    def test_wide(self, snap_compare: Snap) -> None:
        assert snap_compare(make_app(), terminal_size=(200, 60), run_before=_before())

    def test_standard(self, snap_compare: Snap) -> None:
        assert snap_compare(make_app(), terminal_size=(160, 48), run_before=_before(select="acme/large"))

    def test_narrow_80x24(self, snap_compare: Snap) -> None:
        assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_before())

    def test_light_theme(self, snap_compare: Snap) -> None:
        assert snap_compare(make_app(theme="textual-light"), terminal_size=(160, 48), run_before=_before())

    def test_excluded_model_detail(self, snap_compare: Snap) -> None:
        assert snap_compare(make_app(), terminal_size=(160, 48), run_before=_before(select="bolt/slow-precise"))


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
            pilot.app.screen.set_focus(None)  # no blinking cursor in the picture
            await settle(pilot)

        assert snap_compare(make_app(), terminal_size=(160, 48), run_before=run_before)


class TestViews:
    def test_tradeoffs(self, snap_compare: Snap) -> None:
        assert snap_compare(make_app(), terminal_size=(160, 48), run_before=_before("t"))

    def test_prices(self, snap_compare: Snap) -> None:
        assert snap_compare(make_app(), terminal_size=(160, 48), run_before=_before("p"))

    def test_data(self, snap_compare: Snap) -> None:
        assert snap_compare(make_app(), terminal_size=(160, 48), run_before=_before("i"))

    def test_help(self, snap_compare: Snap) -> None:
        assert snap_compare(make_app(), terminal_size=(120, 40), run_before=_before("question_mark"))


class TestLoadError:
    def test_error_in_place(self, snap_compare: Snap, workspace: Path) -> None:
        config = workspace / "advisor.toml"
        config.write_text(config.read_text().replace('profile = "balanced"', 'profile = "balanced"\nvolume = 3'))
        app = make_app(workspace)
        # The path is machine-specific; show it relative so the snapshot is stable.
        app.session.folder = Path(workspace.name)
        import os

        cwd = os.getcwd()
        os.chdir(workspace.parent)
        try:
            assert snap_compare(app, terminal_size=(100, 30), run_before=_before())
        finally:
            os.chdir(cwd)
