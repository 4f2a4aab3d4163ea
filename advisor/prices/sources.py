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

import orjson
from pydantic import ValidationError

from advisor.errors import InputError
from advisor.prices.sheet import CAPABILITIES, ModelPrice, PriceSheet, Tier

MILLION = Decimal(1_000_000)
#: Per-million rates keep 12 significant digits: more is float noise in the source
#: (``0.0000006000000000000001`` per token), and would show up as phantom repricings.
_CTX = Context(prec=12)

#: LiteLLM modes that are text generation priced per token.
TEXT_MODES = frozenset({"chat", "responses", "completion"})


#: Skip reasons that mean "this model's price is broken", which pull's sanity checks look at.
BAD_RATE_REASONS = frozenset({"invalid rate", "no per-token input/output price", "no prompt/completion price"})
#: The subset where the price is absent (a source may drop a price; a few is churn, many is a broken feed).
MISSING_RATE_REASONS = frozenset({"no per-token input/output price", "no prompt/completion price"})


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
    #: Every key skipped because a rate was bad (negative, NaN, not a number) or absent.
    bad_rates: list[str] = field(default_factory=list)
    #: The keys of ``bad_rates`` whose price is absent rather than invalid.
    missing_rates: list[str] = field(default_factory=list)

    def skip(self, reason: str, key: str) -> None:
        self.skipped[reason] += 1
        ex = self.examples.setdefault(reason, [])
        if len(ex) < 3:
            ex.append(key)
        if reason in BAD_RATE_REASONS:
            self.bad_rates.append(key)
        if reason in MISSING_RATE_REASONS:
            self.missing_rates.append(key)

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


_FLOAT_CACHE: dict[float, Decimal] = {}


def per_token_to_mtok(value: object) -> Decimal:
    """USD per token → USD per million tokens, exactly (``8e-07`` → ``0.8``).

    A float goes through ``str`` first (its shortest repr, which is the JSON
    literal), never through float arithmetic. The same few hundred values recur
    thousands of times in a map, so float conversions are memoised.
    """
    if type(value) is float:
        hit = _FLOAT_CACHE.get(value)
        if hit is None:
            hit = canon(to_decimal(value) * MILLION)
            if len(_FLOAT_CACHE) < 65536:
                _FLOAT_CACHE[value] = hit
        return hit
    return canon(to_decimal(value) * MILLION)


def per_mtok(value: object) -> Decimal:
    """A rate already per million tokens (genai-prices), canonicalised."""
    return canon(to_decimal(value))


def parse_json(data: bytes | str, where: str) -> tuple[Any, set[str]]:
    """Parse JSON; also return top-level keys that appear more than once.

    orjson is fast but silently keeps the last of duplicate keys. The LiteLLM
    map is indented by four spaces, so counting lines that open a top-level key
    is a cheap check; only when that count disagrees with the parsed object
    (duplicates, or another layout) is the file parsed again with a hook that
    names the duplicates.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InputError(where, f"not valid JSON: {exc}") from None
    if not isinstance(parsed, dict) or raw.count(b'\n    "') == len(parsed):
        return parsed, set()
    return _parse_with_hook(raw, where)


def _parse_with_hook(data: bytes, where: str) -> tuple[Any, set[str]]:
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
        return json.loads(data, object_pairs_hook=hook), dupes
    except json.JSONDecodeError as exc:
        raise InputError(where, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
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
    r"\b(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost)"
    r"_above_(\d+)k_tokens\b"
)
_SIMPLE_PROVIDER = re.compile(r"^[a-z0-9_]+$")
#: LiteLLM pseudo-providers that are one billing route (``vertex_ai-anthropic_models`` is Vertex AI).
_ROUTE_PREFIXES = ("vertex_ai-", "text-completion-")
_ROUTES = {"bedrock_converse": "bedrock", "azure_text": "azure", "cohere_chat": "cohere"}
_CAPABILITY_FIELDS = tuple(f"supports_{c}" for c in CAPABILITIES)


def route(provider: str) -> str:
    """The billing route a LiteLLM provider name stands for: ``vertex_ai-language-models`` → ``vertex_ai``."""
    if provider.startswith("vertex_ai-"):
        return "vertex_ai"
    if provider.startswith("text-completion-"):
        return provider.removeprefix("text-completion-")
    return _ROUTES.get(provider, provider)


def token_limit(value: object) -> int | None:
    """A context limit as a positive int (older maps write ``2000000.0``); anything else (0 too) is unknown."""
    if type(value) is int:
        return value if 0 < value <= 10**12 else None
    if type(value) is float:
        return int(value) if 0 < value <= 1e12 and value.is_integer() else None
    return None


def capabilities(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The context limits and ``supports_*`` flags LiteLLM states for an entry (booleans only)."""
    out: dict[str, Any] = {}
    get = entry.get
    for name in ("max_input_tokens", "max_output_tokens"):
        limit = token_limit(get(name))
        if limit is not None:
            out[name] = limit
    for name in _CAPABILITY_FIELDS:
        flag = get(name)
        if flag is True or flag is False:
            out[name] = flag
    return out


def _litellm_tiers(entry: Mapping[str, Any], base: dict[str, Decimal]) -> tuple[Tier, ...]:
    """Long-context tiers from ``*_above_<N>k_tokens`` fields and ``tiered_pricing`` ranges."""
    by_limit: dict[int, dict[str, Decimal]] = {}
    names = " ".join(entry)  # one C-speed scan instead of a regex per field
    if "_above_" in names:
        for m in _LITELLM_TIER.finditer(names):
            limit = int(m.group(2)) * 1000
            by_limit.setdefault(limit, {})[_LITELLM_RATES[m.group(1)]] = per_token_to_mtok(entry[m.group(0)])
    ranges = entry.get("tiered_pricing")
    if isinstance(ranges, list):
        for r in ranges:
            if not isinstance(r, Mapping) or "input_cost_per_token" not in r:
                continue
            span = r.get("range")
            lo = int(to_decimal(span[0])) if isinstance(span, list) and span else 0
            rates = {dst: per_token_to_mtok(r[src]) for src, dst in _LITELLM_RATES.items() if r.get(src) is not None}
            if lo > 0:
                by_limit.setdefault(lo, {}).update(rates)
            else:
                for dst, v in rates.items():
                    base.setdefault(dst, v)
    if not by_limit:
        return ()
    return tuple(
        Tier(
            above_input_tokens=limit,
            input_per_mtok=by_limit[limit].get("input_per_mtok", base["input_per_mtok"]),
            output_per_mtok=by_limit[limit].get("output_per_mtok", base["output_per_mtok"]),
            cached_input_per_mtok=by_limit[limit].get("cached_input_per_mtok"),
            cache_write_per_mtok=by_limit[limit].get("cache_write_per_mtok"),
        )
        for limit in sorted(by_limit)
    )


def _batch_discount(entry: Mapping[str, Any], rates: Mapping[str, Decimal]) -> Decimal | None:
    """1 − batch/list, when the source gives batch input and output rates at one ratio."""
    bi, bo = entry.get("input_cost_per_token_batches"), entry.get("output_cost_per_token_batches")
    li, lo = rates["input_per_mtok"], rates["output_per_mtok"]
    if bi is None or bo is None or not li or not lo:
        return None
    ri, ro = per_token_to_mtok(bi) / li, per_token_to_mtok(bo) / lo
    if canon(ri) != canon(ro) or ri > 1:
        return None
    return canon(1 - ri)


def litellm_entry(
    key: str, entry: Mapping[str, Any], report: ReadReport, aliases: tuple[str, ...] = ()
) -> ModelPrice | None:
    """One LiteLLM map entry as a ModelPrice, or None (with the reason in ``report``)."""
    get = entry.get
    mode = get("mode")
    if mode not in TEXT_MODES:
        report.skip("no mode" if mode is None else f"mode {mode} (not text generation)", key)
        return None
    inp, out = get("input_cost_per_token"), get("output_cost_per_token")
    if inp is None or out is None:
        report.skip("no per-token input/output price", key)
        return None
    try:
        rates = {"input_per_mtok": per_token_to_mtok(inp), "output_per_mtok": per_token_to_mtok(out)}
        if not rates["input_per_mtok"] and not rates["output_per_mtok"]:
            report.skip("priced 0/0 (placeholder or free: not trusted)", key)
            return None
        cached = get("cache_read_input_token_cost")
        if cached is None:
            cached = get("input_cost_per_token_cache_hit")
        if cached is not None:
            rates["cached_input_per_mtok"] = per_token_to_mtok(cached)
        write = get("cache_creation_input_token_cost")
        if write is not None:
            w = per_token_to_mtok(write)
            if w or not rates["input_per_mtok"]:  # 0 means "no separate write fee", not "writes are free"
                rates["cache_write_per_mtok"] = w
        provider = get("litellm_provider")
        return ModelPrice(
            id=key,
            provider=route(provider) if isinstance(provider, str) else None,
            aliases=aliases,
            batch_discount=_batch_discount(entry, rates),
            tiers=_litellm_tiers(entry, rates),
            **rates,  # type: ignore[arg-type]
            **capabilities(entry),
        )
    except (BadRate, ValidationError, TypeError, IndexError, KeyError) as exc:
        report.skip("invalid rate", key)
        if len(report.examples["invalid rate"]) <= 3:
            report.notes.append(f"{key}: {str(exc).splitlines()[0]}")
        return None


def read_litellm(data: bytes | str, *, as_of: dt.date, source: str, where: str) -> Imported:
    """LiteLLM's ``model_prices_and_context_window.json`` as a native sheet (ids are its keys)."""
    raw, dupes = parse_json(data, where)
    return litellm_sheet(raw, as_of=as_of, source=source, where=where, duplicate_keys=dupes)


def _litellm_aliases(raw: Mapping[str, Any]) -> dict[str, list[str]]:
    """Extra names per key: ``alias_of`` stubs, and ``<provider>/<key>`` for bare keys.

    LiteLLM strips ``openai/`` and the like before looking a key up, so eval
    tools write ``openai/gpt-4o`` for the key ``gpt-4o``.
    """
    out: dict[str, list[str]] = {}
    taken: set[str] = set()
    for key, entry in raw.items():
        if not isinstance(entry, dict):
            continue
        target = entry.get("alias_of")
        if isinstance(target, str) and "input_cost_per_token" not in entry:
            out.setdefault(target, []).append(key)
            taken.add(key)
        elif "/" not in key:
            provider = entry.get("litellm_provider")
            if isinstance(provider, str) and _SIMPLE_PROVIDER.match(route(provider)):
                alias = f"{route(provider)}/{key}"
                if alias not in raw and alias not in taken:
                    out.setdefault(key, []).append(alias)
                    taken.add(alias)
    return out


def litellm_sheet(
    raw: Any, *, as_of: dt.date, source: str, where: str, duplicate_keys: set[str] | None = None
) -> Imported:
    if not isinstance(raw, dict):
        raise InputError(where, "not a LiteLLM price map: the top level is not a JSON object")
    report = ReadReport(source="litellm")
    aliases = _litellm_aliases(raw)
    models: list[ModelPrice] = []
    for key, entry in raw.items():
        if key == "sample_spec":
            report.skip("documentation entry (sample_spec)", key)
        elif not isinstance(entry, dict):
            report.skip("entry is not an object", key)
        elif "alias_of" in entry and "input_cost_per_token" not in entry:
            target = entry["alias_of"]
            if not isinstance(raw.get(target), dict) or "input_cost_per_token" not in raw[target]:
                report.skip("alias_of a missing or unpriced model", f"{key} → {target}")
        else:
            price = litellm_entry(key, entry, report, tuple(aliases.get(key, ())))
            if price is not None:
                models.append(price)
    if not models and not any("input_cost_per_token" in e for e in raw.values() if isinstance(e, dict)):
        raise InputError(where, "not a LiteLLM price map: no entry has input_cost_per_token")
    if duplicate_keys:
        top = sorted(k for k in duplicate_keys if k in raw)
        if top:
            report.notes.append(f"duplicate keys, last one kept (as LiteLLM does): {', '.join(top)}")
    report.kept = len(models)
    return Imported(build_sheet(models, as_of=as_of, source=source, where=where), report)
