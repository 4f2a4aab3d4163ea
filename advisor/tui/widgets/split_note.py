"""The selected model against the split: dev and holdout accuracy, its gap, and the tuned-to-dev flag.

Why it exists: the detail view opens a row up; with a private holdout that
includes whether this model's dev figure can be trusted. Every number is the
engine's (``Decision.overfit``); the words are ``advisor.report.overfit``'s.
"""

from __future__ import annotations

from rich.text import Text

from advisor.decision.overfit_result import OverfitCheck
from advisor.report.overfit import pts
from advisor.text.format import p_value, pct
from advisor.tui.format import Palette


def split_note(model: str, check: OverfitCheck | None, palette: Palette) -> Text | None:
    """A few lines for the detail's accuracy panel (None when the workspace has no split)."""
    if check is None:
        return None
    text = Text()
    text.append(
        f"\nranked on the {check.part} of {check.rotation} ({check.ranked_items:,} items; h: switch)\n",
        style="dim",
    )
    g = check.get(model)
    if g is None:
        text.append("not in the dev/holdout check (no items to split)")
        return text
    text.append(f"dev {pct(g.dev)} · holdout {pct(g.holdout)} · gap {pts(g.gap)} pts")
    if g.excess is not None:
        text.append(f"\nbeyond the others {pts(g.excess)} ({pts(g.excess_low)} to {pts(g.excess_high)})")
        text.append(f", p {p_value(g.p_adjusted if g.p_adjusted is not None else 1.0)} adj.")
    if g.flagged:
        text.append("\nlooks tuned to dev: trust its holdout figure", style=f"bold {palette.bad}")
    return text
