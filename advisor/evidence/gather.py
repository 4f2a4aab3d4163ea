"""Gather every model's evidence, from samples and from aggregates, into one ``Evidence``."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from advisor.errors import InputError
from advisor.evidence.from_aggregates import aggregate_models
from advisor.evidence.from_samples import price_table, sample_models
from advisor.evidence.model import Evidence
from advisor.evidence.under_load import load_levels, split
from advisor.prices.resolve import AmbiguousModel
from advisor.prices.sheet import PriceSheet
from advisor.records import arrays
from advisor.records.samples import SampleTable


def gather(
    table: SampleTable,
    sheet: PriceSheet | None,
    aliases: Mapping[str, str] | None = None,
    *,
    batch: bool = False,
    candidates: tuple[str, ...] | None = None,
) -> Evidence:
    """Aggregate a SampleTable into per model × task evidence.

    Models that rest on aggregates (``table.aggregates``) are mapped by ``from_aggregates``.
    """
    warnings: list[str] = []
    agg = table.aggregates
    if candidates is not None:
        known = set(table.models) | set(agg.models if agg is not None else ())
        unknown = [c for c in candidates if c not in known]
        if unknown:
            warnings.append(f"candidates with no results: {', '.join(unknown)}")
        wanted = np.isin(table.model, [table.models.index(c) for c in candidates if c in table.models])
        agg = agg.only(candidates) if agg is not None else None
        table = dataclasses.replace(table.select(wanted), aggregates=agg)
    table, probe = split(table)  # probe rows are latency measurements, not eval samples
    try:
        cost, resolutions, cost_sources, part_sums = price_table(table, sheet, aliases, batch=batch)
        aggregated, agg_notes = aggregate_models(agg, sheet, aliases, batch=batch) if agg is not None else ({}, [])
    except AmbiguousModel as exc:
        raise InputError(None, str(exc)) from None

    models, notes = sample_models(table, cost, resolutions, cost_sources, part_sums)
    warnings.extend(notes)
    models.update(aggregated)
    warnings.extend(agg_notes)
    if probe is not None:  # latency under load joins the model it was measured for
        levels = load_levels(probe)
        for name, model_levels in levels.items():
            if name in models:
                models[name] = dataclasses.replace(models[name], load=model_levels)
        orphans = [n for n in levels if n not in models]
        if orphans:
            warnings.append(
                f"probe results for models with no eval results (name them as the evals do): {', '.join(orphans)}"
            )
    sample_tasks = tuple(table.tasks[t] for t in arrays.present(table.task, len(table.tasks)))
    return Evidence(
        models=models,
        tasks=tuple(dict.fromkeys((*sample_tasks, *(agg.tasks if agg is not None else ())))),
        table=table,
        sheet=sheet,
        batch=batch,
        warnings=tuple(warnings),
        sample_cost=cost,
    )
