"""Comparing two models on the same items: paired differences, McNemar, Holm, power.

Why this module exists: the point of advisor is never to present noise as a
difference. Paired comparisons of two models on the items both saw (epochs
averaged per item first, so the standard error is clustered over epochs),
combined across tasks with the task-mix weights; McNemar's exact test for
pass/fail items; Holm's adjustment for many comparisons; and power: the
smallest difference the sample could detect and how many items per task would
separate two models at the observed gap. Checked against SciPy in the tests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from advisor.statistics.intervals import Z95, log_binom_pmf, two_sided_p, z_value

FloatArray = npt.NDArray[np.float64]
_NORMAL = NormalDist()


# ------------------------------------------------------------------------- power


def detectable_difference(var: float, n: float, alpha: float = 0.05, power: float = 0.8) -> float:
    """Minimum detectable difference of a paired mean: (z_{a/2} + z_b) * sqrt(var / n)."""
    if n <= 0 or math.isnan(var):
        return math.nan
    return (z_value(1 - alpha) + _NORMAL.inv_cdf(power)) * math.sqrt(max(var, 0.0) / n)


def items_needed(var: float, gap: float, alpha: float = 0.05, power: float = 0.8) -> int | None:
    """Items for a paired test to separate two models at the given gap; None when the gap is 0."""
    if gap == 0 or math.isnan(gap) or math.isnan(var):
        return None
    k = z_value(1 - alpha) + _NORMAL.inv_cdf(power)
    return max(2, math.ceil(k * k * max(var, 0.0) / (gap * gap)))


# ---------------------------------------------------------------- paired tests


def item_means(items: npt.ArrayLike, values: npt.ArrayLike, n_items: int | None = None) -> FloatArray:
    """Average the epochs of each item: ``out[i]`` is the mean of values whose item code is i.

    Items with no value are NaN. NaN values are ignored. This is the clustering step:
    the items, not the rows, are the independent units.
    """
    codes = np.asarray(items, dtype=np.int64)
    vals = np.asarray(values, dtype=np.float64)
    size = int(codes.max(initial=-1)) + 1 if n_items is None else n_items
    ok = ~np.isnan(vals)
    total = np.bincount(codes[ok], weights=vals[ok], minlength=size)
    count = np.bincount(codes[ok], minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


@dataclass(frozen=True)
class Paired:
    """A paired difference a − b over the items both models saw."""

    diff: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    n: int  # shared items
    only_a: int  # items only a saw (left out)
    only_b: int
    var: float  # variance of the per-item difference (ddof=1); for tasks combined, see paired_tasks
    detectable: float  # smallest difference this sample detects (80% power, 5% two-sided)
    items_needed: int | None  # items (per task) to separate at the observed gap

    @property
    def significant(self) -> bool:
        return not math.isnan(self.p_value) and self.p_value < 0.05


def _finish(
    diff: float, se: float, n: int, only_a: int, only_b: int, var: float, detectable: float, needed: int | None
) -> Paired:
    if se > 0:
        half = Z95 * se
        p = two_sided_p(diff / se)
    elif se == 0 and n >= 2:
        half = 0.0
        p = 1.0 if diff == 0 else 0.0
    else:
        half, p = math.nan, math.nan
    return Paired(diff, se, diff - half, diff + half, p, n, only_a, only_b, var, detectable, needed)


def paired(a: npt.ArrayLike, b: npt.ArrayLike) -> Paired:
    """Paired comparison of per-item values (epoch-averaged, aligned by item, NaN = not seen).

    Normal interval and p-value on the mean difference, SE = sd(d)/sqrt(n).
    """
    av = np.asarray(a, dtype=np.float64)
    bv = np.asarray(b, dtype=np.float64)
    has_a, has_b = ~np.isnan(av), ~np.isnan(bv)
    both = has_a & has_b
    d = av[both] - bv[both]
    n = int(d.size)
    only_a = int(np.count_nonzero(has_a & ~has_b))
    only_b = int(np.count_nonzero(has_b & ~has_a))
    diff = float(d.mean()) if n else math.nan
    var = float(d.var(ddof=1)) if n >= 2 else math.nan
    se = math.sqrt(var / n) if n >= 2 else math.nan
    return _finish(diff, se, n, only_a, only_b, var, detectable_difference(var, n), items_needed(var, diff))


def paired_tasks(parts: Sequence[Paired], weights: Sequence[float]) -> Paired:
    """Combine per-task paired differences with task-mix weights (tasks are independent).

    diff = Σ w_t d_t and SE² = Σ w_t² SE_t², the weights normalised over the tasks
    that have shared items. The detectable difference is for the current items per
    task; items needed is per task, the same number in every task.
    """
    used = [(p, w) for p, w in zip(parts, weights, strict=True) if p.n >= 2 and w > 0]
    only_a = sum(p.only_a for p in parts)
    only_b = sum(p.only_b for p in parts)
    n = sum(p.n for p, _ in used)
    if not used:
        return _finish(math.nan, math.nan, sum(p.n for p in parts), only_a, only_b, math.nan, math.nan, None)
    total = sum(w for _, w in used)
    ws = [w / total for _, w in used]
    diff = sum(w * p.diff for w, (p, _) in zip(ws, used, strict=True))
    se2 = sum(w * w * p.se**2 for w, (p, _) in zip(ws, used, strict=True))
    # Variance of the weighted mean with m items in every task: Σ w_t² var_t / m.
    var = sum(w * w * p.var for w, (p, _) in zip(ws, used, strict=True))
    k = z_value(0.95) + _NORMAL.inv_cdf(0.8)
    return _finish(diff, math.sqrt(se2), n, only_a, only_b, var, k * math.sqrt(se2), items_needed(var, diff))


@dataclass(frozen=True)
class McNemar:
    """Discordant pass/fail items: b = a passed and b failed, c = the reverse."""

    b: int
    c: int
    p_value: float


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value: Binomial(b + c, 1/2) on the discordant items."""
    n = b + c
    if n == 0:
        return 1.0
    k = min(b, c)
    lp = log_binom_pmf(n, 0.5)
    top = float(lp.max())
    tail = float(np.exp(lp[: k + 1] - top).sum()) * math.exp(top)
    return min(1.0, 2.0 * tail)


def mcnemar(a: npt.ArrayLike, b: npt.ArrayLike) -> McNemar | None:
    """McNemar's exact test on aligned per-item pass/fail values; None unless both are 0/1."""
    av = np.asarray(a, dtype=np.float64)
    bv = np.asarray(b, dtype=np.float64)
    both = ~np.isnan(av) & ~np.isnan(bv)
    av, bv = av[both], bv[both]
    if not (np.isin(av, (0.0, 1.0)).all() and np.isin(bv, (0.0, 1.0)).all()):
        return None
    nb = int(np.count_nonzero((av == 1) & (bv == 0)))
    nc = int(np.count_nonzero((av == 0) & (bv == 1)))
    return McNemar(nb, nc, mcnemar_exact(nb, nc))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment (family-wise error); NaN p-values stay NaN and don't count."""
    idx = [i for i, p in enumerate(p_values) if not math.isnan(p)]
    m = len(idx)
    out = [math.nan] * len(p_values)
    running = 0.0
    for rank, i in enumerate(sorted(idx, key=lambda j: p_values[j])):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        out[i] = running
    return out
