"""Benchmark: load the full LiteLLM price map and resolve 50 eval model names.

    python bench/bench_prices.py [LITELLM_JSON] [--runs 9]

Reports, in one run, the median time of ``json.load`` of the same file alone
(the floor) beside advisor's read (parse, convert every rate exactly to
Decimal per million tokens, validate, build the sheet) plus resolving 50
names the way eval tools spell them. The aim (issue 4) is within 3x of the floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from pathlib import Path

from advisor.prices.resolve import AmbiguousModel, resolve
from advisor.prices.sources import read_litellm

DEFAULT = (
    Path(__file__).resolve().parent.parent
    / "tests"
    / "data"
    / "pricing"
    / "litellm-model_prices_and_context_window.json"
)

#: 50 names as eval tools write them: bare, provider-prefixed, dated, routed, Bedrock, unknown.
NAMES = [
    "gpt-4o",
    "openai/gpt-4o",
    "gpt-4o-2024-08-06",
    "gpt-4o-mini",
    "openai/gpt-4o-mini-2024-07-18",
    "gpt-4.1",
    "openai/gpt-4.1-mini",
    "gpt-4.1-nano-2025-04-14",
    "o3",
    "openai/o3-2025-04-16",
    "o4-mini",
    "gpt-5",
    "openai/gpt-5-mini",
    "gpt-5-nano-2025-08-07",
    "gpt-5.1",
    "claude-opus-4-5",
    "anthropic/claude-sonnet-4-5",
    "claude-sonnet-4-5-20250929",
    "claude-haiku-4-5",
    "anthropic/claude-haiku-4-5-20251001",
    "gemini/gemini-2.5-pro",
    "gemini/gemini-2.5-flash",
    "gemini-2.5-flash-lite",
    "vertex_ai/gemini-2.5-pro",
    "mistral/mistral-large-latest",
    "mistral/mistral-small-latest",
    "deepseek/deepseek-chat",
    "deepseek/deepseek-reasoner",
    "azure/gpt-4o",
    "azure_ai/grok-4",
    "bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    "anthropic.claude-3-haiku-20240307-v1:0",
    "groq/llama-3.3-70b-versatile",
    "xai/grok-3",
    "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo",
    "fireworks_ai/accounts/fireworks/models/deepseek-v3",
    "cerebras/gpt-oss-120b",
    "openrouter/openai/gpt-4o",
    "GPT-4o",
    "gpt-4-turbo",
    "gpt-3.5-turbo",
    "claude-3-5-haiku-20241022",
    "claude-3-7-sonnet-20250219",
    "command-r-plus",
    "perplexity/sonar",
    "my-finetune-v3",
    "llama-9-secret",
    "gpt-4o-audio-preview-2024-12-17",
    "o1",
    "o3-mini",
]
assert len(NAMES) == 50


def run_ours(data: bytes) -> tuple[int, int]:
    sheet = read_litellm(data, as_of=dt.date(2026, 11, 19), source="bench", where="bench").sheet
    priced = 0
    for name in NAMES:
        try:
            priced += resolve(name, sheet).price is not None
        except AmbiguousModel:
            pass
    return len(sheet.models), priced


def main() -> int:
    p = argparse.ArgumentParser(description="load the LiteLLM map + resolve 50 names vs json.load")
    p.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    p.add_argument("--runs", type=int, default=9)
    args = p.parse_args()
    floor: list[float] = []
    ours: list[float] = []
    ratios: list[float] = []
    models = priced = 0
    for _ in range(args.runs):
        t0 = time.perf_counter()
        with args.path.open("rb") as fh:
            json.load(fh)
        t1 = time.perf_counter()
        models, priced = run_ours(args.path.read_bytes())
        t2 = time.perf_counter()
        floor.append(t1 - t0)
        ours.append(t2 - t1)
        ratios.append((t2 - t1) / (t1 - t0))
    size = args.path.stat().st_size
    print(f"file: {args.path.name} ({size:,} bytes), {args.runs} runs, medians:")
    print(f"  json.load alone                         {statistics.median(floor) * 1000:8.1f} ms")
    print(
        f"  advisor read + resolve 50 names          {statistics.median(ours) * 1000:8.1f} ms"
        f"  ({models} models, {priced}/50 names priced)"
    )
    print(f"  ratio (median of per-run ratios)         {statistics.median(ratios):8.2f}x   (aim: within 3x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
