"""Load + aggregate 1,000,000 native samples, beside the JSON-parse floor and a pandas peer.

Builds 20 models × 10 tasks × 5,000 samples as JSONL in a temp dir, then times
in separate processes (so peak memory is each one's own; library imports are not timed):
  floor  — read the bytes and parse every line with the fastest JSON parser
           installed (orjson and msgspec are both timed; the faster counts);
  peer   — pandas read_json(lines=True) + a groupby of the same aggregates;
  ours   — advisor's native reader + metrics.gather (aggregates incl. pricing);
and the re-rank from cached aggregates after a weight change.
Run: python bench/bench_engine.py [--runs 3]. Reports medians and ratios.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

MODELS = [f"model-{i:02d}" for i in range(20)]
TASKS = [f"task-{i}" for i in range(10)]
ITEMS = 5000


def build(path: Path) -> None:
    rng = np.random.default_rng(7)
    with path.open("w") as fh:
        for m, model in enumerate(MODELS):
            acc = 0.6 + 0.015 * m
            for task in TASKS:
                scores = (rng.random(ITEMS) < acc).astype(int)
                lat = rng.lognormal(7, 0.4, ITEMS).round(1)
                inp = rng.integers(200, 4000, ITEMS)
                cached = (inp * rng.random(ITEMS) * 0.5).astype(int)
                out = rng.integers(20, 800, ITEMS)
                for i in range(ITEMS):
                    fh.write(
                        json.dumps(
                            {
                                "model": model,
                                "task": task,
                                "sample_id": f"{task}-{i}",
                                "score": int(scores[i]),
                                "latency_ms": float(lat[i]),
                                "input_tokens": int(inp[i]),
                                "cached_input_tokens": int(cached[i]),
                                "output_tokens": int(out[i]),
                                "cost_usd": round(float(inp[i]) * 1e-6, 8),
                            }
                        )
                        + "\n"
                    )


# Each snippet is "imports ### timed work": library imports are not part of loading a file.
FLOOR = """
import orjson, sys
###
data = open(sys.argv[1], 'rb').read()
rows = [orjson.loads(line) for line in data.splitlines() if line]
"""

#: msgspec is installed too (advisor's fast path uses it typed); its untyped parse is the other candidate.
FLOOR_MSGSPEC = """
import msgspec, sys
###
data = open(sys.argv[1], 'rb').read()
rows = [msgspec.json.decode(line) for line in data.splitlines() if line]
"""

PEER = """
import sys, pandas as pd
###
df = pd.read_json(sys.argv[1], lines=True)
item = df.groupby(['model', 'task', 'sample_id'])['score'].mean().reset_index()
acc = item.groupby(['model', 'task'])['score'].agg(['mean', 'std', 'count'])
cost = df.groupby(['model', 'task'])['cost_usd'].mean()
lat = df.groupby('model')['latency_ms'].quantile([0.5, 0.95, 0.99])
fails = df.assign(fail=df.score < 1).groupby('model')['fail'].sum()
"""

OURS = """
import sys
from pathlib import Path
from advisor.ingest import native
from advisor.evidence.gather import gather
###
table = native.read(Path(sys.argv[1]))
evidence = gather(table, None)
assert len(evidence.models) == 20
"""


def timed(code: str, path: Path) -> tuple[float, float]:
    imports, work = code.split("###")
    wrapper = (
        "import time, resource\n"
        + imports
        + "\nt0 = time.perf_counter()\n"
        + work
        + "\nprint(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    out = subprocess.run([sys.executable, "-c", wrapper, str(path)], capture_output=True, text=True, check=True)
    seconds, peak_mb = out.stdout.split()[-2:]
    return float(seconds), float(peak_mb)


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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "samples.jsonl"
        build(path)
        size = path.stat().st_size / 1e6
        print(f"file: {size:.0f} MB, {len(MODELS) * len(TASKS) * ITEMS:,} samples")
        results: dict[str, list[tuple[float, float]]] = {"orjson": [], "msgspec": [], "peer": [], "ours": []}
        for _ in range(args.runs):  # interleaved, so machine noise hits all of them alike
            for name, code in (("orjson", FLOOR), ("msgspec", FLOOR_MSGSPEC), ("peer", PEER), ("ours", OURS)):
                results[name].append(timed(code, path))
        med = {k: statistics.median(t for t, _ in v) for k, v in results.items()}
        fastest = min(("orjson", "msgspec"), key=med.__getitem__)
        med["floor"], results["floor"] = med[fastest], results[fastest]
        print(f"floor = {fastest}")
        mem = {k: max(m for _, m in v) for k, v in results.items()}
        for k in ("orjson", "msgspec", "peer", "ours"):
            print(f"{k:>7}: median {med[k]:.2f} s, peak RSS {mem[k]:.0f} MB")
        print(f"ours / floor = {med['ours'] / med['floor']:.2f}×   ours / peer = {med['ours'] / med['peer']:.2f}×")
        print(f"re-rank (20 models, cached aggregates): median {rerank_ms(path):.2f} ms")


if __name__ == "__main__":
    main()
