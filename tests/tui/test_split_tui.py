"""The TUI names the part of the split the ranking uses, switches it with a key, and shows a model's gap."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from advisor.cli import main
from advisor.tui.app import AdvisorApp
from tests import split_sim

from .conftest import drive, make_app, settle


def _tasks_panel(app: AdvisorApp) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(app.screen.query_one("#detail-tasks", Static).content)
    return console.export_text()


def test_switch_part_with_a_key(tmp_path: Path) -> None:
    root = split_sim.write_workspace(tmp_path / "ws", seed=2, n_items=90)
    assert main(["split", str(root), "--rotation", "2026-Q4"]) == 0
    app = make_app(root)

    async def steps(pilot: Pilot[None]) -> None:
        inputs = app.session.inputs
        assert inputs is not None and inputs.split is not None
        held, dev = inputs.split.holdout_items, inputs.split.dev_items
        assert app.screen.sub_title.endswith(
            f"ranked on the holdout of rotation 2026-Q4: {held} of 270 items ({held / 270:.0%})"
        )
        assert "ranked on the holdout of 2026-Q4" in _tasks_panel(app)
        assert "dev " in _tasks_panel(app) and "beyond the others" in _tasks_panel(app)
        await pilot.press("h")
        await settle(pilot)
        decision = app.session.decision
        assert decision is not None and decision.overfit is not None and decision.overfit.part == "dev"
        assert decision.pick is not None and decision.pick.accuracy is not None
        assert decision.pick.accuracy.n == dev
        assert "ranked on the dev of rotation 2026-Q4" in app.screen.sub_title
        await pilot.press("h")
        await settle(pilot)
        assert app.session.decision is not None and app.session.decision.pick is not None
        assert app.session.decision.pick.accuracy is not None and app.session.decision.pick.accuracy.n == 270
        await pilot.press("h")
        await settle(pilot)
        assert "ranked on the holdout" in app.screen.sub_title

    drive(app, steps)


def test_without_a_split_the_key_says_so() -> None:
    app = make_app()

    async def steps(pilot: Pilot[None]) -> None:
        before = app.session.decision
        await pilot.press("h")
        await settle(pilot)
        assert app.session.decision is before
        assert any("no split" in str(n.message) for n in app._notifications)
        assert "ranked on" not in app.screen.sub_title

    drive(app, steps)
