"""Where the bundled profiles, price sheets and demo workspace live.

In a wheel they are installed as ``advisor/_data/<name>``; in a source
checkout (an editable install) they are the top-level folders of the repo.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # the advisor package


def path(name: str) -> Path:
    """The bundled folder ``profiles``, ``pricing`` or ``demo``."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def demo_workspace() -> Path:
    return path("demo")


def display_path(file: Path, root: Path) -> str:
    """A path relative to the workspace, ``bundled/<name>`` for bundled files; never absolute."""
    file = Path(file).resolve()
    for name in ("pricing", "profiles"):
        base = path(name).resolve()
        if file.is_relative_to(base):
            return f"bundled/{file.relative_to(base).as_posix()}"
    try:
        return file.relative_to(root.resolve()).as_posix()
    except ValueError:
        try:
            return Path(os.path.relpath(file, root.resolve())).as_posix()
        except ValueError:  # another drive on Windows
            return file.name
