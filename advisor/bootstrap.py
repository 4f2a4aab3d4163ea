"""The paired bootstrap over eval items: P(best), rank intervals and the tie for first.

Why this module exists: a ranking by point scores hides how often the order
would change on another draw of eval items. Resampling the items (task by task,
the same resampled items for every model, so comparisons stay paired) and
re-scoring every model on each resample gives, per model, the probability of
being the best choice under the user's weights and a 95% interval on its rank.
The models whose interval reaches rank 1 are statistically tied for first.

Only eval items are resampled: prices are not sampling noise, and cost and
latency move with the items they came from. Items are epoch-averaged before
they get here, so epochs stay together.

It is vectorised: a resample is a row of item counts (how often each item was
drawn), so means are one matrix product per task and chunk, and a latency
percentile is found from cumulative counts over each model's sorted values. No
Python loop runs per resample; resamples are processed in chunks to bound
memory. Each task draws from its own child generator of
``numpy.random.default_rng(seed)``, so results do not depend on the chunk size.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ScoreFn = Callable[[dict[str, FloatArray]], FloatArray]

#: Bytes of count matrix per chunk; bounds memory whatever the data size.
CHUNK_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Mean:
    """Task-weighted mean of a per-item value: Σ_t w_t mean_t(values)."""

    key: str


@dataclass(frozen=True)
class Ratio:
    """Σ_t w_t mean_t(numerator) / Σ_t w_t mean_t(denominator), or 1 minus that; ``empty`` at 0/0.

    Gracefulness is one: 1 − (severity of the failures) / (number of failures).
    """

    numerator: str
    denominator: str
    empty: float = 1.0
    one_minus: bool = False


@dataclass(frozen=True)
class Quantile:
    """A quantile (q in [0, 1], numpy's linear method) of a value pooled over all items."""

    key: str
    q: float


Stat = Mean | Ratio | Quantile


@dataclass(frozen=True)
class Task:
    """One task's items: per key, a (models × items) matrix, NaN where a model lacks the item."""

    values: Mapping[str, FloatArray]
    weight: float = 1.0

    @property
    def n_items(self) -> int:
        return int(next(iter(self.values.values())).shape[1])

    @property
    def n_models(self) -> int:
        return int(next(iter(self.values.values())).shape[0])


@dataclass(frozen=True)
class Summary:
    """What the ranking needs from resampled scores (B × models, NaN = excluded)."""

    p_best: FloatArray  # per model; ties for best split evenly
    rank_low: list[int | None]  # 2.5th percentile of the rank (1 = best); None if never scored
    rank_high: list[int | None]  # 97.5th percentile
    tied_for_first: list[int]  # models whose rank interval reaches 1, best P(best) first


@dataclass(frozen=True)
class BootstrapResult:
    summary: Summary
    values: dict[str, FloatArray]  # per criterion, (B × models)
    scores: FloatArray  # (B × models)
    resamples: int
    seed: int


def _check(tasks: Sequence[Task], stats: Mapping[str, Stat]) -> int:
    if not tasks:
        raise ValueError("no tasks to resample")
    models = tasks[0].n_models
    for t in tasks:
        for key, mat in t.values.items():
            if mat.ndim != 2 or mat.shape != (models, t.n_items):
                raise ValueError(f"values[{key!r}] has shape {mat.shape}, expected ({models}, {t.n_items})")
    for name, stat in stats.items():
        keys = (stat.numerator, stat.denominator) if isinstance(stat, Ratio) else (stat.key,)
        for key in keys:
            if any(key not in t.values for t in tasks):
                raise ValueError(f"criterion {name!r} needs {key!r} in every task")
    return models


class Prepared:
    """The per-task matrices the resamples multiply, built once and reused for every chunk."""

    def __init__(self, tasks: Sequence[Task], stats: Mapping[str, Stat]) -> None:
        self.models = _check(tasks, stats)
        self.tasks = tasks
        self.stats = stats
        self.weights = np.asarray([t.weight for t in tasks], dtype=np.float64)
        if (self.weights < 0).any() or self.weights.sum() <= 0:
            raise ValueError("task weights must be non-negative and not all zero")
        keys: list[str] = []
        for stat in stats.values():
            if isinstance(stat, Mean):
                keys.append(stat.key)
            elif isinstance(stat, Ratio):
                keys += [stat.numerator, stat.denominator]
        self.keys = list(dict.fromkeys(keys))
        # Per task: one (items × columns) matrix: every key's values (NaN as 0) for every
        # model, then, for keys with gaps, the presence of each model's items.
        self.design: list[FloatArray] = []
        self.columns: list[dict[str, tuple[int, int | None]]] = []
        m = self.models
        for t in tasks:
            blocks: list[FloatArray] = []
            cols: dict[str, tuple[int, int | None]] = {}
            for key in self.keys:
                v = t.values[key]
                cols[key] = (len(blocks) * m, None)
                blocks.append(np.nan_to_num(v, nan=0.0))
            for key in self.keys:
                v = t.values[key]
                if np.isnan(v).any():
                    cols[key] = (cols[key][0], len(blocks) * m)
                    blocks.append((~np.isnan(v)).astype(np.float64))
            self.design.append(np.ascontiguousarray(np.concatenate(blocks).T) if blocks
                               else np.zeros((t.n_items, 0)))
            self.columns.append(cols)
        self.quantiles = {
            stat.key: _SortedItems(tasks, stat.key) for stat in stats.values() if isinstance(stat, Quantile)
        }

    def values(self, counts: Sequence[npt.NDArray[np.integer]]) -> dict[str, FloatArray]:
        """Criterion values (B × models) given per task a (B × items) matrix of draw counts."""
        m = self.models
        means: dict[str, list[FloatArray]] = {key: [] for key in self.keys}
        for t, c, design, cols in zip(self.tasks, counts, self.design, self.columns, strict=True):
            fc = c.astype(np.float64)
            prod = fc @ design
            drawn = fc.sum(axis=1, keepdims=True)
            for key, (at, present_at) in cols.items():
                total = prod[:, at : at + m]
                n = drawn if present_at is None else prod[:, present_at : present_at + m]
                with np.errstate(invalid="ignore", divide="ignore"):
                    means[key].append(np.where(n > 0, total / np.where(n > 0, n, 1.0), np.nan))
            del t
        wsum = self.weights.sum()

        def mix(key: str) -> FloatArray:
            mixed: FloatArray = np.tensordot(self.weights, np.stack(means[key]), axes=1) / wsum
            return mixed

        result: dict[str, FloatArray] = {}
        for name, stat in self.stats.items():
            if isinstance(stat, Mean):
                result[name] = mix(stat.key)
            elif isinstance(stat, Ratio):
                num, den = mix(stat.numerator), mix(stat.denominator)
                with np.errstate(invalid="ignore", divide="ignore"):
                    r = num / np.where(den > 0, den, 1.0)
                r = 1.0 - r if stat.one_minus else r
                result[name] = np.where(den > 0, r, np.where(np.isnan(den), np.nan, stat.empty))
            else:
                result[name] = self.quantiles[stat.key].quantile(counts, stat.q)
        return result


class _SortedItems:
    """One key's item values pooled over tasks and sorted once per model, for quantiles."""

    def __init__(self, tasks: Sequence[Task], key: str) -> None:
        vals = np.concatenate([t.values[key] for t in tasks], axis=1)
        self.n_items = vals.shape[1]
        self.present = (~np.isnan(vals)).T.astype(np.float64)  # items × models
        self.order: list[IntArray] = []
        self.sorted: list[FloatArray] = []
        for v in vals:
            have = np.flatnonzero(~np.isnan(v))
            order = have[np.argsort(v[have], kind="stable")]
            self.order.append(order)
            self.sorted.append(v[order])
        self._windows: dict[float, tuple[list[tuple[int, int]], FloatArray]] = {}

    def _window(self, q: float) -> tuple[list[tuple[int, int]], FloatArray]:
        """Per model, the sorted positions [start, start + size) that almost always hold the
        q-quantile of a resample, and a matrix (items × 2 models) whose product with the
        counts gives the draws before each window and the draws in total."""
        if q not in self._windows:
            spans: list[tuple[int, int]] = []
            before = np.zeros_like(self.present)
            for m, order in enumerate(self.order):
                n = order.size
                half = int(8.0 * math.sqrt(n * q * (1.0 - q) + 1.0) + 16.0)
                start = max(0, min(int(q * n) - half, n))
                stop = min(n, int(q * n) + half + 1)
                spans.append((start, stop - start))
                before[order[:start], m] = 1.0
            self._windows[q] = (spans, np.concatenate([before, self.present], axis=1))
        return self._windows[q]

    def quantile(self, counts: Sequence[npt.NDArray[np.integer]], q: float) -> FloatArray:
        """numpy.quantile (linear) of each model's resampled values, from the counts alone.

        Only a window of sorted items near the quantile is accumulated; resamples whose
        quantile falls outside it (very rare) are redone over all items.
        """
        spans, matrix = self._window(q)
        models = len(self.order)
        joined = np.concatenate(counts, axis=1)
        b = joined.shape[0]
        sums = np.rint(joined.astype(np.float64) @ matrix).astype(np.int64)
        cat = np.ascontiguousarray(joined.T, dtype=np.int32)  # items × B
        out = np.full((b, models), np.nan)
        for m, (order, x) in enumerate(zip(self.order, self.sorted, strict=True)):
            if not order.size:
                continue
            total = sums[:, models + m]
            h = (total - 1.0) * q
            jlo = np.floor(h).astype(np.int64)
            frac = h - jlo
            jhi = np.minimum(jlo + 1, total - 1)
            todo = np.flatnonzero(total > 0)
            start, size = spans[m]
            for s, k, base_all in ((start, size, sums[:, m]), (0, order.size, None)):
                if not todo.size:
                    break
                win = cat[order[s : s + k]]
                if todo.size < b:
                    win = win[:, todo]
                cum = np.cumsum(win, axis=0, dtype=np.int64)
                cum += 0 if base_all is None else base_all[todo]
                lo_t, hi_t = jlo[todo], jhi[todo]
                inside = (lo_t >= cum[0] - win[0]) & (hi_t < cum[-1])
                ilo = np.minimum((cum <= lo_t).sum(axis=0), k - 1)
                ihi = np.minimum((cum <= hi_t).sum(axis=0), k - 1)
                lo_v, hi_v = x[s + ilo], x[s + ihi]
                out[todo[inside], m] = (lo_v + frac[todo] * (hi_v - lo_v))[inside]
                todo = todo[~inside]
        return out


def values_from_counts(
    tasks: Sequence[Task], stats: Mapping[str, Stat], counts: Sequence[npt.NDArray[np.integer]]
) -> dict[str, FloatArray]:
    """Criterion values per resample and model, given per task a (B × items) matrix of draw counts.

    Counts of all ones give the point estimate on the original items.
    """
    return Prepared(tasks, stats).values(counts)



def draw_counts(
    rngs: Sequence[np.random.Generator], sizes: Sequence[int], b: int
) -> list[npt.NDArray[np.int32]]:
    """b resamples per task: each row counts how often each item was drawn (n draws of n items)."""
    out = []
    for rng, n in zip(rngs, sizes, strict=True):
        idx = rng.integers(0, n, size=(b, n))
        flat = (idx + (np.arange(b) * n)[:, None]).ravel()
        out.append(np.bincount(flat, minlength=b * n).reshape(b, n).astype(np.int32))
    return out


def task_generators(seed: int, n_tasks: int) -> list[np.random.Generator]:
    """One independent stream per task, from ``numpy.random.default_rng(seed)``."""
    return list(np.random.default_rng(seed).spawn(n_tasks))


def paired_bootstrap(
    tasks: Sequence[Task],
    stats: Mapping[str, Stat],
    score: ScoreFn,
    *,
    resamples: int = 1000,
    seed: int = 0,
    chunk: int | None = None,
) -> BootstrapResult:
    """Resample items task by task, score every model on each resample, summarise.

    ``score`` maps criterion values (each B × models) to scores (B × models); NaN
    marks a model excluded from that resample.
    """
    prepared = Prepared(tasks, stats)
    models = prepared.models
    if resamples < 1:
        raise ValueError("resamples must be at least 1")
    sizes = [t.n_items for t in tasks]
    if chunk is None:
        chunk = max(1, min(resamples, CHUNK_BYTES // (8 * max(1, sum(sizes)))))
    rngs = task_generators(seed, len(tasks))
    parts: dict[str, list[FloatArray]] = {name: [] for name in stats}
    scores: list[FloatArray] = []
    for start in range(0, resamples, chunk):
        b = min(chunk, resamples - start)
        values = prepared.values(draw_counts(rngs, sizes, b))
        s = np.asarray(score(values), dtype=np.float64)
        if s.shape != (b, models):
            raise ValueError(f"score returned shape {s.shape}, expected {(b, models)}")
        scores.append(s)
        for name, v in values.items():
            parts[name].append(v)
    all_scores = np.concatenate(scores)
    return BootstrapResult(
        summary=summarise(all_scores),
        values={name: np.concatenate(v) for name, v in parts.items()},
        scores=all_scores,
        resamples=resamples,
        seed=seed,
    )


def ranks(scores: FloatArray) -> FloatArray:
    """Competition rank per resample (1 + models strictly better); NaN where the score is NaN."""
    valid = ~np.isnan(scores)
    s = np.where(valid, scores, -np.inf)
    better = (s[:, None, :] > s[:, :, None]).sum(axis=2)
    return np.where(valid, 1.0 + better, np.nan)


def summarise(scores: FloatArray, confidence: float = 0.95) -> Summary:
    """P(best), rank intervals and the tied-for-first set from resampled scores."""
    valid = ~np.isnan(scores)
    s = np.where(valid, scores, -np.inf)
    top = s.max(axis=1, initial=-np.inf)
    best = valid & (s == top[:, None])
    n_best = best.sum(axis=1)
    share = np.where(n_best[:, None] > 0, best / np.maximum(n_best, 1)[:, None], 0.0)
    p_best = share.mean(axis=0) if scores.shape[0] else np.zeros(scores.shape[1])
    r = ranks(scores)
    tail = (1.0 - confidence) / 2.0
    low: list[int | None] = []
    high: list[int | None] = []
    for m in range(scores.shape[1]):
        col = r[:, m][valid[:, m]]
        if not col.size:
            low.append(None)
            high.append(None)
            continue
        low.append(int(np.quantile(col, tail, method="lower")))
        high.append(int(np.quantile(col, 1.0 - tail, method="higher")))
    tied = sorted((m for m, lo in enumerate(low) if lo == 1), key=lambda m: (-p_best[m], m))
    return Summary(p_best=p_best, rank_low=low, rank_high=high, tied_for_first=tied)


def point_values(tasks: Sequence[Task], stats: Mapping[str, Stat]) -> dict[str, FloatArray]:
    """The criteria on the original items (one row), as the bootstrap computes them."""
    _check(tasks, stats)
    ones = [np.ones((1, t.n_items), dtype=np.int32) for t in tasks]
    return {k: v[0] for k, v in values_from_counts(tasks, stats, ones).items()}


def standard_stats(latency_q: float = 0.95) -> dict[str, Stat]:
    """The four criteria from per-item keys ``score``, ``cost``, ``latency``, ``severity``, ``failed``.

    ``severity`` is the item's mean failure severity over its epochs (0 when it passed),
    ``failed`` its share of failed epochs.
    """
    if not 0.0 <= latency_q <= 1.0 or math.isnan(latency_q):
        raise ValueError("latency quantile must be in [0, 1]")
    return {
        "accuracy": Mean("score"),
        "cost": Mean("cost"),
        "latency": Quantile("latency", latency_q),
        "gracefulness": Ratio("severity", "failed", empty=1.0, one_minus=True),
    }
