"""The canonical sample record, stored column by column.

Every importer maps its format onto these columns; everything downstream
(metrics, ranking, bootstrap) reads them as numpy arrays. One row is one
(model, task, sample_id, epoch). Strings are stored as categorical codes so a
million rows stay small and group-bys are integer operations. Missing numeric
values are NaN: no latency is not zero latency, no tokens is not a free call.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from advisor.errors import InputError
from advisor.records.aggregates import MODEL_LEVEL, AggregateTable, join

OUTCOMES: tuple[str, ...] = (
    "ok",
    "wrong",
    "refusal",
    "malformed",
    "error",
    "timeout",
    "truncated",
    "unsafe",
)
FAILURE_KINDS: tuple[str, ...] = OUTCOMES[1:]
OUTCOME_CODE: dict[str, int] = {name: i for i, name in enumerate(OUTCOMES)}

#: Numeric columns that may be missing (NaN) on any row.
OPTIONAL_NUMBERS: tuple[str, ...] = (
    "latency_ms",
    "input_tokens",
    "output_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
    "cost_usd",
    # Written by ``advisor probe`` (one row per request; ``concurrency`` marks a probe row):
    "ttft_ms",  # time to first token
    "itl_ms",  # inter-token latency: (last token - first token) / (output tokens - 1)
    "concurrency",  # requests in flight (closed loop), or the in-flight cap at a rate
    "rate_rps",  # the target arrival rate (open loop), else missing
    "start_ms",  # when the request was sent, since the run started
)
#: Set on the rows ``advisor probe`` writes: load-test measurements, not eval samples.
PROBE_MARK = "concurrency"
#: The probe's columns: eval files rarely have them, so their absence is not news.
PROBE_FIELDS: tuple[str, ...] = ("ttft_ms", "itl_ms", "concurrency", "rate_rps", "start_ms")
TOKEN_COLUMNS: tuple[str, ...] = (
    "input_tokens",
    "output_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
)

FloatArray = npt.NDArray[np.float64]
_NUMBER_TYPES = {int, float, type(None)}
IntArray = npt.NDArray[np.int32]

#: The largest value one sample may carry: above it, a number is a unit or export error, not a
#: measurement (a week of latency, a billion tokens, ten thousand dollars for one request).
LIMITS: dict[str, float] = {
    **dict.fromkeys(("latency_ms", "ttft_ms", "itl_ms", "start_ms"), 7 * 24 * 3600 * 1000.0),
    **dict.fromkeys(TOKEN_COLUMNS, 1e9),
    "cost_usd": 10_000.0,
    **dict.fromkeys(("concurrency", "rate_rps"), 1e6),
}
#: Epochs are stored as int32; larger ones would wrap around and fake duplicates.
MAX_EPOCH = 2**31 - 1


def encode(values: Iterable[str]) -> tuple[tuple[str, ...], IntArray]:
    """Categorical codes in first-seen order (a dict is faster than np.unique on strings)."""
    index: dict[str, int] = {}
    codes = [index.setdefault(v, len(index)) for v in values]
    return tuple(index), np.asarray(codes, dtype=np.int32)


@dataclass(frozen=True, eq=False)
class SampleTable:
    """Columnar samples. Codes index into the category tuples."""

    models: tuple[str, ...]
    tasks: tuple[str, ...]
    sample_ids: tuple[str, ...]
    sources: tuple[str, ...]
    model: IntArray
    task: IntArray
    sample: IntArray
    epoch: IntArray
    score: FloatArray
    outcome: npt.NDArray[np.int8]
    numbers: dict[str, FloatArray]
    source: IntArray
    place: IntArray
    #: Free text per row for failure rules (model output, error message); may be absent.
    texts: dict[str, list[str | None]] = field(default_factory=dict)
    #: Per (model, task) aggregates of models with no samples here (advisor.records.aggregates), if any.
    aggregates: AggregateTable | None = None
    #: Per row: did the file (or a failure rule) say the outcome? None: every row did. A row that did
    #: not is ok at score 1 and wrong below, which says nothing about how the model fails.
    outcome_given: npt.NDArray[np.bool_] | None = None

    def __len__(self) -> int:
        return int(self.score.shape[0])

    def column(self, name: str) -> FloatArray:
        return self.numbers[name]

    def where(self, row: int) -> str:
        """The file and place a row came from, for error messages."""
        place = int(self.place[row])
        src = self.sources[int(self.source[row])]
        return f"{src}:{place}" if place >= 0 else src

    def select(self, mask: npt.NDArray[np.bool_]) -> SampleTable:
        """Rows where mask is true; categories are kept (codes stay valid)."""
        return SampleTable(
            models=self.models,
            tasks=self.tasks,
            sample_ids=self.sample_ids,
            sources=self.sources,
            model=self.model[mask],
            task=self.task[mask],
            sample=self.sample[mask],
            epoch=self.epoch[mask],
            score=self.score[mask],
            outcome=self.outcome[mask],
            numbers={k: v[mask] for k, v in self.numbers.items()},
            source=self.source[mask],
            place=self.place[mask],
            texts={k: [t for t, m in zip(v, mask, strict=True) if m] for k, v in self.texts.items()},
            aggregates=self.aggregates,
            outcome_given=self.outcome_given[mask] if self.outcome_given is not None else None,
        )

    def present(self, name: str) -> int:
        """How many rows carry a value in an optional numeric column."""
        return int(np.count_nonzero(~np.isnan(self.numbers[name])))


#: Already-encoded strings: (categories, codes), as a chunked reader makes them.
Categorical = tuple[tuple[str, ...], IntArray]
#: In an encoded outcome column: the row gave no outcome (ok if score is 1, else wrong).
NO_OUTCOME = -2


def _categorical(values: Sequence[str] | Categorical) -> Categorical:
    if isinstance(values, tuple) and len(values) == 2 and isinstance(values[1], np.ndarray):
        return values  # type: ignore[return-value]
    return encode(values)  # type: ignore[arg-type]


def build(
    *,
    model: Sequence[str] | Categorical,
    task: Sequence[str] | Categorical,
    sample_id: Sequence[str] | Categorical,
    score: Sequence[float] | FloatArray,
    source: str,
    places: Sequence[int] | npt.NDArray[np.int32] | None = None,
    epoch: Sequence[int] | FloatArray | None = None,
    outcome: Sequence[str | None] | npt.NDArray[np.int8] | None = None,
    numbers: dict[str, Sequence[float | None] | FloatArray] | None = None,
    texts: dict[str, list[str | None]] | None = None,
    sources: tuple[tuple[str, ...], IntArray] | None = None,
) -> SampleTable:
    """Validate plain columns from one file and make a SampleTable.

    ``sources`` (names, per-row codes), when given, replaces ``source`` for rows
    read from several files at once (a folder of Parquet files). Raises
    InputError naming the file and the first bad row's place.
    """
    models, model_codes = _categorical(model)
    tasks, task_codes = _categorical(task)
    ids, id_codes = _categorical(sample_id)
    n = len(model_codes)
    place_arr = np.asarray(places if places is not None else np.arange(1, n + 1), dtype=np.int32)
    source_names, source_codes = sources if sources is not None else ((source,), np.zeros(n, dtype=np.int32))

    def fail(row: int, message: str) -> InputError:
        p = int(place_arr[row])
        src = source_names[int(source_codes[row])] if n else source
        return InputError(f"{src}:{p}" if p >= 0 else src, message)

    if n == 0:
        raise InputError(source, "no samples in this file")
    for name, cats in (("model", models), ("task", tasks), ("sample_id", ids)):
        if "" in cats:
            raise fail(int(np.argmax(np.asarray([v == "" for v in cats]))), f"empty {name}")

    score_arr = _floats(score, "score", fail, required=True)
    bad = np.flatnonzero((score_arr < 0) | (score_arr > 1))
    if bad.size:
        raise fail(int(bad[0]), f"score {float(score_arr[bad[0]]):g} is outside [0, 1]")

    epoch_arr = np.zeros(n, dtype=np.int32)
    if epoch is not None:
        if isinstance(epoch, np.ndarray):
            raw_epoch = np.nan_to_num(epoch.astype(np.float64), nan=0.0)
        else:
            if not set(map(type, epoch)) <= _NUMBER_TYPES:
                bad_at = next(i for i, e in enumerate(epoch) if type(e) not in _NUMBER_TYPES)
                raise fail(bad_at, f"epoch must be a whole number, got {epoch[bad_at]!r}")
            raw_epoch = np.asarray([0 if e is None else e for e in epoch], dtype=np.float64)
        with np.errstate(invalid="ignore"):
            bad = np.flatnonzero(~((raw_epoch >= 0) & (raw_epoch == np.floor(raw_epoch))))
        if bad.size:
            raise fail(int(bad[0]), f"epoch {float(raw_epoch[bad[0]]):g} is not a non-negative whole number")
        bad = np.flatnonzero(raw_epoch > MAX_EPOCH)  # checked before narrowing: int32 would wrap
        if bad.size:
            raise fail(int(bad[0]), f"epoch {float(raw_epoch[bad[0]]):g} is too large (at most {MAX_EPOCH})")
        epoch_arr = raw_epoch.astype(np.int32)

    outcome_arr = np.where(score_arr >= 1.0, 0, 1).astype(np.int8)
    given_outcome = np.zeros(n, dtype=np.bool_)
    if isinstance(outcome, np.ndarray):
        given_outcome = outcome != NO_OUTCOME
        outcome_arr[given_outcome] = outcome[given_outcome]
    elif outcome is not None:
        for i, kind in enumerate(outcome):
            if kind is None or kind == "":
                continue
            given_outcome[i] = True
            code = OUTCOME_CODE.get(kind)
            if code is None:
                raise fail(i, f"unknown outcome {kind!r} (expected one of {', '.join(OUTCOMES)})")
            outcome_arr[i] = code

    number_arrs: dict[str, FloatArray] = {}
    given = numbers or {}
    absent = np.full(n, np.nan)
    absent.flags.writeable = False  # one array for every column the file lacks (memory), never written
    for name in OPTIONAL_NUMBERS:
        if name in given:
            arr = _floats(given[name], name, fail, required=False)
            if arr.shape[0] != n:  # an importer's bug, said where it happened rather than deep in the ranking
                raise InputError(source, f"{name}: {arr.shape[0]} values for {n} samples")
            _check_range(arr, name, fail)
            number_arrs[name] = arr
        else:
            number_arrs[name] = absent
    _check_token_parts(number_arrs, fail)

    table = SampleTable(
        models=models,
        tasks=tasks,
        sample_ids=ids,
        sources=tuple(source_names),
        model=model_codes,
        task=task_codes,
        sample=id_codes,
        epoch=epoch_arr,
        score=score_arr,
        outcome=outcome_arr,
        numbers=number_arrs,
        source=np.asarray(source_codes, dtype=np.int32),
        place=place_arr,
        texts=dict(texts or {}),
        outcome_given=None if given_outcome.all() else given_outcome,
    )
    dup = first_duplicate(table)
    if dup is not None:
        first, second = dup
        raise fail(
            second,
            f"duplicate row for model {models[model_codes[second]]!r}, task "
            f"{tasks[task_codes[second]]!r}, sample_id {ids[id_codes[second]]!r}, epoch "
            f"{int(epoch_arr[second])} (first at {table.where(first)})",
        )
    return table


def _floats(values: object, name: str, fail: object, *, required: bool) -> FloatArray:
    """Convert a column to float64; None means missing (an error when required)."""
    assert callable(fail)
    if isinstance(values, np.ndarray):
        arr = values.astype(np.float64, copy=False)
    else:
        seq = list(values)  # type: ignore[call-overload]
        if not set(map(type, seq)) <= _NUMBER_TYPES:  # bools and strings are not numbers
            bad_at = next(i for i, v in enumerate(seq) if type(v) not in _NUMBER_TYPES)
            raise fail(bad_at, f"{name} must be a number, got {seq[bad_at]!r}")
        arr = np.asarray([np.nan if v is None else v for v in seq], dtype=np.float64)
        if required and np.isnan(arr).any():
            raise fail(int(np.flatnonzero(np.isnan(arr))[0]), f"{name} is missing")
    bad = np.flatnonzero(~np.isfinite(arr) if required else np.isinf(arr))
    if bad.size:
        raise fail(int(bad[0]), f"{name} {float(arr[bad[0]]):g} is not a finite number")
    return arr


def _check_range(arr: FloatArray, name: str, fail: object) -> None:
    """Non-negative, at most ``LIMITS[name]``, and whole for token counts; NaN (missing) passes."""
    assert callable(fail)
    bad = np.flatnonzero(arr < 0)
    if bad.size:
        raise fail(int(bad[0]), f"{name} {float(arr[bad[0]]):g} is negative")
    limit = LIMITS[name]
    bad = np.flatnonzero(arr > limit)
    if bad.size:
        raise fail(int(bad[0]), f"{name} {float(arr[bad[0]]):g} is larger than {limit:g}, the most one sample may have")
    if name in TOKEN_COLUMNS:
        bad = np.flatnonzero(arr != np.floor(arr))  # NaN != NaN, so skip missing values
        bad = bad[~np.isnan(arr[bad])]
        if bad.size:
            raise fail(int(bad[0]), f"{name} {float(arr[bad[0]]):g} is not a whole number of tokens")


def _check_token_parts(cols: dict[str, FloatArray], fail: object) -> None:
    """Cached and cache-write tokens are part of input; reasoning is part of output."""
    assert callable(fail)
    with np.errstate(invalid="ignore"):
        parts = np.nan_to_num(cols["cached_input_tokens"]) + np.nan_to_num(cols["cache_write_tokens"])
        bad = np.flatnonzero(parts > cols["input_tokens"])
        if bad.size:
            raise fail(
                int(bad[0]),
                "cached_input_tokens + cache_write_tokens exceed input_tokens "
                "(input_tokens must include cached tokens)",
            )
        bad = np.flatnonzero(cols["reasoning_tokens"] > cols["output_tokens"])
        if bad.size:
            raise fail(
                int(bad[0]),
                "reasoning_tokens exceed output_tokens (output_tokens must include reasoning)",
            )


def first_duplicate(table: SampleTable) -> tuple[int, int] | None:
    """The first pair of rows with the same (model, task, sample_id, epoch), if any."""
    if len(table) < 2:
        return None
    key = _row_keys(table)
    ordered = np.sort(key)  # a plain sort answers "any duplicate?"; only then find where
    if not (ordered[1:] == ordered[:-1]).any():
        return None
    order = np.argsort(key, kind="stable")
    same = np.flatnonzero(key[order][1:] == key[order][:-1])
    if not same.size:
        return None
    second = order[same + 1]
    first = order[same]
    pick = int(np.argmin(second))
    return int(first[pick]), int(second[pick])


def _row_keys(table: SampleTable) -> npt.NDArray[np.int64]:
    k = table.model.astype(np.int64)
    k = k * (len(table.tasks) + 1) + table.task
    k = k * (len(table.sample_ids) + 1) + table.sample
    return k * (int(table.epoch.max(initial=0)) + 1) + table.epoch


def concat(tables: Sequence[SampleTable]) -> SampleTable:
    """Join tables from several files, re-coding categories; duplicates across files are errors.

    Aggregates ride along: joined, and a model with both samples and aggregates is an error.
    """
    if len(tables) == 1:
        return tables[0]
    cats: dict[str, dict[str, int]] = {"models": {}, "tasks": {}, "sample_ids": {}, "sources": {}}

    def recode(attr: str, codes_attr: str, t: SampleTable) -> IntArray:
        index = cats[attr]
        mapping = np.asarray([index.setdefault(v, len(index)) for v in getattr(t, attr)], dtype=np.int32)
        codes: IntArray = mapping[getattr(t, codes_attr)]
        return codes

    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("model", "task", "sample", "source")}
    for t in tables:
        parts["model"].append(recode("models", "model", t))
        parts["task"].append(recode("tasks", "task", t))
        parts["sample"].append(recode("sample_ids", "sample", t))
        parts["source"].append(recode("sources", "source", t))
    text_keys = {k for t in tables for k in t.texts}
    table = SampleTable(
        models=tuple(cats["models"]),
        tasks=tuple(cats["tasks"]),
        sample_ids=tuple(cats["sample_ids"]),
        sources=tuple(cats["sources"]),
        model=np.concatenate(parts["model"]),
        task=np.concatenate(parts["task"]),
        sample=np.concatenate(parts["sample"]),
        epoch=np.concatenate([t.epoch for t in tables]),
        score=np.concatenate([t.score for t in tables]),
        outcome=np.concatenate([t.outcome for t in tables]),
        numbers={k: np.concatenate([t.numbers[k] for t in tables]) for k in OPTIONAL_NUMBERS},
        source=np.concatenate(parts["source"]),
        place=np.concatenate([t.place for t in tables]),
        texts={k: [x for t in tables for x in t.texts.get(k, [None] * len(t))] for k in text_keys},
        outcome_given=(
            np.concatenate([t.outcome_given if t.outcome_given is not None else np.ones(len(t), bool) for t in tables])
            if any(t.outcome_given is not None for t in tables)
            else None
        ),
    )
    if any(t.aggregates is not None for t in tables):
        agg = join([t.aggregates for t in tables if t.aggregates is not None])
        check_disjoint(table, agg)
        table = dataclasses.replace(table, aggregates=agg)
    dup = first_duplicate(table)
    if dup is not None:
        first, second = dup
        raise InputError(
            table.where(second),
            f"the same sample (model {table.models[table.model[second]]!r}, task "
            f"{table.tasks[table.task[second]]!r}, sample_id "
            f"{table.sample_ids[table.sample[second]]!r}, epoch {int(table.epoch[second])}) "
            f"is also at {table.where(first)}",
        )
    return table


def check_disjoint(table: SampleTable, agg: AggregateTable) -> None:
    """A model with samples must not also have aggregates; the error names both files."""
    if not agg.rows and not agg.model_rows:
        return
    codes = {name: i for i, name in enumerate(table.models)}
    places = [(r.model, r.task, r.where) for r in agg.rows]
    places += [(m.model, MODEL_LEVEL, m.where) for m in agg.model_rows]
    for model, task, where in places:
        code = codes.get(model)
        if code is None:
            continue
        rows = np.flatnonzero((table.model == code) & np.isnan(table.numbers[PROBE_MARK]))  # probe rows may join
        if not rows.size:
            continue
        same = rows[table.task[rows] == table.tasks.index(task)] if task in table.tasks else rows[:0]
        at = table.where(int(same[0] if same.size else rows[0]))
        what = f"on task {task!r} " if same.size else ""
        raise InputError(
            where,
            f"model {model!r} has aggregates here and samples {what}at {at}; a model's results must "
            "be all samples or all aggregates (aggregate its samples too, or name the models differently)",
        )


def empty_table(agg: AggregateTable | None = None) -> SampleTable:
    """A SampleTable with no samples, carrying aggregates (what an aggregates file loads as)."""
    i32 = np.zeros(0, dtype=np.int32)
    return SampleTable(
        models=(),
        tasks=(),
        sample_ids=(),
        sources=(),
        model=i32,
        task=i32,
        sample=i32,
        epoch=i32,
        score=np.zeros(0),
        outcome=np.zeros(0, dtype=np.int8),
        numbers={k: np.zeros(0) for k in OPTIONAL_NUMBERS},
        source=i32,
        place=i32,
        aggregates=agg,
    )
