"""The flags of a ranking row and what they mean, in the same words for the CLI, the TUI and the memo."""

from __future__ import annotations

from collections.abc import Collection

from advisor.decision.result import Decision, ModelResult

#: Short labels for the score breakdown (text, never colour alone).
LETTER = {"accuracy": "A", "cost": "C", "latency": "L", "gracefulness": "G"}


#: What each flag means; printed under tables, and in the memo.
FLAG_LEGEND = (
    "Pareto: no other model is as good on all four criteria and better on one; dominated: one is. "
    "tied #1: its 95% rank interval reaches first place; ~#1: its accuracy is not clearly different from the "
    "pick's (paired tests over every pair of ranked models). "
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
        elif m.accuracy_vs_pick == "unclear":
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
