"""Import every-eval-ever files: EvalEval's shared schema (``<uuid>.json`` + ``<uuid>_samples.jsonl``).

every-eval-ever (PyPI ``every-eval-ever``, schema 0.3.0) converts Inspect,
HELM and lm-eval runs into one shape, so teams exchange results in it. One
evaluation is an aggregate ``<uuid>.json`` (model, one entry per
benchmark x metric with its score and uncertainty) and, when instance-level
data was kept, ``<uuid>_samples.jsonl`` beside it (one line per sample, epoch
and metric). Either file names the evaluation; both are read once.

Mapping (docs/formats-import.md has the table):

- model = ``model_info.id`` (samples: ``model_id``); task = the result's
  ``source_data.dataset_name``, else its ``evaluation_name``.
- Per task, one result is the score: ``metric=`` (an ``evaluation_result_id``)
  or the first that is not ``lower_is_better`` (with samples: that has sample
  lines), ``metric_kind`` "accuracy" before an unknown kind before the rest
  (BLEU's "text_overlap"), else in the file's order (lm-eval conversions list
  ``strict-match`` before ``flexible-extract``).
- Samples: score = ``evaluation.score`` rescaled to [0, 1] with the result's
  ``metric_config`` ``min_score``/``max_score``; ``error`` -> error;
  epoch = ``metadata.epoch`` - 1; latency = ``performance.generation_time_ms``
  (for Inspect conversions the model's working time; their ``latency_ms`` is
  the *waiting* time), else ``latency_ms``; tokens = ``token_usage`` only for
  single-turn samples (converters record the last call's usage, not the
  sample's total), with cache reads/writes added to input when reported
  beside it.
- No samples file: results with a standard error, a confidence interval or a
  standard deviation, and ``num_samples``, are per-task aggregates (an
  accuracy with ``num_samples`` but no uncertainty gets the binomial standard
  error, noted, as the lm-eval reader does); a score
  without an uncertainty is not evidence for a ranking and is named in a note
  with the ``[benchmarks]`` line that shows it beside the ranking.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.errors import InputError
from advisor.ingest import common
from advisor.records.aggregates import AggregateRow, AggregateTable
from advisor.records.samples import SampleTable, build, concat, empty_table

NAME = "every_eval_ever"
_SUFFIX = "_samples.jsonl"
_TIMEOUT = re.compile(r"time(d)?[ -]?out|deadline exceeded", re.IGNORECASE)
#: z of a two-sided interval at the given level (a CI is turned back into a standard error).
_Z = {0.9: 1.6448536, 0.95: 1.9599640, 0.99: 2.5758293}


def sniff(path: Path, head: bytes) -> bool:
    start = head.lstrip()[:4096]
    if start[:1] != b"{" or b'"schema_version"' not in start:
        return False
    aggregate = b'"evaluation_results"' in head or b'"model_info"' in start
    samples = b'"evaluation_result_id"' in start and b'"sample_id"' in start and b'"model_id"' in start
    return aggregate or samples


def _pair(path: Path) -> tuple[Path | None, Path | None]:
    """(aggregate json, samples jsonl) of the evaluation ``path`` belongs to; either may be absent."""
    if path.name.endswith(_SUFFIX):
        agg = path.with_name(path.name[: -len(_SUFFIX)] + ".json")
        return (agg if agg.is_file() else None), path
    samples = path.with_name(path.stem + _SUFFIX)
    return path, (samples if samples.is_file() else None)


def covers(path: Path) -> list[Path]:
    return [p for p in _pair(path) if p is not None]


@dataclass(frozen=True)
class _Result:
    """One entry of ``evaluation_results``: a benchmark scored by one metric."""

    id: str
    task: str
    low: float
    high: float
    lower_is_better: bool
    raw: dict[str, Any]
    where: str


def read(path: Path, *, metric: str | None = None) -> SampleTable:
    agg_path, samples_path = _pair(path)
    doc = common.json_object(common.read_bytes(agg_path), agg_path) if agg_path else None
    results = _results(doc, agg_path) if doc is not None and agg_path is not None else []
    if samples_path is not None:
        return _read_samples(samples_path, results, metric)
    assert doc is not None and agg_path is not None
    return _read_aggregates(doc, agg_path, results, metric)


def _results(doc: dict[str, Any], path: Path) -> list[_Result]:
    out = []
    listed = common.as_list(doc.get("evaluation_results"), common.at_key(path, "evaluation_results"), "results")
    for i, entry in enumerate(listed):
        where = common.at_key(path, f"evaluation_results[{i}]")
        common.as_dict(entry, where, "a result")
        rid = entry.get("evaluation_result_id") or entry.get("evaluation_name")
        rid = common.as_str(rid, where, "evaluation_result_id")
        source = common.obj(entry.get("source_data"))
        task = source.get("dataset_name") if type(source.get("dataset_name")) is str else None
        task = common.as_str(task or entry.get("evaluation_name"), where, "evaluation_name")
        config = common.obj(entry.get("metric_config"))
        low, high = common.finite(config.get("min_score")), common.finite(config.get("max_score"))
        bounded = low is not None and high is not None and high > low
        out.append(
            _Result(
                rid,
                task,
                low if bounded and low is not None else 0.0,
                high if bounded and high is not None else 1.0,
                config.get("lower_is_better") is True,
                entry,
                where,
            )
        )
    return out


def _choose(results: list[_Result], metric: str | None, have: set[str] | None, where: Path) -> list[_Result]:
    """One result per task: the chosen ``evaluation_result_id`` or the first higher-is-better one."""
    if metric is not None:
        picked = [r for r in results if metric in (r.id, r.raw.get("evaluation_name"))]
        if not picked:
            known = ", ".join(r.id for r in results) or "none"
            raise InputError(where, f"no evaluation result {metric!r} (results: {known})")
        if picked[0].lower_is_better:
            raise InputError(picked[0].where, f"{metric!r} is lower-is-better, not a score")
        return picked[:1]
    chosen: dict[str, _Result] = {}
    for r in sorted(results, key=_kind_rank):  # stable: the file's order among equals
        if r.lower_is_better or r.task in chosen or (have is not None and r.id not in have):
            continue
        chosen[r.task] = r
    for r in results:
        if chosen.get(r.task) is not r and r.task in chosen:
            common.note(f"{r.task}: scored by {chosen[r.task].id}; also reported: {r.id}")
    return list(chosen.values())


def _kind_rank(result: _Result) -> int:
    """Accuracy-like metrics first, then those of unknown kind, then the rest (e.g. BLEU's text overlap)."""
    kind = common.obj(result.raw.get("metric_config")).get("metric_kind")
    return 0 if kind == "accuracy" else 1 if kind is None else 2


def _read_samples(path: Path, results: list[_Result], metric: str | None) -> SampleTable:
    rows = common.jsonl_rows(common.read_bytes(path), path)
    by_id: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    #: Lines without a result id: samples that errored before any scorer ran, per evaluation_name.
    unscored: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for line, row in rows:
        where = f"{path}:{line}"
        common.as_dict(row, where, "a sample line")
        rid = row.get("evaluation_result_id")
        if rid is None:
            name = common.as_str(row.get("evaluation_name"), where, "evaluation_name")
            unscored.setdefault(name, []).append((line, row))
            continue
        by_id.setdefault(common.as_str(rid, where, "evaluation_result_id"), []).append((line, row))
    if not by_id and unscored:  # every sample errored: one result per evaluation
        by_id = unscored
        unscored = {}
    if not by_id:
        raise InputError(path, "no sample lines in this file")
    if not results:  # no aggregate beside: each result id is its own task, named by evaluation_name
        common.note("no aggregate .json beside the samples: scores taken as given (in [0, 1])")
        results = [
            _Result(rid, str(lines[0][1].get("evaluation_name") or rid), 0.0, 1.0, False, {}, str(path))
            for rid, lines in by_id.items()
        ]
    tables = []
    for r in _choose(results, metric, set(by_id), path):
        name = r.raw.get("evaluation_name") or r.task
        tables.append(_table(path, r, by_id[r.id] + unscored.get(str(name), [])))
    if not tables:
        raise InputError(path, "no evaluation result with samples is higher-is-better; nothing to score")
    return concat(tables)


def _table(path: Path, result: _Result, lines: list[tuple[int, dict[str, Any]]]) -> SampleTable:
    cols: dict[str, list[Any]] = {k: [] for k in _COLUMNS}
    multi_turn = 0
    for line, row in lines:
        where = f"{path}:{line}"
        cols["model"].append(common.as_str(row.get("model_id"), where, "model_id"))
        cols["sample_id"].append(common.as_id(row.get("sample_id"), where, "sample_id"))
        meta = common.obj(row.get("metadata"))
        raw_epoch = str(meta.get("epoch", ""))
        epoch = int(raw_epoch) if raw_epoch.isdigit() and len(raw_epoch) < 10 and int(raw_epoch) >= 1 else 1
        cols["epoch"].append(epoch - 1)
        evaluation = common.as_dict(row.get("evaluation"), where, "evaluation")
        error = row.get("error")
        if type(error) is str and error.strip():
            message = error.strip().splitlines()[0]
            cols["score"].append(0.0)
            cols["outcome"].append("timeout" if _TIMEOUT.search(error) else "error")
            cols["error"].append(message)
        else:
            score = _scaled(evaluation.get("score"), evaluation.get("is_correct"), result, where)
            cols["score"].append(score)
            cols["outcome"].append("ok" if score >= 1 else "wrong")
            cols["error"].append(None)
        output = common.obj(row.get("output"))
        raw = output.get("raw")
        cols["response"].append(common.text(raw[0] if type(raw) is list and raw else raw))
        perf = common.obj(row.get("performance"))
        latency = common.number(perf.get("generation_time_ms"))
        cols["latency_ms"].append(latency if latency is not None else common.number(perf.get("latency_ms")))
        turns = evaluation.get("num_turns")
        single = turns is None or turns == 1
        multi_turn += not single
        usage = common.obj(row.get("token_usage")) if single else {}
        for name, value in zip(_TOKENS, _tokens(usage), strict=True):
            cols[name].append(value)
    if multi_turn:
        common.note(
            f"{result.task}: tokens of {multi_turn} multi-turn sample(s) left missing "
            "(the converter records only the last call's usage)"
        )
    n = len(lines)
    return build(
        model=cols["model"],
        task=[result.task] * n,
        sample_id=cols["sample_id"],
        epoch=cols["epoch"],
        score=cols["score"],
        outcome=cols["outcome"],
        numbers={k: cols[k] for k in (*_TOKENS, "latency_ms")},
        texts={"response": cols["response"], "error": cols["error"]},
        source=str(path),
        places=[line for line, _ in lines],
    )


_TOKENS = ("input_tokens", "output_tokens", "cached_input_tokens", "cache_write_tokens", "reasoning_tokens")
_COLUMNS = ("model", "sample_id", "epoch", "score", "outcome", "error", "response", "latency_ms", *_TOKENS)


def _scaled(score: Any, correct: Any, result: _Result, where: str) -> float:
    if type(score) not in (int, float):
        if type(correct) is bool:
            return 1.0 if correct else 0.0
        raise InputError(where, f"evaluation.score must be a number, found {score!r}")
    if common.finite(score) is None:
        raise InputError(where, f"evaluation.score {score!r} is not a finite number")
    value = (float(score) - result.low) / (result.high - result.low)
    if not -1e-9 <= value <= 1 + 1e-9:
        raise InputError(
            where, f"score {score:g} of {result.id!r} is outside [{result.low:g}, {result.high:g}], its metric's range"
        )
    return min(max(value, 0.0), 1.0)


def _tokens(usage: dict[str, Any]) -> tuple[float | None, ...]:
    """(input incl. cache, output incl. reasoning, cache read, cache write, reasoning) or all missing."""
    inp, out = common.number(usage.get("input_tokens")), common.number(usage.get("output_tokens"))
    if inp is None and out is None:
        return (None,) * 5
    read = common.number(usage.get("input_tokens_cache_read"))
    write = common.number(usage.get("input_tokens_cache_write"))
    reasoning = common.number(usage.get("reasoning_tokens"))
    total = common.number(usage.get("total_tokens"))
    i, o, cache = inp or 0.0, out or 0.0, (read or 0.0) + (write or 0.0)
    if cache and (cache > i or (total is not None and total >= i + o + cache)):
        i += cache  # Inspect's input excludes cache reads and writes; the total shows they are beside it
    if reasoning and (reasoning > o or (total is not None and total == i + o + reasoning)):
        o += reasoning
    return (i if inp is not None else None, o if out is not None else None, read, write, reasoning)


def _read_aggregates(doc: dict[str, Any], path: Path, results: list[_Result], metric: str | None) -> SampleTable:
    info = common.as_dict(doc.get("model_info"), common.at_key(path, "model_info"), "model_info")
    model = common.as_str(info.get("id") or info.get("name"), common.at_key(path, "model_info.id"), "model_info.id")
    rows: list[AggregateRow] = []
    hints: list[str] = []
    for r in _choose(results, metric, None, path):
        details = common.obj(r.raw.get("score_details"))
        score = common.finite(details.get("score"))
        if score is None:
            raise InputError(r.where, f"score_details.score must be a number, found {details.get('score')!r}")
        span = r.high - r.low
        mean = (score - r.low) / span
        if not 0.0 <= mean <= 1.0:
            raise InputError(r.where, f"score {score:g} is outside [{r.low:g}, {r.high:g}], its metric's range")
        uncertainty = common.obj(details.get("uncertainty"))
        n = uncertainty.get("num_samples")
        se = _standard_error(uncertainty, n)
        kind = common.obj(r.raw.get("metric_config")).get("metric_kind")
        if se is None and kind == "accuracy" and type(n) is int and n > 1:
            se = span * math.sqrt(mean * (1 - mean) / (n - 1))
            common.note(f"{r.task}: no uncertainty for {r.id}; the binomial √(p(1−p)/(n−1)) is used")
        if se is None or type(n) is not int or n < 1:
            hints.append(f'[benchmarks."{r.task}"] "{model}" = {mean:g}')
            common.note(
                f"{r.task}: {r.id} = {score:g} has no standard error and sample count, so it is not evidence "
                f"for a ranking; to show it beside the ranking add {hints[-1]}"
            )
            continue
        rows.append(AggregateRow(model, r.task, n, mean, se / span, None, {}, {}, None, None, str(path), r.where))
    if not rows:
        raise InputError(
            path,
            "no result with a score, an uncertainty and num_samples; nothing to rank"
            + (f" (to show the scores beside the ranking, add to advisor.toml: {'; '.join(hints)})" if hints else ""),
        )
    common.note(
        "no samples file: imported as per-task aggregates (intervals from the uncertainty, comparisons unpaired)"
    )
    return empty_table(AggregateTable(tuple(rows), (), (str(path),)))


def _standard_error(uncertainty: dict[str, Any], n: Any) -> float | None:
    se = common.number(common.obj(uncertainty.get("standard_error")).get("value"))
    if se is not None:
        return se
    ci = common.obj(uncertainty.get("confidence_interval"))
    lower, upper = common.finite(ci.get("lower")), common.finite(ci.get("upper"))
    level = common.finite(ci.get("confidence_level")) or 0.95
    z = _Z.get(round(level, 2))
    if lower is not None and upper is not None and z and upper >= lower:
        return (upper - lower) / (2 * z)
    sd = common.number(uncertainty.get("standard_deviation"))
    if sd is not None and type(n) is int and n >= 1:
        return sd / math.sqrt(n)
    return None
