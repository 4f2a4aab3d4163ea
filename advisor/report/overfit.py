"""The overfitting check in words, as table rows and as JSON: shared by the CLI, the TUI and the memo.

Why this module exists: a dev–holdout gap only helps if it is said plainly —
which part the ranking used and on how many items, which model looks tuned to
the dev items (and by how much beyond the others), whether the two parts rank
the models alike, and whether the holdout is large enough to tell. One set of
sentences, so every front end says the same. Names are returned raw; each
renderer cleans or escapes them for its medium.
"""

from __future__ import annotations

import math
from typing import Any

from advisor.decision.overfit_result import ModelGap, OverfitCheck
from advisor.statistics.kendall import agreement_words
from advisor.text.format import p_value, pct

GAP_HEADERS = ("model", "dev", "holdout", "gap (95%)", "beyond others (95%)", "p adj.", "flag")


def pts(x: float | None, sign: bool = True) -> str:
    """Accuracy points: ``+8.1`` (``n/a`` when missing)."""
    if x is None or math.isnan(x):
        return "n/a"
    return f"{100 * x:+.1f}" if sign else f"{100 * x:.1f}"


def part_line(check: OverfitCheck) -> str:
    """Which part of the split the ranking used, with item counts."""
    total = check.dev_items + check.holdout_items
    n = check.ranked_items
    share = f" ({n / total:.0%})" if total else ""
    if check.part == "all":
        what = f"all {total:,} items (dev and holdout of rotation {check.rotation})"
    else:
        what = f"the {check.part} of rotation {check.rotation}: {n:,} of {total:,} items{share}"
    others = [p for p in ("holdout", "dev", "all") if p != check.part]
    return f"Ranked on {what}; `--on {others[0]}` or `--on {others[1]}` for the others."


def gap_row(g: ModelGap) -> tuple[str, ...]:
    beyond = "n/a"
    if g.excess is not None:
        beyond = f"{pts(g.excess)} ({pts(g.excess_low)} to {pts(g.excess_high)})"
    return (
        g.model,
        pct(g.dev),
        pct(g.holdout),
        f"{pts(g.gap)} ({pts(g.gap_low)} to {pts(g.gap_high)})",
        beyond,
        p_value(g.p_adjusted) if g.p_adjusted is not None else "n/a",
        "tuned to dev?" if g.flagged else "",
    )


def flag_sentence(g: ModelGap, n_models: int) -> str:
    return (
        f"{g.model} looks tuned to the dev items: {pts(g.excess)} points more on dev than on the holdout beyond "
        f"the other models' gap (95% {pts(g.excess_low)} to {pts(g.excess_high)}; p {p_value(g.p_adjusted or 1.0)} "
        f"adjusted over {n_models} models); trust its holdout accuracy, {pct(g.holdout)}."
    )


def lines(check: OverfitCheck) -> list[str]:
    """The check's sentences: flags (or none), rank agreement, the picks on each part, then warnings."""
    out: list[str] = []
    flagged = [g for g in check.models if g.flagged]
    for g in flagged:
        out.append(flag_sentence(g, len(check.models)))
    if not flagged and len(check.models) > 1:
        out.append(
            f"No model's dev–holdout gap is clearly larger than the others' ({len(check.models)} models; "
            f"permutation test over the deal of items, max-T adjusted, {check.alpha:.0%})."
        )
    if check.tau is not None:
        out.append(
            f"Dev and holdout rank the models alike? Kendall's tau-b {check.tau:+.2f} over {check.tau_models} "
            f"ranked models: {agreement_words(check.tau)}."
        )
    elif check.tau_models:
        out.append(f"Too few models ranked on both parts ({check.tau_models}) to compare their orders.")
    if check.dev_pick != check.holdout_pick and check.dev_pick and check.holdout_pick:
        out.append(f"The pick differs: {check.dev_pick} on the dev items, {check.holdout_pick} on the holdout.")
    out.extend(f"warning: {w}" for w in check.warnings)
    return out


def _num(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def gap_json(g: ModelGap) -> dict[str, Any]:
    return {
        "model": g.model,
        "dev_accuracy": g.dev,
        "holdout_accuracy": g.holdout,
        "gap": {"mean": _num(g.gap), "ci_low": _num(g.gap_low), "ci_high": _num(g.gap_high)},
        "beyond_others": {"mean": _num(g.excess), "ci_low": _num(g.excess_low), "ci_high": _num(g.excess_high)},
        "p_value": _num(g.p_value),
        "p_adjusted": _num(g.p_adjusted),
        "detectable": _num(g.detectable),
        "dev_items": g.dev_items,
        "holdout_items": g.holdout_items,
        "flagged": g.flagged,
    }


def split_json(check: OverfitCheck | None) -> dict[str, Any] | None:
    """The ``split`` field of ``advisor rank --format json`` (null without a split)."""
    if check is None:
        return None
    return {
        "rotation": check.rotation,
        "holdout_share": check.share,
        "part": check.part,
        "items": {"dev": check.dev_items, "holdout": check.holdout_items, "ranked": check.ranked_items},
        "task_items": {t: {"dev": d, "holdout": h} for t, (d, h) in check.items.items()},
        "overfitting": {
            "models": [gap_json(g) for g in check.models],
            "flagged": list(check.flagged),
            "method": "difference in differences against the other models' mean; permutation test of the deal "
            "(one-sided, max-T adjusted); 95% bootstrap intervals within task and part",
            "permutations": check.permutations,
            "resamples": check.resamples,
            "seed": check.seed,
            "alpha": check.alpha,
        },
        "rank_agreement": {
            "kendall_tau_b": _num(check.tau),
            "models": check.tau_models,
            "dev_pick": check.dev_pick,
            "holdout_pick": check.holdout_pick,
        },
        "holdout_detectable_difference": _num(check.holdout_detectable),
        "smallest_difference": check.smallest_difference,
        "warnings": list(check.warnings),
    }
