"""Detail for the highlighted model: tasks, failures, latency, cost split, why not #1.

Why it exists: a ranking is only trusted when each row can be opened up. Every
number here is the engine's (``ModelResult``, ``Evidence``); the only
arithmetic is for display (histogram bins, shares of a total).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Static

from advisor.decision.decide import Inputs
from advisor.decision.result import AccuracyGap, Decision, ModelResult, Pairwise, Uncertainty
from advisor.inputs.profiles import CRITERIA
from advisor.report.uncertainty import gap_sentence
from advisor.text.format import fmt_ms, graceful, money, pct
from advisor.text.sanitise import clean, plain
from advisor.tui.format import LABEL, LETTER, Palette, acc_text, interval_bar
from advisor.tui.guard import Panel, guarded
from advisor.tui.widgets.split_note import split_note

SPARK = "▁▂▃▄▅▆▇█"


def _table(*headers: str) -> Table:
    table = Table(box=None, padding=(0, 1), pad_edge=False, show_edge=False, expand=False, header_style="bold")
    for i, h in enumerate(headers):
        table.add_column(h, justify="left" if i == 0 else "right", no_wrap=True)
    return table


def tasks_view(m: ModelResult, decision: Decision, palette: Palette) -> RenderableType:
    shown = [*m.task_accuracy.values(), *([m.accuracy] if m.accuracy else [])]
    lo = max(0.0, math.floor(20 * min(a.ci_low for a in shown)) / 20) if shown else 0.0
    hi = min(1.0, math.ceil(20 * max(a.ci_high for a in shown)) / 20) if shown else 1.0
    table = _table("task", "w", "n", "accuracy", f"{100 * lo:.0f}–{100 * hi:.0f}%")
    table.columns[0].max_width = 24
    table.columns[0].overflow = "ellipsis"
    for task, acc in m.task_accuracy.items():
        w = decision.task_weights.get(task, 0.0)
        table.add_row(Text(clean(task)), pct(w, 0), str(acc.n), acc_text(acc), interval_bar(acc, 10, palette, lo, hi))
    if m.accuracy is not None:
        table.add_row(
            Text("overall", style="bold"),
            "",
            str(m.accuracy.n),
            acc_text(m.accuracy),
            interval_bar(m.accuracy, 10, palette, lo, hi),
        )
    return table


def failures_view(m: ModelResult, decision: Decision) -> RenderableType:
    severity = decision.profile.severity.model_dump()
    total = sum(m.failures.values())
    table = _table("failure", "count", "share", "severity")
    for kind, count in sorted(m.failures.items(), key=lambda kv: (-kv[1] * severity[kv[0]], kv[0])):
        if count:
            table.add_row(kind, str(count), pct(count / total, 0), f"{severity[kind]:.1f}")
    if not total:
        return Text("No failures recorded.")
    return Group(
        table, Text(f"gracefulness {graceful(m.gracefulness)} = 1 − mean severity; unsafe {pct(m.unsafe_rate)}")
    )


def load_view(m: ModelResult, inputs: Inputs, metric: str) -> RenderableType | None:
    """Latency against concurrency from ``advisor probe`` (the engine's per-level figures), if probed."""
    ev = inputs.evidence.models.get(m.model)
    if ev is None or not ev.load:
        return None
    table = _table("load", f"TTFT {metric}", f"e2e {metric}", "tok/s", "failed")
    for lv in ev.load:
        ttft, e2e = lv.latency["ttft"], lv.latency["e2e"]
        table.add_row(
            lv.label(),
            fmt_ms(ttft[metric]) if ttft else "–",
            fmt_ms(e2e[metric]) if e2e else "–",
            f"{lv.output_tokens_per_s:,.0f}" if lv.output_tokens_per_s is not None else "–",
            pct(lv.error_rate, 0),
        )
    return table


def latency_view(m: ModelResult, inputs: Inputs, metric: str) -> RenderableType:
    under_load = load_view(m, inputs, metric)
    if m.latency_source == "probe" and under_load is not None:
        head = Text("ranked on " + " ".join(f"{p} {fmt_ms(v)}" for p, v in (m.latency_ms or {}).items()), "bold")
        return Group(head, under_load)
    if not m.latency_ms:
        return under_load or Text("No latency recorded.")
    if m.aggregated:
        lines = Text("  ".join(f"{p} {fmt_ms(v)}" for p, v in m.latency_ms.items()))
        lines.append("\nfrom per-task aggregates: no per-sample distribution", style="dim")
        return lines
    table = inputs.evidence.table
    code = table.models.index(m.model) if m.model in table.models else -1
    values = table.numbers["latency_ms"][table.model == code]
    values = values[~np.isnan(values)]
    lines = Text()
    for p, v in m.latency_ms.items():
        lines.append(f"{p} {fmt_ms(v):>8}", style="bold" if p == metric else "")
        lines.append("  ")
    if values.size > 1 and values.min() > 0:
        edges = np.geomspace(values.min(), values.max() * 1.0001, 25)
        counts, _ = np.histogram(values, bins=edges)
        top = counts.max() or 1
        spark = "".join(SPARK[min(7, math.ceil(c / top * 7))] if c else " " for c in counts)
        lines.append(f"\n{spark}\n{fmt_ms(float(values.min())):<12}{'log scale':^1}{fmt_ms(float(values.max())):>12}")
        lines.append(f"\n{values.size} samples")
    return Group(lines, under_load) if under_load is not None else lines


#: How the parts of the bill are labelled (reasoning is billed at the output rate).
PART_LABEL = {
    "input": "input",
    "cached_input": "cached input",
    "cache_write": "cache write",
    "output": "output",
    "reasoning": "reasoning",
    "recorded": "recorded by the tool",
}


def cost_view(m: ModelResult) -> RenderableType:
    head = Text(
        f"{money(m.cost_per_task_usd)}/task · {money(m.cost_per_success_usd)}/success · "
        f"{money(m.monthly_cost_usd)}/month\n",
        style="bold",
    )
    head.append(
        clean(f"priced as {m.priced_as or '–'} ({m.price_match}); source: {m.cost_source or 'none'}") + "\n",
        style="dim",
    )
    if m.cost_model:  # a model you run yourself: the assumptions behind its cost
        head.append(clean(m.cost_model) + "\n")
    total = sum(m.cost_split.values())
    if not total:
        free = m.cost_per_task_usd == 0 and m.cost_model
        return Group(
            head,
            Text("Free: nothing to split." if free else "No token split available (no tokens priced on the sheet)."),
        )
    table = _table("part", "$/call", "share")
    for part, usd in m.cost_split.items():
        if usd > 0:
            table.add_row(PART_LABEL[part], money(usd), pct(usd / total, 0))
    return Group(head, table, Text("mean per call: tokens × the sheet (tiers, batch discount)", style="dim"))


def paired_note(gap: AccuracyGap, pair: Pairwise | None) -> Text:
    """The decision's accuracy comparison with the leader in words, and the bootstrap's score gap when known."""
    text = plain(gap_sentence(gap, versus=gap.other))
    if pair is not None and not math.isnan(pair.score_diff):
        text.append(f"\nScore {pair.score_diff:+.3f} (95% {pair.score_ci_low:+.3f} to {pair.score_ci_high:+.3f}).")
    return text


def why_view(m: ModelResult, decision: Decision, palette: Palette, stats: Uncertainty | None = None) -> RenderableType:
    leader = decision.pick
    if leader is None:
        return Text("No model is ranked: every candidate is excluded.")
    if m.excluded:
        return Text(clean(f"{m.model} is excluded: {m.excluded}."), style=palette.bad)
    title = Text()
    if m.model == leader.model:
        runner = decision.runner_up
        if runner is None:
            return Text(f"{clean(m.model)} is the pick and the only ranked model.")
        title.append(f"The pick. Runner-up {clean(runner.model)} against it:\n", style="bold")
        m, leader = runner, m
    else:
        title.append(f"#{m.rank} {clean(m.model)} against #1 {clean(leader.model)}:\n", style="bold")
    table = _table("", f"#{m.rank}", f"#{leader.rank}", "points")
    raw = {
        "accuracy": (acc_text(m.accuracy), acc_text(leader.accuracy)),
        "cost": (money(m.cost_per_task_usd), money(leader.cost_per_task_usd)),
        "latency": (
            fmt_ms(m.latency_value) if m.latency_value else "n/a",
            fmt_ms(leader.latency_value) if leader.latency_value else "n/a",
        ),
        "gracefulness": (graceful(m.gracefulness), graceful(leader.gracefulness)),
    }
    for c in CRITERIA:
        diff = m.breakdown[c] - leader.breakdown[c]
        style = palette.good if diff > 0.005 else palette.bad if diff < -0.005 else ""
        table.add_row(f"{LETTER[c]} {LABEL[c].lower()}", raw[c][0], raw[c][1], Text(f"{diff:+.3f}", style=style))
    table.add_row(
        Text("score", style="bold"),
        f"{m.score:.3f}",
        f"{leader.score:.3f}",
        Text(f"{m.score - leader.score:+.3f}", style="bold"),
    )
    gap = decision.gap(m.model, leader.model)
    if gap is None:
        return Group(title, table)
    return Group(title, table, paired_note(gap, stats.pair(m.model) if stats else None))


def _with(view: RenderableType, extra: RenderableType | None) -> RenderableType:
    return view if extra is None else Group(view, extra)


class Detail(Grid):
    """Five panels about one model; ``show`` refills them."""

    PANELS = ("why", "tasks", "failures", "latency", "cost")
    TITLES = {
        "why": "Why not #1 (points = weight × utility)",
        "tasks": "Accuracy by task",
        "failures": "Failures",
        "latency": "Latency",
        "cost": "Cost",
    }

    def __init__(self, *, id: str = "detail") -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id, classes="detail")
        self.model: str | None = None
        """The model shown."""

    def compose(self) -> ComposeResult:
        for name in self.PANELS:
            panel = Panel("", id=f"detail-{name}", classes="detail-panel")
            panel.border_title = self.TITLES[name]
            yield panel

    def show(self, model: str | None, decision: Decision, inputs: Inputs, stats: Uncertainty | None = None) -> None:
        if model is None or all(m.model != model for m in decision.models):
            return
        m = decision.get(model)
        palette = Palette.from_theme(self.app.theme_variables)
        metric = decision.profile.latency.metric
        views: dict[str, Callable[[], RenderableType]] = {
            "why": lambda: why_view(m, decision, palette, stats),
            "tasks": lambda: _with(tasks_view(m, decision, palette), split_note(m.model, decision.overfit, palette)),
            "failures": lambda: failures_view(m, decision),
            "latency": lambda: latency_view(m, inputs, metric),
            "cost": lambda: cost_view(m),
        }
        self.border_title = Text(clean(m.model))
        self.model = m.model
        for name, build in views.items():
            self.query_one(f"#detail-{name}", Static).update(guarded(f"'{self.TITLES[name]}'", build))
