"""Weight ranges, first-place shares and break-even prices, in closed form and checked numerically."""

from __future__ import annotations

import math

import numpy as np
import pytest

from advisor.statistics import sensitivity as sv


def _first_on_grid(u: np.ndarray, w: np.ndarray, k: int, grid: np.ndarray) -> np.ndarray:
    return np.array([int(np.argmax(u @ sv.weights_at(w, k, t))) for t in grid])


def test_weight_range_hand_example() -> None:
    # criteria (accuracy, cost); A accurate and dear, B cheap. w = (.6, .4):
    # S_A = .6·.9 + .4·.2 = .62, S_B = .6·.5 + .4·1 = .70 → B is the pick.
    # With t = accuracy weight: S_A − S_B = .9t + .2(1−t) − .5t − (1−t) = 1.2t − .8 → tie at t = 2/3.
    u = np.array([[0.9, 0.2], [0.5, 1.0]])
    r = sv.weight_ranges(u, [0.6, 0.4])
    assert sv.pick(u, [0.6, 0.4]) == 1
    acc, cost = r
    assert (acc.low, acc.high, acc.below, acc.above) == pytest.approx((0.0, 2 / 3, None, 0))
    assert (cost.low, cost.high, cost.below, cost.above) == pytest.approx((1 / 3, 1.0, 0, None))
    # the research notes' formula t* = m/(m − d): for accuracy, d = .5 − .9, m = 1 − .2
    assert 0.8 / (0.8 + 0.4) == pytest.approx(acc.high)


@pytest.mark.parametrize("seed", range(8))
def test_weight_ranges_match_a_numeric_sweep(seed: int) -> None:
    rng = np.random.default_rng(seed)
    u = rng.random((5, 4))
    w = rng.dirichlet(np.ones(4))
    p = sv.pick(u, w)
    grid = np.linspace(0, 1, 2001)
    for r in sv.weight_ranges(u, w):
        assert r.low <= r.weight <= r.high
        firsts = _first_on_grid(u, w, r.criterion, grid)
        inside = (grid > r.low + 1e-9) & (grid < r.high - 1e-9)
        assert (firsts[inside] == p).all()
        if r.above is not None:  # just above the range the named model is first
            t = min(1.0, r.high + 1e-6)
            assert int(np.argmax(u @ sv.weights_at(w, r.criterion, t))) == r.above
        else:
            assert r.high == 1.0
        if r.below is not None:
            t = max(0.0, r.low - 1e-6)
            assert int(np.argmax(u @ sv.weights_at(w, r.criterion, t))) == r.below
        else:
            assert r.low == 0.0


def test_zero_weight_criterion_and_single_weight() -> None:
    u = np.array([[1.0, 0.0, 0.3], [0.0, 1.0, 0.9]])
    r = sv.weight_ranges(u, [1.0, 0.0, 0.0])  # pick 0; others take equal shares below t = 1
    # S_A = t + .15(1 − t), S_B = .95(1 − t) → tie at t = 4/9
    assert (r[0].low, r[0].high, r[0].below, r[0].above) == pytest.approx((4 / 9, 1.0, 1, None))
    # numeric: at t = r[0].low the two tie
    w = sv.weights_at([1.0, 0.0, 0.0], 0, r[0].low)
    assert (u @ w)[0] == pytest.approx((u @ w)[1])
    with pytest.raises(ValueError):
        sv.weight_ranges(u, [0, 0, 0])


def test_first_place_share_uniform_two_criteria_closed_form() -> None:
    # Two criteria: w = (t, 1 − t), t ~ U(0, 1) uniformly on the simplex.
    # A = (1, 0), B = (.4, .8): A wins iff t > .8(1 − t) + .4t − ... i.e. t > .8/1.4 = 4/7.
    u = np.array([[1.0, 0.0], [0.4, 0.8]])
    share = sv.first_place_share(u, [0.5, 0.5], samples=40000, seed=1, concentration=None)
    tol = 5 * math.sqrt(0.25 / 40000)
    assert share == pytest.approx([3 / 7, 4 / 7], abs=tol)


def test_first_place_share_around_the_user_weights() -> None:
    u = np.array([[0.9, 0.2, 0.5], [0.5, 1.0, 0.5], [0.1, 0.1, 0.1]])
    w = np.array([0.6, 0.4, 0.0])
    a = sv.first_place_share(u, w, seed=3)
    b = sv.first_place_share(u, w, seed=3)
    assert np.array_equal(a, b) and a.sum() == pytest.approx(1.0)
    assert a[2] == 0.0 and a[1] > a[0]  # B is the pick at w, and mostly nearby
    tight = sv.first_place_share(u, w, seed=3, concentration=10000.0)
    assert tight[1] > 0.99
    # brute force: the same draws by hand
    rng = np.random.default_rng(3)
    d = rng.dirichlet(20.0 * w[:2], size=4000)
    wins = np.argmax(u[:, :2] @ d.T, axis=0)
    assert a[:2] == pytest.approx(np.bincount(wins, minlength=2) / 4000)
    # with resampled utilities (draws × models × criteria)
    noisy = np.stack([u, u[[1, 0, 2]]])
    mixed = sv.first_place_share(noisy, w, samples=1000, seed=0, concentration=10000.0)
    assert mixed[:2] == pytest.approx([0.5, 0.5], abs=0.01)


@pytest.mark.parametrize("scale", ["linear", "log"])
def test_break_even_closed_form_matches_bisection(scale: str) -> None:
    curve = sv.Curve(best=0.0005 if scale == "log" else 0.0, worst=0.05, scale=scale)
    w = {"accuracy": 0.5, "cost": 0.3, "latency": 0.2}
    pick = {"accuracy": 0.9, "cost": 0.01, "latency": 0.7}
    rival = {"accuracy": 0.85, "cost": 0.02, "latency": 0.8}

    def score(m: dict[str, float], mult: float = 1.0) -> float:
        cost = curve(m["cost"] * mult)
        return w["accuracy"] * m["accuracy"] + w["cost"] * cost + w["latency"] * m["latency"]

    s_pick, s_rival = score(pick), score(rival)
    assert s_rival < s_pick
    closed = sv.break_even_multiplier(
        score_model=s_rival, score_pick=s_pick, cost=rival["cost"], cost_weight=w["cost"], curve=curve
    )
    searched = sv.break_even_search(lambda x: (score(rival, x), s_pick))
    assert closed is not None and searched is not None
    assert closed == pytest.approx(searched, rel=1e-6)
    assert score(rival, closed) == pytest.approx(s_pick)
    assert closed < 1


def test_break_even_never_and_edge_cases() -> None:
    curve = sv.Curve(best=0.001, worst=0.1, scale="log")
    # even free the rival gains at most w·(1 − u(c)) = .1·(1 − .5) = .05 < .2 behind
    assert sv.break_even_multiplier(score_model=0.5, score_pick=0.7, cost=0.01, cost_weight=0.1, curve=curve) is None
    assert sv.break_even_search(lambda x: (0.5 + 0.1 * (curve(0.01 * x) - curve(0.01)), 0.7)) is None
    assert sv.break_even_multiplier(score_model=0.5, score_pick=0.7, cost=0.01, cost_weight=0.0, curve=curve) is None
    assert sv.break_even_multiplier(score_model=0.7, score_pick=0.7, cost=0.01, cost_weight=0.3, curve=curve) == 1.0
    # exactly reaching the top of the curve: multiplier = best / cost
    m = sv.break_even_multiplier(score_model=0.6, score_pick=0.65, cost=0.01, cost_weight=0.1, curve=curve)
    assert m == pytest.approx(0.001 / 0.01)
    assert sv.break_even_all([0.65, 0.6, 0.1], [0.01, 0.01, 0.01], 0.1, curve, 0) == [None, m, None]


def test_curve_values() -> None:
    lin = sv.Curve(best=0.0, worst=0.1)
    assert (lin(0.0), lin(0.05), lin(0.2)) == pytest.approx((1.0, 0.5, 0.0))
    log = sv.Curve(best=0.001, worst=0.1, scale="log")
    assert (log(0.001), log(0.01), log(0.1), log(1.0), log(0.0001)) == pytest.approx((1, 0.5, 0, 0, 1))
    assert log.inverse(0.5) == pytest.approx(0.01) and lin.inverse(0.25) == pytest.approx(0.075)
