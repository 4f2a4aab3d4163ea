"""Small panels: the verdict, its explanation, warnings and the load-error panel.

Why it exists: the verdict is the sentence a user acts on, so it sits above
the ranking in a form short enough for an 80×24 terminal (the pick, its
numbers, the runner-up); the engine's full paragraph and what would change it
sit beside the priorities. A workspace that fails to load shows *where* (file
and line) in place of the ranking, with the way out spelled out. Every name
from the user's files passes through ``clean``.
"""

from __future__ import annotations

import dataclasses

from rich.text import Text

from advisor.decision.explain import describe, verdict
from advisor.decision.result import Decision, Uncertainty
from advisor.report.uncertainty import tie_sentence
from advisor.text.sanitise import clean
from advisor.tui.guard import Panel, guarded
from advisor.tui.state import LoadProblem


def headline(decision: Decision, stats: Uncertainty | None, pending: bool) -> Text:
    """The pick with its numbers and the runner-up's gap; P(best) and ties once the bootstrap is in."""
    pick = decision.pick
    if pick is None:
        return Text(clean(verdict(decision)), style="bold")
    text = Text()
    text.append(f"Pick {clean(pick.model)}", style="bold")
    text.append(f" ({describe(pick, decision)}).")
    runner = decision.runner_up
    if runner is not None:
        text.append(f" Runner-up {clean(runner.model)}, {pick.score - runner.score:.2f} points behind")
        text.append("; not clearly different on accuracy." if runner.not_clearly_behind else ".")
    if stats is not None and not stats.too_few:  # too few items: the explanation says why there is no P(best)
        p_best = stats.p_best.get(pick.model)
        if p_best is not None:
            text.append(f" P(best) {100 * p_best:.0f}%.")
        if len(stats.tied_for_first) > 1:
            tied = ", ".join(clean(m) for m in stats.tied_for_first)
            text.append(f" Statistically tied for first: {tied}.", style="bold")
    elif pending:
        text.append(" P(best): computing…", style="dim")
    return text


def explanation(decision: Decision, stats: Uncertainty | None) -> Text:
    """The engine's verdict in full, the bootstrap's ties (the report's sentence) and what would change the pick."""
    text = Text(clean(verdict(decision)))
    if stats is not None:
        tie = tie_sentence(dataclasses.replace(decision, uncertainty=stats))
        if tie:
            text.append("\n" + clean(tie), style="bold")
        changes = what_would_change(decision, stats)
        if changes:
            text.append("\nWhat would change it: ", style="bold")
            text.append(changes)
    return text


class Verdict(Panel):
    """The short verdict above the ranking."""

    def __init__(self) -> None:
        super().__init__("Loading…", id="verdict")

    def show(self, decision: Decision, stats: Uncertainty | None, pending: bool) -> None:
        self.update(guarded("The verdict", lambda: headline(decision, stats, pending)))


class Explanation(Panel):
    """The verdict in full, beside the priorities."""

    def __init__(self) -> None:
        super().__init__("", id="explain")

    def show(self, decision: Decision, stats: Uncertainty | None) -> None:
        self.update(guarded("The explanation", lambda: explanation(decision, stats)))


def what_would_change(decision: Decision, stats: Uncertainty) -> str:
    """The engine's weight ranges and break-even prices, as one sentence."""
    parts: list[str] = []
    for r in stats.weight_ranges:
        share = f"{100 * r.weight:.0f}%"
        bounds = []
        if r.below:
            bounds.append(f"below {100 * r.low:.0f}% → {clean(r.below)}")
        if r.above:
            bounds.append(f"above {100 * r.high:.0f}% → {clean(r.above)}")
        if bounds:
            parts.append(f"{r.criterion} weight {share} ({', '.join(bounds)})")
    runner = decision.runner_up
    if runner is not None:
        mult = stats.break_even.get(runner.model)
        if mult is not None and mult < 1:
            parts.append(f"{clean(runner.model)} ties at {100 * mult:.0f}% of its current prices")
    return "; ".join(parts) + ("." if parts else "")


class Warnings(Panel):
    def __init__(self) -> None:
        super().__init__("", id="warnings")

    def show(self, warnings: tuple[str, ...]) -> None:
        self.display = bool(warnings)
        self.update(Text("\n".join(f"⚠ {clean(w)}" for w in warnings)))


class ErrorPanel(Panel):
    """Shown instead of the ranking when the workspace did not load."""

    def __init__(self) -> None:
        super().__init__("", id="load-error")
        self.display = False

    def show(self, problem: LoadProblem | None, reload_key: str = "ctrl+r") -> None:
        self.display = problem is not None
        if problem is None:
            return
        text = Text("The workspace could not be loaded\n\n", style="bold")
        if problem.where:
            text.append("Where: ", style="bold")
            text.append(f"{clean(problem.where)}\n")
        text.append("What:  ", style="bold")
        text.append(f"{clean(problem.message)}\n\n")
        if problem.detail:
            text.append("\n".join(clean(line) for line in problem.detail.splitlines()) + "\n", style="dim")
        text.append(f"Fix the file, then press {reload_key} (reload).", style="italic")
        self.update(text)
