"""Familywise accuracy comparisons: every pair of 20 models on 10 tasks × 500 pass/fail items.

Ours: ``advisor.decision.uncertainty_accuracy.compare_all`` through ``rank`` — per pair and task the
evidence's ``versus``, the exact sign-flip (here McNemar) test over the weighted items, the
Agresti–Min interval, Holm over the 190 pairs — cold (first rank of a workspace) and warm (a
re-rank after a weight change, where only Holm re-runs). Peer: the same 190 exact McNemar tests
with ``scipy.stats.binomtest`` on the pooled discordant counts and statsmodels' Holm, from the
same item matrices. The bench checks that both give the same p-values.
Run: python bench/bench_comparisons.py [--runs 5]. Reports medians and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests

from advisor.decision.rank import rank
from advisor.evidence.gather import gather
from advisor.inputs.profiles import Curve, Profile, Utility, Weights
from advisor.records.samples import build

MODELS, TASKS, ITEMS = 20, 10, 500
PROFILE = Profile(
    name="bench", weights=Weights(accuracy=1), utility=Utility(accuracy=Curve(best=1.0, worst=0.0, scale="linear"))
)


def scores(seed: int = 0) -> np.ndarray:
    """(models, tasks, items) pass/fail, items correlated through their easiness."""
    rng = np.random.default_rng(seed)
    ease = 0.05 + 0.9 * rng.beta(1.444, 0.556, (1, TASKS, ITEMS))
    skill = rng.uniform(-0.04, 0.04, (MODELS, 1, 1))
    return (rng.random((MODELS, TASKS, ITEMS)) < np.clip(ease + skill, 0, 1)).astype(np.float64)


def table(s: np.ndarray):  # type: ignore[no-untyped-def]
    m, t, n = s.shape
    grid = np.indices((m, t, n)).reshape(3, -1).astype(np.int32)
    return build(
        model=(tuple(f"m{i:02d}" for i in range(m)), grid[0]),
        task=(tuple(f"t{i}" for i in range(t)), grid[1]),
        sample_id=(tuple(f"q{i}" for i in range(n)), grid[2]),
        score=s.ravel(),
        source="bench",
    )


def peer(s: np.ndarray, names: list[str]) -> dict[tuple[str, str], float]:
    order = {n: int(n[1:]) for n in names}
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    raw = []
    for a, b in pairs:
        x, y = s[order[a]].ravel(), s[order[b]].ravel()
        wins, losses = int(((x == 1) & (y == 0)).sum()), int(((x == 0) & (y == 1)).sum())
        raw.append(sps.binomtest(wins, wins + losses).pvalue if wins + losses else 1.0)
    adjusted = multipletests(raw, method="holm")[1]
    return dict(zip(pairs, adjusted, strict=True))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    s = scores()
    cold, warm, theirs = [], [], []
    for _ in range(args.runs):
        evidence = gather(table(s), None)
        t0 = time.perf_counter()
        d = rank(evidence, PROFILE)
        cold.append(time.perf_counter() - t0)
        for i in range(10):  # weight changes: the same ranked models, so the family is read back
            t0 = time.perf_counter()
            rank(evidence, PROFILE.with_weights(accuracy=2 + i))
            warm.append(time.perf_counter() - t0)
        names = [m.model for m in d.ranked]
        t0 = time.perf_counter()
        ref = peer(s, names)
        theirs.append(time.perf_counter() - t0)
    worst = max(abs(d.gap(*p).p_adjusted - q) for p, q in ref.items())  # type: ignore[union-attr]
    med = {k: statistics.median(v) * 1000 for k, v in (("cold", cold), ("warm", warm), ("peer", theirs))}
    print(f"{MODELS} models × {TASKS} tasks × {ITEMS} items, {len(ref)} pairs, {args.runs} runs (medians)")
    print(f"  ours, first rank (all pairs):  {med['cold']:8.1f} ms")
    print(f"  ours, re-rank (cached pairs):  {med['warm']:8.1f} ms")
    print(f"  peer, scipy binomtest + Holm:  {med['peer']:8.1f} ms")
    print(f"  ratio first rank / peer: {med['cold'] / med['peer']:.2f}; largest Holm p difference {worst:.1e}")


if __name__ == "__main__":
    main()
