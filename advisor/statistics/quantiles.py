"""Quantiles of resampled data computed from draw counts alone, for the paired bootstrap.

Why this module exists: a latency percentile per model and resample is the one
criterion that is not a matrix product of counts. Sorting every resample would
cost B × models × n log n; instead each model's values are sorted once, and a
resample's quantile is found by accumulating its draw counts over a narrow window
of sorted values around the quantile (the counts before the window come from one
matrix product). Results equal ``numpy.quantile`` (linear method) on the
expanded resample exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class HasValues(Protocol):
    """A task: per key, (models × items) or (models × items × epochs) values."""

    @property
    def values(self) -> Mapping[str, FloatArray]: ...

    @property
    def n_items(self) -> int: ...


class SortedValues:
    """One key's values pooled over tasks (and epochs) and sorted once per model, for quantiles."""

    def __init__(self, tasks: Sequence[HasValues], key: str) -> None:
        flat: list[FloatArray] = []
        owner: list[IntArray] = []
        offset = 0
        for t in tasks:
            v = t.values[key]
            per = 1 if v.ndim == 2 else v.shape[2]
            flat.append(v.reshape(v.shape[0], -1))
            owner.append(offset + np.arange(t.n_items * per, dtype=np.int64) // per)
            offset += t.n_items
        vals = np.concatenate(flat, axis=1)
        self.item = np.concatenate(owner)  # value → item (column of the joined counts)
        self.n_items = offset
        self.order: list[IntArray] = []
        self.sorted: list[FloatArray] = []
        present = np.zeros((offset, vals.shape[0]))
        for m, v in enumerate(vals):
            have = np.flatnonzero(~np.isnan(v))
            order = have[np.argsort(v[have], kind="stable")]
            self.order.append(self.item[order])  # the item behind each sorted value
            self.sorted.append(v[order])
            np.add.at(present[:, m], self.item[have], 1.0)
        self.present = present  # items × models: values each item holds per model
        self._windows: dict[float, tuple[list[tuple[int, int]], FloatArray]] = {}

    def _window(self, q: float) -> tuple[list[tuple[int, int]], FloatArray]:
        """Per model, the sorted positions [start, start + size) that almost always hold the
        q-quantile of a resample, and a matrix (items × 2 models) whose product with the
        counts gives the values drawn before each window and the values drawn in total."""
        if q not in self._windows:
            spans: list[tuple[int, int]] = []
            before = np.zeros_like(self.present)
            for m, order in enumerate(self.order):
                n = order.size
                half = int(8.0 * math.sqrt(n * q * (1.0 - q) + 1.0) + 16.0)
                start = max(0, min(int(q * n) - half, n))
                stop = min(n, int(q * n) + half + 1)
                spans.append((start, stop - start))
                np.add.at(before[:, m], order[:start], 1.0)
            self._windows[q] = (spans, np.concatenate([before, self.present], axis=1))
        return self._windows[q]

    def quantile(self, counts: Sequence[npt.NDArray[np.integer]], q: float) -> FloatArray:
        """numpy.quantile (linear) of each model's resampled values, from the counts alone.

        Only a window of sorted items near the quantile is accumulated; resamples whose
        quantile falls outside it (very rare) are redone over all items.
        """
        spans, matrix = self._window(q)
        models = len(self.order)
        b = counts[0].shape[0] if counts else 0
        # Task by task (a float copy of one task's counts at a time, not of all of them). Whole
        # numbers: float32 is exact while every sum stays below 2**24, and twice as fast.
        draws = sum(int(c.shape[1]) for c in counts)
        exact32 = draws * float(matrix.max(initial=0.0)) < 2**24
        kind = np.float32 if exact32 else np.float64
        total = np.zeros((b, matrix.shape[1]), dtype=kind)
        start = 0
        for c in counts:
            stop = start + c.shape[1]
            total += c.astype(kind) @ matrix[start:stop].astype(kind)
            start = stop
        sums = np.rint(total).astype(np.int64)
        cat = np.concatenate([c.T for c in counts], axis=0)  # items × B, counts as drawn (one byte each)
        out = np.full((b, models), np.nan)
        for m, (order, x) in enumerate(zip(self.order, self.sorted, strict=True)):
            if not order.size:
                continue
            total = sums[:, models + m]
            h = (total - 1.0) * q
            jlo = np.floor(h).astype(np.int64)
            frac = h - jlo
            jhi = np.minimum(jlo + 1, total - 1)
            todo = np.flatnonzero(total > 0)
            start, size = spans[m]
            for s, k, base_all in ((start, size, sums[:, m]), (0, order.size, None)):
                if not todo.size:
                    break
                win = cat[order[s : s + k]]
                if todo.size < b:
                    win = win[:, todo]
                cum = np.cumsum(win, axis=0, dtype=np.int64)
                cum += 0 if base_all is None else base_all[todo]
                lo_t, hi_t = jlo[todo], jhi[todo]
                inside = (lo_t >= cum[0] - win[0]) & (hi_t < cum[-1])
                ilo = np.minimum((cum <= lo_t).sum(axis=0), k - 1)
                ihi = np.minimum((cum <= hi_t).sum(axis=0), k - 1)
                lo_v, hi_v = x[s + ilo], x[s + ihi]
                out[todo[inside], m] = (lo_v + frac[todo] * (hi_v - lo_v))[inside]
                todo = todo[~inside]
        return out
