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
    """A resolved utility curve: where utility is 1 (best) and 0 (worst)."""

    best: float
    worst: float
    scale: str
    from_data: bool

    def utility(self, x: npt.ArrayLike) -> npt.NDArray[np.float64]:
        arr = np.asarray(x, dtype=np.float64)
        best, worst = self.best, self.worst
        if self.scale == "log":
            arr = np.log(np.maximum(arr, _LOG_FLOOR))
            best, worst = math.log(max(best, _LOG_FLOOR)), math.log(max(worst, _LOG_FLOOR))
        if best == worst:
            better = arr >= best if best >= worst else arr <= best
            return np.where(np.isnan(arr), np.nan, np.where(better, 1.0, 0.0))
        with np.errstate(invalid="ignore"):
            return np.clip((arr - worst) / (best - worst), 0.0, 1.0)


def resolve_anchors(curve: Curve, criterion: str, values: list[float]) -> Anchors:
    """Fill unset anchors from the data: best and worst of the eligible models."""
    scale = curve.scale or DEFAULT_SCALE[criterion]
    finite = [v for v in values if v is not None and math.isfinite(v)]
    hi = max(finite) if finite else 1.0
    lo = min(finite) if finite else 0.0
    best_default, worst_default = (hi, lo) if HIGHER_IS_BETTER[criterion] else (lo, hi)
    best = curve.best if curve.best is not None else best_default
    worst = curve.worst if curve.worst is not None else worst_default
    return Anchors(best=best, worst=worst, scale=scale, from_data=curve.best is None or curve.worst is None)


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
