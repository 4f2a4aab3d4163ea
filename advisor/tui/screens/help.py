"""The help screen: every key, its binding id (for the keymap) and what it does.

Why it exists: a keyboard-first tool must say what its keys are, and users who
remap keys in ``tui.toml`` need the binding ids.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from advisor.tui.settings import SETTINGS_FILE, config_dir

EXTRA = (
    ("←/→  -/+", "weight-less/more", "On a weight: step it (Home/End: zero/max)"),
    ("0-9 .  ⏎", "", "On a weight: type a value, Enter to apply, Esc to cancel"),
    ("mouse", "", "Click or drag on a weight bar"),
    ("tab", "", "Next control (weights, profile, constraints, ranking)"),
    ("↑/↓", "", "In the ranking: choose the model shown in the detail"),
    ("ctrl+p", "command-palette", "Command palette: every action by name"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help-close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(self._table(), id="help-keys")

    def on_mount(self) -> None:
        self.query_one("#help-body").border_title = "Keys"
        self.query_one("#help-body").border_subtitle = "Esc to close"

    def _table(self) -> Table:
        table = Table(box=None, show_edge=False, padding=(0, 2), header_style="bold")
        table.add_column("key", no_wrap=True)
        table.add_column("binding id", style="dim", no_wrap=True)
        table.add_column("does")
        seen: set[str] = set()
        sources = [self.app, *self.app.screen_stack[:-1]]
        for node in sources:
            for binding in node._bindings.key_to_bindings.values():
                for b in binding:
                    if not b.description or (b.id or b.action) in seen:
                        continue
                    seen.add(b.id or b.action)
                    keys = ", ".join(self.app.get_key_display(Binding(k, b.action)) for k in b.key.split(","))
                    table.add_row(keys, b.id or "", b.tooltip or b.description)
        for keys, ident, does in EXTRA:
            table.add_row(keys, ident, does)
        table.add_row("", "", "")
        table.add_row(
            Text("remap", style="bold"),
            "",
            f'[keymap] in {config_dir() / SETTINGS_FILE}, e.g. export-memo = "ctrl+e"',
        )
        return table
