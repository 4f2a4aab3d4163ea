"""One error type for bad input, so every front end can print one clear line.

An ``InputError`` names the file and the place in it (line, key, member); the
CLI prints it as a single line and exits non-zero, the TUI shows it in place.
"""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad input: a file, and the place in it, and what is wrong there."""

    def __init__(self, where: str | Path | None, message: str) -> None:
        self.where = str(where) if where is not None else None
        self.message = message
        super().__init__(self.line())

    def line(self) -> str:
        """One line, always: a line break in the message is a space; in the place (a key from the file) it
        stays visible as ``\\n``."""
        text = self.message.replace("\r", " ").replace("\n", " ")
        if not self.where:
            return text
        where = self.where.replace("\r", "\\r").replace("\n", "\\n")
        return f"{where}: {text}"


class NothingToRank(InputError):
    """A readable result file that holds no evidence at all (say, a run cancelled before any sample).

    Alone it is an error; beside other files it is skipped with a warning, so one
    empty run never sinks a workspace.
    """


class InputErrors(InputError):
    """Several bad inputs found in one pass (a folder of mixed files)."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        super().__init__(None, "; ".join(e.line() for e in errors))

    def lines(self) -> list[str]:
        return [e.line() for e in self.errors]


def at(path: str | Path, place: str | int | None = None) -> str:
    """Format a location: ``file``, ``file:12`` for a line, ``file[key]``."""
    if place is None:
        return str(path)
    if isinstance(place, int):
        return f"{path}:{place}"
    return f"{path} [{place}]"
