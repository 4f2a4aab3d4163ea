"""The trade-off chart's cell layout: marks where the numbers put them, labels that never overlap.

Checked against hand-computed cells and, for many random point sets and
terminal sizes (tiny ones included), against the rules the layout promises.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from advisor.text.format import money
from advisor.tui.plot import MIN_HEIGHT, MIN_WIDTH, Plot, Point, layout


def _layout(points: list[Point], width: int, height: int, frontier: tuple[tuple[float, float], ...] = ()) -> Plot:
    plot = layout(points, width, height, x_label="x", y_label="accuracy %", x_format=money, frontier=frontier)
    assert plot is not None
    return plot


def test_marks_sit_where_the_numbers_put_them() -> None:
    # Three points a decade apart on x, at accuracy 70, 80, 90.
    points = [
        Point(0.001, 70, "1", "◆", "pareto"),
        Point(0.01, 80, "2", "●", "dominated"),
        Point(0.1, 90, "a", "x", "excluded"),
    ]
    plot = _layout(points, 60, 20)
    lines = plot.lines()
    # By hand: y spans 70-1.6 .. 90+1.6 (8% padding of 20), over ph = 16 rows starting at row 1;
    # the margin is the widest tick label ("90") plus the axis: 3 columns; x spans 3 decades over 57 columns.
    y0, y1 = 70 - 1.6, 90 + 1.6
    margin, pw, ph = 3, 57, 16
    for p in points:
        col = margin + round((math.log10(p.x) + 3) / 2 * (pw - 1))
        row = 1 + round((y1 - p.y) / (y1 - y0) * (ph - 1))
        assert plot.marks[p.key] == (row, col)
        assert lines[row][col] == p.mark
        assert plot.cells[row][col][1] == p.role


def test_tick_labels_name_the_row_and_column_they_sit_on() -> None:
    points = [Point(0.0003, 73.1, "1", "◆", "pareto"), Point(0.0155, 89.7, "2", "◆", "pareto")]
    plot = _layout(points, 90, 24)
    lines = plot.lines()
    y0, y1 = 73.1 - 1.328, 89.7 + 1.328
    ph = 24 - 4
    ticks = [(r, line[: line.index("┤")].strip()) for r, line in enumerate(lines) if "┤" in line]
    assert len(ticks) >= 3
    steps = {round(float(b) - float(a), 9) for (_, a), (_, b) in zip(ticks[1:], ticks, strict=False)}
    assert len(steps) == 1 and steps.pop() in {1, 2, 5, 10}  # round values, evenly stepped
    for row, label in ticks:
        value = float(label)
        exact = 1 + (y1 - value) / (y1 - y0) * (ph - 1)
        assert abs(row - exact) <= 0.5
    axis = next(r for r, line in enumerate(lines) if "└" in line)
    margin = lines[axis].index("└") + 1
    x0, x1 = math.log10(0.0003), math.log10(0.0155)
    for col, ch in enumerate(lines[axis]):
        if ch != "┬":
            continue
        text = lines[axis + 1][max(0, col - 6) : col + 7].split()
        # The label under a tick is the value at that column, written whole.
        candidates = [t for t in text if t.startswith("$")]
        assert candidates, lines[axis + 1]
        value = min(
            (float(t.lstrip("$")) for t in candidates),
            key=lambda v: abs(margin + (math.log10(v) - x0) / (x1 - x0) * (90 - margin - 1) - col),
        )
        assert abs(margin + (math.log10(value) - x0) / (x1 - x0) * (90 - margin - 1) - col) <= 0.5


def test_frontier_is_a_staircase_right_then_up() -> None:
    points = [Point(0.001, 70, "1", "◆", "pareto"), Point(0.01, 90, "2", "◆", "pareto")]
    plot = _layout(points, 60, 20, frontier=((0.001, 70), (0.01, 90)))
    (r0, c0), (r1, c1) = plot.marks["1"], plot.marks["2"]
    lines = plot.lines()
    assert lines[r0][c1] == "┘"
    assert all(lines[r0][c] in "─" for c in range(c0 + 1, c1) if plot.cells[r0][c][1] == "frontier")
    assert all(lines[r][c1] == "│" for r in range(r1 + 1, r0) if plot.cells[r][c1][1] == "frontier")


def test_points_in_one_cell_share_a_mark_and_a_label() -> None:
    points = [
        Point(0.00100, 80.0, "2", "●", "dominated"),
        Point(0.00100, 80.01, "5", "◆", "pareto"),
        Point(0.1, 90, "1", "◆", "pareto"),
    ]
    plot = _layout(points, 60, 20)
    assert plot.marks["2"] == plot.marks["5"]
    row, col = plot.marks["5"]
    assert plot.lines()[row][col] == "◆"  # the more favourable role shows
    assert "5,2" in plot.labels or "2,5" in plot.labels


def _check_rules(plot: Plot, points: list[Point]) -> None:
    lines = plot.lines()
    mark_cells = set(plot.marks.values())
    label_cells: set[tuple[int, int]] = set()
    for text, (row, col, shown) in plot.labels.items():
        assert text == shown
        assert lines[row][col : col + len(text)] == text  # written whole
        cells = {(row, col + i) for i in range(len(text))}
        assert not cells & mark_cells, f"label {text} covers a mark"
        assert not cells & label_cells, f"label {text} overlaps another label"
        # A blank (or line) cell on each side, so a label never runs into another mark or label.
        for side in (col - 1, col + len(text)):
            if (row, side) in mark_cells:
                assert (row, side) in {plot.marks[k] for k in text.split(",")}, f"label {text} touches a mark"
            assert (row, side) not in label_cells
        label_cells |= cells
    keyed = {k for text in plot.labels for k in text.split(",")} | {k for t in plot.unlabelled for k in t.split(",")}
    assert keyed == {p.key for p in points}  # every point is labelled or reported


@pytest.mark.parametrize("seed", range(12))
def test_random_points_at_many_sizes_never_fail_and_never_overlap(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 30))
    xs = 10 ** rng.uniform(-5, 0, n)
    if seed % 3 == 0:  # clusters: nearly equal values
        xs = 10 ** rng.normal(-3, 0.01, n)
    ys = rng.uniform(40, 100, n) if seed % 2 else rng.normal(85, 0.3, n)
    roles = rng.choice(["pareto", "dominated", "excluded"], n)
    marks = {"pareto": "◆", "dominated": "●", "excluded": "x"}
    points = [
        Point(float(x), float(y), str(i + 1), marks[r], str(r))
        for i, (x, y, r) in enumerate(zip(xs, ys, roles, strict=False))
    ]
    for width in (1, 5, MIN_WIDTH - 1, MIN_WIDTH, 30, 47, 80, 121, 200):
        for height in (1, 3, MIN_HEIGHT - 1, MIN_HEIGHT, 9, 16, 40):
            plot = layout(points, width, height, x_label="$ per task", y_label="accuracy %", x_format=money)
            if width < MIN_WIDTH or height < MIN_HEIGHT:
                assert plot is None
                continue
            if plot is None:  # a wide tick margin can leave too little room: said, not drawn
                continue
            assert len(plot.cells) == height and all(len(r) == width for r in plot.cells)
            _check_rules(plot, points)


def test_one_point_and_equal_values_still_draw() -> None:
    plot = _layout([Point(0.002, 80, "1", "◆", "pareto")], 40, 10)
    assert plot.marks["1"] and "1" in plot.labels
    same = [Point(0.002, 80, str(i), "●", "dominated") for i in range(1, 4)]
    plot = _layout(same, 40, 10)
    assert len(set(plot.marks.values())) == 1
