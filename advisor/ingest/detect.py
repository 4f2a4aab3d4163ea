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
from advisor.ingest import aggregates, every_eval_ever, helm, inspect, lm_eval, native, openai_evals, parquet, promptfoo
from advisor.records.samples import SampleTable

HEAD_BYTES = 64 * 1024

#: Most specific first: native last, since its sniff is the loosest (aggregates need n and mean).
IMPORTERS: list[ModuleType] = [
    every_eval_ever,
    inspect,
    helm,
    lm_eval,
    openai_evals,
    promptfoo,
    aggregates,
    parquet,
    native,
]


def formats() -> list[str]:
    return [m.NAME for m in IMPORTERS]


def importer_for(path: Path, fmt: str | None = None) -> ModuleType:
    return choose(path, fmt)[0]


def choose(path: Path, fmt: str | None = None) -> tuple[ModuleType, str]:
    """(the importer for ``path``, why it was chosen: said when its reader then refuses the file)."""
    if fmt is not None:
        for module in IMPORTERS:
            if module.NAME == fmt:
                return module, f"read as {fmt} because the format was forced"
        raise InputError(None, f"unknown format {fmt!r} (known: {', '.join(formats())})")
    head = b"" if path.is_dir() else read_head(path, HEAD_BYTES)  # regular files only: never block on a FIFO
    if path.is_dir() and not helm.sniff(path, head) and not parquet.sniff(path, head):
        raise InputError(
            path,
            "is a folder that is neither a HELM run (no run_spec.json) nor holds Parquet files; "
            "name the result files in it",
        )
    if not path.is_dir() and not head.strip():
        raise InputError(path, "the file is empty")
    for module in IMPORTERS:
        if module.sniff(path, head):
            return module, f"read as {module.NAME} (detected by its content)"
    for module in IMPORTERS:
        near = getattr(module, "near_miss", None)
        reason = near(path, head) if near is not None else None
        if reason:
            raise InputError(path, reason)
    if path.suffix.lower() == ".parquet":
        return parquet, "read as parquet (by its name; its content is not Parquet)"  # the reader names the problem
    if path.suffix.lower() in (".jsonl", ".ndjson", ".csv"):
        # its reader names the bad line, which a sniff cannot
        return native, (
            f"no eval tool's format matched its content, so it was read as advisor's native {path.suffix} "
            f"(known formats: {', '.join(formats())})"
        )
    raise InputError(path, f"not a recognised eval results file (known formats: {', '.join(formats())})")


def load_file(
    path: Path, fmt: str | None = None, options: Mapping[str, Mapping[str, Any]] | None = None
) -> tuple[str, SampleTable]:
    """Read one file; ``options[format]`` are keyword options for that importer (e.g. Inspect's scorer).

    When the reader refuses the file, the error says which format was tried and why it was chosen.
    """
    module, why = choose(path, fmt)
    if path.is_dir() and module not in (helm, parquet):
        raise InputError(path, f"is a folder; the {module.NAME} reader reads files ({why})")
    try:
        return module.NAME, module.read(path, **dict((options or {}).get(module.NAME, {})))
    except InputError as exc:
        if "detected by its content" not in why:
            raise InputError(exc.where, f"{exc.message} ({why})") from None
        raise
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc} ({why})") from None


def expand(path: Path) -> list[Path]:
    """A HELM suite folder (``runs/<suite>/``, or ``runs/``) stands for the run folders in it."""
    if not path.is_dir() or helm.sniff(path, b""):
        return [path]
    try:
        runs = sorted(p for p in path.iterdir() if p.is_dir() and helm.sniff(p, b""))
        if not runs:
            runs = sorted(
                r for s in path.iterdir() if s.is_dir() for r in s.iterdir() if r.is_dir() and helm.sniff(r, b"")
            )
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    return runs or [path]


def covered(path: Path, fmt: str | None = None) -> list[Path]:
    """The files one read of ``path`` consumes (a run spread over several files)."""
    try:
        module = importer_for(path, fmt)
    except InputError:
        return [path]
    cover = getattr(module, "covers", None)
    return list(cover(path)) if cover is not None else [path]
