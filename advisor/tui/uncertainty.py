"""P(best), rank intervals, ties, weight ranges and break-even from the engine, for the TUI.

Why it exists: the engine's bootstrap (``advisor.uncertainty``) takes a moment,
so the TUI runs it in a worker and shows the result when it arrives. This
module calls it and keeps what the screens show, keyed by model; it computes
nothing itself.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from advisor.decide import Inputs
from advisor.rank import Decision


@dataclass(frozen=True)
class Uncertainty:
    p_best: dict[str, float]
    rank_interval: dict[str, tuple[int, int]]
    tied_for_first: tuple[str, ...]
    resamples: int
    #: The engine's paired comparison with the leader, by model (``advisor.uncertainty.Pairwise``).
    pairwise: dict[str, Any] = field(default_factory=dict)
    #: ``advisor.uncertainty.NamedRange`` per criterion: how far a weight moves before the pick changes.
    weight_ranges: tuple[Any, ...] = ()
    #: Price multiplier at which each model would tie the pick (None: never).
    break_even: dict[str, float | None] = field(default_factory=dict)


def available() -> bool:
    """Whether the engine has the bootstrap, without importing it (cheap, for the UI thread)."""
    return importlib.util.find_spec("advisor.uncertainty") is not None


def entry_point() -> Callable[..., Any] | None:
    try:
        from advisor.uncertainty import uncertainty
    except ImportError:
        return None
    return uncertainty


def run(inputs: Inputs, decision: Decision, resamples: int) -> Uncertainty | None:
    """Call the engine's bootstrap (in a worker thread) and keep what the screens show."""
    fn = entry_point()
    if fn is None:
        return None
    return adapt(fn(inputs, decision, resamples=resamples), resamples)


def adapt(result: Any, resamples: int) -> Uncertainty:
    low: dict[str, int] = dict(getattr(result, "rank_low", {}))
    high: dict[str, int] = dict(getattr(result, "rank_high", {}))
    return Uncertainty(
        p_best=dict(getattr(result, "p_best", {})),
        rank_interval={m: (int(low[m]), int(high[m])) for m in low if m in high},
        tied_for_first=tuple(getattr(result, "tied_for_first", ())),
        resamples=int(getattr(result, "resamples", resamples)),
        pairwise={p.model: p for p in getattr(result, "pairwise", ())},
        weight_ranges=tuple(getattr(result, "weight_ranges", ())),
        break_even=dict(getattr(result, "break_even", {})),
    )
