"""The decision's uncertainty and robustness: from Evidence and a Decision to plain figures.

Why this module exists: ``rank`` must stay fast (the TUI re-ranks on every
slider move), while the paired bootstrap takes a fraction of a second and the
sensitivity figures are only worth having next to it. This module is the glue
between the engine (``evidence``, ``rank``) and the pure statistics (``comparisons``,
``bootstrap``, ``sensitivity``): it lays the samples out as per-item matrices,
re-scores every resample with the ranking's own utilities and weights, and
compares every ranked model with the leader. The CLI attaches the result to the
Decision (``Decision.uncertainty``); the TUI calls ``uncertainty`` in a worker.

Only eligible (ranked) models take part; excluded models stay excluded in every
resample. Models resting on per-task aggregates have no items: their accuracy
is drawn per resample and their comparisons are unpaired
(``uncertainty_aggregates``). Anchors of the utility curves stay where the ranking put them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from advisor.decision import uncertainty_aggregates as ua
from advisor.decision.latency import choose
from advisor.decision.result import Decision, ModelResult, NamedRange, Pairwise, Uncertainty
from advisor.decision.utilities import score_arrays
from advisor.evidence.model import Evidence
from advisor.inputs.profiles import CRITERIA, LatencyChoice
from advisor.records.samples import FAILURE_KINDS
from advisor.statistics import bootstrap as bs
from advisor.statistics import comparisons as stats
from advisor.statistics import sensitivity as sv

FloatArray = npt.NDArray[np.float64]
QUANTILE = {"p50": 0.5, "p95": 0.95, "p99": 0.99}


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
) -> _Layout:
    """Lay the samples of ``models`` out per task: item means, cost sums, latencies by epoch."""
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
    return out


def criteria_stats(latency_metric: str) -> dict[str, bs.Stat]:
    """The four criteria exactly as ``metrics``/``rank`` define them, per resample."""
    return {
        "accuracy": bs.Mean("score"),  # task-weighted mean of epoch-averaged items
        "cost": bs.Mean("cost_sum", count="cost_n"),  # task-weighted mean over priced samples
        "latency": bs.Quantile("latency", QUANTILE[latency_metric]),  # over all samples
        "gracefulness": bs.Ratio("severity", "failed", empty=1.0, one_minus=True),  # over all failures
    }


def uncertainty(evidence: Evidence, decision: Decision, *, resamples: int = 1000, seed: int = 0) -> Uncertainty:
    """P(best), rank intervals, ties, paired comparisons with the leader, weight and price sensitivity."""
    ranked = decision.ranked
    names = [m.model for m in ranked]
    if not ranked:
        return Uncertainty(resamples, seed, {}, {}, {}, (), (), (), {}, {}, {})
    choice = decision.profile.latency
    column = "ttft_ms" if choice.of == "ttft" else "latency_ms"
    lay = layout(evidence, names, decision.task_weights, decision.profile.severity.model_dump(), column)
    weights = decision.weights

    def score(values: dict[str, FloatArray]) -> FloatArray:
        return score_arrays(values, decision.anchors, weights)

    draws = ua.normal_draws(evidence, ranked, decision.task_weights, seed=seed, stream=len(lay.tasks))
    adjust = probe_latency_draws(evidence, ranked, choice, seed=seed, then=draws)
    if lay.tasks:
        boot = bs.paired_bootstrap(
            lay.tasks,
            criteria_stats(decision.profile.latency.metric),
            score,
            resamples=resamples,
            seed=seed,
            adjust=adjust,
        )
    else:  # every ranked model rests on aggregates
        assert draws is not None
        boot = ua.aggregates_only_bootstrap(draws, len(names), score, resamples=resamples, seed=seed)
    summary = boot.summary
    p_best = {n: float(summary.p_best[i]) for i, n in enumerate(names)}
    low = {n: int(v) for n, v in zip(names, summary.rank_low, strict=True) if v is not None}
    high = {n: int(v) for n, v in zip(names, summary.rank_high, strict=True) if v is not None}
    tied = tuple(names[i] for i in summary.tied_for_first)
    return Uncertainty(
        resamples=resamples,
        seed=seed,
        p_best=p_best,
        rank_low=low,
        rank_high=high,
        tied_for_first=tied,
        pairwise=pairwise(lay, ranked, decision.task_weights, boot.scores),
        weight_ranges=weight_ranges(decision),
        first_place_share=_share(decision, concentration=20.0, seed=seed),
        first_place_share_uniform=_share(decision, concentration=None, seed=seed),
        break_even=break_even(decision),
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


def pairwise(
    lay: _Layout, ranked: list[ModelResult], mix: dict[str, float], scores: FloatArray
) -> tuple[Pairwise, ...]:
    """Every ranked model against the leader (row 0), Holm-adjusted across the comparisons."""
    weights = [mix.get(n, 0.0) for n in lay.names]
    rows: list[tuple[int, stats.Paired, stats.McNemar | None]] = []
    binary_tasks = tuple(n for n, w, b in zip(lay.names, weights, lay.binary, strict=True) if w > 0 and b)
    for i in range(1, len(ranked)):
        if ranked[i].aggregated or ranked[0].aggregated:
            rows.append((i, ua.unpaired(ranked[i], ranked[0], mix), None))
            continue
        parts = [stats.paired(s[i], s[0]) for s in lay.score_items]
        combined = stats.paired_tasks(parts, weights)
        mc = None
        used = [s for s, w, b in zip(lay.score_items, weights, lay.binary, strict=True) if w > 0 and b]
        if used:  # McNemar on the pass/fail tasks' items
            mc = stats.mcnemar(np.concatenate([s[i] for s in used]), np.concatenate([s[0] for s in used]))
        rows.append((i, combined, mc))
    adjusted = stats.holm([p.p_value for _, p, _ in rows])
    out = []
    for (i, p, mc), adj in zip(rows, adjusted, strict=True):
        d = scores[:, i] - scores[:, 0]
        lo, hi = np.quantile(d, [0.025, 0.975]) if d.size else (math.nan, math.nan)
        out.append(
            Pairwise(
                model=ranked[i].model,
                leader=ranked[0].model,
                diff=p.diff,
                ci_low=p.ci_low,
                ci_high=p.ci_high,
                p_value=p.p_value,
                p_adjusted=adj,
                detectable=p.detectable,
                items_needed=p.items_needed,
                n=p.n,
                only_leader=p.only_b,
                only_model=p.only_a,
                mcnemar=mc,
                mcnemar_tasks=binary_tasks if mc is not None else (),
                score_diff=ranked[i].score - ranked[0].score,
                score_ci_low=float(lo),
                score_ci_high=float(hi),
                paired=not (ranked[i].aggregated or ranked[0].aggregated),
            )
        )
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
    return sv.Curve(best=a.best, worst=a.worst, scale=a.scale)


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
