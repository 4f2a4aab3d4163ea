"""Messages that workers post to the app (past tense: they report what happened).

Why it exists: thread workers never touch widgets; they post one of these and
the app, on the UI thread, updates the session and repaints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from advisor.decision.decide import Inputs
from advisor.decision.result import Uncertainty
from advisor.tui.state import LoadProblem


@dataclass
class WorkspaceLoaded(Message):
    result: Inputs | LoadProblem
    #: Price sheet reference this load used (None: the workspace's).
    prices: str | None = None


@dataclass
class StatsComputed(Message):
    generation: int
    stats: Uncertainty | None
    error: str | None = None


@dataclass
class SheetRepriced(Message):
    ref: str
    result: Inputs | LoadProblem


@dataclass
class MemoWritten(Message):
    path: Path | None
    error: str | None
