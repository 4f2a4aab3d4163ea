"""A decision as JSON (stable, documented schema), a Rich table, or Markdown.

The JSON schema is documented in docs/json.md; its ``schema`` field changes
only when a field is removed or changes meaning.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from advisor.decide import Inputs
from advisor.explain import money, pct, verdict
from advisor.profiles import CRITERIA
from advisor.rank import Accuracy, Decision, ModelResult, fmt_ms
from advisor.uncertainty_report import cell as uncertainty_cell
from advisor.uncertainty_report import lines as uncertainty_lines
from advisor.uncertainty_report import model_fields, uncertainty_json

SCHEMA = "advisor.rank/1"
#: Short labels for the score breakdown (text, never colour alone).
LETTER = {"accuracy": "A", "cost": "C", "latency": "L", "gracefulness": "G"}


def _acc(a: Accuracy | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {"mean": a.mean, "ci_low": a.ci_low, "ci_high": a.ci_high, "se": a.se, "n": a.n}


def model_json(m: ModelResult, decision: Decision | None = None) -> dict[str, Any]:
    return {
        "model": m.model,
        "rank": m.rank,
        "score": m.score,
        "breakdown": m.breakdown,
        "utilities": m.utilities,
        "accuracy": _acc(m.accuracy),
        "task_accuracy": {t: _acc(a) for t, a in m.task_accuracy.items()},
        "cost_per_task_usd": m.cost_per_task_usd,
        "cost_split_usd": m.cost_split,
        "cost_per_success_usd": m.cost_per_success_usd,
        "monthly_cost_usd": m.monthly_cost_usd,
        "latency_ms": m.latency_ms,
        "gracefulness": m.gracefulness,
        "failures": m.failures,
        "unsafe_rate": m.unsafe_rate,
        "pareto": m.pareto,
        "excluded": m.excluded,
        "not_clearly_behind": m.not_clearly_behind,
        "priced_as": m.priced_as,
        "price_match": m.price_match,
        "cost_source": m.cost_source,
        "evidence": m.evidence,
        **model_fields(decision.uncertainty if decision else None, m.model),
    }


def decision_json(decision: Decision, inputs: Inputs) -> dict[str, Any]:
    ws = inputs.workspace
    p = decision.profile
    return {
        "schema": SCHEMA,
        "workspace": {"name": ws.config.name, "path": str(ws.root)},
        "profile": {
            "name": p.name,
            "latency_metric": p.latency.metric,
            "constraints": p.constraints.model_dump(),
            "severity": p.severity.model_dump(),
        },
        "weights": decision.weights,
        "task_weights": decision.task_weights,
        "utility_curves": {
            c: {"best": a.best, "worst": a.worst, "scale": a.scale, "from_data": a.from_data}
            for c, a in decision.anchors.items()
        },
        "prices": {
            "as_of": inputs.sheet.as_of.isoformat(),
            "source": inputs.sheet.source,
            "path": str(inputs.sheet_path),
        },
        "tasks_per_month": decision.tasks_per_month,
        "pick": decision.pick.model if decision.pick else None,
        "verdict": verdict(decision),
        "warnings": list(decision.warnings),
        "aggregated_models": decision.aggregated,
        "models": [model_json(m, decision) for m in decision.models],
        **uncertainty_json(decision.uncertainty),
    }


#: What each flag means; printed under tables, and in the memo.
FLAG_LEGEND = (
    "Pareto: no other model is as good on all four criteria and better on one; dominated: one is. "
    "tied #1: its 95% rank interval reaches first place; ~#1: its accuracy interval overlaps the pick's. "
    "aggregates: rests on per-task statistics, not samples."
)


def flags(m: ModelResult, tied: Collection[str] = (), *, with_reason: bool = True) -> str:
    """The flags of one row, in the same words for the CLI, the TUI and the memo."""
    out: list[str] = []
    if m.excluded:
        out.append(f"excluded: {m.excluded}" if with_reason else "excluded")
    else:
        out.append("Pareto" if m.pareto else "dominated")
        if m.rank != 1 and m.model in tied:
            out.append("tied #1")
        elif m.not_clearly_behind:
            out.append("~#1")
    if m.aggregated:
        out.append("aggregates")
    return ", ".join(out)


def aggregates_sentence(decision: Decision) -> str | None:
    """Which models rest on per-task aggregates and what that costs them (None when none do)."""
    names = decision.aggregated
    if not names:
        return None
    one = len(names) == 1
    verb, them, their = ("rests", "it", "its") if one else ("rest", "them", "their")
    return (
        f"{', '.join(names)} {verb} on per-task aggregates, not samples: accuracy intervals come from the "
        f"given standard errors, comparisons with {them} are unpaired, and {their} cost is that of the "
        "mean request."
    )


def _breakdown(m: ModelResult) -> str:
    return " ".join(f"{LETTER[c]}{m.breakdown[c]:.2f}".replace("0.", ".") for c in CRITERIA)


def _acc_text(a: Accuracy | None) -> str:
    if a is None:
        return "n/a"
    return f"{pct(a.mean)} ±{100 * (a.ci_high - a.ci_low) / 2:.1f}"


def rows(decision: Decision) -> list[list[str]]:
    out = []
    for m in decision.models:
        out.append(
            [
                str(m.rank) if m.rank else "–",
                m.model,
                f"{m.score:.2f}",
                _breakdown(m),
                _acc_text(m.accuracy),
                money(m.cost_per_task_usd),
                money(m.cost_per_success_usd),
                money(m.monthly_cost_usd),
                fmt_ms(m.latency_value) if m.latency_value is not None else "n/a",
                f"{m.gracefulness:.2f}",
                uncertainty_cell(decision.uncertainty, m.model),
                flags(m, decision.tied_for_first or ()),
            ]
        )
    return out


def headers(decision: Decision) -> list[str]:
    return [
        "#",
        "model",
        "score",
        "A   C   L   G",
        "accuracy ±95%",
        "$/task",
        "$/success",
        "$/month",
        f"latency {decision.profile.latency.metric}",
        "graceful",
        "P(best) rank",
        "flags",
    ]


def header_lines(decision: Decision, inputs: Inputs) -> list[str]:
    w = ", ".join(f"{c} {decision.weights[c]:.0%}" for c in CRITERIA)
    return [
        f"Workspace: {inputs.workspace.config.name} · profile: {decision.profile.name} · weights: {w}",
        f"Prices: {inputs.sheet.as_of} ({inputs.sheet.source}) · volume: {decision.tasks_per_month:,.0f} tasks/month",
    ]


def print_table(decision: Decision, inputs: Inputs, console: Console) -> None:
    for line in header_lines(decision, inputs):
        console.print(line, highlight=False)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for i, h in enumerate(headers(decision)):
        table.add_column(
            h,
            justify="right" if i in (0, 2, 5, 6, 7, 8, 9, 10) else "left",
            no_wrap=i < 11,
            overflow="fold",
        )
    for m, row in zip(decision.models, rows(decision), strict=True):
        table.add_row(*row, style="dim" if m.excluded else ("bold" if m.rank == 1 else None))
    console.print(table)
    console.print(Text(verdict(decision)))
    if note := aggregates_sentence(decision):
        console.print(Text(note))
    for line in uncertainty_lines(decision):
        console.print(Text(line))
    console.print("Breakdown: A accuracy, C cost, L latency, G gracefulness (weight × utility).", style="dim")
    console.print(f"Flags: {FLAG_LEGEND}", style="dim", highlight=False)
    for w in decision.warnings:
        console.print(f"warning: {w}", style="yellow", highlight=False)


def markdown(decision: Decision, inputs: Inputs) -> str:
    def cell(s: str) -> str:
        return s.replace("|", "\\|")

    lines = [*(f"{line}  " for line in header_lines(decision, inputs)), ""]
    hs = headers(decision)
    lines.append("| " + " | ".join(hs) + " |")
    right = (0, 2, 5, 6, 7, 8, 9, 10)
    lines.append("|" + "|".join("---:" if i in right else "---" for i in range(len(hs))) + "|")
    for row in rows(decision):
        lines.append("| " + " | ".join(cell(c) for c in row) + " |")
    lines += ["", verdict(decision), ""]
    if note := aggregates_sentence(decision):
        lines += [note, ""]
    lines += [f"{line}  " for line in uncertainty_lines(decision)]
    lines.append("Breakdown: A accuracy, C cost, L latency, G gracefulness (weight × utility).")
    lines.append(f"Flags: {FLAG_LEGEND}")
    lines += [f"\n> warning: {w}" for w in decision.warnings]
    return "\n".join(lines) + "\n"
