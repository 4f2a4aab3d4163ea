"""The bootstrap wired into the Decision, `advisor rank` and `advisor compare`, end to end."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from advisor.cli import main
from advisor.decision.decide import Inputs, decide, load_inputs
from advisor.decision.result import Decision
from advisor.decision.uncertainty import criteria_stats, layout, uncertainty
from advisor.files import bundled
from advisor.report.uncertainty import lines, tie_sentence
from advisor.statistics import bootstrap as bs
from tests.conftest import WriteWorkspace


@pytest.fixture(scope="module")
def demo() -> tuple[Inputs, Decision]:
    inputs = load_inputs(bundled.demo_workspace())
    return inputs, decide(inputs)


def test_bootstrap_point_values_are_the_rankings_metrics(demo: tuple[Inputs, Decision]) -> None:
    """On the original items the bootstrap's criteria equal what rank() ranked."""
    inputs, d = demo
    names = [m.model for m in d.ranked]
    lay = layout(inputs.evidence, names, d.task_weights, d.profile.severity.model_dump())
    pv = bs.point_values(lay.tasks, criteria_stats(d.profile.latency.metric))
    for i, m in enumerate(d.ranked):
        assert m.accuracy is not None and m.cost_per_task_usd is not None
        assert pv["accuracy"][i] == pytest.approx(m.accuracy.mean, abs=1e-12)
        assert pv["cost"][i] == pytest.approx(m.cost_per_task_usd, rel=1e-12)
        assert pv["latency"][i] == pytest.approx(m.latency_value, rel=1e-12)
        assert pv["gracefulness"][i] == pytest.approx(m.gracefulness, abs=1e-12)


def test_uncertainty_on_the_demo(demo: tuple[Inputs, Decision]) -> None:
    inputs, d = demo
    u = uncertainty(inputs.evidence, d, resamples=200, seed=1)
    assert set(u.p_best) == {m.model for m in d.ranked}
    assert sum(u.p_best.values()) == pytest.approx(1.0)
    assert d.ranked[0].model in u.tied_for_first or u.p_best[d.ranked[0].model] < 0.5
    assert [p.model for p in u.pairwise] == [m.model for m in d.ranked[1:]]
    k = len(d.ranked)
    assert all(p.gap.p_adjusted >= p.gap.p_value and p.gap.family == k * (k - 1) // 2 for p in u.pairwise)
    # the pairwise rows are the decision's own comparisons, not a second computation
    assert all(p.gap == d.gap(p.model, d.ranked[0].model) for p in u.pairwise)
    again = uncertainty(inputs.evidence, d, resamples=200, seed=1)
    assert again.p_best == u.p_best and again.rank_low == u.rank_low
    # break-even: at the multiplier the model's score (lead's own utility curve) ties the pick's
    pick, curve, w = d.ranked[0], d.anchors["cost"], d.weights["cost"]
    for m in d.ranked[1:]:
        x = u.break_even[m.model]
        if x is None:
            continue
        assert m.cost_per_task_usd is not None
        new = m.score + w * (float(curve.utility(m.cost_per_task_usd * x)) - m.utilities["cost"])
        assert new == pytest.approx(pick.score, abs=1e-9)
    attached = replace(d, uncertainty=u)
    assert attached.p_best == u.p_best and attached.tied_for_first == u.tied_for_first
    text = lines(attached)
    assert any("Holm" in line for line in text)
    assert any("break-even" in line for line in text)


def _rank_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["rank", *args, "--format", "json"]) == 0
    out: dict[str, Any] = json.loads(capsys.readouterr().out)
    return out


def test_rank_json_fields_and_seed(capsys: pytest.CaptureFixture[str]) -> None:
    a = _rank_json(["--resamples", "150", "--seed", "4"], capsys)
    b = _rank_json(["--resamples", "150", "--seed", "4"], capsys)
    assert a["models"] == b["models"] and a["pairwise"] == b["pairwise"]
    assert a["resamples"] == 150 and a["seed"] == 4
    ranked = [m for m in a["models"] if m["rank"] is not None]
    assert all(0 <= m["p_best"] <= 1 and m["rank_interval"][0] <= m["rank_interval"][1] for m in ranked)
    assert all(m["p_best"] is None for m in a["models"] if m["rank"] is None)
    assert set(a["weight_ranges"]) == {"accuracy", "cost", "latency", "gracefulness"}
    assert {"model", "difference", "p_adjusted", "detectable_difference", "items_needed_per_task", "mcnemar"} <= set(
        a["pairwise"][0]
    )
    assert set(a["break_even_price_multiplier"]) == {m["model"] for m in ranked[1:]}
    off = _rank_json(["--resamples", "0"], capsys)
    assert off["tied_for_first"] is None and off["models"][0]["p_best"] is None
    assert main(["rank", "--resamples", "-3"]) == 2


def _rows(scores_a: list[float], scores_b: list[float]) -> list[dict[str, Any]]:
    rows = []
    for model, scores, cost in (("model-a", scores_a, 0.001), ("model-b", scores_b, 0.004)):
        for i, s in enumerate(scores):
            rows.append(
                {
                    "model": model,
                    "task": "t",
                    "sample_id": f"q{i}",
                    "score": s,
                    "latency_ms": 500 + 7 * i,
                    "cost_usd": cost,
                }
            )
    return rows


def test_tie_sentence_names_the_tie_and_why(make_workspace: WriteWorkspace, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    same = [float(x) for x in (rng.random(80) < 0.7)]
    other = same.copy()
    for i in (1, 5, 9):  # three discordant items each way: no real difference
        other[i] = 1.0 - other[i]
    root = make_workspace(_rows(same, other), 'prices = "bundled"\n')
    inputs = load_inputs(root, profile="balanced")
    d = decide(inputs, weights={"accuracy": 1.0, "cost": 0.0, "latency": 0.0, "gracefulness": 0.0})
    d = replace(d, uncertainty=uncertainty(inputs.evidence, d, resamples=300, seed=0))
    assert d.tied_for_first is not None and set(d.tied_for_first) == {"model-a", "model-b"}
    sentence = tie_sentence(d)
    assert sentence is not None and "statistically tied" in sentence
    p = d.uncertainty.pairwise[0] if d.uncertainty else None
    assert p is not None and not p.gap.clear and p.gap.mcnemar is not None and p.gap.test == "exact McNemar"
    # items needed to detect the profile's smallest difference (5 points) with the exact test's power
    assert p.gap.items_needed is not None and p.gap.items_needed > 80


def test_compare_command(capsys: pytest.CaptureFixture[str]) -> None:
    a, b = "openai/gpt-4.1-mini", "gemini/gemini-2.5-flash"
    assert main(["compare", a, b, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["a"]["model"] == a and data["b"]["model"] == b
    assert data["overall"]["n_items"] == sum(t["n_items"] for t in data["tasks"].values())
    diffs = [t["difference"] * t["weight"] for t in data["tasks"].values()]
    assert data["overall"]["difference"] == pytest.approx(sum(diffs))
    dis = data["disagreements"]
    assert len(dis["a_better_examples"]) <= 5 and dis["a_better"] >= len(dis["a_better_examples"])
    assert data["overall"]["verdict"] in {"higher", "lower", "unclear"} and data["overall"]["family"] == 1
    assert main(["compare", a, b]) == 0
    out = capsys.readouterr().out
    assert "paired on shared items" in out and "not adjusted for multiplicity" in out
    assert main(["compare", a, "no-such-model"]) == 2
    assert "no results for model 'no-such-model'" in capsys.readouterr().err
