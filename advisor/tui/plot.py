"""Lay out a scatter plot on terminal cells: log-scale x, linear y, points keyed by short labels.

Why it exists: the trade-off charts must draw at every terminal size without
failing, and their labels must never run into each other. Each point is drawn
as its mark (◆ ● x) and keyed by a short label (the rank, or a letter for an
excluded model) that the values table beside the chart spells out. A label
goes into the first free place around its point, keeping a blank cell between
it and any other mark or label; a label with no free place is reported (the
chart lists it), never overdrawn. Points that fall into the same cell share a
mark and one label (``2,5``).

The module is pure (no Textual): ``layout`` returns cells and the role that
colours each one, and the tests check the layout cell by cell.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

#: The smallest plot worth drawing (cells); below it the widget says so instead.
MIN_WIDTH = 24
MIN_HEIGHT = 7

#: Which mark wins when points share a cell (and the order labels are placed in).
ROLE_ORDER = {"pareto": 0, "dominated": 1, "excluded": 2}


@dataclass(frozen=True)
class Point:
    x: float
    """On the log axis; must be > 0 (callers leave out points without a value)."""
    y: float
    key: str
    """The short label the values table spells out (``1``, ``2``, ``a``)."""
    mark: str
    """One cell: ``◆`` Pareto, ``●`` dominated, ``x`` excluded."""
    role: str
    """``pareto``, ``dominated`` or ``excluded``: colours the mark and its label."""


@dataclass
class Plot:
    width: int
    height: int
    cells: list[list[tuple[str, str]]]
    """``cells[row][col] = (character, role)``; role ``""`` is plain text."""
    marks: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Key → (row, col) of its mark."""
    labels: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    """Label text (``"1"`` or ``"2,5"``) → (row, first col, text)."""
    unlabelled: list[str] = field(default_factory=list)
    """Labels that found no free place."""

    def lines(self) -> list[str]:
        return ["".join(ch for ch, _ in row) for row in self.cells]


def _y_ticks(y0: float, y1: float, row: Callable[[float], int], rows: int) -> dict[int, str]:
    """Round values (steps of 1, 2, 5 × 10ⁿ) at the rows they fall on, about one every four rows.

    Each label sits on the row its value rounds to; with fewer than two round
    values in range, the two ends are labelled with the decimals they need.
    """
    wanted = max(2, min(6, rows // 4 + 1))
    raw = (y1 - y0) / (wanted - 1)
    base = math.floor(math.log10(raw))
    for step in sorted(m * 10.0**e for e in range(base - 1, base + 2) for m in (1, 2, 5)):
        if step < raw / 2:
            continue
        values = [k * step for k in range(math.ceil(y0 / step - 1e-9), math.floor(y1 / step + 1e-9) + 1)]
        decimals = max(0, -math.floor(math.log10(step) + 1e-9))
        ticks = {row(v): f"{v:.{decimals}f}" for v in values}
        if len(ticks) >= 2 and len(ticks) == len(values):
            return ticks
    decimals = 0
    while decimals < 3 and f"{y0:.{decimals}f}" == f"{y1:.{decimals}f}":
        decimals += 1
    return {row(y1): f"{y1:.{decimals}f}", row(y0): f"{y0:.{decimals}f}"}


def _x_ticks(
    x0: float, x1: float, col: Callable[[float], int], fmt: Callable[[float], str], width: int
) -> list[tuple[int, int, float, str]]:
    """Tick values on a log axis (1×, then 5× and 2× of each decade), each label placed only where it fits."""
    candidates: list[tuple[int, float]] = []
    for decade in range(math.floor(x0) - 1, math.ceil(x1) + 1):
        for priority, m in enumerate((1, 5, 2)):
            v = m * 10.0**decade
            if x0 <= math.log10(v) <= x1:
                candidates.append((priority, v))
    if not candidates:  # the range sits inside one step: label its ends
        candidates = [(0, 10**x0), (0, 10**x1)]
    taken: list[tuple[int, int, float, str]] = []  # (start, end, value, text)
    for _, v in sorted(candidates, key=lambda pv: (pv[0], pv[1])):
        text = fmt(v)
        c = col(v)
        start = max(0, min(c - len(text) // 2, width - len(text)))
        end = start + len(text)
        if any(start <= e and s <= end for s, e, _, _ in taken):  # keep one blank cell between labels
            continue
        taken.append((start, end, v, text))
    return sorted(taken)


def layout(
    points: Sequence[Point],
    width: int,
    height: int,
    *,
    x_label: str,
    y_label: str,
    x_format: Callable[[float], str],
    frontier: Sequence[tuple[float, float]] = (),
) -> Plot | None:
    """The chart on a ``width`` × ``height`` grid, or None when that is too small to be read."""
    if not points or width < MIN_WIDTH or height < MIN_HEIGHT:
        return None
    xs = [math.log10(p.x) for p in points]
    ys = [p.y for p in points]
    x0, x1 = min(xs), max(xs)
    if x1 - x0 < 1e-9:
        x0, x1 = x0 - 0.5, x1 + 0.5
    y0, y1 = min(ys), max(ys)
    pad = max((y1 - y0) * 0.08, 0.5)
    y0, y1 = y0 - pad, y1 + pad

    ph = height - 4  # rows: y label, plot, axis, tick labels, x label

    def row(y: float) -> int:
        return 1 + round((y1 - y) / (y1 - y0) * (ph - 1))

    tick_text = _y_ticks(y0, y1, row, ph)
    margin = max(len(t) for t in tick_text.values()) + 1
    pw = width - margin
    if pw < MIN_WIDTH - 8:
        return None

    def col(x: float) -> int:
        return margin + round((math.log10(x) - x0) / (x1 - x0) * (pw - 1))

    cells: list[list[tuple[str, str]]] = [[(" ", "")] * width for _ in range(height)]
    plot = Plot(width, height, cells)

    def put(r: int, c: int, text: str, role: str) -> None:
        for i, ch in enumerate(text):
            if 0 <= c + i < width:
                cells[r][c + i] = (ch, role)

    put(0, 0, y_label[:width], "axis")
    for r in range(ph):
        text = tick_text.get(1 + r)
        if text is not None:
            put(1 + r, margin - 1 - len(text), text, "tick")
        put(1 + r, margin - 1, "┤" if text is not None else "│", "axis")
    axis_row, tick_label_row = ph + 1, ph + 2
    put(axis_row, margin - 1, "└" + "─" * pw, "axis")
    for start, _, v, text in _x_ticks(x0, x1, col, x_format, width):
        put(axis_row, col(v), "┬", "axis")
        put(tick_label_row, start, text, "tick")
    put(height - 1, max(0, margin + (pw - len(x_label)) // 2), x_label[:width], "axis")

    # The frontier: a staircase right then up from each frontier point to the next.
    steps = sorted((col(x), row(y)) for x, y in frontier if x > 0)
    for (c0, r0), (c1, r1) in zip(steps, steps[1:], strict=False):
        for c in range(c0 + 1, c1):
            put(r0, c, "─", "frontier")
        if r1 < r0:
            put(r0, c1, "┘" if c1 > c0 else "│", "frontier")
            for r in range(r1 + 1, r0):
                put(r, c1, "│", "frontier")

    # Marks: points in one cell share it; the most favourable role shows.
    groups: dict[tuple[int, int], list[Point]] = {}
    for p in points:
        groups.setdefault((row(p.y), col(p.x)), []).append(p)
    occupied: set[tuple[int, int]] = set()
    for (r, c), members in groups.items():
        best = min(members, key=lambda p: ROLE_ORDER.get(p.role, 9))
        put(r, c, best.mark, best.role)
        occupied.add((r, c))
        for p in members:
            plot.marks[p.key] = (r, c)

    def free(r: int, c: int, n: int, own: tuple[int, int], allow_lines: bool) -> bool:
        if not (1 <= r <= ph and margin <= c and c + n <= width):
            return False
        for cc in range(c - 1, c + n + 1):  # the label and one blank cell either side
            if (r, cc) in occupied and (r, cc) != own:
                return False
        for cc in range(c, c + n):
            if cells[r][cc][1] not in ("", "frontier") or (cells[r][cc][1] == "frontier" and not allow_lines):
                return False
        return True

    order = sorted(groups.items(), key=lambda g: min(ROLE_ORDER.get(p.role, 9) for p in g[1]))
    for (r, c), members in order:
        text = ",".join(p.key for p in members)
        best = min(members, key=lambda p: ROLE_ORDER.get(p.role, 9))
        n = len(text)
        candidates = [
            (r, c + 1),  # right
            (r, c - n),  # left
            (r - 1, c),  # above, starting over the mark
            (r + 1, c),  # below
            (r - 1, c - n + 1),  # above, ending over the mark
            (r + 1, c - n + 1),  # below, ending under the mark
            (r, c + 2),  # right, one cell away
            (r, c - n - 1),  # left, one cell away
        ]
        spot = next((rc for rc in candidates if free(*rc, n, (r, c), allow_lines=False)), None)
        if spot is None:
            spot = next((rc for rc in candidates if free(*rc, n, (r, c), allow_lines=True)), None)
        if spot is None:
            plot.unlabelled.append(text)
            continue
        put(spot[0], spot[1], text, f"label-{best.role}")
        occupied.update((spot[0], spot[1] + i) for i in range(n))
        plot.labels[text] = (spot[0], spot[1], text)
    return plot
