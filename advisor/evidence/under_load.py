"""Latency under load: per model and load level, from the rows ``advisor probe`` writes.

Why this module exists: the probe prints these figures when it finishes, and
``rank``, the TUI and the memo read them back from the workspace; computing
them in one place from the written rows means both always agree. A probe row
is one request, marked by ``concurrency``; the eval evidence never sees them
(``split``). Per (model, concurrency, rate):

- p50/p95/p99 of TTFT, end-to-end latency and inter-token latency over the
  successful requests (numpy's linear percentiles, as vLLM ``bench serve`` and
  LLMPerf report them; failed requests are counted, not timed);
- output tokens/s = output tokens of the successful requests ÷ the level's
  wall time (first send to last end), and requests/s = successful requests ÷
  the same time (vLLM's "output/request throughput", LLMPerf's "overall
  output throughput");
- errors by kind (``http_429``, ``timeout``, ``disconnected``…) over every
  request sent, as LLMPerf's error rate.
"""

from __future__ import annotations

import math

import numpy as np

from advisor.evidence.from_samples import percentiles
from advisor.evidence.model import LATENCY_OF, LoadLevel
from advisor.records.samples import OUTCOME_CODE, PROBE_MARK, SampleTable


def is_probe(table: SampleTable) -> np.ndarray:
    """Rows written by ``advisor probe``."""
    return ~np.isnan(table.numbers[PROBE_MARK])


def split(table: SampleTable) -> tuple[SampleTable, SampleTable | None]:
    """The eval samples, and the probe rows (None when there are none)."""
    probe = is_probe(table)
    if not probe.any():
        return table, None
    return table.select(~probe), table.select(probe)


def error_kind(outcome: int, error: str | None) -> str:
    """A failed request's kind: ``timeout``, or the prefix of the probe's error text (``http_429``…)."""
    if outcome == OUTCOME_CODE["timeout"]:
        return "timeout"
    if error:
        kind = error.split(":", 1)[0].strip()
        if kind and " " not in kind and len(kind) <= 40:
            return kind
    return "error"


def load_levels(table: SampleTable) -> dict[str, tuple[LoadLevel, ...]]:
    """Per model, its load levels (closed loop by concurrency, then rates), from probe rows."""
    nums = table.numbers
    conc = nums["concurrency"]
    rate = nums["rate_rps"]
    errors = table.texts.get("error")
    out: dict[str, list[LoadLevel]] = {}
    rate_key = np.nan_to_num(rate, nan=-1.0)  # NaN never equals itself: closed loop is -1 here
    keys = sorted(
        {(int(m), float(c), float(r)) for m, c, r in zip(table.model, conc, rate_key, strict=True)},
        key=lambda k: (k[0], k[2] >= 0, k[2], k[1]),
    )
    for model, c, r in keys:
        rows = (table.model == model) & (conc == c) & (rate_key == r)
        idx = np.flatnonzero(rows)
        ok = table.outcome[idx] == OUTCOME_CODE["ok"]
        kinds: dict[str, int] = {}
        for i in idx[~ok]:
            kind = error_kind(int(table.outcome[i]), errors[i] if errors else None)
            kinds[kind] = kinds.get(kind, 0) + 1
        start = nums["start_ms"][idx]
        end = start + nums["latency_ms"][idx]
        duration = (np.nanmax(end) - np.nanmin(start)) / 1000.0 if np.isfinite(end).any() else math.nan
        out_tokens = nums["output_tokens"][idx][ok]
        values = {}
        for key, column in LATENCY_OF.items():
            v = nums[column][idx][ok]
            values[key] = v[~np.isnan(v)]
        timed = duration > 0
        out.setdefault(table.models[model], []).append(
            LoadLevel(
                concurrency=int(c),
                rate=None if r < 0 else r,
                requests=int(idx.size),
                ok=int(ok.sum()),
                errors=dict(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
                duration_s=float(duration),
                output_tokens_per_s=(
                    float(np.nansum(out_tokens) / duration) if timed and (~np.isnan(out_tokens)).any() else None
                ),
                requests_per_s=float(ok.sum() / duration) if timed else 0.0,
                latency={key: percentiles(v) for key, v in values.items()},
                values=values,
            )
        )
    return {name: tuple(levels) for name, levels in out.items()}
