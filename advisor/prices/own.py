"""The models a workspace runs itself: its ``[[models]]`` entries, and their cost in words.

A team's own deployments (a vLLM cluster, a laptop running Ollama) are priced
like any API model, but their price is not published anywhere: the workspace
declares them (``[[models]]`` in ``advisor.toml``, the same shape as a sheet's
entries) and they are laid over whichever sheet it uses. A self-hosted entry
without a measured throughput gets one from the eval's own tokens and latency
here, and every own model's price says how it was made, so the memo can print
"self-hosted: $4.98/h ÷ 1,800 tok/s" (``Resolution.cost_model``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from advisor.errors import InputError
from advisor.files.tomlfile import validation_error
from advisor.prices.resolve import Resolution
from advisor.prices.self_hosted import derive_tokens_per_second
from advisor.prices.sheet import ModelPrice
from advisor.records.samples import FloatArray


class _Own(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    models: tuple[ModelPrice, ...]


def workspace_entries(raw: tuple[dict[str, Any], ...], config_path: Path) -> tuple[ModelPrice, ...]:
    """The workspace's ``[[models]]`` validated as sheet entries; errors name advisor.toml's line and key."""
    if not raw:
        return ()
    try:
        own = _Own.model_validate({"models": raw}).models
    except ValidationError as exc:
        try:
            text = config_path.read_text(encoding="utf-8")
        except OSError:
            text = None
        raise validation_error(config_path, exc, text) from None
    seen: set[str] = set()
    for m in own:
        if m.id in seen:
            raise InputError(f"{config_path} [models]", f"model id {m.id!r} appears twice")
        seen.add(m.id)
    return own


def cost_words(price: ModelPrice) -> str | None:
    """How an own model's cost is made, in one line (None for a model priced by a sheet's rates)."""
    if price.self_hosted is not None:
        return price.self_hosted.assumptions()
    if price.local and not price.input_per_mtok and not price.output_per_mtok:
        return "local: no per-token cost (free)"
    if price.local:
        return "local, at the rates you gave"
    return None


def price_own(
    res: Resolution,
    *,
    input_tokens: FloatArray | None = None,
    output_tokens: FloatArray | None = None,
    latency_ms: FloatArray | None = None,
) -> Resolution:
    """A resolution of an own model made complete: throughput derived if needed, cost model in ``how``.

    Without token and latency arrays (a model known from aggregates) a
    self-hosted entry needs ``tokens_per_second`` in the entry.
    """
    price = res.price
    if price is None or not price.on_premises:
        return res
    sh = price.self_hosted
    if sh is not None and sh.tokens_per_second is None:
        tps = None
        if input_tokens is not None and output_tokens is not None and latency_ms is not None:
            tps = derive_tokens_per_second(
                sh, input_tokens=input_tokens, output_tokens=output_tokens, latency_ms=latency_ms
            )
        if tps is None:
            why = (
                "the eval gives no samples with both tokens and latency"
                if input_tokens is not None
                else "a model known only from aggregates"
            )
            return Resolution(
                res.name,
                None,
                f"{res.how}; self-hosted without tokens_per_second, and {why} to derive it from: "
                "give tokens_per_second in [models.self_hosted]",
            )
        concrete = price.at_throughput(tps)
        assert concrete.self_hosted is not None
        return replace(res, price=concrete, cost_model=concrete.self_hosted.assumptions(derived=True))
    return replace(res, cost_model=cost_words(price))
