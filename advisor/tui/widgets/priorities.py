"""The Priorities panel: weight controls, the profile selector, constraints in place.

Why it exists: everything the user can change about *what matters* sits in one
panel, which shows the engine's view of it (normalised shares) and posts what
the user changed upward; it never re-ranks by itself. The panel can collapse
to one line (its summary) so the ranking keeps the screen on small terminals.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from advisor.decision.result import Decision
from advisor.inputs.profiles import CRITERIA, Profile
from advisor.text.sanitise import clean
from advisor.tui.format import LETTER
from advisor.tui.state import ProfileOption
from advisor.tui.widgets.weight_control import WeightControl

#: Constraint field → (label, unit shown to the user, factor from what the user types to the engine's unit).
CONSTRAINTS: dict[str, tuple[str, str, float]] = {
    "max_latency_ms": ("max latency", "ms", 1.0),
    "max_cost_per_task_usd": ("max cost", "$/task", 1.0),
    "min_accuracy": ("min accuracy", "%", 0.01),
}

#: What a constraint field accepts; any other key is left to the app's shortcuts.
NUMBER_CHARACTERS = frozenset("0123456789.,$% ")


class NumberField(Input):
    """A constraint field: digits only; other letters are shortcuts, Esc leaves (restoring the value)."""

    BINDINGS = [Binding("escape", "leave", "Leave the field", id="field-leave", show=False)]

    @dataclass
    class Left(Message):
        field: NumberField

    def __init__(self, *, id: str) -> None:  # noqa: A002 - Textual's name
        super().__init__(placeholder="none", id=id, compact=True, classes="constraint", restrict=r"[0-9.,$% ]*")
        self.shown = ""
        """The value as last shown from the profile (what Esc goes back to)."""

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return character is not None and character in NUMBER_CHARACTERS

    def on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character not in NUMBER_CHARACTERS:
            event.prevent_default()  # not typed here; it bubbles up to the shortcuts

    def show(self, text: str) -> None:
        self.shown = text
        self.value = text
        self.remove_class("-invalid")

    def action_leave(self) -> None:
        self.show(self.shown)
        self.post_message(self.Left(self))


class Priorities(Vertical):
    """Weights, profile and constraints."""

    @dataclass
    class ProfileChosen(Message):
        ref: str

    @dataclass
    class ConstraintChanged(Message):
        name: str
        value: float | None

    @dataclass
    class ResetPressed(Message):
        pass

    def __init__(self, *, maximum: float, step: float) -> None:
        super().__init__(id="priorities")
        self.maximum = maximum
        self.step = step
        self._options: list[ProfileOption] = []
        self._limits: dict[str, float | None] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(id="profile-row"):
            yield Label("Profile", classes="field-label")
            yield Select[str]([], id="profile-select", allow_blank=True, prompt="(loading)", compact=True)
            yield Button("Reset", id="reset-weights", compact=True, tooltip="Back to the profile's weights (r)")
        yield Static("", id="profile-description")
        for c in CRITERIA:
            yield WeightControl(c, 0.0, maximum=self.maximum, step=self.step)
        with Grid(id="constraints"):
            for name, (label, _, _) in CONSTRAINTS.items():
                yield Label(label, id=f"label-{name}", classes="field-label")
            for name, (_, unit, _) in CONSTRAINTS.items():
                with Horizontal(classes="constraint-cell"):
                    yield NumberField(id=f"constraint-{name}")
                    yield Label(unit, classes="unit")

    def set_options(self, options: list[ProfileOption], current: str | None) -> None:
        self._options = options
        select = self.query_one("#profile-select", Select)
        with self.prevent(Select.Changed):
            select.set_options([(Text(clean(f"{o.name}  ({o.origin})")), o.ref) for o in options])
            if current is not None and any(o.ref == current for o in options):
                select.value = current

    def show(self, profile: Profile, decision: Decision | None) -> None:
        """Reflect the current profile (raw weights, constraints) and the engine's shares."""
        raw = profile.weights.model_dump()
        for c in CRITERIA:
            control = self.query_one(f"#weight-{c}", WeightControl)
            if control.typing is None:
                control.set_value(raw[c], notify=False)
            control.share = decision.weights[c] if decision else 0.0
        description = Text(clean(profile.name), style="bold")
        description.append(" — " + clean(profile.description or "(no description)"), style="not bold")
        self.query_one("#profile-description", Static).update(description)
        limits = profile.constraints.model_dump()
        self._limits = {name: limits[name] for name in CONSTRAINTS}
        self.query_one("#label-max_latency_ms", Label).update(clean(f"max {profile.latency.label()} latency"))
        for name, (_, _, factor) in CONSTRAINTS.items():
            field = self.query_one(f"#constraint-{name}", NumberField)
            if field.has_focus:
                continue
            value = limits[name]
            field.show("" if value is None else f"{value / factor:g}")

    @staticmethod
    def summary(profile: Profile, decision: Decision | None) -> str:
        """The panel's one-line title: profile, weight shares, constraints in force."""
        shares = " ".join(f"{LETTER[c]} {100 * decision.weights[c]:.0f}%" for c in CRITERIA) if decision else ""
        limits = profile.constraints.model_dump()
        parts = [f"Priorities: {clean(profile.name)}", shares]
        for name, (label, unit, factor) in CONSTRAINTS.items():
            if limits[name] is not None:
                parts.append(f"{label} {limits[name] / factor:g} {unit}")
        return " · ".join(p for p in parts if p)

    @on(Select.Changed, "#profile-select")
    def _profile(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str):
            self.post_message(self.ProfileChosen(event.value))

    @on(Button.Pressed, "#reset-weights")
    def _reset(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.ResetPressed())

    @on(Input.Submitted, ".constraint")
    @on(Input.Blurred, ".constraint")
    def _constraint(self, event: Input.Submitted | Input.Blurred) -> None:
        field = event.input
        name = (field.id or "").removeprefix("constraint-")
        text = field.value.strip().rstrip("%").replace("$", "").replace(",", "").strip()
        try:
            value = None if text.lower() in ("", "none", "-") else float(text) * CONSTRAINTS[name][2]
        except ValueError:
            field.add_class("-invalid")
            self.notify(
                f"{CONSTRAINTS[name][0]}: {clean(field.value)!r} is not a number", severity="error", markup=False
            )
            return
        field.remove_class("-invalid")
        if value != self._limits.get(name):
            self.post_message(self.ConstraintChanged(name, value))
