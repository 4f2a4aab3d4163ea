"""The overfitting check's result: what every renderer says about dev against holdout.

Why this module exists: the table, the JSON, the TUI and the memo all read the
same ``OverfitCheck`` (carried on ``Decision.overfit``); keeping the shape apart
from the code that computes it (``advisor.decision.overfit``) lets ``result``
import it without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.split.assign import Part


@dataclass(frozen=True)
class ModelGap:
    """One model's accuracy on dev against holdout (task-weighted, items also seen by another model)."""

    model: str
    dev: float
    holdout: float
    gap: float  # dev − holdout
    gap_low: float  # 95% bootstrap interval
    gap_high: float
    #: The gap beyond the other models' gap on the same items (difference in differences); None with one model.
    excess: float | None
    excess_low: float | None
    excess_high: float | None
    p_value: float | None  # one-sided permutation p of the excess
    p_adjusted: float | None  # max-T adjusted over the models
    detectable: float | None  # excess gap detected 80% of the time
    dev_items: int
    holdout_items: int
    flagged: bool


@dataclass(frozen=True)
class OverfitCheck:
    rotation: str
    share: float  # held-out share of the items
    part: Part  # the part the ranking used
    #: Per task: (dev items, holdout items).
    items: dict[str, tuple[int, int]]
    #: Names (secret, rotation) without revealing the secret.
    fingerprint: str
    models: tuple[ModelGap, ...]
    #: Kendall's tau-b between the scores ranked on dev and on the holdout; None with fewer than 3 ranked models.
    tau: float | None
    tau_models: int
    dev_pick: str | None
    holdout_pick: str | None
    #: The accuracy difference between the pick and the runner-up the holdout detects 80% of the time.
    holdout_detectable: float | None
    smallest_difference: float
    permutations: int
    resamples: int
    seed: int
    alpha: float
    #: Holdout too small, models left out, one model only: each a sentence.
    warnings: tuple[str, ...]

    @property
    def dev_items(self) -> int:
        return sum(d for d, _ in self.items.values())

    @property
    def holdout_items(self) -> int:
        return sum(h for _, h in self.items.values())

    @property
    def ranked_items(self) -> int:
        return {"dev": self.dev_items, "holdout": self.holdout_items}.get(
            self.part, self.dev_items + self.holdout_items
        )

    @property
    def flagged(self) -> tuple[str, ...]:
        return tuple(m.model for m in self.models if m.flagged)

    def get(self, model: str) -> ModelGap | None:
        return next((m for m in self.models if m.model == model), None)
