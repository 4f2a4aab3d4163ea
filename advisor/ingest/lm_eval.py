"""Import lm-evaluation-harness runs: ``results_<ts>.json`` plus its ``samples_<task>_<ts>.jsonl``.

The harness is how open-weight models are compared; its per-document scores
live in the samples files that ``--log_samples`` writes beside the results
file, while the model name lives only in the results file. So a run is read
as a whole, whichever of its files the workspace names first (``covers``
tells the loader which files a run consumes, so it is read once).

Mapping: model = ``model_name`` (else ``pretrained=``/``model=`` in
``config.model_args``); task = the samples file's task name; sample_id =
``doc_id``; score = the row's value of the task's first reported
``metric,filter`` (``metric="exact_match,flexible-extract"`` picks another),
only rows of that filter. No latency, tokens, cost or errors are recorded by
the harness: they stay missing. A filtered response of ``[invalid]`` (the
answer extractor found nothing) is a malformed answer.

A results file without samples files holds only aggregates; importing those is
not supported yet, and says so.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from advisor.errors import InputError
from advisor.ingest import common
from advisor.samples import SampleTable, build, concat

NAME = "lm_eval"

_TS = r"\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d+)?"
_SAMPLES = re.compile(rf"^samples_(?P<task>.+)_(?P<ts>{_TS})\.jsonl$")
_RESULTS = re.compile(rf"^(?P<stem>.*?)_?(?P<ts>{_TS})\.json$")


def sniff(path: Path, head: bytes) -> bool:
    start = head.lstrip()[:1]
    if start != b"{":
        return False
    if b'"doc_id"' in head[:4096] and (b'"filtered_resps"' in head or b'"doc_hash"' in head):
        return True
    if b'"results"' not in head or b'"evalId"' in head:
        return False
    named = path.name.startswith("results") and _RESULTS.match(path.name) is not None
    return named or any(k in head for k in (b'"versions"', b'"n-shot"', b'"group_subtasks"', b'"configs"'))


def _run_files(path: Path) -> tuple[Path, list[Path]]:
    """(results file, samples files) of the run that ``path`` belongs to."""
    m = _SAMPLES.match(path.name)
    folder = path.parent
    if m:
        ts = m.group("ts")
        results = sorted(p for p in folder.glob(f"*{ts}.json") if p.is_file())
        if not results:
            raise InputError(
                path,
                f"no results file (results_{ts}.json) beside this samples file; "
                "the model name is only in the results file",
            )
        return results[0], sorted(folder.glob(f"samples_*_{ts}.jsonl"))
    r = _RESULTS.match(path.name)
    if not r:
        return path, []
    return path, sorted(folder.glob(f"samples_*_{r.group('ts')}.jsonl"))


def covers(path: Path) -> list[Path]:
    """Every file one read of ``path`` consumes (so the loader skips the others)."""
    try:
        results, samples = _run_files(path)
    except InputError:
        return [path]
    return [results, *samples]


def read(path: Path, *, metric: str | None = None) -> SampleTable:
    results_path, sample_paths = _run_files(path)
    doc = common.json_object(common.read_bytes(results_path), results_path)
    results = common.as_dict(doc.get("results"), common.at_key(results_path, "results"), "results")
    if not sample_paths:
        raise InputError(
            results_path,
            "an lm-eval results file without its samples_<task>_<timestamp>.jsonl files (run with "
            "--log_samples); importing aggregates only is not supported yet",
        )
    model = _model(doc, results_path)
    higher = common.obj(doc.get("higher_is_better"))
    tables = []
    for sp in sample_paths:
        task = _SAMPLES.match(sp.name).group("task")  # type: ignore[union-attr]
        reported = common.obj(results.get(task))
        tables.append(_read_samples(sp, model, task, reported, higher.get(task), metric))
    missing = [t for t in results if type(results.get(t)) is dict and not _has_samples(t, sample_paths)]
    groups = common.obj(doc.get("groups"))
    missing = [t for t in missing if t not in groups]
    if missing:
        common.note(f"{len(missing)} task(s) have results but no samples file: {', '.join(missing[:5])}")
    return concat(tables)


def _has_samples(task: str, paths: list[Path]) -> bool:
    return any(_SAMPLES.match(p.name).group("task") == task for p in paths)  # type: ignore[union-attr]


def _model(doc: dict[str, Any], where: Path) -> str:
    name = doc.get("model_name")
    if type(name) is str and name:
        return name
    config = common.obj(doc.get("config"))
    args = config.get("model_args")
    if type(args) is str:
        for part in args.split(","):
            key, _, value = part.partition("=")
            if key.strip() in ("pretrained", "model", "path") and value.strip():
                return value.strip()
    if type(args) is dict:
        for key in ("pretrained", "model", "path"):
            if type(args.get(key)) is str and args[key]:
                return str(args[key])
    raise InputError(common.at_key(where, "model_name"), "no model name in this results file")


def _choose(
    task: str, reported: dict[str, Any], rows: list[tuple[int, Any]], metric: str | None
) -> tuple[str, str]:
    keys = [k for k in reported if k != "alias" and "_stderr" not in k.split(",")[0]]
    if metric is not None:
        name, _, flt = metric.partition(",")
        return name, flt or "none"
    if keys:
        name, _, flt = keys[0].partition(",")
        return name, flt or "none"
    first = rows[0][1]
    names = first.get("metrics") if type(first) is dict else None
    if type(names) is list and names and type(names[0]) is str:
        flt = first.get("filter") if type(first.get("filter")) is str else "none"
        return names[0], flt
    raise InputError(None, f"task {task!r}: no metric to score by")


def _read_samples(
    path: Path, model: str, task: str, reported: dict[str, Any], higher: Any, metric: str | None
) -> SampleTable:
    rows = common.jsonl_rows(common.read_bytes(path), path)
    try:
        name, flt = _choose(task, reported, rows, metric)
    except InputError as exc:
        raise InputError(path, exc.message) from None
    if type(higher) is dict and higher.get(name) is False:
        raise InputError(
            path, f"metric {name!r} is lower-is-better, not a score; choose another with metric="
        )
    ids: list[str] = []
    scores: list[float] = []
    outcomes: list[str] = []
    responses: list[str | None] = []
    places: list[int] = []
    other_filters: set[str] = set()
    for line, row in rows:
        where = f"{path}:{line}"
        common.as_dict(row, where, "a sample row")
        row_filter = row.get("filter", "none")
        if row_filter != flt:
            other_filters.add(str(row_filter))
            continue
        if name not in row:
            raise InputError(where, f"no {name!r} value in this row (metrics: {row.get('metrics')!r})")
        value = row[name]
        if type(value) is bool:
            value = float(value)
        if type(value) not in (int, float):
            raise InputError(where, f"{name} is {type(value).__name__}, not a per-sample score")
        ids.append(common.as_id(row.get("doc_id"), where, "doc_id"))
        scores.append(float(value))
        filtered = row.get("filtered_resps")
        answer = filtered[0] if type(filtered) is list and filtered else None
        responses.append(common.text(answer))
        outcomes.append("ok" if value >= 1 else ("malformed" if answer == "[invalid]" else "wrong"))
        places.append(line)
    if other_filters:
        common.note(
            f"{task}: scored by {name},{flt}; rows of other filters ignored: "
            + ", ".join(sorted(other_filters))
        )
    if not ids:
        raise InputError(
            path, f"no rows with filter {flt!r} (filters here: {', '.join(sorted(other_filters))})"
        )
    n = len(ids)
    return build(
        model=[model] * n,
        task=[task] * n,
        sample_id=ids,
        score=scores,
        outcome=outcomes,
        texts={"response": responses, "error": [None] * n},
        source=str(path),
        places=places,
    )
