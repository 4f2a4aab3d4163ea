"""Money, percentages, p-values and durations, written the same way in every output."""

from __future__ import annotations

import math


def money(usd: float | None, digits: int = 3) -> str:
    if usd is None:
        return "n/a"
    if usd == 0:
        return "$0"
    if abs(usd) >= 100:
        return f"${usd:,.0f}"
    if abs(usd) >= 1:
        return f"${usd:,.2f}"
    return f"${usd:.{digits}g}"


def p_value(p: float) -> str:
    """A p-value as people write it: <0.001, 0.012, 0.66 (n/a when undefined)."""
    if math.isnan(p):
        return "n/a"
    if p < 0.001:
        return "<0.001"
    return f"{p:.3f}" if p < 0.1 else f"{p:.2f}"


def pct(x: float | None, digits: int = 1) -> str:
    return "n/a" if x is None else f"{100 * x:.{digits}f}%"


def fmt_ms(ms: float) -> str:
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.0f} ms"


def tokens(n: float) -> str:
    """A token count as people say it: 850, 9.5k, 151k, 1.05M."""
    if n >= 999_500:
        return f"{n / 1_000_000:.3g}M"
    if n >= 10_000:
        return f"{n / 1000:.0f}k"
    if n >= 1000:
        return f"{n / 1000:.1f}k".replace(".0k", "k")
    return f"{n:.0f}"
