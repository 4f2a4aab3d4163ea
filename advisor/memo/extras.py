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


def _get(obj: Any, name: str) -> Any:
    return getattr(obj, name, None)


def extras_from(decision: Decision, inputs: Inputs) -> Extras:
    """Whatever statistics the Decision carries; None for each that it does not."""
    del inputs
    return Extras(
        p_best=_get(decision, "p_best"),
        rank_interval=_get(decision, "rank_interval"),
        tied_for_first=_get(decision, "tied_for_first"),
    )
