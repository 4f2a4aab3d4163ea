"""A decision as a Rich table for the terminal, or as a Markdown table to paste."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from advisor.decision.decide import Inputs
from advisor.decision.explain import verdict
from advisor.decision.result import Accuracy, Decision, ModelResult
from advisor.inputs.profiles import CRITERIA
from advisor.report.flags import FLAG_LEGEND, LETTER, aggregates_sentence, flags
from advisor.report.uncertainty import cell as uncertainty_cell
from advisor.report.uncertainty import lines as uncertainty_lines
from advisor.text.format import fmt_ms, money, pct
from advisor.text.redact import redact_text
from advisor.text.sanitise import markdown as md
from advisor.text.sanitise import plain


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
        f"latency {decision.profile.latency.label()}",
        "graceful",
        "P(best) rank",
        "flags",
    ]


def header_lines(decision: Decision, inputs: Inputs) -> list[str]:
    w = ", ".join(f"{c} {decision.weights[c]:.0%}" for c in CRITERIA)
    return [
        f"Workspace: {inputs.workspace.config.name} · profile: {decision.profile.name} · weights: {w}",
        f"Prices: {inputs.sheet.as_of} ({redact_text(inputs.sheet.source)}) · "
        f"volume: {decision.tasks_per_month:,.0f} tasks/month",
    ]


def print_table(decision: Decision, inputs: Inputs, console: Console) -> None:
    for line in header_lines(decision, inputs):
        console.print(plain(line), highlight=False)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for i, h in enumerate(headers(decision)):
        table.add_column(
            h,
            justify="right" if i in (0, 2, 5, 6, 7, 8, 9, 10) else "left",
            no_wrap=i < 11,
            overflow="fold",
        )
    for m, row in zip(decision.models, rows(decision), strict=True):
        table.add_row(*map(plain, row), style="dim" if m.excluded else ("bold" if m.rank == 1 else None))
    console.print(table)
    console.print(plain(verdict(decision)))
    if note := aggregates_sentence(decision):
        console.print(plain(note))
    for line in uncertainty_lines(decision):
        console.print(plain(line))
    console.print("Breakdown: A accuracy, C cost, L latency, G gracefulness (weight × utility).", style="dim")
    console.print(f"Flags: {FLAG_LEGEND}", style="dim", highlight=False)
    for model, how in decision.cost_models:
        console.print(plain(f"cost of {model}: {how}"), highlight=False)
    for w in decision.warnings:
        console.print(plain(f"warning: {w}", "yellow"), highlight=False)


def markdown(decision: Decision, inputs: Inputs) -> str:
    def cell(s: str) -> str:
        return s.replace("|", "\\|")

    untrusted = (1, 11)  # the model name, and the flags (an exclusion reason)
    lines = [*(f"{md(line)}  " for line in header_lines(decision, inputs)), ""]
    hs = headers(decision)
    lines.append("| " + " | ".join(hs) + " |")
    right = (0, 2, 5, 6, 7, 8, 9, 10)
    lines.append("|" + "|".join("---:" if i in right else "---" for i in range(len(hs))) + "|")
    for row in rows(decision):
        lines.append("| " + " | ".join(md(c) if i in untrusted else cell(c) for i, c in enumerate(row)) + " |")
    lines += ["", md(verdict(decision)), ""]
    if note := aggregates_sentence(decision):
        lines += [md(note), ""]
    lines += [f"{md(line)}  " for line in uncertainty_lines(decision)]
    lines.append("Breakdown: A accuracy, C cost, L latency, G gracefulness (weight × utility).")
    lines.append(f"Flags: {FLAG_LEGEND}")
    lines += [f"\ncost of {md(model)}: {md(how)}" for model, how in decision.cost_models]
    lines += [f"\n> warning: {md(w)}" for w in decision.warnings]
    return "\n".join(lines) + "\n"
