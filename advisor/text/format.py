"""Money, percentages, p-values and durations, written the same way in every output."""

from __future__ import annotations

import math
from collections.abc import Sequence


def money(usd: float | None, digits: int = 3) -> str:
    if usd is None:
        return "n/a"
    if usd == 0:
        return "$0"
    if abs(usd) >= 100:
        return f"${usd:,.0f}"
    if abs(usd) >= 1:
        return f"${usd:,.2f}"
    text = f"{usd:.{digits}g}"
    if "e" in text:  # $0.0000069, not $6.9e-06
        places = digits - 1 - math.floor(math.log10(abs(usd)))
        text = f"{usd:.{places}f}".rstrip("0").rstrip(".")
    return f"${text}"


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


def rounded_parts(values: Sequence[float], digits: int) -> tuple[list[float], float]:
    """Non-negative parts rounded to ``digits`` so that, as shown, they add up to their rounded total.

    Largest-remainder rounding: each part is rounded down, then the units
    still missing go to the parts that lost the most. Returns (parts, total).
    """
    scale = 10**digits
    target = round(math.fsum(values) * scale)
    floors = [math.floor(v * scale + 1e-9) for v in values]
    order = sorted(range(len(values)), key=lambda i: -(values[i] * scale - floors[i]))
    for i in order[: max(0, target - sum(floors))]:
        floors[i] += 1
    return [f / scale for f in floors], target / scale


def percentages(shares: Sequence[float], digits: int = 0) -> list[str]:
    """Shares of a whole as percentages that add up to the whole's (100% for shares summing to 1)."""
    parts, _ = rounded_parts([100 * s for s in shares], digits)
    return [f"{p:.{digits}f}%" for p in parts]


def signed(x: float, digits: int = 1) -> str:
    """``+1.2`` / ``-0.4`` / ``0.0``: a sign only when the rounded value has one (never ``-0.0``)."""
    text = f"{x:+.{digits}f}"
    return text[1:] if float(text) == 0 else text


def graceful(x: float | None) -> str:
    """Gracefulness as shown: two decimals, or "unknown" when the results do not say how a model fails."""
    return "unknown" if x is None else f"{x:.2f}"


def tokens(n: float) -> str:
    """A token count as people say it: 850, 9.5k, 151k, 1.05M."""
    if n >= 999_500:
        return f"{n / 1_000_000:.3g}M"
    if n >= 10_000:
        return f"{n / 1000:.0f}k"
    if n >= 1000:
        return f"{n / 1000:.1f}k".replace(".0k", "k")
    return f"{n:.0f}"
