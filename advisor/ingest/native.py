"""advisor's own sample format: JSONL (one object a line) or CSV, same column names.

Required: ``model, task, sample_id, score``. Optional: ``epoch, outcome,
latency_ms, input_tokens, output_tokens, cached_input_tokens,
cache_write_tokens, reasoning_tokens, cost_usd`` and the free-text
``response`` and ``error`` (read by failure rules). Any other column is an
error, so a typo such as ``latency`` is not silently ignored.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

import orjson

from advisor.errors import InputError
from advisor.samples import OPTIONAL_NUMBERS, SampleTable, build

REQUIRED = ("model", "task", "sample_id", "score")
TEXT_COLUMNS = ("response", "error")
OPTIONAL = ("epoch", "outcome", *OPTIONAL_NUMBERS, *TEXT_COLUMNS)
KNOWN = frozenset(REQUIRED + OPTIONAL)
NAME = "native"


def sniff(path: Path, head: bytes) -> bool:
    """A JSONL whose first object has the required keys, or a CSV whose header does."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    first = text.lstrip().split("\n", 1)[0]
    if first.startswith("{"):
        try:
            obj = orjson.loads(first)
        except orjson.JSONDecodeError:
            return False
        return isinstance(obj, dict) and all(k in obj for k in REQUIRED)
    header = next(csv.reader(io.StringIO(first)), [])
    return all(k in [h.strip() for h in header] for k in REQUIRED)


def read(path: Path) -> SampleTable:
    data = _read_bytes(path)
    if path.suffix.lower() == ".csv" or not data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return _read_csv(path, data)
    return _read_jsonl(path, data)


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror}") from None
    if not data.strip():
        raise InputError(path, "the file is empty")
    return data


def _read_jsonl(path: Path, data: bytes) -> SampleTable:
    lines = data.split(b"\n")
    places = [i for i, line in enumerate(lines, start=1) if line.strip()]
    body = [lines[i - 1] for i in places]
    try:
        rows: list[Any] = orjson.loads(b"[" + b",".join(body) + b"]")
    except orjson.JSONDecodeError:
        for place, line in zip(places, body, strict=True):
            try:
                orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise InputError(f"{path}:{place}", f"not valid JSON ({exc.msg})") from None
        raise InputError(path, "not valid JSON Lines") from None
    for i, row in enumerate(rows):
        if type(row) is not dict:
            raise InputError(f"{path}:{places[i]}", "expected a JSON object on each line")
    _check_keys(path, rows, places)
    return _columns(path, rows, places)


def _check_keys(path: Path, rows: list[dict[str, Any]], places: list[int]) -> None:
    shapes = set(map(tuple, rows))
    for shape in shapes:
        unknown = [k for k in shape if k not in KNOWN]
        missing = [k for k in REQUIRED if k not in shape]
        if unknown or missing:
            i = next(j for j, r in enumerate(rows) if tuple(r) == shape)
            if missing:
                raise InputError(f"{path}:{places[i]}", f"missing required field {missing[0]!r}")
            raise InputError(
                f"{path}:{places[i]}",
                f"unknown field {unknown[0]!r} (known: {', '.join(REQUIRED + OPTIONAL)})",
            )


def _strings(path: Path, name: str, values: list[Any], places: list[int]) -> list[str]:
    if all(type(v) is str for v in values):
        return values
    out: list[str] = []
    for v, place in zip(values, places, strict=True):
        if type(v) is str:
            out.append(v)
        elif name == "sample_id" and type(v) is int:
            out.append(str(v))
        else:
            raise InputError(f"{path}:{place}", f"{name} must be a string, got {v!r}")
    return out


def _columns(path: Path, rows: list[dict[str, Any]], places: list[int]) -> SampleTable:
    def col(name: str) -> list[Any]:
        return [r.get(name) for r in rows]

    present = set().union(*map(set, set(map(tuple, rows))))
    numbers = {name: col(name) for name in OPTIONAL_NUMBERS if name in present}
    texts = {name: col(name) for name in TEXT_COLUMNS if name in present}
    for name, values in texts.items():
        bad = next((i for i, v in enumerate(values) if v is not None and type(v) is not str), None)
        if bad is not None:
            raise InputError(f"{path}:{places[bad]}", f"{name} must be a string")
    outcome = col("outcome") if "outcome" in present else None
    if outcome is not None:
        bad = next((i for i, v in enumerate(outcome) if v is not None and type(v) is not str), None)
        if bad is not None:
            raise InputError(f"{path}:{places[bad]}", f"outcome must be a string, got {outcome[bad]!r}")
    return build(
        model=_strings(path, "model", col("model"), places),
        task=_strings(path, "task", col("task"), places),
        sample_id=_strings(path, "sample_id", col("sample_id"), places),
        score=col("score"),
        epoch=col("epoch") if "epoch" in present else None,
        outcome=outcome,
        numbers=numbers,
        texts=texts,
        source=str(path),
        places=places,
    )


def _read_csv(path: Path, data: bytes) -> SampleTable:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text (byte {exc.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error):
        raise InputError(f"{path}:1", "no CSV header") from None
    unknown = [h for h in header if h not in KNOWN]
    if unknown:
        raise InputError(f"{path}:1", f"unknown column {unknown[0]!r} (known: {', '.join(REQUIRED + OPTIONAL)})")
    missing = [k for k in REQUIRED if k not in header]
    if missing:
        raise InputError(f"{path}:1", f"missing required column {missing[0]!r}")
    rows: list[dict[str, Any]] = []
    places: list[int] = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            place = reader.line_num
            if len(values) != len(header):
                raise InputError(f"{path}:{place}", f"expected {len(header)} fields, found {len(values)}")
            rows.append(_csv_row(path, place, header, values))
            places.append(place)
    except csv.Error as exc:
        raise InputError(f"{path}:{reader.line_num}", f"malformed CSV ({exc})") from None
    if not rows:
        raise InputError(path, "no samples in this file")
    return _columns(path, rows, places)


def _csv_row(path: Path, place: int, header: list[str], values: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for key, raw in zip(header, values, strict=True):
        value = raw.strip()
        if value == "":
            continue
        if key in ("score", "epoch", *OPTIONAL_NUMBERS):
            try:
                number = float(value)
            except ValueError:
                raise InputError(f"{path}:{place}", f"{key} {value!r} is not a number") from None
            if not math.isfinite(number):
                raise InputError(f"{path}:{place}", f"{key} {value!r} is not a finite number")
            row[key] = number
        else:
            row[key] = raw if key in TEXT_COLUMNS else value
    return row
