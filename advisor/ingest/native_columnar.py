"""Big native JSONL and CSV files read by the columnar engine, as strictly as line by line.

Why this module exists: the line reader (``native_lines``) holds every row as
Python objects and takes seconds per million rows. Here DuckDB parses the file
in parallel into a temporary table; one pass of SQL checks every value's JSON
type (a number is a number, not ``"1"`` or ``true``; a name is a string),
codes the outcomes, and hashes the names; numpy receives plain columns and
``records.samples.build`` checks ranges, token parts and duplicates exactly as
for every other reader.

It never guesses: unknown keys stop DuckDB's scan (its schema detection makes
them an error), and whenever this pass finds anything wrong, or the file has
blank lines or multi-line CSV fields (so rows and lines differ), it raises
``NeedsLines`` and ``native`` lets the line reader read the file and name the
bad line. The result is the same table the line reader builds (a test reads
files both ways and compares).
"""

from __future__ import annotations

import contextlib
import csv
import io
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import orjson

from advisor.ingest import engine
from advisor.ingest.native_lines import KNOWN, REQUIRED, TEXT_COLUMNS
from advisor.records.samples import NO_OUTCOME, OPTIONAL_NUMBERS, OUTCOMES, SampleTable, build

if TYPE_CHECKING:
    import duckdb

NUMERIC = ("score", "epoch", *OPTIONAL_NUMBERS)
NAMES = ("model", "task", "sample_id")
#: Bytes read at a time when counting lines.
_CHUNK = 1 << 24


class NeedsLines(Exception):
    """The engine's pass cannot vouch for this file; the line reader must read it."""


def read_jsonl(path: Path) -> SampleTable:
    source = "read_json(?, format='newline_delimited', maximum_depth=1, maximum_object_size=16777216)"
    with Session(path) as s:
        cols = s.describe(source)
        # Values arrive as JSON text. Names stay text: their distinct values are decoded (and
        # type-checked) once each. A number's text casts to DOUBLE; a string, boolean or object
        # fails the cast, which stops the scan (the line reader then names the line).
        exprs = {name: f"{name}::VARCHAR" for name in NAMES}
        exprs.update({name: f"{name}::VARCHAR::DOUBLE" for name in NUMERIC if name in cols})
        if "outcome" in cols:
            exprs["outcome"] = _outcome_code("outcome::VARCHAR", quoted=True)
        for name in TEXT_COLUMNS:
            if name in cols:
                exprs[name] = f"{name}->>'$'"
                exprs[f"bad_{name}"] = f"({name} IS NOT NULL AND ascii({name}) <> 34)"
        columns = s.load(source, exprs, header_lines=0, decode=_decode_json_name)
    return build(**columns)  # after the engine has closed and given back its memory


def read_csv(path: Path, head: bytes) -> SampleTable:
    header = _csv_header(head)
    cols = ", ".join(f"'{h}': 'VARCHAR'" for h in header)
    source = (
        f"read_csv(?, header=true, auto_detect=false, columns={{{cols}}}, delim=',', quote='\"', escape='\"', "
        "strict_mode=true, null_padding=false, max_line_size=16777216)"
    )
    with Session(path) as s:
        exprs = {name: f"NULLIF(trim({name}), '')" for name in NAMES}
        exprs.update({f"bad_{name}": f"NULLIF(trim({name}), '') IS NULL" for name in NAMES})
        for name in NUMERIC:
            if name in header:
                value = f"NULLIF(trim({name}), '')"
                exprs[name] = f"TRY_CAST({value} AS DOUBLE)"
                exprs[f"bad_{name}"] = f"({value} IS NOT NULL AND TRY_CAST({value} AS DOUBLE) IS NULL)"
        if "outcome" in header:
            exprs["outcome"] = _outcome_code("NULLIF(trim(outcome), '')", quoted=False)
        for name in TEXT_COLUMNS:
            if name in header:
                exprs[name] = f"NULLIF({name}, '')"
        columns = s.load(source, exprs, header_lines=1, decode=_decode_csv_name)
    return build(**columns)


_NUMBER_STARTS = ", ".join(str(ord(c)) for c in "-0123456789")


def _csv_header(head: bytes) -> list[str]:
    """The header of a CSV whose header the line reader would accept; else ``NeedsLines``."""
    first = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    try:
        header = [h.strip() for h in next(csv.reader(io.StringIO(first.decode("utf-8")), strict=True))]
    except (UnicodeDecodeError, StopIteration, csv.Error):
        raise NeedsLines from None
    if len(set(header)) != len(header) or not set(header) <= KNOWN or not set(REQUIRED) <= set(header):
        raise NeedsLines
    if any(not h.isidentifier() for h in header):
        raise NeedsLines
    return header


def _outcome_code(value: str, *, quoted: bool) -> str:
    """Outcome names as codes; NO_OUTCOME when absent, -1 when unknown (the line reader names it)."""
    q = '"' if quoted else ""
    cases = " ".join(f"WHEN {value} = '{q}{kind}{q}' THEN {code}" for code, kind in enumerate(OUTCOMES))
    empty = f"WHEN {value} = '{q}{q}' THEN {NO_OUTCOME} " if quoted else ""
    return f"CASE WHEN {value} IS NULL THEN {NO_OUTCOME} {cases} {empty}ELSE -1 END"


def _decode_json_name(name: str, text: str | None) -> str:
    """A name's JSON text as the line reader reads it: a string (or, for sample_id, an integer)."""
    value = orjson.loads(text) if text is not None else None
    if type(value) is str or (name == "sample_id" and type(value) is int):
        return str(value)
    raise NeedsLines


def _decode_csv_name(name: str, text: str | None) -> str:
    if text is None:
        raise NeedsLines
    return text


class Session:
    """One file's pass through the engine: a temporary table, checks, then columns for numpy."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stack = contextlib.ExitStack()
        self.con: duckdb.DuckDBPyConnection | None = None

    def __enter__(self) -> Session:
        self.con = self.stack.enter_context(engine.connect())
        return self

    def __exit__(self, *exc: object) -> None:
        self.stack.close()

    @property
    def db(self) -> duckdb.DuckDBPyConnection:
        assert self.con is not None
        return self.con

    def describe(self, source: str) -> set[str]:
        # DuckDB detects the keys from a sample of rows; a key outside it stops the full scan later
        """The keys DuckDB found (in its sample of the file): all known, the required ones present."""
        try:
            rows = engine.run(self.db, f"DESCRIBE SELECT * FROM {source}", [str(self.path)])
        except engine.EngineError:
            raise NeedsLines from None
        cols = {r[0] for r in rows}
        if not cols <= KNOWN or not set(REQUIRED) <= cols:
            raise NeedsLines
        return cols

    def load(self, source: str, exprs: dict[str, str], *, header_lines: int, decode: Any) -> dict[str, Any]:
        """Parse into a temporary table, check every flag, then hand numpy one column at a time:
        the arguments of ``records.samples.build``."""
        con, path = self.db, self.path
        select = ", ".join(f"{e} AS {engine.quote_identifier(n)}" for n, e in exprs.items())
        lines = _LineCount(path)  # counted while DuckDB parses (file reads release the GIL)
        try:  # ordinality numbers the rows as the file has them, whatever order parallel parsing keeps
            engine.run(
                con,
                f"CREATE TEMP TABLE raw AS SELECT ordinality AS row, {select} FROM {source} WITH ORDINALITY",
                [str(path)],
            )
        except engine.EngineError:
            raise NeedsLines from None  # malformed JSON, an unknown key, a bad CSV row: name its line
        # score is required; NaN or Infinity literals parse as numbers but are not JSON numbers
        flags = [n for n in exprs if n.startswith("bad_")] + ["score IS NULL"]
        flags += [f"isnan({n}) OR isinf({n})" for n in NUMERIC if n in exprs]
        if "outcome" in exprs:
            flags.append("outcome = -1")
        counts = engine.run(con, f"SELECT count(*), count_if({' OR '.join(flags)}) FROM raw")[0]
        n = int(counts[0])
        if n == 0 or counts[1]:
            raise NeedsLines(f"{counts[1]} of {n} rows have a bad value")
        if lines.result() != n + header_lines:
            raise NeedsLines("blank lines or multi-line fields: rows and lines differ")
        try:
            rows = engine.Rows(con, n)
            names = {name: rows.categories(name, decode) for name in NAMES}
        except engine.EngineError:
            raise NeedsLines from None
        numbers = {
            name: rows.column(f"COALESCE({engine.quote_identifier(name)}, 'nan'::DOUBLE)").astype(np.float64)
            for name in NUMERIC
            if name in exprs
        }
        outcome = rows.column("outcome::TINYINT").astype(np.int8) if "outcome" in exprs else None
        texts = {name: t for name in TEXT_COLUMNS if name in exprs and (t := rows.texts(name)) is not None}
        engine.run(con, "DROP TABLE raw")
        score = numbers.pop("score")
        epoch = numbers.pop("epoch", None)
        optional: dict[str, Sequence[float | None] | npt.NDArray[np.float64]] = dict(numbers)
        return dict(
            model=names["model"],
            task=names["task"],
            sample_id=names["sample_id"],
            score=score,
            epoch=epoch,
            outcome=outcome,
            numbers=optional,
            texts=texts,
            source=str(path),
            places=np.arange(1 + header_lines, n + 1 + header_lines, dtype=np.int32),
        )


class _LineCount:
    """Lines in a file, counting a last line without a newline (the line reader's numbering)."""

    def __init__(self, path: Path) -> None:
        self.count = -1
        self.thread = threading.Thread(target=self._count, args=(path,), daemon=True)
        self.thread.start()

    def _count(self, path: Path) -> None:
        count = 0
        last = b"\n"
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(_CHUNK):
                    count += chunk.count(b"\n")
                    last = chunk[-1:]
        except OSError:
            return  # -1 never matches a row count: the line reader reports the problem
        self.count = count + (last != b"\n")

    def result(self) -> int:
        self.thread.join()
        return self.count
