"""The flags of a ranking row and what they mean, in the same words for the CLI, the TUI and the memo."""

from __future__ import annotations

from collections.abc import Collection

from advisor.decision.result import Decision, ModelResult

#: Short labels for the score breakdown (text, never colour alone).
LETTER = {"accuracy": "A", "cost": "C", "latency": "L", "gracefulness": "G"}


#: What each flag means, by flag; ``legend`` keeps the ones a decision shows.
MEANING = {
    "Pareto": "no other model is as good on all four criteria and better on one",
    "dominated": "another model is",
    "tied #1": "its 95% rank interval reaches first place",
    "~#1": "its accuracy is not clearly different from the pick's (paired tests over every pair of ranked models)",
    "aggregates": "rests on per-task statistics, not samples",
}
#: Every flag's meaning in one line.
FLAG_LEGEND = "; ".join(f"{flag}: {words}" for flag, words in MEANING.items()) + "."


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


def legend(decision: Decision, *, flags_shown: bool = True) -> str | None:
    """What the flags shown mean, only for flags that appear (None when none do or flags are not shown)."""
    if not flags_shown:
        return None
    tied = decision.tied_for_first or ()
    present: set[str] = set()
    for m in decision.models:
        present.update(part.split(":", 1)[0] for part in flags(m, tied, with_reason=False).split(", ") if part)
    shown = [f"{flag}: {words}" for flag, words in MEANING.items() if flag in present]
    return "; ".join(shown) + "." if shown else None


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
