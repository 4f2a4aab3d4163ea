"""Cost inputs for the memo snapshot from per-task aggregates.

Why this module exists: ``advisor revisit`` re-prices a memo from its snapshot
alone, from token sums per (model, task). A model that rests on aggregates has
token *means*; n × mean gives the same sums, and a mean prompt longer than
``DETAIL_ABOVE_INPUT_TOKENS`` is kept as one long size, so re-pricing applies
the same mean-request approximation (tier by the mean input) as the ranking.
"""

from __future__ import annotations

from advisor.aggregates import AggregateRow
from advisor.memo.snapshot import DETAIL_ABOVE_INPUT_TOKENS, CostInputs, ModelSnap
from advisor.metrics import Evidence


def schema_version_for(models: dict[str, ModelSnap]) -> int:
    """1 unless a model rests on aggregates (older advisors then say "upgrade" instead of failing)."""
    return 2 if any(m.evidence is not None for m in models.values()) else 1


def aggregate_costs(evidence: Evidence) -> dict[tuple[str, str], CostInputs]:
    """Per (model, task) of the models resting on aggregates: what re-pricing needs."""
    agg = evidence.table.aggregates
    rows = agg.rows if agg is not None else ()
    return {(r.model, r.task): aggregate_cost_inputs(r) for r in rows if r.model in evidence.models}


def aggregate_cost_inputs(r: AggregateRow) -> CostInputs:
    """The sums re-pricing needs, from token means × n (a long mean prompt is kept as one size)."""
    t = r.tokens
    tokens = "input_tokens" in t and "output_tokens" in t
    n = float(r.n)
    inp, out = t.get("input_tokens", 0.0), t.get("output_tokens", 0.0)
    cached, written = t.get("cached_input_tokens", 0.0), t.get("cache_write_tokens", 0.0)
    long = ((inp, n, cached * n, written * n, out * n),) if tokens and inp > DETAIL_ABOVE_INPUT_TOKENS else ()
    recorded = r.cost_usd is not None
    cost = (r.cost_usd or 0.0) * n
    return CostInputs(
        token_samples=r.n if tokens else 0,
        input_tokens=inp * n if tokens else 0.0,
        cached_input_tokens=cached * n if tokens else 0.0,
        cache_write_tokens=written * n if tokens else 0.0,
        output_tokens=out * n if tokens else 0.0,
        max_input_tokens=inp if tokens else 0.0,
        long=long,
        recorded_fill_samples=r.n if recorded and not tokens else 0,
        recorded_fill_usd=cost if not tokens else 0.0,
        recorded_samples=r.n if recorded else 0,
        recorded_usd=cost,
    )
