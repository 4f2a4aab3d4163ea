"""Facts about promptfoo outputs, from the raw JSON with plain ``json`` (no advisor code).

    python promptfoo_facts.py OUT_DIR    (reads OUT_DIR/out.json and out.jsonl, writes OUT_DIR/facts.json)

Per (provider id, prompt): rows, distinct tests (by description, vars and assertions: ``--repeat`` gives
each repeat its own testIdx), repeats, mean score (provider errors, failureReason 2, count 0),
errors, prompt/completion token sums over rows that report any, latency sum over rows with latencyMs > 0.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def rows_of(path: Path) -> list[dict]:
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return json.loads(path.read_text())["results"]["results"]


def facts(path: Path) -> dict:
    rows = rows_of(path)
    prompts: list[str] = []
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        if r["promptId"] not in prompts:
            prompts.append(r["promptId"])
        groups.setdefault((r["provider"]["id"], r["promptId"]), []).append(r)
    out = []
    for (provider, prompt_id), rs in groups.items():
        tests = {
            json.dumps(
                [r["testCase"].get("description"), r["testCase"].get("vars"), r["testCase"].get("assert")],
                sort_keys=True,
            )
            for r in rs
        }
        usage = [((r.get("response") or {}).get("tokenUsage") or {}) for r in rs]
        reported = [u for u in usage if u.get("prompt") or u.get("completion")]
        out.append(
            {
                "provider": provider,
                "prompt_label": rs[0]["prompt"]["label"],
                "prompt_number": prompts.index(prompt_id) + 1,
                "rows": len(rs),
                "tests": len(tests),
                "repeats": len(rs) // len(tests),
                "mean_score": sum(0.0 if r.get("failureReason") == 2 else r["score"] for r in rs) / len(rs),
                "errors": sum(r.get("failureReason") == 2 for r in rs),
                "input_tokens": sum(u["prompt"] for u in reported) if reported else None,
                "output_tokens": sum(u["completion"] for u in reported) if reported else None,
                "latency_ms": sum(r["latencyMs"] for r in rs if r.get("latencyMs")),
            }
        )
    return {"file": path.name, "prompts": len(prompts), "groups": out}


def main() -> None:
    out = Path(sys.argv[1])
    doc = json.loads((out / "out.json").read_text())
    result = {p.name: facts(p) for p in (out / "out.json", out / "out.jsonl")}
    result["version"] = (doc.get("metadata") or {}).get("promptfooVersion")
    (out / "facts.json").write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
