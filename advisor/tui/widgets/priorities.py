"""The Priorities panel: weight controls, the profile selector, constraints in place.

Why it exists: everything the user can change about *what matters* sits in one
panel, which shows the engine's view of it (normalised shares) and posts what
the user changed upward; it never re-ranks by itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from advisor.decision.result import Decision
from advisor.inputs.profiles import CRITERIA, Profile
from advisor.tui.state import ProfileOption
from advisor.tui.widgets.weight_control import WeightControl

#: Constraint field → (label, unit shown to the user, factor from what the user types to the engine's unit).
CONSTRAINTS: dict[str, tuple[str, str, float]] = {
    "max_latency_ms": ("max latency", "ms", 1.0),
    "max_cost_per_task_usd": ("max cost", "$/task", 1.0),
    "min_accuracy": ("min accuracy", "%", 0.01),
}


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
        self._quiet = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="profile-row"):
            yield Label("Profile", classes="field-label")
            yield Select[str]([], id="profile-select", allow_blank=True, prompt="(loading)", compact=True)
            yield Button("Reset", id="reset-weights", compact=True, tooltip="Back to the profile's weights (r)")

        yield Static("", id="profile-description")
        for c in CRITERIA:
            yield WeightControl(c, 0.0, maximum=self.maximum, step=self.step)
        with Grid(id="constraints"):
            for name, (label, unit, _) in CONSTRAINTS.items():
                yield Label(f"{label} ({unit})", id=f"label-{name}", classes="field-label")
            for name in CONSTRAINTS:
                yield Input(placeholder="none", id=f"constraint-{name}", compact=True, classes="constraint")

    def set_options(self, options: list[ProfileOption], current: str | None) -> None:
        self._options = options
        select = self.query_one("#profile-select", Select)
        with self.prevent(Select.Changed):
            select.set_options([(f"{o.name}  ({o.origin})", o.ref) for o in options])
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
        description = profile.description or "(no description)"
        self.query_one("#profile-description", Static).update(f"[b]{profile.name}[/b] — {description}")
        limits = profile.constraints.model_dump()
        metric = profile.latency.metric
        self.query_one("#label-max_latency_ms", Label).update(f"max {metric} latency (ms)")
        for name, (_, _, factor) in CONSTRAINTS.items():
            field = self.query_one(f"#constraint-{name}", Input)
            if field.has_focus:
                continue
            value = limits[name]
            field.value = "" if value is None else f"{value / factor:g}"
            field.remove_class("-invalid")

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
        text = field.value.strip().rstrip("%").replace("$", "").replace(",", "")
        try:
            value = None if text.lower() in ("", "none", "-") else float(text) * CONSTRAINTS[name][2]
        except ValueError:
            field.add_class("-invalid")
            self.notify(f"{CONSTRAINTS[name][0]}: {field.value!r} is not a number", severity="error")
            return
        field.remove_class("-invalid")
        self.post_message(self.ConstraintChanged(name, value))
