"""Uncertainty for models that rest on per-task aggregates: normal draws and unpaired comparisons.

Why this module exists: an aggregated model has no items, so the paired
bootstrap cannot resample it and a paired test cannot compare it. Leaving it
out would make P(best) and the rank intervals of everyone else look surer than
they are; fixing its accuracy at the mean would make its own look surer. So in
every resample its per-task accuracy is drawn from Normal(mean, se), clipped to
[0, 1], from a child stream of the same seeded generator (after the task
streams), while its cost, latency and gracefulness stay fixed (prices and
latency percentiles are not resampled for aggregates). Comparisons with it are
unpaired: difference of means, SE = √(SE_a² + SE_b²), normal interval and p,
no McNemar. Samples-based models are untouched: with no aggregated model
nothing here runs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from advisor.decision.result import ModelResult
from advisor.evidence.model import Evidence
from advisor.inputs.profiles import CRITERIA
from advisor.statistics import bootstrap as bs
from advisor.statistics import comparisons as stats
from advisor.statistics.intervals import Z95, two_sided_p, z_value

FloatArray = npt.NDArray[np.float64]


@dataclass
class NormalDraws:
    """Fills the aggregated models' columns of a chunk of bootstrap values (callable in place)."""

    columns: list[int]  # positions of the aggregated models among the ranked models
    weights: FloatArray  # (tasks,) task-mix weights over the weighted tasks, normalised
    means: FloatArray  # (models, tasks)
    ses: FloatArray  # (models, tasks)
    fixed: dict[str, FloatArray]  # criterion → (models,) values held fixed (cost, latency, gracefulness)
    rng: np.random.Generator

    def __call__(self, values: dict[str, FloatArray]) -> None:
        b = next(iter(values.values())).shape[0]
        z = self.rng.standard_normal((b, len(self.columns), self.weights.size))
        acc = np.clip(self.means + self.ses * z, 0.0, 1.0) @ self.weights
        cols = np.asarray(self.columns, dtype=np.intp)
        values["accuracy"][:, cols] = acc
        for name, v in self.fixed.items():
            values[name][:, cols] = v


def normal_draws(
    evidence: Evidence, ranked: Sequence[ModelResult], mix: dict[str, float], *, seed: int, stream: int
) -> NormalDraws | None:
    """Draws for the aggregated models among ``ranked``; None when there are none.

    ``stream`` is the child index of ``default_rng(seed)`` to use (the number of task
    streams the paired bootstrap takes), so the samples-based draws are unchanged.
    """
    columns = [i for i, m in enumerate(ranked) if m.aggregated]
    if not columns:
        return None
    tasks = [t for t, w in mix.items() if w > 0]
    w = np.asarray([mix[t] for t in tasks], dtype=np.float64)
    means = np.asarray([[evidence.models[ranked[i].model].tasks[t].mean for t in tasks] for i in columns])
    ses = np.asarray([[evidence.models[ranked[i].model].tasks[t].se for t in tasks] for i in columns])

    def raw(m: ModelResult, criterion: str) -> float:
        value = {"cost": m.cost_per_task_usd, "latency": m.latency_value, "gracefulness": m.gracefulness}
        v = value[criterion]
        return math.nan if v is None else float(v)

    fixed = {c: np.asarray([raw(ranked[i], c) for i in columns]) for c in CRITERIA if c != "accuracy"}
    rng = bs.task_generators(seed, stream + 1)[stream]
    return NormalDraws(columns, w / w.sum(), means, ses, fixed, rng)


def aggregates_only_bootstrap(
    draws: NormalDraws,
    n_models: int,
    score: Callable[[dict[str, FloatArray]], FloatArray],
    *,
    resamples: int,
    seed: int,
) -> bs.BootstrapResult:
    """When every ranked model rests on aggregates there are no items: only the normal draws."""
    chunk = max(1, min(resamples, bs.CHUNK_BYTES // (8 * max(1, n_models * draws.weights.size))))
    parts: dict[str, list[FloatArray]] = {c: [] for c in CRITERIA}
    scores: list[FloatArray] = []
    for start in range(0, resamples, chunk):
        b = min(chunk, resamples - start)
        values = {c: np.full((b, n_models), np.nan) for c in CRITERIA}
        draws(values)
        scores.append(np.asarray(score(values), dtype=np.float64))
        for c, v in values.items():
            parts[c].append(v)
    all_scores = np.concatenate(scores)
    return bs.BootstrapResult(
        summary=bs.summarise(all_scores),
        values={c: np.concatenate(v) for c, v in parts.items()},
        scores=all_scores,
        resamples=resamples,
        seed=seed,
    )


def unpaired(model: ModelResult, leader: ModelResult, mix: dict[str, float]) -> stats.Paired:
    """Accuracy model − leader from the two estimates alone: SE = √(SE_a² + SE_b²), normal interval.

    ``n`` is the items behind both estimates (none are shared); the items per task to
    settle assume both models get that many items per task and SE shrinks as 1/√items.
    """
    a, b = model.accuracy, leader.accuracy
    if a is None or b is None:
        nan = math.nan
        return stats.Paired(nan, nan, nan, nan, nan, 0, 0, 0, nan, nan, None)
    diff = a.mean - b.mean
    se = math.hypot(a.se, b.se)
    if se > 0:
        half, p = Z95 * se, two_sided_p(diff / se)
    else:
        half, p = 0.0, 1.0 if diff == 0 else 0.0
    k = z_value(0.95) + z_value(0.6)  # z_{0.975} + z_{0.8}
    per_task = (a.n + b.n) / (2 * max(1, sum(1 for w in mix.values() if w > 0)))
    needed = None if diff == 0 or se == 0 else max(2, math.ceil(per_task * (k * se / diff) ** 2))
    return stats.Paired(diff, se, diff - half, diff + half, p, a.n + b.n, 0, 0, math.nan, k * se, needed)
