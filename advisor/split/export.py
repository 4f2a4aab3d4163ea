"""Write the dev and holdout item lists in forms eval tools filter on (``advisor split --export DIR``).

Why this module exists: the split only protects the holdout if iteration
runs on dev alone, so the lists must be usable as they are:

- ``dev/<task>.txt``, ``holdout/<task>.txt``: one sample id per line, every task;
  ``items.json`` holds the same lists exactly (ids with line breaks included);
- ``inspect/<part>.txt``: the value of ``inspect eval --sample-id`` (comma
  separated, each id scoped ``task:id`` and escaped, since Inspect matches ids
  as fnmatch patterns); ``inspect/<part>.json`` the same list for
  ``inspect_ai.eval(..., sample_id=[...])``; for tasks read from Inspect logs;
- ``promptfoo/<task>.<part>.json``: the test cases promptfoo ran (copied from
  its results, ``metadata.advisor_split`` and ``advisor_sample_id`` added), a
  tests file for ``promptfoo eval -t FILE`` or ``tests: file://FILE``.

``manifest.json`` says which file holds what. The folder is written whole or
not at all: into a temporary sibling, then swapped in; an existing folder is
replaced only when it is an earlier export (its manifest says so) or empty.
File names come from task names through ``slug`` (no path separators, a hash
suffix so two tasks never share a file).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from advisor.errors import InputError
from advisor.files.atomic import FILE_MODE
from advisor.ingest import promptfoo
from advisor.ingest.load import FileInfo
from advisor.records.samples import SampleTable
from advisor.split.assign import SplitView, item_codes

EXPORT_KIND = "advisor-split-export"
PARTS = ("dev", "holdout")


def slug(task: str) -> str:
    """A file name for a task: its safe characters and a short hash of the whole name."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", task).strip("-.")[:60] or "task"
    return f"{safe}-{hashlib.sha256(task.encode('utf-8')).hexdigest()[:8]}"


def inspect_pattern(task: str, sample_id: str) -> str:
    """``task:id`` with fnmatch's specials escaped (Inspect matches ``--sample-id`` entries as patterns)."""
    escaped = re.sub(r"([*?\[])", r"[\1]", sample_id)
    return f"{task}:{escaped}"


@dataclass(frozen=True)
class Exported:
    folder: Path
    files: tuple[str, ...]
    notes: tuple[str, ...]


def item_lists(table: SampleTable, view: SplitView) -> dict[str, dict[str, list[str]]]:
    """Per task, the sorted sample ids of each part."""
    uniq, inverse, eval_rows = item_codes(table)
    held = np.zeros(uniq.size, dtype=bool)
    held[inverse[eval_rows]] = view.row_holdout[eval_rows]
    n_ids = len(table.sample_ids) + 1
    out: dict[str, dict[str, list[str]]] = {}
    for k, h in zip(uniq.tolist(), held.tolist(), strict=True):
        if k < 0:
            continue
        task, sid = table.tasks[k // n_ids], table.sample_ids[k % n_ids]
        out.setdefault(task, {"dev": [], "holdout": []})["holdout" if h else "dev"].append(sid)
    for parts in out.values():
        for ids in parts.values():
            ids.sort()
    return dict(sorted(out.items()))


def _tasks_of(files: Sequence[FileInfo], fmt: str) -> set[str]:
    return {t for f in files if f.format == fmt for t in f.table.tasks}


def _render(
    lists: dict[str, dict[str, list[str]]],
    view: SplitView,
    files: Sequence[FileInfo],
    options: Mapping[str, Mapping[str, Any]],
) -> tuple[dict[str, str], list[str]]:
    """Every file of the export (relative path → text) and notes for the user."""
    out: dict[str, str] = {}
    notes: list[str] = []
    manifest: dict[str, Any] = {
        "kind": EXPORT_KIND,
        "rotation": view.rotation,
        "holdout_share": view.share,
        "tasks": {},
        "inspect": None,
        "promptfoo": {},
    }
    for task, parts in lists.items():
        name = slug(task)
        entry: dict[str, Any] = {"slug": name}
        for part in PARTS:
            ids = parts[part]
            listed = [i for i in ids if "\n" not in i and "\r" not in i]
            if len(listed) < len(ids):
                notes.append(
                    f"task {task!r}: {len(ids) - len(listed)} {part} id(s) with line breaks are only in items.json"
                )
            out[f"{part}/{name}.txt"] = "".join(f"{i}\n" for i in listed)
            entry[part] = {"items": len(ids), "file": f"{part}/{name}.txt"}
        manifest["tasks"][task] = entry
    out["items.json"] = json.dumps(lists, indent=1, ensure_ascii=False) + "\n"

    inspect_tasks = sorted(_tasks_of(files, "inspect") & set(lists))
    if inspect_tasks:
        manifest["inspect"] = {"tasks": inspect_tasks}
        for part in PARTS:
            patterns = [inspect_pattern(t, i) for t in inspect_tasks for i in lists[t][part]]
            cli = [p for p in patterns if "," not in p and p == p.strip() and "\n" not in p]
            if len(cli) < len(patterns):
                notes.append(
                    f"inspect: {len(patterns) - len(cli)} {part} id(s) with commas or edge spaces cannot go on "
                    f"the command line; inspect/{part}.json has them all (Python API)"
                )
            out[f"inspect/{part}.txt"] = ",".join(cli) + "\n"
            out[f"inspect/{part}.json"] = json.dumps(patterns, indent=1, ensure_ascii=False) + "\n"
            manifest["inspect"][part] = {"cli": f"inspect/{part}.txt", "python": f"inspect/{part}.json"}
        if any(":" in t for t in inspect_tasks):
            notes.append("inspect: a task name holds ':', which Inspect reads as the task scope; check those ids")

    cases: dict[tuple[str, str], dict[str, Any]] = {}
    for f in files:
        if f.format == "promptfoo":
            for key, case in promptfoo.cases_by_item(f.path, **dict(options.get("promptfoo", {}))).items():
                cases.setdefault(key, case)
    for task in sorted({t for t, _ in cases} & set(lists)):
        name = slug(task)
        written: dict[str, str] = {}
        for part in PARTS:
            tests = []
            for sid in sorted(lists[task][part], key=lambda s: (len(s), s)):  # testIdx order
                found = cases.get((task, sid))
                if found is None:
                    continue
                meta = found.get("metadata")
                meta = meta if isinstance(meta, dict) else {}
                tests.append({**found, "metadata": {**meta, "advisor_split": part, "advisor_sample_id": sid}})
            out[f"promptfoo/{name}.{part}.json"] = json.dumps(tests, indent=1, ensure_ascii=False) + "\n"
            written[part] = f"promptfoo/{name}.{part}.json"
        manifest["promptfoo"][task] = written
    out["manifest.json"] = json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"
    return out, notes


def _is_export(folder: Path) -> bool:
    try:
        data = json.loads((folder / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("kind") == EXPORT_KIND


def export(
    folder: Path,
    table: SampleTable,
    view: SplitView,
    files: Sequence[FileInfo],
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> Exported:
    """Write the lists into ``folder`` (replacing an earlier export there, never other files).

    ``options`` are the workspace's ``[importers]`` options (a promptfoo ``task`` name names the tests' task).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(folder, "is a file; give a folder for the export")
    if folder.is_dir() and any(folder.iterdir()) and not _is_export(folder):
        raise InputError(folder, "is not empty and holds no earlier `advisor split` export; choose another folder")
    rendered, notes = _render(item_lists(table, view), view, files, options or {})
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    except OSError as exc:
        raise InputError(folder.parent, f"cannot write: {exc.strerror or exc}") from None
    old: Path | None = None
    try:
        for rel, text in rendered.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        tmp.chmod(FILE_MODE | (FILE_MODE & 0o444) >> 2)  # a folder as mkdir would make it (mkdtemp's is 0700)
        if folder.exists():
            old = folder.with_name(f".{folder.name}.old-{tmp.name[-8:]}")
            folder.rename(old)
        tmp.rename(folder)
    except OSError as exc:
        if old is not None and not folder.exists():
            old.rename(folder)
        raise InputError(folder, f"cannot write the export: {exc.strerror or exc}") from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and old.exists():
            shutil.rmtree(old, ignore_errors=True)
    return Exported(folder, tuple(sorted(rendered)), tuple(notes))
