"""The plain sentences a decision is summed up in, shared by CLI, TUI and memo."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from advisor.decision.result import Decision, ModelResult
from advisor.inputs.profiles import CRITERIA
from advisor.text.format import fmt_ms, money, pct, percentages


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
    if a.gracefulness is not None and b.gracefulness is not None and abs(a.gracefulness - b.gracefulness) >= 0.05:
        better = a.gracefulness > b.gracefulness
        out.append((better, "more graceful when it fails" if better else "less graceful when it fails"))
    return out


def compare_reason(a: ModelResult, b: ModelResult) -> str:
    """Why a is preferred to b when their accuracy is not clearly different: words that follow "a is"."""
    return ", ".join(words for favours_a, words in differences(a, b) if favours_a)


def reason_phrase(a: ModelResult, b: ModelResult, name: Callable[[str], str] = str) -> str | None:
    """Why a is preferred to b as a verb phrase: "is 1.8× cheaper than b and more graceful when it fails".

    ``name`` writes b's name for where the phrase goes (the memo escapes it for Markdown).
    """
    reasons = [words for favours_a, words in differences(a, b) if favours_a]
    if not reasons:
        return None
    first = f"{reasons[0]} than {name(b.model)}"
    rest = reasons[1:]
    if not rest:
        return f"is {first}"
    return f"is {first}, " + ", ".join(rest[:-1]) + (", " if len(rest) > 1 else "") + f"and {rest[-1]}"


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
        why = "; ".join(f"{m.model} ({m.excluded})" for m in decision.models)
        return f"No model can be recommended: all {n} candidates are excluded: {why}."
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


def weights_text(weights: dict[str, float]) -> str:
    """ "accuracy 40%, cost 25%, latency 15%, gracefulness 20%": whole percentages that add up to 100."""
    shown = percentages([weights[c] for c in CRITERIA])
    return ", ".join(f"{c} {p}" for c, p in zip(CRITERIA, shown, strict=True))


def profile_sentence(decision: Decision) -> str:
    """Which priorities decided: the profile, or custom weights that started from it."""
    edits = decision.edits
    name = decision.profile.as_written.name
    if edits is None or edits.as_written:
        return f"the {name} profile"
    if edits.weights is not None:
        return f"custom weights, starting from the {name} profile"
    return f"the {name} profile with changed constraints"


def edits_lines(decision: Decision) -> list[str]:
    """What the user changed from the profile as written, one line each (empty when nothing)."""
    edits = decision.edits
    if edits is None or edits.as_written:
        return []
    out: list[str] = []
    if edits.weights is not None:
        out.append(
            f"Weights in force: {weights_text(decision.weights)} (the profile's own: {weights_text(edits.weights)})."
        )
    for name, before, now in edits.constraints:
        was = "not set" if before is None else f"{before:g}" if isinstance(before, float) else str(before)
        out.append(f"Constraint {name}: {'lifted' if now is None else now} (the profile's: {was}).")
    return out


def criteria_notes(decision: Decision, ignore_hint: Callable[[str], str] = lambda c: f"--ignore {c}") -> list[str]:
    """Criteria left out because no candidate has them, and models excluded for lacking one, with the way out.

    ``ignore_hint`` names how to set a criterion aside where the note is read
    (``--ignore latency`` on the command line; the TUI passes its own words).
    """
    out: list[str] = []
    written = decision.profile.as_written
    for criterion, why in decision.dropped.items():
        share = written.weights.normalised()[criterion]
        out.append(
            f"{criterion.capitalize()} is left out: {why}. Its weight ({pct(share, 0)} in the {written.name} "
            "profile) is shared among the others, and its constraints are not applied."
        )
    for criterion, models in decision.lacking.items():
        n = len(models)
        who = ", ".join(models)
        lead = f"{who} {'lacks' if n == 1 else 'lack'} {criterion} data and {'is' if n == 1 else 'are'} excluded"
        fix = f"to rank {'it' if n == 1 else 'them'} without {criterion}: {ignore_hint(criterion)}"
        if criterion == "cost":
            fix = f"price {'it' if n == 1 else 'them'} with [aliases] in advisor.toml, or {fix}"
        out.append(f"{lead}; {fix}.")
    return out
