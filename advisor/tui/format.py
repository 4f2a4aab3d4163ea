"""Rich text for the TUI's cells and panels: bars, intervals, money, flags.

Why it exists: every widget shows the same numbers the same way (the engine's
``money``/``pct``/``fmt_ms``), and the score bar is drawn with the criterion
letters inside it so it never relies on colour alone. Colours come from the
current theme's variables, passed in as a ``Palette``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.color import Color as RichColor
from rich.color import ColorParseError
from rich.text import Text
from textual.color import Color
from textual.color import ColorParseError as TextualColorParseError

from advisor.decision.result import Accuracy
from advisor.inputs.profiles import CRITERIA
from advisor.text.format import fmt_ms, money, pct

LETTER = {"accuracy": "A", "cost": "C", "latency": "L", "gracefulness": "G"}
LABEL = {"accuracy": "Accuracy", "cost": "Cost", "latency": "Latency", "gracefulness": "Gracefulness"}


@dataclass(frozen=True)
class Palette:
    """Colours per criterion and for states, taken from the theme (never hard-coded)."""

    criteria: Mapping[str, str]
    text: str
    muted: str
    good: str
    bad: str
    warn: str

    @classmethod
    def from_theme(cls, variables: Mapping[str, str]) -> Palette:
        background = variables.get("background", "#000000")

        def get(name: str, fallback: str) -> str:
            return solid(variables.get(name) or variables.get(fallback) or "default", background)

        return cls(
            criteria={
                "accuracy": get("primary", "accent"),
                "cost": get("success", "secondary"),
                "latency": get("warning", "accent"),
                "gracefulness": get("secondary", "accent"),
            },
            text=get("foreground", "text"),
            muted=get("foreground-muted", "text-muted"),
            good=get("success", "primary"),
            bad=get("error", "warning"),
            warn=get("warning", "accent"),
        )


def solid(value: str, background: str) -> str:
    """A theme colour Rich can draw: translucent ones (``#E0E0E099``) are blended over the background."""
    try:
        colour = Color.parse(value)
        if colour.a < 1:
            colour = Color.parse(background) + colour
        out = colour.hex
    except TextualColorParseError:
        out = value
    out = out.removeprefix("ansi_")
    try:
        RichColor.parse(out)
    except ColorParseError:
        return "default"
    return out


def score_bar(breakdown: Mapping[str, float], width: int, palette: Palette, dim: bool = False) -> Text:
    """The score as a bar split by criterion; each part is filled with its letter (A/C/L/G)."""
    text = Text()
    used = 0
    for c in CRITERIA:
        cells = round(breakdown.get(c, 0.0) * width)
        cells = min(cells, width - used)
        if cells <= 0:
            continue
        style = f"{'dim ' if dim else ''}bold {palette.text} on {palette.criteria[c]}"
        text.append(LETTER[c] * cells, style=style)
        used += cells
    text.append(" " * (width - used))
    return text


def interval_bar(acc: Accuracy, width: int, palette: Palette, lo: float = 0.0, hi: float = 1.0) -> Text:
    """A one-line interval: ─── from ci_low to ci_high with ● at the mean, on [lo, hi]."""
    span = max(hi - lo, 1e-9)

    def at(x: float) -> int:
        return max(0, min(width - 1, round((x - lo) / span * (width - 1))))

    cells = [" "] * width
    for i in range(at(acc.ci_low), at(acc.ci_high) + 1):
        cells[i] = "─"
    cells[at(acc.mean)] = "●"
    return Text("".join(cells), style=palette.criteria["accuracy"])


def acc_text(a: Accuracy | None) -> str:
    if a is None:
        return "n/a"
    return f"{pct(a.mean)} ±{100 * (a.ci_high - a.ci_low) / 2:.1f}"


def latency_text(ms: float | None) -> str:
    return "n/a" if ms is None else fmt_ms(ms)


def share(x: float) -> str:
    return f"{100 * x:.0f}%"


__all__ = [
    "LABEL",
    "LETTER",
    "Palette",
    "acc_text",
    "interval_bar",
    "latency_text",
    "money",
    "pct",
    "score_bar",
]
