"""The decision's uncertainty and robustness in words and in JSON, shared by CLI, memo and TUI.

Why this module exists: the figures in ``advisor.decision.uncertainty`` only help if they
are said plainly: who is statistically tied for first and why the pick is still
the pick (or that another model is more often best), which accuracy gaps are real
after the familywise correction (and, beside every "no clear difference", how much
evidence would settle it), how far each weight can move, and at what price a rival
would overtake. Every sentence about two models' accuracy renders the decision's one
``AccuracyGap``, so no sentence can contradict another.
"""

from __future__ import annotations

import math
from typing import Any

from advisor.decision.explain import compare_reason, judge, pairs_phrase
from advisor.decision.result import AccuracyGap, Decision, Pairwise, Uncertainty
from advisor.text.format import p_value, pct, signed


def _num(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def gap_json(g: AccuracyGap, *, items_needed: bool = True) -> dict[str, Any]:
    """One accuracy comparison as data (``model`` − ``other``); ``items_needed`` runs an exact power search."""
    return {
        "difference": _num(g.diff),
        "ci_low": _num(g.ci_low),
        "ci_high": _num(g.ci_high),
        "p_value": _num(g.p_value),
        "test": g.test,
        "p_adjusted": _num(g.p_adjusted),
        "adjustment": "holm",
        "family": g.family,
        "verdict": g.direction,
        "detectable_difference": _num(g.detectable),
        "smallest_difference": g.smallest_difference,
        "items_needed_per_task": g.items_needed if items_needed and g.direction == "unclear" else None,
        "n_items": g.n,
        "paired": g.paired,
        "disjoint_tasks": list(g.disjoint_tasks),
    }


def pair_json(p: Pairwise) -> dict[str, Any]:
    g = p.gap
    return {
        "model": p.model,
        "leader": p.leader,
        "metric": "accuracy",
        **gap_json(g),
        "only_leader": g.only_other,
        "only_model": g.only_model,
        "mcnemar": (
            {"b": g.mcnemar.b, "c": g.mcnemar.c, "p_value": g.mcnemar.p_value, "tasks": list(g.mcnemar_tasks)}
            if g.mcnemar is not None
            else None
        ),
        "score_difference": {
            "mean": _num(p.score_diff),
            "ci_low": _num(p.score_ci_low),
            "ci_high": _num(p.score_ci_high),
        },
    }


def comparisons_json(decision: Decision) -> list[dict[str, Any]]:
    """Every pair of ranked models (the familywise family), in ranked order (items needed: see ``pairwise``)."""
    names = [m.model for m in decision.ranked]
    out = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            g = decision.gap(a, b)
            if g is not None:
                out.append({"model": a, "other": b, **gap_json(g, items_needed=False)})
    return out


def uncertainty_json(u: Uncertainty | None) -> dict[str, Any]:
    """The top-level JSON fields (all null when the bootstrap was not run)."""
    if u is None:
        keys = (
            "resamples",
            "seed",
            "too_few_items",
            "tied_for_first",
            "pairwise",
            "weight_ranges",
            "first_place_share",
            "break_even_price_multiplier",
        )
        return dict.fromkeys(keys)
    return {
        "resamples": u.resamples,
        "seed": u.seed,
        "too_few_items": u.too_few,
        "tied_for_first": None if u.too_few else list(u.tied_for_first),
        "pairwise": [pair_json(p) for p in u.pairwise],
        "weight_ranges": {
            r.criterion: {"weight": r.weight, "low": r.low, "high": r.high, "below": r.below, "above": r.above}
            for r in u.weight_ranges
        },
        "first_place_share": {"around_weights": u.first_place_share, "uniform": u.first_place_share_uniform},
        "break_even_price_multiplier": u.break_even,
    }


def model_fields(u: Uncertainty | None, model: str) -> dict[str, Any]:
    """Per-model JSON fields: P(best) and the 95% rank interval (null when excluded, withheld or not run)."""
    if u is None or model not in u.p_best:
        return {"p_best": None, "rank_interval": None}
    lo, hi = u.rank_low.get(model), u.rank_high.get(model)
    return {"p_best": u.p_best[model], "rank_interval": [lo, hi] if lo is not None else None}


def cell(u: Uncertainty | None, model: str) -> str:
    """Table cell: "62% #1–2" ("–" when not run, excluded, or too few items to tell)."""
    if u is None or model not in u.p_best:
        return "–"
    lo, hi = u.rank_low.get(model), u.rank_high.get(model)
    rank = "" if lo is None else f" #{lo}" if lo == hi else f" #{lo}–{hi}"
    return f"{u.p_best[model]:.0%}{rank}"


def _pp(x: float) -> str:
    return f"{signed(100 * x)} pp"


def _p(p: float) -> str:
    """``= 0.66`` or ``< 0.001``, to follow the letter p in a sentence."""
    text = p_value(p)
    return text if text == "n/a" else f"< {text[1:]}" if text.startswith("<") else f"= {text}"


def tie_sentence(decision: Decision) -> str | None:
    """Who is statistically tied for first and why the pick is the pick; or why that cannot be told."""
    u = decision.uncertainty
    pick = decision.pick
    if u is None or pick is None:
        return None
    if u.too_few:
        return f"P(best) and rank intervals: {u.too_few}."
    v = judge(decision)
    text = None
    tied = list(u.tied_for_first)
    if len(tied) == 1:
        only = tied[0]
        text = (
            f"{only} is first in {u.p_best.get(only, 0.0):.0%} of {u.resamples:,} paired-bootstrap resamples; "
            f"no other model's 95% rank interval reaches #1."
        )
    elif tied:
        names = ", ".join(tied[:-1]) + f" and {tied[-1]}"
        shares = ", ".join(f"{u.p_best.get(m, 0.0):.0%}" for m in tied)
        text = f"{names} are statistically tied for first (P(best) {shares}; their 95% rank intervals reach #1)"
        rival = next(m for m in tied if m != pick.model) if pick.model in tied else tied[0]
        why = compare_reason(pick, decision.get(rival))
        text += f"; {pick.model} is {why}." if why else f"; {pick.model} has the higher score."
    if v.likeliest is not None:
        likely = (
            f"{v.likeliest} is first in more resamples than the pick ({u.p_best[v.likeliest]:.0%} against "
            f"{u.p_best.get(pick.model, 0.0):.0%}): the pick leads on the point estimates only."
        )
        text = f"{text} {likely}" if text else likely
    return text


def _ci(g: AccuracyGap) -> str:
    return f"95% CI {100 * g.ci_low:+.1f} to {100 * g.ci_high:+.1f} pp"


def unpaired_label(g: AccuracyGap) -> str | None:
    """Why a comparison is unpaired, in the words every output uses (None when it is paired)."""
    if g.paired:
        return None
    return "unpaired (no shared items)" if g.disjoint_tasks else "unpaired (aggregates)"


def gap_sentence(g: AccuracyGap, versus: str = "the leader") -> str:
    """``model``'s accuracy against ``other`` in one sentence, from the one comparison."""
    if g.direction == "none":
        return f"{g.model}: no accuracy comparison with {versus} (no items or estimate in common)."
    label = unpaired_label(g)
    how = f"{label}; " if label else ""
    test = f"{g.test} p {_p(g.p_value)}"
    if g.family > 1:
        test += f", {p_value(g.p_adjusted)} after Holm over {g.family} pairs"
    if g.mcnemar is not None and g.test != "exact McNemar":
        test += f"; McNemar p {_p(g.mcnemar.p_value)} on the pass/fail items"
    head = f"{g.model}: accuracy {_pp(g.diff)} vs {versus} ({how}{_ci(g)}; {test})"
    if g.clear:
        return f"{head}: clearly {'higher' if g.diff > 0 else 'lower'}."
    text = f"{head}: no clear difference"
    if not math.isnan(g.detectable):
        text += f"; these items detect about {100 * g.detectable:.1f} pp or more"
    need = g.items_needed
    if need is not None and need > g.items_per_task:
        text += f"; about {need:,} items per task would detect a {100 * g.smallest_difference:g}-point difference"
    return text + "."


def pair_sentence(p: Pairwise) -> str:
    return gap_sentence(p.gap)


def lines(decision: Decision) -> list[str]:
    """The uncertainty summary under the ranking table (empty when the bootstrap was not run)."""
    u = decision.uncertainty
    if u is None or decision.pick is None:
        return []
    out: list[str] = []
    tie = tie_sentence(decision)
    if tie:
        out.append(tie)
    if u.pairwise:
        how = pairs_phrase(decision.comparisons.family)
        out.append(f"Accuracy vs {decision.pick.model} ({how}):")
        out += [f"  {pair_sentence(p)}" for p in u.pairwise]
    if u.weight_ranges:
        parts = []
        for r in u.weight_ranges:
            ends = [f"{r.below} below" if r.below else "", f"{r.above} above" if r.above else ""]
            who = "; ".join(e for e in ends if e)
            parts.append(f"{r.criterion} {pct(r.low, 0)}–{pct(r.high, 0)}" + (f" ({who})" if who else ""))
        out.append(
            "The pick holds while each weight alone stays in its range (others rescaled): " + ", ".join(parts) + "."
        )
        near = ", ".join(f"{m} {s:.0%}" for m, s in _top(u.first_place_share))
        anywhere = ", ".join(f"{m} {s:.0%}" for m, s in _top(u.first_place_share_uniform))
        out.append(f"First place with weights near yours: {near}; over all weightings: {anywhere}.")
    if u.break_even:
        flips = [
            f"{m} at ×{x:.2f}" for m, x in sorted(u.break_even.items(), key=lambda kv: -(kv[1] or 0)) if x is not None
        ]
        never = [m for m, x in u.break_even.items() if x is None]
        text = "Price break-even (multiplier on a model's prices at which it would tie the pick): "
        text += ", ".join(flips) if flips else "none"
        out.append(text + (f"; never by price alone: {', '.join(never)}." if never else "."))
    return out


def _top(share: dict[str, float], k: int = 4) -> list[tuple[str, float]]:
    return [(m, s) for m, s in sorted(share.items(), key=lambda kv: -kv[1])[:k] if s > 0]
