"""Regenerate this small fixed workspace (deterministic): python tests/data/memo_ws/make.py"""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: model: (file stem, correct per 10, input, cached, output, latency base ms, failure kinds cycle)
MODELS = {
    "openai/gpt-4o-mini": ("gpt-4o-mini", 7, 1200, 0, 300, 800, ["wrong", "wrong", "malformed"]),
    "deepseek/deepseek-chat": (
        "deepseek-chat",
        8,
        1200,
        600,
        600,
        1000,
        ["wrong", "wrong", "wrong", "malformed"],
    ),
    "anthropic/claude-3-7-sonnet-20250219": (
        "claude-3-7-sonnet",
        9,
        1200,
        0,
        400,
        2500,
        ["refusal", "timeout"],
    ),
}
TASKS = {"extract": 0, "classify": 3}


def main() -> None:
    for model, (stem, k, inp, cached, out, lat, kinds) in MODELS.items():
        lines = []
        fails = 0
        for task, shift in TASKS.items():
            for i in range(40):
                ok = (i * 7 + shift) % 10 < k
                row = {
                    "model": model,
                    "task": task,
                    "sample_id": f"{task}-{i + 1:03d}",
                    "score": 1.0 if ok else 0.0,
                }
                if not ok:
                    row["outcome"] = kinds[fails % len(kinds)]
                    fails += 1
                row["latency_ms"] = lat + (i * 37) % 400
                row["input_tokens"] = inp + (i * 13) % 50
                row["cached_input_tokens"] = cached
                row["output_tokens"] = out + (i * 11) % 60
                lines.append(json.dumps(row, separators=(",", ":")))
        (HERE / "results" / f"{stem}.jsonl").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
