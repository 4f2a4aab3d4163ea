"""The native price sheet (TOML) and the arithmetic that turns tokens into dollars.

A sheet is dated and sourced, because a decision is only as current as its
prices. Rates are USD per million tokens, kept as Decimal so that what a user
wrote (or a public source published) is what a memo prints. Cost arithmetic is
vectorised over a model's samples.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol, Self, get_args

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from advisor.files.tomlfile import load_model
from advisor.inputs.profiles import Capability
from advisor.prices.self_hosted import SelfHosted
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


#: What a model can do, as ``require = [...]`` in a profile names it; ``supports_<name>`` in a sheet.
CAPABILITIES: tuple[str, ...] = get_args(Capability)


class ModelPrice(Strict):
    """One model's rates (USD per million tokens), what it can do, and where it runs."""

    id: str = Field(min_length=1)
    provider: str | None = None
    aliases: tuple[str, ...] = ()
    #: Required, except for a self-hosted model: there they come from ``self_hosted``.
    input_per_mtok: Rate | None = Field(default=None, ge=0)
    output_per_mtok: Rate | None = Field(default=None, ge=0)
    cached_input_per_mtok: Rate | None = Field(default=None, ge=0)
    cache_write_per_mtok: Rate | None = Field(default=None, ge=0)
    #: Fraction taken off input and output when run through a batch API (0.5 = half price).
    batch_discount: Rate | None = Field(default=None, ge=0, le=1)
    tiers: tuple[Tier, ...] = ()
    # What the model can do (from the source; missing = the source does not say).
    max_input_tokens: int | None = Field(default=None, gt=0)
    max_output_tokens: int | None = Field(default=None, gt=0)
    supports_function_calling: bool | None = None
    supports_response_schema: bool | None = None
    supports_vision: bool | None = None
    supports_prompt_caching: bool | None = None
    supports_reasoning: bool | None = None
    #: The open weights this entry serves (OpenRouter's ``hugging_face_id``).
    hugging_face_id: str | None = None
    #: Runs on your own machines (a local runtime such as Ollama): passes ``local_only``.
    local: bool = False
    #: Your own deployment: GPUs, $/GPU-hour and throughput give the rates.
    self_hosted: SelfHosted | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ModelPrice:
        sh = self.self_hosted
        if sh is None and not self.tiers and self.input_per_mtok is not None and self.output_per_mtok is not None:
            return self  # the common case, checked first: a sheet has thousands of these
        limits = [t.above_input_tokens for t in self.tiers]
        if limits != sorted(set(limits)):
            raise ValueError("tiers must have distinct above_input_tokens in ascending order")
        given = (self.input_per_mtok, self.output_per_mtok)
        if sh is None:
            if None in given:
                raise ValueError("input_per_mtok and output_per_mtok are required (or a [models.self_hosted] table)")
            return self
        if self.tiers or self.batch_discount is not None:
            raise ValueError("a self-hosted model has no tiers or batch discount: its cost is GPU time")
        if sh.tokens_per_second is None:
            if given != (None, None):
                raise ValueError(
                    "a self-hosted model without tokens_per_second is priced from the eval's tokens and "
                    "latency; remove input_per_mtok/output_per_mtok (or give tokens_per_second)"
                )
            return self
        derived = sh.rates(sh.tokens_per_second)
        if given != (None, None) and given != derived:
            raise ValueError(
                f"a self-hosted model's rates come from its GPU cost and throughput (input {derived[0]}, "
                f"output {derived[1]} per 1M tokens); remove input_per_mtok/output_per_mtok"
            )
        object.__setattr__(self, "input_per_mtok", derived[0])  # frozen: set once, while validating
        object.__setattr__(self, "output_per_mtok", derived[1])
        return self

    @property
    def priced(self) -> bool:
        """Rates known: false only for a self-hosted model waiting for the eval's throughput."""
        return self.input_per_mtok is not None and self.output_per_mtok is not None

    @property
    def on_premises(self) -> bool:
        """Self-hosted or marked local: what ``local_only`` keeps."""
        return self.local or self.self_hosted is not None

    def supports(self, capability: str) -> bool | None:
        """True, False, or None when the sheet does not say."""
        value: bool | None = getattr(self, f"supports_{capability}")
        return value

    def at_throughput(self, tokens_per_second: Decimal) -> ModelPrice:
        """This self-hosted entry with a throughput (derived from the eval) and the rates it gives."""
        assert self.self_hosted is not None
        sh = self.self_hosted.model_copy(update={"tokens_per_second": tokens_per_second})
        rin, rout = sh.rates(tokens_per_second)
        return self.model_copy(update={"self_hosted": sh, "input_per_mtok": rin, "output_per_mtok": rout})


class Listing(NamedTuple):
    """What name lookups need of an entry, without its rates: id, provider, aliases, open weights."""

    id: str
    provider: str | None
    aliases: tuple[str, ...]
    hugging_face_id: str | None

    @classmethod
    def of(cls, m: ModelPrice) -> Listing:
        return cls(m.id, m.provider, m.aliases, m.hugging_face_id)


#: The lookups a name resolution makes: key → ids (``advisor.prices.resolve`` builds or borrows them).
LOOKUPS: tuple[str, ...] = ("alias", "name", "weights", "suffix")


def build_lookup(kind: str, listing: tuple[Listing, ...]) -> dict[str, list[str]]:
    """One of ``LOOKUPS``: exact aliases; lower-case ids and aliases; open weights; an id's trailing segments.

    An id may appear twice under one key (an alias equal to its id but for case); readers de-duplicate.
    """
    out: dict[str, list[str]] = {}
    put = out.setdefault
    if kind == "alias":
        for item in listing:
            for a in item.aliases:
                put(a, []).append(item.id)
    elif kind == "name":
        for item in listing:
            put(item.id.lower(), []).append(item.id)
            for a in item.aliases:
                put(a.lower(), []).append(item.id)
    elif kind == "weights":
        for item in listing:
            if item.hugging_face_id:
                put(item.hugging_face_id.lower(), []).append(item.id)
    else:  # suffix
        for item in listing:
            parts = item.id.lower().split("/")
            for i in range(1, len(parts)):
                put("/".join(parts[i:]), []).append(item.id)
    return out


class LazySource(Protocol):
    """Entries read on demand (``advisor.prices.indexed``): a big sheet costs only what is looked up."""

    def listing(self) -> tuple[Listing, ...]: ...

    def lookup(self, kind: str) -> Mapping[str, list[str]]: ...

    def entry(self, model_id: str) -> ModelPrice | None: ...

    def every(self) -> tuple[ModelPrice, ...]: ...


_LAZY, _BY_ID, _LISTING = "_lazy_source", "_index", "_listing"
#: Per-instance caches kept in ``__dict__``; dropped when a copy changes the models.
CACHE_KEYS: tuple[str, ...] = (_BY_ID, _LISTING, *(f"_lookup_{k}" for k in LOOKUPS))


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

    @classmethod
    def lazy(cls, header: PriceSheet, source: LazySource) -> PriceSheet:
        """A sheet whose entries are read from ``source`` only when asked for (ids already unique)."""
        sheet = cls.model_construct(
            schema_version=header.schema_version,
            as_of=header.as_of,
            currency=header.currency,
            source=header.source,
            models=(),
        )
        sheet.__dict__.pop("models", None)  # read on first use, by __getattr__
        sheet.__dict__[_LAZY] = source
        return sheet

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            lazy = self.__dict__.get(_LAZY)
            if name == "models" and lazy is not None:
                every = lazy.every()
                self.__dict__["models"] = every
                return every
            return super().__getattr__(name)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; one with other models forgets this sheet's lookup caches (and its lazy source)."""
        copied = super().model_copy(update=update, deep=deep)
        if update and "models" in update:
            for key in (*CACHE_KEYS, _LAZY):
                copied.__dict__.pop(key, None)
        return copied

    def get(self, model_id: str) -> ModelPrice | None:
        lazy = self._lazy()
        if lazy is not None:
            return lazy.entry(model_id)
        return self._by_id().get(model_id)

    def listing(self) -> tuple[Listing, ...]:
        """Every entry's id, provider, aliases and open weights, without reading rates."""
        cached: tuple[Listing, ...] | None = self.__dict__.get(_LISTING)
        if cached is None:
            lazy = self._lazy()
            cached = lazy.listing() if lazy is not None else tuple(Listing.of(m) for m in self.models)
            self.__dict__[_LISTING] = cached
        return cached

    def lookup(self, kind: str) -> Mapping[str, list[str]]:
        """A name lookup (``LOOKUPS``): from the lazy source's index, else built from the listing once."""
        key = f"_lookup_{kind}"
        cached: Mapping[str, list[str]] | None = self.__dict__.get(key)
        if cached is None:
            lazy = self._lazy()
            cached = lazy.lookup(kind) if lazy is not None else build_lookup(kind, self.listing())
            self.__dict__[key] = cached
        return cached

    def overlay(self, entries: tuple[ModelPrice, ...]) -> PriceSheet:
        """This sheet with ``entries`` (a workspace's own models) first; an entry replaces one with its id."""
        if not entries:
            return self
        lazy = self._lazy()
        if lazy is not None:
            return PriceSheet.lazy(self, _Overlay(entries, lazy))
        own = {m.id for m in entries}
        return self.model_copy(update={"models": (*entries, *(m for m in self.models if m.id not in own))})

    def _lazy(self) -> LazySource | None:
        if "models" in self.__dict__:
            return None
        source: LazySource | None = self.__dict__.get(_LAZY)
        return source

    def _by_id(self) -> dict[str, ModelPrice]:
        cached: dict[str, ModelPrice] | None = self.__dict__.get(_BY_ID)
        if cached is None:
            cached = {m.id: m for m in self.models}
            self.__dict__[_BY_ID] = cached
        return cached


class _OwnFirst(Mapping[str, list[str]]):
    """A lookup where one's own entries under a key hide the sheet's (no copy of the sheet's lookup)."""

    def __init__(self, own: dict[str, list[str]], base: Mapping[str, list[str]]) -> None:
        self.own, self.base = own, base

    def __getitem__(self, key: str) -> list[str]:
        return self.own.get(key) or self.base[key]

    def __iter__(self) -> Iterator[str]:
        return iter({**self.base, **self.own})

    def __len__(self) -> int:
        return len({**self.base, **self.own})


class _Overlay:
    """A lazy sheet's entries with some entries of one's own in front (they win on the same id)."""

    def __init__(self, own: tuple[ModelPrice, ...], base: LazySource) -> None:
        self.own = {m.id: m for m in own}
        self.base = base

    def listing(self) -> tuple[Listing, ...]:
        mine = tuple(Listing.of(m) for m in self.own.values())
        return (*mine, *(x for x in self.base.listing() if x.id not in self.own))

    def lookup(self, kind: str) -> Mapping[str, list[str]]:
        return _OwnFirst(build_lookup(kind, tuple(Listing.of(m) for m in self.own.values())), self.base.lookup(kind))

    def entry(self, model_id: str) -> ModelPrice | None:
        return self.own.get(model_id) or self.base.entry(model_id)

    def every(self) -> tuple[ModelPrice, ...]:
        return (*self.own.values(), *(m for m in self.base.every() if m.id not in self.own))


def load_sheet(path: Path) -> PriceSheet:
    return load_model(path, PriceSheet)


def _f(rate: Rate | None, fallback: Rate) -> float:
    return float(rate if rate is not None else fallback)


def level_rates(level: Tier | ModelPrice) -> tuple[float, float, float, float]:
    """(input, cached input, cache write, output) USD per million tokens; missing cache rates = input."""
    base_in, out = level.input_per_mtok, level.output_per_mtok
    if base_in is None or out is None:
        raise ValueError(f"{getattr(level, 'id', 'tier')}: no rates yet (a self-hosted model needs its throughput)")
    return float(base_in), _f(level.cached_input_per_mtok, base_in), _f(level.cache_write_per_mtok, base_in), float(out)


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
        rates[i] = level_rates(level)
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
