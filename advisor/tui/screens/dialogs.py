"""Dialogs: export the memo (format, path, overwrite confirmation) and confirm quitting.

Why it exists: writing a file is the one thing the TUI does outside itself,
so the user chooses the format and the path, sees the path before anything
is written, and confirms before a file is replaced. Quitting with a bare
letter asks first (ctrl+q quits at once), so a stray ``q`` never loses edits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from advisor.text.sanitise import clean
from advisor.tui.export import FORMATS, with_format


@dataclass(frozen=True)
class ExportRequest:
    path: Path
    fmt: str
    overwrite: bool


class ExportDialog(ModalScreen[ExportRequest | None]):
    """Choose the memo's format and path; Export twice to replace an existing file."""

    CSS_PATH = "dialogs.tcss"

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export-cancel")]

    def __init__(self, path: Path, fmt: str) -> None:
        super().__init__()
        self.path = path
        self.fmt = fmt
        self._confirm: Path | None = None
        """The existing file the user was asked about (a second Export replaces it)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Label("Format", classes="field-label")
            with RadioSet(id="export-format"):
                for fmt, name in FORMATS.items():
                    yield RadioButton(f"{name} (.{fmt})", value=fmt == self.fmt, id=f"format-{fmt}")
            yield Label("Save to (Enter to export)", classes="field-label")
            yield Input(str(self.path), id="export-path", compact=True)
            yield Static("", id="export-message")
            with Horizontal(id="export-buttons"):
                yield Button("Cancel", id="export-cancel-button", compact=True)
                yield Button("Export", id="export-confirm", variant="primary", compact=True)

    def on_mount(self) -> None:
        box = self.query_one("#export-box")
        box.border_title = "Export the decision memo"
        box.border_subtitle = "Esc to cancel"
        self.query_one("#export-path", Input).focus()

    @property
    def chosen(self) -> Path:
        text = self.query_one("#export-path", Input).value.strip()
        path = Path(text).expanduser() if text else self.path
        return path if path.is_absolute() else self.path.parent / path

    def _say(self, text: str, style: str = "") -> None:
        self.query_one("#export-message", Static).update(Text(text, style=style))

    @on(RadioSet.Changed, "#export-format")
    def _format(self, event: RadioSet.Changed) -> None:
        self.fmt = (event.pressed.id or "format-md").removeprefix("format-")
        field = self.query_one("#export-path", Input)
        field.value = str(with_format(Path(field.value.strip() or str(self.path)), self.fmt))

    @on(Input.Changed, "#export-path")
    def _edited(self) -> None:
        self._confirm = None
        self.query_one("#export-confirm", Button).label = "Export"
        self._say("")

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-confirm")
    def _export(self) -> None:
        path = self.chosen
        if path.is_dir():
            self._say(f"{clean(path)} is a folder; add a file name.", "bold")
            return
        if not path.parent.is_dir():
            self._say(f"The folder {clean(path.parent)} does not exist.", "bold")
            return
        if path.exists() and self._confirm != path:
            self._confirm = path
            self.query_one("#export-confirm", Button).label = "Replace"
            self._say(f"{clean(path.name)} already exists. Press Replace (or Enter) to overwrite it.", "bold")
            return
        self.dismiss(ExportRequest(path, self.fmt, overwrite=path.exists()))

    @on(Button.Pressed, "#export-cancel-button")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmQuit(ModalScreen[bool]):
    """Quit? y/Enter quits, n/Esc stays."""

    CSS_PATH = "dialogs.tcss"

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Quit", id="quit-yes"),
        Binding("n,escape", "answer(False)", "Stay", id="quit-no"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="quit-box"):
            yield Static("Quit advisor? Edits to weights and constraints are not saved.")
            with Horizontal(id="quit-buttons"):
                yield Button("Stay (n)", id="quit-no", compact=True)
                yield Button("Quit (y)", id="quit-yes", variant="error", compact=True)

    def on_mount(self) -> None:
        self.query_one("#quit-yes", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "quit-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
