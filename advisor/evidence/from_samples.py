"""Evidence from samples: epoch-averaged items, per-sample cost, per model × task statistics.

Accuracy is computed per item (epochs averaged first, which clusters the
standard error by item), then per task. Cost is per sample: tokens × the
sheet, else the cost the tool recorded.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from advisor.evidence.model import (
    DETAIL_ABOVE_INPUT_TOKENS,
    PERCENTILES,
    RECORDED_PART,
    Items,
    ModelEvidence,
    PromptFit,
    TaskStats,
    TokenSums,
)
from advisor.prices.own import price_own
from advisor.prices.resolve import Resolution, resolve
from advisor.prices.sheet import COST_PARTS, PriceSheet, sample_cost_parts
from advisor.records import arrays
from advisor.records.samples import FAILURE_KINDS, FloatArray, SampleTable


def item_means(
    table: SampleTable, values: FloatArray
) -> tuple[npt.NDArray[np.int64], FloatArray, npt.NDArray[np.int64]]:
    """Average ``values`` over epochs per (model, task, sample).

    Returns the item key (model, task, sample packed into one int), the mean,
    and the number of epochs behind it. NaN values are left out of the mean.
    """
    n_tasks = len(table.tasks) + 1
    n_ids = len(table.sample_ids) + 1
    key = (table.model.astype(np.int64) * n_tasks + table.task) * n_ids + table.sample
    if not table.epoch.any():  # one epoch: rows are items already (duplicates are refused on reading)
        has = ~np.isnan(values)
        return key, values.astype(np.float64), has.astype(np.int64)
    uniq, inverse = arrays.unique_inverse(key)
    ok = ~np.isnan(values)
    counts = np.bincount(inverse[ok], minlength=uniq.size)
    sums = np.bincount(inverse[ok], weights=values[ok], minlength=uniq.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    return uniq, means, counts


def unpack_item_key(table: SampleTable, key: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], ...]:
    n_tasks = len(table.tasks) + 1
    n_ids = len(table.sample_ids) + 1
    sample = key % n_ids
    rest = key // n_ids
    return rest // n_tasks, rest % n_tasks, sample


def _sums(groups: npt.NDArray[np.int32], values: FloatArray, n: int) -> FloatArray:
    return np.asarray(np.bincount(groups, weights=values, minlength=n), dtype=np.float64)


def price_table(
    table: SampleTable,
    sheet: PriceSheet | None,
    aliases: Mapping[str, str] | None = None,
    *,
    batch: bool = False,
) -> tuple[FloatArray, dict[str, Resolution], dict[str, str | None], dict[str, dict[str, FloatArray]]]:
    """Cost per sample, how each model was priced, where its costs came from, and its cost by part.

    Tokens × the sheet wins (current prices); the recorded ``cost_usd`` fills
    samples without tokens (its part is ``recorded``). The parts are summed
    per task (model → part → array over ``table.tasks``) over the samples that
    have a cost, so divided by their count they add up to the task's mean
    cost. Raises AmbiguousModel when a name matches several entries.
    """
    cost = np.full(len(table), np.nan)
    part_sums: dict[str, dict[str, FloatArray]] = {}
    resolutions: dict[str, Resolution] = {}
    sources: dict[str, str | None] = {}
    nums = table.numbers
    n_tasks = len(table.tasks)
    for code, name in enumerate(table.models):
        rows = np.flatnonzero(table.model == code)
        res = resolve(name, sheet, aliases) if sheet is not None else Resolution(name, None, "no price sheet")
        res = price_own(
            res,
            input_tokens=nums["input_tokens"][rows],
            output_tokens=nums["output_tokens"][rows],
            latency_ms=nums["latency_ms"][rows],
        )
        resolutions[name] = res
        priced = np.full(rows.size, np.nan)
        used: list[str] = []
        tasks = table.task[rows]
        sums: dict[str, FloatArray] = {}
        if res.price is not None:
            parts = sample_cost_parts(
                res.price,
                input_tokens=nums["input_tokens"][rows],
                output_tokens=nums["output_tokens"][rows],
                cached_input_tokens=nums["cached_input_tokens"][rows],
                cache_write_tokens=nums["cache_write_tokens"][rows],
                reasoning_tokens=nums["reasoning_tokens"][rows],
                batch=batch,
            )
            priced = np.asarray(sum(parts.values()), dtype=np.float64)
            known = ~np.isnan(priced)
            if known.any():
                used.append(f"tokens × {res.price.id}")
                every = bool(known.all())  # usually every sample has tokens: no copies then
                at = tasks if every else tasks[known]
                sums = {k: _sums(at, v if every else v[known], n_tasks) for k, v in parts.items()}
        recorded = nums["cost_usd"][rows]
        fill = np.isnan(priced) & ~np.isnan(recorded)
        if fill.any():
            priced[fill] = recorded[fill]
            used.append("recorded cost_usd")
            sums[RECORDED_PART] = _sums(tasks[fill], recorded[fill], n_tasks)
        part_sums[name] = sums
        cost[rows] = priced
        sources[name] = " + ".join(used) if used else None
    return cost, resolutions, sources, part_sums


def token_sums(table: SampleTable, group: npt.NDArray[np.int64], n_groups: int) -> list[TokenSums]:
    """Per group of rows (``group`` per row): the token sums and recorded costs re-pricing needs."""
    nums = table.numbers
    inp, out = nums["input_tokens"], nums["output_tokens"]
    cached = np.nan_to_num(nums["cached_input_tokens"])
    written = np.nan_to_num(nums["cache_write_tokens"])
    recorded = nums["cost_usd"]
    tok = ~np.isnan(inp) & ~np.isnan(out)
    rec = ~np.isnan(recorded)
    fill = ~tok & rec

    def total(mask: npt.NDArray[np.bool_], values: FloatArray | None = None) -> FloatArray:
        w = None if values is None else values[mask]
        return np.bincount(group[mask], weights=w, minlength=n_groups).astype(np.float64)

    sums = {k: total(tok, v) for k, v in (("in", inp), ("cached", cached), ("written", written), ("out", out))}
    largest = np.zeros(n_groups)
    np.maximum.at(largest, group[tok], inp[tok])
    long: list[list[tuple[float, float, float, float, float]]] = [[] for _ in range(n_groups)]
    big = tok & (np.nan_to_num(inp) > DETAIL_ABOVE_INPUT_TOKENS)
    if big.any():  # one entry per (group, distinct prompt size), sizes ascending
        pairs, inverse = np.unique(np.stack([group[big], inp[big]], axis=1), axis=0, return_inverse=True)
        inverse = inverse.ravel()
        count = np.bincount(inverse, minlength=len(pairs))
        parts = [np.bincount(inverse, weights=col[big], minlength=len(pairs)) for col in (cached, written, out)]
        for (g, size), c, a, b, o in zip(pairs, count, *parts, strict=True):
            long[int(g)].append((float(size), float(c), float(a), float(b), float(o)))
    n_tok, n_fill, n_rec = total(tok), total(fill), total(rec)
    fill_usd, rec_usd = total(fill, recorded), total(rec, recorded)
    return [
        TokenSums(
            token_samples=int(n_tok[g]),
            input_tokens=float(sums["in"][g]),
            cached_input_tokens=float(sums["cached"][g]),
            cache_write_tokens=float(sums["written"][g]),
            output_tokens=float(sums["out"][g]),
            max_input_tokens=float(largest[g]),
            long=tuple(long[g]),
            recorded_fill_samples=int(n_fill[g]),
            recorded_fill_usd=float(fill_usd[g]),
            recorded_samples=int(n_rec[g]),
            recorded_usd=float(rec_usd[g]),
        )
        for g in range(n_groups)
    ]


def prompt_fit(input_tokens: FloatArray, window: int | None) -> PromptFit | None:
    """The longest prompt and how many exceed the window (None when no sample reports input tokens)."""
    known = input_tokens[~np.isnan(input_tokens)]
    if not known.size:
        return None
    over = int((known > window).sum()) if window is not None else 0
    return PromptFit(longest=float(known.max()), counted=int(known.size), window=window, over=over)


def sample_models(
    table: SampleTable,
    cost: FloatArray,
    resolutions: Mapping[str, Resolution],
    cost_sources: Mapping[str, str | None],
    part_sums: Mapping[str, Mapping[str, FloatArray]],
) -> tuple[dict[str, ModelEvidence], list[str]]:
    """``ModelEvidence`` per model with samples, and warnings, given each sample's cost and its parts."""
    warnings: list[str] = []
    n_t = len(table.tasks)
    n_groups = len(table.models) * n_t
    keys, means, epochs = item_means(table, table.score)
    item_model, item_task, item_sample = unpack_item_key(table, keys)
    g_item = item_model * n_t + item_task
    starts = np.searchsorted(g_item, np.arange(n_groups + 1))  # keys are sorted: each group's items are contiguous
    n_items = np.bincount(g_item, minlength=n_groups)
    s1 = np.bincount(g_item, weights=means, minlength=n_groups)
    s2 = np.bincount(g_item, weights=means * means, minlength=n_groups)
    max_epochs = np.zeros(n_groups, dtype=np.int64)
    np.maximum.at(max_epochs, g_item, epochs)
    g_row = table.model.astype(np.int64) * n_t + table.task
    n_rows = np.bincount(g_row, minlength=n_groups)
    group_tokens = token_sums(table, g_row, n_groups)
    not_binary = np.bincount(g_row, weights=~np.isin(table.score, (0.0, 1.0)), minlength=n_groups)
    has_cost = ~np.isnan(cost)
    cost_n = np.bincount(g_row[has_cost], minlength=n_groups)
    cost_sum = np.bincount(g_row[has_cost], weights=cost[has_cost], minlength=n_groups)
    failed = table.outcome != 0
    given = table.outcome_given
    failed_rows = np.bincount(table.model[failed], minlength=len(table.models))
    failed_given = (
        failed_rows if given is None else np.bincount(table.model[failed & given], minlength=len(table.models))
    )
    n_kinds = len(FAILURE_KINDS) + 1
    outcome_counts = np.bincount(
        table.model.astype(np.int64) * n_kinds + table.outcome, minlength=len(table.models) * n_kinds
    ).reshape(len(table.models), n_kinds)

    # each model's rows as one slice of a sort by model (not a million-row mask per model)
    by_model = np.argsort(table.model, kind="stable")
    bounds = np.searchsorted(table.model[by_model], np.arange(len(table.models) + 1))
    models: dict[str, ModelEvidence] = {}
    for code, name in enumerate(table.models):
        rows = by_model[bounds[code] : bounds[code + 1]]
        if not rows.size:
            continue
        tasks: dict[str, TaskStats] = {}
        for t in range(n_t):
            g = code * n_t + t
            n = int(n_items[g])
            if n == 0:
                continue
            mean = s1[g] / n
            var = max(0.0, (s2[g] - n * mean * mean) / (n - 1)) if n > 1 else 0.0
            tasks[table.tasks[t]] = TaskStats(
                n_items=n,
                n_samples=int(n_rows[g]),
                epochs=int(max_epochs[g]),
                mean=float(mean),
                se=float(np.sqrt(var / n)),
                binary=bool(not_binary[g] == 0),
                cost_mean=float(cost_sum[g] / cost_n[g]) if cost_n[g] else None,
                cost_samples=int(cost_n[g]),
                cost_split=(
                    {
                        **dict.fromkeys(COST_PARTS, 0.0),
                        **{p: float(v[t] / cost_n[g]) for p, v in part_sums[name].items() if v[t] > 0},
                    }
                    if cost_n[g]
                    else {}
                ),
                tokens=group_tokens[g],
                items=Items(item_sample[starts[g] : starts[g + 1]], means[starts[g] : starts[g + 1]]),
            )
            if 0 < cost_n[g] < n_rows[g]:
                warnings.append(
                    f"{name} on {table.tasks[t]}: {n_rows[g] - cost_n[g]} of {n_rows[g]} samples have "
                    "no tokens or cost; cost per task is averaged over the rest"
                )
        lat = table.numbers["latency_ms"][rows]
        lat = lat[~np.isnan(lat)]
        latency = percentiles(lat)
        ttft = table.numbers["ttft_ms"][rows]
        ttft = ttft[~np.isnan(ttft)]
        failures = {kind: int(outcome_counts[code, i + 1]) for i, kind in enumerate(FAILURE_KINDS)}
        res = resolutions[name]
        tokens = {}
        for col in ("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_tokens"):
            v = table.numbers[col][rows]
            v = v[~np.isnan(v)]
            if v.size:
                tokens[col] = float(v.mean())
        models[name] = ModelEvidence(
            model=name,
            tasks=tasks,
            n_samples=int(rows.size),
            latency_ms=latency,
            latency_samples=int(lat.size),
            failures=failures,
            price=resolutions[name],
            cost_source=cost_sources[name],
            tokens=tokens,
            failures_known=bool(failed_rows[code] == 0 or failed_given[code] > 0),
            prompt_fit=prompt_fit(
                table.numbers["input_tokens"][rows], res.price.max_input_tokens if res.price else None
            ),
            ttft_ms=percentiles(ttft),
        )
    return models, warnings


def percentiles(values: FloatArray) -> dict[str, float] | None:
    """p50/p95/p99 (numpy's linear method) of the values, None when there are none."""
    if not values.size:
        return None
    return dict(zip(PERCENTILES, (float(v) for v in np.percentile(values, list(PERCENTILES.values()))), strict=True))
