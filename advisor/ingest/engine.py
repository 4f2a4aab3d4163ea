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
from collections.abc import Iterator, Sequence
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
