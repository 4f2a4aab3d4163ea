"""A focusable weight slider: Textual has none, and priorities are the heart of the tool.

Keyboard first: ←/→ (or -/+) step the raw weight, Home/End go to the ends,
↓/↑ move to the next/previous weight, digits type a value (Enter or leaving
the control commits, Esc cancels).
The mouse works too: click or drag on the bar. The control shows the raw
weight and the normalised share the engine reported, and posts ``Changed``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from advisor.tui.format import LABEL, LETTER, Palette

LABEL_WIDTH = 17  # "▶A Gracefulness  "
VALUE_WIDTH = 12  # " 10.0   100%"


class WeightControl(Widget, can_focus=True):
    """One criterion's weight as a bar; value in [0, maximum]."""

    BINDINGS = [
        Binding("left,minus", "step(-1)", "Less", id="weight-less", show=False),
        Binding("right,plus,equals_sign", "step(1)", "More", id="weight-more", show=False),
        Binding("home", "to_end(0)", "Zero", id="weight-zero", show=False),
        Binding("end", "to_end(1)", "Max", id="weight-max", show=False),
        Binding("down", "move(1)", "Next weight", id="weight-next", show=False),
        Binding("up", "move(-1)", "Previous weight", id="weight-prev", show=False),
    ]

    value: reactive[float] = reactive(0.0)
    """The raw weight (the profile's own scale)."""
    share: reactive[float] = reactive(0.0)
    """The normalised share, as the engine computed it."""
    typing: reactive[str | None] = reactive(None)
    """Digits typed so far, or None when not typing."""

    @dataclass
    class Changed(Message):
        criterion: str
        value: float

    def __init__(self, criterion: str, value: float, *, maximum: float = 10.0, step: float = 0.5) -> None:
        super().__init__(id=f"weight-{criterion}", classes="weight-control")
        self.criterion = criterion
        self.maximum = maximum
        self.step = step
        self.set_reactive(WeightControl.value, value)
        self._dragging = False

    def set_value(self, value: float, *, notify: bool = True) -> None:
        value = round(max(0.0, min(self.maximum, value)), 3)
        if value == self.value:
            return
        self.value = value
        if notify:
            self.post_message(self.Changed(self.criterion, value))

    def action_step(self, direction: int) -> None:
        self.typing = None
        steps = round(self.value / self.step) + direction
        self.set_value(steps * self.step)

    def action_to_end(self, end: int) -> None:
        self.typing = None
        self.set_value(self.maximum if end else 0.0)

    def action_move(self, direction: int) -> None:
        """Focus the next (or previous) weight; past the last one, whatever follows in the panel."""
        siblings = [w for w in self.parent.children if isinstance(w, WeightControl)] if self.parent else [self]
        index = siblings.index(self) + direction
        if 0 <= index < len(siblings):
            self.screen.set_focus(siblings[index])  # at once: a key typed right after goes to the new weight
        elif direction > 0:
            self.screen.focus_next()
        else:
            self.screen.focus_previous()

    def on_key(self, event: events.Key) -> None:
        char = event.character
        if char is not None and (char.isdigit() or (char == "." and "." not in (self.typing or ""))):
            self.typing = (self.typing or "") + char
            event.stop()
        elif self.typing is not None and event.key == "backspace":
            self.typing = self.typing[:-1] or None
            event.stop()
        elif self.typing is not None and event.key == "enter":
            self._commit()
            event.stop()
        elif self.typing is not None and event.key == "escape":
            self.typing = None
            event.stop()

    def _commit(self) -> None:
        text, self.typing = self.typing, None
        try:
            number = float(text or "")
        except ValueError:
            return
        self.set_value(number)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
        if self.typing is not None:
            self._commit()

    # Mouse: click or drag on the bar.
    def _bar_width(self) -> int:
        return max(4, self.size.width - LABEL_WIDTH - VALUE_WIDTH - 2)

    def _value_at(self, x: int) -> float | None:
        start = LABEL_WIDTH + 1
        width = self._bar_width()
        if x < start - 1 or x > start + width:
            return None
        frac = max(0.0, min(1.0, (x - start + 0.5) / width))
        return round(frac * self.maximum / self.step) * self.step

    def on_mouse_down(self, event: events.MouseDown) -> None:
        value = self._value_at(event.x)
        if value is not None:
            self.focus()
            self._dragging = True
            self.capture_mouse()
            self.set_value(value)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            value = self._value_at(max(LABEL_WIDTH, min(event.x, LABEL_WIDTH + 1 + self._bar_width())))
            if value is not None:
                self.set_value(value)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()

    def render(self) -> Text:
        palette = Palette.from_theme(self.app.theme_variables)
        colour = palette.criteria[self.criterion]
        width = self._bar_width()
        filled = round(self.value / self.maximum * width) if self.maximum else 0
        text = Text()
        text.append("▶" if self.has_focus else " ", style=f"bold {palette.text}")
        text.append(f"{LETTER[self.criterion]} ", style=f"bold {colour}")
        text.append(f"{LABEL[self.criterion]:<{LABEL_WIDTH - 3}}")
        text.append("▕")
        text.append("█" * filled, style=colour)
        text.append("░" * (width - filled), style="dim")
        text.append("▏")
        if self.typing is not None:
            text.append(f"{self.typing + '▎':>5}", style="reverse")
        else:
            text.append(f"{self.value:>5.1f}")
        text.append(f"  {100 * self.share:>3.0f}%", style="bold")
        return text
