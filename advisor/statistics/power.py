"""Power: how many items would settle a comparison, and the smallest gap the items at hand can detect.

Why this module exists: beside every "no clear difference" advisor says how much
more evidence would settle it. The question is asked about a stated smallest
difference worth detecting (a profile setting), not about the observed gap —
under the null the observed gap is noise, and planning on it advises anything
from a thousand to half a million items.

For pass/fail items the count is the smallest at which McNemar's *exact* test
(the test advisor runs) reaches the power asked for, computed exactly: given j
discordant items, the test rejects when the smaller of the two discordant counts
is at most the binomial critical value c_j, so power(n) = Σ_j P(j | n) · P(reject | j)
with j ~ Binomial(n, π) and the better model winning each discordant item with
probability (π + δ) / 2π. The normal approximation (Connor 1987) is where the
search starts, and is used alone beyond ``EXACT_UP_TO`` items, where the two agree.
For graded scores and unpaired comparisons the normal approximation of the test
statistic is used. Checked against ``scipy.stats.binomtest`` by brute force.
"""

from __future__ import annotations

import functools
import math
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from advisor.statistics.intervals import log_binom_pmf

FloatArray = npt.NDArray[np.float64]
_NORMAL = NormalDist()
#: Beyond this many items the exact McNemar power is replaced by its normal approximation.
EXACT_UP_TO = 20_000


def z_two_sided(alpha: float) -> float:
    return _NORMAL.inv_cdf(1.0 - alpha / 2.0)


@functools.lru_cache(maxsize=65_536)
def mcnemar_critical(j: int, alpha: float) -> int:
    """Largest c with 2·P(X ≤ c) < alpha, X ~ Binomial(j, ½): the exact test rejects when min(b, c) ≤ c.

    −1 when it never rejects at j discordant items.
    """
    if j <= 0:
        return -1
    cdf = np.cumsum(np.exp(log_binom_pmf(j, 0.5)))
    return int(np.searchsorted(2.0 * cdf, alpha, side="left")) - 1


def _binom_pmf(n: int, p: float) -> FloatArray:
    if p <= 0.0 or p >= 1.0:
        out = np.zeros(n + 1)
        out[0 if p <= 0.0 else n] = 1.0
        return out
    result: FloatArray = np.exp(log_binom_pmf(n, p))
    return result


class _Rejection:
    """P(the exact test rejects | j discordant items), the better model winning each with ``share``; grown on demand."""

    def __init__(self, share: float, alpha: float) -> None:
        self.share, self.alpha = share, alpha
        self.table = np.zeros(1)

    def upto(self, j_max: int) -> FloatArray:
        have = self.table.size - 1
        if j_max > have:
            grown = np.concatenate((self.table, np.zeros(j_max - have)))
            for j in range(have + 1, j_max + 1):
                c = mcnemar_critical(j, self.alpha)
                if c >= 0:
                    pmf = _binom_pmf(j, self.share)
                    grown[j] = float(pmf[: c + 1].sum() + pmf[j - c :].sum())
            self.table = grown
        return self.table


def _power(n: int, pi: float, rejection: _Rejection) -> float:
    pmf_j = _binom_pmf(n, pi)
    sd = math.sqrt(n * pi * (1 - pi))
    hi = min(n, int(n * pi + 12 * sd + 12))
    lo = max(0, int(n * pi - 12 * sd - 12))
    return float(np.dot(pmf_j[lo : hi + 1], rejection.upto(hi)[lo : hi + 1]))


def _setup(discordance: float, delta: float, alpha: float) -> tuple[float, _Rejection]:
    pi = min(1.0, max(discordance, abs(delta)))
    return pi, _Rejection(0.5 * (1.0 + abs(delta) / pi), alpha)


def mcnemar_power(n: int, discordance: float, delta: float, alpha: float = 0.05) -> float:
    """Exact power of the two-sided exact McNemar test with n pairs, discordance π and true difference δ (≤ π)."""
    if n <= 0 or discordance <= 0:
        return 0.0
    pi, rejection = _setup(discordance, delta, alpha)
    return _power(n, pi, rejection)


def connor_items(discordance: float, delta: float, alpha: float = 0.05, power: float = 0.8) -> float:
    """Normal-approximation pairs for McNemar's test (Connor 1987): (z_a √π + z_b √(π − δ²))² / δ²."""
    pi = max(discordance, abs(delta))
    za, zb = z_two_sided(alpha), _NORMAL.inv_cdf(power)
    return (za * math.sqrt(pi) + zb * math.sqrt(max(pi - delta * delta, 1e-12))) ** 2 / (delta * delta)


def mcnemar_items(discordance: float, delta: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Fewest pairs at which the exact McNemar test reaches ``power`` (exact up to ``EXACT_UP_TO``)."""
    if delta == 0 or math.isnan(delta) or math.isnan(discordance):
        raise ValueError("a difference worth detecting must be non-zero")
    start = max(1, math.floor(connor_items(discordance, delta, alpha, power)))
    if start > EXACT_UP_TO:
        return start
    pi, rejection = _setup(discordance, delta, alpha)
    n = start
    while _power(n, pi, rejection) < power:
        n += max(1, n // 200)
        if n > EXACT_UP_TO:
            return n
    while n > 1 and _power(n - 1, pi, rejection) >= power:  # step back when the jump overshot
        n -= 1
    return n


def normal_items(null_var: float, alt_var: float, delta: float, alpha: float = 0.05, power: float = 0.8) -> float:
    """Units for a two-sided normal test of a mean difference δ: (z_a √v₀ + z_b √v₁)² / δ² (variances per unit)."""
    za, zb = z_two_sided(alpha), _NORMAL.inv_cdf(power)
    return (za * math.sqrt(max(null_var, 0.0)) + zb * math.sqrt(max(alt_var, 0.0))) ** 2 / (delta * delta)


def detectable(null_var: float, alt_var_per_delta2: float, alpha: float = 0.05, power: float = 0.8) -> float:
    """Smallest δ detected with ``power``: δ = z_a √v₀ + z_b √(v₀ − δ²·k), v₀ the null variance of the estimate.

    ``alt_var_per_delta2`` is k, how much the variance falls per unit of δ² under the alternative (0 for unpaired).
    """
    if math.isnan(null_var) or null_var <= 0:
        return math.nan
    za, zb = z_two_sided(alpha), _NORMAL.inv_cdf(power)
    delta = (za + zb) * math.sqrt(null_var)
    for _ in range(50):
        nxt = za * math.sqrt(null_var) + zb * math.sqrt(max(null_var - delta * delta * alt_var_per_delta2, 0.0))
        if abs(nxt - delta) < 1e-12:
            break
        delta = nxt
    return delta
