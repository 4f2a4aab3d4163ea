"""The plain sentences a decision is summed up in, shared by CLI, TUI and memo."""

from __future__ import annotations

from dataclasses import dataclass

from advisor.decision.result import Decision, ModelResult
from advisor.text.format import fmt_ms, money, pct


def describe(m: ModelResult, decision: Decision) -> str:
    parts = [f"score {m.score:.2f}"]
    if m.accuracy:
        parts.append(f"accuracy {pct(m.accuracy.mean)} ({pct(m.accuracy.ci_low)}–{pct(m.accuracy.ci_high)})")
    if m.cost_per_task_usd is not None:
        parts.append(f"{money(m.cost_per_task_usd)}/task")
    if m.latency_value is not None:
        parts.append(f"{decision.profile.latency.metric} {fmt_ms(m.latency_value)}")
    return ", ".join(parts)


def differences(a: ModelResult, b: ModelResult) -> list[tuple[bool, str]]:
    """How a differs from b on cost, latency and gracefulness: (in a's favour, words)."""
    out: list[tuple[bool, str]] = []
    if a.cost_per_task_usd and b.cost_per_task_usd:
        ratio = a.cost_per_task_usd / b.cost_per_task_usd
        if ratio >= 1.1:
            out.append((False, f"{ratio:.1f}× the cost"))
        elif ratio <= 1 / 1.1:
            out.append((True, f"{1 / ratio:.1f}× cheaper"))
    if a.latency_value and b.latency_value:
        ratio = a.latency_value / b.latency_value
        if ratio >= 1.1:
            out.append((False, f"{ratio:.1f}× slower"))
        elif ratio <= 1 / 1.1:
            out.append((True, f"{1 / ratio:.1f}× faster"))
    if abs(a.gracefulness - b.gracefulness) >= 0.05:
        better = a.gracefulness > b.gracefulness
        out.append((better, "fails more gracefully" if better else "fails worse"))
    return out


def compare_reason(a: ModelResult, b: ModelResult) -> str:
    """Why a is preferred to b when their accuracy is not clearly different."""
    return ", ".join(words for favours_a, words in differences(a, b) if favours_a)


def contrast(other: ModelResult, pick: ModelResult) -> str:
    """Every notable way another model differs from the pick."""
    return ", ".join(words for _, words in differences(other, pick))


@dataclass(frozen=True)
class Verdict:
    """What the decision says about the pick and its rivals, once, for every renderer.

    Accuracy standings come from the familywise paired comparisons (``Decision.comparisons``),
    the tie for first and P(best) from the bootstrap when it ran (``Decision.uncertainty``).
    """

    pick: ModelResult | None
    unclear: tuple[ModelResult, ...]  # accuracy not clearly different from the pick's
    more_accurate: tuple[ModelResult, ...]  # clearly more accurate than the pick
    less_accurate: tuple[ModelResult, ...]  # clearly less accurate
    family: int  # pairs in the Holm family
    tied: tuple[str, ...]  # statistically tied for first, best P(best) first (empty: not run, withheld or none)
    too_few: str | None  # why P(best) and the tie are withheld
    #: The model most often best in the bootstrap when that is not the pick (the pick rests on point estimates).
    likeliest: str | None


def judge(decision: Decision) -> Verdict:
    pick = decision.pick
    rivals = decision.ranked[1:]
    u = decision.uncertainty
    likeliest = None
    if u is not None and pick is not None and u.p_best:
        top = max(u.p_best, key=lambda m: (u.p_best[m], m == pick.model))
        likeliest = top if u.p_best[top] > u.p_best.get(pick.model, 0.0) else None
    return Verdict(
        pick=pick,
        unclear=tuple(m for m in rivals if m.accuracy_vs_pick == "unclear"),
        more_accurate=tuple(m for m in rivals if m.accuracy_vs_pick == "higher"),
        less_accurate=tuple(m for m in rivals if m.accuracy_vs_pick == "lower"),
        family=decision.comparisons.family,
        tied=tuple(u.tied_for_first) if u is not None else (),
        too_few=u.too_few if u is not None else None,
        likeliest=likeliest,
    )


def pairs_phrase(family: int) -> str:
    """How the accuracy verdicts were reached, e.g. "paired tests, Holm-adjusted over all 15 pairs of ranked models"."""
    return "paired test" if family == 1 else f"paired tests, Holm-adjusted over all {family} pairs of ranked models"


def verdict(decision: Decision) -> str:
    """One paragraph: the pick, whose accuracy is not clearly different or clearly higher, what else counts."""
    pick = decision.pick
    if pick is None:
        n = len(decision.models)
        return f"No model can be recommended: all {n} candidates are excluded (see the reasons)."
    v = judge(decision)
    text = f"Pick {pick.model} ({describe(pick, decision)})."

    def listed(models: tuple[ModelResult, ...]) -> str:
        return ", ".join(f"{m.model} ({c})" if (c := contrast(m, pick)) else m.model for m in models)

    how = f" ({pairs_phrase(v.family)})"  # said once, with the first accuracy claim
    if v.unclear:
        text += f" Accuracy not clearly different from the pick's{how}: {listed(v.unclear)}."
        how = ""
    if v.more_accurate:
        text += f" Clearly more accurate than the pick{how}: {listed(v.more_accurate)}."
    runner = decision.runner_up
    if runner is not None:
        text += f" Runner-up: {runner.model}, {pick.score - runner.score:.2f} points behind."
    excluded = [m for m in decision.models if m.excluded]
    if excluded:
        text += f" Excluded: {', '.join(f'{m.model} ({m.excluded})' for m in excluded)}."
    return text
