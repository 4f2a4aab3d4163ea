"""How robust the pick is to the user's weights and to price changes.

Why this module exists: a weighted score is only as good as its weights, and a
decision is only as good as today's prices. A user should see how far each
weight can move before the top choice changes (and to which model), how often
each model comes first when the weights wander around theirs, and at what price
multiplier a runner-up would overtake the pick. All of it is closed form or
vectorised over a utilities matrix U (models × criteria, each in [0, 1]) and
normalised weights w, so the TUI can recompute it on every slider move.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def _normalised(weights: npt.ArrayLike) -> FloatArray:
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 1 or (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
        raise ValueError("weights must be non-negative, finite and not all zero")
    out: FloatArray = w / w.sum()
    return out


def _utilities(utilities: npt.ArrayLike, k: int) -> FloatArray:
    u = np.asarray(utilities, dtype=np.float64)
    if u.ndim != 2 or u.shape[1] != k or u.shape[0] < 1:
        raise ValueError(f"utilities must be (models × {k}), got {u.shape}")
    return u


def pick(utilities: npt.ArrayLike, weights: npt.ArrayLike) -> int:
    """The top model under the weights (first one on an exact tie)."""
    w = _normalised(weights)
    return int(np.argmax(_utilities(utilities, w.size) @ w))


@dataclass(frozen=True)
class WeightRange:
    """The range of one criterion's weight (others rescaled proportionally) that keeps the pick.

    ``below`` is the model that takes over when the weight drops under ``low``
    (None when the pick holds down to 0), ``above`` when it rises over ``high``.
    """

    criterion: int
    weight: float
    low: float
    high: float
    below: int | None
    above: int | None


def _others(w: FloatArray, k: int) -> FloatArray:
    """The other criteria's weights rescaled to sum to 1 (equal shares when they are all 0)."""
    rest = np.delete(w, k)
    if rest.sum() > 0:
        out: FloatArray = rest / rest.sum()
    else:
        out = np.full(rest.size, 1.0 / max(rest.size, 1))
    return out


def weights_at(weights: npt.ArrayLike, k: int, t: float) -> FloatArray:
    """The weights with criterion k set to t and the others rescaled proportionally to 1 − t."""
    w = _normalised(weights)
    out = np.empty_like(w)
    out[k] = t
    out[np.arange(w.size) != k] = (1.0 - t) * _others(w, k)
    return out


def weight_ranges(utilities: npt.ArrayLike, weights: npt.ArrayLike) -> list[WeightRange]:
    """For each criterion, the closed-form range of its weight over which the pick stays first.

    With t the criterion's weight and the others rescaled, every model's score is
    linear in t: S_i(t) = t·U_ik + (1 − t)·m_ik with m_ik the rescaled mix of the
    others. The pick p stays first while S_p(t) ≥ S_i(t) for every i; each rival's
    tie point is t* = m/(m − d) with d = U_pk − U_ik and m = m_pk − m_ik.
    """
    w = _normalised(weights)
    u = _utilities(utilities, w.size)
    p = int(np.argmax(u @ w))
    out: list[WeightRange] = []
    for k in range(w.size):
        mix = np.delete(u, k, axis=1) @ _others(w, k)
        d = u[p, k] - u[:, k]  # advantage of the pick at t = 1
        m = mix[p] - mix  # advantage of the pick at t = 0
        low, high = 0.0, 1.0
        below: int | None = None
        above: int | None = None
        for i in range(u.shape[0]):
            slope = d[i] - m[i]  # the pick's lead over i is m[i] + t·slope
            if i == p or slope == 0:
                continue  # the lead over i does not depend on this weight
            tie = -m[i] / slope  # = m/(m − d); on the far side of w_k since the lead is ≥ 0 there
            if slope < 0 and max(tie, w[k]) < high:
                high, above = float(max(tie, w[k])), i
            elif slope > 0 and min(tie, w[k]) > low:
                low, below = float(min(tie, w[k])), i
        out.append(WeightRange(k, float(w[k]), float(low), float(high), below, above))
    return out


def first_place_share(
    utilities: npt.ArrayLike,
    weights: npt.ArrayLike,
    *,
    samples: int = 4000,
    seed: int = 0,
    concentration: float | None = 20.0,
) -> FloatArray:
    """Share of weight settings in which each model ranks first (ties split evenly).

    Weights are drawn from a Dirichlet centred on the user's weights, alpha =
    concentration × w (at 20, a weight of 25% moves by about ±10 points; criteria
    the user set to 0 stay at 0), or uniformly over the
    whole simplex when ``concentration`` is None. ``utilities`` may also be
    (draws × models × criteria), e.g. from the bootstrap; draw s then uses
    utilities[s % draws], mixing weight and sampling uncertainty.
    """
    w = _normalised(weights)
    u = np.asarray(utilities, dtype=np.float64)
    if u.ndim == 2:
        u = u[None]
    if u.ndim != 3 or u.shape[2] != w.size:
        raise ValueError(f"utilities must be (models × {w.size}) or (draws × models × {w.size})")
    rng = np.random.default_rng(seed)
    if concentration is None:
        draws = rng.dirichlet(np.ones(w.size), size=samples)
    else:
        if concentration <= 0:
            raise ValueError("concentration must be positive")
        on = w > 0
        draws = np.zeros((samples, w.size))
        if on.sum() == 1:
            draws[:, on] = 1.0
        else:
            draws[:, on] = rng.dirichlet(concentration * w[on], size=samples)
    idx = np.arange(samples) % u.shape[0]
    scores = np.einsum("smk,sk->sm", u[idx], draws)
    valid = ~np.isnan(scores)
    s = np.where(valid, scores, -np.inf)
    best = valid & (s == s.max(axis=1, keepdims=True))
    n_best = best.sum(axis=1, keepdims=True)
    share: FloatArray = (best / np.maximum(n_best, 1)).mean(axis=0)
    return share


# ------------------------------------------------------------------ prices


@dataclass(frozen=True)
class Curve:
    """A utility curve: 1 at ``best``, 0 at ``worst``, linear or log in between, clipped.

    For cost and latency ``best`` < ``worst`` (lower is better). A log curve
    is of x + ``shift`` (> 0 when ``best`` is 0, e.g. a free model).
    """

    best: float
    worst: float
    scale: str = "linear"  # or "log"
    shift: float = 0.0

    def __call__(self, x: float) -> float:
        if self.scale == "log":
            s = self.shift
            if x + s <= 0 or self.best + s <= 0:
                return 1.0 if self.best < self.worst else 0.0
            a, b, v = math.log(self.best + s), math.log(self.worst + s), math.log(x + s)
        else:
            a, b, v = self.best, self.worst, x
        if a == b:  # a step: lower is better
            return 1.0 if v <= a else 0.0
        return min(1.0, max(0.0, (b - v) / (b - a)))

    def inverse(self, utility: float) -> float:
        """The raw value at which the curve reaches ``utility`` (in [0, 1])."""
        if self.scale == "log":
            s = self.shift
            a, b = math.log(self.best + s), math.log(self.worst + s)
            return math.exp(b - utility * (b - a)) - s
        return self.worst - utility * (self.worst - self.best)


def break_even_multiplier(
    *,
    score_model: float,
    score_pick: float,
    cost: float,
    cost_weight: float,
    curve: Curve,
) -> float | None:
    """The multiplier on a model's prices (its cost per task) at which it ties the pick.

    Cost scales linearly with the rates, and only the cost term of the model's
    score moves: S(x) = S − w·u(c) + w·u(c·x). None ("never") when even a free
    model would not catch up (the curve tops out at 1 at ``best``), or when the
    cost weight is zero. A model already ahead gets 1.0.
    """
    if score_model >= score_pick:
        return 1.0
    if cost_weight <= 0 or cost <= 0 or math.isnan(cost) or curve.best >= curve.worst:
        return None
    target = curve(cost) + (score_pick - score_model) / cost_weight
    if target > 1.0 + 1e-12:
        return None
    return curve.inverse(min(target, 1.0)) / cost


def break_even_search(
    score_at: Callable[[float], tuple[float, float]],
    *,
    low: float = 1e-6,
    iters: int = 100,
) -> float | None:
    """Bisection for the multiplier at which the model's score reaches the pick's.

    ``score_at(x)`` gives (score of the model, score of the pick) with the model's
    prices times x; the model's score must not rise with x. None when it stays
    behind even at ``low``.
    """
    m1, p1 = score_at(1.0)
    if m1 >= p1:
        return 1.0
    m0, p0 = score_at(low)
    if m0 < p0:
        return None
    lo, hi = math.log(low), 0.0  # ahead at lo, behind at hi
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        sm, sp = score_at(math.exp(mid))
        if sm >= sp:
            lo = mid
        else:
            hi = mid
    return math.exp(lo)


def break_even_all(
    scores: Sequence[float],
    costs: Sequence[float],
    cost_weight: float,
    curve: Curve,
    pick_index: int,
) -> list[float | None]:
    """Break-even multipliers for every model against the pick (the pick itself gets None)."""
    return [
        None
        if i == pick_index
        else break_even_multiplier(
            score_model=s, score_pick=scores[pick_index], cost=c, cost_weight=cost_weight, curve=curve
        )
        for i, (s, c) in enumerate(zip(scores, costs, strict=True))
    ]
