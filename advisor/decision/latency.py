"""Which latency a model is ranked on: the profile's ``[latency]`` choice applied to its evidence.

Why this module exists: latency can come from the eval samples (one request at
a time, often cached) or from ``advisor probe`` (under load, at the endpoint);
it can be end-to-end or time to first token; a probe has several load levels.
``choose`` makes that choice once per model, so the ranking, its constraints,
the bootstrap and every renderer read the same figures. With ``source =
"auto"`` (the default) a probed model is ranked on its probe and any other on
its samples; ``notes`` says when that mixes sources, or levels, or when the
chosen level had failed requests (percentiles are over the successful ones).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from advisor.evidence.model import LoadLevel, ModelEvidence
from advisor.inputs.profiles import LatencyChoice


@dataclass(frozen=True)
class ChosenLatency:
    value: float | None  # the chosen percentile, ms
    percentiles: dict[str, float] | None  # p50/p95/p99 of the chosen latency
    source: str  # "samples" or "probe"
    level: LoadLevel | None = None
    missing: str | None = None  # why there is no value


def pick_level(levels: tuple[LoadLevel, ...], choice: LatencyChoice) -> LoadLevel | None:
    """The level the choice names; without one, the highest concurrency probed (closed loop)."""
    if choice.rate is not None:
        return next((lv for lv in levels if lv.rate is not None and math.isclose(lv.rate, choice.rate)), None)
    closed = [lv for lv in levels if lv.rate is None]
    if choice.concurrency is not None:
        return next((lv for lv in closed if lv.concurrency == choice.concurrency), None)
    return max(closed, key=lambda lv: lv.concurrency) if closed else None


def choose(ev: ModelEvidence, choice: LatencyChoice) -> ChosenLatency:
    if choice.source == "probe" or (choice.source == "auto" and ev.load):
        if not ev.load:
            return ChosenLatency(None, None, "probe", missing="no probe results (run advisor probe)")
        level = pick_level(ev.load, choice)
        if level is None:
            at = f"{choice.rate:g} req/s" if choice.rate is not None else f"concurrency {choice.concurrency}"
            probed = ", ".join(lv.label() for lv in ev.load)
            return ChosenLatency(None, None, "probe", missing=f"not probed at {at} (probed: {probed})")
        pct = level.latency[choice.of]
        if pct is None:
            return ChosenLatency(None, None, "probe", level, f"no successful probe request at {level.label()}")
        return ChosenLatency(pct[choice.metric], pct, "probe", level)
    pct = ev.ttft_ms if choice.of == "ttft" else ev.latency_ms
    if pct is None:
        return ChosenLatency(
            None, None, "samples", missing="no time to first token in the samples" if choice.of == "ttft" else None
        )
    return ChosenLatency(pct.get(choice.metric), pct, "samples")


def notes(chosen: Mapping[str, ChosenLatency]) -> list[str]:
    """What a reader must know about the latencies being compared."""
    out: list[str] = []
    probed = [n for n, c in chosen.items() if c.source == "probe" and c.value is not None]
    sampled = [n for n, c in chosen.items() if c.source == "samples" and c.value is not None]
    if probed and sampled:
        out.append(
            f"latency of {', '.join(probed)} is from advisor probe (under load), of {', '.join(sampled)} from the "
            "eval samples: not measured the same way"
        )
    levels = {c.level.label() for c in chosen.values() if c.level is not None}
    if len(levels) > 1:
        out.append(
            f"probed models are ranked at different load levels ({', '.join(sorted(levels))}); "
            "set [latency] concurrency"
        )
    for name, c in chosen.items():
        lv = c.level
        if lv is not None and lv.ok < lv.requests:
            kinds = ", ".join(f"{k} {n}" for k, n in lv.errors.items())
            out.append(
                f"{name} at {lv.label()}: {lv.requests - lv.ok} of {lv.requests} probe requests failed ({kinds}); "
                "its latency is over the successful ones"
            )
    return out
