"""Load a workspace's result files the way every front end should: one entry point.

It detects each file's format (or uses the workspace's / the caller's forced
one), passes the workspace's per-importer options, reads each run once even
when several of its files are named, collects every bad file's error, joins
the tables (aggregates files ride along on ``table.aggregates``), applies
``[[failure_rules]]`` and keeps per-file facts and
warnings for ``advisor data``.
"""

from __future__ import annotations

import inspect as pyinspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from advisor.errors import InputError, InputErrors, NothingToRank
from advisor.ingest import common, detect
from advisor.ingest.rules import RuleHit, apply_rules
from advisor.inputs.workspace import FailureRule, Workspace
from advisor.records import aggregates, arrays
from advisor.records.samples import OUTCOME_CODE, OUTCOMES, PROBE_FIELDS, PROBE_MARK, SampleTable, concat


@dataclass(frozen=True)
class FileInfo:
    path: Path
    format: str
    table: SampleTable
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Loaded:
    table: SampleTable
    files: tuple[FileInfo, ...]
    rules: tuple[RuleHit, ...]
    warnings: tuple[str, ...]
    #: Files that hold nothing to rank (a run cancelled before any sample), skipped beside the others.
    skipped: tuple[str, ...] = ()


def check_options(options: Mapping[str, Mapping[str, Any]], where: str) -> None:
    """Every ``[importers.<format>]`` names a known format and only options its reader takes."""
    by_name = {m.NAME: m for m in detect.IMPORTERS}
    for name, opts in options.items():
        module = by_name.get(name)
        if module is None:
            raise InputError(where, f"unknown importer {name!r} (known: {', '.join(by_name)})")
        params = pyinspect.signature(module.read).parameters
        allowed = [p for p, v in params.items() if v.kind is pyinspect.Parameter.KEYWORD_ONLY]
        for key in opts:
            if key not in allowed:
                raise InputError(
                    where,
                    f"importer {name!r} has no option {key!r} (options: {', '.join(allowed) or 'none'})",
                )


def load_paths(
    paths: Sequence[Path],
    *,
    fmt: str | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    rules: Sequence[FailureRule] = (),
) -> Loaded:
    infos: list[FileInfo] = []
    errors: list[InputError] = []
    empty: list[NothingToRank] = []
    consumed: set[Path] = set()
    paths = [p for given in paths for p in detect.expand(given)]  # a HELM suite folder: its runs
    for path in paths:
        if path.resolve() in consumed:
            continue
        consumed.update(p.resolve() for p in detect.covered(path, fmt))
        try:
            with common.collect_notes() as notes:
                name, table = detect.load_file(path, fmt, options)
        except NothingToRank as exc:
            empty.append(exc)
            continue
        except InputError as exc:
            errors.extend(exc.errors if isinstance(exc, InputErrors) else [exc])
            continue
        infos.append(FileInfo(path, name, table, tuple(notes)))
    if errors:
        raise errors[0] if len(errors) == 1 else InputErrors(errors)
    if not infos:
        if empty:  # only empty runs: say each one's why
            raise empty[0] if len(empty) == 1 else InputErrors(list(empty))
        raise InputError(None, "no result files to load")
    table = concat([i.table for i in infos])
    table, hits = apply_rules(table, rules)
    skipped = tuple(f"skipped {e.line()}" for e in empty)
    return Loaded(table, tuple(infos), tuple(hits), tuple(warnings(table)), skipped)


def require_rankable(loaded: Loaded) -> None:
    """Refuse a ranking when every sample of every run failed before it was scored, saying each run's why.

    Such runs load (so ``advisor data`` shows them, and beside other runs their
    models count with their errors), but alone they leave nothing to rank.
    """
    table = loaded.table
    agg = table.aggregates
    probe = ~np.isnan(table.numbers[PROBE_MARK])
    if probe.any():  # probe rows measure latency; they are not scored samples
        table = table.select(~probe)
    if not len(table) or (agg is not None and len(agg)):
        return
    failed = (table.outcome == OUTCOME_CODE["error"]) | (table.outcome == OUTCOME_CODE["timeout"])
    if not failed.all():
        return
    reasons = []
    for info in loaded.files:
        said = next((n for n in info.notes if "status" in n), None)
        errors = [e for e in info.table.texts.get("error", []) if e]
        first = errors[0].strip().splitlines()[0][:200] if errors else None
        reason = said or f"all {len(info.table)} samples failed"
        if first and first not in reason:
            reason += f"; first error: {first}"
        reasons.append(f"{info.path}: {reason}")
    raise InputError(None, "nothing can be ranked: every sample failed before it was scored. " + " | ".join(reasons))


def load_workspace_samples(ws: Workspace, fmt: str | None = None) -> Loaded:
    cfg = ws.config
    check_options(cfg.importers, f"{ws.config_path} [importers]")
    results = ws.result_files()
    probes = [p for p in ws.probe_files() if p not in results]
    loaded = load_paths(results, fmt=fmt or cfg.format, options=cfg.importers, rules=cfg.failure_rules)
    if not probes:
        return loaded
    probed = load_paths(probes, fmt="native")  # advisor probe's own rows: native, no rules
    table = concat([loaded.table, probed.table])
    return Loaded(table, loaded.files + probed.files, loaded.rules, tuple(warnings(table)))


def warnings(table: SampleTable) -> list[str]:
    """Samples only some models have, per task (the comparison is then not paired on them).

    Probe rows (latency measurements, ``concurrency`` set) are not samples and are left out.
    """
    probe = ~np.isnan(table.numbers[PROBE_MARK])
    if probe.any():
        table = table.select(~probe)
    n_t, n_m, n_s = len(table.tasks), len(table.models), len(table.sample_ids)
    task = table.task.astype(np.int64)
    pair = task * n_m + table.model
    if table.epoch.any():
        have = np.bincount(arrays.unique(pair * n_s + table.sample) // n_s, minlength=n_t * n_m)
    else:  # one epoch: rows are distinct samples already (duplicates are refused on reading)
        have = np.bincount(pair, minlength=n_t * n_m)
    have = have.reshape(n_t, n_m)
    cells = task * n_s + table.sample
    if n_t * n_s <= 4 * len(table) + 4096:  # dense enough to count, which is linear
        union = (np.bincount(cells, minlength=n_t * n_s) > 0).reshape(n_t, n_s).sum(axis=1)
    else:
        union = np.bincount(arrays.unique(cells) // n_s, minlength=n_t)
    out: list[str] = []
    for t, m in zip(*np.nonzero(have), strict=True):
        lacking = int(union[t] - have[t, m])
        if lacking and np.count_nonzero(have[t]) > 1:
            out.append(
                f"task {table.tasks[t]!r}: model {table.models[m]!r} lacks {lacking} of the {int(union[t])} "
                "samples other models have (not a paired comparison on those)"
            )
    return out


def describe(table: SampleTable) -> dict[str, Any]:
    """Facts about a table for ``advisor data``: models, tasks, counts, fields, failure kinds."""
    present = {name: table.present(name) for name in table.numbers} if len(table) else {}
    kinds = np.bincount(table.outcome.astype(np.int64), minlength=len(OUTCOMES))
    agg = table.aggregates
    facts = aggregates.describe(agg) if agg is not None and len(agg) else None
    models = {table.models[i] for i in arrays.present(table.model, len(table.models)).tolist()}
    tasks = {table.tasks[i] for i in arrays.present(table.task, len(table.tasks)).tolist()}
    return {
        "models": sorted(models | set(agg.models if facts and agg else ())),
        "tasks": sorted(tasks | set(agg.tasks if facts and agg else ())),
        "samples": len(table),
        "epochs": int(table.epoch.max(initial=0)) + 1,
        "fields_present": sorted(k for k, v in present.items() if v == len(table)),
        "fields_partial": {k: v for k, v in sorted(present.items()) if 0 < v < len(table)},
        "fields_missing": sorted(k for k, v in present.items() if v == 0 and k not in PROBE_FIELDS),
        "outcomes": {OUTCOMES[i]: int(c) for i, c in enumerate(kinds) if c},
        #: Models known only from per-task aggregates, and what their rows carry (None: no aggregates).
        "aggregated_models": facts["models"] if facts else [],
        "aggregates": facts,
    }
