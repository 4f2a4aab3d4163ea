"""A scatter chart drawn with terminal cells: accuracy against a log-scale axis, points keyed by rank.

Why it exists: the trade-off view needs a chart that redraws at any size
without taking the app down and whose labels never overlap. The layout is
``advisor.tui.plot.layout`` (pure, tested cell by cell); this widget feeds it
the current size, colours the cells from the theme and adds the legend. If
drawing fails anyway, the chart shows one line instead (``guarded``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from advisor.tui.format import Palette
from advisor.tui.guard import contained, guarded
from advisor.tui.plot import MIN_HEIGHT, MIN_WIDTH, Point, layout


@dataclass(frozen=True)
class ChartData:
    points: tuple[Point, ...]
    frontier: tuple[tuple[float, float], ...]
    x_label: str
    x_format: Callable[[float], str]
    missing: tuple[str, ...] = ()
    """Keys of models left out for want of a value on this chart's axes."""


LEGEND = (("◆", "pareto", " Pareto  "), ("●", "dominated", " dominated  "), ("x", "excluded", " excluded  "))


class ScatterChart(Widget):
    """Accuracy (y) against one log-scale criterion (x)."""

    DEFAULT_CSS = "ScatterChart { height: 1fr; min-height: 3; }"

    def __init__(self, title: str, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.title = title
        self.data: ChartData | None = None
        self._source: Callable[[], ChartData] | None = None

    def show(self, source: Callable[[], ChartData]) -> None:
        """Chart what ``source`` returns; it is called when drawing, so its failure is contained too."""
        self._source = source
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        return contained(self, crop, super().render_lines)

    def render(self) -> Text:
        return guarded(f"The chart '{self.title}'", self._draw)

    def _legend(self, palette: Palette, styles: dict[str, str], unlabelled: Sequence[str]) -> Text:
        text = Text()
        for mark, role, words in LEGEND:
            text.append(mark, style=styles[role])
            text.append(words)
        text.append("─┘", style=styles["frontier"])
        text.append(" frontier of these two axes")
        assert self.data is not None
        if self.data.missing:
            text.append(f" · not plotted (no value): {', '.join(self.data.missing)}", style=palette.warn)
        if unlabelled:
            text.append(f" · no room to label: {'; '.join(unlabelled)}", style=palette.warn)
        return text

    def _draw(self) -> Text:
        width, height = self.size
        palette = Palette.from_theme(self.app.theme_variables)
        styles = {
            "pareto": f"bold {palette.criteria['accuracy']}",
            "dominated": palette.text,
            "excluded": f"bold {palette.bad}",
            "frontier": palette.criteria["cost"],
            "axis": palette.muted,
            "tick": palette.text,
            "": "",
        }
        title = Text(self.title.center(width).rstrip(), style="bold")
        self.data = self._source() if self._source is not None else None
        if self.data is None:
            return Text.assemble(title, "\nLoading…")
        if not self.data.points:
            return Text.assemble(title, "\nNo model has values for both axes.")
        # Try with the legend's final length: labels that find no room make it longer.
        plot = None
        for _ in range(2):
            legend = self._legend(palette, styles, plot.unlabelled if plot else ())
            legend_lines = len(legend.wrap(self.app.console, max(width, 1)))
            plot = layout(
                self.data.points,
                width,
                height - 1 - legend_lines,
                x_label=self.data.x_label,
                y_label="accuracy %",
                x_format=self.data.x_format,
                frontier=self.data.frontier,
            )
            if plot is None:
                need = f"{MIN_WIDTH}×{MIN_HEIGHT + 1 + legend_lines}"
                return Text.assemble(
                    title,
                    f"\nToo small for this chart ({width}×{height}; it needs {need}). "
                    "The values table lists every number.",
                )
            if not plot.unlabelled:
                break
        assert plot is not None
        out = Text()
        out.append_text(title)
        for row in plot.cells:
            out.append("\n")
            run, role = "", None
            for ch, r in row:
                if r != role and run:
                    out.append(run, style=styles.get(role or "", "") or self._label_style(role, styles))
                    run = ""
                role = r
                run += ch
            if run:
                out.append(run, style=styles.get(role or "", "") or self._label_style(role, styles))
        out.append("\n")
        out.append_text(legend)
        return out

    @staticmethod
    def _label_style(role: str | None, styles: dict[str, str]) -> str:
        if role and role.startswith("label-"):
            return f"bold {styles.get(role.removeprefix('label-'), '')}".strip()
        return ""


def point_keys(models: Sequence[tuple[str, int | None]]) -> dict[str, str]:
    """Rank for ranked models, and a, b, c… for excluded ones (aa, ab… past z)."""
    keys: dict[str, str] = {}
    n = 0
    for name, rank in models:
        if rank:
            keys[name] = str(rank)
            continue
        letters, i = "", n
        while True:
            letters = chr(ord("a") + i % 26) + letters
            i = i // 26 - 1
            if i < 0:
                break
        keys[name] = letters
        n += 1
    return keys
