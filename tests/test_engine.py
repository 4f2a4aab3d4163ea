"""Every engine formula against values computed by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as sps

from advisor.decision.decide import decide, load_inputs
from advisor.decision.rank import gracefulness, interval, pareto_front
from advisor.decision.utilities import Anchors
from advisor.evidence.gather import gather
from advisor.inputs.profiles import Profile
from advisor.prices.sheet import ModelPrice, Tier, sample_cost_parts
from advisor.records.samples import build
from advisor.statistics.intervals import wilson

PRICE = ModelPrice(
    id="x",
    input_per_mtok=Decimal("2.5"),
    output_per_mtok=Decimal("10"),
    cached_input_per_mtok=Decimal("1.25"),
    cache_write_per_mtok=Decimal("3.75"),
    batch_discount=Decimal("0.5"),
    tiers=(Tier(above_input_tokens=200_000, input_per_mtok=Decimal("5"), output_per_mtok=Decimal("15")),),
)


def parts(batch: bool = False) -> dict[str, np.ndarray]:
    nan = math.nan
    return sample_cost_parts(
        PRICE,
        input_tokens=np.array([1000, 300_000, nan, 1000.0]),
        output_tokens=np.array([500, 1000, 10, 0.0]),
        cached_input_tokens=np.array([400, 0, 0, nan]),
        cache_write_tokens=np.array([0, 0, 0, 200.0]),
        reasoning_tokens=np.array([100, nan, 0, 0]),
        batch=batch,
    )


def costs(batch: bool = False) -> np.ndarray:
    return np.asarray(sum(parts(batch).values()))


def test_cost_per_sample_by_hand() -> None:
    c = costs()
    # 600 uncached × 2.5 + 400 cached × 1.25 + 500 out × 10 = 7000 → $0.007
    assert c[0] == pytest.approx(0.007)
    # above 200k input: the whole request at the tier: 300000 × 5 + 1000 × 15 = 1,515,000 → $1.515
    assert c[1] == pytest.approx(1.515)
    assert math.isnan(c[2])  # no input tokens: unknown, not free
    # 800 uncached × 2.5 + 200 written × 3.75 = 2750 → $0.00275
    assert c[3] == pytest.approx(0.00275)
    assert costs(batch=True)[0] == pytest.approx(0.0035)  # 50% batch discount


def test_cost_parts_by_hand() -> None:
    p = {k: v[0] for k, v in parts().items()}
    # 600 uncached × 2.5, 400 cached × 1.25, 400 visible output × 10, 100 reasoning × 10 (output rate)
    assert p == pytest.approx(
        {"input": 0.0015, "cached_input": 0.0005, "cache_write": 0.0, "output": 0.004, "reasoning": 0.001}
    )
    assert parts()["cache_write"][3] == pytest.approx(200 * 3.75 / 1e6)


def test_clustered_accuracy_by_hand() -> None:
    # task t1: item a epochs [1,1,0] → 2/3, b [0,0,0] → 0, c [1,1,1] → 1; task t2: [1], [0]
    scores = [1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0]
    items = ["a"] * 3 + ["b"] * 3 + ["c"] * 3 + ["d", "e"]
    tasks = ["t1"] * 9 + ["t2"] * 2
    epochs = [0, 1, 2] * 3 + [0, 0]
    table = build(model=["m"] * 11, task=tasks, sample_id=items, score=scores, epoch=epochs, source="f")
    ev = gather(table, None).models["m"]
    t1 = ev.tasks["t1"]
    assert (t1.n_items, t1.n_samples, t1.epochs) == (3, 9, 3)
    assert t1.mean == pytest.approx(5 / 9)
    # deviations 1/9, -5/9, 4/9 → Σ² = 42/81, /(n-1) = 21/81 → sd = √21/9, se = sd/√3
    assert t1.se == pytest.approx(math.sqrt(21) / 9 / math.sqrt(3))
    t2 = ev.tasks["t2"]
    assert t2.se == pytest.approx(0.5)  # sd of [1, 0] is √0.5, /√2
    from advisor.decision.rank import combine_accuracy

    acc = combine_accuracy(ev, {"t1": 0.5, "t2": 0.5})
    assert acc.mean == pytest.approx((5 / 9 + 0.5) / 2)
    assert acc.se == pytest.approx(math.sqrt((t1.se / 2) ** 2 + (0.5 / 2) ** 2))
    assert acc.n == 5


def test_wilson_known_values() -> None:
    # Published values (e.g. Newcombe 1998, Table I): 5/10 → 0.2366–0.7634; 0/10 → 0–0.2775
    low, high = wilson(0.5, 10)
    assert (low, high) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))
    low, high = wilson(0.0, 10)
    assert low == 0.0 and high == pytest.approx(0.2775, abs=1e-4)


def test_interval_uses_effective_n_and_stays_in_unit_range() -> None:
    # 3 of 4 pass: se (ddof 1) = √(.75·.25·4/3 / 4) = .25 → item variance (ddof 0) 3·.0625 = .1875 = p(1−p):
    # pass/fail items give Wilson at n = 4 exactly (SciPy's binomtest agrees)
    acc = interval(0.75, 0.25, 4)
    ref = sps.binomtest(3, 4).proportion_ci(method="wilson")
    assert (acc.ci_low, acc.ci_high) == pytest.approx((ref.low, ref.high), abs=1e-12)
    # graded scores of variance v (ddof 0) over n items: n_eff = n·p(1−p) / ((n·v + p(1−p)) / (n + 1))
    n, p, v = 50, 0.6, 0.05
    acc = interval(p, math.sqrt(v * n / (n - 1) / n), n)
    n_eff = n * p * (1 - p) / ((n * v + p * (1 - p)) / (n + 1))
    assert (acc.ci_low, acc.ci_high) == pytest.approx(wilson(p, n_eff))
    # equal graded scores never give a zero-width interval, whatever the float rounding of the SE
    for mean in (0.7, 0.5, 0.3):
        for se in (0.0, 1e-17):
            a = interval(mean, se, 3)
            assert a.ci_high - a.ci_low > 0.2 and a.ci_low < mean < a.ci_high
    perfect = interval(1.0, 0.0, 20)  # all correct: Wilson at n items, upper bound 1
    assert perfect.ci_high == 1.0 and perfect.ci_low == pytest.approx(wilson(1.0, 20)[0])
    assert 0.8 < perfect.ci_low < 1.0


def test_utility_curves_by_hand() -> None:
    assert Anchors(best=1, worst=0.5, scale="linear", from_data=False).utility(0.9) == pytest.approx(0.8)
    # log: (ln .01 − ln .1)/(ln .001 − ln .1) = 0.5
    assert Anchors(best=0.001, worst=0.1, scale="log", from_data=False).utility(0.01) == pytest.approx(0.5)
    clipped = Anchors(best=0.001, worst=0.1, scale="log", from_data=False).utility(np.array([1.0, 1e-6]))
    assert clipped.tolist() == [0.0, 1.0]


def test_gracefulness_is_one_minus_mean_severity_of_failures() -> None:
    profile = Profile.model_validate({"name": "p", "weights": {"accuracy": 1}})
    # 3 refusals (0.2) + 1 wrong (1.0) → mean severity 1.6/4 = 0.4
    assert gracefulness({"refusal": 3, "wrong": 1}, profile) == pytest.approx(0.6)
    assert gracefulness({"wrong": 0}, profile) == 1.0  # never failed


def test_pareto_front() -> None:
    raw = {
        "a": {"accuracy": 0.9, "cost": 1.0},
        "b": {"accuracy": 0.8, "cost": 0.1},
        "c": {"accuracy": 0.8, "cost": 2.0},  # dominated by a and b
        "d": {"accuracy": 0.9, "cost": 1.0},  # equal to a: neither dominates
    }
    assert pareto_front(raw) == {"a", "b", "d"}


PROFILE = """
name = "hand"
[weights]
accuracy = 2
cost = 1
latency = 1
[constraints]
max_latency_ms = 5000
[utility.accuracy]
best = 1.0
worst = 0.0
[utility.cost]
best = 0.001
worst = 0.1
scale = "log"
[utility.latency]
best = 100
worst = 10000
scale = "log"
"""


def hand_rows() -> list[dict[str, object]]:
    spec = {
        "A": ([1, 1, 1, 0], 0.01, 100, "wrong"),
        "B": ([1, 1, 0, 0], 0.001, 1000, "refusal"),
        "C": ([1, 1, 1, 1], 0.1, 10000, "wrong"),
    }
    rows: list[dict[str, object]] = []
    for model, (scores, cost, latency, failure) in spec.items():
        for i, s in enumerate(scores):
            rows.append(
                {
                    "model": model,
                    "task": "t",
                    "sample_id": str(i),
                    "score": s,
                    "cost_usd": cost,
                    "latency_ms": latency,
                    **({} if s else {"outcome": failure}),
                }
            )
    return rows


def test_ranking_by_hand(make_workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "hand.toml").write_text(PROFILE)
    ws = make_workspace(hand_rows(), f'profile = "{tmp_path / "hand.toml"}"\ntasks_per_month = 1000\n')
    decision = decide(load_inputs(ws))
    a, b, c = (decision.get(n) for n in "ABC")
    # weights .5/.25/.25/0. A: .5·.75 + .25·.5 + .25·1 = .75 ; B: .5·.5 + .25·1 + .25·.5 = .625
    assert a.score == pytest.approx(0.75) and b.score == pytest.approx(0.625)
    assert a.breakdown == pytest.approx({"accuracy": 0.375, "cost": 0.125, "latency": 0.25, "gracefulness": 0})
    assert [m.model for m in decision.models] == ["A", "B", "C"]
    assert (a.rank, b.rank, c.rank) == (1, 2, None)
    assert c.excluded == "p95 latency 10.00 s exceeds the 5.00 s ceiling"
    assert c.score == pytest.approx(0.5)  # excluded models are still scored and shown
    assert a.cost_per_success_usd == pytest.approx(0.01 / 0.75)
    assert a.monthly_cost_usd == pytest.approx(10.0)
    assert b.gracefulness == pytest.approx(0.8) and a.gracefulness == 0.0
    assert a.pareto and b.pareto
    assert b.cost_source == "recorded cost_usd" and b.priced_as is None
    assert b.not_clearly_behind  # 4 items each: the intervals overlap
    # fixed anchors: adding a model does not move A's score
    extra = [r | {"model": "D"} for r in hand_rows() if r["model"] == "B"]
    ws2 = make_workspace(hand_rows() + extra, f'profile = "{tmp_path / "hand.toml"}"\n', name="ws2")
    assert decide(load_inputs(ws2)).get("A").score == pytest.approx(0.75)


def test_default_anchors_come_from_eligible_models(make_workspace) -> None:  # type: ignore[no-untyped-def]
    ws = make_workspace(hand_rows(), "")
    decision = decide(load_inputs(ws), weights={"accuracy": 1, "cost": 0, "latency": 0, "gracefulness": 0})
    acc = decision.anchors["accuracy"]
    # balanced profile has a latency ceiling that C breaks? Either way: best/worst are eligible extremes.
    eligible = [m for m in decision.models if m.excluded is None]
    means = [m.accuracy.mean for m in eligible if m.accuracy]
    if acc.from_data:
        assert acc.best == max(means) and acc.worst == min(means)
        assert decision.pick is not None and decision.pick.utilities["accuracy"] == 1.0


def test_unpriced_model_is_excluded_not_free(make_workspace) -> None:  # type: ignore[no-untyped-def]
    rows = [r for r in hand_rows() if r["model"] != "C"]
    for r in rows:
        if r["model"] == "B":
            del r["cost_usd"]
    ws = make_workspace(rows, "")
    b = decide(load_inputs(ws)).get("B")
    assert b.rank is None and b.cost_per_task_usd is None
    assert b.excluded is not None and b.excluded.startswith("unpriced: no entry in the price sheet")


def test_task_mix_weights_tasks(make_workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [{"model": "m", "task": "easy", "sample_id": str(i), "score": 1, "cost_usd": 0.01} for i in range(3)]
    rows += [
        {"model": "m", "task": "hard", "sample_id": str(i), "score": int(i == 0), "cost_usd": 0.04} for i in range(3)
    ]
    (tmp_path / "mix.toml").write_text('name = "mix"\n[weights]\naccuracy = 1\n[tasks]\neasy = 3\nhard = 1\n')
    ws = make_workspace(rows, f'profile = "{tmp_path / "mix.toml"}"\n')
    m = decide(load_inputs(ws)).get("m")
    assert m.accuracy is not None and m.accuracy.mean == pytest.approx(0.75 * 1 + 0.25 / 3)
    assert m.cost_per_task_usd == pytest.approx(0.75 * 0.01 + 0.25 * 0.04)
