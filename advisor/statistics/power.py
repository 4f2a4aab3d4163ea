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

import math
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from advisor.statistics.intervals import log_binom_pmf

FloatArray = npt.NDArray[np.float64]
_NORMAL = NormalDist()
#: Beyond this many items the exact McNemar power is replaced by its normal approximation.
EXACT_UP_TO = 10_000


def z_two_sided(alpha: float) -> float:
    return _NORMAL.inv_cdf(1.0 - alpha / 2.0)


def _log_factorials(n: int) -> FloatArray:
    out: FloatArray = np.concatenate(([0.0], np.cumsum(np.log(np.arange(1, n + 1, dtype=np.float64)))))
    return out


def _rejection(j_lo: int, j_hi: int, share: float, alpha: float) -> FloatArray:
    """P(the exact test rejects | j discordant items) for j = j_lo..j_hi, the better model winning each with ``share``.

    The test rejects when the smaller count of wins is at most c_j, the largest c with
    2·P(X ≤ c) < alpha for X ~ Binomial(j, ½). All j at once, from log factorials.
    """
    j_lo = max(j_lo, 1)
    share = min(share, 1.0 - 1e-15)  # every discordant item won by the better model: the limit, not log(0)
    out = np.zeros(max(0, j_hi - j_lo + 1))
    if out.size == 0:
        return out
    lf = _log_factorials(j_hi)
    k_max = j_hi // 2 + 1
    k = np.arange(k_max)
    step = max(1, 2_000_000 // k_max)
    for start in range(j_lo, j_hi + 1, step):
        j = np.arange(start, min(j_hi, start + step - 1) + 1)[:, None]
        valid = k[None, :] <= j // 2
        log_comb = np.where(valid, lf[j] - lf[np.minimum(k, j)] - lf[np.maximum(j - k, 0)], -np.inf)
        under_half = np.exp(log_comb - j * math.log(2.0))
        crit = (2.0 * np.cumsum(under_half, axis=1) < alpha).sum(axis=1) - 1  # c_j, −1: never rejects
        inside = k[None, :] <= crit[:, None]
        low = np.exp(log_comb + k * math.log(share) + (j - k) * math.log1p(-share))
        high = np.exp(log_comb + k * math.log1p(-share) + (j - k) * math.log(share))  # k losses ↔ j − k wins
        rows = j[:, 0] - j_lo
        out[rows] = np.where(inside, low + high, 0.0).sum(axis=1)
    return out


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


def _window(n: int, pi: float) -> tuple[int, int]:
    """Discordant counts j that carry all but a negligible part of Binomial(n, π)."""
    sd = math.sqrt(n * pi * (1 - pi))
    return max(0, int(n * pi - 12 * sd - 12)), min(n, int(n * pi + 12 * sd + 12))


class _Power:
    """Exact power at any n in a range, from one table of rejection probabilities over the j that matter."""

    def __init__(self, discordance: float, delta: float, alpha: float, n_lo: int, n_hi: int) -> None:
        self.pi = min(1.0, max(discordance, abs(delta)))
        self.share = 0.5 * (1.0 + abs(delta) / self.pi)
        self.j_lo, self.j_hi = _window(n_lo, self.pi)[0], _window(n_hi, self.pi)[1]
        self.reject = _rejection(self.j_lo, self.j_hi, self.share, alpha)
        self.j_lo = max(self.j_lo, 1)

    def __call__(self, n: int) -> float:
        lo, hi = _window(n, self.pi)
        lo, hi = max(lo, self.j_lo), min(hi, self.j_hi)
        if hi < lo:
            return 0.0
        pmf = _binom_pmf(n, self.pi)
        return float(np.dot(pmf[lo : hi + 1], self.reject[lo - self.j_lo : hi - self.j_lo + 1]))


def mcnemar_power(n: int, discordance: float, delta: float, alpha: float = 0.05) -> float:
    """Exact power of the two-sided exact McNemar test with n pairs, discordance π and true difference δ (≤ π)."""
    if n <= 0 or discordance <= 0:
        return 0.0
    return _Power(discordance, delta, alpha, n, n)(n)


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
    lo, hi = start, start
    while True:
        hi = min(EXACT_UP_TO, int(hi * 1.25) + 20)
        exact = _Power(discordance, delta, alpha, lo, hi)
        for n in range(lo, hi + 1):
            if exact(n) >= power:
                return n
        if hi >= EXACT_UP_TO:
            return hi
        lo = hi + 1


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
