"""Place chart labels so that none overlaps another, a point, or the chart's own text.

Why this module exists: models often sit close together on an accuracy/cost
chart, and labels written at a fixed offset then overlap and cannot be read.
Each label is tried at positions around its point, nearest first, and takes
the first free one (a leader line joins it to its point when it had to move
away). Widths are estimated from per-character advances of a 12 px sans-serif
font, and the SVG states them (``textLength``), so the browser draws each
label exactly as wide as it was placed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

FONT_PX = 12.0
#: The height a 12 px label occupies (ascent to descent), and how far its baseline sits above the bottom.
LINE_PX, DESCENT_PX = 15.0, 3.5
#: Gap kept between a label and anything else.
GAP_PX = 2.0

# Advance widths in em of a typical sans-serif (DejaVu Sans / Helvetica-like), by character class.
_NARROW = {c: 0.30 for c in "iljI.,:;'|!` "}
_SLIM = {c: 0.40 for c in 'frt()[]/\\-"*'}
_WIDE = {c: 0.90 for c in "mwMW%@"}
_DIGIT = {c: 0.64 for c in "0123456789$#+=<>~^"}


def text_width(text: str, size: float = FONT_PX) -> float:
    """Estimated advance width of ``text`` in px (generous, so real text fits inside)."""
    em = 0.0
    for ch in text:
        em += _NARROW.get(ch) or _SLIM.get(ch) or _WIDE.get(ch) or _DIGIT.get(ch) or (0.72 if ch.isupper() else 0.62)
    return em * size


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, gap: float = GAP_PX) -> bool:
        return not (
            self.x1 + gap <= other.x0
            or other.x1 + gap <= self.x0
            or self.y1 + gap <= other.y0
            or other.y1 + gap <= self.y0
        )

    def inside(self, area: Box) -> bool:
        return self.x0 >= area.x0 and self.y0 >= area.y0 and self.x1 <= area.x1 and self.y1 <= area.y1


def text_box(x: float, baseline: float, width: float, anchor: str = "start") -> Box:
    """The box a label drawn at (x, baseline) with this anchor covers."""
    x0 = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
    return Box(x0, baseline - (LINE_PX - DESCENT_PX), x0 + width, baseline + DESCENT_PX)


@dataclass(frozen=True)
class Placed:
    x: float  # start of the text (text-anchor start)
    baseline: float
    width: float
    leader: bool  # drawn away from its point: join them with a line


#: Distances (px) from the point to the nearest edge of its label, tried in order, and directions around it.
_RINGS = (7.0, 16.0, 28.0, 44.0, 64.0, 90.0, 120.0)
_ANGLES = tuple(math.radians(a) for a in (0, 180, 90, 270, 45, 315, 135, 225, 22, 338, 158, 202, 68, 292, 112, 248))


def place(
    points: list[tuple[float, float]],
    widths: list[float],
    area: Box,
    obstacles: list[Box],
    marker: float = 6.0,
) -> list[Placed] | None:
    """A free position for each point's label (in order), or None if one cannot be placed.

    Labels stay inside ``area`` and clear of every marker, every obstacle and
    every label placed before them.
    """
    taken = [*obstacles, *(Box(x - marker, y - marker, x + marker, y + marker) for x, y in points)]
    out: list[Placed] = []
    for (px, py), width in zip(points, widths, strict=True):
        spot = _free_spot(px, py, width, area, taken)
        if spot is None:
            return None
        out.append(spot)
        taken.append(text_box(spot.x, spot.baseline, spot.width))
    return out


def _free_spot(px: float, py: float, width: float, area: Box, taken: list[Box]) -> Placed | None:
    half_h = LINE_PX / 2
    for ring, r in enumerate(_RINGS):
        for a in _ANGLES:
            dx, dy = math.cos(a), -math.sin(a)
            # the label's centre, r px beyond the point's side in direction a
            cx = px + dx * (r + width / 2) if abs(dx) > 0.3 else px + dx * r
            cy = py + dy * (r + half_h) if abs(dy) > 0.3 else py
            x0 = cx - width / 2
            baseline = cy + half_h - DESCENT_PX
            box = text_box(x0, baseline, width)
            if box.inside(area) and not any(box.overlaps(t) for t in taken):
                return Placed(x0, baseline, width, leader=ring > 1)
    return None
