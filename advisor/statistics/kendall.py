"""Kendall's tau-b: how far two orders of the same models agree.

Why this module exists: the memo sets public scores (MMLU and the like) beside
the user's own ranking, and the overfitting check sets the ranking on the dev
items beside the ranking on the holdout; both say in one sentence how well the
two orders agree. Tau-b is the right coefficient when either side has ties (public scores often
do). It is a few lines, so it lives here rather than pulling SciPy (which the
tests use as the independent check) into the runtime.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> float:
    """Kendall's tau-b of two equally long sequences; NaN when either is constant or n < 2.

    tau_b = (C - D) / sqrt((n0 - n1) (n0 - n2)) where C and D count concordant
    and discordant pairs, n0 = n(n-1)/2, and n1, n2 the pairs tied in x, in y.
    """
    if len(x) != len(y):
        raise ValueError("kendall_tau_b needs two sequences of the same length")
    n = len(x)
    concordant = discordant = tied_x = tied_y = 0
    for i in range(n):
        for j in range(i + 1, n):
            dx = x[i] - x[j]
            dy = y[i] - y[j]
            if dx == 0 and dy == 0:
                tied_x += 1
                tied_y += 1
            elif dx == 0:
                tied_x += 1
            elif dy == 0:
                tied_y += 1
            elif (dx > 0) == (dy > 0):
                concordant += 1
            else:
                discordant += 1
    n0 = n * (n - 1) // 2
    denom = math.sqrt(float(n0 - tied_x) * float(n0 - tied_y))
    if denom == 0:
        return math.nan
    return (concordant - discordant) / denom


def agreement_words(tau: float) -> str:
    """A plain word for the strength of agreement."""
    if math.isnan(tau):
        return "undefined"
    a = abs(tau)
    strength = "strong" if a >= 0.6 else "moderate" if a >= 0.3 else "weak" if a >= 0.1 else "no real"
    if strength == "no real":
        return "no real agreement"
    return f"{strength} {'agreement' if tau > 0 else 'disagreement (reversed order)'}"
