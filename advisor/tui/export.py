"""Export the decision memo from the TUI through the same function the CLI uses.

Why it exists: the memo a user exports from the TUI must be the CLI's memo
(``advisor.memo.write_memo``) for the decision on screen (with the weights and
constraints as edited), written where the user chose in the export dialog.
The dialog's default folder is the user's: the workspace when it is theirs,
the folder they started advisor in when the workspace is the bundled demo
(which may sit inside the installed package), never the package itself.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from advisor.decision.decide import Inputs
from advisor.decision.result import Decision
from advisor.files import bundled

FORMATS = {"md": "Markdown", "html": "HTML"}


def memo_name(folder: Path, profile: str, today: dt.date, fmt: str = "md") -> Path:
    """``memo-YYYY-MM-DD-<profile>.<fmt>`` in folder, with -2, -3… if taken."""
    slug = re.sub(r"[^a-z0-9]+", "-", profile.lower()).strip("-") or "memo"
    base = folder / f"memo-{today.isoformat()}-{slug}"
    path = Path(f"{base}.{fmt}")
    n = 2
    while path.exists():
        path = Path(f"{base}-{n}.{fmt}")
        n += 1
    return path


def is_bundled(folder: Path) -> bool:
    """Whether ``folder`` is (inside) advisor's own data: the demo, profiles, price sheets."""
    where = folder.resolve()
    return any(where.is_relative_to(bundled.path(name).resolve()) for name in ("demo", "profiles", "pricing"))


def default_folder(workspace: Path, start: Path, setting: Path | None = None) -> Path:
    """Where the export dialog proposes to write: the setting, else the user's workspace, else where they started."""
    if setting is not None:
        return setting.expanduser()
    if not is_bundled(workspace):
        return workspace
    if not is_bundled(start):
        return start
    return Path.home()


def with_format(path: Path, fmt: str) -> Path:
    """``path`` with the suffix of ``fmt`` when it has one of the memo suffixes (or none)."""
    if path.suffix.lower() in {"", ".md", ".html", ".htm"}:
        return path.with_suffix(f".{fmt}")
    return path


def write(decision: Decision, inputs: Inputs, path: Path, fmt: str, *, overwrite: bool = False) -> Path:
    """Write the memo (``md`` or ``html``) atomically; an existing file only with ``overwrite``."""
    from advisor.memo import write_memo

    return write_memo(decision, inputs, path, fmt=fmt, force=overwrite)
