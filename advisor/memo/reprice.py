"""Re-price a memo's evidence on another price sheet, from the snapshot or from the workspace.

Why this module exists: ``advisor revisit`` must answer "does the decision
still hold at today's prices?" from the memo alone. This module turns a
snapshot back into ``Evidence`` (accuracy, latency and failures exactly as
recorded; cost per task recomputed from the stored token sums on the new
sheet) so the unchanged ranking engine can rank it again. When the workspace
is at hand and its files are unchanged, the samples themselves are re-priced
instead (exact in every case). A model the new sheet lacks keeps the memo's
price and is reported, never silently dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from advisor.errors import InputError
from advisor.evidence.model import (
    DETAIL_ABOVE_INPUT_TOKENS,
    Evidence,
    ModelEvidence,
    PromptFit,
    TaskStats,
    TokenSums,
)
from advisor.memo.snapshot import CostInputs, ModelSnap, Snapshot
from advisor.prices.own import price_own
from advisor.prices.resolve import AmbiguousModel, Resolution, resolve
from advisor.prices.sheet import ModelPrice, PriceSheet, Tier, level_rates
from advisor.records.samples import empty_table


@dataclass(frozen=True)
class Pricing:
    """How each memo model is priced on the new sheet."""

    sheet: PriceSheet  # the new sheet plus the memo's entries for models it lacks
    aliases: dict[str, str]
    resolutions: dict[str, Resolution]
    kept: tuple[str, ...]  # not on the new sheet (or ambiguous there): the memo's price is kept
    why_kept: dict[str, str]
    unpriced: tuple[str, ...]  # priced neither then nor now


def plan_pricing(snap: Snapshot, sheet: PriceSheet, where: str) -> Pricing:
    aliases = dict(snap.workspace.aliases)
    extra: list[ModelPrice] = []
    kept: list[str] = []
    why_kept: dict[str, str] = {}
    unpriced: list[str] = []
    resolutions: dict[str, Resolution] = {}
    for name, ms in snap.models.items():
        old = ms.price.price
        try:
            res = resolve(name, sheet, aliases)
            why = "not on the new sheet"
        except AmbiguousModel as exc:
            if old is None:
                raise InputError(where, str(exc)) from None
            res = Resolution(name, None, "ambiguous")
            why = f"ambiguous on the new sheet: {' or '.join(exc.candidates)}"
        if res.price is None and old is not None and old.on_premises:
            # your own model (self-hosted or local): its cost is yours, not a sheet's; it carries over as is
            if sheet.get(old.id) is None and all(p.id != old.id for p in extra):
                extra.append(old.model_copy(update={"aliases": ()}))
            aliases[name] = old.id
            resolutions[name] = price_own(Resolution(name, old, "your own model: the memo's cost model, no sheet's"))
            continue
        if res.price is None and old is not None:
            if res.how != "no entry in the price sheet":  # e.g. only other routes price it: say which
                why = f"not on the new sheet: {res.how}"
            kept.append(name)
            why_kept[name] = why
            if sheet.get(old.id) is None and all(p.id != old.id for p in extra):
                extra.append(old.model_copy(update={"aliases": ()}))
            aliases[name] = old.id
            res = Resolution(name, old, f"{why}: the memo's price is kept")
        elif res.price is None:
            unpriced.append(name)
        resolutions[name] = res
    full = sheet.overlay(tuple(extra))
    return Pricing(full, aliases, resolutions, tuple(kept), why_kept, tuple(unpriced))


def _rates(level: ModelPrice | Tier) -> tuple[float, float, float, float]:
    return level_rates(level)


def _cost(r: tuple[float, float, float, float], inp: float, cached: float, written: float, out: float) -> float:
    return ((inp - cached - written) * r[0] + cached * r[1] + written * r[2] + out * r[3]) / 1e6


def reprice(ci: CostInputs, price: ModelPrice | None, batch: bool) -> tuple[float | None, int, bool]:
    """Cost per sample averaged as ``evidence.from_samples`` does: (mean, samples counted, approximate?)."""
    approximate = False
    if price is None or ci.token_samples == 0:
        n, total = ci.recorded_samples, ci.recorded_usd
        if price is not None:  # tokens missing everywhere: recorded costs fill every sample
            n, total = ci.recorded_fill_samples, ci.recorded_fill_usd
        return (total / n if n else None), n, False
    base = _rates(price)
    total = _cost(base, ci.input_tokens, ci.cached_input_tokens, ci.cache_write_tokens, ci.output_tokens)
    for tier in price.tiers:
        if tier.above_input_tokens < DETAIL_ABOVE_INPUT_TOKENS and tier.above_input_tokens < ci.max_input_tokens:
            approximate = True
    if price.tiers:
        limits = [t.above_input_tokens for t in price.tiers]
        for size, count, cached, written, out in ci.long:
            level = sum(1 for lim in limits if size > lim)
            if level:
                r = _rates(price.tiers[level - 1])
                inp = size * count
                total += _cost(r, inp, cached, written, out) - _cost(base, inp, cached, written, out)
    if batch and price.batch_discount is not None:
        total *= 1.0 - float(price.batch_discount)
    n = ci.token_samples + ci.recorded_fill_samples
    total += ci.recorded_fill_usd
    return total / n, n, approximate


def prompt_fit_on(ms: ModelSnap, window: int | None) -> PromptFit | None:
    """The memo's longest-prompt record against a (possibly new) window.

    Prompts longer than ``DETAIL_ABOVE_INPUT_TOKENS`` are kept by size in the
    cost inputs, so a window at or above it is counted exactly. A smaller
    window that changed keeps at least the memo's count when it shrank (and
    those long prompts), the long prompts alone when it grew.
    """
    old = ms.prompt_fit
    if old is None:
        return None
    if window is None or window == old.window:
        over = old.over if window is not None else 0
    else:
        long = sum(int(count) for ts in ms.tasks.values() for size, count, *_ in ts.cost.long if size > window)
        if window < DETAIL_ABOVE_INPUT_TOKENS and old.window is not None and window < old.window:
            long = max(long, old.over)
        over = long
    return PromptFit(longest=old.longest, counted=old.counted, window=window, over=over)


def evidence_from_snapshot(snap: Snapshot, pricing: Pricing) -> tuple[Evidence, tuple[str, ...]]:
    """The memo's evidence with costs recomputed on the new sheet; also the models priced approximately."""
    models: dict[str, ModelEvidence] = {}
    approx: list[str] = []
    batch = snap.workspace.batch
    for name, ms in snap.models.items():
        res = pricing.resolutions[name]
        tasks: dict[str, TaskStats] = {}
        tokens_used = recorded_used = False
        for t, ts in ms.tasks.items():
            mean, n, rough = reprice(ts.cost, res.price, batch)
            if rough and name not in approx:
                approx.append(name)
            tokens_used |= res.price is not None and ts.cost.token_samples > 0
            recorded_used |= (
                ts.cost.recorded_fill_samples
                if res.price is not None and ts.cost.token_samples
                else ts.cost.recorded_samples
            ) > 0
            tasks[t] = TaskStats(
                n_items=ts.n_items,
                n_samples=ts.n_samples,
                epochs=ts.epochs,
                mean=ts.mean,
                se=ts.se,
                binary=ts.binary,
                cost_mean=mean,
                cost_samples=n,
                tokens=TokenSums(**{**ts.cost.model_dump(), "long": tuple(tuple(x) for x in ts.cost.long)}),
            )
        used = ([f"tokens × {res.price.id}"] if tokens_used and res.price is not None else []) + (
            ["recorded cost_usd"] if recorded_used else []
        )
        models[name] = ModelEvidence(
            model=name,
            tasks=tasks,
            n_samples=ms.n_samples,
            latency_ms=ms.latency_ms,
            latency_samples=ms.latency_samples,
            failures=dict(ms.failures),
            price=res,
            cost_source=" + ".join(used) if used else None,
            tokens=dict(ms.tokens),
            evidence=ms.evidence or "samples",
            failures_known=ms.gracefulness is not None,
            prompt_fit=prompt_fit_on(ms, res.price.max_input_tokens if res.price else None),
        )
    evidence = Evidence(models=models, tasks=snap.tasks, table=empty_table(), sheet=pricing.sheet, batch=batch)
    return evidence, tuple(approx)


def relative_change(old: float | None, new: float | None) -> float | None:
    if old is None or new is None or old == 0 or math.isnan(old) or math.isnan(new):
        return None
    return new / old - 1.0
