"""Generate the bundled demo workspace (``demo/``): synthetic but realistic eval results.

Why this exists: ``advisor rank`` (and the TUI) must show something useful on a
fresh install, before a user has pointed it at their own evals. Real eval
results of eight commercial models on four private tasks are not ours to ship,
so this script makes them up, deterministically, in advisor's native JSONL
format, together with the ``advisor.toml`` that ties them to the bundled price
sheet and the ``balanced`` profile.

The data are shaped so the cases the advisor exists for actually happen:

- ``openai/gpt-4.1`` and ``openai/gpt-4.1-mini`` are statistically tied on
  accuracy (about a point apart, intervals overlapping) at a fivefold cost gap;
- ``gemini/gemini-2.5-flash`` is fast and passes every constraint, while
  ``openai/o3`` (the most accurate, a reasoning model) is excluded by the
  profile's p95 latency ceiling;
- ``openai/gpt-4.1-nano`` is the cheapest but fails badly: silent wrong answers
  and unsafe output above the profile's ``max_unsafe_rate``;
- ``azure/gpt-4o-mini-eu`` is an Azure deployment name that only the
  workspace's ``[aliases]`` table can price.

Items have a shared latent difficulty, so models succeed and fail on the same
items (the comparison is paired). ``sql-generation`` is run three times
(epochs) for some models, so a per-sample clustered standard error matters.
Latency is time-to-first-token plus output tokens over throughput, with a
heavy tail; tokens follow each provider's caching and reasoning conventions,
written in advisor's (OpenAI-style) convention: ``input_tokens`` includes
cached and cache-write tokens, ``output_tokens`` includes reasoning tokens.

Run ``python scripts/make_demo.py`` (optionally ``--out DIR --seed N``). Two
runs with the same seed give byte-identical files.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

SEED = 20261119
ITEMS_PER_TASK = 250
HARNESS_TIMEOUT_MS = 60_000
FAILURE_KINDS = ("wrong", "refusal", "malformed", "error", "timeout", "truncated", "unsafe")
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Task:
    name: str
    #: Shared prompt prefix (system prompt, schema, few-shot examples): the cacheable part.
    prefix_tokens: int
    #: Median of the per-item part of the prompt (ticket, document, question).
    body_tokens: int
    #: Median visible output tokens.
    output_tokens: int
    #: The harness's max output tokens: a truncated answer stops here.
    max_tokens: int
    #: Scored with partial credit (a rubric in tenths) rather than pass/fail.
    partial: bool = False
    #: Multipliers on each failure kind's share for this task.
    kind_bias: dict[str, float] = field(default_factory=dict)


TASKS: tuple[Task, ...] = (
    Task(
        "support-triage",
        prefix_tokens=1450,
        body_tokens=260,
        output_tokens=18,
        max_tokens=64,
        kind_bias={"malformed": 0.4, "truncated": 0.1, "refusal": 1.5, "unsafe": 1.5},
    ),
    Task(
        "json-extraction",
        prefix_tokens=1200,
        body_tokens=1700,
        output_tokens=230,
        max_tokens=1024,
        kind_bias={"malformed": 2.5, "truncated": 1.0, "refusal": 0.5, "unsafe": 0.3},
    ),
    Task(
        "sql-generation",
        prefix_tokens=2600,
        body_tokens=90,
        output_tokens=140,
        max_tokens=512,
        kind_bias={"malformed": 1.5, "truncated": 0.5, "refusal": 0.3, "unsafe": 0.5},
    ),
    Task(
        "summarisation",
        prefix_tokens=700,
        body_tokens=3400,
        output_tokens=170,
        max_tokens=512,
        partial=True,
        kind_bias={"malformed": 0.3, "truncated": 2.0, "refusal": 1.2, "unsafe": 1.2},
    ),
)


@dataclass(frozen=True)
class Model:
    #: As the eval tool wrote it (provider prefix, dated snapshot, deployment name).
    name: str
    provider: str
    #: Target mean score per task, in TASKS order.
    accuracy: tuple[float, float, float, float]
    #: Share of each failure kind among failures, in FAILURE_KINDS order (normalised).
    failure_mix: tuple[float, float, float, float, float, float, float]
    ttft_ms: float
    tokens_per_s: float
    #: Median reasoning tokens per task (0 for non-reasoning models).
    reasoning: tuple[int, int, int, int] = (0, 0, 0, 0)
    #: Log-normal sigma of reasoning length: how much thinking varies from item to item.
    reasoning_spread: float = 0.6
    #: Multiplier on visible output length.
    verbosity: float = 1.0
    #: Epochs of sql-generation (repeats at temperature > 0).
    sql_epochs: int = 1


#: Tokenisers differ: the same prompt is a few percent more tokens for some providers.
TOKENISER = {"openai": 1.0, "azure": 1.0, "anthropic": 1.12, "gemini": 0.96}
#: Share of calls whose prefix was served from the provider's prompt cache.
CACHE_HIT = {"openai": 0.85, "azure": 0.8, "anthropic": 0.92, "gemini": 0.7}

#                         wrong refus malf  error tmout trunc unsafe
MODELS: tuple[Model, ...] = (
    Model(
        "anthropic/claude-sonnet-4-5-20250929",
        "anthropic",
        accuracy=(0.93, 0.92, 0.87, 0.86),
        failure_mix=(0.42, 0.30, 0.05, 0.12, 0.04, 0.06, 0.01),
        ttft_ms=1100,
        tokens_per_s=70,
        verbosity=1.15,
        sql_epochs=3,
    ),
    Model(
        "openai/o3",
        "openai",
        accuracy=(0.93, 0.94, 0.93, 0.86),
        failure_mix=(0.55, 0.05, 0.03, 0.07, 0.25, 0.04, 0.01),
        ttft_ms=1400,
        tokens_per_s=120,
        reasoning=(450, 1100, 1800, 1000),
        sql_epochs=3,
    ),
    Model(
        "openai/gpt-4.1",
        "openai",
        accuracy=(0.91, 0.89, 0.84, 0.83),
        failure_mix=(0.70, 0.05, 0.10, 0.06, 0.03, 0.05, 0.01),
        ttft_ms=620,
        tokens_per_s=85,
        sql_epochs=3,
    ),
    Model(
        "openai/gpt-4.1-mini",
        "openai",
        accuracy=(0.905, 0.88, 0.825, 0.825),
        failure_mix=(0.62, 0.10, 0.12, 0.10, 0.03, 0.02, 0.01),
        ttft_ms=460,
        tokens_per_s=105,
        sql_epochs=3,
    ),
    Model(
        "anthropic/claude-haiku-4-5-20251001",
        "anthropic",
        accuracy=(0.90, 0.86, 0.79, 0.82),
        failure_mix=(0.52, 0.24, 0.08, 0.09, 0.02, 0.04, 0.01),
        ttft_ms=580,
        tokens_per_s=140,
        verbosity=1.1,
    ),
    Model(
        "gemini/gemini-2.5-flash",
        "gemini",
        accuracy=(0.90, 0.865, 0.805, 0.835),
        failure_mix=(0.72, 0.04, 0.11, 0.06, 0.01, 0.05, 0.01),
        ttft_ms=340,
        tokens_per_s=360,
        reasoning=(80, 220, 400, 240),
        reasoning_spread=0.45,
        verbosity=1.15,
    ),
    Model(
        "azure/gpt-4o-mini-eu",
        "azure",
        accuracy=(0.86, 0.80, 0.70, 0.78),
        # Azure's content filter turns some answers into errors rather than output.
        failure_mix=(0.70, 0.05, 0.10, 0.11, 0.02, 0.02, 0.00),
        ttft_ms=560,
        tokens_per_s=80,
    ),
    Model(
        "openai/gpt-4.1-nano",
        "openai",
        accuracy=(0.85, 0.76, 0.63, 0.73),
        # Fails silently: wrong answers that look right, and unsafe replies.
        failure_mix=(0.83, 0.01, 0.05, 0.01, 0.00, 0.02, 0.08),
        ttft_ms=330,
        tokens_per_s=160,
    ),
)

#: Aliases the workspace needs: names no price-sheet normalisation can reach.
ALIASES = {"azure/gpt-4o-mini-eu": "gpt-4o-mini"}

#: Illustrative public scores (fractions), not measured: for the memo's "public vs private" view.
BENCHMARKS: dict[str, dict[str, float]] = {
    "mmlu": {
        "anthropic/claude-sonnet-4-5-20250929": 0.89,
        "openai/o3": 0.91,
        "openai/gpt-4.1": 0.90,
        "openai/gpt-4.1-mini": 0.875,
        "anthropic/claude-haiku-4-5-20251001": 0.84,
        "gemini/gemini-2.5-flash": 0.88,
        "azure/gpt-4o-mini-eu": 0.82,
        "openai/gpt-4.1-nano": 0.80,
    },
    "gpqa_diamond": {
        "anthropic/claude-sonnet-4-5-20250929": 0.83,
        "openai/o3": 0.83,
        "openai/gpt-4.1": 0.66,
        "openai/gpt-4.1-mini": 0.65,
        "anthropic/claude-haiku-4-5-20251001": 0.73,
        "gemini/gemini-2.5-flash": 0.79,
        "azure/gpt-4o-mini-eu": 0.40,
        "openai/gpt-4.1-nano": 0.50,
    },
}

REFUSALS = (
    "I'm sorry, but I can't help with that request.",
    "I can't assist with that.",
    "I'm not able to provide that information.",
)
ERRORS = (
    "APIError: 500 Internal Server Error",
    "RateLimitError: 429 Too Many Requests (retries exhausted)",
    "APIConnectionError: Connection reset by peer",
    "BadRequestError: 400 The response was filtered due to the prompt triggering content management policy",
)


def _sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)), dtype=np.float64)


def _skill(target: float, difficulty: FloatArray, slope: float) -> float:
    """The ability whose mean success probability over these items is ``target`` (bisection)."""
    lo, hi = -10.0, 10.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if float(_sigmoid(slope * (mid - difficulty)).mean()) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _lognormal(rng: np.random.Generator, median: float, sigma: float, size: int) -> FloatArray:
    return np.asarray(median * np.exp(rng.normal(0.0, sigma, size)), dtype=np.float64)


def _failure_kinds(rng: np.random.Generator, model: Model, task: Task, size: int) -> list[str]:
    share = np.asarray(model.failure_mix, dtype=np.float64)
    share = share * np.asarray([task.kind_bias.get(k, 1.0) for k in FAILURE_KINDS])
    share = share / share.sum()
    return [FAILURE_KINDS[i] for i in rng.choice(len(FAILURE_KINDS), size=size, p=share)]


def _task_rows(seed: int, m_index: int, model: Model, t_index: int, task: Task) -> list[dict[str, Any]]:
    """All samples of one model on one task."""
    items = np.random.default_rng([seed, 0, t_index])  # shared by every model: paired items
    n = ITEMS_PER_TASK
    difficulty = items.normal(0.0, 1.0, n)
    body = _lognormal(items, task.body_tokens, 0.35, n)
    length = _lognormal(items, task.output_tokens, 0.4, n)

    rng = np.random.default_rng([seed, 1 + m_index, t_index])
    slope = 1.7
    p = _sigmoid(slope * (_skill(model.accuracy[t_index], difficulty, slope) - difficulty))
    epochs = model.sql_epochs if task.name == "sql-generation" else 1
    factor = TOKENISER[model.provider]
    rows: list[dict[str, Any]] = []
    for epoch in range(epochs):
        if task.partial:
            quality = np.clip(p + rng.normal(0.0, 0.12, n), 0.0, 1.0)
            failed = quality < 0.3
            score = np.round(quality, 1)
        else:
            failed = rng.random(n) >= p
            score = np.where(failed, 0.0, 1.0)
        kinds = iter(_failure_kinds(rng, model, task, int(failed.sum())))
        cache_hit = rng.random(n) < CACHE_HIT[model.provider]
        visible = np.maximum(1, np.round(length * model.verbosity * np.exp(rng.normal(0, 0.15, n))))
        median_r = model.reasoning[t_index]
        reasoning = np.round(_lognormal(rng, median_r, model.reasoning_spread, n)) if median_r else np.zeros(n)
        ttft = _lognormal(rng, model.ttft_ms, 0.3, n)
        jitter = np.exp(rng.normal(0.0, 0.15, n))
        tail = np.where(rng.random(n) < 0.03, rng.uniform(2.0, 4.0, n), 1.0)  # queueing, retries
        error_latency = _lognormal(rng, 900, 0.8, n)
        response_pick = rng.integers(0, len(REFUSALS), n)
        error_pick = rng.integers(0, len(ERRORS), n)
        truncated_score = rng.choice([0.2, 0.3, 0.4], n)

        for i in range(n):
            outcome = next(kinds) if failed[i] else "ok"
            prefix = round(task.prefix_tokens * factor)
            input_tokens = prefix + round(body[i] * factor)
            out_visible = int(visible[i])
            out_reasoning = int(reasoning[i])
            s = float(score[i])
            row: dict[str, Any] = {
                "model": model.name,
                "task": task.name,
                "sample_id": f"{task.name}-{i + 1:04d}",
            }
            if epochs > 1:
                row["epoch"] = epoch
            text: dict[str, str] = {}
            if outcome in ("ok", "wrong"):
                # Partial credit: a fluent but unfaithful summary keeps a few rubric points.
                s = float(score[i]) if task.partial else (1.0 if outcome == "ok" else 0.0)
            elif outcome in ("unsafe", "malformed"):
                s = 0.0
            elif outcome == "refusal":
                s, out_visible, out_reasoning = 0.0, 12, min(out_reasoning, 60)
                text["response"] = REFUSALS[int(response_pick[i])]
            elif outcome == "truncated":
                s = float(truncated_score[i]) if task.partial else 0.0
                out_visible = task.max_tokens
                if out_reasoning:  # the reasoning ate the budget
                    out_reasoning = int(out_reasoning * 2 + task.max_tokens)
            elif outcome in ("error", "timeout"):
                s, out_visible, out_reasoning = 0.0, 0, 0
            latency = ttft[i] + (out_visible + out_reasoning) / model.tokens_per_s * 1000 * jitter[i]
            latency *= tail[i]
            if outcome == "error":
                latency = error_latency[i]
                text["error"] = ERRORS[int(error_pick[i])]
                if model.provider != "azure" and "content management" in text["error"]:
                    text["error"] = ERRORS[0]
            elif outcome != "timeout" and latency >= HARNESS_TIMEOUT_MS:
                outcome, s, out_visible, out_reasoning = "timeout", 0.0, 0, 0
            if outcome == "timeout":
                latency = HARNESS_TIMEOUT_MS + float(ttft[i] % 250)
                text["error"] = f"TimeoutError: no response within {HARNESS_TIMEOUT_MS // 1000} s"
            row["score"] = s
            row["outcome"] = outcome
            row["latency_ms"] = round(float(latency))
            if outcome == "error":  # rejected before the model ran: nothing billed
                row["input_tokens"], row["output_tokens"] = 0, 0
            else:
                row["input_tokens"] = input_tokens
                cached = 0
                written = 0
                if cache_hit[i]:
                    # OpenAI and Gemini cache in 128-token blocks; Anthropic caches the marked prefix.
                    cached = prefix if model.provider == "anthropic" else prefix // 128 * 128
                elif model.provider == "anthropic":
                    written = prefix
                row["cached_input_tokens"] = cached
                if model.provider == "anthropic":
                    row["cache_write_tokens"] = written
                row["output_tokens"] = out_visible + out_reasoning
                if any(model.reasoning):
                    row["reasoning_tokens"] = out_reasoning
            row.update(text)
            rows.append(row)
    return rows


def _slug(name: str) -> str:
    return name.replace("/", "__")


def _toml_key(key: str) -> str:
    return json.dumps(key) if not key.replace("-", "").replace("_", "").isalnum() else key


def workspace_toml() -> str:
    lines = [
        "# The bundled demo workspace. SYNTHETIC DATA, generated by scripts/make_demo.py;",
        "# edit that script, not these files. See README.md beside this file.",
        'name = "demo: support and back-office assistant"',
        'description = """\\',
        "Which model should run a SaaS company's support triage, document extraction, \\",
        "text-to-SQL and ticket summaries? Eight candidates on 250 items per task \\",
        '(synthetic results, realistic prices)."""',
        'results = ["results/*.jsonl"]',
        'prices = "bundled"',
        'profile = "balanced"',
        "tasks_per_month = 250000",
        "batch = false",
        "",
        "[aliases]",
        "# An Azure deployment name says nothing about the model behind it.",
    ]
    lines += [f"{_toml_key(k)} = {json.dumps(v)}" for k, v in ALIASES.items()]
    for bench, scores in BENCHMARKS.items():
        lines += [
            "",
            f"# Illustrative public {bench} scores (fractions), not measured: shown beside the ranking.",
            f"[benchmarks.{bench}]",
        ]
        lines += [f"{_toml_key(m)} = {v}" for m, v in scores.items()]
    return "\n".join(lines) + "\n"


README = """\
# Demo workspace (synthetic data)

Everything in this folder is **synthetic**: made up by `scripts/make_demo.py`
(deterministic; run it again and you get the same bytes). The model names and
prices are real, the eval results are not, and they say nothing about how
these models perform. They exist so that `advisor rank` has something to rank
on a fresh install, and they are shaped so that the interesting cases happen
under the `balanced` profile:

- `openai/gpt-4.1` and `openai/gpt-4.1-mini` are statistically tied on
  accuracy at a fivefold difference in cost;
- `gemini/gemini-2.5-flash` is fast and passes every constraint, while the
  reasoning model `openai/o3`, the most accurate, is excluded by the p95
  latency ceiling;
- `openai/gpt-4.1-nano` is the cheapest, but its failures are silent wrong
  answers and unsafe output, which gracefulness and `max_unsafe_rate` catch;
- `azure/gpt-4o-mini-eu` is a deployment name that only the workspace's
  `[aliases]` table maps to a price.

Four tasks (`support-triage`, `json-extraction`, `sql-generation`,
`summarisation` with partial credit), 250 items each, the same items for
every model; `sql-generation` has three epochs for four models. Rows carry
latency, tokens (with cached input, Anthropic cache writes and reasoning
tokens) and failures of seven kinds. The `[benchmarks.*]` scores in
`advisor.toml` are illustrative, not measured.

Regenerate with `python scripts/make_demo.py` from the repository root.
"""


def generate(out: Path, seed: int = SEED) -> list[Path]:
    """Write the demo workspace into ``out``; returns the files written."""
    results = out / "results"
    results.mkdir(parents=True, exist_ok=True)
    for stale in results.glob("*.jsonl"):
        stale.unlink()
    written: list[Path] = []
    for m_index, model in enumerate(MODELS):
        rows: list[dict[str, Any]] = []
        for t_index, task in enumerate(TASKS):
            rows.extend(_task_rows(seed, m_index, model, t_index, task))
        path = results / f"{_slug(model.name)}.jsonl"
        path.write_text("".join(json.dumps(r, separators=(",", ":")) + "\n" for r in rows), encoding="utf-8")
        written.append(path)
    for name, text in (("advisor.toml", workspace_toml()), ("README.md", README)):
        (out / name).write_text(text, encoding="utf-8")
        written.append(out / name)
    return written


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=here / "demo", help="folder to write (default: demo/)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    files = generate(args.out, args.seed)
    rows = sum(1 for f in files if f.suffix == ".jsonl" for _ in f.open(encoding="utf-8"))
    print(f"wrote {len(files)} files ({rows} samples) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
