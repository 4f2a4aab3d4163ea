"""Cost inputs of the memo snapshot: what re-pricing needs per (model, task), read from the evidence.

Why this module exists: ``advisor revisit`` re-prices a memo from its snapshot
alone, from token sums per (model, task). Every source of evidence fills them
(``TaskStats.tokens``: sums over samples, n × means for aggregates, the stored
sums of an earlier memo); this only turns them into the snapshot's shape.
"""

from __future__ import annotations

import dataclasses

from advisor.evidence.model import Evidence, TokenSums
from advisor.memo.snapshot import CostInputs


def as_cost_inputs(tokens: TokenSums) -> CostInputs:
    return CostInputs(**dataclasses.asdict(tokens))


def cost_inputs(evidence: Evidence) -> dict[tuple[str, str], CostInputs]:
    """Per (model, task) of every model in the evidence: the sums re-pricing needs."""
    return {
        (model, task): as_cost_inputs(stats.tokens)
        for model, ev in evidence.models.items()
        for task, stats in ev.tasks.items()
    }
