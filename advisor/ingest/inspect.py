"""Import Inspect AI logs: ``.eval`` (a zip) and ``.json``, read directly.

Inspect is what safety and capability teams run; advisor reads its logs
without depending on ``inspect_ai`` (whose log schema moves quickly). The
mapping (docs/formats-import.md has the full table):

- model = ``eval.model``, task = ``eval.task``, sample_id = sample ``id``,
  epoch = Inspect's 1-based ``epoch`` minus one.
- score = the chosen scorer's value: "C" 1, "P" 0.5, "I" and "N" 0, numbers
  and booleans as they are. Default scorer: the first in ``results.scores``
  (the task's first scorer); ``scorer=`` picks another.
- tokens from ``model_usage[eval.model]`` converted so that input includes
  cache reads and writes and output includes reasoning (decided per sample
  from ``total_tokens``, which says which counting the provider used).
- latency_ms = ``working_time`` x 1000 (``latency="total"`` uses
  ``total_time``); cost = ``total_cost`` where Inspect recorded it.
- sample ``error`` -> error (timeout when the message says so); ``limit``
  -> timeout (time, working, message, turn, cost) or truncated (token,
  context) unless the sample still passed; score "N" -> malformed; stop
  reason ``max_tokens`` -> truncated, ``content_filter`` -> refusal.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from advisor.errors import InputError
from advisor.ingest import common, inspect_results
from advisor.records.samples import SampleTable, build

NAME = "inspect"

_LETTERS = {"C": 1.0, "P": 0.5, "I": 0.0, "N": 0.0}
_WORDS = {"yes": 1.0, "true": 1.0, "no": 0.0, "false": 0.0}
_LIMIT_KIND = {
    "time": "timeout",
    "working": "timeout",
    "message": "timeout",
    "turn": "timeout",
    "cost": "timeout",
    "token": "truncated",
    "context": "truncated",
}
_TIMEOUT = re.compile(r"time(d)?[ -]?out|deadline exceeded", re.IGNORECASE)
#: Sample members; ids containing ``/`` put them in sub-folders (``samples/a/b_epoch_1.json``).
_SAMPLE = re.compile(r"^samples/.+_epoch_\d+(?:\.json|/sample\.json)$")
#: Keys of a dict-valued score taken as "the" score, in this order, when no key is chosen.
SCORE_KEYS = ("score", "value", "correct", "accuracy", "success", "pass", "passed", "reward")


def sniff(path: Path, head: bytes) -> bool:
    if head.startswith(b"PK\x03\x04"):
        return path.suffix.lower() == ".eval" or any(
            hint in head[:512] for hint in (b"_journal/", b"header.json", b"samples/")
        )
    start = head.lstrip()[:1]
    return start == b"{" and b'"eval"' in head and b'"run_id"' in head and b'"task"' in head


def read(path: Path, *, scorer: str | None = None, latency: str = "working") -> SampleTable:
    if latency not in ("working", "total"):
        raise InputError(None, f"inspect latency must be 'working' or 'total', not {latency!r}")
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == b"PK\x03\x04" or path.suffix.lower() == ".eval":
        return _read_zip(path, scorer, latency)
    doc = common.json_object(common.read_bytes(path), path)
    raw = doc.get("samples")
    listed = common.as_list([] if raw is None else raw, common.at_key(path, "samples"), "samples")
    samples = [(common.at_key(path, f"samples[{i}]"), _given(s)) for i, s in enumerate(listed)]
    return _table(path, doc, samples, scorer, latency)


#: A sample's place and a way to get it: zip members are parsed one at a time, when needed.
Samples = list[tuple[str, Callable[[], Any]]]


def _given(sample: Any) -> Callable[[], Any]:
    return lambda: sample


def _read_zip(path: Path, scorer: str | None, latency: str) -> SampleTable:
    with common.SafeZip(path) as z:
        if "header.json" in z.names:
            header = z.json("header.json")
        elif "_journal/start.json" in z.names:
            header = z.json("_journal/start.json")
            common.note("no header.json (the run did not finish); read from _journal/start.json")
        else:
            raise InputError(path, "a zip, but not an Inspect log (no header.json or _journal/start.json)")
        common.as_dict(header, z.where("header.json"), "the log header")
        names = sorted((n for n in z.names if _SAMPLE.match(n)), key=_member_order)
        samples: Samples = [(z.where(n), functools.partial(z.json, n)) for n in names]
        return _table(path, header, samples, scorer, latency)


def _member_order(name: str) -> tuple[int, str]:
    return (len(name), name)


def _table(path: Path, header: dict[str, Any], samples: Samples, scorer: str | None, latency: str) -> SampleTable:
    ev = common.as_dict(header.get("eval"), common.at_key(path, "eval"), "eval")
    model = common.as_str(ev.get("model"), common.at_key(path, "eval.model"), "eval.model")
    task = common.as_str(ev.get("task"), common.at_key(path, "eval.task"), "eval.task")
    status = header.get("status")
    run_error = _run_error(header)
    said = f"status {status!r}" + (f", error: {run_error}" if run_error else "")
    if status not in (None, "success"):
        common.note(f"log {said}: the run did not finish; only its samples are read")
    if not samples:
        return inspect_results.unsampled(path, header, ev, model, task, said, scorer, _run_error(header))
    version = _version(ev)
    chosen, key = _choose_scorer(path, header, samples, scorer)
    cols: dict[str, list[Any]] = {k: [] for k in _COLUMNS}
    places: list[int] = []
    unscored = 0
    for i, (where, load) in enumerate(samples):
        sample = load()
        common.as_dict(sample, where, "a sample")
        sid = common.as_id(sample.get("id"), where, "id")
        epoch = sample.get("epoch", 1)
        if type(epoch) is not int or epoch < 1:
            raise InputError(where, f"epoch must be a whole number from 1, found {epoch!r}")
        score, outcome, err = _score(sample, chosen, key, where)
        if score is None:
            unscored += 1
            continue
        cols["sample_id"].append(sid)
        cols["epoch"].append(epoch - 1)
        cols["score"].append(score)
        cols["outcome"].append(outcome)
        cols["error"].append(err)
        cols["response"].append(_completion(sample))
        seconds = sample.get("working_time" if latency == "working" else "total_time")
        t = common.number(seconds)
        cols["latency_ms"].append(None if t is None else t * 1000.0)
        usage = _usage(sample, model)
        for name, value in zip(_TOKENS, _tokens(usage, version, model), strict=True):
            cols[name].append(value)
        cols["cost_usd"].append(common.number(usage.get("total_cost")) if usage else None)
        places.append(i + 1)
    if unscored:
        common.note(f"{unscored} sample(s) without a {chosen!r} score and without an error: not imported")
    if not places:
        what = f"a {chosen!r} score" if chosen else "a score or an error (no scorer ran)"
        raise InputError(path, f"no sample has {what} ({said})")
    if all(o in ("error", "timeout") for o in cols["outcome"]):
        common.note(f"every sample failed ({said}); imported as {len(places)} error row(s)")
    _check_count(header, len(samples))
    n = len(places)
    return build(
        model=[model] * n,
        task=[task] * n,
        sample_id=cols["sample_id"],
        score=cols["score"],
        epoch=cols["epoch"],
        outcome=cols["outcome"],
        numbers={k: cols[k] for k in (*_TOKENS, "latency_ms", "cost_usd")},
        texts={"response": cols["response"], "error": cols["error"]},
        source=str(path),
        places=places,
    )


def _run_error(header: dict[str, Any]) -> str | None:
    """The first line of the run's own error (``header.error.message``), if it failed."""
    error = header.get("error")
    message = error.get("message") if type(error) is dict else error
    if type(message) is not str or not message.strip():
        return None
    return message.strip().splitlines()[0][:300]


def _check_count(header: dict[str, Any], present: int) -> None:
    total = common.obj(header.get("results")).get("total_samples")
    if type(total) is int and total > present:
        common.note(
            f"the header counts {total} samples (x epochs) but the file holds {present}; "
            "only those present are read (a trimmed or unfinished log)"
        )


_TOKENS = ("input_tokens", "output_tokens", "cached_input_tokens", "cache_write_tokens", "reasoning_tokens")
_COLUMNS = ("sample_id", "epoch", "score", "outcome", "error", "response", "latency_ms", "cost_usd", *_TOKENS)


def _version(ev: dict[str, Any]) -> tuple[int, ...]:
    packages = common.obj(ev.get("packages"))
    raw = packages.get("inspect_ai")
    if type(raw) is not str:
        return ()
    return tuple(int(p) for p in re.findall(r"\d+", raw)[:3])


def _choose_scorer(
    path: Path, header: dict[str, Any], samples: Samples, scorer: str | None
) -> tuple[str | None, str | None]:
    """(scorer, key of its dict values or None); scorer None: no scorer ran (only errors can be read)."""
    names: list[str] = []
    results = common.obj(header.get("results"))
    for entry in results.get("scores") or []:
        if type(entry) is dict and type(entry.get("name")) is str and entry["name"] not in names:
            names.append(entry["name"])
    for _, load in samples[:3]:
        sample = load()
        scores = sample.get("scores") if type(sample) is dict else None
        if type(scores) is dict:
            names.extend(k for k in scores if k not in names)
    key: str | None = None
    if scorer is not None:
        chosen = scorer
        if scorer not in names and "/" in scorer:
            chosen, _, key = scorer.rpartition("/")
        if chosen not in names:
            raise InputError(path, f"no scorer {scorer!r} in this log (scorers: {', '.join(names) or 'none'})")
    elif names:
        chosen = names[0]
    else:
        return None, None
    ignored = [n for n in names if n != chosen]
    if ignored:
        common.note(f"scorer {chosen!r} used; ignored: {', '.join(ignored)}")
    return chosen, key


def _score(
    sample: dict[str, Any], scorer: str | None, key: str | None, where: str
) -> tuple[float | None, str, str | None]:
    """(score, outcome, error message); score None = not scored and no failure recorded."""
    error = sample.get("error")
    if error is not None:
        message = error.get("message") if type(error) is dict else error
        message = message if type(message) is str else common.text(message)
        kind = "timeout" if message and _TIMEOUT.search(message) else "error"
        return 0.0, kind, message
    scores = sample.get("scores")
    entry = scores.get(scorer) if type(scores) is dict and scorer is not None else None
    value = entry.get("value") if type(entry) is dict else None
    limit = sample.get("limit")
    limit_kind = None
    if limit is not None:
        ltype = limit.get("type") if type(limit) is dict else limit
        limit_kind = _LIMIT_KIND.get(str(ltype), "error")
    if value is None:
        if limit_kind:
            return 0.0, limit_kind, f"limit: {common.text(limit)}"
        return None, "ok", None
    score = _value(value, where, str(scorer), key)
    if score is None:
        return None, "ok", None
    if not 0.0 <= score <= 1.0:
        raise InputError(where, f"score {score:g} of scorer {scorer!r} is outside [0, 1]; choose another scorer")
    if score >= 1.0:
        return score, "ok", None
    if limit_kind:
        return score, limit_kind, None
    if value == "N":
        return score, "malformed", None
    output = common.obj(sample.get("output"))
    choices = output.get("choices") if type(output.get("choices")) is list else []
    stop = choices[0].get("stop_reason") if choices and type(choices[0]) is dict else None
    if stop in ("max_tokens", "model_length"):
        return score, "truncated", None
    if stop == "content_filter":
        return score, "refusal", None
    return score, "wrong", None


def _value(value: Any, where: str, scorer: str, key: str | None = None) -> float | None:
    if type(value) is dict:
        return _dict_value(value, where, scorer, key)
    if key is not None:
        raise InputError(where, f"score of scorer {scorer!r} is one value, not a dict with key {key!r}")
    if type(value) is str:
        if value in _LETTERS:
            return _LETTERS[value]
        if value.strip().lower() in _WORDS:
            return _WORDS[value.strip().lower()]
        try:
            return float(value)
        except ValueError:
            raise InputError(where, f"score {value!r} of scorer {scorer!r} is not a known value") from None
    if type(value) is bool:
        return 1.0 if value else 0.0
    if type(value) in (int, float):
        # NaN is Inspect's "could not score" (its reducers drop it): unscored, like None.
        return None if value != value else float(value)
    raise InputError(
        where,
        f"score of scorer {scorer!r} is a {type(value).__name__}, not one value; choose another scorer",
    )


def _dict_value(value: dict[str, Any], where: str, scorer: str, key: str | None) -> float | None:
    """A dict-valued score (one value per key, e.g. web-agent scorers): the chosen or documented key."""
    if key is None:
        key = next((k for k in SCORE_KEYS if k in value), None)
        if key is None:
            raise InputError(
                where,
                f"scorer {scorer!r} gives a dict of values (keys: {', '.join(map(str, value)) or 'none'}); "
                f'choose one with scorer = "{scorer}/<key>" in [importers.inspect]',
            )
        common.note(f"scorer {scorer!r} gives a dict of values; its {key!r} key is the score")
    if key not in value:
        raise InputError(where, f"scorer {scorer!r} has no key {key!r} here (keys: {', '.join(map(str, value))})")
    inner = value[key]
    if inner is None:
        return None
    if type(inner) in (dict, list):
        raise InputError(where, f"{scorer}/{key} is a {type(inner).__name__}, not one value")
    return _value(inner, where, scorer)


def _completion(sample: dict[str, Any]) -> str | None:
    output = sample.get("output")
    if type(output) is not dict:
        return None
    if type(output.get("completion")) is str:
        return str(output["completion"])
    choices = output.get("choices")
    if type(choices) is list and choices and type(choices[0]) is dict:
        message = choices[0].get("message")
        if type(message) is dict:
            return common.text(message.get("content"))
    return None


def _usage(sample: dict[str, Any], model: str) -> dict[str, Any]:
    usage = sample.get("model_usage")
    if type(usage) is dict and type(usage.get(model)) is dict:
        return dict(usage[model])
    # Before per-sample model_usage (< 0.3.42) only the last call's usage exists;
    # it is the sample's usage only when there was a single model call.
    output = common.obj(sample.get("output"))
    messages = sample.get("messages")
    turns = (
        sum(1 for m in messages if type(m) is dict and m.get("role") == "assistant") if type(messages) is list else 0
    )
    if not usage and type(output.get("usage")) is dict and turns == 1 and sample.get("limit") is None:
        return dict(output["usage"])
    return {}


def _tokens(usage: dict[str, Any], version: tuple[int, ...], model: str) -> tuple[float | None, ...]:
    """(input, output, cached, cache_write, reasoning) with input incl. cache and output incl. reasoning."""
    inp = common.number(usage.get("input_tokens"))
    out = common.number(usage.get("output_tokens"))
    if inp is None and out is None:
        return (None, None, None, None, None)
    read = common.number(usage.get("input_tokens_cache_read"))
    write = common.number(usage.get("input_tokens_cache_write"))
    reasoning = common.number(usage.get("reasoning_tokens"))
    total = common.number(usage.get("total_tokens"))
    i, o, cache = inp or 0.0, out or 0.0, (read or 0.0) + (write or 0.0)
    if cache:
        if total is not None:
            beside = total == i + o + cache or total == i + o + cache + (reasoning or 0.0)
        else:  # 0.3.184 made input exclude cache for every provider; before, only Anthropic did
            beside = version >= (0, 3, 184) or model.startswith("anthropic/") or cache > i
        if beside or cache > i:
            i += cache
    if reasoning and (reasoning > o or (total is not None and total == i + o + reasoning)):
        o += reasoning
    return (i if inp is not None else None, o if out is not None else None, read, write, reasoning)
