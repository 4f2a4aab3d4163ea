"""Trade-off charts: accuracy against cost per task (log) and against latency.

Why it exists: the Pareto frontier is easiest to see as a picture. Points are
the engine's numbers; the frontier joins the engine's Pareto models; a table
beside the charts repeats every value as text so nothing depends on reading
a plot (or on colour).
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Static
from textual_plotext import PlotextPlot

from advisor.decision.result import Decision, ModelResult
from advisor.text.format import fmt_ms, money, pct
from advisor.tui.screens.base import AdvisorScreen


def short(name: str) -> str:
    return name.rsplit("/", 1)[-1][:20]


def values_table(decision: Decision, selected: str | None) -> Table:
    table = Table(box=None, header_style="bold", padding=(0, 1), pad_edge=False)
    for col in ("#", "model", "acc.", "$/task", decision.profile.latency.metric, "P"):
        table.add_column(col, justify="left" if col == "model" else "right", no_wrap=True)
    for m in decision.models:
        style = "reverse" if m.model == selected else ("dim" if m.excluded else "")
        table.add_row(
            str(m.rank or "–"),
            short(m.model),
            pct(m.accuracy.mean) if m.accuracy else "n/a",
            money(m.cost_per_task_usd),
            fmt_ms(m.latency_value) if m.latency_value else "n/a",
            "◆" if m.pareto else ("x" if m.excluded else "●"),
            style=style,
        )
    table.caption = "◆ Pareto on all four criteria · ● dominated · x excluded"
    return table


def _plot(widget: PlotextPlot, decision: Decision, axis: str, title: str) -> None:
    plt = widget.plt
    plt.clear_data()
    plt.clear_figure()
    points: list[tuple[float, float, ModelResult]] = []
    for m in decision.models:
        x = m.cost_per_task_usd if axis == "cost" else m.latency_value
        if x is None or m.accuracy is None or x <= 0:
            continue
        points.append((x, 100 * m.accuracy.mean, m))
    if not points:
        plt.title(f"{title}: no data")
        widget.refresh()
        return
    ranked = sorted((p for p in points if not p[2].excluded), key=lambda p: p[0])
    # The frontier of this chart's two axes: each point more accurate than every cheaper/faster one.
    front: list[tuple[float, float, ModelResult]] = []
    for p in ranked:
        if not front or p[1] > front[-1][1]:
            front.append(p)
    if len(front) > 1:
        xs = [front[0][0]]
        ys = [front[0][1]]
        for p in front[1:]:
            xs += [p[0], p[0]]
            ys += [ys[-1], p[1]]
        plt.plot(xs, ys, marker="braille", label="frontier (these two axes)")
    for x, y, m in points:
        mark = "x" if m.excluded else ("◆" if m.pareto else "●")
        plt.text(f"{mark} {short(m.model)}", x, y, alignment="left")
    plt.scatter([points[0][0]], [points[0][1]], marker="◆", label="◆ Pareto  ● dominated  x excluded")
    plt.xscale("log")
    plt.title(title)
    plt.xlabel("$ per task (log)" if axis == "cost" else f"{decision.profile.latency.metric} latency, ms (log)")
    plt.ylabel("accuracy %")
    widget.refresh()


class TradeoffScreen(AdvisorScreen):
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="tradeoff-body"):
            with Vertical(id="charts"):
                yield PlotextPlot(id="chart-cost")
                yield PlotextPlot(id="chart-latency")
            yield Static("", id="tradeoff-values")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Trade-offs"
        self.query_one("#tradeoff-values").border_title = "Values"
        self.watch(self.advisor, "revision", lambda _: self.refresh_view(), init=False)

    def refresh_view(self) -> None:
        s = self.advisor.session
        values = self.query_one("#tradeoff-values", Static)
        if s.decision is None:
            values.update(Text(s.problem.line() if s.problem else "Loading…"))
            return
        _plot(self.query_one("#chart-cost", PlotextPlot), s.decision, "cost", "Accuracy vs cost per task")
        _plot(self.query_one("#chart-latency", PlotextPlot), s.decision, "latency", "Accuracy vs latency")
        values.update(values_table(s.decision, self.advisor.selected))
