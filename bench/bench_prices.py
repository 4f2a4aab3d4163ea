"""Benchmark: price sheets. Reading the full LiteLLM map, and opening the bundled sheet for a rank.

    python bench/bench_prices.py [LITELLM_JSON] [--runs 9] [--cli-runs 5]

Reports, in one run, medians and ratios against a peer:

1. ``json.load`` of the LiteLLM map alone (the floor) beside advisor's read
   (parse, convert every rate exactly to Decimal per million tokens, validate,
   build the sheet) plus resolving 50 names the way eval tools spell them. The
   aim (issue 4) is within 3x of the floor.
2. The bundled sheet now (every text model, ~3,600 entries, opened through its
   index) against the bundled sheet before full coverage (20 models, kept in
   bench/data/): open it and resolve the demo's eight model names; the full
   sheet parsed whole is shown too (what it would cost without the index).
3. ``load_inputs`` + ``decide`` on the demo workspace with each sheet, and
   ``advisor rank demo`` as a fresh process (startup included) with each
   sheet, runs interleaved. The aim (issue 15): not slower than before.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from advisor.decision.decide import decide, load_inputs
from advisor.files import bundled
from advisor.prices.indexed import open_indexed
from advisor.prices.resolve import AmbiguousModel, resolve
from advisor.prices.select import bundled_sheet_path
from advisor.prices.sheet import PriceSheet, load_sheet
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


#: The bundled sheet before issue 15 (20 curated models), the peer for "not slower".
BEFORE = Path(__file__).resolve().parent / "data" / "before-full-coverage-2026-11-19.toml"
DEMO_NAMES = [
    "openai/gpt-4.1-mini",
    "gemini/gemini-2.5-flash",
    "anthropic/claude-haiku-4-5-20251001",
    "azure/gpt-4o-mini-eu",
    "anthropic/claude-sonnet-4-5-20250929",
    "openai/gpt-4.1",
    "openai/gpt-4.1-nano",
    "openai/o3",
]
DEMO_ALIASES = {"azure/gpt-4o-mini-eu": "gpt-4o-mini"}


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _interleaved(fns: dict[str, Callable[[], object]], runs: int) -> dict[str, list[float]]:
    """Each function ``runs`` times, taking turns, so load on the shared machine hits all alike."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return times


def _open_and_resolve(opener: Callable[[Path], PriceSheet], path: Path) -> Callable[[], object]:
    def run() -> object:
        sheet = opener(path)
        return [resolve(n, sheet, DEMO_ALIASES).price for n in DEMO_NAMES]

    return run


def _row(label: str, ms: float, before: float | None = None, digits: int = 2) -> None:
    ratio = f"  ({ms / before:.2f}x)" if before else ""
    print(f"  {label:<46} {ms:9.{digits}f} ms{ratio}")


def bench_bundled(runs: int, cli_runs: int) -> None:
    now = bundled_sheet_path()
    demo = bundled.demo_workspace()
    count = len(load_sheet(now).models)
    print(f"\nbundled sheet: {now.name} ({count:,} models) vs before full coverage ({BEFORE.name}, 20 models)")
    t = _interleaved(
        {
            "before": _open_and_resolve(load_sheet, BEFORE),
            "now": _open_and_resolve(open_indexed, now),
            "whole": _open_and_resolve(load_sheet, now),
        },
        runs,
    )
    b = _median_ms(t["before"])
    _row("open + resolve the demo's 8 names, before", b)
    _row("the same, now (through the index)", _median_ms(t["now"]), b)
    _row("the same, now parsed whole (no index)", _median_ms(t["whole"]), b)
    t = _interleaved(
        {
            "before": lambda: decide(load_inputs(demo, prices=str(BEFORE))),
            "now": lambda: decide(load_inputs(demo)),
        },
        runs,
    )
    b = _median_ms(t["before"])
    _row("load_inputs + decide on the demo, before", b, digits=1)
    _row("the same, now", _median_ms(t["now"]), b, digits=1)
    if cli_runs <= 0:
        return
    code = "from advisor.cli import main; raise SystemExit(main())"
    cmd = [sys.executable, "-c", code, "rank", str(demo), "--resamples", "0", "--format", "json"]

    def cli(extra: list[str]) -> Callable[[], object]:
        return lambda: subprocess.run([*cmd, *extra], check=True, capture_output=True)

    t = _interleaved({"before": cli(["--prices", str(BEFORE)]), "now": cli([])}, cli_runs)
    b = _median_ms(t["before"])
    _row("advisor rank demo (fresh process), before", b, digits=0)
    _row("the same, now", _median_ms(t["now"]), b, digits=0)


def main() -> int:
    p = argparse.ArgumentParser(description="price sheets: the LiteLLM map vs json.load; the bundled sheet vs before")
    p.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    p.add_argument("--runs", type=int, default=9)
    p.add_argument("--cli-runs", type=int, default=5, help="fresh-process runs of 'advisor rank' (0: skip)")
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
    bench_bundled(args.runs, args.cli_runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
