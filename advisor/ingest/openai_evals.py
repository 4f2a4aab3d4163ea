"""Import OpenAI Evals record logs (the JSONL ``oaieval`` writes with ``--record_path``).

Many teams' first evals were written for openai/evals; their logs hold one
``spec`` line, a ``final_report`` line (anywhere in the file) and one event
per line. Mapping: model = ``spec.completion_fns[0]`` (March 2023 logs:
``spec.model_name``); task =
``spec.eval_name``; sample_id = the event ``sample_id``; score = 1/0 from each
``match`` event's ``correct`` (several match events for one sample are epochs
0, 1, ... in file order), or a 0..1 ``score`` from ``metrics`` events for
model-graded evals. Tokens are the sum of ``sampling.data.usage`` for the
sample (logs from 2024 on); no latency or cost is recorded. An ``error``
event marks its sample as an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from advisor.errors import InputError
from advisor.ingest import common
from advisor.records.samples import SampleTable, build

NAME = "openai_evals"


def sniff(path: Path, head: bytes) -> bool:
    first = head.lstrip()[:2048]
    return first.startswith(b'{"spec"') or (
        first.startswith(b"{")
        and (b'"completion_fns"' in first or b'"model_name"' in first)
        and b'"eval_name"' in first
        and b'"run_id"' in first
    )


def read(path: Path) -> SampleTable:
    rows = common.jsonl_rows(common.read_bytes(path), path)
    spec: dict[str, Any] | None = None
    report: Any = None
    events: list[tuple[int, dict[str, Any]]] = []
    for line, obj in rows:
        where = f"{path}:{line}"
        common.as_dict(obj, where, "each line")
        if "spec" in obj:
            spec = common.as_dict(obj["spec"], where, "spec")
        elif "final_report" in obj:
            report = obj["final_report"]
        elif "type" in obj:
            events.append((line, obj))
    if spec is None:
        raise InputError(path, "no spec line (not an OpenAI Evals record log?)")
    model = _model(spec, path)
    task = common.as_str(spec.get("eval_name"), common.at_key(path, "spec.eval_name"), "spec.eval_name")
    if report is None:
        common.note("no final_report line (the run may not have finished)")

    samples: dict[str, dict[str, Any]] = {}
    order: list[tuple[str, int, float, str, int]] = []  # (id, epoch, score, outcome, line)
    for line, ev in events:
        where = f"{path}:{line}"
        kind = ev.get("type")
        sid = ev.get("sample_id")
        if sid is None:
            continue
        sid = common.as_id(sid, where, "sample_id")
        data = common.obj(ev.get("data"))
        info = samples.setdefault(sid, {"tokens": [None, None], "response": None, "error": None, "scored": 0})
        if kind == "sampling":
            usage = common.obj(data.get("usage"))
            for j, key in enumerate(("prompt_tokens", "completion_tokens")):
                v = common.number(usage.get(key))
                if v is not None:
                    info["tokens"][j] = (info["tokens"][j] or 0.0) + v
            info["response"] = common.text(data.get("sampled"))
        elif kind == "match":
            correct = data.get("correct")
            if type(correct) is not bool:
                raise InputError(where, f"match.data.correct must be true or false, found {correct!r}")
            order.append((sid, info["scored"], 1.0 if correct else 0.0, "ok" if correct else "wrong", line))
            info["scored"] += 1
        elif kind == "metrics" and type(data.get("score")) in (int, float) and not info["scored"]:
            value = float(data["score"])
            if not 0.0 <= value <= 1.0:
                raise InputError(where, f"metrics score {value!r} is outside [0, 1]")
            order.append((sid, 0, value, "ok" if value >= 1 else "wrong", line))
            info["scored"] += 1
        elif kind == "error":
            message = data.get("message") if type(data.get("message")) is str else common.text(data)
            info["error"] = message
            if not info["scored"]:
                order.append((sid, 0, 0.0, "error", line))
                info["scored"] += 1
    if not order:
        raise InputError(path, "no match, metrics or error events; nothing to score")
    unscored = [s for s, info in samples.items() if not info["scored"]]
    if unscored:
        common.note(f"{len(unscored)} sample(s) were sampled but never scored: not imported")
    n = len(order)
    return build(
        model=[model] * n,
        task=[task] * n,
        sample_id=[o[0] for o in order],
        epoch=[o[1] for o in order],
        score=[o[2] for o in order],
        outcome=[o[3] for o in order],
        numbers={
            "input_tokens": [_tokens(samples[o[0]], 0) for o in order],
            "output_tokens": [_tokens(samples[o[0]], 1) for o in order],
        },
        texts={
            "response": [samples[o[0]]["response"] for o in order],
            "error": [samples[o[0]]["error"] if o[3] == "error" else None for o in order],
        },
        source=str(path),
        places=[o[4] for o in order],
    )


def _model(spec: dict[str, Any], path: Path) -> str:
    """``completion_fns[0]``; logs from March 2023 name the model in ``model_name`` instead."""
    if "completion_fns" not in spec and "model_name" in spec:
        return common.as_str(spec["model_name"], common.at_key(path, "spec.model_name"), "spec.model_name")
    fns = common.as_list(spec.get("completion_fns"), common.at_key(path, "spec.completion_fns"), "completion_fns")
    if not fns:
        raise InputError(common.at_key(path, "spec.completion_fns"), "no completion function named")
    model = common.as_str(fns[0], common.at_key(path, "spec.completion_fns"), "completion_fns[0]")
    if len(fns) > 1:
        common.note(f"several completion functions {fns!r}; samples attributed to the first")
    return model


def _tokens(info: dict[str, Any], which: int) -> float | None:
    """A sample's tokens, unless it was scored several times (then no row owns them)."""
    value: float | None = info["tokens"][which]
    return value if info["scored"] == 1 else None
