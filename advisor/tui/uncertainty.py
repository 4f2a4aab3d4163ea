"""P(best) and rank intervals for the table, from the engine's paired bootstrap.

Why it exists: the bootstrap is slow (hundreds of resamples), so the TUI runs
it in a worker and shows its results when they arrive. This module adapts the
engine's result into what the table shows, and finds the engine's entry point;
it computes nothing itself. While the engine has no entry point, ``run``
returns None and the table shows "–".
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from advisor.decide import Inputs
from advisor.rank import Decision


@dataclass(frozen=True)
class Uncertainty:
    p_best: dict[str, float]
    rank_interval: dict[str, tuple[int, int]]
    tied_for_first: tuple[str, ...]
    resamples: int


#: Where the engine's decision-level bootstrap may live, first found wins.
ENTRY_POINTS = (("advisor.decide", "uncertainty"), ("advisor.rank", "uncertainty"), ("advisor.sensitivity", "uncertainty"))


def entry_point() -> Callable[..., Any] | None:
    for module, name in ENTRY_POINTS:
        try:
            fn = getattr(importlib.import_module(module), name, None)
        except ImportError:
            continue
        if callable(fn):
            return fn  # type: ignore[no-any-return]
    return None


def run(inputs: Inputs, decision: Decision, resamples: int) -> Uncertainty | None:
    """Call the engine's bootstrap (in a worker thread) and adapt its result."""
    fn = entry_point()
    if fn is None:
        return None
    result = fn(inputs, decision, resamples=resamples)
    return adapt(result, decision, resamples)


def adapt(result: Any, decision: Decision, resamples: int) -> Uncertainty:
    models = [m.model for m in decision.models]
    p_best = getattr(result, "p_best", {})
    if not isinstance(p_best, dict):
        p_best = dict(zip(models, (float(x) for x in p_best), strict=False))
    low = getattr(result, "rank_low", {})
    high = getattr(result, "rank_high", {})
    if not isinstance(low, dict):
        low = dict(zip(models, low, strict=False))
        high = dict(zip(models, high, strict=False))
    intervals = {m: (int(low[m]), int(high[m])) for m in models if low.get(m) is not None and high.get(m) is not None}
    tied = getattr(result, "tied_for_first", ())
    tied_names = tuple(models[t] if isinstance(t, int) else str(t) for t in tied)
    return Uncertainty(p_best=dict(p_best), rank_interval=intervals, tied_for_first=tied_names, resamples=resamples)
