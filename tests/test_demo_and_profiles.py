"""The bundled profiles and the bundled demo workspace.

Profiles: each loads, says when to pick it, and differs from the others.
Demo: the generator is deterministic, the committed files are what it
generates, the data meet the spec, and the cases the demo exists to show
really happen in ``advisor rank``'s output.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from advisor.cli import main
from advisor.inputs.profiles import CRITERIA, bundled_profile_paths, load_profile
from advisor.inputs.workspace import load_workspace

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo"
SCRIPT = ROOT / "scripts" / "make_demo.py"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def make_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_demo", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in sorted((DEMO / "results").glob("*.jsonl")):
        out.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line)
    return out


def _rank_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = main(["rank", str(DEMO), "--format", "json", *args])
    out = capsys.readouterr()
    assert code == 0, out.err
    data: dict[str, Any] = json.loads(out.out)
    return data


def _by_model(decision: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["model"]: m for m in decision["models"]}


# --- profiles ---------------------------------------------------------------------------------------------


def test_the_four_named_profiles_are_bundled() -> None:
    assert {"balanced", "support-bot", "code-quality", "cost-first"} <= set(bundled_profile_paths())


@pytest.mark.parametrize("name", sorted(bundled_profile_paths()))
def test_each_bundled_profile_loads_and_says_when_to_pick_it(name: str) -> None:
    profile = load_profile(name)
    assert profile.name == name
    assert len(profile.description) > 80
    assert "pick" in profile.description.lower()
    assert profile.constraints.max_unsafe_rate is not None
    assert profile.utility.gracefulness.best == 1.0 and profile.utility.gracefulness.worst == 0.0
    assert profile.utility.cost.scale == "log"


def test_profiles_differ_for_real() -> None:
    profiles = [load_profile(n) for n in bundled_profile_paths()]
    for a, b in itertools.combinations(profiles, 2):
        assert a.weights.normalised() != b.weights.normalised(), (a.name, b.name)
        assert a.severity != b.severity or a.constraints != b.constraints, (a.name, b.name)
    dominant = {p.name: max(CRITERIA, key=lambda c: p.weights.normalised()[c]) for p in profiles}
    assert dominant["code-quality"] == "accuracy"
    assert dominant["cost-first"] == "cost"
    assert load_profile("support-bot").weights.normalised()["latency"] >= 0.3
    assert {p.latency.metric for p in profiles} >= {"p50", "p95", "p99"}


def test_profile_specifics() -> None:
    support = load_profile("support-bot")
    assert support.constraints.max_latency_ms is not None and support.latency.metric == "p95"
    assert support.severity.refusal < support.severity.timeout
    code = load_profile("code-quality")
    assert code.constraints.min_accuracy is not None
    assert code.severity.wrong == 1.0 and code.severity.error < 0.5
    cost = load_profile("cost-first")
    assert cost.constraints.max_cost_per_task_usd is not None and cost.latency.metric == "p50"
    assert cost.weights.normalised()["latency"] <= 0.05


# --- the generator ----------------------------------------------------------------------------------------


def test_generator_is_deterministic(make_demo: ModuleType, tmp_path: Path) -> None:
    make_demo.generate(tmp_path / "a")
    make_demo.generate(tmp_path / "b")
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a and a == b


def test_committed_demo_is_what_the_script_generates(make_demo: ModuleType, tmp_path: Path) -> None:
    make_demo.generate(tmp_path / "demo")
    fresh, committed = _files(tmp_path / "demo"), _files(DEMO)
    assert sorted(fresh) == sorted(committed), "run: python scripts/make_demo.py"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"demo/ differs from a fresh generation in {stale}: run python scripts/make_demo.py"


def test_generator_replaces_stale_results(make_demo: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "old-model.jsonl").write_text("{}\n")
    make_demo.generate(tmp_path)
    assert not (tmp_path / "results" / "old-model.jsonl").exists()


# --- the demo data, read directly ----------------------------------------------------------------------


def test_demo_meets_the_spec(rows: list[dict[str, Any]]) -> None:
    models = {r["model"] for r in rows}
    tasks = {r["task"] for r in rows}
    assert len(models) >= 6
    assert len(tasks) == 4
    items: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        items[r["model"], r["task"]].add(r["sample_id"])
    for task in tasks:
        ids = [items[m, task] for m in models]
        assert len(ids[0]) >= 200
        assert all(i == ids[0] for i in ids), f"{task}: items are not the same for every model (unpaired)"
    assert all(isinstance(r.get("latency_ms"), (int, float)) for r in rows)
    assert sum(r.get("cached_input_tokens", 0) > 0 for r in rows) > len(rows) / 2
    assert any(r.get("cache_write_tokens", 0) > 0 for r in rows)
    reasoning = {r["model"] for r in rows if r.get("reasoning_tokens", 0) > 0}
    assert len(reasoning) >= 2
    kinds = Counter(r["outcome"] for r in rows if r["outcome"] != "ok")
    assert len(kinds) >= 4
    assert set(kinds) == {"wrong", "refusal", "malformed", "error", "timeout", "truncated", "unsafe"}
    partial = {r["score"] for r in rows if 0 < r["score"] < 1}
    assert partial, "one task should give partial credit"


def test_demo_token_convention(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        cached = r.get("cached_input_tokens", 0) + r.get("cache_write_tokens", 0)
        assert cached <= r["input_tokens"]
        assert r.get("reasoning_tokens", 0) <= r["output_tokens"]


def test_demo_has_epochs_on_one_task_for_some_models(rows: list[dict[str, Any]]) -> None:
    epochs: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r.get("epoch", 0) > 0:
            epochs[r["task"]].add(r["model"])
    assert len(epochs) == 1
    (with_epochs,) = epochs.values()
    assert 2 <= len(with_epochs) < len({r["model"] for r in rows})


def test_demo_workspace_config() -> None:
    ws = load_workspace(DEMO)
    cfg = ws.config
    assert cfg.profile == "balanced" and cfg.prices == "bundled"
    assert cfg.tasks_per_month >= 10_000
    assert cfg.aliases, "at least one model should need the workspace [aliases] table"
    assert "mmlu" in cfg.benchmarks
    names = {p.stem.replace("__", "/") for p in ws.result_files()}
    for scores in cfg.benchmarks.values():
        assert set(scores) <= names
    assert "synthetic" in (DEMO / "README.md").read_text().lower()


# --- the interesting cases, as advisor rank reports them ----------------------------------------------------


def test_rank_demo_shows_the_interesting_cases(capsys: pytest.CaptureFixture[str]) -> None:
    decision = _rank_json(capsys)
    assert decision["profile"]["name"] == "balanced"
    models = _by_model(decision)
    assert len(models) >= 6
    assert not decision["warnings"]
    assert all(m["cost_per_task_usd"] is not None for m in models.values()), "every demo model is priced"

    # Priced only through the workspace's [aliases].
    assert models["azure/gpt-4o-mini-eu"]["priced_as"] == "gpt-4o-mini"
    assert models["azure/gpt-4o-mini-eu"]["excluded"] is None

    # A slow model excluded by the latency ceiling; a fast one excluded by nothing.
    slow = models["openai/o3"]
    assert slow["excluded"] is not None and "latency" in slow["excluded"]
    assert slow["accuracy"]["mean"] == max(m["accuracy"]["mean"] for m in models.values())
    fast = models["gemini/gemini-2.5-flash"]
    assert fast["excluded"] is None
    assert fast["latency_ms"]["p95"] < slow["latency_ms"]["p95"] / 5

    # Two models statistically tied on accuracy at very different cost.
    big, mini = models["openai/gpt-4.1"], models["openai/gpt-4.1-mini"]
    gap = big["accuracy"]["mean"] - mini["accuracy"]["mean"]
    assert 0.003 <= abs(gap) <= 0.015
    assert big["accuracy"]["ci_low"] <= mini["accuracy"]["ci_high"]
    assert mini["accuracy"]["ci_low"] <= big["accuracy"]["ci_high"]
    assert big["cost_per_task_usd"] >= 3 * mini["cost_per_task_usd"]
    assert big["excluded"] is None and mini["excluded"] is None

    # A cheap model whose failures are catastrophic: caught by max_unsafe_rate and gracefulness.
    cheap = models["openai/gpt-4.1-nano"]
    assert cheap["cost_per_task_usd"] == min(m["cost_per_task_usd"] for m in models.values())
    assert cheap["excluded"] is not None and "unsafe" in cheap["excluded"]
    assert cheap["gracefulness"] == min(m["gracefulness"] for m in models.values())

    # The pick is the cheap half of the tie, and the tie is reported as such.
    assert decision["pick"] == "openai/gpt-4.1-mini"
    assert big["not_clearly_behind"] is True


def test_the_other_profiles_pick_differently(capsys: pytest.CaptureFixture[str]) -> None:
    picks = {p: _rank_json(capsys, "--profile", p)["pick"] for p in ("support-bot", "code-quality")}
    assert picks["support-bot"] == "gemini/gemini-2.5-flash"
    assert picks["code-quality"] in {"openai/o3", "anthropic/claude-sonnet-4-5-20250929"}
    cost_first = _by_model(_rank_json(capsys, "--profile", "cost-first"))
    assert "$" in (cost_first["anthropic/claude-sonnet-4-5-20250929"]["excluded"] or "")
