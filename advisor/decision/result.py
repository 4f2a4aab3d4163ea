"""The decision every renderer reads: ranked models with their breakdowns, and its uncertainty.

Why this module exists: the CLI table, the JSON, the TUI, the memo and revisit
all say things about one ``Decision``; keeping its shape apart from the code
that computes it (``rank``, ``uncertainty``) lets each renderer depend on the
shape alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from advisor.decision.utilities import Anchors
from advisor.inputs.profiles import Profile
from advisor.statistics.comparisons import McNemar


@dataclass(frozen=True)
class Pairwise:
    """One ranked model against the leader: accuracy difference (model − leader), paired."""

    model: str
    leader: str
    diff: float
    ci_low: float
    ci_high: float
    p_value: float
    p_adjusted: float  # Holm, over all comparisons with the leader
    detectable: float  # smallest difference this sample detects (80% power, 5% two-sided)
    items_needed: int | None  # items per task to separate them at the observed gap
    n: int  # shared items
    only_leader: int  # items only the leader saw (left out)
    only_model: int
    mcnemar: McNemar | None  # items of pass/fail tasks; b = model passed, leader failed
    mcnemar_tasks: tuple[str, ...]  # the tasks it covers
    score_diff: float  # bootstrap: model − leader in score, with its 95% interval
    score_ci_low: float
    score_ci_high: float
    #: False when either model rests on aggregates: unpaired difference, SE = √(SE_a² + SE_b²).
    paired: bool = True

    @property
    def clear(self) -> bool:
        return not math.isnan(self.p_adjusted) and self.p_adjusted < 0.05


@dataclass(frozen=True)
class NamedRange:
    criterion: str
    weight: float
    low: float
    high: float
    below: str | None  # who takes over under ``low``
    above: str | None  # who takes over above ``high``


@dataclass(frozen=True)
class Uncertainty:
    resamples: int
    seed: int
    p_best: dict[str, float]  # ranked models only
    rank_low: dict[str, int]
    rank_high: dict[str, int]
    tied_for_first: tuple[str, ...]  # best P(best) first
    pairwise: tuple[Pairwise, ...]
    weight_ranges: tuple[NamedRange, ...]
    first_place_share: dict[str, float]  # weights drawn around the user's
    first_place_share_uniform: dict[str, float]  # weights drawn uniformly
    break_even: dict[str, float | None]  # price multiplier at which a model ties the pick

    @property
    def rank_interval(self) -> dict[str, tuple[int, int]]:
        return {m: (lo, self.rank_high[m]) for m, lo in self.rank_low.items()}

    def pair(self, model: str) -> Pairwise | None:
        """The comparison of a model with the leader, if it has one."""
        return next((p for p in self.pairwise if p.model == model), None)


@dataclass(frozen=True)
class Accuracy:
    mean: float
    se: float
    ci_low: float
    ci_high: float
    n: int


@dataclass(frozen=True)
class ModelResult:
    model: str
    rank: int | None
    score: float
    breakdown: dict[str, float]
    utilities: dict[str, float]
    accuracy: Accuracy | None
    task_accuracy: dict[str, Accuracy]
    cost_per_task_usd: float | None
    #: Mean USD per request by part of the bill (input, cached_input, cache_write, output, reasoning).
    cost_split: dict[str, float]
    cost_per_success_usd: float | None
    monthly_cost_usd: float | None
    latency_ms: dict[str, float] | None
    latency_value: float | None
    gracefulness: float
    failures: dict[str, int]
    unsafe_rate: float
    pareto: bool
    excluded: str | None
    not_clearly_behind: bool
    priced_as: str | None
    price_match: str
    cost_source: str | None
    #: "samples", or "aggregates": per-task statistics only (interval from the given SE, no paired tests).
    evidence: str = "samples"
    #: Where ``latency_ms``/``latency_value`` come from: "samples" (eval files) or "probe" (advisor probe).
    latency_source: str = "samples"

    @property
    def aggregated(self) -> bool:
        return self.evidence == "aggregates"


@dataclass(frozen=True)
class Decision:
    profile: Profile
    weights: dict[str, float]
    task_weights: dict[str, float]
    anchors: dict[str, Anchors]
    models: tuple[ModelResult, ...]
    tasks_per_month: float
    warnings: tuple[str, ...]
    #: P(best), rank intervals, ties, pairwise tests, sensitivity (advisor.decision.uncertainty), when computed.
    uncertainty: Uncertainty | None = None

    @property
    def p_best(self) -> dict[str, float] | None:
        return self.uncertainty.p_best if self.uncertainty else None

    @property
    def rank_interval(self) -> dict[str, tuple[int, int]] | None:
        return self.uncertainty.rank_interval if self.uncertainty else None

    @property
    def tied_for_first(self) -> tuple[str, ...] | None:
        return self.uncertainty.tied_for_first if self.uncertainty else None

    @property
    def aggregated(self) -> list[str]:
        """Models that rest on per-task aggregates rather than samples."""
        return [m.model for m in self.models if m.aggregated]

    @property
    def ranked(self) -> list[ModelResult]:
        return [m for m in self.models if m.rank is not None]

    @property
    def pick(self) -> ModelResult | None:
        ranked = self.ranked
        return ranked[0] if ranked else None

    @property
    def runner_up(self) -> ModelResult | None:
        ranked = self.ranked
        return ranked[1] if len(ranked) > 1 else None

    def get(self, model: str) -> ModelResult:
        return next(m for m in self.models if m.model == model)
