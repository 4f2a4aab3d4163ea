"""Export the decision memo from the TUI through the same function the CLI uses.

Why it exists: the memo a user exports from the TUI must be the CLI's memo
(``advisor.memo.write_memo``) for the decision on screen (with the weights and
constraints as edited). This picks a file name that never overwrites.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from advisor.decision.decide import Inputs
from advisor.decision.result import Decision


def memo_path(folder: Path, profile: str, today: dt.date, fmt: str = "md") -> Path:
    """``memo-YYYY-MM-DD-<profile>.<fmt>`` in folder, with -2, -3… if taken."""
    slug = re.sub(r"[^a-z0-9]+", "-", profile.lower()).strip("-") or "memo"
    base = folder / f"memo-{today.isoformat()}-{slug}"
    path = Path(f"{base}.{fmt}")
    n = 2
    while path.exists():
        path = Path(f"{base}-{n}.{fmt}")
        n += 1
    return path


def write(decision: Decision, inputs: Inputs, folder: Path, fmt: str = "md", today: dt.date | None = None) -> Path:
    """Write the memo (``md`` or ``html``); an existing file is never replaced."""
    from advisor.memo import write_memo

    day = today or dt.date.today()
    return write_memo(decision, inputs, memo_path(folder, decision.profile.name, day, fmt), fmt=fmt)
