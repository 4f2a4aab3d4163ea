"""The app's shared state as screens and the command palette see it, without importing the app.

Why this module exists: screens and palette providers sit below the app (the
app composes them), so they must not import ``advisor.tui.app``. The reactive
state they watch (the session's revision, the bootstrap result, the selected
model) and the few calls they make are declared here; ``AdvisorApp`` subclasses
this and fills it in, and the import graph stays acyclic.
"""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.reactive import reactive

from advisor.decision.result import Uncertainty
from advisor.text.sanitise import clean
from advisor.tui.settings import Settings
from advisor.tui.state import ProfileOption, Session


class AdvisorHost(App[None]):
    revision: reactive[int] = reactive(0, init=False)
    """Bumped whenever the session's decision (or load state) changes; screens watch it."""
    stats: reactive[Uncertainty | None] = reactive(None, init=False)
    """The bootstrap result for the current decision, or None until it arrives."""
    selected: reactive[str | None] = reactive(None, init=False)
    """The model highlighted in the ranking (the detail and trade-off views follow it)."""

    session: Session
    profile_options: list[ProfileOption]
    stats_pending: bool
    settings: Settings

    def choose_profile(self, ref: str) -> None:
        raise NotImplementedError

    def choose_sheet(self, ref: str) -> None:
        raise NotImplementedError

    def key_for(self, binding_id: str) -> str:
        """How the first key bound to ``binding_id`` is shown, after the user's keymap (for hints in text)."""
        keys = self.settings.keymap.get(binding_id)
        if keys is None:
            keys = next((b.key for b in self.all_bindings() if b.id == binding_id), binding_id)
        first = keys.split(",")[0].strip()
        return self.get_key_display(Binding(first, "noop"))

    def all_bindings(self) -> list[Binding]:
        """Every binding the app and its views declare (the help screen lists them)."""
        raise NotImplementedError

    def tell(
        self, message: str, *, title: str = "", severity: SeverityLevel = "information", timeout: float | None = None
    ) -> None:
        """A toast whose text is shown literally: control characters escaped, no markup."""
        self.notify(clean(message), title=clean(title), severity=severity, timeout=timeout, markup=False)
