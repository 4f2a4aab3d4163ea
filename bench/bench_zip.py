"""Reading Inspect ``.eval`` zips: a zip bomb refused early, and a real-sized log read, beside a peer.

Builds in a temp dir, for deflate and for Zstandard (method 93, Inspect's default since 0.3.206):
  bomb — a small .eval whose one sample member inflates to 400 MiB of JSON whitespace (under
         the 512 MiB member cap, so only the ratio cap, checked while streaming, can stop it);
  log  — a .eval of 2,000 ordinary samples (about 2 KB of JSON each).
Then times in separate processes (peak RSS is each one's own; imports are not timed):
  peer — ``zipfile.ZipFile.read`` of every sample member and ``orjson.loads`` of each
         (what a reader without caps does; Python 3.14's zipfile, or its backport);
  ours — advisor's Inspect reader (``advisor.ingest.inspect.read``), streamed and capped.
Run: python bench/bench_zip.py [--runs 3]. Reports medians and ratios (time, peak RSS).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from advisor.ingest.common import zipfile

HEADER = {
    "version": 2,
    "status": "success",
    "eval": {"run_id": "r", "task": "bench", "model": "openai/gpt-4o-mini", "dataset": {}, "config": {}},
    "results": {"total_samples": 2000, "scores": [{"name": "match"}]},
}


def build(folder: Path, method: int) -> tuple[Path, Path]:
    tag = "zstd" if method == zipfile.ZIP_ZSTANDARD else "deflate"
    bomb = folder / f"bomb-{tag}.eval"
    with zipfile.ZipFile(bomb, "w", method) as z:
        z.writestr("header.json", json.dumps(HEADER))
        with z.open("samples/1_epoch_1.json", "w", force_zip64=True) as fh:
            fh.write(b"[")
            block = b" " * (1 << 20)
            for _ in range(400):
                fh.write(block)
            fh.write(b"]")
    log = folder / f"log-{tag}.eval"
    with zipfile.ZipFile(log, "w", method) as z:
        z.writestr("header.json", json.dumps(HEADER))
        for i in range(2000):
            sample = {
                "id": i,
                "epoch": 1,
                "input": f"question {i} " * 40,
                "output": {"completion": f"answer {i} " * 40, "choices": []},
                "scores": {"match": {"value": "C" if i % 3 else "I"}},
                "model_usage": {"openai/gpt-4o-mini": {"input_tokens": 300 + i % 50, "output_tokens": 80}},
                "working_time": 1.25,
                "total_time": 1.5,
            }
            z.writestr(f"samples/{i}_epoch_1.json", json.dumps(sample))
    return bomb, log


PEER = """
import sys, time, orjson
from advisor.ingest.common import zipfile
t = time.perf_counter()
try:
    with zipfile.ZipFile(sys.argv[1]) as z:
        n = 0
        for name in z.namelist():
            if name.startswith("samples/"):
                orjson.loads(z.read(name)); n += 1
    out = f"read {n}"
except Exception as exc:
    out = type(exc).__name__
print(time.perf_counter() - t, out)
"""

OURS = """
import sys, time
from advisor.errors import InputError
from advisor.ingest import inspect
t = time.perf_counter()
try:
    out = f"read {len(inspect.read(__import__('pathlib').Path(sys.argv[1])))}"
except InputError as exc:
    out = "refused: " + exc.message[:60]
print(time.perf_counter() - t, out)
"""


def measure(code: str, path: Path) -> tuple[float, float, str]:
    """(seconds, peak RSS MiB, outcome) of one run in a fresh process."""
    wrapper = code + "\nimport resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    done = subprocess.run([sys.executable, "-c", wrapper, str(path)], capture_output=True, text=True, check=True)
    first, rss = done.stdout.strip().splitlines()[-2:]
    seconds, outcome = first.split(" ", 1)
    return float(seconds), float(rss), outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for method in (zipfile.ZIP_DEFLATED, zipfile.ZIP_ZSTANDARD):
            for path in build(Path(tmp), method):
                size = path.stat().st_size / (1 << 20)
                rows = {}
                for name, code in (("peer", PEER), ("ours", OURS)):
                    runs = [measure(code, path) for _ in range(args.runs)]
                    rows[name] = (
                        statistics.median(r[0] for r in runs),
                        statistics.median(r[1] for r in runs),
                        runs[0][2],
                    )
                print(f"{path.name} ({size:.2f} MiB)")
                for name, (sec, rss, outcome) in rows.items():
                    print(f"  {name}: {sec * 1000:8.0f} ms  peak {rss:7.0f} MiB  {outcome}")
                p, o = rows["peer"], rows["ours"]
                print(f"  ours/peer: time {o[0] / p[0]:.2f}x, peak memory {o[1] / p[1]:.2f}x")


if __name__ == "__main__":
    main()
