"""The help screen: every key as it is bound now, its binding id (for the keymap) and what it does.

Why it exists: a keyboard-first tool must say what its keys are, and users who
remap keys in ``tui.toml`` need the binding ids. Keys are read from the
bindings with the user's ``[keymap]`` applied, so a remapped key shows as
remapped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from advisor.text.sanitise import clean

#: (section title, bindings) as the app hands them over.
Sections = Sequence[tuple[str, Iterable[BindingType]]]

MOUSE = (
    ("0-9 .  ⏎", "", "On a weight: type a value, Enter to apply, Esc to cancel"),
    ("mouse", "", "Click or drag on a weight bar; click a ranking row twice for its detail"),
    ("tab", "", "Next control (ranking, priorities, weights, profile, constraints)"),
)


def keys_of(binding: Binding, keymap: Mapping[str, str]) -> list[str]:
    """The keys a binding answers to now: the keymap's when it remaps the binding's id."""
    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
    return [k.strip() for k in keys.split(",") if k.strip()]


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    CLOSE = Binding("escape,q,question_mark", "dismiss", "Close", id="help-close")
    BINDINGS = [CLOSE]

    def __init__(self, sections: Sections, keymap: Mapping[str, str], settings_file: str) -> None:
        super().__init__()
        self.sections = sections
        self.keymap = keymap
        self.settings_file = settings_file

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(self._table(), id="help-keys")

    def on_mount(self) -> None:
        body = self.query_one("#help-body")
        body.border_title = "Keys"
        keys = keys_of(self.CLOSE, self.keymap)
        body.border_subtitle = ", ".join(self.app.get_key_display(Binding(k, "dismiss")) for k in keys) + " to close"

    def rows(self) -> list[tuple[str, str, str, str]]:
        """(section, keys as displayed, binding id, what it does), in the order shown."""
        out: list[tuple[str, str, str, str]] = []
        for section, bindings in self.sections:
            seen: set[str] = set()
            for b in bindings:
                if not isinstance(b, Binding) or not b.description or b.system:
                    continue
                ident = b.id or b.action
                if ident in seen:
                    continue
                seen.add(ident)
                keys = ", ".join(self.app.get_key_display(Binding(k, b.action)) for k in keys_of(b, self.keymap))
                out.append((section, keys, b.id or "", b.tooltip or b.description))
        return out

    def _table(self) -> Table:
        table = Table(box=None, show_edge=False, padding=(0, 2), header_style="bold")
        table.add_column("key", no_wrap=True)
        table.add_column("binding id", style="dim", no_wrap=True)
        table.add_column("does")
        current = None
        for section, keys, ident, does in self.rows():
            if section != current:
                current = section
                table.add_row(Text(section, style="bold underline"), "", "")
            table.add_row(Text(keys), Text(ident), Text(does))
        table.add_row(Text("Also", style="bold underline"), "", "")
        for keys, ident, does in MOUSE:
            table.add_row(Text(keys), Text(ident), Text(does))
        table.add_row("", "", "")
        table.add_row(
            Text("remap", style="bold"),
            "",
            Text(f'[keymap] in {clean(self.settings_file)}, e.g. export-memo = "ctrl+e"'),
        )
        return table
