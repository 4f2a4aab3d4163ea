"""Seeded simulations of advisor's statistics: false claims, coverage, power, items needed, tiny samples.

Why this script exists: "never present noise as a difference" is a claim about
long-run frequencies, so it is checked by simulation. Each scenario draws eval
results with known truth, runs advisor's own code on them (``rank`` for the
familywise verdicts, the interval and test functions for coverage) and counts
how often the output is wrong. ``tests/test_statistical_honesty.py`` runs the
same scenarios with a few hundred replicates; this script runs the long
version and prints the Markdown table quoted in docs/uncertainty.md:

    python scripts/simulate_uncertainty.py [--scale 1.0] [--seed 20251202]

Items are correlated through their easiness, as real evals are: item i is
passed with probability eᵢ = 0.05 + 0.9·Beta(1.444, 0.556) (mean 0.7, most
items easy or hard for every model), so a gap g is exactly g in expectation.
Graded scores are Beta(4e, 4(1−e)) around the same easiness.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from advisor.decision.rank import interval, rank
from advisor.evidence.gather import gather
from advisor.inputs.profiles import Curve, Profile, Utility, Weights
from advisor.records.samples import SampleTable, build
from advisor.statistics import bootstrap as bs
from advisor.statistics import comparisons, power

FloatArray = npt.NDArray[np.float64]

#: Accuracy only, on a fixed curve, no constraints: the verdict is the accuracy comparison itself.
ACCURACY_ONLY = Profile(
    name="simulation",
    weights=Weights(accuracy=1),
    utility=Utility(accuracy=Curve(best=1.0, worst=0.0, scale="linear")),
)


def easiness(rng: np.random.Generator, n: int) -> FloatArray:
    """Per-item pass probability, mean 0.7, in [0.05, 0.95] so that ± half a 10-point gap stays in [0, 1]."""
    out: FloatArray = 0.05 + 0.9 * rng.beta(1.444, 0.556, n)
    return out


def pass_fail(rng: np.random.Generator, ease: FloatArray, gaps: npt.ArrayLike) -> FloatArray:
    """One row of 0/1 scores per model: model m passes item i with probability eᵢ + gaps[m]."""
    g = np.asarray(gaps, dtype=np.float64)[:, None]
    out: FloatArray = (rng.random((g.shape[0], ease.size)) < ease[None, :] + g).astype(np.float64)
    return out


def graded(rng: np.random.Generator, ease: FloatArray, gaps: npt.ArrayLike) -> FloatArray:
    """Graded scores in [0, 1] with mean eᵢ + gaps[m]: Beta(4μ, 4(1 − μ))."""
    mu = np.clip(ease[None, :] + np.asarray(gaps, dtype=np.float64)[:, None], 1e-6, 1 - 1e-6)
    out: FloatArray = rng.beta(4 * mu, 4 * (1 - mu))
    return out


def table(scores: FloatArray, cost_usd: FloatArray | None = None) -> SampleTable:
    """A SampleTable of k models × n items on one task (model ``m0`` … ``m{k−1}``, items ``q0`` …)."""
    k, n = scores.shape
    return build(
        numbers=None if cost_usd is None else {"cost_usd": cost_usd},
        model=(tuple(f"m{i}" for i in range(k)), np.repeat(np.arange(k), n).astype(np.int32)),
        task=(("task",), np.zeros(k * n, dtype=np.int32)),
        sample_id=(tuple(f"q{j}" for j in range(n)), np.tile(np.arange(n), k).astype(np.int32)),
        score=scores.ravel(),
        source="simulation",
    )


@dataclass(frozen=True)
class Rate:
    """How often something happened in ``reps`` replicates."""

    hits: int
    reps: int

    @property
    def rate(self) -> float:
        return self.hits / self.reps

    def text(self) -> str:
        se = math.sqrt(max(self.rate * (1 - self.rate), 1e-12) / self.reps)
        return f"{100 * self.rate:.1f}% ± {100 * se:.1f}"


def false_clear(k: int, reps: int, *, n: int = 500, seed: int = 0) -> tuple[Rate, Rate]:
    """k models of equal true accuracy: runs with any "clearly" against the pick, and with any clear pair at all."""
    rng = np.random.default_rng(seed)
    vs_pick = any_pair = 0
    for _ in range(reps):
        d = rank(gather(table(pass_fail(rng, easiness(rng, n), np.zeros(k))), None), ACCURACY_ONLY)
        vs_pick += any(m.accuracy_vs_pick in ("higher", "lower") for m in d.ranked[1:])
        any_pair += any(g.clear for g in d.comparisons.gaps.values())
    return Rate(vs_pick, reps), Rate(any_pair, reps)


def found_gap(k: int, reps: int, *, n: int = 500, gap: float = 0.10, seed: int = 0) -> Rate:
    """One model ``gap`` better than k − 1 equal others: runs in which it is clearly higher than every one of them."""
    rng = np.random.default_rng(seed)
    hits = 0
    gaps = np.zeros(k)
    gaps[0], gaps[1:] = gap / 2, -gap / 2
    for _ in range(reps):
        d = rank(gather(table(pass_fail(rng, easiness(rng, n), gaps)), None), ACCURACY_ONLY)
        better = [d.gap("m0", f"m{i}") for i in range(1, k)]
        hits += all(g is not None and g.direction == "higher" for g in better)
    return Rate(hits, reps)


Scores = Callable[[np.random.Generator, FloatArray, npt.ArrayLike], FloatArray]


def difference_coverage(scores: Scores, n: int, reps: int, *, gap: float = 0.0, seed: int = 0) -> Rate:
    """Paired difference of two models, true gap ``gap``: runs whose 95% interval holds it."""
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(reps):
        a, b = scores(rng, easiness(rng, n), [gap / 2, -gap / 2])
        d = comparisons.combine([(comparisons.paired_difference(a, b), 1.0)], test=False)
        hits += d.ci_low <= gap <= d.ci_high
    return Rate(hits, reps)


def accuracy_coverage(scores: Scores, n: int, reps: int, *, seed: int = 0) -> Rate:
    """One model's accuracy interval (Wilson at the effective n), true accuracy 0.7: runs that hold it."""
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(reps):
        x = scores(rng, easiness(rng, n), [0.0])[0]
        acc = interval(float(x.mean()), float(x.std(ddof=1) / math.sqrt(n)), n)
        hits += acc.ci_low <= 0.7 <= acc.ci_high
    return Rate(hits, reps)


def items_needed_under_null(reps: int, *, n: int = 300, delta: float = 0.05, seed: int = 0) -> list[int]:
    """Two equal models: the items per task advisor advises for detecting ``delta`` (independent of the noise)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(reps):
        a, b = pass_fail(rng, easiness(rng, n), [0.0, 0.0])
        need = comparisons.combine([(comparisons.paired_difference(a, b), 1.0)], test=False).items_needed(delta)
        assert need is not None
        out.append(need)
    return out


def exact_power_at(n: int, discordance: float, delta: float, reps: int, *, seed: int = 0) -> Rate:
    """Simulated power of the exact McNemar test at n pairs (checks ``power.mcnemar_power`` independently)."""
    rng = np.random.default_rng(seed)
    share = 0.5 * (1 + delta / discordance)
    hits = 0
    for _ in range(reps):
        j = rng.binomial(n, discordance)
        wins = rng.binomial(j, share)
        hits += comparisons.mcnemar_exact(wins, j - wins) < 0.05
    return Rate(hits, reps)


def bootstrap_coverage(n: int, reps: int, *, p: float = 0.9, resamples: int = 1000, seed: int = 0) -> Rate:
    """Percentile-bootstrap 95% interval of a pass rate p over n items: why P(best) needs ``MIN_ITEMS``."""
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(reps):
        x = (rng.random(n) < p).astype(np.float64)
        counts = bs.draw_counts([rng], [n], resamples)[0]
        means = counts @ x / n
        lo, hi = np.quantile(means, [0.025, 0.975])
        hits += lo <= p <= hi
    return Rate(hits, reps)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="replicates × this (default 1: ~10 minutes)")
    ap.add_argument("--seed", type=int, default=20251202)
    args = ap.parse_args()

    def r(x: int) -> int:
        return max(10, int(x * args.scale))

    seed = args.seed
    t0 = time.perf_counter()
    print("| scenario | advisor says | rate (± MC s.e.) |\n|---|---|---|")
    for k, reps in ((2, 4000), (5, 2000), (10, 1000)):
        pick, anywhere = false_clear(k, r(reps), seed=seed + k)
        print(f"| {k} equal models, 500 items | 'clearly' vs the pick | {pick.text()} |")
        print(f"| {k} equal models, 500 items | 'clearly' for any pair | {anywhere.text()} |")
    for k, reps in ((2, 2000), (5, 1000)):
        found = found_gap(k, r(reps), seed=seed)
        print(f"| 10-point gap, {k} models, 500 items | better model clearly higher than all | {found.text()} |")
    for name, scores in (("pass/fail", pass_fail), ("graded", graded)):
        for n in (20, 100, 500):
            for gap in (0.0, 0.10):
                rate = difference_coverage(scores, n, r(4000), gap=gap, seed=seed + n)
                print(f"| {name}, {n} items, gap {gap:.2f} | 95% interval of the difference holds it | {rate.text()} |")
            rate = accuracy_coverage(scores, n, r(4000), seed=seed + n)
            print(f"| {name}, {n} items | 95% accuracy interval holds 0.7 | {rate.text()} |")
    needs = sorted(items_needed_under_null(r(1000), seed=seed))
    mid = needs[len(needs) // 2]
    spread = f"median {mid:,}, range {needs[0]:,}–{needs[-1]:,}"
    print(f"| 2 equal models, 300 items | items/task for a 5-point gap | {spread} |")
    pi = 0.25
    n_exact = power.mcnemar_items(pi, 0.05)
    sim = exact_power_at(n_exact, pi, 0.05, r(20000), seed=seed)
    print(f"| exact McNemar at the advised {n_exact:,} pairs (π = {pi}, δ = 0.05) | power | {sim.text()} |")
    for n in (10, 20, 30, 50):
        print(
            f"| bootstrap, pass rate 0.9, {n} items | 95% percentile interval holds 0.9 | "
            f"{bootstrap_coverage(n, r(2000), seed=seed + n).text()} |"
        )
    print(f"\n{time.perf_counter() - t0:.0f} s, seed {seed}, scale {args.scale}")


if __name__ == "__main__":
    main()
