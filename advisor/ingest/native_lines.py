"""The native format read line by line in Python: exact about every bad line.

Why this module exists: the columnar engine (``native_columnar``) reads big
files fast, but it cannot say which line of a file is bad the way a person
needs it (line numbers that count blank lines, the field and its value). This
reader can. ``native`` uses it for small files (where starting the engine
costs more than the parse) and, for big ones, whenever the engine's pass finds
anything wrong: then this reader names the first bad line. The columns and
their rules are documented in docs/formats.md ("advisor's native format").
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import orjson

from advisor.errors import InputError
from advisor.ingest import common
from advisor.records.samples import NO_OUTCOME, OPTIONAL_NUMBERS, OUTCOME_CODE, OUTCOMES, SampleTable, build

_NUMBER_TYPES = {int, float, type(None)}

REQUIRED = ("model", "task", "sample_id", "score")
TEXT_COLUMNS = ("response", "error")
OPTIONAL = ("epoch", "outcome", *OPTIONAL_NUMBERS, *TEXT_COLUMNS)
KNOWN = frozenset(REQUIRED + OPTIONAL)
NAME = "native"


BOM = b"\xef\xbb\xbf"


def is_csv(path: Path, head: bytes) -> bool:
    """CSV by name, or by content when the first character is not a JSON one."""
    return path.suffix.lower() == ".csv" or head.lstrip(BOM + b" \t\r\n")[:1] not in (b"{", b"[")


def read(path: Path) -> SampleTable:
    data = common.read_bytes(path)
    if is_csv(path, data[:64]):
        return read_csv(path, data)
    return read_jsonl(path, data)


class _Row(msgspec.Struct, forbid_unknown_fields=True):
    """The fast path's schema: msgspec checks types and unknown keys in C.

    Any row it rejects sends its chunk down the dict path, whose messages name
    the line and the field the way the rest of advisor does.
    """

    model: str
    task: str
    sample_id: str | int
    score: float
    epoch: int | None = None
    outcome: str | None = None
    latency_ms: float | None = None
    input_tokens: float | None = None
    output_tokens: float | None = None
    cached_input_tokens: float | None = None
    cache_write_tokens: float | None = None
    reasoning_tokens: float | None = None
    cost_usd: float | None = None
    ttft_ms: float | None = None
    itl_ms: float | None = None
    concurrency: float | None = None
    rate_rps: float | None = None
    start_ms: float | None = None
    response: str | None = None
    error: str | None = None


_DECODE_ROW = msgspec.json.Decoder(_Row).decode

#: Lines parsed at a time: bounds the Python objects alive at once (a million dicts is a gigabyte).
CHUNK_LINES = 1 << 15


class _Columns:
    """Accumulates validated numpy columns chunk by chunk, with shared string codes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.index: dict[str, dict[str, int]] = {k: {} for k in ("model", "task", "sample_id")}
        self.parts: dict[str, list[np.ndarray]] = {k: [] for k in ("model", "task", "sample_id", "score", "place")}
        self.optional: dict[str, list[np.ndarray | None]] = {k: [] for k in (*OPTIONAL_NUMBERS, "epoch", "outcome")}
        self.texts: dict[str, list[Any]] = {}
        self.rows = 0

    def add_dicts(self, rows: list[dict[str, Any]], places: list[int], shapes: set[tuple[str, ...]]) -> None:
        n = len(rows)
        present = set().union(*map(set, shapes))
        if len(shapes) == 1:  # every row has the same keys

            def col(name: str) -> Sequence[Any]:
                return list(map(itemgetter(name), rows)) if name in present else [None] * n
        else:

            def col(name: str) -> Sequence[Any]:
                return [r.get(name) for r in rows]

        self._add(n, col, present, places)

    def add_structs(self, rows: list[_Row], places: list[int]) -> None:
        n = len(rows)
        columns = {name: list(map(attrgetter(name), rows)) for name in _Row.__struct_fields__}
        present = {name for name, values in columns.items() if values.count(None) < n}
        self._add(n, columns.__getitem__, present, places, typed=True)

    def _add(
        self,
        n: int,
        col: Callable[[str], Sequence[Any]],
        present: set[str],
        places: list[int],
        *,
        typed: bool = False,
    ) -> None:
        """Append one chunk; ``typed`` when msgspec has already checked every value's type."""
        path = self.path
        for name, index in self.index.items():
            values = col(name)
            if not typed or name == "sample_id":  # msgspec lets an int sample_id through
                values = _strings(path, name, values, places)
            fresh = dict.fromkeys(values)  # first-seen order, at C speed
            if not fresh.keys() <= index.keys():
                for value in fresh:
                    index.setdefault(value, len(index))
            self.parts[name].append(np.fromiter(map(index.__getitem__, values), np.int32, n))
        self.parts["score"].append(_numbers(path, "score", col("score"), places, typed))
        self.parts["place"].append(np.asarray(places, dtype=np.int32))
        for name in (*OPTIONAL_NUMBERS, "epoch"):
            self.optional[name].append(_numbers(path, name, col(name), places, typed) if name in present else None)
        self.optional["outcome"].append(_outcomes(path, col("outcome"), places) if "outcome" in present else None)
        for name in TEXT_COLUMNS:
            if name in present or name in self.texts:
                values = col(name)
                bad = next((i for i, v in enumerate(values) if v is not None and type(v) is not str), None)
                if bad is not None:
                    raise InputError(f"{path}:{places[bad]}", f"{name} must be a string")
                self.texts.setdefault(name, [None] * self.rows).extend(values)
        for extra in self.texts.values():
            extra.extend([None] * (self.rows + n - len(extra)))
        self.rows += n

    def table(self) -> SampleTable:
        sizes = [a.size for a in self.parts["score"]]

        def joined(name: str, fill: float) -> np.ndarray | None:
            pieces = self.optional[name]
            if all(p is None for p in pieces):
                return None
            return np.concatenate([np.full(k, fill) if p is None else p for p, k in zip(pieces, sizes, strict=True)])

        outcome = joined("outcome", NO_OUTCOME)
        return build(
            model=(tuple(self.index["model"]), np.concatenate(self.parts["model"])),
            task=(tuple(self.index["task"]), np.concatenate(self.parts["task"])),
            sample_id=(tuple(self.index["sample_id"]), np.concatenate(self.parts["sample_id"])),
            score=np.concatenate(self.parts["score"]),
            epoch=joined("epoch", np.nan),
            outcome=outcome.astype(np.int8) if outcome is not None else None,
            numbers={k: v for k in OPTIONAL_NUMBERS if (v := joined(k, np.nan)) is not None},
            texts=self.texts,
            source=str(self.path),
            places=np.concatenate(self.parts["place"]),
        )


def _numbers(path: Path, name: str, values: Sequence[Any], places: list[int], typed: bool = False) -> np.ndarray:
    """Numbers or null; strings and booleans are errors (numpy would convert them silently)."""
    if typed:
        return np.array(values, dtype=np.float64)
    if not set(map(type, values)) <= _NUMBER_TYPES:
        i = next(i for i, v in enumerate(values) if type(v) not in _NUMBER_TYPES)
        raise InputError(f"{path}:{places[i]}", f"{name} must be a number, got {values[i]!r}")
    if name == "score" and None in values:
        raise InputError(f"{path}:{places[values.index(None)]}", "score is missing")
    return np.array(values, dtype=np.float64)


def _outcomes(path: Path, values: Sequence[Any], places: list[int]) -> np.ndarray:
    codes = np.fromiter((OUTCOME_CODE.get(v, -1) if v else NO_OUTCOME for v in values), np.int8, len(values))
    if (codes == -1).any():
        i = int(np.flatnonzero(codes == -1)[0])
        v = values[i]
        what = (
            f"unknown outcome {v!r} (expected one of {', '.join(OUTCOMES)})"
            if type(v) is str
            else (f"outcome must be a string, got {v!r}")
        )
        raise InputError(f"{path}:{places[i]}", what)
    return codes


def read_jsonl(path: Path, data: bytes) -> SampleTable:
    # A UTF-8 byte order mark is accepted, as in CSV (Windows tools write one).
    lines = data.removeprefix(BOM).split(b"\n")
    cols = _Columns(path)
    for start in range(0, len(lines), CHUNK_LINES):
        block = lines[start : start + CHUNK_LINES]
        if b"" in block:  # blank lines (at least the one after the final newline) are skipped
            places = [i for i, line in enumerate(block, start=start + 1) if line.strip()]
            block = [lines[p - 1] for p in places]
        else:
            places = list(range(start + 1, start + 1 + len(block)))
        try:
            cols.add_structs(list(map(_DECODE_ROW, block)), places)
            continue
        except (msgspec.ValidationError, msgspec.DecodeError):
            pass
        try:
            rows: list[Any] = list(map(orjson.loads, block))
        except orjson.JSONDecodeError:
            rows = _parse_lines(path, block, places)
        if not rows:
            continue
        if set(map(type, rows)) != {dict}:
            i = next(i for i, r in enumerate(rows) if type(r) is not dict)
            raise InputError(f"{path}:{places[i]}", "expected a JSON object on each line")
        shapes = set(map(tuple, rows))
        _check_keys(path, rows, places, shapes)
        cols.add_dicts(rows, places, shapes)
    if cols.rows == 0:
        raise InputError(path, "no samples in this file")
    return cols.table()


def _parse_lines(path: Path, body: list[bytes], places: list[int]) -> list[Any]:
    """The slow path: a whitespace-only line is skipped, the first bad line is named."""
    rows: list[Any] = []
    kept: list[int] = []
    for place, line in zip(places, body, strict=True):
        if not line.strip():
            continue
        try:
            rows.append(orjson.loads(line))
        except orjson.JSONDecodeError as exc:
            raise InputError(f"{path}:{place}", f"not valid JSON ({exc.msg})") from None
        kept.append(place)
    places[:] = kept
    return rows


def _check_keys(path: Path, rows: list[dict[str, Any]], places: list[int], shapes: set[tuple[str, ...]]) -> None:
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


def _strings(path: Path, name: str, values: Sequence[Any], places: list[int]) -> Sequence[str]:
    if set(map(type, values)) == {str}:
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


def read_csv(path: Path, data: bytes) -> SampleTable:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text (byte {exc.start})") from None
    # strict: an unbalanced quote is an error, not a field that swallows the rest of the file
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error):
        raise InputError(f"{path}:1", "no CSV header") from None
    twice = next((h for i, h in enumerate(header) if h in header[:i]), None)
    if twice is not None:
        raise InputError(f"{path}:1", f"column {twice!r} appears twice in the header")
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
    cols = _Columns(path)
    cols.add_dicts(rows, places, set(map(tuple, rows)))
    return cols.table()


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
