"""Evidence for models that rest on per (model, task) aggregates instead of samples.

Why this module exists: an aggregated model must rank exactly like the others,
so it is mapped onto the same ``ModelEvidence``/``TaskStats`` that
``from_samples`` builds, with no ``items``: everything downstream (ranking,
uncertainty, comparisons, the memo's cost inputs) reads the one interface and
takes the aggregate's normal draws and unpaired comparisons from it. The
approximations are the ones aggregates force, stated here and in docs/formats.md:

- accuracy: mean and se as given (se = sd/√n with sd over the n samples, ddof 1);
  n items = n samples = n, one epoch.
- cost per task: the mean tokens × the sheet, i.e. the cost of the *mean*
  request. Exact for flat prices (cost is linear in tokens); with long-context
  tiers the tier is chosen by the mean input tokens, which misprices a mix of
  short and long prompts. Else the recorded ``cost_usd_mean``.
- latency: a model-level row (task ``*``) is used as given. Otherwise each
  percentile is the max over the model's tasks: the percentile of a pooled
  mixture never exceeds the largest per-task percentile, so this is a
  conservative upper bound (a weighted mean of percentiles is not a percentile
  of anything).
- failures: the counts given; on a row without counts, (1 − mean) × n samples
  are counted as silent wrong answers, the default samples without an outcome get.
- cost inputs for re-pricing: the token means × n; a mean prompt longer than
  ``DETAIL_ABOVE_INPUT_TOKENS`` is kept as one long size, so re-pricing applies
  the same mean-request approximation (tier by the mean input) as the ranking.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from advisor.evidence.model import DETAIL_ABOVE_INPUT_TOKENS, RECORDED_PART, ModelEvidence, TaskStats, TokenSums
from advisor.prices.own import price_own
from advisor.prices.resolve import Resolution, resolve
from advisor.prices.sheet import COST_PARTS, ModelPrice, PriceSheet, sample_cost_parts
from advisor.records.aggregates import LATENCY_KEYS, AggregateRow, AggregateTable
from advisor.records.samples import FAILURE_KINDS

#: The token means ``ModelEvidence.tokens`` shows (as ``metrics.gather`` does for samples).
SHOWN_TOKENS = ("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_tokens")


def mean_request_parts(price: ModelPrice, tokens: Mapping[str, float], *, batch: bool) -> dict[str, float]:
    """USD of one request with the mean tokens, by part of the bill (empty without input and output means)."""
    if "input_tokens" not in tokens or "output_tokens" not in tokens:
        return {}

    def one(key: str) -> np.ndarray:
        return np.asarray([tokens.get(key, np.nan)], dtype=np.float64)

    parts = sample_cost_parts(
        price,
        input_tokens=one("input_tokens"),
        output_tokens=one("output_tokens"),
        cached_input_tokens=one("cached_input_tokens"),
        cache_write_tokens=one("cache_write_tokens"),
        reasoning_tokens=one("reasoning_tokens"),
        batch=batch,
    )
    return {k: float(v[0]) for k, v in parts.items()}


def aggregate_models(
    agg: AggregateTable,
    sheet: PriceSheet | None,
    aliases: Mapping[str, str] | None = None,
    *,
    batch: bool = False,
) -> tuple[dict[str, ModelEvidence], list[str]]:
    """``ModelEvidence`` per aggregated model, and warnings. May raise ``AmbiguousModel``."""
    models: dict[str, ModelEvidence] = {}
    warnings: list[str] = []
    for name in agg.models:
        rows = agg.for_model(name)
        res = resolve(name, sheet, aliases) if sheet is not None else Resolution(name, None, "no price sheet")
        res = price_own(res)  # a self-hosted model needs its measured throughput here
        tasks: dict[str, TaskStats] = {}
        used: list[str] = []
        for r in rows:
            split = mean_request_parts(res.price, r.tokens, batch=batch) if res.price is not None else {}
            cost = sum(split.values()) if split else None
            if cost is not None:
                used.append(f"tokens × {res.price.id}")  # type: ignore[union-attr]
            elif r.cost_usd is not None:
                cost = r.cost_usd
                split = {**dict.fromkeys(COST_PARTS, 0.0), RECORDED_PART: r.cost_usd}
                used.append("recorded cost_usd")
            tasks[r.task] = TaskStats(
                n_items=r.n,
                n_samples=r.n,
                epochs=1,
                mean=r.mean,
                se=r.se,
                binary=False,
                cost_mean=cost,
                cost_samples=r.n if cost is not None else 0,
                cost_split=split,
                tokens=token_sums(r),
            )
        latency, latency_n, note = _latency(agg, name, rows)
        if note:
            warnings.append(note)
        failures, guessed = _failures(rows)
        if guessed:
            warnings.append(
                f"{name}: no failure counts for {', '.join(guessed)}; (1 − mean) × n samples counted as "
                "silent wrong answers"
            )
        models[name] = ModelEvidence(
            model=name,
            tasks=tasks,
            n_samples=sum(r.n for r in rows),
            latency_ms=latency,
            latency_samples=latency_n,
            failures=failures,
            price=res,
            cost_source=" + ".join(dict.fromkeys(used)) or None,
            tokens=_tokens(rows),
            evidence="aggregates",
        )
    return models, warnings


def token_sums(r: AggregateRow) -> TokenSums:
    """The sums re-pricing needs, from token means × n (a long mean prompt is kept as one size)."""
    t = r.tokens
    tokens = "input_tokens" in t and "output_tokens" in t
    n = float(r.n)
    inp, out = t.get("input_tokens", 0.0), t.get("output_tokens", 0.0)
    cached, written = t.get("cached_input_tokens", 0.0), t.get("cache_write_tokens", 0.0)
    long = ((inp, n, cached * n, written * n, out * n),) if tokens and inp > DETAIL_ABOVE_INPUT_TOKENS else ()
    recorded = r.cost_usd is not None
    cost = (r.cost_usd or 0.0) * n
    return TokenSums(
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


def _latency(
    agg: AggregateTable, name: str, rows: list[AggregateRow]
) -> tuple[dict[str, float] | None, int, str | None]:
    """Model-level percentiles if given, else the max over tasks (a conservative bound)."""
    total = sum(r.n for r in rows)
    own = agg.model_row(name)
    if own is not None:
        return dict(own.latency), total, None
    latency: dict[str, float] = {}
    for key in LATENCY_KEYS:
        values = [r.latency[key] for r in rows if key in r.latency]
        if values:
            latency[key] = max(values)
    if not latency:
        return None, 0, None
    lacking = [r.task for r in rows if not r.latency]
    note = (
        f"{name}: latency is the max of per-task percentiles over the tasks that give it; "
        f"{', '.join(lacking)} give none"
        if lacking
        else None
    )
    return latency, sum(r.n for r in rows if r.latency), note


def _failures(rows: list[AggregateRow]) -> tuple[dict[str, int], list[str]]:
    failures = dict.fromkeys(FAILURE_KINDS, 0)
    guessed: list[str] = []
    for r in rows:
        if r.failures is None:
            failures["wrong"] += round(r.n * (1.0 - r.mean))
            if r.mean < 1.0:
                guessed.append(r.task)
            continue
        for kind, count in r.failures.items():
            failures[kind] += count
    return failures, guessed


def _tokens(rows: list[AggregateRow]) -> dict[str, float]:
    """Mean tokens per sample over the tasks that give them, weighted by n."""
    out: dict[str, float] = {}
    for key in SHOWN_TOKENS:
        have = [(r.n, r.tokens[key]) for r in rows if key in r.tokens]
        if have:
            out[key] = sum(n * v for n, v in have) / sum(n for n, _ in have)
    return out
