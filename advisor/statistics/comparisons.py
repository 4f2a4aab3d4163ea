"""Comparing two models' accuracy: per task (paired on shared items, or unpaired), then across tasks.

Why this module exists: the point of advisor is never to present noise as a
difference. A task's difference a − b is *paired* when both models were scored
on the same items (epochs averaged per item first, so the items, not the rows,
are the units), and *unpaired* when one side is known only from a mean and its
standard error. Tasks combine with the task-mix weights.

- Test: paired → the sign-flip permutation test on the weighted per-item
  differences (``permutation``; McNemar's exact test when the items are
  pass/fail and equally weighted); unpaired → a normal test on the adjusted
  difference below. No p-value is ever 0 from a handful of equal differences.
- Interval: a Wald interval on *adjusted* means that stays honest at small n
  and never has zero width: Agresti–Min (2005) for paired items (half an item
  added to each cell of the 2×2 table; for graded scores, one pseudo-pair with
  difference +1 and one with −1 at weight ½ and one with 0), Agresti–Caffo
  (2000) for unpaired (one success and one failure added to each side; for
  graded scores, one item scoring 1 and one scoring 0).
- Holm's step-down adjustment for many comparisons, McNemar's exact test.

Checked against SciPy and statsmodels in the tests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from advisor.statistics import power as pw
from advisor.statistics.intervals import Z95, log_binom_pmf, two_sided_p
from advisor.statistics.permutation import sign_flip_test

FloatArray = npt.NDArray[np.float64]


# ---------------------------------------------------------------- per task


@dataclass(frozen=True)
class TaskDifference:
    """One task's accuracy difference a − b."""

    paired: bool
    diff: float  # paired: mean of the per-item differences on shared items; unpaired: difference of means
    adjusted: float  # the Agresti–Min (paired) or Agresti–Caffo (unpaired) adjusted difference
    adjusted_var: float  # its variance (never 0)
    shared: int  # items both models saw (0 when unpaired)
    only_a: int  # items only a saw (left out of a paired comparison)
    only_b: int
    n_a: int  # items behind a's side
    n_b: int
    #: Per unit item: the null second moment of d (paired) or a's + b's item variance (unpaired), adjusted.
    unit_var: float
    per_item: FloatArray = field(default_factory=lambda: np.zeros(0))  # paired: d on the shared items
    discordant: tuple[int, int] | None = None  # paired pass/fail items: (a passed b failed, b passed a failed)

    @property
    def estimate_var(self) -> float:
        """Variance of this task's difference under the null, for the detectable difference."""
        return self.unit_var / self.shared if self.paired else self.adjusted_var


def paired_difference(a: npt.ArrayLike, b: npt.ArrayLike) -> TaskDifference:
    """Paired difference of per-item values aligned by item (epoch-averaged; NaN = not seen)."""
    av = np.asarray(a, dtype=np.float64)
    bv = np.asarray(b, dtype=np.float64)
    has_a, has_b = ~np.isnan(av), ~np.isnan(bv)
    both = has_a & has_b
    d = av[both] - bv[both]
    n = int(d.size)
    only_a = int(np.count_nonzero(has_a & ~has_b))
    only_b = int(np.count_nonzero(has_b & ~has_a))
    if n == 0:
        nan = math.nan
        return TaskDifference(True, nan, nan, nan, 0, only_a, only_b, 0, 0, nan)
    n2 = n + 2.0  # Agresti–Min: ½ pseudo-pair at +1, ½ at −1, one at 0
    adjusted = float(d.sum()) / n2
    second = (float(np.square(d).sum()) + 1.0) / n2
    var = max(second - adjusted * adjusted, 0.0) / n2
    discordant = None
    if np.isin(av[both], (0.0, 1.0)).all() and np.isin(bv[both], (0.0, 1.0)).all():
        discordant = (int(np.count_nonzero(d > 0)), int(np.count_nonzero(d < 0)))
    return TaskDifference(
        paired=True,
        diff=float(d.mean()),
        adjusted=adjusted,
        adjusted_var=var,
        shared=n,
        only_a=only_a,
        only_b=only_b,
        n_a=n,
        n_b=n,
        unit_var=second,
        per_item=d,
        discordant=discordant,
    )


def _adjusted_side(mean: float, se: float, n: int) -> tuple[float, float, float]:
    """Agresti–Caffo for one side from (mean, se with ddof 1, n): adjusted mean, its variance, item variance."""
    second = n * ((n - 1) * se * se + mean * mean)  # Σx² recovered from the mean and the SE
    n2 = n + 2.0
    adj = (n * mean + 1.0) / n2
    item_var = max((second + 1.0) / n2 - adj * adj, 0.0)
    return adj, item_var / n2, item_var


def unpaired_difference(
    mean_a: float, se_a: float, n_a: int, mean_b: float, se_b: float, n_b: int, *, only_a: int = 0, only_b: int = 0
) -> TaskDifference:
    """Difference of two independent means (each with its SE, ddof 1, and its number of items)."""
    if n_a <= 0 or n_b <= 0 or math.isnan(mean_a) or math.isnan(mean_b):
        nan = math.nan
        return TaskDifference(False, nan, nan, nan, 0, only_a, only_b, n_a, n_b, nan)
    adj_a, var_a, item_a = _adjusted_side(mean_a, se_a, n_a)
    adj_b, var_b, item_b = _adjusted_side(mean_b, se_b, n_b)
    return TaskDifference(
        paired=False,
        diff=mean_a - mean_b,
        adjusted=adj_a - adj_b,
        adjusted_var=var_a + var_b,
        shared=0,
        only_a=only_a,
        only_b=only_b,
        n_a=n_a,
        n_b=n_b,
        unit_var=item_a + item_b,
    )


# ---------------------------------------------------------------- across tasks


@dataclass(frozen=True)
class McNemar:
    """Discordant pass/fail items: b = a passed and b failed, c = the reverse."""

    b: int
    c: int
    p_value: float


@dataclass(frozen=True)
class Difference:
    """Accuracy a − b over the tasks, with its 95% interval, test and what power planning needs."""

    diff: float
    ci_low: float
    ci_high: float
    p_value: float
    test: str  # "exact McNemar", "exact sign-flip", "Monte Carlo sign-flip", "Hoeffding bound sign-flip",
    # "normal (unpaired)" or "none"
    paired: bool
    shared: int
    only_a: int
    only_b: int
    n_a: int
    n_b: int
    mcnemar: McNemar | None  # over the shared pass/fail items, None when there are none
    parts: tuple[tuple[TaskDifference, float], ...]  # (part, normalised weight) of the tasks used

    @property
    def items_per_task(self) -> int:
        """The fewest items behind any task's difference (shared items, or the smaller side when unpaired)."""
        return min((p.shared if p.paired else min(p.n_a, p.n_b) for p, _ in self.parts), default=0)

    def detectable(self, alpha: float = 0.05, power: float = 0.8) -> float:
        """About the smallest gap the items at hand detect with ``power`` at ``alpha`` (two-sided)."""
        if not self.parts:
            return math.nan
        null_var = sum(w * w * p.estimate_var for p, w in self.parts)
        shrink = sum(w * w / p.shared for p, w in self.parts) if self.paired else 0.0
        return pw.detectable(null_var, shrink, alpha, power)

    def items_needed(self, delta: float, alpha: float = 0.05, power: float = 0.8) -> int | None:
        """Items per task (the same in every task) to detect a true gap ``delta`` with ``power`` at ``alpha``.

        Pass/fail and paired: the exact McNemar test on the pooled items (tasks weighted unequally
        count as 1/Σw² tasks). Otherwise the normal approximation of the test.
        """
        if not self.parts or delta <= 0:
            return None
        weights = np.asarray([w for _, w in self.parts])
        if self.paired and all(p.discordant is not None for p, _ in self.parts):
            discordance = float(sum(w * p.unit_var for p, w in self.parts))
            tasks = 1.0 / float(np.square(weights).sum())
            return max(1, math.ceil(pw.mcnemar_items(discordance, delta, alpha, power) / tasks))
        null_var = sum(w * w * p.unit_var for p, w in self.parts)
        alt_var = null_var - (delta * delta * float(np.square(weights).sum()) if self.paired else 0.0)
        return max(2, math.ceil(pw.normal_items(null_var, alt_var, delta, alpha, power)))


def combine(parts: Sequence[tuple[TaskDifference, float]], *, seed: int = 0, test: bool = True) -> Difference:
    """Tasks combined with the task-mix weights, normalised over the tasks where both models have items.

    Paired everywhere: sign-flip test on (w_t / n_t)·d. Any unpaired task: normal test.
    The 95% interval is Wald on the adjusted difference, widened if needed to hold the point estimate.
    ``test=False`` leaves the p-value out (NaN), for callers that only want the interval.
    """
    only_a = sum(p.only_a for p, _ in parts)
    only_b = sum(p.only_b for p, _ in parts)
    used = [(p, w) for p, w in parts if w > 0 and not math.isnan(p.diff)]
    if not used:
        nan = math.nan
        paired = all(p.paired for p, _ in parts)
        return Difference(nan, nan, nan, nan, "none", paired, 0, only_a, only_b, 0, 0, None, ())
    total = sum(w for _, w in used)
    used = [(p, w / total) for p, w in used]
    diff = sum(w * p.diff for p, w in used)
    adjusted = sum(w * p.adjusted for p, w in used)
    half = Z95 * math.sqrt(sum(w * w * p.adjusted_var for p, w in used))
    low, high = min(adjusted - half, diff), max(adjusted + half, diff)
    paired = all(p.paired for p, _ in used)
    if not test:
        p_value, test_name = math.nan, "none"
    elif paired:
        flips = sign_flip_test(np.concatenate([(w / p.shared) * p.per_item for p, w in used]), seed=seed)
        p_value = flips.p_value
        equal = len({round(w / p.shared, 15) for p, w in used}) == 1
        if flips.method != "exact":
            test_name = f"{flips.method} sign-flip"
        elif equal and all(p.discordant is not None for p, _ in used):
            test_name = "exact McNemar"
        else:
            test_name = "exact sign-flip"
    else:
        se = math.sqrt(sum(w * w * p.adjusted_var for p, w in used))
        p_value = two_sided_p(adjusted / se) if se > 0 else 1.0
        test_name = "normal (unpaired)"
    counts = [p.discordant for p, _ in used if p.discordant is not None]
    mc = None
    if counts:
        b, c = sum(x for x, _ in counts), sum(y for _, y in counts)
        mc = McNemar(b, c, mcnemar_exact(b, c))
    return Difference(
        diff=diff,
        ci_low=max(-1.0, low),
        ci_high=min(1.0, high),
        p_value=p_value,
        test=test_name,
        paired=paired,
        shared=sum(p.shared for p, _ in used),
        only_a=only_a,
        only_b=only_b,
        n_a=sum(p.n_a for p, _ in used),
        n_b=sum(p.n_b for p, _ in used),
        mcnemar=mc,
        parts=tuple(used),
    )


# ---------------------------------------------------------------- McNemar, Holm


def item_means(items: npt.ArrayLike, values: npt.ArrayLike, n_items: int | None = None) -> FloatArray:
    """Average the epochs of each item: ``out[i]`` is the mean of values whose item code is i.

    Items with no value are NaN. NaN values are ignored. This is the clustering step:
    the items, not the rows, are the independent units.
    """
    codes = np.asarray(items, dtype=np.int64)
    vals = np.asarray(values, dtype=np.float64)
    size = int(codes.max(initial=-1)) + 1 if n_items is None else n_items
    ok = ~np.isnan(vals)
    total = np.bincount(codes[ok], weights=vals[ok], minlength=size)
    count = np.bincount(codes[ok], minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value: Binomial(b + c, 1/2) on the discordant items."""
    n = b + c
    if n == 0:
        return 1.0
    k = min(b, c)
    lp = log_binom_pmf(n, 0.5)
    top = float(lp.max())
    tail = float(np.exp(lp[: k + 1] - top).sum()) * math.exp(top)
    return min(1.0, 2.0 * tail)


def mcnemar(a: npt.ArrayLike, b: npt.ArrayLike) -> McNemar | None:
    """McNemar's exact test on aligned per-item pass/fail values; None unless both are 0/1 on shared items."""
    av = np.asarray(a, dtype=np.float64)
    bv = np.asarray(b, dtype=np.float64)
    both = ~np.isnan(av) & ~np.isnan(bv)
    av, bv = av[both], bv[both]
    if not av.size or not (np.isin(av, (0.0, 1.0)).all() and np.isin(bv, (0.0, 1.0)).all()):
        return None
    nb = int(np.count_nonzero((av == 1) & (bv == 0)))
    nc = int(np.count_nonzero((av == 0) & (bv == 1)))
    return McNemar(nb, nc, mcnemar_exact(nb, nc))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment (family-wise error); NaN p-values stay NaN and don't count."""
    idx = [i for i, p in enumerate(p_values) if not math.isnan(p)]
    m = len(idx)
    out = [math.nan] * len(p_values)
    running = 0.0
    for rank, i in enumerate(sorted(idx, key=lambda j: p_values[j])):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        out[i] = running
    return out
