"""The decision's uncertainty and robustness: from Evidence and a Decision to plain figures.

Why this module exists: ``rank`` must stay fast (the TUI re-ranks on every
slider move), while the paired bootstrap takes a fraction of a second and the
sensitivity figures are only worth having next to it. This module is the glue
between the engine (``evidence``, ``rank``) and the pure statistics
(``bootstrap``, ``sensitivity``): it lays the items out as per-task matrices,
re-scores every resample with the ranking's own utilities and weights, and
gives each ranked model's P(best), rank interval and score gap to the leader.
The CLI attaches the result to the Decision (``Decision.uncertainty``); the
TUI calls ``uncertainty`` in a worker. Accuracy gaps are the decision's own
(``Decision.comparisons``, familywise), never recomputed here.

Each model × task's draws come from its evidence: its items when it has them
(the same resampled items for every model, so comparisons stay paired), else
``TaskStats.normal_draws`` from a stream of its own (per-task aggregates, a
memo's snapshot), with its cost, latency and gracefulness held fixed. Only
eligible (ranked) models take part; anchors stay where the ranking put them.
Ties in score are broken by accuracy, as the ranking breaks them, so a flat
stretch of a utility curve never makes a tie the evidence does not show.
Below ``MIN_ITEMS`` items on a weighted task the bootstrap's percentiles are
not honest (measured in docs/uncertainty.md) and its figures are withheld.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from advisor.decision.latency import choose
from advisor.decision.result import AccuracyGap, Decision, ModelResult, NamedRange, Pairwise, Uncertainty
from advisor.decision.utilities import score_arrays
from advisor.evidence.model import Evidence, TaskStats
from advisor.inputs.profiles import CRITERIA, LatencyChoice
from advisor.records.samples import FAILURE_KINDS
from advisor.statistics import bootstrap as bs
from advisor.statistics import sensitivity as sv

FloatArray = npt.NDArray[np.float64]
QUANTILE = {"p50": 0.5, "p95": 0.95, "p99": 0.99}
#: Fewest items per weighted task (for every ranked model) for P(best), rank intervals and ties.
MIN_ITEMS = 30
#: Added to each resample's score times its accuracy: breaks exact ties as the ranking does.
_TIE_BREAK = 1e-9


@dataclass(frozen=True)
class _Layout:
    """Per task, the items as (models × items) matrices, and the item means for paired tests."""

    tasks: list[bs.Task]
    names: list[str]  # task names, parallel to tasks
    score_items: list[FloatArray]  # per task (models × items), epoch-averaged score
    binary: list[bool]  # per task: every score is 0 or 1 and there is one epoch per item
    item_ids: list[list[str]]


def layout(
    evidence: Evidence,
    models: list[str],
    mix: dict[str, float],
    severity: dict[str, float],
    latency_column: str = "latency_ms",
    *,
    weighted_tasks: Sequence[str] = (),
) -> _Layout:
    """Lay the samples of ``models`` out per task: item means, cost sums, latencies by epoch.

    Models without samples have NaN rows. ``weighted_tasks`` with no samples at all still get
    a task with no items, so models known only from aggregates are drawn in the same loop.
    """
    table = evidence.table
    local = np.full(len(table.models), -1, dtype=np.int64)
    for i, wanted in enumerate(models):  # models resting on aggregates have no rows: NaN throughout
        if wanted in table.models:
            local[table.models.index(wanted)] = i
    cost_all = evidence.sample_cost if evidence.sample_cost is not None else table.numbers["cost_usd"]
    sev_of = np.asarray([0.0, *(severity[k] for k in FAILURE_KINDS)])
    m_n = len(models)
    out = _Layout([], [], [], [], [])
    for t, name in enumerate(table.tasks):
        if name not in evidence.tasks:
            continue
        rows = np.flatnonzero((table.task == t) & (local[table.model] >= 0))
        if not rows.size:
            continue
        m = local[table.model[rows]]
        items, item = np.unique(table.sample[rows], return_inverse=True)
        epochs, epoch = np.unique(table.epoch[rows], return_inverse=True)
        n, e = items.size, epochs.size
        cell = m * n + item

        def total(values: FloatArray, cell: npt.NDArray[np.int64] = cell, n: int = n) -> FloatArray:
            ok = ~np.isnan(values)
            out: FloatArray = np.bincount(cell[ok], weights=values[ok], minlength=m_n * n).astype(np.float64)
            return out.reshape(m_n, n)

        def count(mask: npt.NDArray[np.bool_], cell: npt.NDArray[np.int64] = cell, n: int = n) -> FloatArray:
            return np.bincount(cell[mask], minlength=m_n * n).reshape(m_n, n).astype(np.float64)

        seen = count(np.ones(rows.size, dtype=bool))
        score = np.where(seen > 0, total(table.score[rows]) / np.maximum(seen, 1), np.nan)
        cost = cost_all[rows]
        failed = table.outcome[rows] > 0
        latency = np.full((m_n, n, e), np.nan)
        latency[m, item, epoch] = table.numbers[latency_column][rows]
        gap = seen == 0
        values = {
            "score": score,
            "cost_sum": np.where(gap, np.nan, total(cost)),
            "cost_n": np.where(gap, np.nan, count(~np.isnan(cost))),
            "latency": latency,
            "severity": np.where(gap, np.nan, total(np.where(failed, sev_of[table.outcome[rows]], 0.0))),
            "failed": np.where(gap, np.nan, count(failed)),
        }
        out.tasks.append(bs.Task(values, weight=mix.get(name, 0.0)))
        out.names.append(name)
        out.score_items.append(score)
        out.item_ids.append([table.sample_ids[i] for i in items])
        out.binary.append(e == 1 and bool(np.isin(table.score[rows], (0.0, 1.0)).all()))
    for name in weighted_tasks:
        if name not in out.names:
            empty = np.zeros((m_n, 0))
            keys = ("score", "cost_sum", "cost_n", "severity", "failed")
            values = {k: empty for k in keys} | {"latency": np.zeros((m_n, 0, 1))}
            out.tasks.append(bs.Task(values, weight=mix.get(name, 0.0)))
            out.names.append(name)
            out.score_items.append(empty)
            out.item_ids.append([])
            out.binary.append(False)
    return out


def criteria_stats(latency_metric: str) -> dict[str, bs.Stat]:
    """The four criteria exactly as ``metrics``/``rank`` define them, per resample."""
    return {
        "accuracy": bs.Mean("score"),  # task-weighted mean of epoch-averaged items
        "cost": bs.Mean("cost_sum", count="cost_n"),  # task-weighted mean over priced samples
        "latency": bs.Quantile("latency", QUANTILE[latency_metric]),  # over all samples
        "gracefulness": bs.Ratio("severity", "failed", empty=1.0, one_minus=True),  # over all failures
    }


@dataclass
class NormalDraws:
    """Fills the columns of models without items in a chunk of bootstrap values (called in place).

    Their accuracy is Σ_t w_t · ``TaskStats.normal_draws`` from a stream of their own; their cost,
    latency and gracefulness are held fixed.
    """

    columns: list[int]  # positions among the ranked models
    stats: list[list[TaskStats]]  # per column, per weighted task
    weights: FloatArray  # task-mix weights over the weighted tasks, normalised
    fixed: dict[str, FloatArray]  # criterion → (columns,) values held fixed
    rng: np.random.Generator

    def __call__(self, values: dict[str, FloatArray]) -> None:
        b = next(iter(values.values())).shape[0]
        z = self.rng.standard_normal((b, len(self.columns), self.weights.size))
        cols = np.asarray(self.columns, dtype=np.intp)
        for k, per_task in enumerate(self.stats):
            drawn = np.stack([s.normal_draws(z[:, k, t]) for t, s in enumerate(per_task)], axis=1)
            values["accuracy"][:, cols[k]] = drawn @ self.weights
        for name, v in self.fixed.items():
            values[name][:, cols] = v


def normal_draws(
    evidence: Evidence, ranked: Sequence[ModelResult], mix: dict[str, float], *, seed: int, stream: int
) -> NormalDraws | None:
    """Draws for the ranked models that have no items; None when every one has items.

    ``stream`` is the child index of ``default_rng(seed)`` to use (the number of task
    streams the paired bootstrap takes), so the item draws are the same with or without them.
    """
    tasks = [t for t, w in mix.items() if w > 0]
    columns = [i for i, m in enumerate(ranked) if any(evidence.models[m.model].tasks[t].items is None for t in tasks)]
    if not columns:
        return None
    w = np.asarray([mix[t] for t in tasks], dtype=np.float64)
    stats = [[evidence.models[ranked[i].model].tasks[t] for t in tasks] for i in columns]

    def raw(m: ModelResult, criterion: str) -> float:
        value = {"cost": m.cost_per_task_usd, "latency": m.latency_value, "gracefulness": m.gracefulness}
        v = value[criterion]
        return math.nan if v is None else float(v)

    fixed = {c: np.asarray([raw(ranked[i], c) for i in columns]) for c in CRITERIA if c != "accuracy"}
    rng = bs.task_generators(seed, stream + 1)[stream]
    return NormalDraws(columns, stats, w / w.sum(), fixed, rng)


def too_few_items(evidence: Evidence, decision: Decision) -> str | None:
    """Why the bootstrap's figures would mislead (fewer than ``MIN_ITEMS`` items somewhere), or None."""
    short = [
        (evidence.models[m.model].tasks[t].n_items, t, m.model)
        for m in decision.ranked
        for t, w in decision.task_weights.items()
        if w > 0 and t in evidence.models[m.model].tasks
    ]
    lacking = sorted(x for x in short if x[0] < MIN_ITEMS)
    if not lacking:
        return None
    n, task, model = lacking[0]
    return f"too few items to tell ({model} has {n} on {task}; they need {MIN_ITEMS} per task)"


def uncertainty(evidence: Evidence, decision: Decision, *, resamples: int = 1000, seed: int = 0) -> Uncertainty:
    """P(best), rank intervals, ties, score gaps with the leader, weight and price sensitivity."""
    ranked = decision.ranked
    names = [m.model for m in ranked]
    if not ranked:
        return Uncertainty(resamples, seed, {}, {}, {}, (), (), (), {}, {}, {})
    ranges = weight_ranges(decision)
    near = _share(decision, concentration=20.0, seed=seed)
    anywhere = _share(decision, concentration=None, seed=seed)
    be = break_even(decision)
    too_few = too_few_items(evidence, decision)
    if too_few is not None:
        nan = math.nan
        pairs = tuple(Pairwise(g, nan, nan, nan) for g in _gaps(decision))
        return Uncertainty(resamples, seed, {}, {}, {}, (), pairs, ranges, near, anywhere, be, too_few=too_few)
    weighted = [t for t, w in decision.task_weights.items() if w > 0]
    choice = decision.profile.latency
    column = "ttft_ms" if choice.of == "ttft" else "latency_ms"
    severity = decision.profile.severity.model_dump()
    lay = layout(evidence, names, decision.task_weights, severity, column, weighted_tasks=weighted)

    def score(values: dict[str, FloatArray]) -> FloatArray:
        accuracy = np.nan_to_num(values["accuracy"])
        return score_arrays(values, decision.anchors, decision.weights) + _TIE_BREAK * accuracy

    draws = normal_draws(evidence, ranked, decision.task_weights, seed=seed, stream=_streams(lay))
    boot = bs.paired_bootstrap(
        lay.tasks,
        criteria_stats(decision.profile.latency.metric),
        score,
        resamples=resamples,
        seed=seed,
        adjust=probe_latency_draws(evidence, ranked, choice, seed=seed, then=draws),
    )
    summary = boot.summary
    low = {n: int(v) for n, v in zip(names, summary.rank_low, strict=True) if v is not None}
    high = {n: int(v) for n, v in zip(names, summary.rank_high, strict=True) if v is not None}
    return Uncertainty(
        resamples=resamples,
        seed=seed,
        p_best={n: float(summary.p_best[i]) for i, n in enumerate(names)},
        rank_low=low,
        rank_high=high,
        tied_for_first=tuple(names[i] for i in summary.tied_for_first),
        pairwise=pairwise(decision, boot.scores),
        weight_ranges=ranges,
        first_place_share=near,
        first_place_share_uniform=anywhere,
        break_even=be,
    )


def probe_latency_draws(
    evidence: Evidence,
    ranked: list[ModelResult],
    choice: LatencyChoice,
    *,
    seed: int,
    then: Callable[[dict[str, FloatArray]], None] | None,
) -> Callable[[dict[str, FloatArray]], None] | None:
    """Per resample, a probed model's latency is the quantile of its probe requests drawn with replacement.

    Probe requests are not items (nothing pairs them across models), so each probed model's are
    resampled on their own, from a seeded stream apart from the item streams.
    """
    columns: list[tuple[int, FloatArray]] = []
    for i, m in enumerate(ranked):
        if m.latency_source != "probe":
            continue
        level = choose(evidence.models[m.model], choice).level
        if level is not None and level.values[choice.of].size:
            columns.append((i, level.values[choice.of]))
    if not columns:
        return then
    rng = np.random.default_rng([seed, 0x9E0B])
    q = QUANTILE[choice.metric]

    def adjust(values: dict[str, FloatArray]) -> None:
        if then is not None:
            then(values)
        b = values["latency"].shape[0]
        for i, v in columns:
            drawn = v[rng.integers(0, v.size, size=(b, v.size))]
            values["latency"][:, i] = np.quantile(drawn, q, axis=1)

    return adjust


def _streams(lay: _Layout) -> int:
    """Random streams the item draws take (tasks with items); the normal draws take the next one."""
    return sum(1 for t in lay.tasks if t.n_items > 0)


def _gaps(decision: Decision) -> list[AccuracyGap]:
    """Each ranked model's accuracy gap to the leader, from the decision's familywise comparisons."""
    ranked = decision.ranked
    out = []
    for m in ranked[1:]:
        gap = decision.gap(m.model, ranked[0].model)
        if gap is not None:
            out.append(gap)
    return out


def pairwise(decision: Decision, scores: FloatArray) -> tuple[Pairwise, ...]:
    """Every ranked model against the leader (column 0): its accuracy gap and its score gap in the bootstrap."""
    index = {m.model: i for i, m in enumerate(decision.ranked)}
    out = []
    for gap in _gaps(decision):
        d = scores[:, index[gap.model]] - scores[:, 0]
        lo, hi = np.quantile(d, [0.025, 0.975]) if d.size else (math.nan, math.nan)
        out.append(Pairwise(gap, float(np.mean(d)) if d.size else math.nan, float(lo), float(hi)))
    return tuple(out)


def _utilities(decision: Decision) -> tuple[FloatArray, FloatArray]:
    u = np.asarray([[m.utilities[c] for c in CRITERIA] for m in decision.ranked], dtype=np.float64)
    w = np.asarray([decision.weights[c] for c in CRITERIA], dtype=np.float64)
    return u, w


def weight_ranges(decision: Decision) -> tuple[NamedRange, ...]:
    """For each criterion, the range of its weight (others rescaled) over which the pick stays first."""
    ranked = decision.ranked
    if len(ranked) < 2:
        return ()
    u, w = _utilities(decision)

    def name(i: int | None) -> str | None:
        return None if i is None else ranked[i].model

    return tuple(
        NamedRange(CRITERIA[r.criterion], r.weight, r.low, r.high, name(r.below), name(r.above))
        for r in sv.weight_ranges(u, w)
    )


def _share(decision: Decision, *, concentration: float | None, seed: int) -> dict[str, float]:
    if not decision.ranked:
        return {}
    u, w = _utilities(decision)
    share = sv.first_place_share(u, w, seed=seed, concentration=concentration)
    return {m.model: float(s) for m, s in zip(decision.ranked, share, strict=True)}


def cost_curve(decision: Decision) -> sv.Curve:
    a = decision.anchors["cost"]
    return sv.Curve(best=a.best, worst=a.worst, scale=a.scale, shift=a.shift)


def break_even(decision: Decision) -> dict[str, float | None]:
    """Per ranked model other than the pick, the multiplier on its prices at which it ties the pick."""
    ranked = decision.ranked
    if not ranked:
        return {}
    pick, curve, w = ranked[0], cost_curve(decision), decision.weights["cost"]
    return {
        m.model: (
            None
            if m.cost_per_task_usd is None
            else sv.break_even_multiplier(
                score_model=m.score,
                score_pick=pick.score,
                cost=m.cost_per_task_usd,
                cost_weight=w,
                curve=curve,
            )
        )
        for m in ranked[1:]
    }
