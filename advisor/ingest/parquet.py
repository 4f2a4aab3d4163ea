"""advisor's native columns as Parquet: one file, or a folder of them (hive-partitioned or not).

Why this module exists: past one machine, samples live in a lake of Parquet
files written by Spark, DuckDB or pandas. advisor reads them where they are:
the same columns as the native JSONL/CSV (docs/formats.md), any numeric type
for numbers, integer or string sample ids; a folder is read whole, and
``model=…/task=…`` partition folders give their columns, to a folder or to one of
its files (their values are strings, as written).
Files may carry different subsets of the optional columns. A bad value is one
error naming the file and the row (1-based) it is in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from advisor.errors import InputError
from advisor.files.reading import regular_size
from advisor.ingest import engine
from advisor.ingest.native_lines import KNOWN, REQUIRED, TEXT_COLUMNS
from advisor.records.samples import NO_OUTCOME, OPTIONAL_NUMBERS, OUTCOMES, SampleTable, build

NAME = "parquet"
MAGIC = b"PAR1"
NUMERIC = ("score", "epoch", *OPTIONAL_NUMBERS)
NAMES = ("model", "task", "sample_id")
_INTEGER = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")
_NUMBER = (*_INTEGER, "FLOAT", "DOUBLE")


def sniff(path: Path, head: bytes) -> bool:
    """A Parquet file (by its magic bytes), or a folder holding Parquet files."""
    if path.is_dir():
        return next(path.rglob("*.parquet"), None) is not None
    return head[:4] == MAGIC


def files(path: Path) -> list[Path]:
    """The Parquet files one read covers: the file itself, or every ``*.parquet`` under the folder."""
    found = sorted(p for p in path.rglob("*.parquet") if not p.name.startswith((".", "_"))) if path.is_dir() else [path]
    if not found:
        raise InputError(path, "no .parquet files in this folder")
    for f in found:
        regular_size(f)
    return found


def read(path: Path) -> SampleTable:
    found = files(path)
    source = (
        "read_parquet(?, union_by_name=true, file_row_number=true, hive_partitioning=true, hive_types_autocast=false)"
    )
    params = [[str(f) for f in found]]
    with engine.connect() as con:
        try:
            types = {r[0]: str(r[1]) for r in engine.run(con, f"DESCRIBE SELECT * FROM {source}", params)}
        except engine.EngineError as exc:
            raise InputError(path, f"not readable as Parquet ({exc})") from None
        types.pop("filename", None)
        types.pop("file_row_number", None)
        _check_schema(path, types)
        exprs = _expressions(types)
        select = ", ".join(f"{e} AS {engine.quote_identifier(n)}" for n, e in exprs.items())
        try:
            engine.run(
                con,
                f"CREATE TEMP TABLE raw AS SELECT ordinality AS row, file_index AS file, "
                f"file_row_number + 1 AS place, {select} FROM {source} WITH ORDINALITY",
                params,
            )
        except engine.EngineError as exc:
            raise InputError(path, f"not readable as Parquet ({exc})") from None
        n = int(engine.run(con, "SELECT count(*) FROM raw")[0][0])
        if n == 0:
            raise InputError(path, "no samples in these files")
        _check_rows(con, exprs, found)
        try:
            rows = engine.Rows(con, n)
            names = {name: rows.categories(name, _as_is) for name in NAMES}
        except engine.EngineError as exc:
            raise InputError(path, f"cannot read the names ({exc})") from None
        numbers: dict[str, npt.NDArray[np.float64]] = {
            name: rows.column(f"COALESCE({name}, 'nan'::DOUBLE)").astype(np.float64)
            for name in NUMERIC
            if name in exprs
        }
        outcome = rows.column("outcome::TINYINT").astype(np.int8) if "outcome" in exprs else None
        texts = {name: t for name in TEXT_COLUMNS if name in exprs and (t := rows.texts(name)) is not None}
        places = rows.column("place").astype(np.int32)
        file_codes = rows.column("file").astype(np.int32)  # file_index: the position in ``found``
    score = numbers.pop("score")
    epoch = numbers.pop("epoch", None)
    optional: dict[str, Any] = dict(numbers)
    return build(
        model=names["model"],
        task=names["task"],
        sample_id=names["sample_id"],
        score=score,
        epoch=epoch,
        outcome=outcome,
        numbers=optional,
        texts=texts,
        source=str(path),
        places=places,
        sources=(tuple(str(f) for f in found), file_codes),
    )


def _check_schema(path: Path, types: dict[str, str]) -> None:
    """Known columns only, the required ones present, each of a type that means what it should."""
    unknown = sorted(set(types) - KNOWN)
    if unknown:
        raise InputError(path, f"unknown column {unknown[0]!r} (known: {', '.join(REQUIRED + _optional())})")
    missing = [k for k in REQUIRED if k not in types]
    if missing:
        raise InputError(path, f"missing required column {missing[0]!r}")
    for name, kind in types.items():
        base = kind.split("(")[0]
        if name in ("model", "task", "outcome", *TEXT_COLUMNS):
            ok = base == "VARCHAR"
        elif name == "sample_id":
            ok = base == "VARCHAR" or base in _INTEGER
        else:
            ok = base in _NUMBER or base == "DECIMAL" or (name == "epoch" and base == "VARCHAR")
        if not ok:
            raise InputError(path, f"column {name!r} has type {kind}; {_expected(name)}")


def _optional() -> tuple[str, ...]:
    return tuple(sorted(KNOWN - set(REQUIRED)))


def _expected(name: str) -> str:
    if name in ("model", "task", "outcome", *TEXT_COLUMNS):
        return "expected text"
    if name == "sample_id":
        return "expected text or an integer"
    return "expected a number"


def _expressions(types: dict[str, str]) -> dict[str, str]:
    exprs: dict[str, str] = {}
    for name in NAMES:
        value = f"{name}::VARCHAR"
        exprs[name] = value
    for name in NUMERIC:
        if name in types:  # epoch may be a partition folder (a string): it must still be a number
            exprs[name] = f"TRY_CAST({name} AS DOUBLE)" if types[name] == "VARCHAR" else f"{name}::DOUBLE"
            if types[name] == "VARCHAR":
                exprs[f"bad_{name}"] = f"({name} IS NOT NULL AND TRY_CAST({name} AS DOUBLE) IS NULL)"
    if "outcome" in types:
        cases = " ".join(f"WHEN '{kind}' THEN {code}" for code, kind in enumerate(OUTCOMES))
        exprs["outcome"] = (
            f"CASE WHEN outcome IS NULL OR outcome = '' THEN {NO_OUTCOME} ELSE CASE outcome {cases} ELSE -1 END END"
        )
        exprs["outcome_text"] = "outcome"
    for name in TEXT_COLUMNS:
        if name in types:
            exprs[name] = name
    return exprs


def _check_rows(con: Any, exprs: dict[str, str], found: list[Path]) -> None:
    """Missing names or scores and unknown outcomes: one error at the first such row (by file and row)."""
    checks = [(f"{n} IS NULL OR {n} = ''", f"{n} is missing") for n in NAMES]
    checks.append(("score IS NULL", "score is missing"))
    checks += [(f"bad_{n}", f"{n} is not a number") for n in NUMERIC if f"bad_{n}" in exprs]
    if "outcome" in exprs:
        checks.append(("outcome = -1", "unknown outcome"))
    for condition, message in checks:
        shown = ", outcome_text" if condition.startswith("outcome") else ""
        hit = engine.run(con, f"SELECT file, place{shown} FROM raw WHERE {condition} ORDER BY file, place LIMIT 1")
        if hit:
            extra = f" {hit[0][2]!r} (expected one of {', '.join(OUTCOMES)})" if shown else ""
            raise InputError(f"{found[int(hit[0][0])]}:{hit[0][1]}", message + extra)


def _as_is(name: str, value: Any) -> str:
    if value is None:
        raise engine.EngineError(f"{name} is missing")
    return str(value)
