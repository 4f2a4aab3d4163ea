"""The ranking table: one row per model, columns chosen to fit, every number shown whole.

Why it exists: this is the first thing a user reads, at every terminal size.
Each column is as wide as its widest cell, so no number is ever cropped; when
the table is wider than the screen, the lowest-priority columns are left out
(model, score, accuracy and $/task always stay) and ``ColumnsChanged`` says
which, so the screen can tell the user. Long model names are shortened in the
middle with a visible ``…`` (the detail shows them whole), never numbers.
Rows are keyed by model; the cursor stays on the same model across re-ranks.
Excluded models stay visible, dimmed, at the bottom, with no score.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widgets import DataTable, Static

from advisor.decision.result import Decision, ModelResult, Uncertainty
from advisor.report.flags import flags
from advisor.text.format import graceful
from advisor.text.sanitise import clean
from advisor.tui.format import Palette, acc_text, latency_text, money, score_bar
from advisor.tui.guard import contained

PARTS = 16
MIN_MODEL = 14
SCROLLBAR = 2  # cells kept free for the vertical scrollbar


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    right: bool
    keep: bool = False
    """Always shown (the model column shrinks instead)."""


#: Left to right on screen.
COLUMNS: tuple[Column, ...] = (
    Column("rank", "#", True, keep=True),
    Column("model", "model", False, keep=True),
    Column("score", "score", True, keep=True),
    Column("accuracy", "accuracy ±95%", True, keep=True),
    Column("cost", "$/task", True, keep=True),
    Column("p_best", "P(best)", True),
    Column("rank_ci", "rank 95%", True),
    Column("latency", "latency", True),
    Column("monthly", "$/month", True),
    Column("success", "$/success", True),
    Column("graceful", "graceful", True),
    Column("parts", "parts A C L G", False),
    Column("flags", "flags", False),
)
#: Which optional columns go first when there is room.
PRIORITY = ("p_best", "flags", "latency", "monthly", "rank_ci", "parts", "success", "graceful")
TITLES = {c.key: c.title for c in COLUMNS}
RIGHT = {c.key: c.right for c in COLUMNS}


def shorten(name: str, width: int) -> str:
    """``name`` in at most ``width`` cells: the start and the end, with ``…`` in the middle."""
    if cell_len(name) <= width:
        return name
    keep = max(width - 1, 2)
    head = keep // 2
    tail = keep - head
    return name[:head] + "…" + name[len(name) - tail :]


def choose_columns(widths: dict[str, int], available: int, padding: int = 1) -> tuple[list[str], int]:
    """The columns that fit in ``available`` cells, in screen order, and the width left for model names.

    ``widths`` holds each column's content width (model: its longest name).
    Kept columns always stay; the model column shrinks to ``MIN_MODEL`` before
    an optional column is dropped to make room for it, and optional columns
    are added in ``PRIORITY`` order while they fit whole.
    """

    def need(key: str) -> int:
        return widths[key] + 2 * padding

    kept = [c.key for c in COLUMNS if c.keep]
    fixed = sum(need(k) for k in kept if k != "model")
    model = max(min(widths["model"], available - fixed - 2 * padding), min(MIN_MODEL, widths["model"]))
    used = fixed + model + 2 * padding
    chosen = set(kept)
    for key in PRIORITY:
        if used + need(key) <= available:
            chosen.add(key)
            used += need(key)
    # Leftover room goes back to a shortened model name.
    if model < widths["model"]:
        model = min(widths["model"], model + max(0, available - used))
    return [c.key for c in COLUMNS if c.key in chosen], model


class RankingTable(DataTable[Text]):
    """Ranked models; ``Selected`` when the highlighted model changes, ``Opened`` on Enter."""

    BINDINGS = [Binding("enter", "open", "Detail", id="open-detail")]

    @dataclass
    class Selected(Message):
        model: str

    @dataclass
    class Opened(Message):
        model: str

    @dataclass
    class ColumnsChanged(Message):
        hidden: tuple[str, ...]
        """Titles of the columns left out at this width."""
        shortened: bool
        """Whether model names are shortened."""

    def __init__(self) -> None:
        super().__init__(id="ranking", cursor_type="row", zebra_stripes=True)
        self._decision: Decision | None = None
        self._stats: Uncertainty | None = None
        self._shown: tuple[tuple[tuple[str, int], ...], tuple[str, ...]] | None = None
        """The columns (key, width) and rows (models, in order) on screen."""
        self._hidden: tuple[tuple[str, ...], bool] | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        return contained(self, crop, super().render_lines)

    @property
    def selected_model(self) -> str | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None

    def select(self, model: str) -> None:
        """Put the cursor on ``model`` (when another view chose it)."""
        if model != self.selected_model and model in {str(k.value) for k in self.rows}:
            self.move_cursor(row=self.get_row_index(model), animate=False, scroll=True)

    def show(self, decision: Decision, stats: Uncertainty | None) -> None:
        """Show a new decision, keeping the cursor on the same model."""
        self._decision, self._stats = decision, stats
        self._fill()

    def on_resize(self, event: events.Resize) -> None:
        if self._decision is not None:
            self._fill()

    def _fill(self) -> None:
        decision = self._decision
        if decision is None:
            return
        keep = self.selected_model
        palette = Palette.from_theme(self.app.theme_variables)
        cells = {m.model: self._cells(m, decision, palette) for m in decision.models}
        titles = {**TITLES, "latency": decision.profile.latency.label()}
        widths = {
            c.key: max([cell_len(titles[c.key])] + [row[c.key].cell_len for row in cells.values()]) for c in COLUMNS
        }
        available = max(self.size.width, 40) - SCROLLBAR
        keys, model_width = choose_columns(widths, available, self.cell_padding)
        layout = tuple((key, model_width if key == "model" else widths[key]) for key in keys)
        for m in decision.models:
            row = cells[m.model]
            for key in keys:
                row[key].justify = "right" if RIGHT[key] else "left"
            if model_width < widths["model"]:
                full = row["model"]
                row["model"] = Text(shorten(full.plain, model_width), style=full.style, no_wrap=True)
        names = tuple(m.model for m in decision.models)
        # Rebuilding moves the cursor through other rows; only the model it ends on is announced.
        with self.prevent(DataTable.RowHighlighted):
            self._rebuild(layout, names, cells, keys, titles)
            target = keep if keep in cells else (names[0] if names else None)
            if target is not None:
                self.move_cursor(row=self.get_row_index(target), animate=False, scroll=True)
        if target is not None and target != keep:
            self.post_message(self.Selected(target))
        hidden = tuple(titles[c.key] for c in COLUMNS if c.key not in keys)
        state = (hidden, model_width < widths["model"])
        if state != self._hidden:
            self._hidden = state
            self.post_message(self.ColumnsChanged(*state))

    def _rebuild(
        self,
        layout: tuple[tuple[str, int], ...],
        names: tuple[str, ...],
        cells: dict[str, dict[str, Text]],
        keys: list[str],
        titles: dict[str, str],
    ) -> None:
        if (layout, names) == self._shown:
            # Same columns, widths and models (in the same order): update the cells in place.
            for name in names:
                for key in keys:
                    self.update_cell(name, key, cells[name][key])
        else:
            self.clear(columns=True)
            for key, width in layout:
                self.add_column(Text(titles[key], justify="right" if RIGHT[key] else "left"), key=key, width=width)
            for name in names:
                self.add_row(*(cells[name][k] for k in keys), key=name)
            self._shown = (layout, names)
            # Header and one line per row, set now: a height left to "auto" follows the table's own
            # size, which Textual updates only when the table is next idle (the layout can lag behind).
            self.styles.height = len(names) + 1

    def _cells(self, m: ModelResult, decision: Decision, palette: Palette) -> dict[str, Text]:
        stats = self._stats
        dim = "dim" if m.excluded else ""

        def t(value: str, style: str = "") -> Text:
            return Text(value, style=f"{dim} {style}".strip(), no_wrap=True)

        p_best = stats.p_best.get(m.model) if stats else None
        interval = stats.rank_interval.get(m.model) if stats else None
        waiting = "…" if stats is None else "–"
        return {
            "rank": t(str(m.rank) if m.rank else "–"),
            "model": t(clean(m.model), "bold" if m.rank == 1 else ""),
            "score": t("–" if m.excluded else f"{m.score:.2f}", "bold" if m.rank == 1 else ""),
            "accuracy": t(acc_text(m.accuracy)),
            "cost": t(money(m.cost_per_task_usd)),
            "p_best": t(waiting if m.excluded or p_best is None else f"{100 * p_best:.0f}%"),
            "rank_ci": t(waiting if m.excluded or interval is None else f"{interval[0]}–{interval[1]}"),
            "latency": t(latency_text(m.latency_value)),
            "monthly": t(money(m.monthly_cost_usd)),
            "success": t(money(m.cost_per_success_usd)),
            "graceful": t(graceful(m.gracefulness)),
            "parts": Text(" " * PARTS) if m.excluded else score_bar(m.breakdown, PARTS, palette),
            "flags": t(
                clean(flags(m, stats.tied_for_first if stats else (), with_reason=False)),
                palette.bad if m.excluded else "",
            ),
        }

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Selected(str(event.row_key.value)))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Opened(str(event.row_key.value)))

    def action_open(self) -> None:
        model = self.selected_model
        if model is not None:
            self.post_message(self.Opened(model))


class RankingNote(Static):
    """One line under the ranking: which columns are hidden at this width and where to see them."""

    def __init__(self) -> None:
        super().__init__("", id="ranking-note")

    def show(self, hidden: tuple[str, ...], shortened: bool, key: Callable[[str], str]) -> None:
        parts: list[str] = []
        if hidden:
            parts.append(f"Hidden at this width: {', '.join(hidden)}.")
        if shortened:
            parts.append("Long model names are shortened (…).")
        parts.append(f"{key('open-detail')}: the model's detail · {key('view-tradeoffs')}: trade-offs.")
        self.update(Text(" ".join(parts), style="dim"))
