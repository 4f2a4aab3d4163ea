"""Small panels: the verdict line and the load-error panel.

Why it exists: the verdict is the sentence a user acts on, and a workspace
that fails to load must show *where* (file and line) in place of the ranking,
with the way out (fix the file, press reload) spelled out.
"""

from __future__ import annotations

import dataclasses

from rich.text import Text
from textual.widgets import Static

from advisor.decision.explain import verdict
from advisor.decision.result import Decision, Uncertainty
from advisor.report.uncertainty import tie_sentence
from advisor.text.sanitise import clean
from advisor.tui.state import LoadProblem


class Verdict(Static):
    """The engine's verdict, plus the bootstrap's tie for first when it is known."""

    def __init__(self) -> None:
        super().__init__("Loading…", id="verdict")

    def show(self, decision: Decision, stats: Uncertainty | None, pending: bool) -> None:
        text = Text(verdict(decision))
        if stats is not None:
            tie = tie_sentence(dataclasses.replace(decision, uncertainty=stats))
            if tie:
                text.append("\n" + clean(tie), style="bold")
            changes = what_would_change(decision, stats)
            if changes:
                text.append("\nWhat would change it: ", style="bold")
                text.append(changes)
        elif pending:
            text.append("\nP(best) and rank intervals: computing…", style="dim")
        self.update(text)


def what_would_change(decision: Decision, stats: Uncertainty) -> str:
    """The engine's weight ranges and break-even prices, as one sentence."""
    parts: list[str] = []
    for r in stats.weight_ranges:
        share = f"{100 * r.weight:.0f}%"
        bounds = []
        if r.below:
            bounds.append(f"below {100 * r.low:.0f}% → {r.below}")
        if r.above:
            bounds.append(f"above {100 * r.high:.0f}% → {r.above}")
        if bounds:
            parts.append(f"{r.criterion} weight {share} ({', '.join(bounds)})")
    runner = decision.runner_up
    if runner is not None:
        mult = stats.break_even.get(runner.model)
        if mult is not None and mult < 1:
            parts.append(f"{runner.model} ties at {100 * mult:.0f}% of its current prices")
    return "; ".join(parts) + ("." if parts else "")


class Warnings(Static):
    def __init__(self) -> None:
        super().__init__("", id="warnings")

    def show(self, warnings: tuple[str, ...]) -> None:
        self.display = bool(warnings)
        self.update(Text("\n".join(f"⚠ {w}" for w in warnings)))


class ErrorPanel(Static):
    """Shown instead of the ranking when the workspace did not load."""

    def __init__(self) -> None:
        super().__init__("", id="load-error")
        self.display = False

    def show(self, problem: LoadProblem | None) -> None:
        self.display = problem is not None
        if problem is None:
            return
        text = Text("The workspace could not be loaded\n\n", style="bold")
        if problem.where:
            text.append("Where: ", style="bold")
            text.append(f"{problem.where}\n")
        text.append("What:  ", style="bold")
        text.append(f"{problem.message}\n\n")
        if problem.detail:
            text.append(problem.detail + "\n", style="dim")
        text.append("Fix the file, then press ctrl+r (reload).", style="italic")
        self.update(text)
