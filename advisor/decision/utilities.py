"""Utility curves: how a raw metric becomes a utility in [0, 1], and a score from utilities.

Each criterion's curve has a best anchor (utility 1) and a worst (utility 0),
linear or log in between; anchors the profile leaves unset come from the
eligible models' values. Fixed anchors keep a model's score from changing when
another model is added.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from advisor.inputs.profiles import CRITERIA, Curve

#: Which way is better for each criterion, and the default scale of its curve.
HIGHER_IS_BETTER = {"accuracy": True, "cost": False, "latency": False, "gracefulness": True}
DEFAULT_SCALE = {"accuracy": "linear", "cost": "log", "latency": "log", "gracefulness": "linear"}
_LOG_FLOOR = 1e-12


@dataclass(frozen=True)
class Anchors:
    """A resolved utility curve: where utility is 1 (best) and 0 (worst).

    A log curve whose best anchor is 0 (a free or local model) is
    log(x + shift), with ``shift`` the cheapest positive value: ratios still
    count among paid models, and free is simply the best, instead of every paid
    model sitting at the bottom of a scale stretched down to zero.
    """

    best: float
    worst: float
    scale: str
    from_data: bool
    shift: float = 0.0

    def utility(self, x: npt.ArrayLike) -> npt.NDArray[np.float64]:
        arr = np.asarray(x, dtype=np.float64)
        best, worst = self.best, self.worst
        if self.scale == "log":
            s = self.shift
            arr = np.log(np.maximum(arr + s, _LOG_FLOOR))
            best, worst = math.log(max(best + s, _LOG_FLOOR)), math.log(max(worst + s, _LOG_FLOOR))
        if best == worst:
            better = arr >= best if best >= worst else arr <= best
            return np.where(np.isnan(arr), np.nan, np.where(better, 1.0, 0.0))
        with np.errstate(invalid="ignore"):
            return np.clip((arr - worst) / (best - worst), 0.0, 1.0) + 0.0  # + 0.0: no "-0.000" in tables


def resolve_anchors(curve: Curve, criterion: str, values: list[float]) -> Anchors:
    """Fill unset anchors from the data: best and worst of the eligible models."""
    scale = curve.scale or DEFAULT_SCALE[criterion]
    finite = [v for v in values if v is not None and math.isfinite(v)]
    hi = max(finite) if finite else 1.0
    lo = min(finite) if finite else 0.0
    best_default, worst_default = (hi, lo) if HIGHER_IS_BETTER[criterion] else (lo, hi)
    best = curve.best if curve.best is not None else best_default
    worst = curve.worst if curve.worst is not None else worst_default
    from_data = curve.best is None or curve.worst is None
    return Anchors(best, worst, scale, from_data, log_shift(scale, best, worst, finite if from_data else []))


#: With both anchors fixed by the profile the shift comes from them alone (so adding a model moves nothing).
FIXED_SHIFT = 1e-3


def log_shift(scale: str, best: float, worst: float, values: list[float]) -> float:
    """The shift of a log curve that reaches 0: the smallest positive value (data first, then the anchors)."""
    if scale != "log" or min(best, worst) > 0:
        return 0.0
    positive = [v for v in values if v > 0]
    if positive:
        return min(positive)
    anchor = max(best, worst)
    return anchor * (FIXED_SHIFT if not values else 1.0) if anchor > 0 else 0.0


def score_arrays(
    values: dict[str, npt.NDArray[np.float64]],
    anchors: dict[str, Anchors],
    weights: dict[str, float],
) -> npt.NDArray[np.float64]:
    """Vectorised score for any array shape (the bootstrap calls this per resample)."""
    total = np.zeros(np.shape(next(iter(values.values()))))
    for c in CRITERIA:
        if weights[c] > 0:
            total = total + weights[c] * np.nan_to_num(anchors[c].utility(values[c]), nan=0.0)
    return total
