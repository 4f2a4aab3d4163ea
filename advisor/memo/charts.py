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
from advisor.text.format import money
from advisor.text.sanitise import clean

COLOURS = {"accuracy": "#2f6fbf", "cost": "#d9822b", "latency": "#7a52b3", "gracefulness": "#2e9e6a"}
LETTER = {"accuracy": "A", "cost": "C", "latency": "L", "gracefulness": "G"}


def _e(text: str) -> str:
    return html.escape(clean(text), quote=True)


def _short(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def scatter(decision: Decision) -> str | None:
    """Accuracy (y) against cost per task (x, log scale); the Pareto front joined by a line."""
    pts = [
        (m, m.cost_per_task_usd, m.accuracy.mean)
        for m in decision.models
        if m.accuracy is not None and m.cost_per_task_usd is not None and m.cost_per_task_usd > 0
    ]
    if len(pts) < 2:
        return None
    w, h, left, right, top, bottom = 720, 380, 64, 190, 20, 48
    xs = [math.log10(c) for _, c, _ in pts]
    ys = [a for _, _, a in pts]
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

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="Accuracy against cost per task">',
        f'<rect class="bg" x="0" y="0" width="{w}" height="{h}" fill="#fff"/>',
        f'<line class="axis" x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#57606a"/>',
        f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + ph}" stroke="#57606a"/>',
    ]
    k = x0
    while k <= x1 + 1e-9:
        x = left + (k - x0) / (x1 - x0) * pw
        parts.append(f'<line x1="{x:.1f}" y1="{top + ph}" x2="{x:.1f}" y2="{top + ph + 4}" stroke="#57606a"/>')
        parts.append(f'<text x="{x:.1f}" y="{top + ph + 18}" text-anchor="middle">{_e(money(10**k))}</text>')
        k += 0.5
    steps = max(1, round((y1 - y0) / 0.05))
    for i in range(steps + 1):
        v = y0 + i * (y1 - y0) / steps
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
    for m, c, a in pts:
        cx, cy = px(c), py(a)
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
        label = _short(m.model) + (" (pick)" if m.rank == 1 else " (excluded)" if m.excluded else "")
        tip = f"{m.model}: accuracy {100 * a:.1f}%, {money(c)}/task" + (
            f"; excluded: {m.excluded}" if m.excluded else ""
        )
        parts.append(
            f'<g><title>{_e(tip)}</title>{err}<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" {style}/>'
            f'<text x="{cx + 8:.1f}" y="{cy + 4:.1f}">{_e(label)}</text></g>'
        )
    parts.append(f'<text x="{left + pw + 12}" y="{top + 12}">— — Pareto front</text>')
    parts.append(f'<text x="{left + pw + 12}" y="{top + 30}">○ excluded</text>')
    parts.append(f'<text x="{left + pw + 12}" y="{top + 48}">| 95% interval</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def breakdown_bars(decision: Decision) -> str:
    """One stacked bar per model: each criterion's weight × utility, labelled with its letter."""
    models: list[ModelResult] = list(decision.models)
    row, left, top, scale = 26, 250, 28, 420.0
    w, h = left + int(scale) + 70, top + row * len(models) + 12
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="Score breakdown per model">',
        f'<rect class="bg" x="0" y="0" width="{w}" height="{h}" fill="#fff"/>',
    ]
    x = float(left)
    for c in CRITERIA:
        parts.append(
            f'<rect x="{x:.1f}" y="6" width="12" height="12" fill="{COLOURS[c]}"/>'
            f'<text x="{x + 16:.1f}" y="16">{LETTER[c]} {c} ({100 * decision.weights[c]:.0f}%)</text>'
        )
        x += 110
    for i, m in enumerate(models):
        y = top + i * row
        name = ("#" + str(m.rank) + " " if m.rank else "– ") + _short(m.model)
        parts.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{_e(name)}</text>')
        x = float(left)
        for c in CRITERIA:
            width = m.breakdown[c] * scale
            if width <= 0:
                continue
            tip = (
                f"{m.model} {c}: {m.breakdown[c]:.3f} (utility {m.utilities[c]:.2f} × weight {decision.weights[c]:.2f})"
            )
            opacity = ' fill-opacity="0.45"' if m.excluded else ""
            parts.append(
                f'<g><title>{_e(tip)}</title><rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" '
                f'height="{row - 8}" fill="{COLOURS[c]}"{opacity}/>'
            )
            if width >= 18:
                parts.append(
                    f'<text x="{x + width / 2:.1f}" y="{y + 15}" text-anchor="middle" '
                    f'style="fill:#fff">{LETTER[c]}</text>'
                )
            parts.append("</g>")
            x += width
        tail = f"{m.score:.2f}" + (" excluded" if m.excluded else "")
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 15}">{_e(tail)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
