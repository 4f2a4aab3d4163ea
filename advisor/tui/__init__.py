"""The Textual front end: the only package in advisor that imports Textual.

Why it exists: the decision is made interactively here (weights moved, the
ranking re-ordered, a model inspected), while everything it shows comes from
the engine (``advisor.decision.decide``). ``run`` is what ``advisor tui`` calls; it
imports the app lazily so importing this package stays cheap.
"""

from __future__ import annotations

from pathlib import Path


def run(
    folder: Path,
    *,
    profile: str | None = None,
    prices: str | None = None,
    weights: dict[str, float] | None = None,
    part: str | None = None,
) -> int:
    """Open the TUI on a workspace folder and block until the user quits."""
    from advisor.tui.app import AdvisorApp

    AdvisorApp(folder, profile=profile, prices=prices, weights=weights, part=part).run()
    return 0
