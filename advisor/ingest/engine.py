"""The columnar engine (DuckDB), opened only when a reader needs it.

Why this module exists: reading and grouping millions of rows is what an
embedded columnar engine is for; a Python loop over JSON lines is ten times
slower and holds every row as Python objects. DuckDB reads JSONL, CSV and
Parquet (a glob, hive-partitioned folders) in parallel, spills to disk when
memory runs short, and hands columns to numpy without copying them through
Python objects. bench/bench_engine.py measures it against polars and pyarrow
on advisor's own work; docs/scale.md says why it was chosen.

It is imported lazily: ``advisor --help`` and the TUI's first paint on small
files never pay for loading it. Extensions are never downloaded (JSON and
Parquet are built into the wheel), and every path reaches SQL as a bound
parameter, never spliced into the query text.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import duckdb

#: Memory DuckDB may hold before it spills to its temporary folder (advisor's arrays come on top).
MEMORY_LIMIT = os.environ.get("ADVISOR_ENGINE_MEMORY", "2GB")


class EngineError(Exception):
    """The engine refused the input (malformed JSON, a cast it could not make, an unreadable file)."""


@contextlib.contextmanager
def connect() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory database that spills to a private temporary folder (removed after) and never
    fetches extensions."""
    import duckdb

    with tempfile.TemporaryDirectory(prefix="advisor-engine-") as spill:
        con = duckdb.connect(
            ":memory:",
            config={
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
                "memory_limit": MEMORY_LIMIT,
                "temp_directory": spill,
                "preserve_insertion_order": True,
            },
        )
        try:
            con.execute("SET enable_progress_bar = false")
            yield con
        finally:
            con.close()


def run(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Execute and fetch all rows; engine errors become ``EngineError``."""
    import duckdb

    try:
        return con.execute(sql, list(params)).fetchall()
    except duckdb.Error as exc:
        raise EngineError(str(exc).split("\n", 1)[0]) from None


def column(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> npt.NDArray[Any]:
    """The one column a query returns, as a numpy array (one column at a time bounds peak memory)."""
    import duckdb

    try:
        result = con.execute(sql, list(params)).fetchnumpy()
    except duckdb.Error as exc:
        raise EngineError(str(exc).split("\n", 1)[0]) from None
    values = next(iter(result.values()))
    if isinstance(values, np.ma.MaskedArray):  # NULLs; callers coalesce them, this is a safety net
        raise EngineError("unexpected NULL in a column advisor reads")
    return np.asarray(values)


def quote_identifier(name: str) -> str:
    """A column name for SQL (names come from advisor's own list, but quote anyway)."""
    return '"' + name.replace('"', '""') + '"'


class Rows:
    """A temporary table ``raw`` of parsed rows, handed to numpy one column at a time.

    ``row`` numbers the rows as the source has them (1, 2, …); parallel parsing may store
    them in another order, so every column comes back permuted into source order.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, n: int) -> None:
        self.con = con
        self.perm: npt.NDArray[np.int64] | None = None
        row = column(con, "SELECT row FROM raw")
        if not np.array_equal(row, np.arange(1, n + 1)):
            perm = np.argsort(row, kind="stable")
            if not np.array_equal(row[perm], np.arange(1, n + 1)):
                raise EngineError("row numbers are not 1..n")
            self.perm = perm

    def column(self, expr: str) -> npt.NDArray[Any]:
        values = column(self.con, f"SELECT {expr} FROM raw")
        return values if self.perm is None else values[self.perm]

    def texts(self, name: str) -> list[str | None] | None:
        """Free text (NULL: none) in source order; None when no row has any."""
        if not run(self.con, f"SELECT count({quote_identifier(name)}) FROM raw")[0][0]:
            return None
        values = [r[0] for r in run(self.con, f"SELECT {quote_identifier(name)} FROM raw")]
        return values if self.perm is None else [values[i] for i in self.perm]

    def categories(self, name: str, decode: Callable[[str, Any], str]) -> tuple[tuple[str, ...], npt.NDArray[np.int32]]:
        """Distinct values of column ``name`` in first-seen order and each row's code, by hash.

        Hashing keeps strings inside DuckDB (a million Python strings cost more than the parse);
        a hash shared by two different values is detected, never silently merged.
        """
        col = quote_identifier(name)
        rows = run(self.con, f"SELECT hash({col}), {col} FROM raw GROUP BY {col} ORDER BY min(row)")
        if len({h for h, _ in rows}) != len(rows):
            raise EngineError(f"two values of {name} share a hash")
        values = tuple(decode(name, v) for _, v in rows)
        if len(set(values)) != len(values):
            raise EngineError(f"two spellings of one {name}")
        keys = np.asarray([h for h, _ in rows], dtype=np.uint64)
        order = np.argsort(keys)
        codes = order[np.searchsorted(keys[order], self.column(f"hash({col})"))].astype(np.int32)
        return values, codes
