"""Names from the user's files cannot drive the terminal: every view shows them escaped and literal.

The workspace's model names carry a clear-screen sequence, a newline that
would forge a row, Rich markup and a right-to-left override; a task name sets
the window title; the result file's name colours the terminal; the price ids
carry the same. Every view must show them as escapes (``\\x1b``, ``\\n``,
``\\u202e``), with the markup as text, and no raw control character may reach
the screen.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from advisor.tui.screens.detail import DetailScreen
from advisor.tui.widgets.ranking import RankingTable

from .conftest import HOSTILE_FILE, drive, make_app, screen_lines, settle

RAW = ("\x1b", "\x07", "\u202e")
SHOWN = {
    "acme/large": "acme/\\x1b[2Jlarge",
    "bolt/fast": "bolt/fa\\nst [bold]x[/bold]",
    "acme/small": "acme/\\u202esmall",
    "task": "tri\\x1b]0;pwned\\x07age",
    "file": "sam\\x1b[31m",
}


def _screen(app: object) -> str:
    text = "\n".join(screen_lines(app))  # type: ignore[arg-type]
    for raw in RAW:
        assert raw not in text, f"raw {raw!r} reached the screen"
    return text


def test_every_view_shows_hostile_names_escaped(hostile: Path) -> None:
    app = make_app(hostile)

    async def steps(pilot: Pilot[None]) -> None:
        main = _screen(app)
        for key in ("acme/large", "bolt/fast", "acme/small"):
            assert SHOWN[key] in main  # in the verdict and the ranking
        table = app.screen.query_one(RankingTable)
        assert table.row_count == 4  # the newline forged no row
        assert SHOWN["bolt/fast"] in str(table.get_cell("bolt/fa\nst [bold]x[/bold]", "model"))

        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert SHOWN["task"] in _screen(app)
        await pilot.press("escape")

        for key, expected in (
            ("t", ["acme/small", "bolt/fast"]),
            ("p", ["acme/large", "bolt/fast"]),
            ("i", ["file", "task"]),
        ):
            await pilot.press(key)
            await settle(pilot)
            shown = _screen(app)
            for name in expected:
                assert SHOWN[name] in shown, (key, name)

    drive(app, steps, size=(160, 48))


def test_a_load_error_naming_a_hostile_file_is_escaped(workspace: Path) -> None:
    (workspace / "results" / "samples.jsonl").unlink()
    (workspace / "results" / HOSTILE_FILE).write_text('{"model": "m\\u001b[2J", "task": 3}\n')
    app = make_app(workspace)

    async def steps(pilot: Pilot[None]) -> None:
        shown = _screen(app)
        assert "The workspace could not be loaded" in shown
        assert SHOWN["file"] in shown

    drive(app, steps, size=(160, 48))
