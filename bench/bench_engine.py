"""advisor on a million (or ten million) samples, beside DuckDB doing the least the same answer needs.

The data: 20 models × 10 tasks × N/200 items, one epoch, with latency, input, cached
and output tokens and a recorded cost (≈ 182 MB of JSONL per million samples), written
by DuckDB into a temp dir, also as Parquet with ``--parquet``. Every measurement is a
whole fresh process (Python start, imports and all), run interleaved ``--runs`` times;
the table shows the median wall time, the largest peak memory (VmHWM) and the ratio to
the peer:

  peer      DuckDB ``read_json`` (or ``read_parquet``) + a group-by of the per (model, task)
            aggregates a ranking needs: mean, sd, n, p95 latency, mean tokens and cost.
  rank -0   ``advisor rank --resamples 0 --format json``: read, validate, price, rank.
  rank      ``advisor rank --format json``: the same plus the paired bootstrap (1,000 resamples).

``--engines`` adds the candidates measured for advisor's reading work (parse, check types,
code the names, hand numpy the columns): DuckDB (advisor's path), polars and pyarrow.
``--samples 10000000`` is the 10M run (≈ 1.8 GB of JSONL; a few minutes). Re-ranking after
a weight change is timed in-process on the 1M evidence.

Run: python bench/bench_engine.py [--runs 3] [--samples 1000000] [--parquet] [--engines]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODELS, TASKS = 20, 10

GENERATE = """
COPY (
  WITH g AS (
    SELECT m, t, i, random() AS u1, random() AS u2, random() AS u3, random() AS u4
    FROM range({models}) a(m), range({tasks}) b(t), range({items}) c(i)
  )
  SELECT 'model-' || lpad(m::VARCHAR, 2, '0') AS model, 'task-' || t AS task,
         'task-' || t || '-' || i AS sample_id,
         (u1 < 0.6 + 0.015 * m)::INTEGER AS score,
         round(exp(7 + 0.4 * sqrt(-2 * ln(u2 + 1e-12)) * cos(2 * pi() * u3)), 1) AS latency_ms,
         (200 + floor(u4 * 3800))::INTEGER AS input_tokens,
         floor((200 + floor(u4 * 3800)) * u2 * 0.5)::INTEGER AS cached_input_tokens,
         (20 + floor(u3 * 780))::INTEGER AS output_tokens,
         round((200 + floor(u4 * 3800)) * 1e-6, 8) AS cost_usd
  FROM g
) TO '{path}' ({options})
"""

PEER = """
import sys, duckdb
con = duckdb.connect()
reader = "read_parquet(?)" if sys.argv[1].endswith(".parquet") else "read_json(?, format='newline_delimited')"
rows = con.execute(
    "SELECT model, task, avg(score), stddev_samp(score), count(*), quantile_cont(latency_ms, 0.95), "
    "avg(input_tokens), avg(cached_input_tokens), avg(output_tokens), avg(cost_usd) "
    f"FROM {reader} GROUP BY model, task",
    [sys.argv[1]],
).fetchall()
assert len(rows) == 200
"""

RANK = """
import sys
from advisor.cli import main
rc = main(["rank", sys.argv[1], "--format", "json", *sys.argv[2:]])
assert rc == 0
"""

# advisor's reading work done by each candidate: parse, check, names as codes, numpy columns.
READ_DUCKDB = """
import sys
from pathlib import Path
from advisor.ingest import native_columnar
table = native_columnar.read_jsonl(Path(sys.argv[1]))
assert len(table) > 0
"""

READ_POLARS = """
import sys
import polars as pl
schema = {"model": pl.String, "task": pl.String, "sample_id": pl.String, "score": pl.Float64,
          "latency_ms": pl.Float64, "input_tokens": pl.Float64, "cached_input_tokens": pl.Float64,
          "output_tokens": pl.Float64, "cost_usd": pl.Float64}
df = pl.read_ndjson(sys.argv[1], schema=schema)
codes = {c: df[c].cast(pl.Categorical).to_physical().to_numpy() for c in ("model", "task", "sample_id")}
columns = {c: df[c].to_numpy() for c in schema if c not in codes}
assert len(columns["score"]) > 0
"""

READ_PYARROW = """
import sys
import pyarrow as pa, pyarrow.json as pj, pyarrow.compute as pc
schema = pa.schema([("model", pa.string()), ("task", pa.string()), ("sample_id", pa.string()),
                    ("score", pa.float64()), ("latency_ms", pa.float64()), ("input_tokens", pa.float64()),
                    ("cached_input_tokens", pa.float64()), ("output_tokens", pa.float64()), ("cost_usd", pa.float64())])
options = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error")
table = pj.read_json(sys.argv[1], parse_options=options)
codes = {c: pc.dictionary_encode(table[c]).combine_chunks().indices.to_numpy() for c in ("model", "task", "sample_id")}
columns = {c: table[c].to_numpy() for c in schema.names if c not in codes}
assert len(columns["score"]) > 0
"""

#: Appended to every child: its own peak memory (VmHWM, Linux), so the parent's never counts.
PEAK = """
import sys
print(next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")) * 1024, file=sys.stderr)
"""


def generate(folder: Path, samples: int, parquet: bool) -> dict[str, Path]:
    import duckdb

    items = samples // (MODELS * TASKS)
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    out = {"jsonl": folder / "samples.jsonl"}
    con.execute(GENERATE.format(models=MODELS, tasks=TASKS, items=items, path=out["jsonl"], options="FORMAT json"))
    if parquet:
        out["parquet"] = folder / "samples.parquet"
        con.execute(f"COPY (SELECT * FROM read_json('{out['jsonl']}')) TO '{out['parquet']}' (FORMAT parquet)")
    for kind, path in out.items():
        ws = folder / f"ws-{kind}"
        ws.mkdir()
        (ws / "advisor.toml").write_text(
            f'name = "bench"\nresults = ["{path}"]\nprices = "bundled"\nprofile = "balanced"\n'
        )
    return out


def measure(code: str, *args: str) -> tuple[float, float]:
    """(wall seconds, peak bytes) of one fresh process running ``code``."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code + PEAK, *args], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if out.returncode:
        raise SystemExit(f"failed: {out.stderr.strip().splitlines()[-1:]}")
    return wall, float(out.stderr.strip().splitlines()[-1])


def rerank_ms(path: Path) -> float:
    from advisor.decision.rank import rank
    from advisor.evidence.gather import gather
    from advisor.ingest import native
    from advisor.inputs.profiles import Constraints, load_profile

    evidence = gather(native.read(path), None)
    profile = load_profile("balanced").model_copy(update={"constraints": Constraints()})
    times = []
    for i in range(50):
        p = profile.with_weights(accuracy=1 + i % 5, cost=2)
        t0 = time.perf_counter()
        rank(evidence, p)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def table(title: str, rows: dict[str, list[tuple[float, float]]], peer: str) -> None:
    med = {k: statistics.median(t for t, _ in v) for k, v in rows.items()}
    mem = {k: max(m for _, m in v) for k, v in rows.items()}
    print(f"\n{title}")
    print(f"  {'':30} {'median s':>9} {'× peer':>7} {'peak MB':>8} {'× peer':>7}")
    for k in rows:
        print(
            f"  {k:30} {med[k]:9.2f} {med[k] / med[peer]:7.2f} {mem[k] / 1e6:8.0f} {mem[k] / mem[peer]:7.2f}"
            f"   runs: {', '.join(f'{t:.2f}' for t, _ in rows[k])}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--samples", type=int, default=1_000_000)
    ap.add_argument("--parquet", action="store_true", help="also read the same samples as one Parquet file")
    ap.add_argument("--engines", action="store_true", help="also time DuckDB, polars and pyarrow on the reading work")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="advisor-bench-") as tmp:
        folder = Path(tmp)
        files = generate(folder, args.samples, args.parquet)
        sizes = ", ".join(f"{k} {p.stat().st_size / 1e6:,.0f} MB" for k, p in files.items())
        print(f"{args.samples:,} samples ({MODELS} models × {TASKS} tasks × {args.samples // 200:,} items): {sizes}")
        for kind, path in files.items():
            ws = str(folder / f"ws-{kind}")
            work = {
                f"DuckDB read + group-by ({kind})": (PEER, str(path)),
                "advisor rank --resamples 0": (RANK, ws, "--resamples", "0"),
                "advisor rank (1,000 resamples)": (RANK, ws),
            }
            if args.engines and kind == "jsonl":
                work |= {
                    "read: DuckDB (advisor's path)": (READ_DUCKDB, str(path)),
                    "read: polars": (READ_POLARS, str(path)),
                    "read: pyarrow": (READ_PYARROW, str(path)),
                }
            rows: dict[str, list[tuple[float, float]]] = {k: [] for k in work}
            for _ in range(args.runs):  # interleaved, so machine noise hits all of them alike
                for name, (code, *argv) in work.items():
                    rows[name].append(measure(code, *argv))
            table(f"{kind}, median of {args.runs} whole processes", rows, f"DuckDB read + group-by ({kind})")
        if args.samples <= 1_000_000:
            print(f"\nre-rank after a weight change (in-process, 20 models): {rerank_ms(files['jsonl']):.2f} ms")


if __name__ == "__main__":
    main()
