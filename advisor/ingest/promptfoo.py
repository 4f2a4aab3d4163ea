"""Import promptfoo results: the JSON of ``promptfoo eval -o out.json`` and the JSONL export.

promptfoo is the most common way teams compare prompts and providers, so its
files must load as they are. The mapping (see docs/formats-import.md):

- model = ``provider.id`` exactly as written; task = the file's stem (the
  same for ``-o out.json`` and ``-o out.jsonl``; ``task=`` sets another),
  suffixed with the prompt's label (``prompt <n>``, its place among the
  file's prompts from 1, when the label is long or several lines, as an
  unlabelled prompt's label is its whole text) when the file holds several
  prompts. ``promptIdx`` is not used: it counts prompt x provider pairs.
- sample_id = ``testIdx``. ``--repeat N`` gives every repeat its own
  ``testIdx``, so repeats are recognised by content: rows of the same
  provider and prompt whose test (description, vars, assertions) is the same
  are epochs 0, 1, ... of one sample, whose id is the test's first ``testIdx``.
- score = ``score`` (assertion-weighted, 0..1); outcome from ``success`` and
  ``failureReason`` (derived for old files without it).
- Replays from promptfoo's own cache (``response.cached``) carry the original
  call's latency and cost (or none) and no token split: those are missing.
- Zero latency, zero cost and all-zero token counts are what promptfoo writes
  when it knows nothing (errors, custom providers; 0.123 zero-fills the
  tokens a provider did not report): missing, not free. A provider error
  keeps the latency promptfoo measured for it.
- Grader exceptions (``Custom function threw error``) say nothing about the
  model, so those rows are dropped with a note.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from advisor.errors import InputError
from advisor.ingest import common
from advisor.records.samples import FloatArray, SampleTable, build

NAME = "promptfoo"

_GRADER_ERROR = re.compile(r"^\s*(Custom function threw error|Error running assertion|Python code execution)")
_TIMEOUT = re.compile(r"time(d)?[ -]?out|ETIMEDOUT|deadline exceeded", re.IGNORECASE)


#: promptfoo's lossy exports: they have no latency, tokens or cost, so they are refused by name.
_CSV_EXPORT = re.compile(
    rb"^(?:\xef\xbb\xbf)?(?:Description,)?.*\[[^\]\n]+\][^,\n]*,(?:Reasoning,)?Status,Score,", re.MULTILINE
)
_YAML_EXPORT = re.compile(rb"^evalId: .*\nresults:\n  version: \d", re.MULTILINE)
EXPORT_HINT = "export JSON or JSONL instead (promptfoo eval -o out.json, or -o out.jsonl)"


def sniff(path: Path, head: bytes) -> bool:
    start = head.lstrip()[:1]
    if start == b"{" and b'"promptIdx"' in head and b'"testIdx"' in head and b'"provider"' in head:
        return True
    return start == b"{" and b'"evalId"' in head and b'"results"' in head


def near_miss(path: Path, head: bytes) -> str | None:
    """Why a file that looks like promptfoo's CSV or YAML export is not read (None: it does not)."""
    first = head[:8192]
    if _CSV_EXPORT.match(first.split(b"\n", 1)[0] + b"\n"):
        return f"a promptfoo CSV export, which has no latency, tokens or cost; {EXPORT_HINT}"
    if _YAML_EXPORT.match(first):
        return f"a promptfoo YAML export; {EXPORT_HINT}"
    return None


def read(path: Path, *, task: str | None = None) -> SampleTable:
    return _table(path, *_rows(path, task))


def _rows(path: Path, task: str | None) -> tuple[list[Any], list[str], str]:
    """The per-test result rows, their places, and the base task name (JSON or JSONL)."""
    if task is not None and not task.strip():
        raise InputError(None, "promptfoo task must be a non-empty name")
    data = common.read_bytes(path)
    reason = near_miss(path, data[:8192])
    if reason is not None:
        raise InputError(path, reason)
    first = data.lstrip().split(b"\n", 1)[0]
    base = (task or path.stem).strip() or path.stem
    if b'"evalId"' not in first[:4096] and b'"testIdx"' in first and first.rstrip().endswith(b"}"):
        return _read_jsonl(path, data, base)
    doc = common.json_object(data, path)
    if "evalId" not in doc and "results" not in doc and "testIdx" in doc:
        return _read_jsonl(path, data, base)
    summary = common.as_dict(doc.get("results"), common.at_key(path, "results"), "results")
    if summary.get("version") not in (2, 3):
        common.note(f"results.version {summary.get('version')!r} not seen before; read as version 3")
    rows = common.as_list(summary.get("results"), common.at_key(path, "results.results"), "results.results")
    if not rows:
        raise InputError(path, "no per-test results in this file (results.results is empty)")
    places = [f"results.results[{i}]" for i in range(len(rows))]
    return rows, places, base


def _read_jsonl(path: Path, data: bytes, base: str) -> tuple[list[Any], list[str], str]:
    # Older writers joined batches without a newline, so ``}{`` may glue two rows.
    data = re.sub(rb'\}\{"', b'}\n{"', data)
    parsed = common.jsonl_rows(data, path)
    rows = [obj for _, obj in parsed]
    places = [str(line) for line, _ in parsed]
    return rows, places, base


def _prompt_ordinals(path: Path, rows: list[Any], places: list[str]) -> dict[str, int]:
    """Prompts numbered from 1 in order of appearance (= promptfoo's config order)."""
    ordinal: dict[str, int] = {}
    for i, row in enumerate(rows):
        common.as_dict(row, _where(path, places[i]), "a result")
        ordinal.setdefault(_prompt_key(row), len(ordinal) + 1)
    return ordinal


def cases_by_item(path: Path, *, task: str | None = None) -> dict[tuple[str, str], dict[str, Any]]:
    """The test case promptfoo ran, per (task, sample_id) as ``read`` names them (``advisor split --export``)."""
    rows, places, base = _rows(path, task)
    ordinal = _prompt_ordinals(path, rows, places)
    first_idx = _first_index_by_content(path, rows, places)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for i, row in enumerate(rows):
        case = row.get("testCase")
        if type(case) is not dict:
            continue
        name = f"{base} / {_prompt_label(row, ordinal[_prompt_key(row)])}" if len(ordinal) > 1 else base
        out.setdefault((name, first_idx[i]), case)
    return out


def _table(path: Path, rows: list[Any], places: list[str], base: str) -> SampleTable:
    ordinal = _prompt_ordinals(path, rows, places)
    several = len(ordinal) > 1
    first_idx = _first_index_by_content(path, rows, places)
    cols: dict[str, list[Any]] = {k: [] for k in _COLUMNS}
    seen: dict[tuple[str, str, str], int] = {}
    kept: list[int] = []
    dropped = 0
    for i, row in enumerate(rows):
        where = _where(path, places[i])
        provider = common.as_dict(row.get("provider"), where, "provider") if "provider" in row else {}
        model = common.as_str(provider.get("id"), where, "provider.id")
        test = first_idx[i]
        task = base
        if several:
            task = f"{base} / {_prompt_label(row, ordinal[_prompt_key(row)])}"
        if _is_grader_error(row):
            dropped += 1
            continue
        key = (model, task, test)
        epoch = seen.get(key, 0)
        seen[key] = epoch + 1
        _row(cols, row, where)
        cols["model"].append(model)
        cols["task"].append(task)
        cols["sample_id"].append(test)
        cols["epoch"].append(epoch)
        kept.append(i)
    if dropped:
        common.note(f"{dropped} result(s) dropped: the grader itself failed (Custom function threw error)")
    if not kept:
        raise InputError(
            path,
            f"all {len(rows)} results are grader errors (an assertion threw), so no model was scored; "
            "fix the assertion and re-run promptfoo",
        )
    if any(e > 0 for e in cols["epoch"]):
        common.note("repeated tests (--repeat, or the same test twice) read as epochs of one sample")
    numbers: dict[str, Sequence[float | None] | FloatArray] = {k: cols[k] for k in _NUMBERS}
    return build(
        model=cols["model"],
        task=cols["task"],
        sample_id=cols["sample_id"],
        score=cols["score"],
        epoch=cols["epoch"],
        outcome=cols["outcome"],
        numbers=numbers,
        texts={"response": cols["response"], "error": cols["error"]},
        source=str(path),
        places=_line_places(places, kept),
    )


#: The numbers promptfoo records (not the probe's columns, which the records also know).
_NUMBERS = (
    "latency_ms",
    "input_tokens",
    "output_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
    "cost_usd",
)
_COLUMNS = ("model", "task", "sample_id", "epoch", "score", "outcome", "response", "error", *_NUMBERS)


def _where(path: Path, place: str) -> str:
    return f"{path}:{place}" if place.isdigit() else f"{path} [{place}]"


def _line_places(places: list[str], kept: list[int]) -> list[int]:
    """JSONL rows are placed by line; JSON rows by their 0-based index, shown 1-based."""
    return [int(places[i]) if places[i].isdigit() else i + 1 for i in kept]


def _prompt_key(row: dict[str, Any]) -> str:
    prompt = common.obj(row.get("prompt"))
    for value in (row.get("promptId"), prompt.get("label"), prompt.get("raw")):
        if type(value) is str and value:
            return value
    return str(row.get("promptIdx"))


#: A prompt label longer than this (unlabelled prompts are labelled with their whole text) is not a name.
MAX_LABEL = 40


def _prompt_label(row: dict[str, Any], ordinal: int) -> str:
    """The prompt's label when it is a name; else ``prompt <n>``, its place among the file's prompts."""
    prompt = common.obj(row.get("prompt"))
    label = prompt.get("label")
    if type(label) is str and label.strip() and len(label.strip()) <= MAX_LABEL and "\n" not in label.strip():
        return label.strip()
    return f"prompt {ordinal}"


def _first_index_by_content(path: Path, rows: list[Any], places: list[str]) -> list[str]:
    """Each row's sample id: the first ``testIdx`` of a test with the same description, vars and assertions."""
    first: dict[bytes, int | str] = {}
    keys: list[bytes] = []
    indices: list[int | str] = []
    for i, row in enumerate(rows):
        where = _where(path, places[i])
        idx = row.get("testIdx")
        common.as_id(idx, where, "testIdx")
        case = common.obj(row.get("testCase"))
        content = {
            "description": case.get("description"),
            "vars": case.get("vars", row.get("vars")),
            "assert": case.get("assert"),
        }
        try:
            key = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            key = repr(content).encode()
        keys.append(key)
        indices.append(idx)
        have = first.get(key)
        if have is None or (type(have) is type(idx) and idx < have):  # type: ignore[operator]
            first[key] = idx
    return [str(first[k]) for k in keys]


def _is_grader_error(row: dict[str, Any]) -> bool:
    if row.get("success") is True or row.get("failureReason") == 2:
        return False
    grading = row.get("gradingResult")
    reason = grading.get("reason") if type(grading) is dict else None
    for message in (reason, row.get("error")):
        if type(message) is str and _GRADER_ERROR.match(message):
            return True
    return False


def _row(cols: dict[str, list[Any]], row: dict[str, Any], where: str) -> None:
    success = row.get("success")
    if type(success) is not bool:
        raise InputError(where, f"success must be true or false, found {success!r}")
    response = common.obj(row.get("response"))
    reason = row.get("failureReason")
    if reason is None:  # files before failureReason existed (Jan 2025)
        reason = 0 if success else (2 if row.get("gradingResult") is None and row.get("error") else 1)
    score: Any = row.get("score")
    if reason == 2:
        score = 0.0
    if type(score) not in (int, float) or isinstance(score, bool):
        raise InputError(where, f"score must be a number, found {score!r}")
    error_text = row.get("error") if type(row.get("error")) is str else None
    outcome = "ok" if success else _failure(reason, response, error_text)
    cached = response.get("cached") is True
    cols["score"].append(float(score))
    cols["outcome"].append(outcome)
    cols["response"].append(common.text(response.get("output")))
    cols["error"].append(error_text if reason == 2 else None)
    latency = common.number(row.get("latencyMs"))
    cost = common.number(row.get("cost"))
    cols["latency_ms"].append(None if cached or not latency else latency)
    cols["cost_usd"].append(None if cached or not cost else cost)
    usage = response.get("tokenUsage")
    if type(usage) is not dict:
        usage = row.get("tokenUsage")
    tokens = _tokens(usage if type(usage) is dict and not cached else {})
    for name, value in zip(
        ("input_tokens", "output_tokens", "cached_input_tokens", "cache_write_tokens", "reasoning_tokens"),
        tokens,
        strict=True,
    ):
        cols[name].append(value)


def _failure(reason: Any, response: dict[str, Any], error: str | None) -> str:
    if reason == 2:
        return "timeout" if error and _TIMEOUT.search(error) else "error"
    finish = response.get("finishReason")
    if finish in ("length", "max_tokens"):
        return "truncated"
    if finish == "content_filter":
        return "refusal"
    return "wrong"


def _tokens(usage: dict[str, Any]) -> tuple[float | None, ...]:
    """(input, output, cached, cache_write, reasoning) in the canonical convention."""
    prompt = common.number(usage.get("prompt"))
    completion = common.number(usage.get("completion"))
    total = common.number(usage.get("total"))
    if not prompt and not completion:
        return (None, None, None, None, None)  # all zero or absent: not reported
    details = common.obj(usage.get("completionDetails"))
    # 0.123 zero-fills every detail a provider did not report, so a zero here says nothing: missing.
    reasoning = common.number(details.get("reasoning")) or 0.0
    read = common.number(details.get("cacheReadInputTokens")) or None
    write = common.number(details.get("cacheCreationInputTokens")) or None
    p, c = prompt or 0.0, completion or 0.0
    if read is None:  # ``cached`` outside completionDetails: prompt-cache hits counted inside prompt
        inside = common.number(usage.get("cached"))
        read = inside if inside and inside <= p else None
    # Anthropic-style: cache reads/writes reported beside the prompt, not inside it.
    if (read or 0) + (write or 0) > p or (
        total is not None and total == p + c + (read or 0) + (write or 0) and (read or write)
    ):
        p += (read or 0) + (write or 0)
    # Gemini-style: reasoning beside completion (total = prompt + completion + reasoning).
    if reasoning and (reasoning > c or (total is not None and total == p + c + reasoning)):
        c += reasoning
    return (p, c, read, write, reasoning or None)
