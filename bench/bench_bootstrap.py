"""Paired bootstrap: 1,000 resamples on 20 models × 10 tasks × 500 items, P(best) and rank intervals.

Ours: ``advisor.statistics.bootstrap.paired_bootstrap`` (counts × matrices, chunked, no loop per
resample). Peer: a plain Python loop, one resample at a time, indexing the item
arrays with numpy and computing the same four criteria (accuracy, cost per task,
p95 latency over every epoch, gracefulness), then the same score and summary.
Both draw from the same random streams, so the bench also checks they agree.
Run: python bench/bench_bootstrap.py [--runs 5] [--resamples 1000]. Reports medians.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from advisor.statistics import bootstrap as bs

MODELS, TASKS, ITEMS = 20, 10, 500
STATS: dict[str, bs.Stat] = {
    "accuracy": bs.Mean("score"),
    "cost": bs.Mean("cost_sum", count="cost_n"),
    "latency": bs.Quantile("latency", 0.95),
    "gracefulness": bs.Ratio("severity", "failed", empty=1.0, one_minus=True),
}


def data(seed: int = 0) -> list[bs.Task]:
    rng = np.random.default_rng(seed)
    tasks = []
    for _ in range(TASKS):
        hard = rng.beta(0.5, 0.5, ITEMS)
        skill = rng.uniform(-1, 1, (MODELS, 1))
        score = (rng.random((MODELS, ITEMS)) < 1 / (1 + np.exp(-(3 * (0.5 - hard) + skill)))).astype(float)
        failed = 1.0 - score
        tasks.append(
            bs.Task(
                {
                    "score": score,
                    "cost_sum": rng.lognormal(-7, 0.5, (MODELS, 1)) * rng.lognormal(0, 0.3, (MODELS, ITEMS)),
                    "cost_n": np.ones((MODELS, ITEMS)),
                    "latency": rng.lognormal(7, 0.4, (MODELS, 1)) * rng.lognormal(0, 0.5, (MODELS, ITEMS)),
                    "severity": failed * rng.choice([0.2, 0.6, 1.0], (MODELS, ITEMS)),
                    "failed": failed,
                }
            )
        )
    return tasks


def score(values: dict[str, np.ndarray]) -> np.ndarray:
    cost_u = np.clip(np.log(0.01 / values["cost"]) / np.log(100), 0, 1)
    lat_u = np.clip(np.log(20000 / values["latency"]) / np.log(100), 0, 1)
    out: np.ndarray = 0.4 * values["accuracy"] + 0.25 * cost_u + 0.15 * lat_u + 0.2 * values["gracefulness"]
    return out


def peer(tasks: list[bs.Task], resamples: int, seed: int) -> tuple[np.ndarray, bs.Summary]:
    """One resample at a time: index the arrays, compute the criteria, score, then summarise."""
    rngs = bs.task_generators(seed, len(tasks))
    scores = np.empty((resamples, MODELS))
    w = np.array([t.weight for t in tasks])
    for b in range(resamples):
        acc = np.zeros(MODELS)
        cost = np.zeros(MODELS)
        sev = np.zeros(MODELS)
        fail = np.zeros(MODELS)
        lat = []
        for t, rng in zip(tasks, rngs, strict=True):
            idx = rng.integers(0, t.n_items, size=t.n_items)
            v = {k: x[:, idx] for k, x in t.values.items()}
            acc += t.weight * v["score"].mean(axis=1)
            cost += t.weight * v["cost_sum"].sum(axis=1) / v["cost_n"].sum(axis=1)
            sev += v["severity"].sum(axis=1)
            fail += v["failed"].sum(axis=1)
            lat.append(v["latency"])
        grace = np.where(fail > 0, 1 - sev / np.maximum(fail, 1), 1.0)
        values = {
            "accuracy": acc / w.sum(),
            "cost": cost / w.sum(),
            "latency": np.quantile(np.concatenate(lat, axis=1), 0.95, axis=1),
            "gracefulness": grace,
        }
        scores[b] = score({k: x[None, :] for k, x in values.items()})[0]
    return scores, bs.summarise(scores)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--resamples", type=int, default=1000)
    args = ap.parse_args()
    tasks = data()
    ours_t, peer_t = [], []
    for run in range(args.runs):
        t0 = time.perf_counter()
        res = bs.paired_bootstrap(tasks, STATS, score, resamples=args.resamples, seed=run)
        ours_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        scores, summary = peer(tasks, args.resamples, seed=run)
        peer_t.append(time.perf_counter() - t0)
        assert np.allclose(res.scores, scores, rtol=1e-9, atol=1e-12), "ours and the peer disagree"
        assert res.summary.rank_low == summary.rank_low and res.summary.rank_high == summary.rank_high
    ours, theirs = statistics.median(ours_t), statistics.median(peer_t)
    print(
        f"paired bootstrap, {MODELS} models × {TASKS} tasks × {ITEMS} items, {args.resamples} resamples, "
        f"P(best) + rank intervals, median of {args.runs} runs"
    )
    print(f"  ours (vectorised, chunked): {ours:.3f} s   (runs: {', '.join(f'{t:.3f}' for t in ours_t)})")
    print(f"  peer (loop per resample):   {theirs:.3f} s   (runs: {', '.join(f'{t:.3f}' for t in peer_t)})")
    print(f"  peer / ours: {theirs / ours:.1f}×; results identical (same random streams)")
    print(
        f"  P(best) of the top 3: {sorted(np.round(res.summary.p_best, 3))[-3:]}, "
        f"tied for first: {res.summary.tied_for_first}"
    )


if __name__ == "__main__":
    main()
