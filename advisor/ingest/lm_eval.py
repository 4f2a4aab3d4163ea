"""Import lm-evaluation-harness runs: ``results_<ts>.json`` plus its ``samples_<task>_<ts>.jsonl``.

The harness is how open-weight models are compared; its per-document scores
live in the samples files that ``--log_samples`` writes beside the results
file, while the model name lives only in the results file. So a run is read
as a whole, whichever of its files the workspace names first (``covers``
tells the loader which files a run consumes, so it is read once).

Mapping: model = ``model_name`` (else ``pretrained=``/``model=`` in
``config.model_args``); task = the samples file's task name; sample_id =
``doc_id``; score = the row's value of the task's primary ``metric,filter``
(the rule is in ``lm_eval_metrics``; ``metric=`` picks another, for all
tasks or per task), only rows of that filter. No latency, tokens, cost or errors are recorded by
the harness: they stay missing. A filtered response of ``[invalid]`` (the
answer extractor found nothing) is a malformed answer.

A results file without samples files holds only aggregates: it is imported as
per-task aggregates (``advisor.records.aggregates``): mean = the reported metric, se =
its ``_stderr``, n = ``n-samples`` (effective, else original). Files without
``n-samples`` (v0.3, early 0.4) get n = p(1−p)/se² + 1, which is exact for a
pass/fail metric (the harness's stderr is sd/√n with ddof 1) and noted; a
missing or "N/A" stderr is replaced by the binomial √(p(1−p)/(n−1)) when n is
known, and is an error when neither is there. ``n-shot`` is the number of
few-shot examples, not of samples, so it is not used. Group rows are skipped.
A results file whose ``task_hashes`` are set was written with ``--log_samples``
(the harness hashes the logged samples), so missing samples files are an
error there rather than a silent fall-back to aggregates.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from advisor.errors import InputError
from advisor.ingest import common
from advisor.ingest import lm_eval_metrics as metrics
from advisor.records.aggregates import AggregateRow, AggregateTable
from advisor.records.samples import SampleTable, build, concat, empty_table

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


def read(path: Path, *, metric: metrics.Choice = None) -> SampleTable:
    results_path, sample_paths = _run_files(path)
    doc = common.json_object(common.read_bytes(results_path), results_path)
    results = common.as_dict(doc.get("results"), common.at_key(results_path, "results"), "results")
    if not sample_paths:
        if any(type(h) is str and h for h in common.obj(doc.get("task_hashes")).values()):
            raise InputError(
                results_path,
                "this run logged samples (its task_hashes are set) but no samples_<task>_<timestamp>.jsonl "
                "files are beside the results file; put them back (a run without --log_samples is "
                "imported as aggregates)",
            )
        return _read_aggregates(doc, results, results_path, metric)
    model = _model(doc, results_path)
    higher = common.obj(doc.get("higher_is_better"))
    tables = []
    skipped = []
    for sp in sample_paths:
        task = _SAMPLES.match(sp.name).group("task")  # type: ignore[union-attr]
        reported = common.obj(results.get(task))
        table = _read_samples(sp, model, task, reported, higher.get(task), metric)
        if table is None:
            skipped.append(task)
        else:
            tables.append(table)
    if not tables:
        said = metrics.primary(skipped[0], common.obj(results.get(skipped[0])), higher.get(skipped[0]), None, "")[1]
        raise InputError(results_path, f"nothing to import: {said}")
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
    path: Path, task: str, reported: dict[str, Any], higher: Any, rows: list[tuple[int, Any]], metric: metrics.Choice
) -> tuple[str, str] | None:
    if reported:
        pick, said = metrics.primary(task, reported, higher, metric, str(path))
        if said:
            common.note(said)
        return pick
    pick = metrics.chosen(task, metric)  # a samples file whose task the results file does not report
    if pick is not None:
        return pick
    first = rows[0][1] if rows else None
    names = first.get("metrics") if type(first) is dict else None
    if type(names) is list and names and type(names[0]) is str:
        flt = first.get("filter") if type(first.get("filter")) is str else "none"  # type: ignore[union-attr]
        return names[0], flt
    raise InputError(path, f"task {task!r}: no metric to score by")


def _read_samples(
    path: Path, model: str, task: str, reported: dict[str, Any], higher: Any, metric: metrics.Choice
) -> SampleTable | None:
    """The task's rows scored by its primary metric; None when it has none (skipped, noted)."""
    rows = common.jsonl_rows(common.read_bytes(path), path)
    pick = _choose(path, task, reported, higher, rows, metric)
    if pick is None:
        return None
    name, flt = pick
    if type(higher) is dict and higher.get(name) is False:
        raise InputError(path, f"metric {name!r} is lower-is-better, not a score; choose another with metric=")
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
            f"{task}: scored by {name},{flt}; rows of other filters ignored: " + ", ".join(sorted(other_filters))
        )
    if not ids:
        raise InputError(path, f"no rows with filter {flt!r} (filters here: {', '.join(sorted(other_filters))})")
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


def _read_aggregates(doc: dict[str, Any], results: dict[str, Any], path: Path, metric: metrics.Choice) -> SampleTable:
    """A results file without samples files: one aggregate row per task (see the module docstring)."""
    model = _model(doc, path)
    higher = common.obj(doc.get("higher_is_better"))
    groups = set(common.obj(doc.get("groups")))
    groups |= {g for g, subs in common.obj(doc.get("group_subtasks")).items() if type(subs) is list and subs}
    counts = common.obj(doc.get("n-samples"))
    rows: list[AggregateRow] = []
    estimated: list[str] = []
    for task, reported in results.items():
        if type(reported) is not dict or task in groups:
            continue
        where = common.at_key(path, f"results.{task}")
        pick, said = metrics.primary(task, reported, higher.get(task), metric, where)
        if said:
            common.note(said)
        if pick is None:
            continue
        name = pick[0]
        key = metrics.key(reported, pick)
        if common.obj(higher.get(task)).get(name) is False:
            raise InputError(where, f"metric {name!r} is lower-is-better, not a score; choose another with metric=")
        if key not in reported:
            raise InputError(where, f"no metric {key!r} for {task!r}")
        mean = reported[key]
        if type(mean) not in (int, float) or not 0.0 <= mean <= 1.0:
            raise InputError(where, f"{key} is {mean!r}, not a score in [0, 1]")
        err = metrics.stderr(reported, pick)
        se = float(err) if isinstance(err, int | float) and math.isfinite(err) and err >= 0 else None
        info = common.obj(counts.get(task))
        n = next((int(info[k]) for k in ("effective", "original") if type(info.get(k)) is int and info[k] > 0), None)
        if n is None and se is not None and se > 0 and 0 < mean < 1:
            n = max(1, round(mean * (1 - mean) / (se * se) + 1))
            estimated.append(task)
        if n is None:
            raise InputError(where, f"no n-samples for {task!r} and its stderr cannot give n; cannot import aggregates")
        if se is None:
            se = math.sqrt(mean * (1 - mean) / max(n - 1, 1))
            common.note(f"{task}: no stderr for {key}; the binomial √(p(1−p)/(n−1)) is used")
        rows.append(AggregateRow(model, task, n, float(mean), se, None, {}, {}, None, None, str(path), where))
    if not rows:
        raise InputError(
            common.at_key(path, "results"), "no task results to import (only groups, or no metric that is a score)"
        )
    common.note("no samples files: imported as per-task aggregates (intervals from the stderr, comparisons unpaired)")
    if estimated:
        common.note(f"no n-samples: n estimated from the stderr as p(1−p)/se² + 1 for {', '.join(estimated)}")
    return empty_table(AggregateTable(tuple(rows), (), (str(path),)))
