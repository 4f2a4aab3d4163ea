"""Dev against holdout: each model's accuracy gap, and whether it is clearly larger than the others'.

Why this module exists: a model (or a prompt) tuned to the dev items scores
better on dev than on the holdout. But every model may score differently on
the two parts by chance (one part may hold the harder items), so the gap of
one model means something only against the gaps of the others on the same
items. Per item i and model m the *contrast* is

    y_mi = x_mi − mean of the other models' scores on item i,

and the *excess gap* is the task-weighted difference of its means,
Σ_t w_t (mean_dev y_m − mean_holdout y_m): with complete data exactly
gap_m − mean of the others' gaps (a difference in differences, paired over
items across models; the parts are disjoint, so the two means are independent).

- Intervals (95%): a bootstrap over items within each task and part, the same
  resampled items for every model.
- The flag: items were dealt to the parts at random (a keyed hash), so with no
  model tuned to dev the part labels are exchangeable within a task and a
  permutation of them gives the exact null distribution. The statistic
  T_m = excess_m / s_m uses a scale s_m that no permutation changes (pooled
  per-task variances), and the single-step max-T adjustment (Westfall–Young)
  over models bounds the chance of flagging any model without a gap by α.
  The test is one-sided: only a larger gap than the others' is flagged.
- Power: the excess gap a test at α/models (one-sided) detects 80% of the time.

Array in, array out; knows no advisor type. Checked against brute force in the tests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from advisor.statistics.intervals import log_binom_pmf

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
_NORMAL = NormalDist()
#: Bytes of resampling matrix per chunk.
CHUNK_BYTES = 16 * 1024 * 1024
_TIE = 1e-12


@dataclass(frozen=True)
class PartTask:
    """One task: scores (models × items, NaN where a model has none), which items are held out, its weight."""

    scores: FloatArray
    holdout: BoolArray
    weight: float


@dataclass(frozen=True)
class GapStats:
    """Per model (in the order of the score rows)."""

    dev: FloatArray  # task-weighted accuracy on the dev items
    holdout: FloatArray
    gap: FloatArray  # dev − holdout
    gap_low: FloatArray  # 95% bootstrap interval
    gap_high: FloatArray
    excess: FloatArray  # gap beyond the other models' (difference in differences); NaN with one model
    excess_low: FloatArray
    excess_high: FloatArray
    scale: FloatArray  # permutation-invariant standard error of the excess
    p_value: FloatArray  # one-sided permutation p of the excess, per model
    p_adjusted: FloatArray  # max-T adjusted over the models
    detectable: FloatArray  # excess gap detected 80% of the time at α/models, one-sided
    dev_items: IntArray  # items behind each model's figures
    holdout_items: IntArray
    permutations: int
    resamples: int
    seed: int
    alpha: float

    @property
    def flagged(self) -> BoolArray:
        with np.errstate(invalid="ignore"):
            return np.asarray((self.p_adjusted < self.alpha) & (self.excess > 0), dtype=bool)


def contrasts(scores: FloatArray) -> FloatArray:
    """y_mi = x_mi − mean of the other models' scores on item i (NaN when either is missing)."""
    present = ~np.isnan(scores)
    x0 = np.where(present, scores, 0.0)
    others = present.sum(axis=0)[None, :] - present
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_others = (x0.sum(axis=0)[None, :] - x0) / others
    return np.where(present & (others > 0), scores - mean_others, np.nan)


def _counts(labels: FloatArray, valid: FloatArray) -> FloatArray:
    """How many valid items each label row weights, per model (no product when every item is valid)."""
    if valid.all():
        return np.repeat(labels.sum(axis=1, keepdims=True), valid.shape[0], axis=1)
    return labels @ valid.T


def _part_means(values: FloatArray, valid: FloatArray, labels: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Means over the items each label row weights: (labels × models) means and counts."""
    sums = labels @ values.T
    counts = _counts(labels, valid)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts, counts


def _chunks(total: int, width: int) -> list[int]:
    size = max(1, CHUNK_BYTES // (8 * max(width, 1)))
    return [min(size, total - start) for start in range(0, total, size)]


def _weights(tasks: Sequence[PartTask], valid: Sequence[BoolArray]) -> FloatArray:
    """Per model and task: the task weight where the model has items in both parts, renormalised per model."""
    n_models = tasks[0].scores.shape[0]
    w = np.zeros((n_models, len(tasks)))
    for t, (task, v) in enumerate(zip(tasks, valid, strict=True)):
        has_dev = v[:, ~task.holdout].any(axis=1)
        has_hold = v[:, task.holdout].any(axis=1)
        w[:, t] = np.where(has_dev & has_hold, task.weight, 0.0)
    total = w.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, w / total, 0.0)


def _diff(values: FloatArray, valid: FloatArray, holdout: FloatArray) -> FloatArray:
    """mean over dev − mean over holdout, per label row and model; 0 where a part has no item."""
    tot_s = (values * valid).sum(axis=1)
    tot_c = valid.sum(axis=1)
    s_h = holdout @ (values * valid).T
    c_h = _counts(holdout, valid)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = (tot_s - s_h) / (tot_c - c_h) - s_h / c_h
    return np.where(np.isfinite(d), d, 0.0)


def gap_stats(
    tasks: Sequence[PartTask],
    *,
    permutations: int = 1999,
    resamples: int = 2000,
    seed: int = 0,
    alpha: float = 0.05,
) -> GapStats:
    """Dev and holdout accuracy, gaps and excess gaps with intervals, permutation p-values and power."""
    if not tasks:
        raise ValueError("gap_stats needs at least one task")
    n_models = tasks[0].scores.shape[0]
    ys = [contrasts(t.scores) for t in tasks]
    several = n_models > 1
    valid = [~np.isnan(y) if several else ~np.isnan(t.scores) for t, y in zip(tasks, ys, strict=True)]
    w = _weights(tasks, valid)
    xs = [np.where(v, t.scores, 0.0) for t, v in zip(tasks, valid, strict=True)]
    y0 = [np.where(v & ~np.isnan(y), y, 0.0) for y, v in zip(ys, valid, strict=True)]
    vf = [v.astype(np.float64) for v in valid]

    dev = np.zeros(n_models)
    hold = np.zeros(n_models)
    excess = np.zeros(n_models)
    var = np.zeros(n_models)
    dev_n = np.zeros(n_models, dtype=np.int64)
    hold_n = np.zeros(n_models, dtype=np.int64)
    for t, task in enumerate(tasks):
        h = task.holdout.astype(np.float64)[None, :]
        d = 1.0 - h
        md, _ = _part_means(xs[t], vf[t], d)
        mh, _ = _part_means(xs[t], vf[t], h)
        use = w[:, t] > 0
        dev += np.where(use, w[:, t] * np.nan_to_num(md[0]), 0.0)
        hold += np.where(use, w[:, t] * np.nan_to_num(mh[0]), 0.0)
        excess += w[:, t] * _diff(y0[t], vf[t], h)[0]
        n_d = valid[t][:, ~task.holdout].sum(axis=1)
        n_h = valid[t][:, task.holdout].sum(axis=1)
        dev_n += np.where(use, n_d, 0)
        hold_n += np.where(use, n_h, 0)
        n_all = n_d + n_h
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (y0[t]).sum(axis=1) / n_all
            s2 = (((y0[t] - mean[:, None]) * vf[t]) ** 2).sum(axis=1) / (n_all - 1)
            var += np.where(use & (n_all > 1), w[:, t] ** 2 * s2 * (1.0 / n_d + 1.0 / n_h), 0.0)
    gap = dev - hold
    scale = np.sqrt(var)
    if not several:
        excess[:] = np.nan
    rng = np.random.default_rng(seed)
    perm_rng, boot_rng = rng.spawn(2)
    p, p_adj = _permutation_p(tasks, y0, vf, w, excess, scale, permutations, perm_rng) if several else (None, None)
    nan = np.full(n_models, np.nan)
    boot = _bootstrap(tasks, xs, y0, vf, w, resamples, boot_rng)
    z = _NORMAL.inv_cdf(1 - alpha / max(n_models, 1)) + _NORMAL.inv_cdf(0.8)
    return GapStats(
        dev=dev,
        holdout=hold,
        gap=gap,
        gap_low=boot[0],
        gap_high=boot[1],
        excess=excess,
        excess_low=boot[2] if several else nan,
        excess_high=boot[3] if several else nan,
        scale=scale if several else nan,
        p_value=p if p is not None else nan,
        p_adjusted=p_adj if p_adj is not None else nan,
        detectable=z * scale if several else nan,
        dev_items=dev_n,
        holdout_items=hold_n,
        permutations=permutations if several else 0,
        resamples=resamples,
        seed=seed,
        alpha=alpha,
    )


def _permutation_p(
    tasks: Sequence[PartTask],
    y0: Sequence[FloatArray],
    vf: Sequence[FloatArray],
    w: FloatArray,
    excess: FloatArray,
    scale: FloatArray,
    permutations: int,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray]:
    """One-sided permutation p-values of T = excess / scale, and their single-step max-T adjustment."""
    n_models = w.shape[0]
    testable = scale > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        t_obs = np.where(testable, excess / scale, 0.0)
    above = np.zeros(n_models, dtype=np.int64)
    above_max = np.zeros(n_models, dtype=np.int64)
    gens = rng.spawn(len(tasks))
    if permutations <= 0 or not testable.any():
        return np.ones(n_models), np.ones(n_models)
    n_items = max(t.holdout.size for t in tasks)
    for b in _chunks(permutations, n_items):
        stat = np.zeros((b, n_models))
        for t, task in enumerate(tasks):
            if not (w[:, t] > 0).any():
                continue
            labels = gens[t].permuted(np.tile(task.holdout.astype(np.float64), (b, 1)), axis=1)
            stat += w[:, t][None, :] * _diff(y0[t], vf[t], labels)
        with np.errstate(invalid="ignore", divide="ignore"):
            t_perm = np.where(testable[None, :], stat / scale[None, :], -np.inf)
        above += (t_perm >= t_obs[None, :] - _TIE).sum(axis=0)
        top = t_perm.max(axis=1)
        above_max += (top[:, None] >= t_obs[None, :] - _TIE).sum(axis=0)
    p = (1 + above) / (permutations + 1)
    p_adj = (1 + above_max) / (permutations + 1)
    return np.where(testable, p, 1.0), np.where(testable, p_adj, 1.0)


def _bootstrap(
    tasks: Sequence[PartTask],
    xs: Sequence[FloatArray],
    y0: Sequence[FloatArray],
    vf: Sequence[FloatArray],
    w: FloatArray,
    resamples: int,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """95% percentile intervals of the gap and the excess gap: items resampled within task and part."""
    n_models = w.shape[0]
    nan = np.full(n_models, np.nan)
    if resamples <= 0:
        return nan, nan, nan, nan
    gaps: list[FloatArray] = []
    excesses: list[FloatArray] = []
    gens = rng.spawn(2 * len(tasks))
    n_items = max(t.holdout.size for t in tasks)
    for b in _chunks(resamples, n_items):
        gap = np.zeros((b, n_models))
        exc = np.zeros((b, n_models))
        for t, task in enumerate(tasks):
            use = w[:, t] > 0
            if not use.any():
                continue
            both = np.vstack([xs[t], y0[t]])  # one product gives the means of x and of y
            means = []
            for k, members in enumerate((~task.holdout, task.holdout)):
                idx = np.flatnonzero(members)
                counts = _resample_counts(gens[2 * t + k], b, idx.size)
                sums = counts @ both[:, idx].T
                n = np.tile(_counts(counts, vf[t][:, idx]), 2)
                with np.errstate(invalid="ignore", divide="ignore"):
                    means.append(sums / n)
            diff = means[0] - means[1]
            gap += np.where(use[None, :], w[:, t][None, :] * diff[:, :n_models], 0.0)
            exc += np.where(use[None, :], w[:, t][None, :] * diff[:, n_models:], 0.0)
        gaps.append(gap)
        excesses.append(exc)
    g = np.concatenate(gaps)
    e = np.concatenate(excesses)
    with np.errstate(invalid="ignore"):
        glo, ghi = np.nanpercentile(g, [2.5, 97.5], axis=0) if g.size else (nan, nan)
        elo, ehi = np.nanpercentile(e, [2.5, 97.5], axis=0) if e.size else (nan, nan)
    return glo, ghi, elo, ehi


def _resample_counts(rng: np.random.Generator, b: int, n: int) -> FloatArray:
    """How often each of n items is drawn in each of b resamples of size n (with replacement)."""
    draws = rng.integers(0, n, size=(b, n), dtype=np.int32)  # b × n stays far below 2³¹ (CHUNK_BYTES)
    draws += (np.arange(b, dtype=np.int32) * n)[:, None]
    return np.bincount(draws.ravel(), minlength=b * n).reshape(b, n).astype(np.float64)


def paired_detectable(diffs: Sequence[FloatArray], weights: Sequence[float], power: float = 0.8) -> float:
    """The task-weighted paired difference a two-sided 5% test detects with this power (NaN without items)."""
    var = 0.0
    total = 0.0
    for d, w in zip(diffs, weights, strict=True):
        d = d[~np.isnan(d)]
        if w <= 0 or d.size < 2:
            continue
        var += w * w * float(np.var(d, ddof=1)) / d.size
        total += w
    if total <= 0:
        return math.nan
    return (_NORMAL.inv_cdf(0.975) + _NORMAL.inv_cdf(power)) * math.sqrt(var) / total


def binomial_range(n: int, p: float, coverage: float = 0.99) -> tuple[int, int]:
    """The central range a Binomial(n, p) count falls in with at least this probability."""
    if n <= 0:
        return 0, 0
    pmf = np.exp(log_binom_pmf(n, p))
    cdf = np.cumsum(pmf)
    tail = (1 - coverage) / 2
    low = int(np.searchsorted(cdf, tail, side="right"))
    high = int(np.searchsorted(cdf, 1 - tail, side="left"))
    return low, min(high, n)
