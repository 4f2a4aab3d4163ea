"""Pick the importer for a file by its content, and load a workspace's files.

Each importer module has ``NAME``, ``sniff(path, head) -> bool`` and
``read(path) -> SampleTable`` (aggregates ride on an empty table's
``aggregates``). Detection reads the first bytes of a file (and
the file name only as a hint), so a renamed export still loads. Loading many
files reports every bad one, not just the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from advisor.errors import InputError
from advisor.files.reading import read_head
from advisor.ingest import aggregates, helm, inspect, lm_eval, native, openai_evals, promptfoo
from advisor.records.samples import SampleTable

HEAD_BYTES = 64 * 1024

#: Most specific first: native last, since its sniff is the loosest (aggregates need n and mean).
IMPORTERS: list[ModuleType] = [inspect, helm, lm_eval, openai_evals, promptfoo, aggregates, native]


def formats() -> list[str]:
    return [m.NAME for m in IMPORTERS]


def importer_for(path: Path, fmt: str | None = None) -> ModuleType:
    if fmt is not None:
        for module in IMPORTERS:
            if module.NAME == fmt:
                return module
        raise InputError(None, f"unknown format {fmt!r} (known: {', '.join(formats())})")
    head = b"" if path.is_dir() else read_head(path, HEAD_BYTES)  # regular files only: never block on a FIFO
    if not path.is_dir() and not head.strip():
        raise InputError(path, "the file is empty")
    for module in IMPORTERS:
        if module.sniff(path, head):
            return module
    if path.suffix.lower() in (".jsonl", ".ndjson", ".csv"):
        return native  # its reader names the bad line, which a sniff cannot
    raise InputError(path, f"not a recognised eval results file (known formats: {', '.join(formats())})")


def load_file(
    path: Path, fmt: str | None = None, options: Mapping[str, Mapping[str, Any]] | None = None
) -> tuple[str, SampleTable]:
    """Read one file; ``options[format]`` are keyword options for that importer (e.g. Inspect's scorer)."""
    module = importer_for(path, fmt)
    return module.NAME, module.read(path, **dict((options or {}).get(module.NAME, {})))


def covered(path: Path, fmt: str | None = None) -> list[Path]:
    """The files one read of ``path`` consumes (a run spread over several files)."""
    try:
        module = importer_for(path, fmt)
    except InputError:
        return [path]
    cover = getattr(module, "covers", None)
    return list(cover(path)) if cover is not None else [path]
