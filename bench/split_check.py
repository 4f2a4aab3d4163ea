"""The overfitting check, long run: false-flag rate, power, and a naive peer, on simulated evals.

Scenarios (items of varied difficulty, models of varied skill, tests/split_sim.py;
30% of the items held out at random, as the keyed hash deals them):

- null: no model tuned to dev. The share of replicates that flag *any* model is the
  familywise false-flag rate; the max-T permutation test keeps it at or under 5%.
- one tuned: one model turns a share of its wrong dev answers right (``lift``); the
  others are not tuned: how often are *they* flagged, how often is the tuned one.
- prompt tuned for all: every model gains the same on dev (the team tuned the
  shared prompt). No model's gap is larger than the others', so nothing should be flagged.

The peer is the naive check many teams run: flag a model when its own dev − holdout
gap is significant (two-sample z-test of the two accuracies, 5%, no reference to the
other models, no adjustment for several models). Both run on the same replicates.
Timing (8 models × 5 tasks × 2,000 items): 999 permutations, ours (chunks of label
matrices × score matrices) against a plain loop (one permutation at a time), and the
whole check as ``advisor rank`` runs it (999 permutations, 1,000 resamples); medians.

Run: python bench/split_check.py [--replicates 2000] [--permutations 499]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from advisor.statistics.intervals import clopper_pearson  # noqa: E402
from advisor.statistics.split_gap import PartTask, contrasts, gap_stats  # noqa: E402
from tests import split_sim  # noqa: E402


def naive_flags(tasks: list[PartTask]) -> np.ndarray:
    """Per model: its own gap is significant (z-test of dev vs holdout accuracy, two-sided 5%)."""
    n_models = tasks[0].scores.shape[0]
    gap = np.zeros(n_models)
    var = np.zeros(n_models)
    for t in tasks:
        d, h = t.scores[:, ~t.holdout], t.scores[:, t.holdout]
        gap += t.weight * (d.mean(axis=1) - h.mean(axis=1))
        var += t.weight**2 * (d.var(axis=1, ddof=1) / d.shape[1] + h.var(axis=1, ddof=1) / h.shape[1])
    return np.abs(gap) / np.sqrt(var) > 1.959963984540054


def common_lift(tasks: list[PartTask], chance: float, rng: np.random.Generator) -> list[PartTask]:
    out = []
    for t in tasks:
        x = t.scores.copy()
        turn = (x == 0) & ~t.holdout[None, :] & (rng.random(x.shape) < chance)
        x[turn] = 1.0
        out.append(PartTask(x, t.holdout, t.weight))
    return out


def rate(k: int, n: int) -> str:
    lo, hi = clopper_pearson(k, n)
    return f"{100 * k / n:5.1f}% (95% {100 * lo:.1f}–{100 * hi:.1f})"


def scenario(name: str, replicates: int, permutations: int, seed: int, **kw: object) -> None:
    rng = np.random.default_rng(seed)
    lift = kw.get("lift")
    tuned = list(lift) if isinstance(lift, dict) else []
    ours_false = ours_true = naive_false = 0
    detectable: list[float] = []
    excess: list[float] = []
    for _ in range(replicates):
        tasks = split_sim.tasks(rng, n_tasks=3, n_items=int(kw.get("n_items", 200)), lift=lift)  # type: ignore[arg-type]
        if kw.get("common"):
            tasks = common_lift(tasks, float(kw["common"]), rng)  # type: ignore[arg-type]
        s = gap_stats(tasks, permutations=permutations, resamples=0, seed=int(rng.integers(1 << 31)))
        others = [m for m in range(4) if m not in tuned]
        ours_false += bool(s.flagged[others].any())
        ours_true += bool(tuned) and bool(s.flagged[tuned].all())
        naive_false += bool(naive_flags(tasks)[others].any())
        if tuned:
            detectable.append(float(s.detectable[tuned[0]]))
            excess.append(float(s.excess[tuned[0]]))
    what = "flags any model" if kw.get("common") else "flags a model without a gap"
    line = f"{name:<34} {what}: ours {rate(ours_false, replicates)}"
    line += f" · naive {rate(naive_false, replicates)}"
    if tuned:
        line += f" · tuned model flagged: {rate(ours_true, replicates)}"
        typical = 100 * statistics.median(detectable)
        line += f" · its excess gap {100 * statistics.mean(excess):.1f} pts, detectable {typical:.1f}"
    print(line, flush=True)


def loop_permutations(tasks: list[PartTask], permutations: int, seed: int) -> np.ndarray:
    """The peer: one permutation at a time, recomputing every model's excess gap with numpy."""
    rng = np.random.default_rng(seed)
    ys = [contrasts(t.scores) for t in tasks]
    out = np.zeros((permutations, tasks[0].scores.shape[0]))
    for b in range(permutations):
        for t, y in zip(tasks, ys, strict=True):
            held = rng.permutation(t.holdout)
            out[b] += t.weight * (y[:, ~held].mean(axis=1) - y[:, held].mean(axis=1))
    return out


def timing(runs: int) -> None:
    rng = np.random.default_rng(1)
    skills = tuple(float(s) for s in np.linspace(1.8, 0.2, 8))
    tasks = split_sim.tasks(rng, n_tasks=5, n_items=2000, skills=skills)
    ours, full, peer = [], [], []
    for _ in range(runs):
        start = time.perf_counter()
        gap_stats(tasks, permutations=999, resamples=0)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        gap_stats(tasks, permutations=999, resamples=1000)
        full.append(time.perf_counter() - start)
        start = time.perf_counter()
        loop_permutations(tasks, 200, 0)
        peer.append((time.perf_counter() - start) * 999 / 200)  # scaled to the same 999 permutations
    o, f, p = statistics.median(ours), statistics.median(full), statistics.median(peer)
    print(
        f"8 models × 5 tasks × 2,000 items, 999 permutations: ours {o:.2f} s, plain loop {p:.2f} s "
        f"(200 timed, scaled), ratio {p / o:.1f}×; the whole check with 1,000 resamples: {f:.2f} s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replicates", type=int, default=2000)
    ap.add_argument("--permutations", type=int, default=499)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    r, p = args.replicates, args.permutations
    print(f"{r} replicates, 4 models, 3 tasks × 200 items, 30% held out, {p} permutations, α = 5% familywise")
    scenario("null: nobody tuned", r, p, seed=1)
    scenario("null, 3 tasks × 60 items", r, p, seed=2, n_items=60)
    scenario("prompt tuned for all (lift 0.3)", r, p, seed=3, common=0.3)
    for lift in (0.2, 0.35, 0.5):
        scenario(f"one tuned (lift {lift})", r // 2, p, seed=4, lift={1: lift})
    timing(args.runs)
    print(f"(flag-rate intervals: Clopper-Pearson; {math.comb(4, 1)} candidate models per replicate)")


if __name__ == "__main__":
    main()
