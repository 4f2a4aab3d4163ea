"""Cost inputs of the memo snapshot: what re-pricing needs per (model, task), from either source.

Why this module exists: ``advisor revisit`` re-prices a memo from its snapshot
alone, from token sums per (model, task). From samples they are sums over the
samples that carried tokens (long prompts kept one by one, grouped by size,
because a long-context tier applies per request). A model that rests on
aggregates has token *means*; n × mean gives the same sums, and a mean prompt
longer than ``DETAIL_ABOVE_INPUT_TOKENS`` is kept as one long size, so
re-pricing applies the same mean-request approximation (tier by the mean
input) as the ranking.
"""

from __future__ import annotations

import numpy as np

from advisor.evidence.model import Evidence
from advisor.memo.snapshot import DETAIL_ABOVE_INPUT_TOKENS, CostInputs
from advisor.records.aggregates import AggregateRow


def cost_inputs(evidence: Evidence) -> dict[tuple[str, str], CostInputs]:
    """Per (model, task): the sums re-pricing needs, read from the samples behind the evidence."""
    table = evidence.table
    nums = table.numbers
    inp, out = nums["input_tokens"], nums["output_tokens"]
    cached = np.nan_to_num(nums["cached_input_tokens"])
    written = np.nan_to_num(nums["cache_write_tokens"])
    recorded = nums["cost_usd"]
    has_tokens = ~np.isnan(inp) & ~np.isnan(out)
    has_recorded = ~np.isnan(recorded)
    result: dict[tuple[str, str], CostInputs] = {}
    for m_code, model in enumerate(table.models):
        for t_code, task in enumerate(table.tasks):
            rows = (table.model == m_code) & (table.task == t_code)
            if not rows.any():
                continue
            tok = rows & has_tokens
            fill = rows & ~has_tokens & has_recorded
            rec = rows & has_recorded
            long_rows = tok & (np.nan_to_num(inp) > DETAIL_ABOVE_INPUT_TOKENS)
            long: list[tuple[float, float, float, float, float]] = []
            if long_rows.any():
                sizes, inverse = np.unique(inp[long_rows], return_inverse=True)
                counts = np.bincount(inverse, minlength=sizes.size)
                sums = [
                    np.bincount(inverse, weights=col[long_rows], minlength=sizes.size) for col in (cached, written, out)
                ]
                long = [
                    (float(s), float(c), float(a), float(b), float(o))
                    for s, c, a, b, o in zip(sizes, counts, *sums, strict=True)
                ]
            result[(model, task)] = CostInputs(
                token_samples=int(tok.sum()),
                input_tokens=float(inp[tok].sum()),
                cached_input_tokens=float(cached[tok].sum()),
                cache_write_tokens=float(written[tok].sum()),
                output_tokens=float(out[tok].sum()),
                max_input_tokens=float(inp[tok].max()) if tok.any() else 0.0,
                long=tuple(long),
                recorded_fill_samples=int(fill.sum()),
                recorded_fill_usd=float(recorded[fill].sum()),
                recorded_samples=int(rec.sum()),
                recorded_usd=float(recorded[rec].sum()),
            )
    return {**result, **aggregate_costs(evidence)}


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
