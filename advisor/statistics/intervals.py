"""Intervals for rates and means, checked against SciPy in the tests.

Why this module exists: every figure advisor shows carries its uncertainty.
Wilson's score interval (optionally at an effective sample size when scores are
clustered or partial), the exact Clopper-Pearson interval, the rule of three
for zero observed failures of a kind, and the normal helpers the tests share.

SciPy is a test-only dependency; the few distribution functions needed here
come from the standard library (``statistics.NormalDist``) or are exact sums.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

Z95 = 1.959963984540054
_NORMAL = NormalDist()


def wilson(p: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a rate p observed over n trials (n may be fractional)."""
    if n <= 0:
        return 0.0, 1.0
    p = min(max(p, 0.0), 1.0)
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_interval(mean: float, se: float, n: int, z: float = Z95) -> tuple[float, float]:
    """Interval for a mean of scores in [0, 1] over n items: Wilson at the effective sample size.

    The effective size is n·p(1−p)/v, v the per-item variance (ddof 0, recovered from
    the SE with ddof 1 as (n−1)·se²) pooled with one pseudo-item of the largest variance
    a mean of p allows: v = (n·v₀ + p(1−p)) / (n + 1). Pass/fail items have v = p(1−p),
    so this is Wilson's interval at n exactly; graded scores that happen to be equal on a
    handful of items still get an interval of honest width, never zero.
    """
    if n <= 0 or math.isnan(mean):
        return 0.0, 1.0
    p = min(max(mean, 0.0), 1.0)
    bernoulli = p * (1.0 - p)
    observed = (n - 1) * se * se if not math.isnan(se) else bernoulli
    pooled = (n * observed + bernoulli) / (n + 1)
    n_eff = n * bernoulli / pooled if pooled > 0 and bernoulli > 0 else float(n)
    return wilson(p, n_eff, z)


# --------------------------------------------------------------------------- rates


def log_binom_pmf(n: int, p: float) -> FloatArray:
    """log P(X = i) for i = 0..n, X ~ Binomial(n, p), 0 < p < 1, without SciPy."""
    i = np.arange(1, n + 1, dtype=np.float64)
    log_comb = np.concatenate(([0.0], np.cumsum(np.log((n - i + 1) / i))))
    k = np.arange(n + 1, dtype=np.float64)
    return log_comb + k * math.log(p) + (n - k) * math.log1p(-p)


def _binom_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k), X ~ Binomial(n, p)."""
    if k < 0:
        return 0.0
    if k >= n or p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 0.0
    lp = log_binom_pmf(n, p)
    top = float(lp.max())
    total = float(np.exp(lp - top).sum())
    return min(1.0, float(np.exp(lp[: k + 1] - top).sum()) / total)


def _bisect(f: object, lo: float, hi: float, iters: int = 80) -> float:
    """Root of an increasing function on [lo, hi] by bisection."""
    assert callable(f)
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        if f(mid) < 0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def clopper_pearson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval for k events in n trials; never too narrow."""
    if n <= 0:
        return 0.0, 1.0
    if not 0 <= k <= n:
        raise ValueError(f"k={k} must be between 0 and n={n}")
    a = (1.0 - confidence) / 2.0
    # lower: P(X >= k | p) = a, i.e. 1 - cdf(k-1, p) - a = 0, increasing in p
    low = 0.0 if k == 0 else _bisect(lambda p: (1.0 - _binom_cdf(k - 1, n, p)) - a, 0.0, 1.0)
    # upper: P(X <= k | p) = a, decreasing in p
    high = 1.0 if k == n else _bisect(lambda p: a - _binom_cdf(k, n, p), 0.0, 1.0)
    return low, high


def rule_of_three(n: int) -> float:
    """Approximate 95% upper bound on a rate when 0 events were seen in n trials (3/n)."""
    return 1.0 if n <= 0 else min(1.0, 3.0 / n)


@dataclass(frozen=True)
class RateInterval:
    """An observed rate with a 95% interval and the method that gave it."""

    k: int
    n: int
    rate: float
    low: float
    high: float
    method: str  # "wilson", "exact" or "rule of three"


def rate_interval(k: int, n: int, method: str = "wilson") -> RateInterval:
    """Interval for k events in n trials: the rule of three at k = 0, else Wilson or exact."""
    rate = k / n if n > 0 else math.nan
    if n > 0 and k == 0:
        return RateInterval(k, n, 0.0, 0.0, rule_of_three(n), "rule of three")
    if method == "exact":
        low, high = clopper_pearson(k, n)
    elif method == "wilson":
        low, high = wilson(rate if n > 0 else 0.0, n)
    else:
        raise ValueError(f"unknown interval method {method!r}")
    return RateInterval(k, n, rate, low, high, method)


# ----------------------------------------------------------------- normal helpers


def two_sided_p(z: float) -> float:
    """Two-sided p-value of a standard normal statistic."""
    if math.isnan(z):
        return math.nan
    return min(1.0, 2.0 * _NORMAL.cdf(-abs(z)))


def z_value(confidence: float) -> float:
    """The two-sided critical value, e.g. 1.96 for 0.95."""
    return _NORMAL.inv_cdf(0.5 + confidence / 2.0)
