"""Models you run yourself rank like API models: self-hosted (GPU-hours), free local, and their constraints.

A workspace mixing an API model, a self-hosted open-weight model priced by GPU time and a free local
model must rank with a cost breakdown for each (checked against hand-computed GPU-seconds), a free
model must not crush the cost credit of the paid ones, and the entry constraints (require, local_only,
exclude_providers, min_context_tokens) and the context fit from the eval's own prompts exclude with
reasons.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from advisor.cli import main
from advisor.decision.decide import decide, load_inputs
from advisor.errors import InputError
from tests.helpers import write_jsonl

API, SELF_HOSTED, LOCAL = "openai/gpt-4o-mini", "meta-llama/Llama-3.3-70B-Instruct", "ollama/llama3.1"
LATENCY_MS = {API: 800.0, SELF_HOSTED: 2000.0, LOCAL: 5000.0}
IN_TOK, OUT_TOK = 1200, 300

OWN_MODELS = """
[[models]]
id = "llama-3.3-70b-vllm"
aliases = ["meta-llama/Llama-3.3-70B-Instruct"]
provider = "self-hosted"
max_input_tokens = 131072
supports_function_calling = true

[models.self_hosted]
gpu = "H100 80GB"
gpu_count = 2
usd_per_gpu_hour = 2.49
{throughput}
concurrency = 4

[[models]]
id = "ollama/llama3.1"
local = true
input_per_mtok = 0
output_per_mtok = 0
max_input_tokens = 131072
"""

PROFILE = """
name = "data anchors"
[weights]
accuracy = 4
cost = 3
latency = 1
gracefulness = 2
[constraints]
{constraints}
"""


def make_workspace(
    root: Path,
    *,
    throughput: str = "tokens_per_second = 1800",
    constraints: str = "",
    long_prompts: int = 0,
    latency_jitter: bool = False,
) -> Path:
    rows: list[dict[str, Any]] = []
    for model, lat in LATENCY_MS.items():
        for task, shift in (("extract", 0), ("classify", 3)):
            for i in range(40):
                long = model == API and task == "extract" and i < long_prompts
                rows.append(
                    {
                        "model": model,
                        "task": task,
                        "sample_id": f"{task}-{i:03d}",
                        "score": 1.0 if (i * 7 + shift) % 10 < 8 else 0.0,
                        "latency_ms": lat + (i * 37 % 400 if latency_jitter else 0),
                        "input_tokens": 151_000 if long else IN_TOK,
                        "output_tokens": OUT_TOK,
                    }
                )
    write_jsonl(root / "results" / "all.jsonl", rows)
    (root / "profile.toml").write_text(PROFILE.format(constraints=constraints), encoding="utf-8")
    (root / "advisor.toml").write_text(
        'name = "own models"\nresults = ["results/*.jsonl"]\nprofile = "profile.toml"\ntasks_per_month = 100000\n'
        + OWN_MODELS.format(throughput=throughput),
        encoding="utf-8",
    )
    return root


def test_api_self_hosted_and_free_local_models_rank_with_a_breakdown_each(tmp_path: Path) -> None:
    inputs = load_inputs(make_workspace(tmp_path))
    d = decide(inputs)
    assert all(m.excluded is None for m in d.models), [m.excluded for m in d.models]
    api, own, local = d.get(API), d.get(SELF_HOSTED), d.get(LOCAL)
    # API: tokens × the bundled sheet's gpt-4o-mini rates ($0.15 / $0.60 per 1M)
    assert api.cost_per_task_usd == pytest.approx(IN_TOK * 0.15e-6 + OUT_TOK * 0.6e-6)
    # Self-hosted, independently: GPU-seconds per request × $/s = 300 tok ÷ 1800 tok/s × $4.98/3600 s
    gpu_seconds = OUT_TOK / 1800
    assert own.cost_per_task_usd == pytest.approx(gpu_seconds * 2 * 2.49 / 3600, rel=1e-9)
    assert own.cost_split["output"] == pytest.approx(own.cost_per_task_usd) and own.cost_split["input"] == 0
    assert own.monthly_cost_usd == pytest.approx(own.cost_per_task_usd * 100_000)
    assert own.priced_as == "llama-3.3-70b-vllm"
    assert own.cost_model is not None and own.cost_model.startswith(
        "self-hosted: $4.98/h (2 × H100 80GB at $2.49/GPU-hour) ÷ 1,800 tok/s of output tokens"
    )
    assert local.cost_per_task_usd == 0 and local.cost_per_success_usd == 0
    assert local.cost_model == "local: no per-token cost (free)"
    # A free model gets full cost credit, and the paid ones stay apart: log(cost + shift), shift = cheapest paid
    a = d.anchors["cost"]
    shift = own.cost_per_task_usd
    assert (a.best, a.worst, a.shift) == (0.0, pytest.approx(api.cost_per_task_usd), pytest.approx(shift))
    expected = (math.log(api.cost_per_task_usd + shift) - math.log(2 * shift)) / (
        math.log(api.cost_per_task_usd + shift) - math.log(shift)
    )
    assert own.utilities["cost"] == pytest.approx(expected)
    assert 0.2 < own.utilities["cost"] < 0.5  # the old 1e-12 floor gave it about 0.02
    assert local.utilities["cost"] == 1.0 and api.utilities["cost"] == 0.0


def test_rank_and_memo_with_a_free_model_do_not_crash_and_print_the_assumptions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = make_workspace(tmp_path)
    assert main(["rank", str(ws), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["utility_curves"]["cost"]["shift"] > 0
    by_model = {m["model"]: m for m in out["models"]}
    assert by_model[LOCAL]["cost_per_task_usd"] == 0
    assert by_model[SELF_HOSTED]["cost_model"].startswith("self-hosted: $4.98/h")
    memo = tmp_path / "memo.md"
    assert main(["memo", str(ws), "-o", str(memo)]) == 0
    text = memo.read_text(encoding="utf-8").replace("\\$", "$")  # Markdown escapes the dollar signs
    assert "self-hosted: $4.98/h (2 × H100 80GB at $2.49/GPU-hour) ÷ 1,800 tok/s" in text
    assert "local: no per-token cost (free)" in text
    page = tmp_path / "memo.html"
    assert main(["memo", str(ws), "-o", str(page)]) == 0
    assert "Free models (cost 0)" in page.read_text(encoding="utf-8")  # the chart says why one is missing


def test_throughput_derived_from_the_eval_tokens_and_latency(tmp_path: Path) -> None:
    d = decide(load_inputs(make_workspace(tmp_path, throughput="", latency_jitter=True)))
    own = d.get(SELF_HOSTED)
    # concurrency × Σ output tokens ÷ Σ seconds; the mean cost is then $/s × mean latency ÷ concurrency
    lat = [2000.0 + i * 37 % 400 for _ in range(2) for i in range(40)]
    mean_seconds = sum(lat) / len(lat) / 1000
    assert own.cost_per_task_usd == pytest.approx(2 * 2.49 / 3600 * mean_seconds / 4, rel=1e-9)
    tps = 4 * OUT_TOK * len(lat) / (sum(lat) / 1000)
    assert own.cost_model is not None and f"÷ {tps:,.0f} tok/s" in own.cost_model
    assert "derived from the eval's tokens and latency at concurrency 4" in own.cost_model


@pytest.mark.parametrize(
    ("constraints", "excluded"),
    [
        ("local_only = true", {API: "not local: runs at openai (gpt-4o-mini) (local_only)"}),
        (
            'require = ["function_calling"]',
            {LOCAL: "not known to support function_calling (the price sheet does not say"},
        ),
        ('require = ["vision"]', {SELF_HOSTED: "not known to support vision", LOCAL: "not known to support vision"}),
        ('exclude_providers = ["OpenAI"]', {API: "provider openai is excluded"}),
        (
            "min_context_tokens = 200000",
            {
                API: "context window 128k tokens is below the 200k minimum",
                SELF_HOSTED: "context window 131k tokens is below the 200k minimum",
                LOCAL: "context window 131k tokens is below the 200k minimum",
            },
        ),
    ],
)
def test_entry_constraints_exclude_with_a_reason(tmp_path: Path, constraints: str, excluded: dict[str, str]) -> None:
    d = decide(load_inputs(make_workspace(tmp_path, constraints=constraints)))
    for m in d.models:
        if m.model in excluded:
            assert m.excluded is not None and excluded[m.model] in m.excluded, m.excluded
        else:
            assert m.excluded is None, (m.model, m.excluded)


def test_prompts_longer_than_the_window_exclude_or_flag(tmp_path: Path) -> None:
    d = decide(load_inputs(make_workspace(tmp_path / "a", long_prompts=3)))
    reason = "your longest prompt is 151k tokens; window 128k (3 of 80 prompts exceed it)"
    assert d.get(API).excluded is not None and reason in d.get(API).excluded  # type: ignore[operator]
    lenient = "max_prompts_over_context = 0.05"  # 3 of 80 = 3.75%: within it, so only flagged
    d = decide(load_inputs(make_workspace(tmp_path / "b", long_prompts=3, constraints=lenient)))
    assert d.get(API).excluded is None
    assert any(w.startswith(f"{API}: {reason}") for w in d.warnings)


def test_a_bad_own_model_entry_names_advisor_toml_and_its_line(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, throughput="tokens_per_second = -5")
    with pytest.raises(InputError) as err:
        load_inputs(ws)
    assert "advisor.toml:" in err.value.line() and "models.0.self_hosted.tokens_per_second" in err.value.line()


def test_revisit_keeps_own_models_priced_and_the_context_fit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = make_workspace(tmp_path, long_prompts=3)
    memo = tmp_path / "memo.md"
    assert main(["memo", str(ws), "-o", str(memo)]) == 0
    capsys.readouterr()
    main(["revisit", str(memo), "--prices", "bundled", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "holds" and data["not_repriced"] == {}  # own models are priced by their cost model
    rows = {r["model"]: r for r in data["ranking"]}
    assert rows[API]["new_rank"] is None  # still excluded: 3 of 80 prompts are longer than its window
    assert rows[SELF_HOSTED]["new_score"] == pytest.approx(rows[SELF_HOSTED]["old_score"])


def test_revisit_recounts_long_prompts_against_a_new_window(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = make_workspace(tmp_path, long_prompts=3)
    memo = tmp_path / "memo.md"
    assert main(["memo", str(ws), "-o", str(memo)]) == 0
    wider = tmp_path / "wider.toml"
    wider.write_text(
        'schema_version = 1\nas_of = 2027-01-01\ncurrency = "USD"\nsource = "test"\n\n[[models]]\n'
        'id = "gpt-4o-mini"\naliases = ["openai/gpt-4o-mini"]\ninput_per_mtok = 0.15\noutput_per_mtok = 0.6\n'
        "max_input_tokens = 160000\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    main(["revisit", str(memo), "--prices", str(wider), "--format", "json"])
    rows = {r["model"]: r for r in json.loads(capsys.readouterr().out)["ranking"]}
    assert rows[API]["new_rank"] is not None  # 151k prompts fit a 160k window: no longer excluded
