"""A screen base that sees its app as an ``AdvisorHost`` (typed, without importing the app)."""

from __future__ import annotations

from typing import cast

from textual.screen import Screen

from advisor.tui.host import AdvisorHost


class AdvisorScreen(Screen[None]):
    @property
    def advisor(self) -> AdvisorHost:
        return cast(AdvisorHost, self.app)

    def on_screen_resume(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        """Repaint from the app's session; screens override."""
