"""Accuracy gaps between every pair of ranked models, with familywise error control: the one verdict.

Why this module exists: every sentence advisor prints about two models'
accuracy — the verdict, the flags, the table of gaps, the TUI's detail, the
memo, revisit — must come from one comparison, or sooner or later one says
"intervals overlap" while another says "clearly lower". The leader is chosen
by the data (and moves with every weight), so a test against it alone runs
too often: with ten models of equal accuracy some model is "clearly" behind
the leader one run in seven. Here every pair of ranked models is one family:

- per task, ``TaskStats.versus`` (paired on shared items, unpaired otherwise),
  combined with the task mix (``statistics.comparisons.combine``): an exact or
  Monte-Carlo sign-flip test when paired (McNemar's exact test for equally
  weighted pass/fail items), a normal test on adjusted means when unpaired;
- Holm's step-down adjustment over all k(k−1)/2 pairs, which holds the chance
  of any false "clearly" at 5% whichever model turns out to lead and however
  the weights move (Hsu's comparisons with the best or a max-type bootstrap
  would be tied to one criterion's best, and the bootstrap is not honest at
  the small n where exact tests are);
- "clear" needs the Holm-adjusted p below 5% and the 95% interval off 0; a gap
  that is not clear has its interval widened to reach 0.

Each pair's test depends on the evidence and the task mix only, so it is kept
in ``Evidence.cache`` and a re-rank after a weight change only re-runs Holm.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from advisor.decision.result import ALPHA, AccuracyGap, Comparisons
from advisor.evidence.model import Evidence
from advisor.statistics.comparisons import Difference, combine, holm


def _mix_key(mix: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    return tuple(sorted((t, w) for t, w in mix.items() if w > 0))


@dataclass(frozen=True)
class PairEvidence:
    """One pair's combined accuracy difference, and which tasks it covers how."""

    difference: Difference
    pass_fail_tasks: tuple[str, ...]  # tasks whose shared items are pass/fail (McNemar covers them)
    disjoint_tasks: tuple[str, ...]  # tasks where both have items but none in common (compared unpaired)
    items_per_task: int
    _detectable: dict[float, float] = field(default_factory=dict, compare=False, repr=False)

    def detectable(self, alpha: float) -> float:
        if alpha not in self._detectable:
            self._detectable[alpha] = self.difference.detectable(alpha)
        return self._detectable[alpha]


def pair_evidence(
    evidence: Evidence, a: str, b: str, mix: Mapping[str, float], key: tuple[object, ...] | None = None
) -> PairEvidence:
    """Accuracy a − b over the weighted tasks, from the evidence's own interface (cached per pair and mix)."""
    key = ("pair", a, b, _mix_key(mix)) if key is None else key
    if key not in evidence.cache:
        ta, tb = evidence.models[a].tasks, evidence.models[b].tasks
        names = [t for t, w in mix.items() if w > 0 and t in ta and t in tb]
        parts = [(ta[t].versus(tb[t]), mix[t]) for t in names]
        both_items = [ta[t].items is not None and tb[t].items is not None for t in names]
        difference = combine(parts, seed=zlib.crc32(f"{a}\0{b}".encode()))
        evidence.cache[key] = PairEvidence(
            difference=difference,
            pass_fail_tasks=tuple(t for t, (p, _) in zip(names, parts, strict=True) if p.discordant is not None),
            disjoint_tasks=tuple(
                t for t, (p, _), have in zip(names, parts, both_items, strict=True) if have and not p.paired
            ),
            items_per_task=difference.items_per_task,
        )
    result: PairEvidence = evidence.cache[key]
    return result


def _items_needed(
    evidence: Evidence, key: tuple[object, ...], diff: Difference
) -> Callable[[float, float], int | None]:
    """Items per task for a given smallest difference and level, computed when first asked and kept."""

    def need(delta: float, alpha: float) -> int | None:
        full = ("items_needed", *key, delta, alpha)
        if full not in evidence.cache:
            evidence.cache[full] = diff.items_needed(delta, alpha)
        result: int | None = evidence.cache[full]
        return result

    return need


def make_gap(
    evidence: Evidence,
    a: str,
    b: str,
    mix: Mapping[str, float],
    found: PairEvidence,
    *,
    mix_key: tuple[object, ...] | None = None,
    p_adjusted: float,
    family: int,
    smallest_difference: float,
) -> AccuracyGap:
    """The verdict on one pair: clear only when the adjusted p and the 95% interval agree.

    A gap that is not clear has its interval widened to reach 0.
    """
    d = found.difference
    alpha = ALPHA / max(1, family)  # what it takes to be clear whatever the other pairs show (Bonferroni ≥ Holm)
    clear = not math.isnan(p_adjusted) and p_adjusted < ALPHA and (d.ci_low > 0 or d.ci_high < 0)
    low, high = (d.ci_low, d.ci_high) if clear else (min(d.ci_low, 0.0), max(d.ci_high, 0.0))
    return AccuracyGap(
        model=a,
        other=b,
        diff=d.diff,
        ci_low=low,
        ci_high=high,
        p_value=d.p_value,
        p_adjusted=p_adjusted,
        family=family,
        test=d.test,
        paired=d.paired,
        clear=clear,
        n=d.shared if d.paired else d.n_a + d.n_b,
        only_model=d.only_a,
        only_other=d.only_b,
        mcnemar=d.mcnemar,
        mcnemar_tasks=found.pass_fail_tasks if d.mcnemar is not None else (),
        detectable=found.detectable(alpha),
        smallest_difference=smallest_difference,
        alpha=alpha,
        disjoint_tasks=found.disjoint_tasks,
        items_per_task=found.items_per_task,
        need=_items_needed(evidence, (a, b, _mix_key(mix) if mix_key is None else mix_key), d),
    )


def compare_all(
    evidence: Evidence, models: Sequence[str], mix: Mapping[str, float], *, smallest_difference: float
) -> Comparisons:
    """Every pair of ``models``, Holm-adjusted as one family (kept in the evidence: a re-rank that keeps the
    same ranked models, task mix and smallest difference reads it back; the order of ``models`` does not matter)."""
    names = tuple(sorted(models))
    mix_key = _mix_key(mix)
    key = ("comparisons", names, mix_key, smallest_difference)
    if key not in evidence.cache:
        evidence.cache[key] = _compare_all(evidence, names, mix, mix_key, smallest_difference)
    result: Comparisons = evidence.cache[key]
    return result


def _compare_all(
    evidence: Evidence,
    names: tuple[str, ...],
    mix: Mapping[str, float],
    mix_key: tuple[object, ...],
    smallest_difference: float,
) -> Comparisons:
    pairs = [(names[i], names[j]) for i in range(len(names)) for j in range(i + 1, len(names))]
    found = [pair_evidence(evidence, a, b, mix, ("pair", a, b, mix_key)) for a, b in pairs]
    adjusted = holm([f.difference.p_value for f in found])
    gaps: dict[tuple[str, str], AccuracyGap] = {}
    warnings: list[str] = []
    for (a, b), f, p_adj in zip(pairs, found, adjusted, strict=True):
        if f.disjoint_tasks:
            warnings.append(
                f"{a} and {b} share no items on {', '.join(f.disjoint_tasks)}: their accuracy there is compared "
                "unpaired (check that the sample ids match across files)"
            )
        gaps[(a, b)] = make_gap(
            evidence,
            a,
            b,
            mix,
            f,
            mix_key=mix_key,
            p_adjusted=p_adj,
            family=len(pairs),
            smallest_difference=smallest_difference,
        )
    return Comparisons(gaps, tuple(warnings))
