"""Set operations on integer columns, by sorting or counting, never by hashing.

Why this module exists: numpy 2.4's ``np.unique`` (without ``return_inverse``)
switched to a hash table that takes seconds on a million distinct integers,
twenty times a sort. The columns here are codes and packed keys, so a sort (or a
count, for dense codes) is always the fast way.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.integer]


def unique(values: Ints) -> npt.NDArray[np.int64]:
    """The distinct values, ascending."""
    s = np.sort(np.asarray(values, dtype=np.int64))
    if not s.size:
        return s
    keep = np.empty(s.size, dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


def unique_inverse(values: Ints) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The distinct values (ascending) and, per value, its index among them."""
    v = np.asarray(values, dtype=np.int64)
    order = np.argsort(v, kind="stable")
    s = v[order]
    new = np.empty(s.size, dtype=bool)
    new[:1] = True
    np.not_equal(s[1:], s[:-1], out=new[1:])
    inverse = np.empty(v.size, dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return s[new], inverse


def present(codes: Ints, size: int) -> npt.NDArray[np.int64]:
    """Which of the dense codes 0..size-1 occur, ascending (a count, linear in the rows)."""
    return np.flatnonzero(np.bincount(np.asarray(codes, dtype=np.int64), minlength=size))
