"""The vectorised paired bootstrap against a plain per-resample loop, exhaustive enumeration
and simulation."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats as sps

from advisor.statistics import bootstrap as bs


def _tasks(rng: np.random.Generator, models: int, sizes: list[int], gaps: bool = True) -> list[bs.Task]:
    tasks = []
    for t, n in enumerate(sizes):
        score = (rng.random((models, n)) < rng.uniform(0.4, 0.9, (models, 1))).astype(float)
        failed = 1.0 - score
        epochs = rng.lognormal(6, 0.5, (models, n, 2)).round()  # rounding makes ties
        epochs[0, ::3, 1] = np.nan  # model 0 ran a second epoch on two items in three only
        values = {
            "score": score,
            "cost_sum": rng.lognormal(-6, 1, (models, n)) * 2,
            "cost_n": rng.choice([1.0, 2.0], (models, n)),
            "latency": epochs,
            "severity": failed * rng.choice([0.2, 0.5, 1.0], (models, n)),
            "failed": failed,
        }
        if gaps:  # model 1 lacks some items of task 0, model 2 a few everywhere
            for v in values.values():
                if t == 0:
                    v[1, : n // 3] = np.nan
                v[2, -1] = np.nan
        # task 0 has weight 0: out of the means, still in the pooled ratio and quantile
        tasks.append(bs.Task(values, weight=float(t)))
    return tasks


def _stats(q: float = 0.95) -> dict[str, bs.Stat]:
    return {
        "accuracy": bs.Mean("score"),
        "cost": bs.Mean("cost_sum", count="cost_n"),
        "latency": bs.Quantile("latency", q),
        "gracefulness": bs.Ratio("severity", "failed", empty=1.0, one_minus=True),
    }


def _score(values: dict[str, np.ndarray]) -> np.ndarray:
    out: np.ndarray = (
        0.5 * values["accuracy"]
        + 0.2 * (1 - np.log(values["cost"] / 1e-4) / np.log(100))
        + 0.2 * (1 - values["latency"] / 2000)
        + 0.1 * values["gracefulness"]
    )
    return out


def _brute(tasks: list[bs.Task], q: float, resamples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """One resample at a time, drawing item indices and computing every criterion directly."""
    rngs = bs.task_generators(seed, len(tasks))
    m = tasks[0].n_models
    w = np.array([t.weight for t in tasks])
    vals = {k: np.zeros((resamples, m)) for k in ("accuracy", "cost", "latency", "gracefulness")}
    for b in range(resamples):
        picks = [rng.integers(0, t.n_items, size=t.n_items) for rng, t in zip(rngs, tasks, strict=True)]
        for i in range(m):
            acc, cost = [], []
            sev = fail = 0.0
            lat: list[float] = []
            for t, idx in zip(tasks, picks, strict=True):
                row = {k: v[i, idx] for k, v in t.values.items()}
                have = ~np.isnan(row["score"])
                if t.weight > 0:
                    acc.append(row["score"][have].mean())
                    cost.append(row["cost_sum"][have].sum() / row["cost_n"][have].sum())
                sev += row["severity"][have].sum()
                fail += row["failed"][have].sum()
                for item_epochs in row["latency"]:
                    lat.extend(x for x in item_epochs if not np.isnan(x))
            on = w[w > 0]
            vals["accuracy"][b, i] = np.dot(on, acc) / on.sum()
            vals["cost"][b, i] = np.dot(on, cost) / on.sum()
            vals["gracefulness"][b, i] = 1 - sev / fail if fail > 0 else 1.0
            vals["latency"][b, i] = np.quantile(lat, q)
    return np.stack([vals[k] for k in ("accuracy", "cost", "latency", "gracefulness")]), _score(vals)


def _brute_summary(scores: np.ndarray) -> tuple[list[float], list[int], list[int]]:
    b, m = scores.shape
    p_best = [0.0] * m
    ranks: list[list[int]] = [[] for _ in range(m)]
    for row in scores:
        top = max(row)
        winners = [i for i in range(m) if row[i] == top]
        for i in winners:
            p_best[i] += 1 / len(winners) / b
        for i in range(m):
            ranks[i].append(1 + sum(1 for j in range(m) if row[j] > row[i]))
    low = [sorted(r)[math.floor(0.025 * (b - 1))] for r in ranks]
    high = [sorted(r)[math.ceil(0.975 * (b - 1))] for r in ranks]
    return p_best, low, high


@pytest.mark.parametrize("q", [0.95, 0.5, 0.0, 1.0, 0.99])
def test_matches_plain_loop_on_the_same_stream(q: float) -> None:
    tasks = _tasks(np.random.default_rng(1), 4, [9, 14, 5])
    res = bs.paired_bootstrap(tasks, _stats(q), _score, resamples=60, seed=7, chunk=13)
    values, scores = _brute(tasks, q, 60, 7)
    for k, name in enumerate(("accuracy", "cost", "latency", "gracefulness")):
        assert np.allclose(res.values[name], values[k], equal_nan=True), name
    assert np.allclose(res.scores, scores)
    p_best, low, high = _brute_summary(scores)
    assert np.allclose(res.summary.p_best, p_best)
    assert res.summary.rank_low == low
    assert res.summary.rank_high == high
    assert res.summary.tied_for_first == sorted((i for i in range(4) if low[i] == 1), key=lambda i: (-p_best[i], i))


def test_window_quantile_on_larger_data_and_chunking() -> None:
    """The windowed quantile (and its fallback) agrees with numpy on hundreds of items."""
    tasks = _tasks(np.random.default_rng(2), 3, [400, 250])
    counts = bs.draw_counts(bs.task_generators(5, 2), [400, 250], 40)
    for q in (0.5, 0.9, 0.95, 0.99, 0.01):
        got = bs.Prepared(tasks, {"lat": bs.Quantile("latency", q)}).values(counts)["lat"]
        for b in range(40):
            for m in range(3):
                pooled = np.concatenate(
                    [
                        np.repeat(t.values["latency"][m], c[b], axis=0).ravel()
                        for t, c in zip(tasks, counts, strict=True)
                    ]
                )
                assert got[b, m] == pytest.approx(np.quantile(pooled[~np.isnan(pooled)], q)), (q, b, m)
    one = bs.paired_bootstrap(tasks, _stats(), _score, resamples=50, seed=3, chunk=1)
    big = bs.paired_bootstrap(tasks, _stats(), _score, resamples=50, seed=3)
    assert np.allclose(one.scores, big.scores, rtol=1e-12, atol=0)  # BLAS blocking differs by ulps


def test_point_values_match_direct_computation() -> None:
    tasks = _tasks(np.random.default_rng(4), 3, [10, 20], gaps=False)
    pv = bs.point_values(tasks, _stats(0.5))
    assert np.allclose(pv["accuracy"], tasks[1].values["score"].mean(1))  # task 0 has weight 0
    lat = np.concatenate([t.values["latency"].reshape(3, -1) for t in tasks], axis=1)
    assert np.allclose(pv["latency"], np.nanmedian(lat, axis=1))
    sev = sum(t.values["severity"].sum(1) for t in tasks)
    fail = sum(t.values["failed"].sum(1) for t in tasks)
    assert np.allclose(pv["gracefulness"], np.where(fail > 0, 1 - sev / np.maximum(fail, 1), 1.0))


def test_exhaustive_enumeration_of_a_tiny_bootstrap() -> None:
    """One task of three items, two models: all 27 resamples are equally likely."""
    a = np.array([1.0, 0.0, 1.0])
    b = np.array([1.0, 1.0, 0.0]) * 0.9
    exact_a = exact_b = 0.0
    for idx in itertools.product(range(3), repeat=3):
        sa, sb = a[list(idx)].mean(), b[list(idx)].mean()
        exact_a += (1.0 if sa > sb else 0.5 if sa == sb else 0.0) / 27
        exact_b += (1.0 if sb > sa else 0.5 if sa == sb else 0.0) / 27
    task = bs.Task({"score": np.stack([a, b])})
    res = bs.paired_bootstrap([task], {"accuracy": bs.Mean("score")}, lambda v: v["accuracy"], resamples=20000, seed=11)
    # Tolerance: 5 standard errors of a proportion estimated from 20,000 draws.
    tol = 5 * math.sqrt(0.25 / 20000)
    assert res.summary.p_best == pytest.approx([exact_a, exact_b], abs=tol)


def test_ties_exclusions_and_reproducibility() -> None:
    same = np.array([[1.0, 0.0, 1.0, 1.0], [1.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 0.0]])
    task = bs.Task({"score": same})
    stats = {"accuracy": bs.Mean("score")}

    def score(v: dict[str, np.ndarray]) -> np.ndarray:
        s = v["accuracy"].copy()
        s[:, 2] = np.nan  # model 2 excluded by a constraint
        return s

    r1 = bs.paired_bootstrap([task], stats, score, resamples=200, seed=1)
    assert r1.summary.p_best == pytest.approx([0.5, 0.5, 0.0])
    assert r1.summary.rank_low[:2] == [1, 1] and r1.summary.rank_high[:2] == [1, 1]
    assert r1.summary.rank_low[2] is None and r1.summary.tied_for_first == [0, 1]
    r2 = bs.paired_bootstrap([task], stats, score, resamples=200, seed=1)
    assert np.array_equal(r1.scores, r2.scores, equal_nan=True)
    with pytest.raises(ValueError):
        bs.paired_bootstrap([task], {"x": bs.Mean("missing")}, score)


def test_simulation_tied_for_first_is_honest() -> None:
    """Equal true accuracy: a single clear winner no more often than 5% allows; a 10-point
    gap on 500 items: found almost always; the bootstrap interval covers the true gap ~95%."""
    rng = np.random.default_rng(99)
    stats = {"accuracy": bs.Mean("score")}

    def run(gap: float, sims: int, n: int) -> tuple[int, int, int]:
        clear = right = covered = 0
        for s in range(sims):
            p = 0.05 + 0.9 * rng.beta(0.3, 0.3, size=n)
            a = (rng.random(n) < p + gap / 2).astype(float)
            b = (rng.random(n) < p - gap / 2).astype(float)
            res = bs.paired_bootstrap(
                [bs.Task({"score": np.stack([a, b])})], stats, lambda v: v["accuracy"], resamples=400, seed=s
            )
            tied = res.summary.tied_for_first
            clear += len(tied) == 1
            right += tied == [0]
            d = res.values["accuracy"][:, 0] - res.values["accuracy"][:, 1]
            lo, hi = np.quantile(d, [0.025, 0.975])
            covered += lo <= gap <= hi
        return clear, right, covered

    sims = 300
    clear, _, covered = run(0.0, sims, 300)
    # Tolerance: the 99.9% binomial upper bound on the count under a true rate of 5%.
    assert clear <= sps.binom.ppf(0.999, sims, 0.05), clear
    lo, hi = sps.binom.ppf([0.0005, 0.9995], sims, 0.95)
    assert lo - 0.02 * sims <= covered <= hi, covered  # the percentile bootstrap runs a bit narrow
    _, right, covered = run(0.10, 150, 500)
    assert right >= 0.97 * 150, right
    assert covered >= sps.binom.ppf(0.0005, 150, 0.95) - 0.02 * 150, covered


def test_int32_draws_are_the_int64_stream() -> None:
    """draw_counts draws int32 for speed; the loop-based references draw int64: same numbers."""
    a = np.random.default_rng(11).integers(0, 4999, size=(7, 4999))
    b = np.random.default_rng(11).integers(0, 4999, size=(7, 4999), dtype=np.int32)
    assert np.array_equal(a, b)
    counts = bs.draw_counts([np.random.default_rng(11)], [4999], 7)[0]
    expected = np.stack([np.bincount(row, minlength=4999) for row in a])
    assert np.array_equal(counts, expected)
