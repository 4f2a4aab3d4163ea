"""The evidence a ranking is computed from: per model, per task, whatever its source.

Why this module exists: samples and per-task aggregates are two sources of the
same evidence. Both are mapped onto these shapes (``from_samples``,
``from_aggregates``), so ranking, the memo and the TUI read one interface and
need to know only the ``evidence`` flag. Nothing here depends on the user's
weights: the TUI computes it once and re-ranks from it in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from advisor.prices.resolve import Resolution
from advisor.prices.sheet import PriceSheet
from advisor.records.samples import FloatArray, SampleTable

PERCENTILES: dict[str, float] = {"p50": 50.0, "p95": 95.0, "p99": 99.0}
#: The latencies a probe row times, by the name profiles use (``[latency] of``), and their columns.
LATENCY_OF = {"ttft": "ttft_ms", "e2e": "latency_ms", "itl": "itl_ms"}


@dataclass(frozen=True)
class LoadLevel:
    """One model at one load level."""

    concurrency: int
    rate: float | None
    requests: int
    ok: int
    errors: dict[str, int]
    duration_s: float
    output_tokens_per_s: float | None
    requests_per_s: float
    #: Percentiles (ms) over the successful requests, per ``LATENCY_OF`` key; None where none was timed.
    latency: dict[str, dict[str, float] | None]
    #: The successful requests' values (ms) per ``LATENCY_OF`` key, for resampling.
    values: dict[str, FloatArray] = field(repr=False, compare=False, default_factory=dict)

    @property
    def error_rate(self) -> float:
        return (self.requests - self.ok) / self.requests if self.requests else 0.0

    def label(self) -> str:
        return f"rate {self.rate:g}/s" if self.rate is not None else f"c={self.concurrency}"


@dataclass(frozen=True)
class TaskStats:
    """One model on one task."""

    n_items: int
    n_samples: int
    epochs: int
    mean: float
    se: float
    binary: bool
    cost_mean: float | None
    cost_samples: int


@dataclass(frozen=True)
class ModelEvidence:
    model: str
    tasks: dict[str, TaskStats]
    n_samples: int
    latency_ms: dict[str, float] | None
    latency_samples: int
    failures: dict[str, int]
    price: Resolution | None
    cost_source: str | None
    #: Mean tokens per sample, for the cost split shown to users.
    tokens: dict[str, float]
    #: "samples", or "aggregates" for a model known only from per-task statistics (no items).
    evidence: str = "samples"
    #: Mean USD per request by part of the bill (``COST_PARTS``), where tokens × the sheet priced it.
    cost_split: dict[str, float] = field(default_factory=dict)
    #: Latency under load from ``advisor probe`` runs, per level (``evidence.under_load``).
    load: tuple[LoadLevel, ...] = ()
    #: Time-to-first-token percentiles over the eval samples that record it.
    ttft_ms: dict[str, float] | None = None

    @property
    def unsafe_rate(self) -> float:
        return self.failures.get("unsafe", 0) / self.n_samples if self.n_samples else 0.0


@dataclass(frozen=True)
class Evidence:
    """Aggregates for every model, plus the table they came from (for paired statistics)."""

    models: dict[str, ModelEvidence]
    tasks: tuple[str, ...]
    table: SampleTable
    sheet: PriceSheet | None
    batch: bool
    warnings: tuple[str, ...] = field(default_factory=tuple)
    #: Cost per sample row of ``table`` (NaN where unknown), for the paired bootstrap.
    sample_cost: FloatArray | None = None
