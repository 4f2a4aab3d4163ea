"""advisor.statistics (intervals, comparisons) against SciPy (independent) and hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from advisor.statistics import comparisons, intervals

# ----------------------------------------------------------------- rates


@pytest.mark.parametrize(("k", "n"), [(0, 1), (0, 10), (1, 10), (5, 10), (10, 10), (17, 20), (850, 1000), (3, 7)])
def test_wilson_and_exact_match_scipy(k: int, n: int) -> None:
    ref = sps.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert intervals.wilson(k / n, n) == pytest.approx((ref.low, ref.high), abs=1e-9)
    ref = sps.binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
    assert intervals.clopper_pearson(k, n) == pytest.approx((ref.low, ref.high), abs=1e-9)


def test_wilson_hand_value() -> None:
    # 17/20: centre = (0.85 + 1.96²/40)/(1 + 1.96²/20), half = 1.96/(1+0.19207)·sqrt(.1275/20 + 3.8415/1600)
    z2 = intervals.Z95**2
    centre = (0.85 + z2 / 40) / (1 + z2 / 20)
    half = intervals.Z95 / (1 + z2 / 20) * math.sqrt(0.85 * 0.15 / 20 + z2 / 1600)
    assert intervals.wilson(0.85, 20) == pytest.approx((centre - half, centre + half))
    assert intervals.wilson(0.85, 20) == pytest.approx((0.6396, 0.9476), abs=1e-4)


def test_rule_of_three_and_rate_interval() -> None:
    assert intervals.rule_of_three(200) == pytest.approx(0.015)
    # close to the exact one-sided 95% bound 1 − 0.05^(1/n) for large n
    assert intervals.rule_of_three(1000) == pytest.approx(1 - 0.05 ** (1 / 1000), rel=0.01)
    r = intervals.rate_interval(0, 200)
    assert (r.rate, r.low, r.high, r.method) == (0.0, 0.0, 0.015, "rule of three")
    r = intervals.rate_interval(3, 200, method="exact")
    assert r.method == "exact" and r.low < 0.015 < r.high
    assert intervals.rate_interval(3, 200).method == "wilson"
    assert intervals.rule_of_three(2) == 1.0


# ---------------------------------------------------------------- paired


def test_item_means_average_epochs() -> None:
    items = [0, 0, 0, 1, 2, 2]
    vals = [1.0, 0.0, 1.0, 0.5, np.nan, 1.0]
    assert np.allclose(comparisons.item_means(items, vals, 4), [2 / 3, 0.5, 1.0, np.nan], equal_nan=True)


def test_paired_matches_scipy_ttest_statistic_and_normal_p() -> None:
    rng = np.random.default_rng(3)
    a = rng.random(60)
    b = a - 0.05 + rng.normal(0, 0.2, 60)
    a[[1, 2]] = np.nan  # only b saw these
    b[[5]] = np.nan  # only a saw this
    r = comparisons.paired(a, b)
    ok = ~np.isnan(a) & ~np.isnan(b)
    d = a[ok] - b[ok]
    t = sps.ttest_rel(a[ok], b[ok]).statistic
    assert (r.n, r.only_a, r.only_b) == (57, 1, 2)
    assert r.diff == pytest.approx(d.mean())
    assert r.diff / r.se == pytest.approx(t)
    assert r.p_value == pytest.approx(2 * sps.norm.sf(abs(t)))
    assert (r.ci_low, r.ci_high) == pytest.approx(
        (d.mean() - sps.norm.ppf(0.975) * r.se, d.mean() + sps.norm.ppf(0.975) * r.se)
    )


def test_paired_hand_values() -> None:
    # d = [1, 0, 0, 1, 0]: mean .4, var (ddof 1) = (3·.16 + 2·.36)/4 = .3, se = sqrt(.3/5)
    r = comparisons.paired([1, 1, 0, 1, 0], [0, 1, 0, 0, 0])
    assert r.diff == pytest.approx(0.4)
    assert r.var == pytest.approx(0.3)
    assert r.se == pytest.approx(math.sqrt(0.06))
    assert r.detectable == pytest.approx((1.959964 + 0.841621) * math.sqrt(0.06), rel=1e-5)
    identical = comparisons.paired([1, 0, 1], [1, 0, 1])
    assert identical.diff == 0 and identical.p_value == 1.0
    assert math.isnan(comparisons.paired([1.0], [0.0]).p_value)


def test_paired_clusters_epochs() -> None:
    """Epochs are averaged per item first: 3 epochs of 4 items is 4 units, not 12."""
    items = np.repeat(np.arange(4), 3)
    a = np.array([1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1], dtype=float)
    b = np.array([0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0], dtype=float)
    r = comparisons.paired(comparisons.item_means(items, a), comparisons.item_means(items, b))
    d = np.array([2 / 3 - 1 / 3, 1 - 2 / 3, 0 - 1 / 3, 1 - 0])
    assert r.n == 4
    assert r.se == pytest.approx(d.std(ddof=1) / 2)


def test_paired_tasks_combines_with_weights() -> None:
    t1 = comparisons.paired([1, 1, 0, 1], [0, 1, 0, 0])  # d = .5, var = 1/3
    t2 = comparisons.paired([0, 1, 0, 1, 1, 0], [0, 1, 1, 1, 1, 0])  # d = −1/6, var = 1/6
    r = comparisons.paired_tasks([t1, t2], [3, 1])
    assert r.diff == pytest.approx(0.75 * 0.5 + 0.25 * (-1 / 6))
    assert r.se == pytest.approx(math.sqrt(0.75**2 * (1 / 3) / 4 + 0.25**2 * (1 / 6) / 6))
    assert r.n == 10
    k = (sps.norm.ppf(0.975) + sps.norm.ppf(0.8)) ** 2
    var = 0.75**2 / 3 + 0.25**2 / 6
    assert r.items_needed == math.ceil(k * var / r.diff**2)


# ---------------------------------------------------------------- McNemar, Holm


@pytest.mark.parametrize(
    ("b", "c"), [(0, 0), (0, 1), (1, 0), (5, 5), (3, 11), (20, 7), (0, 12), (130, 170), (1000, 1100)]
)
def test_mcnemar_exact_matches_binomtest(b: int, c: int) -> None:
    expected = 1.0 if b + c == 0 else sps.binomtest(b, b + c, 0.5, alternative="two-sided").pvalue
    assert comparisons.mcnemar_exact(b, c) == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_mcnemar_counts_discordant_items() -> None:
    a = [1, 1, 1, 0, 0, 1, np.nan, 1]
    b = [1, 0, 0, 1, 0, 0, 0, np.nan]
    r = comparisons.mcnemar(a, b)
    assert r is not None and (r.b, r.c) == (3, 1)
    assert r.p_value == pytest.approx(sps.binomtest(3, 4).pvalue)
    assert comparisons.mcnemar([0.5, 1], [1, 0]) is None


def test_holm_hand_example() -> None:
    # sorted .005·4 = .02, .01·3 = .03, .03·2 = .06, .04·1 = .04 → max so far .06
    assert comparisons.holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert comparisons.holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])
    out = comparisons.holm([0.02, math.nan])
    assert out[0] == pytest.approx(0.02) and math.isnan(out[1])


# ---------------------------------------------------------------- power


@pytest.mark.parametrize(("n", "pp"), [(100, 12.5), (200, 8.9), (500, 5.6), (1000, 4.0)])
def test_detectable_difference_matches_research_table(n: int, pp: float) -> None:
    exact = (sps.norm.ppf(0.975) + sps.norm.ppf(0.8)) * math.sqrt(0.2 / n)
    assert comparisons.detectable_difference(0.2, n) == pytest.approx(exact)
    assert 100 * comparisons.detectable_difference(0.2, n) == pytest.approx(pp, abs=0.05)


def test_items_needed() -> None:
    # 2 pp at Var(d) = .2 needs ≈ 7.85·.2/.0004 ≈ 3,925 items
    k = (sps.norm.ppf(0.975) + sps.norm.ppf(0.8)) ** 2
    assert comparisons.items_needed(0.2, 0.02) == math.ceil(k * 0.2 / 0.0004)
    assert comparisons.items_needed(0.2, -0.02) == comparisons.items_needed(0.2, 0.02)
    assert comparisons.items_needed(0.2, 0.0) is None
    # at n = items_needed the detectable difference is the gap
    n = comparisons.items_needed(0.3, 0.05)
    assert n is not None
    assert comparisons.detectable_difference(0.3, n) <= 0.05 < comparisons.detectable_difference(0.3, n - 1)


# ---------------------------------------------------------------- simulation


def _simulate(rng: np.random.Generator, n: int, gap: float, sims: int) -> tuple[np.ndarray, np.ndarray]:
    """Paired pass/fail items, correlated through item easiness as real evals are.

    p = .05 + .9·Beta(.3, .3) per item (most items easy or hard for both models), A
    passes with p + gap/2 and B with p − gap/2, so the true difference is exactly
    ``gap`` and Var(d) ≈ .25.
    """
    p = 0.05 + 0.9 * rng.beta(0.3, 0.3, size=(sims, n))
    a = (rng.random((sims, n)) < p + gap / 2).astype(float)
    b = (rng.random((sims, n)) < p - gap / 2).astype(float)
    return a, b


def test_simulation_false_claims_power_and_coverage() -> None:
    rng = np.random.default_rng(20240611)
    sims = 800
    # Equal true accuracy: a "clear winner" (p < .05) at most as often as 5% allows.
    a, b = _simulate(rng, 300, 0.0, sims)
    results = [comparisons.paired(a[i], b[i]) for i in range(sims)]
    claims = sum(r.significant for r in results)
    tests = [comparisons.mcnemar(a[i], b[i]) for i in range(sims)]
    mcnemar_claims = sum(m is not None and m.p_value < 0.05 for m in tests)
    # Tolerance: the 99.9% binomial upper bound on the count under a true rate of 5%.
    bound = sps.binom.ppf(0.999, sims, 0.05)
    assert claims <= bound, (claims, bound)
    assert mcnemar_claims <= bound  # the exact test is conservative
    covered = sum(r.ci_low <= 0.0 <= r.ci_high for r in results)
    # 95% coverage: within the 99.9% two-sided binomial band around 95%.
    lo, hi = sps.binom.ppf([0.0005, 0.9995], sims, 0.95)
    assert lo <= covered <= hi, (covered, lo, hi)

    # A true 10-point gap on 500 items is found almost always, and covered ~95%.
    a, b = _simulate(rng, 500, 0.10, 300)
    results = [comparisons.paired(a[i], b[i]) for i in range(300)]
    found = sum(r.significant and r.diff > 0 for r in results)
    assert found >= 0.97 * 300, found  # power ≈ 99.5% here (z ≈ 4.5)
    covered = sum(r.ci_low <= 0.10 <= r.ci_high for r in results)
    lo, hi = sps.binom.ppf([0.0005, 0.9995], 300, 0.95)
    assert lo <= covered <= hi, (covered, lo, hi)
