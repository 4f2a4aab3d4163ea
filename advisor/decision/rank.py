"""Turn evidence and a profile into a ranked, explained decision.

Each raw metric maps to a utility in [0, 1] through the profile's curve
(anchors from the data where the profile leaves them unset); the score is the
weighted sum of utilities and its breakdown is each term. Constraints exclude
with a stated reason, and excluded models stay in the result. Everything is
pure and fast: re-ranking after a weight change reads only the cached
aggregates in ``Evidence``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from advisor.decision.entry_constraints import context_flags, entry_exclusions
from advisor.decision.latency import ChosenLatency, choose
from advisor.decision.latency import notes as latency_notes
from advisor.decision.result import Accuracy, Decision, ModelResult, ProfileEdits
from advisor.decision.uncertainty_accuracy import compare_all
from advisor.decision.utilities import HIGHER_IS_BETTER, resolve_anchors
from advisor.errors import InputError
from advisor.evidence.model import Evidence, ModelEvidence
from advisor.inputs.profiles import CRITERIA, Curve, Profile
from advisor.statistics.intervals import mean_interval
from advisor.text.format import fmt_ms


def task_weights(profile: Profile, tasks: tuple[str, ...]) -> tuple[dict[str, float], list[str]]:
    """Normalised task mix over the tasks in the data (equal when the profile names none)."""
    notes: list[str] = []
    if not profile.tasks:
        return {t: 1.0 / len(tasks) for t in tasks}, notes
    missing = [t for t in profile.tasks if t not in tasks]
    if missing:
        notes.append(f"profile task weights name tasks with no results: {', '.join(missing)}")
    unlisted = [t for t in tasks if t not in profile.tasks]
    if unlisted:
        notes.append(f"tasks not in the profile's task mix count for nothing: {', '.join(unlisted)}")
    raw = {t: profile.tasks.get(t, 0.0) for t in tasks}
    total = sum(raw.values())
    if total <= 0:
        return {t: 1.0 / len(tasks) for t in tasks}, [*notes, "no task in the data has weight; using equal weights"]
    return {t: w / total for t, w in raw.items()}, notes


def combine_accuracy(ev: ModelEvidence, mix: dict[str, float]) -> Accuracy:
    """Task-weighted mean; SE combines per-task clustered SEs; Wilson at the effective n."""
    mean = sum(w * ev.tasks[t].mean for t, w in mix.items() if w > 0)
    se = math.sqrt(sum((w * ev.tasks[t].se) ** 2 for t, w in mix.items() if w > 0))
    n = sum(ev.tasks[t].n_items for t, w in mix.items() if w > 0)
    return interval(mean, se, n)


@functools.lru_cache(maxsize=4096)  # per-task intervals do not move with the weights: re-ranks reuse them
def interval(mean: float, se: float, n: int) -> Accuracy:
    """95% interval kept in [0, 1]: Wilson at the effective sample size (``intervals.mean_interval``)."""
    low, high = mean_interval(mean, se, n)
    return Accuracy(mean=mean, se=se, ci_low=low, ci_high=high, n=n)


def gracefulness(failures: dict[str, int], profile: Profile) -> float:
    """1 − mean severity of the failures (1 with none); callers check ``failures_known`` first."""
    total = sum(failures.values())
    if total == 0:
        return 1.0
    severity: dict[str, float] = profile.severity.model_dump()
    return 1.0 - sum(count * severity[kind] for kind, count in failures.items()) / total


def cost_per_task(ev: ModelEvidence, mix: dict[str, float]) -> float | None:
    parts = [(w, ev.tasks[t].cost_mean) for t, w in mix.items() if w > 0]
    if any(c is None for _, c in parts):
        return None
    return sum(w * c for w, c in parts if c is not None)


def cost_split(ev: ModelEvidence, mix: dict[str, float]) -> dict[str, float]:
    """Cost per task by part of the bill, task-weighted like ``cost_per_task`` so the parts add up to it."""
    out: dict[str, float] = {}
    for t, w in mix.items():
        if w <= 0:
            continue
        split = ev.tasks[t].cost_split
        if not split:
            return {}
        for part, usd in split.items():
            out[part] = out.get(part, 0.0) + w * usd
    return out


def pareto_front(raw: dict[str, dict[str, float]]) -> set[str]:
    """Models no other model beats on every criterion (and strictly on one).

    Only criteria every model has a value for are compared (a criterion nobody
    measured cannot separate anyone).
    """
    names = list(raw)
    if not names:
        return set()
    criteria = [c for c in raw[names[0]] if all(math.isfinite(raw[n][c]) for n in names)]
    if not criteria:
        return set(names)
    sign = np.array([1.0 if HIGHER_IS_BETTER[c] else -1.0 for c in criteria])
    better = np.array([[raw[n][c] for c in criteria] for n in names]) * sign  # higher is better everywhere
    # dominates[b, a]: b is at least as good as a on every criterion and strictly better on one
    ge = (better[:, None, :] >= better[None, :, :]).all(axis=2)
    gt = (better[:, None, :] > better[None, :, :]).any(axis=2)
    dominated = (ge & gt).any(axis=0)
    return {n for n, d in zip(names, dominated, strict=True) if not d}


#: Why a model lacks a criterion, said in its exclusion reason.
LACKING = {"latency": "no latency data", "gracefulness": "gracefulness unknown (no failure kinds recorded)"}
#: Why a criterion is left out when no candidate has it.
NOBODY_HAS = {
    "cost": "no candidate has a cost (the results record no tokens and no cost)",
    "latency": "no candidate has latency data",
    "gracefulness": "no candidate's results say how it failed (no outcome recorded)",
}


@dataclass(frozen=True)
class _Measured:
    """One model's raw metrics, before utilities (they do not depend on the weights)."""

    accuracy: Accuracy | None
    cost: float | None
    latency: float | None
    gracefulness: float | None
    #: Results on every task the mix weighs.
    complete: bool
    #: The latency the profile's ``[latency]`` chooses (samples or probe) and why it may be missing.
    chosen_latency: ChosenLatency
    #: Not excluding, but worth saying (a few prompts longer than the context window).
    flags: list[str]

    def raw(self) -> dict[str, float]:
        return {
            "accuracy": self.accuracy.mean if self.accuracy else math.nan,
            "cost": self.cost if self.cost is not None else math.nan,
            "latency": self.latency if self.latency is not None else math.nan,
            "gracefulness": self.gracefulness if self.gracefulness is not None else math.nan,
        }

    def lacks(self, uses: dict[str, bool]) -> tuple[str, ...]:
        """Criteria in use (by weight or constraint) this model has no value for (cost only when complete)."""
        values = {
            "cost": self.cost if self.complete else 0.0,
            "latency": self.latency,
            "gracefulness": self.gracefulness,
        }
        return tuple(c for c, v in values.items() if v is None and uses[c])


def measure(evidence: Evidence, profile: Profile, mix: dict[str, float]) -> dict[str, _Measured]:
    """Each model's raw metrics under the profile's latency choice and severities."""
    out: dict[str, _Measured] = {}
    for name, ev in evidence.models.items():
        complete = all(t in ev.tasks for t, w in mix.items() if w > 0)
        chosen = choose(ev, profile.latency)
        out[name] = _Measured(
            accuracy=combine_accuracy(ev, mix) if complete else None,
            cost=cost_per_task(ev, mix) if complete else None,
            latency=chosen.value,
            gracefulness=gracefulness(ev.failures, profile) if ev.failures_known else None,
            complete=complete,
            chosen_latency=chosen,
            flags=context_flags(ev, profile.constraints),
        )
    return out


def _exclusions(
    ev: ModelEvidence, profile: Profile, mix: dict[str, float], m: _Measured, lacks: tuple[str, ...]
) -> list[str]:
    reasons: list[str] = []
    acc, cost, latency = m.accuracy, m.cost, m.latency
    lacking = [t for t, w in mix.items() if w > 0 and t not in ev.tasks]
    if lacking:
        reasons.append(f"no results for task {', '.join(lacking)}")
    limits = profile.constraints
    metric = profile.latency.label()
    if "cost" in lacks:
        why = ev.price.how if ev.price is not None and not ev.price.priced else "some samples have no tokens or cost"
        reasons.append(f"unpriced: {why}")
    if "latency" in lacks:
        reasons.append(m.chosen_latency.missing or LACKING["latency"])
    if "gracefulness" in lacks:
        reasons.append(LACKING["gracefulness"])
    if limits.max_latency_ms is not None and latency is not None and latency > limits.max_latency_ms:
        reasons.append(f"{metric} latency {fmt_ms(latency)} exceeds the {fmt_ms(limits.max_latency_ms)} ceiling")
    if limits.max_cost_per_task_usd is not None and cost is not None and cost > limits.max_cost_per_task_usd:
        reasons.append(f"${cost:.4g}/task exceeds the ${limits.max_cost_per_task_usd:g} ceiling")
    if limits.min_accuracy is not None and acc is not None and acc.mean < limits.min_accuracy:
        reasons.append(f"accuracy {acc.mean:.1%} is below the {limits.min_accuracy:.1%} minimum")
    if limits.max_unsafe_rate is not None and ev.unsafe_rate > limits.max_unsafe_rate:
        reasons.append(f"unsafe rate {ev.unsafe_rate:.1%} exceeds the {limits.max_unsafe_rate:.1%} maximum")
    reasons.extend(entry_exclusions(ev, profile.constraints))
    return reasons


def unavailable(
    evidence: Evidence, measured: dict[str, _Measured], lacks: dict[str, tuple[str, ...]]
) -> dict[str, str]:
    """Criteria in use that no candidate with results on every task has, and why.

    Cost counts as missing only when there is nothing to price (no tokens, no
    recorded cost): unpriced names are fixed with ``[aliases]``, not by dropping cost.
    Latency likewise only when there is none at all, not when a ``[latency]``
    choice (a probe level, time to first token) finds none.
    """
    complete = [n for n, m in measured.items() if m.complete]
    if not complete:
        return {}
    out: dict[str, str] = {}
    for c, why in NOBODY_HAS.items():
        if not all(c in lacks[n] for n in complete):
            continue
        if c == "cost" and any(evidence.models[n].tokens for n in complete):
            continue
        if c == "latency" and any(measured[n].chosen_latency.missing for n in complete):
            continue  # a [latency] choice the data does not meet (a probe level, TTFT): say so, do not drop it
        out[c] = why
    return out


def profile_edits(profile: Profile, dropped: dict[str, str]) -> ProfileEdits:
    """How the profile in force departs from the profile as written, beyond the criteria left out."""
    written = profile.as_written
    try:
        expected = written.ignoring(dropped)
    except InputError:
        expected = written
    mine, theirs = profile.weights.normalised(), expected.weights.normalised()
    changed_weights = any(abs(mine[c] - theirs[c]) > 1e-9 for c in CRITERIA)
    now, before = profile.constraints.model_dump(), expected.constraints.model_dump()
    return ProfileEdits(
        base=written.name,
        weights=written.weights.normalised() if changed_weights else None,
        constraints=tuple((k, before[k], now[k]) for k in now if now[k] != before[k]),
    )


def rank(evidence: Evidence, profile: Profile, *, tasks_per_month: float = 0.0) -> Decision:
    """Rank every model in the evidence under a profile.

    A criterion the profile uses that no candidate has (say, latency in lm-eval
    results) is left out, with the reason in ``Decision.dropped``, rather than
    excluding everyone; models that lack a criterion others have are excluded,
    and ``Decision.lacking`` names them so the way out (``Profile.ignoring``) can be offered.
    """
    mix, notes = task_weights(profile, evidence.tasks)
    measured = measure(evidence, profile, mix)
    uses = {c: profile.uses(c) for c in CRITERIA}
    lacks = {n: m.lacks(uses) for n, m in measured.items()}
    dropped = unavailable(evidence, measured, lacks)
    if dropped:
        try:
            profile = profile.ignoring(dropped)
        except InputError:  # nothing else has weight: keep it, and let the exclusions say why
            dropped = {}
        else:
            uses = {c: profile.uses(c) for c in CRITERIA}
            lacks = {n: m.lacks(uses) for n, m in measured.items()}
    excluded_for = {n: _exclusions(evidence.models[n], profile, mix, m, lacks[n]) for n, m in measured.items()}
    weights = profile.weights.normalised()
    raws = {n: m.raw() for n, m in measured.items()}
    eligible = [n for n, why in excluded_for.items() if not why]
    curves = profile.utility.model_dump()
    anchors = {c: resolve_anchors(Curve(**curves[c]), c, [raws[n][c] for n in eligible]) for c in CRITERIA}
    front = pareto_front({n: raws[n] for n in eligible})
    names = list(measured)
    columns = {  # one vectorised utility per criterion, over every model
        c: np.nan_to_num(anchors[c].utility([raws[n][c] for n in names]), nan=0.0).tolist() for c in CRITERIA
    }
    utilities = {n: {c: columns[c][i] for c in CRITERIA} for i, n in enumerate(names)}
    breakdowns = {n: {c: weights[c] * utilities[n][c] for c in CRITERIA} for n in measured}
    scores = {n: sum(b.values()) for n, b in breakdowns.items()}
    order = sorted(
        measured,
        key=lambda n: (bool(excluded_for[n]), -scores[n], -np.nan_to_num(raws[n]["accuracy"]), n),
    )
    ranked = [n for n in order if not excluded_for[n]]
    # Accuracy claims come from one familywise paired comparison of every ranked pair (cached in the evidence).
    comparisons = compare_all(evidence, ranked, mix, smallest_difference=profile.statistics.smallest_difference)
    results: list[ModelResult] = []
    position = 0
    for name in order:
        ev = evidence.models[name]
        m, why = measured[name], excluded_for[name]
        acc = m.accuracy
        excluded = "; ".join(why) if why else None
        if excluded is None:
            position += 1
        gap = comparisons.get(name, ranked[0]) if excluded is None and position > 1 else None
        vs_pick = None if gap is None or gap.direction == "none" else gap.direction
        behind = vs_pick is not None and vs_pick != "lower"
        results.append(
            ModelResult(
                model=name,
                rank=position if excluded is None else None,
                score=scores[name],
                breakdown=breakdowns[name],
                utilities=utilities[name],
                accuracy=acc,
                task_accuracy={t: interval(s.mean, s.se, s.n_items) for t, s in ev.tasks.items()},
                cost_per_task_usd=m.cost,
                cost_split=cost_split(ev, mix) if m.cost is not None else {},
                cost_per_success_usd=m.cost / acc.mean if m.cost is not None and acc and acc.mean > 0 else None,
                # no volume given: no monthly figure (not $0)
                monthly_cost_usd=m.cost * tasks_per_month if m.cost is not None and tasks_per_month > 0 else None,
                latency_ms=m.chosen_latency.percentiles,
                latency_value=m.latency,
                latency_source=m.chosen_latency.source,
                gracefulness=m.gracefulness,
                failures=ev.failures,
                unsafe_rate=ev.unsafe_rate,
                pareto=name in front,
                excluded=excluded,
                not_clearly_behind=behind,
                priced_as=ev.price.price.id if ev.price and ev.price.price else None,
                price_match=ev.price.how if ev.price else "no price sheet",
                cost_source=ev.cost_source,
                evidence=ev.evidence,
                accuracy_vs_pick=vs_pick,
                cost_model=ev.price.cost_model if ev.price else None,
            )
        )
    lacking = {  # models that only this could rank: excluded with results on every task
        c: tuple(r.model for r in results if r.excluded and r.accuracy and c in lacks[r.model])
        for c in ("cost", "latency", "gracefulness")
    }
    return Decision(
        profile=profile,
        weights=weights,
        task_weights=mix,
        anchors=anchors,
        models=tuple(results),
        tasks_per_month=tasks_per_month,
        warnings=tuple(
            [
                *evidence.warnings,
                *notes,
                *latency_notes({n: m.chosen_latency for n, m in measured.items()}),
                *(f for m in measured.values() for f in m.flags),
                *comparisons.warnings,
            ]
        ),
        dropped=dropped,
        lacking={c: names for c, names in lacking.items() if names},
        edits=profile_edits(profile, dropped),
        comparisons=comparisons,
    )
