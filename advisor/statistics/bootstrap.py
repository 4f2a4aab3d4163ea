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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from advisor.statistics.quantiles import SortedValues

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ScoreFn = Callable[[dict[str, FloatArray]], FloatArray]

#: Bytes of count matrix per chunk (one byte per item and resample); bounds memory whatever the
#: data size, and keeps chunks tall enough for BLAS to run at speed (a 100-row product is 5× slower).
CHUNK_BYTES = 16 * 1024 * 1024
#: Fewest resamples per chunk, whatever the item count: shorter products waste most of BLAS's speed.
MIN_CHUNK = 128
#: The most resamples one run takes: Monte-Carlo error on P(best) is then below 0.2 points, and
#: the per-resample results (resamples × models × criteria) stay within a few hundred MB.
MAX_RESAMPLES = 100_000


@dataclass(frozen=True)
class Mean:
    """Task-weighted mean: Σ_t w_t · (Σ drawn values / Σ drawn counts) over tasks with w_t > 0.

    Without ``count`` each item present counts once (values are per-item means); with
    it, values are per-item sums and ``count`` per-item numbers of samples behind them.
    """

    key: str
    count: str | None = None


@dataclass(frozen=True)
class Ratio:
    """Σ numerator / Σ denominator over every drawn item of every task (not task-weighted),
    or 1 minus that; ``empty`` when the denominator sums to 0.

    Gracefulness is one: 1 − (severity of the failures) / (number of failures).
    """

    numerator: str
    denominator: str
    empty: float = 1.0
    one_minus: bool = False


@dataclass(frozen=True)
class Quantile:
    """A quantile (q in [0, 1], numpy's linear method) pooled over all items of all tasks.

    Values may be (models × items × epochs): every epoch is a value, drawn with its item.
    """

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


def _keys(stat: Stat) -> tuple[str, ...]:
    if isinstance(stat, Ratio):
        return stat.numerator, stat.denominator
    if isinstance(stat, Mean) and stat.count is not None:
        return stat.key, stat.count
    return (stat.key,)


def _check(tasks: Sequence[Task], stats: Mapping[str, Stat]) -> int:
    if not tasks:
        raise ValueError("no tasks to resample")
    models = tasks[0].n_models
    for t in tasks:
        for key, mat in t.values.items():
            if mat.ndim not in (2, 3) or mat.shape[:2] != (models, t.n_items):
                want = f"({models}, {t.n_items}, …)"
                raise ValueError(f"values[{key!r}] has shape {mat.shape}; expected {want}")
    weights = np.asarray([t.weight for t in tasks])
    if (weights < 0).any() or not np.isfinite(weights).all():
        raise ValueError("task weights must be non-negative")
    for name, stat in stats.items():
        for key in _keys(stat):
            if any(key not in t.values for t in tasks):
                raise ValueError(f"criterion {name!r} needs {key!r} in every task")
            if not isinstance(stat, Quantile) and any(t.values[key].ndim != 2 for t in tasks):
                raise ValueError(f"criterion {name!r} needs {key!r} as (models × items)")
        if isinstance(stat, Mean) and weights.sum() <= 0:
            raise ValueError("task weights are all zero")
    return models


class Design:
    """One task's (items × columns) matrix, multiplied by draw counts exactly, at the least cost.

    Identical columns (every model's presence when no item is missing, counts that equal it)
    are multiplied once. Whole-number columns (pass/fail scores, presence, failure counts) are
    multiplied in float32, twice as fast and still exact: with counts summing to n per resample,
    every partial sum is a whole number below n · max|value| < 2**24, which float32 holds
    exactly. The other columns (costs, severities, partial credit) stay float64.
    """

    def __init__(self, full: FloatArray) -> None:
        n, k = full.shape
        first: dict[bytes, int] = {}
        keep: list[int] = []
        where = np.empty(k, dtype=np.int64)
        for j in range(k):
            where[j] = first.setdefault(np.ascontiguousarray(full[:, j]).tobytes(), len(keep))
            if where[j] == len(keep):
                keep.append(j)
        unique = full[:, keep]
        with np.errstate(invalid="ignore"):
            whole = np.all(unique == np.round(unique), axis=0) & (np.abs(unique).max(axis=0, initial=0.0) * n < 2**24)
        small, wide = np.flatnonzero(whole), np.flatnonzero(~whole)
        self.d32 = np.ascontiguousarray(unique[:, small], dtype=np.float32)
        self.d64 = np.ascontiguousarray(unique[:, wide], dtype=np.float64)
        position = np.empty(len(keep), dtype=np.int64)
        position[np.concatenate([small, wide])] = np.arange(len(keep))
        self.columns = position[where]  # full column j is column columns[j] of [float32 part, float64 part]

    def times(self, counts: npt.NDArray[np.integer]) -> FloatArray:
        """counts (B × items) @ the full matrix, as float64 (B × columns)."""
        parts: list[FloatArray] = []
        if self.d32.shape[1]:
            parts.append((counts.astype(np.float32) @ self.d32).astype(np.float64))
        if self.d64.shape[1]:
            parts.append(counts.astype(np.float64) @ self.d64)
        if not parts:
            return np.zeros((counts.shape[0], 0))
        joined = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)
        out: FloatArray = joined[:, self.columns]
        return out


class Prepared:
    """The per-task matrices the resamples multiply, built once and reused for every chunk."""

    def __init__(self, tasks: Sequence[Task], stats: Mapping[str, Stat]) -> None:
        self.models = _check(tasks, stats)
        self.tasks = tasks
        self.stats = stats
        self.weights = np.asarray([t.weight for t in tasks], dtype=np.float64)
        # Blocks of M columns multiplied by the counts: a key's values (NaN as 0), or
        # "?key", the presence of each model's items for that key.
        blocks: list[str] = []
        for stat in stats.values():
            if isinstance(stat, Mean):
                blocks += [stat.key, stat.count or "?" + stat.key]
            elif isinstance(stat, Ratio):
                blocks += [stat.numerator, stat.denominator, "?" + stat.denominator]
        self.block = {name: i for i, name in enumerate(dict.fromkeys(blocks))}
        self.design: list[Design] = []
        for t in tasks:
            cols = [
                (~np.isnan(t.values[b[1:]])).astype(np.float64)
                if b.startswith("?")
                else np.nan_to_num(t.values[b], nan=0.0)
                for b in self.block
            ]
            self.design.append(Design(np.concatenate(cols).T if cols else np.zeros((t.n_items, 0))))
        self.quantiles = {
            stat.key: SortedValues(tasks, stat.key) for stat in stats.values() if isinstance(stat, Quantile)
        }

    def values(self, counts: Sequence[npt.NDArray[np.integer]]) -> dict[str, FloatArray]:
        """Criterion values (B × models) given per task a (B × items) matrix of draw counts."""
        m = self.models
        prods = [d.times(c) for c, d in zip(counts, self.design, strict=True)]

        def part(p: FloatArray, name: str) -> FloatArray:
            at = self.block[name] * m
            return p[:, at : at + m]

        on = np.flatnonzero(self.weights > 0)
        result: dict[str, FloatArray] = {}
        for name, stat in self.stats.items():
            if isinstance(stat, Mean):
                mixed = np.zeros((prods[0].shape[0], m)) if prods else np.zeros((0, m))
                for t in on:
                    total, n = part(prods[t], stat.key), part(prods[t], stat.count or "?" + stat.key)
                    with np.errstate(invalid="ignore", divide="ignore"):
                        mean = np.where(n > 0, total / np.where(n > 0, n, 1.0), np.nan)
                    mixed = mixed + self.weights[t] * mean
                result[name] = mixed / self.weights[on].sum()
            elif isinstance(stat, Ratio):
                num = sum(part(p, stat.numerator) for p in prods)
                den = sum(part(p, stat.denominator) for p in prods)
                seen = sum(part(p, "?" + stat.denominator) for p in prods)
                assert isinstance(num, np.ndarray) and isinstance(den, np.ndarray)
                with np.errstate(invalid="ignore", divide="ignore"):
                    r = num / np.where(den > 0, den, 1.0)
                r = 1.0 - r if stat.one_minus else r
                result[name] = np.where(seen > 0, np.where(den > 0, r, stat.empty), np.nan)
            else:
                result[name] = self.quantiles[stat.key].quantile(counts, stat.q)
        return result


def values_from_counts(
    tasks: Sequence[Task], stats: Mapping[str, Stat], counts: Sequence[npt.NDArray[np.integer]]
) -> dict[str, FloatArray]:
    """Criterion values per resample and model, given per task a (B × items) matrix of draw counts.

    Counts of all ones give the point estimate on the original items.
    """
    return Prepared(tasks, stats).values(counts)


def draw_counts(rngs: Sequence[np.random.Generator], sizes: Sequence[int], b: int) -> list[npt.NDArray[np.integer]]:
    """b resamples per task: each row counts how often each item was drawn (n draws of n items).

    Counts are stored in one byte when they fit (they always do in practice: an item drawn 256
    times in one resample has odds below 1e-400), else in four.
    """
    out: list[npt.NDArray[np.integer]] = []
    for rng, n in zip(rngs, sizes, strict=True):
        # int32 draws are the same numbers as int64 ones from the same stream, made twice as fast
        kind = np.int32 if n < 2**31 else np.int64
        idx = rng.integers(0, n, size=(b, n), dtype=kind).astype(np.int64)
        idx += (np.arange(b) * n)[:, None]
        counts = np.bincount(idx.ravel(), minlength=b * n).reshape(b, n)
        out.append(counts.astype(np.uint8 if counts.max(initial=0) < 256 else np.int32))
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
    adjust: Callable[[dict[str, FloatArray]], None] | None = None,
) -> BootstrapResult:
    """Resample items task by task, score every model on each resample, summarise.

    ``score`` maps criterion values (each B × models) to scores (B × models); NaN
    marks a model excluded from that resample. ``adjust``, when given, rewrites a
    chunk's values in place before scoring: models with no items (per-task
    aggregates) get their values there, drawn from their own seeded stream.
    """
    prepared = Prepared(tasks, stats)
    models = prepared.models
    if not 1 <= resamples <= MAX_RESAMPLES:
        raise ValueError(f"resamples must be between 1 and {MAX_RESAMPLES}")
    sizes = [t.n_items for t in tasks]
    if chunk is None:
        chunk = min(resamples, max(MIN_CHUNK, CHUNK_BYTES // max(1, sum(sizes))))
    rngs = task_generators(seed, len(tasks))
    parts: dict[str, list[FloatArray]] = {name: [] for name in stats}
    scores: list[FloatArray] = []
    for start in range(0, resamples, chunk):
        b = min(chunk, resamples - start)
        values = prepared.values(draw_counts(rngs, sizes, b))
        if adjust is not None:
            adjust(values)
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
