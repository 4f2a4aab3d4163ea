"""Import a ~100 MB promptfoo JSON and a ~100 MB Inspect .eval, beside a bare parse of the same bytes.

Both files are made in a temp dir by replicating the real fixtures' samples
(tests/data) under fresh ids. Each measurement runs in its own process so peak
memory (VmHWM, Linux) is that run's own:
  floor — promptfoo: read + orjson.loads; Inspect: zipfile + orjson.loads of
          every member (the least any reader must do);
  ours  — advisor's importer (promptfoo.read / inspect.read), i.e. parse and
          map onto the columnar SampleTable.
Reports medians over --runs, the time ratio ours/floor and peak memory against
the file size. Run: python bench/bench_import.py [--runs 3] [--mb 100].
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
PF = DATA / "promptfoo" / "krystianbergmann__prompt-eval-workbench@2eb71c16" / "promptfoo-results.json"
PF2 = DATA / "promptfoo" / "reDreamAI__measure-ai-drift@cb2be90f" / "promptfoo-results.json"
EVAL = (
    DATA
    / "inspect_ai"
    / "meridianlabs-ai__inspect_scout"
    / "2025-09-23T08-09-58-04-00_popularity_DN2wbX2ZvACsBpjwptzBRo.eval"
)


def build_promptfoo(dst: Path, target: int) -> int:
    doc = json.loads(PF.read_text())
    pool = doc["results"]["results"] + json.loads(PF2.read_text())["results"]["results"]
    per = len(json.dumps(pool).encode()) / len(pool)
    n = int(target / per)
    rows = []
    for i in range(n):
        row = dict(pool[i % len(pool)])
        row["testIdx"] = i
        row["promptIdx"] = 0
        row["provider"] = {
            "id": ["openai:gpt-4o-mini", "python:prompts/patient_provider.py"][i % 2],
            "label": "",
        }
        rows.append(row)
    doc["results"]["results"] = rows
    dst.write_text(json.dumps(doc))
    return n


def build_eval(dst: Path, target: int) -> int:
    with zipfile.ZipFile(EVAL) as z:
        header = z.read("header.json")
        samples = [json.loads(z.read(n)) for n in z.namelist() if n.startswith("samples/")]
    n = 0
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("header.json", header)
        while dst.stat().st_size < target:
            for s in samples:
                s = dict(s, id=f"{s['id']}-{n}")
                out.writestr(f"samples/{s['id']}_epoch_1.json", json.dumps(s))
                n += 1
            out.fp.flush()  # type: ignore[union-attr]
    return n


CHILD = r"""
import sys, time, zipfile
from pathlib import Path
import orjson
kind, which, path = sys.argv[1], sys.argv[2], Path(sys.argv[3])
t0 = time.perf_counter()
if which == "floor":
    if kind == "promptfoo":
        n = len(orjson.loads(path.read_bytes())["results"]["results"])
    else:
        with zipfile.ZipFile(path) as z:
            n = sum(1 for name in z.namelist() if name.startswith("samples/") and orjson.loads(z.read(name)))
else:
    from advisor.ingest import inspect, promptfoo
    n = len((promptfoo if kind == "promptfoo" else inspect).read(path))
dt = time.perf_counter() - t0
# VmHWM belongs to this process image (ru_maxrss would carry the parent's peak across exec)
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(dt, hwm * 1024, n)
"""


def measure(kind: str, which: str, path: Path) -> tuple[float, int, int]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, which, str(path)], check=True, capture_output=True, text=True
    ).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--mb", type=float, default=100)
    args = ap.parse_args()
    target = int(args.mb * 1e6)
    with tempfile.TemporaryDirectory() as tmp:
        files = {"promptfoo": Path(tmp) / "results.json", "inspect": Path(tmp) / "log.eval"}
        counts = {
            "promptfoo": build_promptfoo(files["promptfoo"], target),
            "inspect": build_eval(files["inspect"], target),
        }
        for kind, path in files.items():
            size = path.stat().st_size
            res = {w: [measure(kind, w, path) for _ in range(args.runs)] for w in ("floor", "ours")}
            t = {w: statistics.median(r[0] for r in res[w]) for w in res}
            m = {w: statistics.median(r[1] for r in res[w]) for w in res}
            assert res["ours"][0][2] == counts[kind], (res["ours"][0][2], counts[kind])
            print(
                f"{kind:9s} {size / 1e6:6.1f} MB, {counts[kind]:,} samples | "
                f"floor {t['floor']:.2f} s, {m['floor'] / 1e6:.0f} MB peak | "
                f"ours {t['ours']:.2f} s, {m['ours'] / 1e6:.0f} MB peak | "
                f"time ratio {t['ours'] / t['floor']:.2f}x, memory {m['ours'] / size:.2f}x file "
                f"({m['ours'] / m['floor']:.2f}x floor) [median of {args.runs}]"
            )


if __name__ == "__main__":
    main()
