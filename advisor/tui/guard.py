"""Keep a failure inside the widget it happened in: catch it, log it, show one line in its place.

Why it exists: a chart that cannot be drawn at some terminal size, or a panel
meeting data of a shape nobody expected, must not take the whole app down
(and the user's edits with it). Each widget builds what it shows through
``guarded``: on an exception the traceback goes to the TUI's log (a file when
the app runs from the command line, see ``install_log``) and the widget shows
a short message instead. ``contained`` does the same for the drawing itself
(a style or layout failure inside Textual while turning content into lines).
Errors the app cannot contain still end the app with a non-zero exit code
(``advisor.tui.run``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from rich.console import RenderableType
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from advisor.text.sanitise import clean

log = logging.getLogger("advisor.tui")

_log_file: Path | None = None

R = TypeVar("R", bound=RenderableType)


class _FileOnFirstUse(logging.FileHandler):
    """A file handler that makes its folder and file only when there is something to log."""

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is None:
            try:
                Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
            except OSError:
                return  # nowhere to log; the widget still shows the failure
        super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        """Never print logging trouble onto the terminal the app is drawing on."""


def install_log(path: Path) -> None:
    """Send the TUI's warnings and errors to ``path`` (created only when something is logged)."""
    global _log_file
    uninstall_log()
    handler = _FileOnFirstUse(path, delay=True, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.WARNING)
    log.propagate = False  # stderr belongs to the terminal the app is drawing on
    _log_file = path


def uninstall_log() -> None:
    """Undo ``install_log`` (tests, and an app embedded in another program, call this)."""
    global _log_file
    for old in [h for h in log.handlers if isinstance(h, _FileOnFirstUse)]:
        log.removeHandler(old)
        old.close()
    log.propagate = True
    log.setLevel(logging.NOTSET)
    _log_file = None


def failure(what: str, exc: BaseException) -> Text:
    """The one line a widget shows in place of what it could not draw."""
    text = Text(f"⚠ {what} could not be shown: ", style="bold")
    text.append(clean(f"{type(exc).__name__}: {exc}"), style="not bold")
    if _log_file is not None:
        text.append(f" (details in {clean(_log_file)})", style="dim not bold")
    return text


def guarded(what: str, build: Callable[[], R]) -> R | Text:
    """``build()``, or the failure line (and a log record with the traceback) when it raises."""
    try:
        return build()
    except Exception as exc:  # one widget's failure must not end the app
        log.exception("%s could not be shown", what)
        return failure(what, exc)


def contained(widget: Widget, crop: Region, draw: Callable[[Region], list[Strip]]) -> list[Strip]:
    """``draw(crop)``, or the failure line in the widget's place when drawing raises.

    A widget opts in by overriding ``render_lines`` with
    ``return contained(self, crop, super().render_lines)``. Each distinct
    failure is logged once (drawing is retried on every repaint, so a resize
    can bring the widget back).
    """
    try:
        lines = draw(crop)
    except Exception as exc:  # one widget's failure must not end the app
        what = f"{type(widget).__name__} #{widget.id}" if widget.id else type(widget).__name__
        key = f"{what}: {type(exc).__name__}: {exc}"
        if key not in _logged:
            log.exception("%s could not be drawn", what)
            _logged.add(key)
        return _failure_strips(widget, crop, failure(what, exc))
    return lines


_logged: set[str] = set()


def _failure_strips(widget: Widget, crop: Region, text: Text) -> list[Strip]:
    console = widget.app.console
    width = max(crop.width, 1)
    lines = [
        Strip(list(line.render(console)), line.cell_len).adjust_cell_length(width) for line in text.wrap(console, width)
    ]
    lines = lines[: crop.height]
    return lines + [Strip.blank(width)] * (crop.height - len(lines))


class Panel(Static):
    """A Static whose drawing failures stay inside it."""

    def render_lines(self, crop: Region) -> list[Strip]:
        return contained(self, crop, super().render_lines)
