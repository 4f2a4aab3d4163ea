"""A screen base that knows its app is the AdvisorApp (typed, without an import cycle)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from advisor.tui.app import AdvisorApp


class AdvisorScreen(Screen[None]):
    @property
    def advisor(self) -> AdvisorApp:
        return cast("AdvisorApp", self.app)

    def on_screen_resume(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        """Repaint from the app's session; screens override."""
