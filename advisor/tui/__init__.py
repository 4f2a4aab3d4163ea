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
    """Open the TUI on a workspace folder, block until the user quits, and return the exit code.

    An app that ended on an error (Textual prints its traceback) returns 1, never 0.
    """
    from advisor.tui.app import AdvisorApp
    from advisor.tui.guard import install_log
    from advisor.tui.settings import log_file

    install_log(log_file())
    app = AdvisorApp(folder, profile=profile, prices=prices, weights=weights, part=part)
    app.run()
    return app.return_code or 0
