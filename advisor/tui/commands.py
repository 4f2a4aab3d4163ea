"""The command palette (ctrl+p): every action by name, plus profiles and sheets.

Why it exists: a user who does not know a key can still find the action by
typing its name; profiles and price sheets are listed by name so switching
them never needs the mouse.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from advisor.text.sanitise import clean
from advisor.tui.host import AdvisorHost
from advisor.tui.state import sheet_options

#: (title, help, action run on the app)
ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("View: decide", "Priorities, ranking, verdict and detail", "view('decide')"),
    ("View: trade-offs", "Accuracy against cost and latency, with the Pareto frontier", "view('tradeoffs')"),
    ("View: prices", "The price sheet in use, other sheets, diffs and pulls", "view('prices')"),
    ("View: data", "What was loaded from the result files", "view('data')"),
    (
        "Export decision memo (Markdown)",
        "Choose where to write the memo for the decision on screen",
        "export_memo('md')",
    ),
    ("Export decision memo (HTML)", "The same memo as one HTML file with inline charts", "export_memo('html')"),
    ("Reset weights and constraints", "Back to the profile's own weights", "reset_weights"),
    ("Rank on: holdout / dev / all", "Switch the part of the split the ranking uses", "next_part"),
    ("Reload workspace", "Read the workspace and its files again", "reload"),
    ("Pull prices (LiteLLM)", "Fetch a new dated price sheet in the background", "pull_prices"),
    ("Help: keys", "Every key and its binding id", "help"),
    ("Quit", "Leave advisor", "quit"),
)


class AdvisorCommands(Provider):
    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        """(title, help, callback); titles and help are escaped for markup (names come from files)."""
        app = cast(AdvisorHost, self.app)
        out: list[tuple[str, str, Callable[[], object]]] = [
            (title, text, partial(app.run_action, action)) for title, text, action in ACTIONS
        ]
        for option in app.profile_options:
            out.append(
                (
                    f"Profile: {clean(option.name)}",
                    clean(option.description) or option.origin,
                    partial(app.choose_profile, option.ref),
                )
            )
        for sheet in sheet_options(app.session.inputs):
            out.append(
                (
                    f"Prices: use {clean(sheet.label)}",
                    f"Reprice on this {sheet.origin} sheet",
                    partial(app.choose_sheet, sheet.ref),
                )
            )
        return [(escape(title), escape(text), callback) for title, text, callback in out]

    async def discover(self) -> Hits:
        for title, text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=text)
