"""Memo export from the TUI: a dialog proposes the user's folder, nothing is replaced unasked."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, RadioButton

from advisor.files import bundled
from advisor.tui.export import default_folder, is_bundled, with_format
from advisor.tui.screens.dialogs import ExportDialog
from advisor.tui.screens.main import MainScreen

from .conftest import drive, make_app, settle


def test_default_folder_is_the_users_never_the_package(tmp_path: Path) -> None:
    demo = bundled.demo_workspace()
    assert is_bundled(demo) and is_bundled(demo / "results") and not is_bundled(tmp_path)
    assert default_folder(demo, tmp_path) == tmp_path  # the demo: where the user started
    assert default_folder(tmp_path / "ws", tmp_path / "elsewhere") == tmp_path / "ws"  # their own workspace
    assert default_folder(demo, demo / "results") == Path.home()  # started inside the package: never there
    assert default_folder(demo, tmp_path, Path("~/memos")) == Path.home() / "memos"  # the setting wins


@pytest.mark.parametrize(
    "path, fmt, expected",
    [
        ("a/memo.md", "html", "a/memo.html"),
        ("memo.html", "md", "memo.md"),
        ("memo", "md", "memo.md"),
        ("x.txt", "html", "x.txt"),
    ],
)
def test_the_format_sets_the_suffix(path: str, fmt: str, expected: str) -> None:
    assert with_format(Path(path), fmt) == Path(expected)


def _dialog(app: object) -> ExportDialog:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, ExportDialog)
    return screen


def test_export_asks_where_then_writes_and_says_where(workspace: Path) -> None:
    app = make_app(workspace)

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await settle(pilot)
        dialog = _dialog(app)
        proposed = Path(dialog.query_one("#export-path", Input).value)
        assert proposed.parent == workspace and proposed.name.startswith("memo-") and proposed.suffix == ".md"
        assert not list(workspace.glob("memo-*"))  # nothing written before the user confirms
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert proposed.read_text().startswith("#") and "bolt/fast" in proposed.read_text()
        assert any(str(proposed) in n.message and n.title == "Memo written" for n in app._notifications)

        # The same name again: the dialog asks, and only a second Enter replaces the file.
        proposed.write_text("an older memo")
        await pilot.press("e")
        await settle(pilot)
        dialog = _dialog(app)
        field = dialog.query_one("#export-path", Input)
        assert Path(field.value) != proposed  # the proposal never collides
        field.value = str(proposed)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog) and "already exists" in str(
            dialog.query_one("#export-message").render()
        )
        assert proposed.read_text() == "an older memo"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and "bolt/fast" in proposed.read_text()

    drive(app, steps, size=(120, 30))


def test_export_html_and_a_missing_folder(workspace: Path) -> None:
    app = make_app(workspace)

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await settle(pilot)
        dialog = _dialog(app)
        dialog.query_one("#format-html", RadioButton).value = True
        await settle(pilot)
        field = dialog.query_one("#export-path", Input)
        assert field.value.endswith(".html")
        wanted = Path(field.value)
        field.value = str(workspace / "no-such-folder" / "memo.html")
        await pilot.press("enter")
        await settle(pilot)
        assert "does not exist" in str(dialog.query_one("#export-message").render())
        field.value = str(wanted)
        await pilot.press("enter")
        await settle(pilot)
        text = wanted.read_text()
        assert text.lstrip().lower().startswith("<!doctype html") and "<svg" in text

    drive(app, steps, size=(80, 24))


def test_on_the_demo_the_memo_goes_where_the_user_started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app(bundled.demo_workspace())

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("e")
        await settle(pilot)
        proposed = Path(_dialog(app).query_one("#export-path", Input).value)
        assert proposed.parent == tmp_path and not is_bundled(proposed.parent)
        await pilot.press("escape")  # cancel: nothing written
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and not list(tmp_path.glob("memo-*"))

    drive(app, steps, size=(120, 30))
