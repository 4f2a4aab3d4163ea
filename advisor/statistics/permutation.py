"""The sign-flip permutation test for paired differences: exact where it can be, Monte Carlo where not.

Why this module exists: at small n a normal test on paired differences claims
far more than the data hold (5 items won by one model and none by the other is
p = 0.022 by a z-test, 0.0625 exactly). Under the null that the two models are
exchangeable on every item, each item's difference is as likely to have the
other sign, so the distribution of T = Σ xᵢ over all 2ᵐ sign patterns is the
exact null distribution, whatever the scores are. The statistic here is the
task-weighted accuracy difference, xᵢ = (wₜ / nₜ) · dᵢ.

Items whose differences share a magnitude form a group, and within a group the
number of positive signs is Binomial(mᵍ, ½); so the exact distribution is a
sum over groups, enumerated when the groups are few (pass/fail items of a task
are one group: this is McNemar's exact test; epochs and graded scores give a
handful of magnitudes). Otherwise, far in the tail, Hoeffding's inequality
bounds the p-value (conservative, so valid, and below anything the random flips
could resolve); elsewhere the p-value is estimated from seeded random sign
flips, stopped sequentially once enough flips are as extreme as the data
(Besag & Clifford), which is itself a valid p-value. Checked against
``scipy.stats.permutation_test`` and ``binomtest`` in the tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from advisor.statistics.intervals import log_binom_pmf

FloatArray = npt.NDArray[np.float64]

#: Most joint outcomes of the smaller groups enumerated exactly (the largest group is summed by its CDF).
EXACT_LIMIT = 200_000
#: Random sign flips when the exact sum is too large; fewer when there are very many items (bounded work).
FLIPS = 10_000
#: Sequential Monte Carlo stops after this many flips as extreme as the data (relative SE of p about 3%).
STOP_HITS = 1_000
_MIN_FLIPS = 2_000
_WORK = 20_000_000


@dataclass(frozen=True)
class SignFlip:
    """Two-sided p-value of Σ x under random signs, and how it was found."""

    p_value: float
    method: str  # "exact", "Monte Carlo" or "Hoeffding bound"
    flips: int = 0  # Monte Carlo sign flips (0 when exact)
    nonzero: int = 0  # items with a difference (the rest carry no information)


def _groups(x: FloatArray) -> tuple[FloatArray, npt.NDArray[np.int64]]:
    """Distinct magnitudes (to 1e-12 relative) and how many items have each."""
    mags = np.abs(x)
    top = float(mags.max())
    if float(mags.min()) >= top * (1 - 1e-12):  # one magnitude (pass/fail items of one task): McNemar
        return np.asarray([float(mags.mean())]), np.asarray([mags.size], dtype=np.int64)
    key = np.round(mags / top, 12)
    uniq, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    means = np.bincount(inverse, weights=mags) / counts  # the magnitude itself, not the rounded key
    return means, counts.astype(np.int64)


def _pmf_half(m: int) -> FloatArray:
    out: FloatArray = np.exp(log_binom_pmf(m, 0.5)) if m > 0 else np.ones(1)
    return out


def _exact(mags: FloatArray, counts: npt.NDArray[np.int64], t: float) -> float:
    """P(|Σ_g a_g (2X_g − m_g)| ≥ t), X_g ~ Binomial(m_g, ½) independent."""
    order = np.argsort(counts, kind="stable")
    *rest, last = order
    values = np.zeros(1)
    probs = np.ones(1)
    for g in rest:
        m = int(counts[g])
        step = mags[g] * (2.0 * np.arange(m + 1) - m)
        values = (values[:, None] + step[None, :]).ravel()
        probs = (probs[:, None] * _pmf_half(m)[None, :]).ravel()
    a, m = float(mags[last]), int(counts[last])
    pmf = _pmf_half(m)
    below = np.concatenate(([0.0], np.cumsum(pmf)))  # below[k] = P(X < k)
    above = np.concatenate((np.cumsum(pmf[::-1])[::-1], [0.0]))  # above[k] = P(X ≥ k), no cancellation
    # |S + a(2X − m)| ≥ t  ⟺  X ≥ (m + (t − S)/a)/2  or  X ≤ (m − (t + S)/a)/2 (disjoint: t > 0)
    up = np.clip(np.ceil((m + (t - values) / a) / 2.0 - 1e-9), 0, m + 1).astype(np.int64)
    down = np.clip(np.floor((m - (t + values) / a) / 2.0 + 1e-9), -1, m).astype(np.int64)
    tail = above[up] + below[down + 1]
    return float(min(1.0, (probs * tail).sum()))


def hoeffding_bound(x: FloatArray, t: float) -> float:
    """Hoeffding's bound on P(|Σ εᵢxᵢ| ≥ t) for random signs εᵢ: 2·exp(−t² / (2 Σ xᵢ²)), a valid (conservative) p."""
    return min(1.0, 2.0 * math.exp(-t * t / (2.0 * float(np.square(x).sum()))))


def _monte_carlo(mags: FloatArray, counts: npt.NDArray[np.int64], t: float, seed: int) -> tuple[float, int]:
    """Seeded random sign flips, stopped (Besag & Clifford, 1991) once ``STOP_HITS`` are as extreme as the data.

    Stopped at the h-th hit after L flips, p = h / L; run to the end, p = (1 + hits) / (1 + flips). Both are
    valid p-values; stopping early saves most of the work when p is large, where two digits are all we show.
    """
    rng = np.random.default_rng(seed)
    total = int(counts.sum())
    flips = max(_MIN_FLIPS, min(FLIPS, _WORK // max(1, total)))
    # Large groups draw their count of positive signs at once; the other items draw a random bit each.
    big = counts >= 32
    a1, am, cm = np.repeat(mags[~big], counts[~big]), mags[big], counts[big]
    hits = 0
    chunk = max(1, min(1_000, flips, 4_000_000 // max(1, mags.size)))
    for start in range(0, flips, chunk):
        b = min(chunk, flips - start)
        bytes_ = rng.integers(0, 256, size=(b, (a1.size + 7) // 8), dtype=np.uint8)
        bits = np.unpackbits(bytes_, axis=1)[:, : a1.size]
        stat = bits.astype(np.float64) @ (2.0 * a1) - a1.sum()
        if cm.size:
            stat += (2.0 * rng.binomial(cm, 0.5, size=(b, cm.size)) - cm) @ am
        extreme = np.abs(stat) >= t
        found = int(np.count_nonzero(extreme))
        if hits + found >= STOP_HITS:
            at = int(np.flatnonzero(extreme)[STOP_HITS - hits - 1])  # the flip that made the STOP_HITS-th hit
            done = start + at + 1
            return STOP_HITS / done, done
        hits += found
    return (1.0 + hits) / (1.0 + flips), flips


def sign_flip_test(x: npt.ArrayLike, *, seed: int = 0) -> SignFlip:
    """Two-sided sign-flip test of Σ xᵢ = 0 (xᵢ: weighted per-item differences; NaN and 0 carry nothing)."""
    arr = np.asarray(x, dtype=np.float64)
    arr = arr[~np.isnan(arr)]
    scale = float(np.abs(arr).max(initial=0.0))
    arr = arr[np.abs(arr) > 1e-12 * scale] if scale > 0 else arr[:0]
    if arr.size == 0:
        return SignFlip(1.0, "exact", 0, 0)
    mags, counts = _groups(arr)
    # The observed |T|, less a tolerance so that sign patterns equal to it up to rounding count as "as extreme".
    t = abs(float(arr.sum())) - 1e-9 * float(np.abs(arr).sum())
    if t <= 0:
        return SignFlip(1.0, "exact", 0, int(arr.size))
    smaller = np.sort(counts)[:-1]
    joint = math.prod(int(c) + 1 for c in smaller)
    if joint <= EXACT_LIMIT:
        return SignFlip(_exact(mags, counts, t), "exact", 0, int(arr.size))
    bound = hoeffding_bound(arr, t)
    if bound < 1.0 / (FLIPS + 1):  # far in the tail: the random flips would find nothing; the bound is exact enough
        return SignFlip(bound, "Hoeffding bound", 0, int(arr.size))
    p, flips = _monte_carlo(mags, counts, t, seed)
    return SignFlip(p, "Monte Carlo", flips, int(arr.size))
