"""Inline SVG charts for the HTML memo: accuracy against cost, and the score breakdown.

Why this module exists: a memo read in a browser should show the trade-off at
a glance without loading anything from the network, so the charts are
generated here as plain SVG text (deterministic, so golden files stay
stable). Every mark also carries text (labels, ``<title>`` tooltips), so
nothing is told by colour alone.
"""

from __future__ import annotations

import html
import math

from advisor.decision.result import Decision, ModelResult
from advisor.inputs.profiles import CRITERIA
from advisor.memo import labels
from advisor.text.format import money, percentages
from advisor.text.sanitise import clean

COLOURS = {"accuracy": "#2f6fbf", "cost": "#d9822b", "latency": "#7a52b3", "gracefulness": "#2e9e6a"}
LETTER = {"accuracy": "A", "cost": "C", "latency": "L", "gracefulness": "G"}


def _e(text: str) -> str:
    return html.escape(clean(text), quote=True)


def _short(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def _ticks(lo: float, hi: float, step: float, length: float, min_gap: float) -> float:
    """A tick step (a multiple of ``step``) whose ticks are at least ``min_gap`` px apart."""
    while (hi - lo) / step > 1 and length / ((hi - lo) / step) < min_gap:
        step *= 2
    return step


def scatter(decision: Decision) -> str | None:
    """Accuracy (y) against cost per task (x, log scale); the Pareto front joined by a line.

    Each point is labelled with its model where a free spot exists
    (``labels.place``); when one does not, every point is keyed by a number
    and the names are listed under the chart.
    """
    pts = [
        (m, m.cost_per_task_usd, m.accuracy.mean)
        for m in decision.models
        if m.accuracy is not None and m.cost_per_task_usd is not None and m.cost_per_task_usd > 0
    ]
    if len(pts) < 2:
        return None
    w, h, left, right, top, bottom = 720, 380, 64, 150, 20, 48
    xs = [math.log10(c) for _, c, _ in pts]
    # the y range holds every interval, so no error bar runs off the plot
    ys = [v for m, _, _ in pts if m.accuracy is not None for v in (m.accuracy.ci_low, m.accuracy.ci_high)]
    x0, x1 = math.floor(min(xs) * 2) / 2, math.ceil(max(xs) * 2) / 2
    if x1 - x0 < 0.5:
        x1 = x0 + 0.5
    y0 = max(0.0, math.floor(min(ys) * 20 - 1) / 20)
    y1 = min(1.0, math.ceil(max(ys) * 20 + 1) / 20)
    pw, ph = w - left - right, h - top - bottom

    def px(v: float) -> float:
        return left + (math.log10(v) - x0) / (x1 - x0) * pw

    def py(v: float) -> float:
        return top + (1 - (v - y0) / (y1 - y0)) * ph

    marks = [(px(c), py(a)) for _, c, a in pts]
    names = [_short(m.model) + (" (pick)" if m.rank == 1 else " (excluded)" if m.excluded else "") for m, _, _ in pts]
    legend_x = left + pw + 12
    legend = [("— — Pareto front", top + 12), ("○ excluded", top + 30), ("| 95% interval", top + 48)]
    obstacles = [labels.text_box(legend_x, y, labels.text_width(t)) for t, y in legend]
    area = labels.Box(left + 2, top, w - 4, top + ph - 2)
    widths = [labels.text_width(n) for n in names]
    placed = labels.place(marks, widths, area, obstacles)
    keyed = placed is None
    if placed is None:  # too crowded for names: key the points by number and list the names below
        names = [str(i) for i in range(1, len(pts) + 1)]
        widths = [labels.text_width(n) for n in names]
        placed = labels.place(marks, widths, area, obstacles)
    key_lines = (
        [
            f"{i}  {m.model}: {100 * a:.1f}%, {money(c)}/task"
            + ("  (pick)" if m.rank == 1 else "  (excluded)" if m.excluded else "")
            for i, (m, c, a) in enumerate(pts, start=1)
        ]
        if keyed
        else []
    )
    full_h = h + 18 * len(key_lines) + (8 if key_lines else 0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {full_h}" width="{w}" height="{full_h}" '
        'role="img" aria-label="Accuracy against cost per task">',
        f'<rect class="bg" x="0" y="0" width="{w}" height="{full_h}" fill="#fff"/>',
        f'<line class="axis" x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#57606a"/>',
        f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="#57606a"/>',
    ]
    step = _ticks(x0, x1, 0.5, pw, 70)
    k = x0
    while k <= x1 + 1e-9:
        x = left + (k - x0) / (x1 - x0) * pw
        parts.append(f'<line x1="{x:.1f}" y1="{top + ph}" x2="{x:.1f}" y2="{top + ph + 4}" stroke="#57606a"/>')
        parts.append(f'<text x="{x:.1f}" y="{top + ph + 18}" text-anchor="middle">{_e(money(10**k))}</text>')
        k += step
    y_step = _ticks(y0, y1, 0.05, ph, 22)
    steps = max(1, round((y1 - y0) / y_step))
    for i in range(steps + 1):
        v = y0 + i * y_step
        if v > y1 + 1e-9:
            break
        parts.append(f'<text x="{left - 6}" y="{py(v) + 4:.1f}" text-anchor="end">{100 * v:.0f}%</text>')
    parts.append(f'<text x="{left + pw / 2:.1f}" y="{h - 8}" text-anchor="middle">cost per task (log scale)</text>')
    parts.append(
        f'<text x="14" y="{top + ph / 2:.1f}" transform="rotate(-90 14 {top + ph / 2:.1f})" '
        'text-anchor="middle">accuracy</text>'
    )
    front = sorted((c, a) for m, c, a in pts if m.pareto and not m.excluded)
    if len(front) > 1:
        path = " ".join(f"{px(c):.1f},{py(a):.1f}" for c, a in front)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#2e9e6a" stroke-dasharray="5 3"/>')
    for i, (m, c, a) in enumerate(pts):
        cx, cy = marks[i]
        err = ""
        if m.accuracy is not None:
            err = (
                f'<line x1="{cx:.1f}" y1="{py(m.accuracy.ci_low):.1f}" x2="{cx:.1f}" '
                f'y2="{py(m.accuracy.ci_high):.1f}" stroke="#8c959f"/>'
            )
        style = (
            'fill="none" stroke="#8c959f"'
            if m.excluded
            else ('fill="#d9822b" stroke="#1b1f24"' if m.rank == 1 else 'fill="#2f6fbf" stroke="none"')
        )
        tip = f"{m.model}: accuracy {100 * a:.1f}%, {money(c)}/task" + (
            f"; excluded: {m.excluded}" if m.excluded else ""
        )
        label = ""
        if placed is not None:
            spot = placed[i]
            if spot.leader:
                lx = min(max(cx, spot.x), spot.x + spot.width)
                ly = spot.baseline - 4
                label += f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{lx:.1f}" y2="{ly:.1f}" stroke="#8c959f"/>'
            label += (
                f'<text class="label" x="{spot.x:.1f}" y="{spot.baseline:.1f}" textLength="{spot.width:.1f}" '
                f'lengthAdjust="spacingAndGlyphs">{_e(names[i])}</text>'
            )
        parts.append(f'<g><title>{_e(tip)}</title>{err}<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" {style}/>{label}</g>')
    for text, y in legend:
        parts.append(f'<text x="{legend_x}" y="{y}">{_e(text)}</text>')
    for j, line in enumerate(key_lines):
        parts.append(f'<text x="{left}" y="{h + 8 + 18 * j}">{_e(line)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _fit(text: str, width: float) -> str:
    """``text`` shortened in the middle (with …) to fit ``width`` px; the full name stays in the tooltip."""
    if labels.text_width(text) <= width:
        return text
    keep = len(text)
    while keep > 4 and labels.text_width(text[: keep // 2] + "…" + text[len(text) - keep // 2 :]) > width:
        keep -= 1
    return text[: keep // 2] + "…" + text[len(text) - keep // 2 :]


def breakdown_bars(decision: Decision) -> str:
    """One stacked bar per ranked model: each criterion's weight × utility, labelled with its letter.

    Excluded models are listed without a bar: they are not ranked, so they get no score.
    """
    models: list[ModelResult] = list(decision.models)
    names = [_fit(("#" + str(m.rank) + " " if m.rank else "– ") + _short(m.model), 300) for m in models]
    row, top, scale = 26, 28, 420.0
    left = int(max(labels.text_width(n) for n in names) + 16) if names else 100
    keys = [
        f"{LETTER[c]} {c} ({pct})"
        for c, pct in zip(CRITERIA, percentages([decision.weights[c] for c in CRITERIA]), strict=True)
    ]
    legend_w = sum(16 + labels.text_width(k) + 14 for k in keys)
    w = int(max(left + scale + 70, left + legend_w))
    h = top + row * len(models) + 12
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="Score breakdown per model">',
        f'<rect class="bg" x="0" y="0" width="{w}" height="{h}" fill="#fff"/>',
    ]
    x = float(left)
    for c, key in zip(CRITERIA, keys, strict=True):
        parts.append(
            f'<rect x="{x:.1f}" y="6" width="12" height="12" fill="{COLOURS[c]}"/>'
            f'<text x="{x + 16:.1f}" y="16">{_e(key)}</text>'
        )
        x += 16 + labels.text_width(key) + 14
    for i, m in enumerate(models):
        y = top + i * row
        parts.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end"><title>{_e(m.model)}</title>{_e(names[i])}</text>'
        )
        if m.excluded:
            parts.append(f'<text x="{left + 6}" y="{y + 15}" style="fill:#8c959f">excluded: not ranked</text>')
            continue
        x = float(left)
        for c in CRITERIA:
            width = m.breakdown[c] * scale
            if width <= 0:
                continue
            tip = (
                f"{m.model} {c}: {m.breakdown[c]:.3f} (utility {m.utilities[c]:.2f} × weight {decision.weights[c]:.2f})"
            )
            parts.append(
                f'<g><title>{_e(tip)}</title><rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" '
                f'height="{row - 8}" fill="{COLOURS[c]}"/>'
            )
            if width >= 18:
                parts.append(
                    f'<text x="{x + width / 2:.1f}" y="{y + 15}" text-anchor="middle" '
                    f'style="fill:#fff">{LETTER[c]}</text>'
                )
            parts.append("</g>")
            x += width
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 15}">{m.score:.2f}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
