"""Per (model, task) aggregate statistics: evidence for models whose samples live elsewhere.

Why this module exists: at warehouse scale the samples are aggregated where
they live (DuckDB, Spark, BigQuery) and only n, mean, standard deviation or
error, latency percentiles, token means and failure counts per (model, task)
reach advisor. Those rows are small, so they are plain frozen dataclasses, not
columns. They travel *with* the ``SampleTable`` (its ``aggregates`` field), so
every path that passes a table along (ranking, re-pricing in the TUI, revisit)
keeps them without knowing about them.

A model rests either on samples or on aggregates, never on both: the two kinds
of evidence give different statistics (paired or not), and mixing them within
one model would make its interval and its latency mean two things at once.
Aggregate the samples too, or name the models differently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from advisor.errors import InputError

#: ``task`` value of a model-level row: latency percentiles over all of a model's samples.
MODEL_LEVEL = "*"
LATENCY_KEYS: tuple[str, ...] = ("p50", "p95", "p99")
#: Token means an aggregate row may carry (canonical convention: input includes cached).
TOKEN_KEYS: tuple[str, ...] = (
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
)


@dataclass(frozen=True)
class AggregateRow:
    """One model on one task, as aggregated elsewhere. ``se`` is always set (sd/√n when sd was given)."""

    model: str
    task: str
    n: int
    mean: float
    se: float
    sd: float | None
    latency: dict[str, float]
    tokens: dict[str, float]
    cost_usd: float | None
    #: Failure counts per kind, or None when the row gave none (then unknown).
    failures: dict[str, int] | None
    source: str
    where: str


@dataclass(frozen=True)
class ModelRow:
    """A model-level row (task ``*``): latency percentiles over all the model's samples."""

    model: str
    latency: dict[str, float]
    source: str
    where: str


@dataclass(frozen=True)
class AggregateTable:
    rows: tuple[AggregateRow, ...] = ()
    model_rows: tuple[ModelRow, ...] = ()
    sources: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def models(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.model for r in self.rows))

    @property
    def tasks(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.task for r in self.rows))

    def for_model(self, model: str) -> list[AggregateRow]:
        return [r for r in self.rows if r.model == model]

    def model_row(self, model: str) -> ModelRow | None:
        return next((r for r in self.model_rows if r.model == model), None)

    def only(self, models: Sequence[str]) -> AggregateTable:
        """The rows of these models (the workspace's ``candidates``)."""
        keep = set(models)
        return AggregateTable(
            tuple(r for r in self.rows if r.model in keep),
            tuple(r for r in self.model_rows if r.model in keep),
            self.sources,
        )


def join(tables: Sequence[AggregateTable]) -> AggregateTable:
    """Aggregates from several files; the same (model, task) twice is an error naming both places."""
    rows: list[AggregateRow] = []
    model_rows: list[ModelRow] = []
    seen: dict[tuple[str, str], str] = {}
    for t in tables:
        for r in t.rows:
            first = seen.setdefault((r.model, r.task), r.where)
            if first != r.where:
                raise InputError(r.where, f"model {r.model!r} on task {r.task!r} is also at {first}")
            rows.append(r)
        for m in t.model_rows:
            first = seen.setdefault((m.model, MODEL_LEVEL), m.where)
            if first != m.where:
                raise InputError(m.where, f"model-level row for {m.model!r} is also at {first}")
            model_rows.append(m)
    sources = tuple(dict.fromkeys(s for t in tables for s in t.sources))
    return AggregateTable(tuple(rows), tuple(model_rows), sources)


def describe(agg: AggregateTable) -> dict[str, object]:
    """Facts for ``advisor data``: models and tasks resting on aggregates, and what the rows carry."""
    present = {
        "latency": any(r.latency for r in agg.rows) or bool(agg.model_rows),
        "tokens": any(r.tokens for r in agg.rows),
        "cost_usd": any(r.cost_usd is not None for r in agg.rows),
        "failures": any(r.failures is not None for r in agg.rows),
    }
    return {
        "models": sorted(agg.models),
        "tasks": sorted(agg.tasks),
        "rows": len(agg.rows),
        "samples": sum(r.n for r in agg.rows),
        "fields_present": sorted(k for k, v in present.items() if v),
        "fields_missing": sorted(k for k, v in present.items() if not v),
    }
