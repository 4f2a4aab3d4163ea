"""The ranking table: one row per model, keyed by model name, updated in place.

Why it exists: this is where the ranking moves as weights change, so it must
not flicker or lose the user's place. Rows are keyed by model; a re-rank
updates cells and re-sorts, and the cursor stays on the same model. Excluded
models stay visible, dimmed, at the bottom, with the reason in the flags.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from advisor.decision.result import Decision, ModelResult, Uncertainty
from advisor.report.flags import flags
from advisor.text.format import graceful
from advisor.tui.format import Palette, acc_text, latency_text, money, score_bar

BAR = 20
#: (key, title, width, right-aligned)
COLUMNS: tuple[tuple[str, str, int, bool], ...] = (
    ("rank", "#", 2, True),
    ("model", "model", 0, False),
    ("score", "score  A C L G", BAR + 5, False),
    ("p_best", "P(best)", 7, True),
    ("rank_ci", "rank 95%", 8, True),
    ("accuracy", "accuracy ±95%", 13, True),
    ("cost", "$/task", 9, True),
    ("success", "$/success", 9, True),
    ("monthly", "$/month", 9, True),
    ("latency", "latency", 8, True),
    ("graceful", "graceful", 8, True),
    ("flags", "flags", 40, False),
)


class RankingTable(DataTable[Text]):
    """Ranked models; emits ``Selected`` when the highlighted model changes."""

    @dataclass
    class Selected(Message):
        model: str

    def __init__(self) -> None:
        super().__init__(id="ranking", cursor_type="row", zebra_stripes=True)
        self.fixed_columns = 2
        self._order: dict[str, int] = {}

    def on_mount(self) -> None:
        for key, title, width, right in COLUMNS:
            self.add_column(Text(title, justify="right" if right else "left"), key=key, width=width or None)

    @property
    def selected_model(self) -> str | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None

    def show(self, decision: Decision, stats: Uncertainty | None) -> None:
        """Update every row for a new decision, keeping the cursor on the same model."""
        keep = self.selected_model
        palette = Palette.from_theme(self.app.theme_variables)
        metric = decision.profile.latency.metric
        self.columns["latency"].label = Text(f"{metric}", justify="right")  # type: ignore[index]
        names = [m.model for m in decision.models]
        rows = {m.model: self._cells(m, stats, palette) for m in decision.models}
        if set(names) != {str(k.value) for k in self.rows}:
            self.clear()
            for name in names:
                self.add_row(*rows[name], key=name)
        else:
            for name, cells in rows.items():
                for (key, *_), cell in zip(COLUMNS, cells, strict=True):
                    self.update_cell(name, key, cell)
        self._order = {name: i for i, name in enumerate(names)}
        self.sort("model", key=lambda cell: self._order.get(cell.plain, len(self._order)))
        target = keep if keep in self._order else (names[0] if names else None)
        if target is not None:
            self.move_cursor(row=self.get_row_index(target), animate=False, scroll=True)
        self.refresh()

    def _cells(self, m: ModelResult, stats: Uncertainty | None, palette: Palette) -> list[Text]:
        dim = "dim" if m.excluded else ""
        right = "right"

        def t(value: str, justify: str = right, style: str = "") -> Text:
            return Text(value, style=f"{dim} {style}".strip(), justify=justify, no_wrap=True)  # type: ignore[arg-type]

        p_best = stats.p_best.get(m.model) if stats else None
        interval = stats.rank_interval.get(m.model) if stats else None
        bar = score_bar(m.breakdown, BAR, palette, dim=bool(m.excluded))
        bar.append(f" {m.score:.2f}", style=dim)
        return [
            t(str(m.rank) if m.rank else "–"),
            t(m.model, "left", "bold" if m.rank == 1 else ""),
            bar,
            t("…" if stats is None else ("–" if p_best is None else f"{100 * p_best:.0f}%")),
            t("…" if stats is None else ("–" if interval is None else f"{interval[0]}–{interval[1]}")),
            t(acc_text(m.accuracy)),
            t(money(m.cost_per_task_usd)),
            t(money(m.cost_per_success_usd)),
            t(money(m.monthly_cost_usd)),
            t(latency_text(m.latency_value)),
            t(graceful(m.gracefulness)),
            t(flags(m, stats.tied_for_first if stats else ()), "left", palette.bad if m.excluded else ""),
        ]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.post_message(self.Selected(str(event.row_key.value)))
