"""Trade-off charts: accuracy against cost per task and against latency (both log scale).

Why it exists: the Pareto frontier is easiest to see as a picture. Points are
the engine's numbers, keyed by rank (letters for excluded models); the
frontier joins the points no cheaper (or faster) point beats on accuracy; a
table beside the charts repeats every value as text under the same keys, so
nothing depends on reading a plot (or on colour).
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Static

from advisor.decision.result import Decision, ModelResult
from advisor.text.format import fmt_ms, money, pct
from advisor.text.sanitise import clean
from advisor.tui.guard import Panel, guarded
from advisor.tui.plot import Point
from advisor.tui.screens.base import AdvisorScreen
from advisor.tui.widgets.scatter import ChartData, ScatterChart, point_keys

MARK = {"pareto": "◆", "dominated": "●", "excluded": "x"}


def role(m: ModelResult) -> str:
    return "excluded" if m.excluded else ("pareto" if m.pareto else "dominated")


def keys_for(decision: Decision) -> dict[str, str]:
    return point_keys([(m.model, m.rank) for m in decision.models])


def values_table(decision: Decision, selected: str | None) -> Table:
    keys = keys_for(decision)
    table = Table(box=None, header_style="bold", padding=(0, 1), pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("model", overflow="fold")
    for col in ("acc.", "$/task", decision.profile.latency.label(), "P"):
        table.add_column(col, justify="right", no_wrap=True)
    for m in decision.models:
        style = "reverse" if m.model == selected else ("dim" if m.excluded else "")
        table.add_row(
            keys[m.model],
            Text(clean(m.model)),
            pct(m.accuracy.mean) if m.accuracy else "n/a",
            money(m.cost_per_task_usd),
            fmt_ms(m.latency_value) if m.latency_value else "n/a",
            MARK[role(m)],
            style=style,
        )
    table.caption = (
        "# = the key on the charts: rank, or a letter for an excluded model · "
        "◆ Pareto on all four criteria · ● dominated · x excluded"
    )
    return table


def chart_data(decision: Decision, axis: str) -> ChartData:
    """The points of one chart and the frontier of its two axes (each point more accurate than every cheaper one)."""
    keys = keys_for(decision)
    points: list[Point] = []
    missing: list[str] = []
    for m in decision.models:
        x = m.cost_per_task_usd if axis == "cost" else m.latency_value
        if x is None or m.accuracy is None or x <= 0:
            missing.append(keys[m.model])
            continue
        points.append(Point(x, 100 * m.accuracy.mean, keys[m.model], MARK[role(m)], role(m)))
    ranked = sorted((p for p in points if p.role != "excluded"), key=lambda p: (p.x, -p.y))
    front: list[tuple[float, float]] = []
    for p in ranked:
        if not front or p.y > front[-1][1]:
            front.append((p.x, p.y))
    if axis == "cost":
        return ChartData(tuple(points), tuple(front), "$ per task (log scale)", money, tuple(missing))
    metric = decision.profile.latency.label()
    return ChartData(tuple(points), tuple(front), f"{metric} latency (log scale)", fmt_ms, tuple(missing))


class TradeoffScreen(AdvisorScreen):
    CSS_PATH = "tradeoffs.tcss"

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="tradeoff-scroll"), Horizontal(id="tradeoff-body"):
            with Vertical(id="charts"):
                yield ScatterChart("Accuracy vs cost per task", id="chart-cost")
                yield ScatterChart("Accuracy vs latency", id="chart-latency")
            yield Panel("", id="tradeoff-values")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Trade-offs"
        self.query_one("#tradeoff-values").border_title = "Values"
        self.watch(self.advisor, "revision", lambda _: self.refresh_view(), init=False)
        self.watch(self.advisor, "selected", lambda _: self.refresh_view(), init=False)

    def refresh_view(self) -> None:
        s = self.advisor.session
        values = self.query_one("#tradeoff-values", Static)
        decision = s.decision
        if decision is None:
            values.update(Text(clean(s.problem.line()) if s.problem else "Loading…"))
            return
        self.query_one("#chart-cost", ScatterChart).show(lambda: chart_data(decision, "cost"))
        self.query_one("#chart-latency", ScatterChart).show(lambda: chart_data(decision, "latency"))
        values.update(guarded("The values table", lambda: values_table(decision, self.advisor.selected)))
