"""Per (model, task) aggregates as CSV or JSONL: for samples that live in a warehouse.

Why this module exists: at scale, samples are aggregated where they live
(DuckDB, Spark, BigQuery) and only the per (model, task) statistics come out.
This reader validates those rows strictly (one clear error naming the file and
line) and hands them on as an ``AggregateTable`` riding on an empty
``SampleTable``, so the loader, ``advisor data`` and the ranking treat the file
like any other source. Columns are documented in docs/formats.md
("Aggregates"); any other column is an error, so a typo is not ignored.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from advisor.errors import InputError
from advisor.ingest import common
from advisor.records.aggregates import (
    LATENCY_KEYS,
    MODEL_LEVEL,
    TOKEN_KEYS,
    AggregateRow,
    AggregateTable,
    ModelRow,
    join,
)
from advisor.records.samples import FAILURE_KINDS, SampleTable, empty_table

NAME = "aggregates"

REQUIRED = ("model", "task", "n", "mean")
LATENCY = {f"latency_{k}_ms": k for k in LATENCY_KEYS}
TOKENS = {f"{k}_mean": k for k in TOKEN_KEYS}
FAILURES = {f"failures_{k}": k for k in FAILURE_KINDS}
KNOWN = frozenset((*REQUIRED, "sd", "se", *LATENCY, *TOKENS, "cost_usd_mean", *FAILURES))
#: sd and se given together must agree to this relative tolerance (rounding in the warehouse).
_AGREE = 1e-6


def sniff(path: Path, head: bytes) -> bool:
    """A JSONL whose first object, or a CSV whose header, has ``n`` and ``mean`` but no ``sample_id``."""
    keys = common.first_record_keys(head)
    return keys is not None and {"model", "task", "n", "mean"} <= keys and "sample_id" not in keys


def read(path: Path) -> SampleTable:
    data = common.read_bytes(path)
    body = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if path.suffix.lower() != ".csv" and body[:1] == b"{":
        records = common.jsonl_rows(data, path)
        for line, row in records:
            if type(row) is not dict:
                raise InputError(f"{path}:{line}", "expected a JSON object on each line")
    else:
        records = _csv_records(path, data)
    if not records:
        raise InputError(path, "no rows in this file")
    rows: list[AggregateRow] = []
    model_rows: list[ModelRow] = []
    for line, record in records:
        parsed = parse_row(record, str(path), f"{path}:{line}")
        (model_rows if isinstance(parsed, ModelRow) else rows).append(parsed)  # type: ignore[arg-type]
    if not rows:
        raise InputError(path, "no (model, task) rows in this file, only model-level rows")
    agg = join([AggregateTable(tuple(rows), tuple(model_rows), (str(path),))])
    return empty_table(agg)


def _csv_records(path: Path, data: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text") from None
    # strict: an unbalanced quote is an error, not a field that swallows the rest of the file
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
        twice = next((h for i, h in enumerate(header) if h in header[:i]), None)
        if twice is not None:
            raise InputError(f"{path}:1", f"column {twice!r} appears twice in the header")
        out: list[tuple[int, dict[str, Any]]] = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise InputError(f"{path}:{reader.line_num}", f"{len(values)} fields, but the header has {len(header)}")
            out.append((reader.line_num, {h: (v.strip() or None) for h, v in zip(header, values, strict=True)}))
    except csv.Error as exc:
        raise InputError(f"{path}:{reader.line_num}", f"not valid CSV ({exc})") from None
    return out


def parse_row(record: dict[str, Any], source: str, where: str) -> AggregateRow | ModelRow:
    """Validate one row (CSV strings or JSON values); an InputError at ``where`` for the first problem."""
    unknown = sorted(k for k in record if k not in KNOWN)
    if unknown:
        raise InputError(where, f"unknown column {unknown[0]!r} (known: {', '.join(sorted(KNOWN))})")

    def fail(message: str) -> InputError:
        return InputError(where, message)

    model = _text(record.get("model"), "model", fail)
    task = _text(record.get("task"), "task", fail)
    latency = {key: v for col, key in LATENCY.items() if (v := _number(record.get(col), col, fail)) is not None}
    order = [latency[k] for k in LATENCY_KEYS if k in latency]
    if order != sorted(order):
        raise fail("latency percentiles must not decrease (p50 ≤ p95 ≤ p99)")
    if task == MODEL_LEVEL:
        extra = [k for k, v in record.items() if v is not None and k not in ("model", "task", *LATENCY)]
        if extra or not latency:
            raise fail(
                f"a model-level row (task {MODEL_LEVEL!r}) carries only latency_p50_ms, latency_p95_ms "
                "and latency_p99_ms" + (f" (found {extra[0]!r})" if extra else "")
            )
        return ModelRow(model, latency, source, where)
    n = _count(record.get("n"), "n", fail, required=True)
    assert n is not None
    if n < 1:
        raise fail(f"n must be at least 1, got {n}")
    mean = _number(record.get("mean"), "mean", fail, required=True, signed=True)
    assert mean is not None
    if not 0.0 <= mean <= 1.0:
        raise fail(f"mean {mean:g} is outside [0, 1] (scores are in [0, 1])")
    sd = _number(record.get("sd"), "sd", fail)
    se = _number(record.get("se"), "se", fail)
    if sd is None and se is None:
        raise fail("give sd (standard deviation over the n samples, ddof 1) or se (standard error)")
    from_sd = sd / math.sqrt(n) if sd is not None else None
    if se is not None and from_sd is not None and abs(se - from_sd) > _AGREE * max(se, from_sd) + 1e-12:
        raise fail(f"sd and se disagree: sd/√n = {from_sd:.6g}, se = {se:.6g}")
    tokens = {key: v for col, key in TOKENS.items() if (v := _number(record.get(col), col, fail)) is not None}
    parts = tokens.get("cached_input_tokens", 0.0) + tokens.get("cache_write_tokens", 0.0)
    if parts and parts > tokens.get("input_tokens", math.inf) * (1 + 1e-9):
        raise fail("cached + cache-write token means exceed input_tokens_mean (input includes cached)")
    if tokens.get("reasoning_tokens", 0.0) > tokens.get("output_tokens", math.inf) * (1 + 1e-9):
        raise fail("reasoning_tokens_mean exceeds output_tokens_mean (output includes reasoning)")
    failures = {kind: c for col, kind in FAILURES.items() if (c := _count(record.get(col), col, fail)) is not None}
    for kind, count in failures.items():
        if count > n:
            raise fail(f"failures_{kind} {count} exceeds n {n}")
    if sum(failures.values()) > n:
        raise fail(f"failure counts add up to {sum(failures.values())}, more than n {n}")
    spread = se if se is not None else from_sd
    assert spread is not None
    return AggregateRow(
        model=model,
        task=task,
        n=n,
        mean=mean,
        se=spread,
        sd=sd,
        latency=latency,
        tokens=tokens,
        cost_usd=_number(record.get("cost_usd_mean"), "cost_usd_mean", fail),
        failures=failures or None,
        source=source,
        where=where,
    )


Fail = Callable[[str], InputError]


def _text(value: Any, name: str, fail: Fail) -> str:
    if type(value) is int:
        return str(value)
    if type(value) is not str or not value.strip():
        raise fail(f"{name} is missing" if value is None or value == "" else f"{name} must be a string")
    return value.strip() if name == "task" else value


def _number(value: Any, name: str, fail: Fail, *, required: bool = False, signed: bool = False) -> float | None:
    """A finite number (non-negative unless ``signed``); CSV strings are parsed, empty is missing."""
    if value is None:
        if required:
            raise fail(f"{name} is missing")
        return None
    if type(value) is str:
        try:
            value = float(value)
        except ValueError:
            raise fail(f"{name} must be a number, got {value!r}") from None
    if type(value) not in (int, float):
        raise fail(f"{name} must be a number, got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise fail(f"{name} {x:g} is not a finite number")
    if x < 0 and not signed:
        raise fail(f"{name} {x:g} is negative")
    return x


def _count(value: Any, name: str, fail: Fail, *, required: bool = False) -> int | None:
    x = _number(value, name, fail, required=required, signed=True)
    if x is None:
        return None
    if x != math.floor(x) or x < 0:
        raise fail(f"{name} must be a non-negative whole number, got {value!r}")
    return int(x)
