"""Where the bundled profiles, price sheets and demo workspace live.

In a wheel they are installed as ``advisor/_data/<name>``; in a source
checkout (an editable install) they are the top-level folders of the repo.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def path(name: str) -> Path:
    """The bundled folder ``profiles``, ``pricing`` or ``demo``."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def demo_workspace() -> Path:
    return path("demo")
