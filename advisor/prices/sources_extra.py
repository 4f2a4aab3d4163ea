"""Readers for OpenRouter's models endpoint and pydantic's genai-prices feed.

OpenRouter is what a user pays through the router (USD per token, as decimal
strings, with ``"-1"`` for variable prices and ``overrides`` for long-context
tiers). genai-prices is curated and dated: its models carry price changes
(``constraint.start_date``), which is the price history LiteLLM lacks. Both
produce a native ``PriceSheet`` plus a ``ReadReport`` of what was skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from advisor.errors import InputError
from advisor.prices.sheet import ModelPrice, Tier
from advisor.prices.sources import (
    BadRate,
    Imported,
    ReadReport,
    build_sheet,
    parse_json,
    per_mtok,
    per_token_to_mtok,
    token_limit,
)

# --------------------------------------------------------------------------- OpenRouter

_OR_RATES = {
    "prompt": "input_per_mtok",
    "completion": "output_per_mtok",
    "input_cache_read": "cached_input_per_mtok",
    "input_cache_write": "cache_write_per_mtok",
}


def _or_rates(pricing: Mapping[str, Any]) -> dict[str, Decimal]:
    return {dst: per_token_to_mtok(pricing[src]) for src, dst in _OR_RATES.items() if pricing.get(src) is not None}


def openrouter_capabilities(model: Mapping[str, Any], rates: Mapping[str, Decimal]) -> dict[str, Any]:
    """Context limits and capabilities from a model's listing (OpenRouter has no ``supports_*`` flags).

    ``context_length`` is the whole window (it bounds the prompt);
    ``top_provider.max_completion_tokens`` the output. Function calling is a
    ``tools`` parameter, response schema ``response_format`` or
    ``structured_outputs``, vision an ``image`` input, reasoning a
    ``reasoning`` parameter, prompt caching a cache-read price.
    """
    out: dict[str, Any] = {}
    limit = token_limit(model.get("context_length"))
    if limit is not None:
        out["max_input_tokens"] = limit
    top = model.get("top_provider")
    if isinstance(top, Mapping):
        most = token_limit(top.get("max_completion_tokens"))
        if most is not None:
            out["max_output_tokens"] = most
    params = model.get("supported_parameters")
    if isinstance(params, list):
        have = {p for p in params if isinstance(p, str)}
        out["supports_function_calling"] = "tools" in have
        out["supports_response_schema"] = bool(have & {"response_format", "structured_outputs"})
        out["supports_reasoning"] = "reasoning" in have
    arch = model.get("architecture")
    inputs = arch.get("input_modalities") if isinstance(arch, Mapping) else None
    if isinstance(inputs, list):
        out["supports_vision"] = "image" in inputs
    out["supports_prompt_caching"] = "cached_input_per_mtok" in rates
    hf = model.get("hugging_face_id")
    variant = ":" in str(model.get("id", "")).rsplit("/", 1)[-1]  # ":free" shares its weights with the paid id
    if isinstance(hf, str) and hf.strip() and not variant:
        out["hugging_face_id"] = hf.strip()
    return out


def openrouter_entry(model: Mapping[str, Any], report: ReadReport) -> ModelPrice | None:
    key = str(model.get("id", "?"))
    arch = model.get("architecture")
    outputs = arch.get("output_modalities") if isinstance(arch, Mapping) else None
    if isinstance(outputs, list) and "text" not in outputs:
        report.skip("does not output text", key)
        return None
    pricing = model.get("pricing")
    if not isinstance(pricing, Mapping) or pricing.get("prompt") is None or pricing.get("completion") is None:
        report.skip("no prompt/completion price", key)
        return None
    if str(pricing["prompt"]).strip() == "-1" or str(pricing["completion"]).strip() == "-1":
        report.skip("variable price (-1)", key)
        return None
    try:
        rates = _or_rates(pricing)
        if rates["input_per_mtok"] == 0 and rates["output_per_mtok"] == 0 and not key.endswith(":free"):
            report.skip("priced 0/0 without ':free' (not trusted)", key)
            return None
        tiers = []
        for o in pricing.get("overrides") or []:
            if isinstance(o, Mapping) and o.get("min_prompt_tokens") is not None and o.get("prompt") is not None:
                t = _or_rates(o)
                tiers.append(
                    Tier(
                        above_input_tokens=int(o["min_prompt_tokens"]),
                        input_per_mtok=t["input_per_mtok"],
                        output_per_mtok=t.get("output_per_mtok", rates["output_per_mtok"]),
                        cached_input_per_mtok=t.get("cached_input_per_mtok"),
                        cache_write_per_mtok=t.get("cache_write_per_mtok"),
                    )
                )
        aliases = [f"openrouter/{key}"]
        slug = model.get("canonical_slug")
        if isinstance(slug, str) and slug != key:
            aliases.append(slug)
        return ModelPrice(
            id=key,
            provider="openrouter",
            aliases=tuple(aliases),
            tiers=tuple(sorted(tiers, key=lambda t: t.above_input_tokens)),
            **rates,  # type: ignore[arg-type]
            **openrouter_capabilities(model, rates),
        )
    except (BadRate, ValidationError, TypeError, ValueError) as exc:
        report.skip("invalid rate", key)
        report.notes.append(f"{key}: {str(exc).splitlines()[0]}")
        return None


def read_openrouter(data: bytes | str, *, as_of: dt.date, source: str, where: str) -> Imported:
    """The body of ``GET /api/v1/models`` as a native sheet (ids such as ``openai/gpt-4o``)."""
    raw, _ = parse_json(data, where)
    items = raw.get("data") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise InputError(where, "not an OpenRouter models response: no 'data' list at the top level")
    report = ReadReport(source="openrouter")
    models: list[ModelPrice] = []
    seen: set[str] = set()
    taken: set[str] = set()
    for item in items:
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            report.skip("entry without an id", str(item)[:40])
            continue
        m = openrouter_entry(item, report)
        if m is None:
            continue
        if m.id in seen:
            report.skip("duplicate id", m.id)
            continue
        seen.add(m.id)
        aliases = tuple(a for a in m.aliases if a not in taken)
        taken.update(aliases)
        models.append(m.model_copy(update={"aliases": aliases}))
    if items and not models and not any(isinstance(i, Mapping) and "pricing" in i for i in items):
        raise InputError(where, "not an OpenRouter models response: no model has 'pricing'")
    ids = {m.id for m in models}
    models = [m.model_copy(update={"aliases": tuple(a for a in m.aliases if a not in ids)}) for m in models]
    report.kept = len(models)
    return Imported(build_sheet(models, as_of=as_of, source=source, where=where), report)


# --------------------------------------------------------------------------- genai-prices

_GP_RATES = {
    "input_mtok": "input_per_mtok",
    "output_mtok": "output_per_mtok",
    "cache_read_mtok": "cached_input_per_mtok",
    "cache_write_mtok": "cache_write_per_mtok",
}


def _gp_price_set(prices: Mapping[str, Any]) -> tuple[dict[str, Decimal], dict[int, dict[str, Decimal]]]:
    """Base rates and tier rates (by threshold) from one genai-prices price object."""
    base: dict[str, Decimal] = {}
    tiers: dict[int, dict[str, Decimal]] = {}
    for src, dst in _GP_RATES.items():
        v = prices.get(src)
        if v is None:
            continue
        if isinstance(v, Mapping):
            base[dst] = per_mtok(v["base"])
            for t in v.get("tiers") or []:
                tiers.setdefault(int(t["start"]), {})[dst] = per_mtok(t["price"])
        else:
            base[dst] = per_mtok(v)
    return base, tiers


def genai_price_on(prices: Any, day: dt.date) -> Mapping[str, Any] | None:
    """The price object in force on ``day``: the latest ``start_date`` ≤ day; time-of-day windows ignored."""
    if isinstance(prices, Mapping):
        return prices
    if not isinstance(prices, list):
        return None
    chosen: tuple[dt.date, Mapping[str, Any]] | None = None
    for item in prices:
        c = item.get("constraint") or {}
        if "start_time" in c or "end_time" in c:
            continue
        start = dt.date.fromisoformat(c["start_date"]) if "start_date" in c else dt.date.min
        if start <= day and (chosen is None or start >= chosen[0]):
            chosen = (start, item.get("prices") or {})
    return chosen[1] if chosen else None


def genai_change_dates(data: Any) -> list[dt.date]:
    """Every ``start_date`` at which some model's price changes, ascending."""
    days: set[dt.date] = set()
    for prov in data if isinstance(data, list) else []:
        for m in prov.get("models", []):
            if isinstance(m.get("prices"), list):
                for item in m["prices"]:
                    sd = (item.get("constraint") or {}).get("start_date")
                    if sd:
                        days.add(dt.date.fromisoformat(sd))
    return sorted(days)


def read_genai_prices(data: bytes | str, *, as_of: dt.date, source: str, where: str) -> Imported:
    """genai-prices v2 (``data_slim.json``) as the sheet in force on ``as_of``; ids are ``provider/model``."""
    raw, _ = parse_json(data, where)
    if not isinstance(raw, list) or not all(isinstance(p, Mapping) and "models" in p for p in raw):
        raise InputError(where, "not a genai-prices v2 file: expected a list of providers with 'models'")
    report = ReadReport(source="genai-prices")
    models: list[ModelPrice] = []
    for prov in raw:
        pid = str(prov.get("id"))
        for m in prov["models"]:
            key = f"{pid}/{m.get('id')}"
            try:
                if isinstance(m.get("prices"), list) and any(
                    "start_time" in (i.get("constraint") or {}) for i in m["prices"]
                ):
                    report.notes.append(f"{key}: time-of-day prices not modelled (base price kept)")
                prices = genai_price_on(m.get("prices"), as_of)
                if prices is None:
                    report.skip(f"no price in force on {as_of}", key)
                    continue
                base, tiers = _gp_price_set(prices)
                if "input_per_mtok" not in base or "output_per_mtok" not in base:
                    report.skip("no per-token input/output price", key)
                    continue
                if base["input_per_mtok"] == 0 and base["output_per_mtok"] == 0:
                    report.skip("priced 0/0 (not trusted)", key)
                    continue
                tier_objs = [
                    Tier(
                        above_input_tokens=start,
                        input_per_mtok=t.get("input_per_mtok", base["input_per_mtok"]),
                        output_per_mtok=t.get("output_per_mtok", base["output_per_mtok"]),
                        cached_input_per_mtok=t.get("cached_input_per_mtok"),
                        cache_write_per_mtok=t.get("cache_write_per_mtok"),
                    )
                    for start, t in sorted(tiers.items())
                ]
                models.append(
                    ModelPrice(
                        id=key,
                        provider=pid,
                        tiers=tuple(tier_objs),
                        **base,  # type: ignore[arg-type]
                    )
                )
            except (BadRate, ValidationError, TypeError, ValueError, KeyError) as exc:
                report.skip("invalid rate", key)
                report.notes.append(f"{key}: {str(exc).splitlines()[0]}")
    seen: set[str] = set()
    unique: list[ModelPrice] = []
    for mp in models:
        if mp.id in seen:
            report.skip("duplicate id", mp.id)
            continue
        seen.add(mp.id)
        unique.append(mp)
    # The bare model id is an alias where it is unambiguous across providers.
    counts: dict[str, int] = {}
    for mp in unique:
        bare = mp.id.split("/", 1)[1]
        counts[bare] = counts.get(bare, 0) + 1
    final = [
        mp.model_copy(update={"aliases": (mp.id.split("/", 1)[1],)})
        if counts[mp.id.split("/", 1)[1]] == 1 and mp.id.split("/", 1)[1] not in seen
        else mp
        for mp in unique
    ]
    report.kept = len(final)
    return Imported(build_sheet(final, as_of=as_of, source=source, where=where), report)
