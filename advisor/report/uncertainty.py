"""The decision's uncertainty and robustness in words and in JSON, shared by CLI, memo and TUI.

Why this module exists: the figures in ``advisor.decision.uncertainty`` only help if they
are said plainly: who is statistically tied for first and why the pick is still
the pick, which gaps with the leader are real after Holm's correction (and,
beside every "no clear difference", how much evidence would settle it), how far
each weight can move, and at what price a rival would overtake.
"""

from __future__ import annotations

import math
from typing import Any

from advisor.decision.explain import compare_reason
from advisor.decision.result import Decision, Pairwise, Uncertainty
from advisor.text.format import p_value, pct, signed


def _num(x: float) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def pair_json(p: Pairwise) -> dict[str, Any]:
    return {
        "model": p.model,
        "leader": p.leader,
        "metric": "accuracy",
        "difference": _num(p.diff),
        "ci_low": _num(p.ci_low),
        "ci_high": _num(p.ci_high),
        "p_value": _num(p.p_value),
        "p_adjusted": _num(p.p_adjusted),
        "adjustment": "holm",
        "detectable_difference": _num(p.detectable),
        "items_needed_per_task": p.items_needed,
        "n_items": p.n,
        "only_leader": p.only_leader,
        "only_model": p.only_model,
        "mcnemar": (
            {"b": p.mcnemar.b, "c": p.mcnemar.c, "p_value": p.mcnemar.p_value, "tasks": list(p.mcnemar_tasks)}
            if p.mcnemar is not None
            else None
        ),
        "score_difference": {
            "mean": _num(p.score_diff),
            "ci_low": _num(p.score_ci_low),
            "ci_high": _num(p.score_ci_high),
        },
        "paired": p.paired,
    }


def uncertainty_json(u: Uncertainty | None) -> dict[str, Any]:
    """The top-level JSON fields (all null when the bootstrap was not run)."""
    if u is None:
        keys = (
            "resamples",
            "seed",
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
        "tied_for_first": list(u.tied_for_first),
        "pairwise": [pair_json(p) for p in u.pairwise],
        "weight_ranges": {
            r.criterion: {"weight": r.weight, "low": r.low, "high": r.high, "below": r.below, "above": r.above}
            for r in u.weight_ranges
        },
        "first_place_share": {"around_weights": u.first_place_share, "uniform": u.first_place_share_uniform},
        "break_even_price_multiplier": u.break_even,
    }


def model_fields(u: Uncertainty | None, model: str) -> dict[str, Any]:
    """Per-model JSON fields: P(best) and the 95% rank interval (null when excluded or not run)."""
    if u is None or model not in u.p_best:
        return {"p_best": None, "rank_interval": None}
    lo, hi = u.rank_low.get(model), u.rank_high.get(model)
    return {"p_best": u.p_best[model], "rank_interval": [lo, hi] if lo is not None else None}


def cell(u: Uncertainty | None, model: str) -> str:
    """Table cell: "62% #1–2"."""
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
    """ "A and B are statistically tied for first; A is cheaper." or who is clearly first."""
    u = decision.uncertainty
    pick = decision.pick
    if u is None or pick is None or not u.tied_for_first:
        return None
    tied = list(u.tied_for_first)
    if len(tied) == 1:
        only = tied[0]
        return (
            f"{only} is first in {u.p_best[only]:.0%} of {u.resamples:,} paired-bootstrap resamples; "
            f"no other model's 95% rank interval reaches #1."
        )
    names = ", ".join(tied[:-1]) + f" and {tied[-1]}"
    shares = ", ".join(f"{u.p_best[m]:.0%}" for m in tied)
    text = f"{names} are statistically tied for first (P(best) {shares}; their 95% rank intervals reach #1)"
    rival = next(m for m in tied if m != pick.model) if pick.model in tied else tied[0]
    why = compare_reason(pick, decision.get(rival))
    return text + (f"; {pick.model} is {why}." if why else f"; {pick.model} has the higher score.")


def pair_sentence(p: Pairwise) -> str:
    ci = f"95% CI {_pp(p.ci_low)} to {_pp(p.ci_high)}"
    if not p.paired:
        ci = f"unpaired (aggregates), {ci}"
    mc = f", McNemar p {_p(p.mcnemar.p_value)} on pass/fail tasks {', '.join(p.mcnemar_tasks)}" if p.mcnemar else ""
    head = f"{p.model}: accuracy {_pp(p.diff)} vs the leader ({ci}, Holm-adjusted p {_p(p.p_adjusted)}{mc})"
    if p.clear:
        return f"{head}: clearly {'higher' if p.diff > 0 else 'lower'}."
    need = ""
    if p.items_needed:
        need = f"; about {p.items_needed:,} items per task would separate them at this gap"
    return f"{head}: no clear difference; this sample detects {100 * p.detectable:.1f} pp or more{need}."


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
        k = len(u.pairwise)
        if all(p.paired for p in u.pairwise):
            out.append(f"Paired accuracy vs {decision.pick.model} ({k} comparisons, Holm-adjusted):")
        else:
            out.append(
                f"Accuracy vs {decision.pick.model} ({k} comparisons, Holm-adjusted; unpaired (aggregates) "
                "where a model rests on per-task aggregates):"
            )
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
