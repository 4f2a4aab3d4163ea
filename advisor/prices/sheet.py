"""The native price sheet (TOML) and the arithmetic that turns tokens into dollars.

A sheet is dated and sourced, because a decision is only as current as its
prices. Rates are USD per million tokens, kept as Decimal so that what a user
wrote (or a public source published) is what a memo prints. Cost arithmetic is
vectorised over a model's samples.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from advisor.files.tomlfile import load_model
from advisor.records.samples import FloatArray
from advisor.text.redact import redact_text

SCHEMA_VERSION = 1

Rate = Decimal


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tier(Strict):
    """Rates that apply to a whole request once its input exceeds a threshold."""

    above_input_tokens: int = Field(ge=0)
    input_per_mtok: Rate = Field(ge=0)
    output_per_mtok: Rate = Field(ge=0)
    cached_input_per_mtok: Rate | None = Field(default=None, ge=0)
    cache_write_per_mtok: Rate | None = Field(default=None, ge=0)


class ModelPrice(Strict):
    """One model's rates, USD per million tokens."""

    id: str = Field(min_length=1)
    provider: str | None = None
    aliases: tuple[str, ...] = ()
    input_per_mtok: Rate = Field(ge=0)
    output_per_mtok: Rate = Field(ge=0)
    cached_input_per_mtok: Rate | None = Field(default=None, ge=0)
    cache_write_per_mtok: Rate | None = Field(default=None, ge=0)
    #: Fraction taken off input and output when run through a batch API (0.5 = half price).
    batch_discount: Rate | None = Field(default=None, ge=0, le=1)
    tiers: tuple[Tier, ...] = ()

    @model_validator(mode="after")
    def _tiers_ascend(self) -> ModelPrice:
        limits = [t.above_input_tokens for t in self.tiers]
        if limits != sorted(set(limits)):
            raise ValueError("tiers must have distinct above_input_tokens in ascending order")
        return self


class PriceSheet(Strict):
    schema_version: Literal[1] = 1
    as_of: dt.date
    currency: Literal["USD"] = "USD"
    source: str = Field(min_length=1)
    models: tuple[ModelPrice, ...]

    @field_validator("source")
    @classmethod
    def _no_credentials(cls, value: str) -> str:
        """A URL in the source is kept without its credentials, whoever wrote the sheet."""
        return redact_text(value)

    @model_validator(mode="after")
    def _unique_ids(self) -> PriceSheet:
        seen: set[str] = set()
        for m in self.models:
            if m.id in seen:
                raise ValueError(f"model id {m.id!r} appears twice")
            seen.add(m.id)
        return self

    def get(self, model_id: str) -> ModelPrice | None:
        return self._by_id().get(model_id)

    def _by_id(self) -> dict[str, ModelPrice]:
        cached: dict[str, ModelPrice] | None = self.__dict__.get("_index")
        if cached is None:
            cached = {m.id: m for m in self.models}
            object.__setattr__(self, "_index", cached)
        return cached


def load_sheet(path: Path) -> PriceSheet:
    return load_model(path, PriceSheet)


def _f(rate: Rate | None, fallback: Rate) -> float:
    return float(rate if rate is not None else fallback)


#: The parts a request's cost splits into (reasoning is billed at the output rate, once).
COST_PARTS: tuple[str, ...] = ("input", "cached_input", "cache_write", "output", "reasoning")


def sample_cost_parts(
    price: ModelPrice,
    *,
    input_tokens: FloatArray,
    output_tokens: FloatArray,
    cached_input_tokens: FloatArray,
    cache_write_tokens: FloatArray,
    reasoning_tokens: FloatArray | None = None,
    batch: bool = False,
) -> dict[str, FloatArray]:
    """USD per sample for each part of the bill (see ``COST_PARTS``); NaN where tokens are missing.

    Canonical tokens: input includes cached reads and cache writes, output
    includes reasoning. The tier is chosen per sample by its input tokens and
    applies to the whole request. Missing cached, cache-write and reasoning
    counts are taken as zero.
    """
    cached = np.nan_to_num(cached_input_tokens)
    written = np.nan_to_num(cache_write_tokens)
    reasoning = np.zeros_like(output_tokens) if reasoning_tokens is None else np.nan_to_num(reasoning_tokens)
    rates = np.empty((len(price.tiers) + 1, 4))
    levels: list[Tier | ModelPrice] = [price, *price.tiers]
    for i, level in enumerate(levels):
        base_in = level.input_per_mtok
        rates[i] = (
            float(base_in),
            _f(level.cached_input_per_mtok, base_in),
            _f(level.cache_write_per_mtok, base_in),
            float(level.output_per_mtok),
        )
    tier = np.zeros(input_tokens.shape[0], dtype=np.intp)
    for i, t in enumerate(price.tiers, start=1):
        tier[np.nan_to_num(input_tokens) > t.above_input_tokens] = i
    r = rates[tier] / 1e6
    if batch and price.batch_discount is not None:
        r = r * (1.0 - float(price.batch_discount))
    known = ~(np.isnan(input_tokens) | np.isnan(output_tokens))
    parts = {
        "input": (input_tokens - cached - written) * r[:, 0],
        "cached_input": cached * r[:, 1],
        "cache_write": written * r[:, 2],
        "output": (output_tokens - reasoning) * r[:, 3],
        "reasoning": reasoning * r[:, 3],
    }
    return {k: np.where(known, v, np.nan) for k, v in parts.items()}
