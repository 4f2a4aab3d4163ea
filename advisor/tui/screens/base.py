"""A screen base that sees its app as an ``AdvisorHost`` (typed, without importing the app).

It also marks the screen with its size class (``-narrow`` below 120 columns,
``-medium`` below 180, ``-short`` below 40 rows) so each screen's CSS can
rearrange itself; the classes change only when a resize crosses a boundary.
"""

from __future__ import annotations

from typing import cast

from textual import events
from textual.screen import Screen

from advisor.tui.host import AdvisorHost

NARROW = 120
MEDIUM = 180
SHORT = 40


class AdvisorScreen(Screen[None]):
    @property
    def advisor(self) -> AdvisorHost:
        return cast(AdvisorHost, self.app)

    def on_screen_resume(self) -> None:
        self.refresh_view()

    def on_resize(self, event: events.Resize) -> None:
        width, height = event.size
        self.set_class(width < NARROW, "-narrow")
        self.set_class(NARROW <= width < MEDIUM, "-medium")
        self.set_class(height < SHORT, "-short")

    def refresh_view(self) -> None:
        """Repaint from the app's session; screens override."""
