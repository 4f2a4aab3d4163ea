"""The overfitting check: did a model (or its prompt) get tuned to the dev items?

Why this module exists: the holdout only protects a decision if someone looks
at what it says. From the evidence on the dev items and on the holdout items
this computes, per model, the two accuracies, the gap and the gap beyond the
other models' (``advisor.statistics.split_gap``: intervals, a permutation test
with the max-T adjustment, power), the agreement between the rankings on the
two parts (Kendall's tau-b, the same profile on each), and whether the
holdout is large enough to detect the smallest difference that matters.
The expensive part (resampling) depends only on the items and the task mix,
so it is computed once per split and task mix and kept in ``SplitView.cache``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from advisor.decision.overfit_result import ModelGap, OverfitCheck
from advisor.decision.rank import rank
from advisor.decision.result import Decision
from advisor.evidence.from_samples import item_means, unpack_item_key
from advisor.evidence.model import Evidence
from advisor.split.assign import SplitView
from advisor.statistics.kendall import kendall_tau_b
from advisor.statistics.split_gap import GapStats, PartTask, gap_stats, paired_detectable

PERMUTATIONS = 999
RESAMPLES = 1000
ALPHA = 0.05


def item_scores(ev: Evidence, models: list[str]) -> dict[str, dict[str, dict[int, float]]]:
    """Per task and sample id: each model's score (epochs averaged), by the model's index in ``models``."""
    out: dict[str, dict[str, dict[int, float]]] = {}
    table = ev.table
    if not len(table):
        return out
    row = {m: i for i, m in enumerate(models)}
    keys, means, _ = item_means(table, table.score)
    model, task, sample = unpack_item_key(table, keys)
    for m, t, s, v in zip(model.tolist(), task.tolist(), sample.tolist(), means.tolist(), strict=True):
        name = table.models[m]
        if name in row and not math.isnan(v):
            out.setdefault(table.tasks[t], {}).setdefault(table.sample_ids[s], {})[row[name]] = v
    return out


def _matrix(items: Mapping[str, dict[int, float]], ids: list[str], n_models: int) -> np.ndarray:
    scores = np.full((n_models, len(ids)), np.nan)
    for j, sid in enumerate(ids):
        for i, v in items.get(sid, {}).items():
            scores[i, j] = v
    return scores


def part_tasks(dev: Evidence, holdout: Evidence, models: list[str], weights: Mapping[str, float]) -> list[PartTask]:
    """Per task with weight: the models × items score matrix (epochs averaged) and which items are held out."""
    on_dev, on_holdout = item_scores(dev, models), item_scores(holdout, models)
    out: list[PartTask] = []
    for task in sorted(set(on_dev) | set(on_holdout)):
        w = weights.get(task, 0.0)
        d, h = on_dev.get(task, {}), on_holdout.get(task, {})
        if w <= 0 or not d or not h:
            continue
        ids = sorted(d) + sorted(h)
        scores = _matrix({**d, **h}, ids, len(models))
        out.append(PartTask(scores, np.arange(len(ids)) >= len(d), w))
    return out


def _gaps(
    split: SplitView, dev: Evidence, holdout: Evidence, models: list[str], weights: Mapping[str, float]
) -> GapStats | None:
    key = ("gaps", tuple(models), tuple(sorted(weights.items())), PERMUTATIONS, RESAMPLES)
    if key not in split.cache:
        tasks = part_tasks(dev, holdout, models, weights)
        split.cache[key] = (
            gap_stats(tasks, permutations=PERMUTATIONS, resamples=RESAMPLES, alpha=ALPHA) if tasks else None
        )
    found = split.cache[key]
    return found if isinstance(found, GapStats) else None


def _opt(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _holdout_detectable(decision: Decision, holdout: Evidence, weights: Mapping[str, float]) -> float | None:
    """The pick against the runner-up on the holdout items: the accuracy difference detected 80% of the time."""
    pick, runner = decision.pick, decision.runner_up
    if pick is None or runner is None or pick.aggregated or runner.aggregated:
        return None
    pair = [pick.model, runner.model]
    diffs, task_weights = [], []
    for task, items in sorted(item_scores(holdout, pair).items()):
        scores = _matrix(items, sorted(items), 2)
        diffs.append(scores[0] - scores[1])
        task_weights.append(weights.get(task, 0.0))
    value = paired_detectable(diffs, task_weights)
    return _opt(value)


def overfit_check(split: SplitView, parts: Mapping[str, Evidence], decision: Decision) -> OverfitCheck:
    """Dev against holdout for the decision's models (those with samples), under the decision's profile."""
    dev, holdout = parts["dev"], parts["holdout"]
    weights = decision.task_weights
    models = [m.model for m in decision.models if not m.aggregated and m.model in dev.models]
    models = [m for m in models if m in holdout.models]
    stats = _gaps(split, dev, holdout, models, weights) if models else None
    gaps: list[ModelGap] = []
    if stats is not None:
        flagged = stats.flagged
        for i, name in enumerate(models):
            gaps.append(
                ModelGap(
                    model=name,
                    dev=float(stats.dev[i]),
                    holdout=float(stats.holdout[i]),
                    gap=float(stats.gap[i]),
                    gap_low=float(stats.gap_low[i]),
                    gap_high=float(stats.gap_high[i]),
                    excess=_opt(stats.excess[i]),
                    excess_low=_opt(stats.excess_low[i]),
                    excess_high=_opt(stats.excess_high[i]),
                    p_value=_opt(stats.p_value[i]),
                    p_adjusted=_opt(stats.p_adjusted[i]),
                    detectable=_opt(stats.detectable[i]),
                    dev_items=int(stats.dev_items[i]),
                    holdout_items=int(stats.holdout_items[i]),
                    flagged=bool(flagged[i]),
                )
            )
    on_dev = rank(dev, decision.profile, tasks_per_month=decision.tasks_per_month)
    on_holdout = rank(holdout, decision.profile, tasks_per_month=decision.tasks_per_month)
    both = [m.model for m in on_dev.ranked if m.model in {r.model for r in on_holdout.ranked}]
    tau = (
        kendall_tau_b([on_dev.get(m).score for m in both], [on_holdout.get(m).score for m in both])
        if len(both) >= 3
        else math.nan
    )
    mde = _holdout_detectable(decision, holdout, weights)
    warnings = _warnings(split, decision, gaps, mde, models)
    return OverfitCheck(
        rotation=split.rotation,
        share=split.share,
        part=split.part,
        items=dict(split.counts),
        fingerprint=split.fingerprint,
        models=tuple(gaps),
        tau=_opt(tau),
        tau_models=len(both),
        dev_pick=on_dev.pick.model if on_dev.pick else None,
        holdout_pick=on_holdout.pick.model if on_holdout.pick else None,
        holdout_detectable=mde,
        smallest_difference=decision.profile.statistics.smallest_difference,
        permutations=stats.permutations if stats is not None else 0,
        resamples=stats.resamples if stats is not None else 0,
        seed=stats.seed if stats is not None else 0,
        alpha=ALPHA,
        warnings=tuple(warnings),
    )


def _warnings(
    split: SplitView, decision: Decision, gaps: list[ModelGap], mde: float | None, models: list[str]
) -> list[str]:
    out: list[str] = []
    need = decision.profile.statistics.smallest_difference
    held = split.holdout_items
    if mde is not None and mde > need and held:
        more = math.ceil(held * (mde / need) ** 2)
        out.append(
            f"the holdout ({held:,} items) is too small to tell the pick from the runner-up at the {100 * need:.0f} "
            f"points that matter: it detects a difference of {100 * mde:.1f} points 80% of the time; about "
            f"{more:,} holdout items would detect {100 * need:.0f} (more items, or a larger share at the next rotation)"
        )
    detectable = [g.detectable for g in gaps if g.detectable is not None]
    if detectable and float(np.median(detectable)) > need and held:
        typical = float(np.median(detectable))
        out.append(
            f"the holdout ({held:,} items) is too small to catch a model tuned to dev by {100 * need:.0f} points: "
            f"the check detects an extra gap of about {100 * typical:.1f} points 80% of the time"
        )
    if len(models) == 1:
        out.append(
            "with one model, its dev–holdout gap cannot be told from a holdout that is simply harder; "
            "the check compares each model's gap with the others'"
        )
    left = [m.model for m in decision.models if m.aggregated]
    if left:
        out.append(f"not in the check (per-task aggregates have no items to split): {', '.join(left)}")
    return out
