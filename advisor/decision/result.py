"""The decision every renderer reads: ranked models with their breakdowns, and its uncertainty.

Why this module exists: the CLI table, the JSON, the TUI, the memo and revisit
all say things about one ``Decision``; keeping its shape apart from the code
that computes it (``rank``, ``uncertainty``) lets each renderer depend on the
shape alone.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from advisor.decision.overfit_result import OverfitCheck
from advisor.decision.utilities import Anchors
from advisor.inputs.profiles import Profile
from advisor.statistics.comparisons import McNemar

#: The familywise error rate of every "clearly" advisor prints.
ALPHA = 0.05
Direction = Literal["higher", "lower", "unclear", "none"]


@dataclass(frozen=True)
class AccuracyGap:
    """Accuracy of ``model`` minus ``other``: the one comparison every sentence about the two renders.

    "Clear" means Holm-adjusted over every pair of ranked models (the family) below
    ``ALPHA`` *and* a 95% interval that excludes 0; otherwise the interval is widened to
    reach 0 (as Hsu's constrained intervals are), so no interval says more than the verdict.
    """

    model: str
    other: str
    diff: float
    ci_low: float
    ci_high: float
    p_value: float  # of the test named in ``test``
    p_adjusted: float  # Holm over the family
    family: int  # pairs in the Holm family
    test: str  # "exact McNemar", "exact/Monte Carlo/Hoeffding bound sign-flip", "normal (unpaired)", "none"
    paired: bool
    clear: bool
    n: int  # shared items (paired), items behind both estimates (unpaired)
    only_model: int  # items only ``model`` saw (left out of a paired comparison)
    only_other: int
    mcnemar: McNemar | None  # shared pass/fail items; b = model passed and other failed
    mcnemar_tasks: tuple[str, ...]
    detectable: float  # about the smallest gap these items detect (80% power, at ``alpha``)
    smallest_difference: float  # the profile's smallest difference worth detecting
    alpha: float  # ALPHA / family: the level a pair must reach to be clear whatever the other pairs show
    #: Tasks on which both models have items but none in common (compared unpaired there).
    disjoint_tasks: tuple[str, ...] = ()
    #: The fewest items behind the comparison on any task (shared items, or the smaller side when unpaired).
    items_per_task: int = 0
    #: Items per task for (difference, level); computed when first asked (an exact power search).
    need: Callable[[float, float], int | None] | None = field(default=None, compare=False, repr=False)

    @property
    def items_needed(self) -> int | None:
        """Items per task to detect ``smallest_difference`` with 80% power at ``alpha``."""
        return self.need(self.smallest_difference, self.alpha) if self.need is not None else None

    @property
    def direction(self) -> Direction:
        """``model``'s accuracy against ``other``'s, as the familywise test has it."""
        if math.isnan(self.diff):
            return "none"
        if not self.clear:
            return "unclear"
        return "higher" if self.diff > 0 else "lower"

    def flipped(self) -> AccuracyGap:
        """The same comparison seen from ``other``."""
        mc = self.mcnemar
        return dataclasses.replace(
            self,
            model=self.other,
            other=self.model,
            diff=-self.diff,
            ci_low=-self.ci_high,
            ci_high=-self.ci_low,
            only_model=self.only_other,
            only_other=self.only_model,
            mcnemar=McNemar(mc.c, mc.b, mc.p_value) if mc is not None else None,
        )


@dataclass(frozen=True)
class Comparisons:
    """Accuracy gaps between every pair of ranked models: the familywise family (each pair once, either way round)."""

    gaps: dict[tuple[str, str], AccuracyGap] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def family(self) -> int:
        return len(self.gaps)

    def get(self, model: str, other: str) -> AccuracyGap | None:
        """``model`` − ``other``, whichever way round it was computed."""
        if (model, other) in self.gaps:
            return self.gaps[(model, other)]
        gap = self.gaps.get((other, model))
        return gap.flipped() if gap is not None else None


@dataclass(frozen=True)
class Pairwise:
    """One ranked model against the leader: the accuracy gap, and the score gap from the bootstrap."""

    gap: AccuracyGap  # model − leader
    score_diff: float  # model − leader in score, with the bootstrap's 95% interval (NaN when withheld)
    score_ci_low: float
    score_ci_high: float

    @property
    def model(self) -> str:
        return self.gap.model

    @property
    def leader(self) -> str:
        return self.gap.other


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
    p_best: dict[str, float]  # ranked models only; empty when ``too_few`` withholds it
    rank_low: dict[str, int]
    rank_high: dict[str, int]
    tied_for_first: tuple[str, ...]  # best P(best) first; empty when withheld
    pairwise: tuple[Pairwise, ...]
    weight_ranges: tuple[NamedRange, ...]
    first_place_share: dict[str, float]  # weights drawn around the user's
    first_place_share_uniform: dict[str, float]  # weights drawn uniformly
    break_even: dict[str, float | None]  # price multiplier at which a model ties the pick
    #: Why P(best), rank intervals and the tie for first are withheld ("too few items to tell"), or None.
    too_few: str | None = None

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
    #: Cost per task by part of the bill (input, cached_input, cache_write, output, reasoning, and
    #: recorded: costs the tool recorded), task-weighted like the total, so the parts add up to it.
    cost_split: dict[str, float]
    cost_per_success_usd: float | None
    monthly_cost_usd: float | None
    latency_ms: dict[str, float] | None
    latency_value: float | None
    #: None when the model failed and its results do not say how (no outcome recorded).
    gracefulness: float | None
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
    #: A model you run yourself: how its cost is made ("self-hosted: $4.98/h … ÷ 1,800 tok/s …").
    cost_model: str | None = None
    #: Accuracy against the pick by the familywise paired test: "higher", "lower", "unclear"; None for the pick.
    accuracy_vs_pick: Direction | None = None

    @property
    def aggregated(self) -> bool:
        return self.evidence == "aggregates"


@dataclass(frozen=True)
class ProfileEdits:
    """How the profile in force departs from the profile as its file wrote it, by the user's hand."""

    #: The profile it started from.
    base: str
    #: The profile's own weights (normalised), when the weights in force differ; None when they are its own.
    weights: dict[str, float] | None = None
    #: (constraint, the profile's value, the value in force) for each constraint changed.
    constraints: tuple[tuple[str, object, object], ...] = ()

    @property
    def as_written(self) -> bool:
        """True when the profile's weights and constraints are in force (its rationale applies)."""
        return self.weights is None and not self.constraints


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
    #: Criteria the profile uses that no candidate has, left out (weight 0, constraints lifted), and why.
    dropped: dict[str, str] = field(default_factory=dict)
    #: Criterion → models excluded because they lack it while others have it (``Profile.ignoring`` lifts that).
    lacking: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: How the profile in force departs from the profile as written (custom weights, changed constraints).
    edits: ProfileEdits | None = None
    #: Accuracy gaps between every pair of ranked models (familywise); every accuracy claim reads these.
    comparisons: Comparisons = field(default_factory=Comparisons)
    #: Dev against holdout (advisor.decision.overfit), when the workspace has a split (``advisor split``).
    overfit: OverfitCheck | None = None

    def gap(self, model: str, other: str) -> AccuracyGap | None:
        return self.comparisons.get(model, other)

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
    def cost_models(self) -> list[tuple[str, str]]:
        """(model, how its cost is made) for the models you run yourself."""
        return [(m.model, m.cost_model) for m in self.models if m.cost_model]

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
