"""The uncertainty and robustness figures the memo shows, read from the Decision when present.

Why this module exists: P(best), rank intervals, the paired comparisons with
the leader, weight ranges and break-even prices come from the engine's
statistics (``advisor.stats``, ``advisor.bootstrap``, ``advisor.sensitivity``)
through the ``Decision``. This adapter is the one place that knows where they
live, so the memo's sections only see plain, optional values and say plainly
when a figure is not available.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from advisor.decide import Inputs
from advisor.rank import Decision
from advisor.uncertainty import Uncertainty, uncertainty


@dataclass(frozen=True)
class PairRow:
    """One model against the leader: accuracy difference (model − leader) and what would settle it."""

    model: str
    diff: float
    ci_low: float
    ci_high: float
    p_value: float
    p_adjusted: float
    detectable: float
    items_needed: int | None
    n: int
    mcnemar_p: float | None
    #: False when either model rests on per-task aggregates (an unpaired comparison).
    paired: bool = True


@dataclass(frozen=True)
class WeightRow:
    criterion: str
    weight: float
    low: float
    high: float
    below: str | None
    above: str | None


@dataclass(frozen=True)
class Extras:
    p_best: dict[str, float] | None = None
    rank_interval: dict[str, tuple[int, int]] | None = None
    tied_for_first: tuple[str, ...] | None = None
    resamples: int | None = None
    pairwise: tuple[PairRow, ...] | None = None
    weight_ranges: tuple[WeightRow, ...] | None = None
    first_place_share: dict[str, float] | None = None
    break_even: dict[str, float | None] | None = None


def from_uncertainty(u: Uncertainty) -> Extras:
    return Extras(
        p_best=dict(u.p_best),
        rank_interval={n: (u.rank_low[n], u.rank_high[n]) for n in u.rank_low if n in u.rank_high},
        tied_for_first=tuple(u.tied_for_first),
        resamples=u.resamples,
        pairwise=tuple(
            PairRow(
                model=p.model,
                diff=p.diff,
                ci_low=p.ci_low,
                ci_high=p.ci_high,
                p_value=p.p_value,
                p_adjusted=p.p_adjusted,
                detectable=p.detectable,
                items_needed=p.items_needed,
                n=p.n,
                mcnemar_p=p.mcnemar.p_value if p.mcnemar is not None else None,
                paired=p.paired,
            )
            for p in u.pairwise
        ),
        weight_ranges=tuple(WeightRow(r.criterion, r.weight, r.low, r.high, r.below, r.above) for r in u.weight_ranges),
        first_place_share=dict(u.first_place_share),
        break_even=dict(u.break_even),
    )


def extras_from(decision: Decision, inputs: Inputs) -> Extras:
    """The statistics the Decision carries (``Decision.uncertainty``), computed here when it is unset.

    While the engine's Decision has no ``uncertainty`` field yet, the sections say "not available".
    """
    if not hasattr(decision, "uncertainty"):
        return Extras()
    u: Any = getattr(decision, "uncertainty", None)
    if u is None:
        u = uncertainty(inputs, decision)
    return from_uncertainty(u)
