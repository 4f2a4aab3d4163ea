"""Find the eval result files in a folder and name them with globs, for ``advisor init``.

Why this module exists: a new user has a folder of promptfoo, Inspect or
lm-eval output and no ``advisor.toml``. Walking the folder and asking each
importer's ``sniff`` which files are results (and in which format) is the
reading half of writing that file for them; detection is the one the loader
uses (``detect.IMPORTERS``), so what ``init`` finds is what ``rank`` will read.
"""

from __future__ import annotations

import glob
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from advisor.ingest import detect

#: Where results are written, by suffix (HELM runs are folders, found by their run_spec.json).
RESULT_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson", ".csv", ".eval"})
#: Folders never searched: tools, caches and environments, not results.
SKIP_DIRS = frozenset({"node_modules", "__pycache__", "site-packages", "venv", "env"})
#: Stop after looking at this many candidate files (a home folder is not a results folder).
MAX_FILES = 5000


@dataclass(frozen=True)
class Found:
    path: Path
    format: str


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(detect.HEAD_BYTES)
    except OSError:
        return b""


def sniff(path: Path) -> str | None:
    """The format whose importer recognises this file or folder by its content, or None."""
    head = b"" if path.is_dir() else _head(path)
    if not path.is_dir() and not head.strip():
        return None
    for module in detect.IMPORTERS:
        try:
            if module.sniff(path, head):
                return str(module.NAME)
        except (OSError, ValueError):
            continue
    return None


def discover(folder: Path) -> tuple[list[Found], bool]:
    """Every result file (or HELM run folder) under ``folder``, with its format; True when the search was cut short.

    Hidden folders and tool folders (``node_modules``, virtual environments)
    are skipped, symbolic links are not followed, and the search stops after
    ``MAX_FILES`` candidates.
    """
    found: list[Found] = []
    looked = 0
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS and not (here / d / "pyvenv.cfg").exists()
        )
        if (here / "run_spec.json").is_file() and here != folder:
            fmt = sniff(here)
            if fmt is not None:
                found.append(Found(here, fmt))
                dirs[:] = []
                continue
        for name in sorted(files):
            path = here / name
            if path.suffix.lower() not in RESULT_SUFFIXES or name.startswith(".") or path.is_symlink():
                continue
            looked += 1
            if looked > MAX_FILES:
                return found, True
            fmt = sniff(path)
            if fmt is not None:
                found.append(Found(path, fmt))
    return found, False


def globs(folder: Path, found: list[Found]) -> list[str]:
    """The ``results`` patterns for advisor.toml: ``dir/*.ext`` where every such file is a result, else the files.

    Paths are relative to ``folder`` and use ``/``.
    """
    groups: dict[tuple[Path, str], list[Path]] = defaultdict(list)
    out: list[str] = []
    for f in found:
        if f.path.is_dir():
            out.append(glob.escape(f.path.relative_to(folder).as_posix()))
            continue
        groups[(f.path.parent, f.path.suffix)].append(f.path)
    for (parent, suffix), paths in sorted(groups.items()):
        rel = parent.relative_to(folder).as_posix()
        prefix = "" if rel == "." else glob.escape(f"{rel}/")
        siblings = [p for p in parent.iterdir() if p.is_file() and p.suffix == suffix]
        if len(paths) > 1 and len(siblings) == len(paths):
            out.append(f"{prefix}*{glob.escape(suffix)}")
        else:
            out.extend(f"{prefix}{glob.escape(p.name)}" for p in sorted(paths))
    return sorted(out)
