"""Inspect logs without samples: header-only logs as aggregates, runs that died as error rows.

A log that holds only its header (``results`` but no ``samples`` key) is read as
per-task aggregates. Inspect writes such files when a log is read or saved header-only (``read_eval_log(...,
header_only=True)``, ``inspect log dump --header-only``), and public result collections
share them. Their ``results.scores`` carry each scorer's metrics: the first scorer's
``accuracy`` (else ``mean``) in [0, 1] is the mean, its ``stderr`` the standard error, and
``scored_samples`` (else ``completed_samples``) the n. Without those it is not evidence.

A run with status ``error`` and no samples failed before any sample ran: its dataset's
sample ids x epochs become error rows with the run's error, so the model is counted with
its errors instead of sinking the workspace.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from advisor.errors import InputError, NothingToRank
from advisor.ingest import common
from advisor.records.aggregates import AggregateRow, AggregateTable
from advisor.records.samples import SampleTable, build, empty_table

MEANS = ("accuracy", "mean")


def aggregates(path: Path, header: dict[str, Any], model: str, task: str, scorer: str | None) -> SampleTable:
    results = common.obj(header.get("results"))
    scores = [s for s in results.get("scores") or [] if type(s) is dict]
    entry = next((s for s in scores if scorer in (None, s.get("name"))), None)
    if entry is None:
        raise NothingToRank(path, "no samples and no scores in this log; nothing to score")
    name = entry.get("name")
    metrics = {k: common.obj(v).get("value") for k, v in common.obj(entry.get("metrics")).items()}
    key = next((k for k in MEANS if common.finite(metrics.get(k)) is not None), None)
    mean = common.finite(metrics.get(key)) if key else None
    se = common.number(metrics.get("stderr"))
    n = entry.get("scored_samples", results.get("completed_samples"))
    where = common.at_key(path, "results.scores")
    if key is None or mean is None or se is None or type(n) is not int or n < 1:
        raise InputError(
            where,
            f"no samples in this log, and scorer {name!r} reports no accuracy or mean with a stderr and a "
            f"sample count ({', '.join(metrics) or 'no metrics'}); nothing to rank",
        )
    if not 0.0 <= mean <= 1.0:
        raise InputError(where, f"{name} {key} {mean:g} is outside [0, 1]")
    common.note(
        f"no samples (a header-only log): imported as an aggregate from scorer {name!r} ({key} and stderr, "
        f"n = {n}); comparisons with it are unpaired"
    )
    row = AggregateRow(model, task, n, mean, se, None, {}, {}, None, None, str(path), where)
    return empty_table(AggregateTable((row,), (), (str(path),)))


def unsampled(
    path: Path,
    header: dict[str, Any],
    ev: dict[str, Any],
    model: str,
    task: str,
    said: str,
    scorer: str | None,
    run_error: str | None,
) -> SampleTable:
    """A log without samples: header-only logs are aggregates; a run that failed before any sample is
    error rows for its dataset's ids; anything else is an error."""
    dataset = common.obj(ev.get("dataset"))
    ids = dataset.get("sample_ids")
    epochs = common.obj(ev.get("config")).get("epochs")
    epochs = epochs if type(epochs) is int and epochs >= 1 else 1
    if header.get("status") in (None, "success") and "samples" not in header:  # saved header-only
        return aggregates(path, header, model, task, scorer)
    if header.get("status") != "error" or type(ids) is not list or not ids:
        raise NothingToRank(path, f"no samples in this log ({said}); nothing to score")
    where = common.at_key(path, "eval.dataset.sample_ids")
    sids = [common.as_id(x, where, "a sample id") for x in ids]
    message = f"the run failed before this sample ran: {run_error or 'no error message'}"
    common.note(f"no samples, {said}: its {len(sids)} dataset sample(s) x {epochs} epoch(s) imported as errors")
    pairs = [(sid, e) for e in range(epochs) for sid in sids]
    n = len(pairs)
    return build(
        model=[model] * n,
        task=[task] * n,
        sample_id=[p[0] for p in pairs],
        epoch=[p[1] for p in pairs],
        score=[0.0] * n,
        outcome=["error"] * n,
        texts={"response": [None] * n, "error": [message] * n},
        source=str(path),
        places=[-1] * n,
    )
