"""advisor.statistics (intervals, comparisons) against SciPy (independent) and hand-computed values."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep

from advisor.statistics import comparisons, intervals, permutation, power

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


def _cells(a: np.ndarray, b: np.ndarray) -> tuple[int, int, int, int]:
    return (
        int(((a == 1) & (b == 1)).sum()),
        int(((a == 1) & (b == 0)).sum()),
        int(((a == 0) & (b == 1)).sum()),
        int(((a == 0) & (b == 0)).sum()),
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_paired_pass_fail_is_agresti_min_and_exact_mcnemar(seed: int) -> None:
    """Pass/fail items: the interval is Agresti–Min's (½ added to each cell), the test exact McNemar."""
    rng = np.random.default_rng(seed)
    a = (rng.random(40) < 0.7).astype(float)
    b = np.where(rng.random(40) < 0.8, a, 1 - a)
    part = comparisons.paired_difference(a, b)
    d = comparisons.combine([(part, 1.0)])
    n11, n12, n21, n22 = _cells(a, b)
    n = n11 + n12 + n21 + n22
    p12, p21 = (n12 + 0.5) / (n + 2), (n21 + 0.5) / (n + 2)
    se = math.sqrt(((p12 + p21) - (p12 - p21) ** 2) / (n + 2))
    assert (d.ci_low, d.ci_high) == pytest.approx(
        (
            min(p12 - p21 - sps.norm.ppf(0.975) * se, (n12 - n21) / n),
            max(p12 - p21 + sps.norm.ppf(0.975) * se, (n12 - n21) / n),
        )
    )
    assert d.diff == pytest.approx((n12 - n21) / n)
    ref = sm_mcnemar([[n11, n12], [n21, n22]], exact=True).pvalue
    assert d.test == "exact McNemar" and d.p_value == pytest.approx(ref, rel=1e-9)
    assert d.mcnemar is not None and (d.mcnemar.b, d.mcnemar.c) == (n12, n21)


def test_unpaired_is_agresti_caffo_like_statsmodels() -> None:
    part = comparisons.unpaired_difference(
        0.8, math.sqrt(0.16 * 10 / 9 / 10), 10, 0.5, math.sqrt(0.25 * 10 / 9 / 10), 10
    )
    d = comparisons.combine([(part, 1.0)])
    low, high = confint_proportions_2indep(8, 10, 5, 10, method="agresti-caffo")
    assert (d.ci_low, d.ci_high) == pytest.approx((low, high), abs=1e-12)
    assert d.test == "normal (unpaired)" and not d.paired and d.mcnemar is None


def test_sign_flip_matches_scipy_permutation_test() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.random(13), rng.random(13)  # graded scores: every |d| distinct, 2¹³ patterns enumerated
    d = comparisons.combine([(comparisons.paired_difference(a, b), 1.0)])

    def mean_diff(x: np.ndarray, y: np.ndarray, axis: int) -> np.ndarray:
        return np.mean(x - y, axis=axis)

    ref = sps.permutation_test((a, b), mean_diff, permutation_type="samples", n_resamples=np.inf, vectorized=True)
    assert d.test == "exact sign-flip" and d.p_value == pytest.approx(ref.pvalue, rel=1e-9)


def test_sign_flip_weighted_tasks_exact_by_enumeration() -> None:
    """Two tasks weighted 3:1, pass/fail: T = Σ (w_t/n_t)·d enumerated over all 2^m sign patterns by hand."""
    t1 = comparisons.paired_difference([1, 1, 0, 1, 1, 1], [0, 0, 0, 1, 0, 1])  # d: 1, 1, 0, 0, 1, 0
    t2 = comparisons.paired_difference([0, 1, 0, 1], [1, 1, 1, 0])  # d: −1, 0, −1, 1
    d = comparisons.combine([(t1, 3.0), (t2, 1.0)])
    x = np.array([0.75 / 6] * 3 + [-0.25 / 4, -0.25 / 4, 0.25 / 4])
    signs = np.array(list(itertools.product((-1, 1), repeat=x.size)))
    stat = np.abs(signs @ x)
    assert d.p_value == pytest.approx(np.mean(stat >= abs(x.sum()) - 1e-12))
    assert d.test == "exact sign-flip" and d.diff == pytest.approx(0.75 * 0.5 + 0.25 * (-0.25))


def test_sign_flip_monte_carlo_is_seeded_and_close_to_exact() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(0.02, 0.3, 400) / 400  # 400 distinct magnitudes: beyond exact enumeration
    one, two = permutation.sign_flip_test(x, seed=1), permutation.sign_flip_test(x, seed=1)
    assert one == two and one.method == "Monte Carlo" and 0 < one.flips < permutation.FLIPS
    # stopped at the STOP_HITS-th extreme flip (Besag–Clifford): p = hits / flips
    assert one.p_value == pytest.approx(permutation.STOP_HITS / one.flips)
    # the normal limit of the sign-flip distribution (variance Σx²) is within Monte Carlo error
    z = abs(x.sum()) / math.sqrt(np.square(x).sum())
    p = 2 * sps.norm.sf(z)
    assert one.p_value == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / one.flips))
    assert one.p_value >= 1 / (one.flips + 1)  # never 0


def test_sign_flip_far_in_the_tail_is_hoeffdings_bound() -> None:
    rng = np.random.default_rng(6)
    x = rng.normal(0.3, 0.3, 400) / 400  # z ≈ 20: no random flip is ever as extreme
    got = permutation.sign_flip_test(x)
    t = abs(x.sum())
    assert got.method == "Hoeffding bound" and got.flips == 0
    assert got.p_value == pytest.approx(2 * math.exp(-(t**2) / (2 * np.square(x).sum())))
    # a valid (conservative) p-value: above the normal limit of the exact tail, below the Monte Carlo floor
    assert 2 * sps.norm.sf(t / math.sqrt(np.square(x).sum())) <= got.p_value < 1 / (permutation.FLIPS + 1)


def test_sign_flip_monte_carlo_runs_to_the_end_when_p_is_small() -> None:
    rng = np.random.default_rng(8)
    x = rng.normal(0.045, 0.3, 400) / 400  # z ≈ 3: p ≈ 0.003, about 30 hits in 10,000 flips (< STOP_HITS)
    got = permutation.sign_flip_test(x, seed=2)
    assert got.method == "Monte Carlo" and got.flips == permutation.FLIPS
    z = abs(x.sum()) / math.sqrt(np.square(x).sum())
    p = 2 * sps.norm.sf(z)
    assert got.p_value == pytest.approx(p, abs=4 * math.sqrt(p / got.flips) + 1 / got.flips)


def test_tiny_samples_never_claim_certainty() -> None:
    # two items both won by A: exact p = 0.5, not 0; the interval is wide, not −100 to −100
    d = comparisons.combine([(comparisons.paired_difference([0, 0], [1, 1]), 1.0)])
    assert d.p_value == pytest.approx(0.5) and d.ci_high - d.ci_low > 0.5
    # 5 discordant items, all one way: exact McNemar 0.0625, not the z-test's 0.022
    d = comparisons.combine([(comparisons.paired_difference([1] * 5 + [0] * 20, [0] * 5 + [0] * 20), 1.0)])
    assert d.p_value == pytest.approx(0.0625)
    # two all-correct models: nothing to tell, but the interval has width and the power is finite
    d = comparisons.combine([(comparisons.paired_difference([1, 1, 1], [1, 1, 1]), 1.0)])
    assert d.p_value == 1.0 and d.ci_low < 0 < d.ci_high and d.detectable() > 0.5
    # no shared items: nothing to compare (no 1.00 McNemar p, no NaN in an interval shown as a number)
    part = comparisons.paired_difference([1, np.nan], [np.nan, 0])
    d = comparisons.combine([(part, 1.0)])
    assert part.shared == 0 and math.isnan(d.diff) and d.mcnemar is None and d.test == "none"
    assert comparisons.mcnemar([1, np.nan], [np.nan, 0]) is None


def test_paired_clusters_epochs() -> None:
    """Epochs are averaged per item first: 3 epochs of 4 items is 4 units, not 12."""
    items = np.repeat(np.arange(4), 3)
    a = np.array([1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1], dtype=float)
    b = np.array([0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0], dtype=float)
    part = comparisons.paired_difference(comparisons.item_means(items, a), comparisons.item_means(items, b))
    assert part.shared == 4 and part.discordant is None  # per-item means are not pass/fail
    d = np.array([2 / 3 - 1 / 3, 1 - 2 / 3, 0 - 1 / 3, 1 - 0])
    assert part.diff == pytest.approx(d.mean())
    assert part.adjusted_var == pytest.approx(((np.square(d).sum() + 1) / 6 - (d.sum() / 6) ** 2) / 6)


# ---------------------------------------------------------------- McNemar, Holm


@pytest.mark.parametrize(
    ("b", "c"), [(0, 0), (0, 1), (1, 0), (5, 5), (3, 11), (20, 7), (0, 12), (130, 170), (1000, 1100)]
)
def test_mcnemar_exact_matches_binomtest(b: int, c: int) -> None:
    expected = 1.0 if b + c == 0 else sps.binomtest(b, b + c, 0.5, alternative="two-sided").pvalue
    assert comparisons.mcnemar_exact(b, c) == pytest.approx(expected, rel=1e-9, abs=1e-300)
    x = np.array([1.0] * b + [-1.0] * c + [0.0] * 7)
    assert permutation.sign_flip_test(x).p_value == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_mcnemar_counts_discordant_items() -> None:
    a = [1, 1, 1, 0, 0, 1, np.nan, 1]
    b = [1, 0, 0, 1, 0, 0, 0, np.nan]
    r = comparisons.mcnemar(a, b)
    assert r is not None and (r.b, r.c) == (3, 1)
    assert r.p_value == pytest.approx(sps.binomtest(3, 4).pvalue)
    assert comparisons.mcnemar([0.5, 1], [1, 0]) is None


def test_holm_hand_example_and_statsmodels() -> None:
    # sorted .005·4 = .02, .01·3 = .03, .03·2 = .06, .04·1 = .04 → max so far .06
    assert comparisons.holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert comparisons.holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])
    out = comparisons.holm([0.02, math.nan])
    assert out[0] == pytest.approx(0.02) and math.isnan(out[1])
    p = np.random.default_rng(0).random(45) ** 3
    assert comparisons.holm(list(p)) == pytest.approx(multipletests(p, method="holm")[1])


# ---------------------------------------------------------------- power


def _brute_power(n: int, pi: float, delta: float, alpha: float = 0.05) -> float:
    """Exact McNemar power by brute force with SciPy: every (discordant, won) outcome."""
    share, total = 0.5 * (1 + delta / pi), 0.0
    for j in range(1, n + 1):
        pj = sps.binom.pmf(j, n, pi)
        wins = np.arange(j + 1)
        p = np.array([sps.binomtest(int(w), j).pvalue for w in wins])
        total += pj * sps.binom.pmf(wins[p < alpha], j, share).sum()
    return total


@pytest.mark.parametrize(("n", "pi", "delta"), [(30, 0.3, 0.2), (60, 0.2, 0.1), (25, 0.5, 0.3)])
def test_exact_mcnemar_power_by_brute_force(n: int, pi: float, delta: float) -> None:
    assert power.mcnemar_power(n, pi, delta) == pytest.approx(_brute_power(n, pi, delta), rel=1e-9)


@pytest.mark.parametrize(("pi", "delta"), [(0.2, 0.1), (0.3, 0.05), (0.5, 0.1), (0.12, 0.1)])
def test_items_needed_reach_exact_mcnemar_power(pi: float, delta: float) -> None:
    n = power.mcnemar_items(pi, delta)
    assert power.mcnemar_power(n, pi, delta) >= 0.8 > power.mcnemar_power(n - 1, pi, delta)
    # the normal approximation (Connor 1987) is where the search starts, and it falls short of 80%
    assert (
        n >= power.connor_items(pi, delta)
        and power.mcnemar_power(math.floor(power.connor_items(pi, delta)), pi, delta) < 0.8
    )


def test_connor_formula_by_hand() -> None:
    # π = .2, δ = .1: (1.95996·√.2 + 0.84162·√.19)² / .01
    expected = (sps.norm.ppf(0.975) * math.sqrt(0.2) + sps.norm.ppf(0.8) * math.sqrt(0.19)) ** 2 / 0.01
    assert power.connor_items(0.2, 0.1) == pytest.approx(expected)


@pytest.mark.parametrize(("n", "pp"), [(100, 12.5), (200, 8.9), (500, 5.6), (1000, 4.0)])
def test_detectable_difference_matches_research_table(n: int, pp: float) -> None:
    # unpaired-style (no variance reduction): (z_.975 + z_.8)·√(.2/n), the research note's MDE table
    exact = (sps.norm.ppf(0.975) + sps.norm.ppf(0.8)) * math.sqrt(0.2 / n)
    assert power.detectable(0.2 / n, 0.0) == pytest.approx(exact)
    assert 100 * power.detectable(0.2 / n, 0.0) == pytest.approx(pp, abs=0.05)
    # paired: the variance falls by δ²/n under the alternative, so slightly less is detectable
    assert power.detectable(0.2 / n, 1 / n) < exact


def test_items_needed_ask_about_the_smallest_difference_not_the_observed_gap() -> None:
    rng = np.random.default_rng(11)
    a = (rng.random(300) < 0.7).astype(float)
    b = np.where(rng.random(300) < 0.75, a, 1 - a)  # about 25% discordant
    d = comparisons.combine([(comparisons.paired_difference(a, b), 1.0)])
    need = d.items_needed(0.05)
    part = d.parts[0][0]
    assert need == power.mcnemar_items(part.unit_var, 0.05)  # the adjusted discordance (b + c + 1)/(n + 2)
    assert part.unit_var == pytest.approx((np.abs(a - b).sum() + 1) / 302)
    # two tasks weighted equally: the pooled exact count, split over the tasks
    two = comparisons.combine([(part, 1.0), (part, 1.0)])
    assert two.items_needed(0.05) == math.ceil(power.mcnemar_items(part.unit_var, 0.05) / 2)
