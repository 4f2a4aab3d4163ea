"""The evidence a ranking is computed from: per model, per task, whatever its source.

Why this module exists: samples, per-task aggregates and a memo's snapshot are
three sources of the same evidence. Each fills these shapes (``from_samples``,
``from_aggregates``, ``memo.reprice``), and everything downstream reads one
interface, per model × task (``TaskStats``):

- its point estimate and standard error (``mean``, ``se``, ``n_items``);
- its per-resample draws: its items when it has them (``items``; the paired
  bootstrap draws the same items for every model), else ``normal_draws``;
- its comparison with another model on the task (``versus``): paired on the
  items both saw, unpaired from the two estimates otherwise;
- the token sums re-pricing needs (``tokens``).

So the ranking, the uncertainty and the memo's cost inputs are written once,
and the aggregate case is a different source of numbers, not a second copy of
the logic. Nothing here depends on the user's weights: the TUI computes it once
and re-ranks from it in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from advisor.prices.resolve import Resolution
from advisor.prices.sheet import PriceSheet
from advisor.records.samples import FloatArray, SampleTable
from advisor.statistics.comparisons import TaskDifference, paired_difference, unpaired_difference

PERCENTILES: dict[str, float] = {"p50": 50.0, "p95": 95.0, "p99": 99.0}
#: The part of a cost split that holds costs the eval tool recorded (samples priced without tokens).
RECORDED_PART = "recorded"
#: Samples with more input tokens than this keep their own size in ``TokenSums.long`` (tiers apply per request).
DETAIL_ABOVE_INPUT_TOKENS = 16_000


@dataclass(frozen=True)
class TokenSums:
    """What re-pricing one model on one task needs; token sums are over the samples that carried tokens."""

    token_samples: int = 0
    input_tokens: float = 0.0
    cached_input_tokens: float = 0.0
    cache_write_tokens: float = 0.0
    output_tokens: float = 0.0
    max_input_tokens: float = 0.0
    #: (input_tokens, samples, cached, cache_write, output) per distinct prompt size above the detail limit.
    long: tuple[tuple[float, float, float, float, float], ...] = ()
    recorded_fill_samples: int = 0  # samples without tokens whose recorded cost_usd fills in
    recorded_fill_usd: float = 0.0
    recorded_samples: int = 0  # every sample with a recorded cost_usd
    recorded_usd: float = 0.0


@dataclass(frozen=True)
class Items:
    """A model's epoch-averaged score per item of one task; ``ids`` are sample codes of the table, ascending."""

    ids: npt.NDArray[np.int64]
    scores: FloatArray


def aligned(a: Items, b: Items) -> tuple[FloatArray, FloatArray, npt.NDArray[np.int64]]:
    """Both models' scores over the union of their items (NaN where one lacks the item), and the item ids."""
    if a.ids.size == b.ids.size and np.array_equal(a.ids, b.ids):  # the common case: the same items
        return a.scores, b.scores, a.ids
    ids = np.union1d(a.ids, b.ids)
    out = []
    for side in (a, b):
        row = np.full(ids.size, np.nan)
        row[np.searchsorted(ids, side.ids)] = side.scores
        out.append(row)
    return out[0], out[1], ids


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
    """One model on one task, from any source."""

    n_items: int
    n_samples: int
    epochs: int
    mean: float
    se: float
    binary: bool
    cost_mean: float | None
    cost_samples: int
    tokens: TokenSums = TokenSums()
    #: ``cost_mean`` by part of the bill (``COST_PARTS``, plus ``recorded`` for costs the tool recorded):
    #: means over the same samples, so the parts add up to ``cost_mean``. Empty when not known.
    cost_split: dict[str, float] = field(default_factory=dict)
    #: Per-item scores; None when only the aggregate is known (per-task statistics, a memo's snapshot).
    items: Items | None = field(default=None, compare=False, repr=False)

    def normal_draws(self, z: FloatArray) -> FloatArray:
        """Resampled means when there are no items to resample: Normal(mean, se), clipped to [0, 1].

        ``z`` are standard normal deviates, one per resample (the caller owns the random stream).
        """
        out: FloatArray = np.clip(self.mean + self.se * z, 0.0, 1.0)
        return out

    def versus(self, other: TaskStats) -> TaskDifference:
        """Accuracy self − other on this task: paired on shared items when both have items, else unpaired."""
        if self.items is not None and other.items is not None:
            a, b, _ = aligned(self.items, other.items)
            part = paired_difference(a, b)
            if part.shared > 0:
                return part
            # No item in common: two independent samples of the task's items.
        return unpaired_difference(self.mean, self.se, self.n_items, other.mean, other.se, other.n_items)


@dataclass(frozen=True)
class PromptFit:
    """A model's prompts in the eval (input tokens) against the context window its price entry states."""

    longest: float
    #: Samples that report input tokens.
    counted: int
    #: ``max_input_tokens`` of the price entry (None: the sheet does not say).
    window: int | None
    #: Prompts longer than the window.
    over: int


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
    #: False when the model failed and no failed sample says how (no ``outcome`` recorded): its
    #: gracefulness is unknown, not 0.
    failures_known: bool = True
    #: The longest prompt sent against the context window (samples with input tokens only).
    prompt_fit: PromptFit | None = None
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
    #: Results that depend on the evidence alone (comparisons per pair and task mix), kept across re-ranks.
    cache: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
