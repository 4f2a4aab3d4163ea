"""Read the public price sources people already use into a native ``PriceSheet``.

Users should not have to type prices: LiteLLM's map, OpenRouter's models
endpoint and pydantic's genai-prices feed already publish them. Each reader
keeps only text-generation entries with a usable per-token price, converts
exactly to USD per million tokens (``Decimal``, never float arithmetic), and
returns the validated sheet together with a ``ReadReport`` that counts what
was skipped and why, so nothing disappears silently.

This module holds the shared pieces and the LiteLLM reader; OpenRouter and
genai-prices live in ``advisor.prices.sources_extra``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Context, Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from advisor.errors import InputError
from advisor.prices.sheet import ModelPrice, PriceSheet, Tier

MILLION = Decimal(1_000_000)
#: Per-million rates keep 12 significant digits: more is float noise in the source
#: (``0.0000006000000000000001`` per token), and would show up as phantom repricings.
_CTX = Context(prec=12)

#: LiteLLM modes that are text generation priced per token.
TEXT_MODES = frozenset({"chat", "responses", "completion"})


class BadRate(ValueError):
    """A price value that is not a finite, non-negative number."""


@dataclass
class ReadReport:
    """What a reader kept, what it skipped (by reason) and anything odd it noticed."""

    source: str
    kept: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def skip(self, reason: str, key: str) -> None:
        self.skipped[reason] += 1
        ex = self.examples.setdefault(reason, [])
        if len(ex) < 3:
            ex.append(key)

    def lines(self) -> list[str]:
        total = sum(self.skipped.values())
        out = [f"{self.source}: kept {self.kept} models, skipped {total}"]
        for reason, n in sorted(self.skipped.items(), key=lambda kv: (-kv[1], kv[0])):
            out.append(f"  skipped {n:>5}  {reason} (e.g. {', '.join(self.examples.get(reason, []))})")
        out.extend(f"  note: {n}" for n in self.notes)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "kept": self.kept, "skipped": dict(self.skipped), "notes": self.notes}


@dataclass(frozen=True)
class Imported:
    """A validated sheet and the report of how it was read."""

    sheet: PriceSheet
    report: ReadReport


def canon(value: Decimal) -> Decimal:
    """Round to 12 significant digits and strip trailing zeros (``10`` not ``1E+1``)."""
    d = _CTX.create_decimal(value).normalize()
    if d.as_tuple().exponent > 0:  # type: ignore[operator]
        d = d.quantize(Decimal(1))
    return d


def to_decimal(value: object) -> Decimal:
    """A JSON number or numeric string as an exact Decimal; rejects bools, NaN, negatives."""
    if isinstance(value, bool) or value is None:
        raise BadRate(f"not a number: {value!r}")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int | float | str):
        try:
            d = Decimal(str(value).strip())
        except InvalidOperation:
            raise BadRate(f"not a number: {value!r}") from None
    else:
        raise BadRate(f"not a number: {value!r}")
    if not d.is_finite():
        raise BadRate(f"not a finite number: {value!r}")
    if d < 0:
        raise BadRate(f"negative: {value!r}")
    return d


def per_token_to_mtok(value: object) -> Decimal:
    """USD per token → USD per million tokens, exactly (``8e-07`` → ``0.8``)."""
    return canon(to_decimal(value) * MILLION)


def per_mtok(value: object) -> Decimal:
    """A rate already per million tokens (genai-prices), canonicalised."""
    return canon(to_decimal(value))


def parse_json(data: bytes | str, where: str) -> tuple[Any, set[str]]:
    """Parse JSON with exact decimals; also return keys that were duplicated in some object."""
    dupes: set[str] = set()

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        d = dict(pairs)
        if len(d) != len(pairs):
            seen: set[str] = set()
            for k, _ in pairs:
                if k in seen:
                    dupes.add(k)
                seen.add(k)
        return d

    try:
        return json.loads(data, parse_float=Decimal, object_pairs_hook=hook), dupes
    except json.JSONDecodeError as exc:
        raise InputError(
            where, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except (UnicodeDecodeError, RecursionError) as exc:
        raise InputError(where, f"not valid JSON: {exc}") from None


def build_sheet(models: list[ModelPrice], *, as_of: dt.date, source: str, where: str) -> PriceSheet:
    try:
        return PriceSheet(as_of=as_of, source=source, models=tuple(models))
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(where, f"result is not a valid price sheet: {first['msg']}") from None


# --------------------------------------------------------------------------- LiteLLM

_LITELLM_RATES = {
    "input_cost_per_token": "input_per_mtok",
    "output_cost_per_token": "output_per_mtok",
    "cache_read_input_token_cost": "cached_input_per_mtok",
    "cache_creation_input_token_cost": "cache_write_per_mtok",
}
_LITELLM_TIER = re.compile(
    r"^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost)"
    r"_above_(\d+)k_tokens$"
)
_SIMPLE_PROVIDER = re.compile(r"^[a-z0-9_]+$")


def _litellm_tiers(key: str, entry: Mapping[str, Any], base: dict[str, Decimal]) -> list[Tier]:
    by_limit: dict[int, dict[str, Decimal]] = {}
    for name, value in entry.items():
        m = _LITELLM_TIER.match(name)
        if m:
            limit = int(m.group(2)) * 1000
            by_limit.setdefault(limit, {})[_LITELLM_RATES[m.group(1)]] = per_token_to_mtok(value)
    ranges = entry.get("tiered_pricing")
    if isinstance(ranges, list):
        for r in ranges:
            if not isinstance(r, Mapping) or "input_cost_per_token" not in r:
                continue
            span = r.get("range")
            lo = int(to_decimal(span[0])) if isinstance(span, list) and span else 0
            rates = {
                dst: per_token_to_mtok(r[src])
                for src, dst in _LITELLM_RATES.items()
                if r.get(src) is not None
            }
            if lo > 0:
                by_limit.setdefault(lo, {}).update(rates)
            else:
                for dst, v in rates.items():
                    base.setdefault(dst, v)
    tiers = []
    for limit in sorted(by_limit):
        rates = by_limit[limit]
        tiers.append(
            Tier(
                above_input_tokens=limit,
                input_per_mtok=rates.get("input_per_mtok", base.get("input_per_mtok", Decimal(0))),
                output_per_mtok=rates.get("output_per_mtok", base.get("output_per_mtok", Decimal(0))),
                cached_input_per_mtok=rates.get("cached_input_per_mtok"),
                cache_write_per_mtok=rates.get("cache_write_per_mtok"),
            )
        )
    return tiers


def _batch_discount(entry: Mapping[str, Any], rates: Mapping[str, Decimal]) -> Decimal | None:
    """1 − batch/list, when the source gives batch input and output rates at one ratio."""
    bi, bo = entry.get("input_cost_per_token_batches"), entry.get("output_cost_per_token_batches")
    li, lo = rates.get("input_per_mtok"), rates.get("output_per_mtok")
    if bi is None or bo is None or not li or not lo:
        return None
    ri, ro = per_token_to_mtok(bi) / li, per_token_to_mtok(bo) / lo
    if canon(ri) != canon(ro) or ri > 1:
        return None
    return canon(1 - ri)


def litellm_entry(key: str, entry: Mapping[str, Any], report: ReadReport) -> ModelPrice | None:
    """One LiteLLM map entry as a ModelPrice, or None (with the reason in ``report``)."""
    mode = entry.get("mode")
    if mode is None:
        report.skip("no mode", key)
        return None
    if mode not in TEXT_MODES:
        report.skip(f"mode {mode} (not text generation)", key)
        return None
    if entry.get("input_cost_per_token") is None or entry.get("output_cost_per_token") is None:
        report.skip("no per-token input/output price", key)
        return None
    try:
        rates = {
            dst: per_token_to_mtok(entry[src])
            for src, dst in _LITELLM_RATES.items()
            if entry.get(src) is not None
        }
        if "cached_input_per_mtok" not in rates and entry.get("input_cost_per_token_cache_hit") is not None:
            rates["cached_input_per_mtok"] = per_token_to_mtok(entry["input_cost_per_token_cache_hit"])
        if rates["input_per_mtok"] == 0 and rates["output_per_mtok"] == 0:
            report.skip("priced 0/0 (placeholder or free: not trusted)", key)
            return None
        if rates.get("cache_write_per_mtok") == 0 and rates["input_per_mtok"] > 0:
            del rates["cache_write_per_mtok"]  # 0 means "no separate write fee", not "writes are free"
        tiers = _litellm_tiers(key, entry, rates)
        provider = entry.get("litellm_provider")
        return ModelPrice(
            id=key,
            provider=provider if isinstance(provider, str) else None,
            batch_discount=_batch_discount(entry, rates),
            tiers=tuple(tiers),
            **rates,  # type: ignore[arg-type]
        )
    except (BadRate, ValidationError, TypeError, IndexError) as exc:
        report.skip("invalid rate", key)
        if len(report.examples["invalid rate"]) <= 3:
            report.notes.append(f"{key}: {str(exc).splitlines()[0]}")
        return None


def read_litellm(data: bytes | str, *, as_of: dt.date, source: str, where: str) -> Imported:
    """LiteLLM's ``model_prices_and_context_window.json`` as a native sheet (ids are its keys)."""
    raw, dupes = parse_json(data, where)
    return litellm_sheet(raw, as_of=as_of, source=source, where=where, duplicate_keys=dupes)


def litellm_sheet(
    raw: Any, *, as_of: dt.date, source: str, where: str, duplicate_keys: set[str] | None = None
) -> Imported:
    if not isinstance(raw, dict):
        raise InputError(where, "not a LiteLLM price map: the top level is not a JSON object")
    report = ReadReport(source="litellm")
    models: list[ModelPrice] = []
    stubs: dict[str, list[str]] = {}
    for key, entry in raw.items():
        if key == "sample_spec":
            report.skip("documentation entry (sample_spec)", key)
        elif not isinstance(entry, dict):
            report.skip("entry is not an object", key)
        elif isinstance(entry.get("alias_of"), str) and "input_cost_per_token" not in entry:
            stubs.setdefault(entry["alias_of"], []).append(key)
        else:
            price = litellm_entry(key, entry, report)
            if price is not None:
                models.append(price)
    if not models and not any("input_cost_per_token" in e for e in raw.values() if isinstance(e, dict)):
        raise InputError(where, "not a LiteLLM price map: no entry has input_cost_per_token")
    ids = {m.id for m in models}
    taken: set[str] = set()
    final: list[ModelPrice] = []
    for m in models:
        extra: list[str] = []
        if "/" not in m.id and m.provider and _SIMPLE_PROVIDER.match(m.provider):
            extra.append(f"{m.provider}/{m.id}")  # LiteLLM strips "openai/" etc. before lookup
        extra.extend(stubs.pop(m.id, []))
        aliases = tuple(a for a in extra if a not in ids and a not in taken)
        taken.update(aliases)
        final.append(m.model_copy(update={"aliases": aliases}) if aliases else m)
    for target, keys in stubs.items():
        for k in keys:
            report.skip("alias_of a model that was skipped or is missing", f"{k} → {target}")
    if duplicate_keys:
        top = sorted(k for k in duplicate_keys if k in raw)
        if top:
            report.notes.append(f"duplicate keys, last one kept (as LiteLLM does): {', '.join(top)}")
    report.kept = len(final)
    return Imported(build_sheet(final, as_of=as_of, source=source, where=where), report)
