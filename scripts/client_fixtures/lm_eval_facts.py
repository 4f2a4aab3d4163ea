"""Facts about lm-eval outputs, from the raw files with plain ``json`` (no advisor code).

    python lm_eval_facts.py RUN_DIR    (a folder holding results_<ts>.json and maybe samples_*.jsonl)

Per task and ``metric,filter``: the value and stderr the harness reported, n-samples, and (with
samples) the mean of the per-document values of the rows of that filter and their count.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> None:
    run = Path(sys.argv[1])
    results_path = next(run.glob("results_*.json"))
    doc = json.loads(results_path.read_text())
    ts = results_path.stem.removeprefix("results_")
    tasks = {}
    for task, reported in doc["results"].items():
        metrics = {}
        for key, value in reported.items():
            name, _, flt = key.partition(",")
            if not flt or name.endswith("_stderr"):
                continue
            metrics[key] = {"value": value, "stderr": reported.get(f"{name}_stderr,{flt}")}
        samples = run / f"samples_{task}_{ts}.jsonl"
        if samples.is_file():
            rows = [json.loads(line) for line in samples.read_text().splitlines() if line.strip()]
            for key, m in metrics.items():
                name, _, flt = key.partition(",")
                values = [r[name] for r in rows if r["filter"] == flt and isinstance(r.get(name), (int, float))]
                m["samples"] = len(values)
                m["sample_mean"] = sum(values) / len(values) if values else None
                m["invalid"] = sum(r["filtered_resps"] == ["[invalid]"] for r in rows if r["filter"] == flt)
        tasks[task] = {"metrics": metrics, "n": doc["n-samples"][task]["effective"]}
    facts = {
        "model_name": doc.get("model_name"),
        "lm_eval_version": doc.get("lm_eval_version"),
        "results_file": results_path.name,
        "tasks": tasks,
    }
    (run / "facts.json").write_text(json.dumps(facts, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
