"""What a probe run would cost, from the price sheet, before anything is sent.

Why this module exists: a load test against a paid API is a bill. The
estimate is an upper bound per request: the prompt's input tokens (its
characters ÷ 4, the usual rule of thumb for English; no tokenizer is
guessed) plus ``max_tokens`` output tokens, priced by the sheet (tiers
included). A model the sheet does not price has an unknown cost; whether
that is free (a local server) the probe cannot know, so it asks unless the
endpoint is on this machine.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import httpx
import numpy as np

from advisor.prices.resolve import AmbiguousModel, resolve
from advisor.prices.sheet import PriceSheet, sample_cost_parts
from advisor.probe.client import Messages
from advisor.probe.load import Target

CHARS_PER_TOKEN = 4.0


@dataclass(frozen=True)
class Estimate:
    """One model's estimate: USD per request (None when unpriced) and how it was priced."""

    model: str
    per_request_usd: float | None
    priced_as: str | None
    requests: int | None

    @property
    def total_usd(self) -> float | None:
        if self.per_request_usd is None or self.requests is None:
            return None
        return self.per_request_usd * self.requests


def prompt_tokens(messages: Messages) -> float:
    """Rough input tokens of a prompt: characters ÷ 4, plus a few per message for the chat format."""
    chars = sum(len(str(m.get("content", ""))) for m in messages)
    return chars / CHARS_PER_TOKEN + 4 * len(messages)


def estimate(
    targets: Sequence[Target],
    prompts: Sequence[Messages],
    *,
    max_tokens: int,
    requests_per_model: int | None,
    sheet: PriceSheet | None,
    aliases: Mapping[str, str] | None = None,
) -> list[Estimate]:
    """Per model, the mean USD per request over the prompts (at most ``max_tokens`` out) and the total."""
    inputs = np.asarray([prompt_tokens(p) for p in prompts], dtype=np.float64)
    zeros = np.zeros_like(inputs)
    out: list[Estimate] = []
    for target in targets:
        price = None
        if sheet is not None:
            for name in dict.fromkeys((target.name, target.api_model)):
                try:
                    res = resolve(name, sheet, aliases)
                except AmbiguousModel:
                    continue
                if res.price is not None:
                    price = res.price
                    break
        if price is None:
            out.append(Estimate(target.name, None, None, requests_per_model))
            continue
        parts = sample_cost_parts(
            price,
            input_tokens=inputs,
            output_tokens=np.full_like(inputs, float(max_tokens)),
            cached_input_tokens=zeros,
            cache_write_tokens=zeros,
        )
        per_request = float(np.mean(sum(parts.values())))
        out.append(Estimate(target.name, per_request, price.id, requests_per_model))
    return out


def is_local(url: str) -> bool:
    """Whether the endpoint is on this machine (loopback), where an unpriced model is taken as free."""
    host = httpx.URL(url).host
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def needs_consent(estimates: Sequence[Estimate], url: str) -> bool:
    """Ask before sending when any model is priced above zero, or unpriced on a remote endpoint."""
    for e in estimates:
        if e.per_request_usd is not None and e.per_request_usd > 0:
            return True
        if e.per_request_usd is None and not is_local(url):
            return True
    return False
