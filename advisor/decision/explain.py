"""The plain sentences a decision is summed up in, shared by CLI, TUI and memo."""

from __future__ import annotations

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


def verdict(decision: Decision) -> str:
    """One paragraph: the pick, who is not clearly behind it, what would change it."""
    pick = decision.pick
    if pick is None:
        n = len(decision.models)
        return f"No model can be recommended: all {n} candidates are excluded (see the reasons)."
    text = f"Pick {pick.model} ({describe(pick, decision)})."
    close = [m for m in decision.ranked[1:] if m.not_clearly_behind]
    if close:
        listed = ", ".join(f"{m.model} ({c})" if (c := contrast(m, pick)) else m.model for m in close)
        text += f" Not clearly different on accuracy (intervals overlap): {listed}."
    runner = decision.runner_up
    if runner is not None:
        text += f" Runner-up: {runner.model}, {pick.score - runner.score:.2f} points behind."
    excluded = [m for m in decision.models if m.excluded]
    if excluded:
        text += f" Excluded: {', '.join(f'{m.model} ({m.excluded})' for m in excluded)}."
    return text
