"""Parquet input: one file, a hive-partitioned folder, a workspace glob; bad files name file and row.

The files are written by DuckDB (advisor's engine, the same writer as a lake's ``COPY … TO``), from
rows that are also written as JSONL, so the Parquet read is checked against the native reader.
The 10-million-row run is in bench/bench_engine.py (``--parquet``), not here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest

from advisor.cli import main
from advisor.errors import InputError
from advisor.ingest import detect, native_lines, parquet
from advisor.ingest.load import load_paths
from tests.helpers import write_jsonl


def rows(n: int = 240) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        row: dict[str, Any] = {
            "model": f"m{i % 3}",
            "task": ["a", "b"][i % 2],
            "sample_id": f"s{i // 6}",
            "score": [0.0, 1.0, 0.5][i % 3],
            "epoch": 0,
            "latency_ms": 100.0 + i,
            "input_tokens": 1000 + i,
            "output_tokens": 50,
        }
        if i % 4 == 0:
            row["outcome"] = "refusal" if row["score"] == 0 else "ok"
        out.append(row)
    return out


def to_parquet(src: Path, dst: Path, *, partition: str | None = None, select: str = "*") -> Path:
    con = duckdb.connect()
    # explicit types: what a warehouse writes (integers as BIGINT, strings as VARCHAR)
    query = f"SELECT {select} FROM read_json(?, format='newline_delimited')"
    options = f"FORMAT parquet, PARTITION_BY ({partition})" if partition else "FORMAT parquet"
    con.execute(f"COPY ({query}) TO '{dst}' ({options})", [str(src)])
    con.close()
    return dst


def same(a: Any, b: Any) -> None:
    """Equal as samples: the same rows by (model, task, sample_id, epoch), in any order."""

    def keyed(t: Any) -> dict[tuple[str, str, str, int], tuple[float, ...]]:
        out = {}
        for i in range(len(t)):
            key = (t.models[t.model[i]], t.tasks[t.task[i]], t.sample_ids[t.sample[i]], int(t.epoch[i]))
            out[key] = (t.score[i], int(t.outcome[i]), *(t.numbers[k][i] for k in sorted(t.numbers)))
        return out

    ka, kb = keyed(a), keyed(b)
    assert ka.keys() == kb.keys()
    for k in ka:
        np.testing.assert_array_equal(ka[k], kb[k])


def test_one_file_reads_like_the_jsonl(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "s.jsonl", rows())
    path = to_parquet(src, tmp_path / "s.parquet")
    assert detect.importer_for(path) is parquet
    table = parquet.read(path)
    same(table, native_lines.read(src))
    assert table.where(5) == f"{path}:6"  # the row, 1-based


def test_hive_partitioned_folder(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "s.jsonl", rows())
    lake = to_parquet(src, tmp_path / "lake", partition="model, task")
    assert (lake / "model=m1" / "task=b").is_dir()
    assert detect.importer_for(lake) is parquet
    table = parquet.read(lake)
    same(table, native_lines.read(src))
    assert len(table.sources) == 6 and all("model=" in s for s in table.sources)


def test_files_with_different_optional_columns(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "s.jsonl", rows(12))
    lake = tmp_path / "lake"
    lake.mkdir()
    to_parquet(src, lake / "a.parquet", select="model, task, sample_id, score, latency_ms")
    src2 = write_jsonl(tmp_path / "t.jsonl", [dict(r, task="c", sample_id=f"c{i}") for i, r in enumerate(rows(12))])
    to_parquet(src2, lake / "b.parquet", select="model, task, sample_id, score, input_tokens")
    table = parquet.read(lake)
    c = table.task == table.tasks.index("c")
    assert np.isnan(table.numbers["latency_ms"][c]).all() and not np.isnan(table.numbers["input_tokens"][c]).any()


def test_integer_sample_ids_and_float32_scores(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "s.jsonl", [dict(r, sample_id=i) for i, r in enumerate(rows(9))])
    path = to_parquet(
        src, tmp_path / "s.parquet", select="model, task, sample_id::INTEGER AS sample_id, score::FLOAT AS score"
    )
    table = parquet.read(path)
    assert table.sample_ids[:3] == ("0", "1", "2") and table.score.dtype == np.float64


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ("CASE WHEN sample_id = 's3' AND model = 'm0' THEN 1.5 ELSE score END AS score", ":", "outside [0, 1]"),
        ("NULL::VARCHAR AS model_x", "", "unknown column 'model_x'"),
        ("'fast' AS latency_ms", "", "column 'latency_ms' has type VARCHAR; expected a number"),
        ("CASE WHEN sample_id = 's2' THEN NULL ELSE model END AS model", ":", "model is missing"),
        ("CASE WHEN sample_id = 's2' THEN 'oops' END AS outcome", ":", "unknown outcome 'oops'"),
        ("CASE WHEN sample_id = 's2' THEN 1e12 END AS input_tokens", ":", "larger than"),
    ],
)
def test_bad_parquet_names_file_and_row(tmp_path: Path, change: str, where: str, message: str) -> None:
    src = write_jsonl(tmp_path / "s.jsonl", rows(60))
    column = change.rsplit(" AS ", 1)[1]
    keep = [c for c in ("model", "task", "sample_id", "score", "epoch") if c != column]
    path = to_parquet(src, tmp_path / "bad.parquet", select=", ".join([*keep, change]))
    with pytest.raises(InputError) as err:
        parquet.read(path)
    line = err.value.line()
    assert line.startswith(f"{path}{where}") and message in line and "\n" not in line, line
    if where:  # the row named is really the bad one
        row = int(line.split(":")[1]) - 1
        con = duckdb.connect()
        bad = con.execute(f"SELECT sample_id FROM read_parquet('{path}') LIMIT 1 OFFSET {row}").fetchone()
        assert bad is not None and bad[0] in ("s2", "s3")


def test_not_parquet(tmp_path: Path) -> None:
    path = tmp_path / "x.parquet"
    path.write_bytes(b"PAR1 but not really")
    with pytest.raises(InputError, match="not readable as Parquet"):
        load_paths([path])


def test_workspace_ranks_a_lake_and_a_glob(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_jsonl(tmp_path / "s.jsonl", rows())
    ws = tmp_path / "ws"
    ws.mkdir()
    to_parquet(src, ws / "lake", partition="model")
    (ws / "advisor.toml").write_text('name = "lake"\nresults = ["lake"]\nprices = "bundled"\nprofile = "balanced"\n')
    assert main(["rank", str(ws), "--format", "json", "--resamples", "50"]) == 0
    ranked = json.loads(capsys.readouterr().out)
    (ws / "advisor.toml").write_text(
        'name = "lake"\nresults = ["lake/*/*.parquet"]\nprices = "bundled"\nprofile = "balanced"\n'
    )
    assert main(["rank", str(ws), "--format", "json", "--resamples", "50"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert [(m["model"], m["score"]) for m in again["models"]] == [(m["model"], m["score"]) for m in ranked["models"]]
    assert again["pick"] == ranked["pick"] and len(ranked["models"]) == 3


def test_the_duckdb_queries_in_docs_scale_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/scale.md's worked example reduces a hive-partitioned lake to files advisor reads."""
    import re

    from advisor.ingest import aggregates

    src = write_jsonl(
        tmp_path / "s.jsonl",
        [
            dict(
                r, epoch=e, outcome="refusal" if r["score"] == 0 and e else None, cached_input_tokens=10, cost_usd=0.01
            )
            for r in rows(60)
            for e in (0, 1)
        ],
    )
    to_parquet(src, tmp_path / "evals", partition="model, task")
    doc = (Path(__file__).resolve().parent.parent / "docs" / "scale.md").read_text()
    per_item, per_task = re.findall(r"```sql\n(COPY.*?)```", doc, re.S)
    monkeypatch.chdir(tmp_path)
    con = duckdb.connect()
    con.execute(per_item)
    con.execute(per_task)
    items = parquet.read(tmp_path / "items.parquet")
    samples = native_lines.read(src)
    assert len(items) == len(samples) // 2 and set(items.models) == set(samples.models)
    assert aggregates.read(tmp_path / "aggregates.csv").aggregates is not None
