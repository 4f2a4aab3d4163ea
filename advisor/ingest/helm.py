"""Import a HELM run folder (``benchmark_output/runs/<suite>/<run>/``).

HELM spreads one run over several JSON files; the run folder is the unit. The
workspace may name the folder itself or any file in it (``covers`` lists the
files one read consumes, so the run is read once).

Mapping: model = ``run_spec.adapter_spec.model``; task = ``run_spec.name``
without its ``model=`` and ``model_deployment=`` arguments (HELM writes one
run folder per model, so a suite of runs of one scenario is one task across
models); sample_id = ``instance_id``; epoch = ``train_trial_index``; score =
the first per-instance stat of ``exact_match``, ``quasi_exact_match``,
``safety_score`` the run has (``metric=`` picks another 0..1 stat such as
``f1_score``) on the split the run has (``test`` when it has several;
``split=`` picks one); entries of the same instance are joined (safety
scenarios write an instance's stats in two entries);
latency_ms = ``inference_runtime`` x 1000 (missing for HELM cache hits);
tokens = ``num_prompt_tokens`` / ``num_completion_tokens``; no cost. A
request that failed (``scenario_state`` ``result.success`` false) is an error;
``finish_reason_length`` on a failed instance marks it truncated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from advisor.errors import InputError
from advisor.ingest import common
from advisor.records.samples import SampleTable, build

NAME = "helm"
FILES = ("run_spec.json", "per_instance_stats.json", "scenario_state.json", "stats.json", "scenario.json")


def _folder(path: Path) -> Path | None:
    if path.is_dir() and (path / "run_spec.json").is_file():
        return path
    if path.name in FILES and (path.parent / "run_spec.json").is_file():
        return path.parent
    return None


def sniff(path: Path, head: bytes) -> bool:
    return _folder(path) is not None


def covers(path: Path) -> list[Path]:
    folder = _folder(path)
    if folder is None:
        return [path]
    return [folder, *(folder / name for name in FILES)]


#: Default score stats, in order: the first a run reports is used.
METRICS = ("exact_match", "quasi_exact_match", "safety_score")


def task_name(run_name: str) -> str:
    """The run name without the model: ``mmlu:subject=philosophy,model=openai_gpt2`` -> ``mmlu:subject=philosophy``."""
    scenario, sep, args = run_name.partition(":")
    kept = [a for a in args.split(",") if a and a.split("=", 1)[0].strip() not in ("model", "model_deployment")]
    return scenario + (sep + ",".join(kept) if kept else "")


def read(path: Path, *, metric: str | None = None, split: str | None = None) -> SampleTable:
    if not path.is_dir() and _folder(path) is None:
        raise InputError(path, "not a HELM run folder (no run_spec.json beside it)")
    folder = _folder(path) or path
    spec_path = folder / "run_spec.json"
    spec = common.json_object(common.read_bytes(spec_path), spec_path)
    adapter = common.as_dict(spec.get("adapter_spec"), common.at_key(spec_path, "adapter_spec"), "adapter_spec")
    model = common.as_str(adapter.get("model"), common.at_key(spec_path, "adapter_spec.model"), "model")
    task = task_name(common.as_str(spec.get("name"), common.at_key(spec_path, "name"), "name"))
    stats_path = folder / "per_instance_stats.json"
    if not stats_path.is_file():
        raise InputError(folder, "HELM run folder without per_instance_stats.json; no per-instance scores")
    entries = common.as_list(common.loads(common.read_bytes(stats_path), stats_path), str(stats_path), "the file")
    requests = _requests(folder)
    instances = _joined(entries, stats_path)
    split = _split(instances, split, stats_path)
    metric = _metric(instances, split, metric, stats_path)
    cols: dict[str, list[Any]] = {k: [] for k in _COLUMNS}
    places: list[int] = []
    for (sid, trial), (first, stats) in instances.items():
        where = common.at_key(stats_path, f"[{first}]")
        values = {name: value for (name, s), value in stats.items() if s == split}
        if not values:
            continue
        if metric not in values or values[metric] is None:
            raise InputError(where, f"no {metric!r} stat for this instance")
        score = values[metric]
        assert score is not None
        if not 0.0 <= score <= 1.0:
            raise InputError(where, f"{metric} {score!r} is outside [0, 1]; choose another metric")
        request = requests.get((sid, trial), {})
        failed = request.get("success") is False
        outcome = "ok" if score >= 1 else "wrong"
        if failed:
            outcome, score = "error", 0.0
        elif score < 1 and values.get("finish_reason_length") == 1:
            outcome = "truncated"
        runtime = values.get("inference_runtime")
        cols["sample_id"].append(sid)
        cols["epoch"].append(trial)
        cols["score"].append(score)
        cols["outcome"].append(outcome)
        cols["latency_ms"].append(None if runtime is None or request.get("cached") else runtime * 1000.0)
        cols["input_tokens"].append(values.get("num_prompt_tokens"))
        cols["output_tokens"].append(values.get("num_completion_tokens"))
        cols["response"].append(request.get("text"))
        cols["error"].append(request.get("error") if failed else None)
        places.append(first + 1)
    if not places:
        raise InputError(stats_path, f"no instances of split {split!r}")
    n = len(places)
    return build(
        model=[model] * n,
        task=[task] * n,
        sample_id=cols["sample_id"],
        epoch=cols["epoch"],
        score=cols["score"],
        outcome=cols["outcome"],
        numbers={k: cols[k] for k in ("latency_ms", "input_tokens", "output_tokens")},
        texts={"response": cols["response"], "error": cols["error"]},
        source=str(stats_path),
        places=places,
    )


_COLUMNS = (
    "sample_id",
    "epoch",
    "score",
    "outcome",
    "latency_ms",
    "input_tokens",
    "output_tokens",
    "response",
    "error",
)


Instances = dict[tuple[str, int], tuple[int, dict[tuple[str, str], float | None]]]


def _joined(entries: list[Any], path: Path) -> Instances:
    """Stats per (instance id, trial): entries of the same instance joined, perturbed ones skipped."""
    out: Instances = {}
    for i, entry in enumerate(entries):
        where = common.at_key(path, f"[{i}]")
        common.as_dict(entry, where, "an instance")
        if entry.get("perturbation") is not None:
            continue
        sid = common.as_id(entry.get("instance_id"), where, "instance_id")
        trial = entry.get("train_trial_index", 0)
        if type(trial) is not int or trial < 0:
            raise InputError(where, f"train_trial_index must be a whole number, found {trial!r}")
        first, stats = out.setdefault((sid, trial), (i, {}))
        stats.update(_stats(entry, where))
    return out


def _split(instances: Instances, split: str | None, path: Path) -> str:
    """The chosen split; else the one the run has; else ``test``; several without ``test``: ask."""
    splits = sorted({s for _, stats in instances.values() for _, s in stats})
    if split is not None:
        if split not in splits:
            raise InputError(path, f"no instances of split {split!r} (splits: {', '.join(splits) or 'none'})")
        return split
    if len(splits) == 1:
        if splits[0] != "test":
            common.note(f"scored on split {splits[0]!r}, the only one this run has")
        return splits[0]
    if "test" in splits:
        common.note(f"scored on split 'test'; also here: {', '.join(s for s in splits if s != 'test')} (split=)")
        return "test"
    raise InputError(path, f"several splits ({', '.join(splits)}); choose one with [importers.helm] split")


def _metric(instances: Instances, split: str, metric: str | None, path: Path) -> str:
    names = {n for _, stats in instances.values() for n, s in stats if s == split}
    if metric is not None:
        return metric
    for name in METRICS:
        if name in names:
            return name
    scores = sorted(n for n in names if not n.startswith(("num_", "finish_reason", "inference_", "training_")))
    raise InputError(
        path,
        f"none of {', '.join(METRICS)} here; choose a 0..1 stat with [importers.helm] metric "
        f"({', '.join(scores[:12])})",
    )


def _stats(entry: dict[str, Any], where: str) -> dict[tuple[str, str], float | None]:
    out: dict[tuple[str, str], float | None] = {}
    for stat in common.as_list(entry.get("stats"), where, "stats"):
        if type(stat) is not dict or type(stat.get("name")) is not dict:
            raise InputError(where, "each stat must be an object with a name object")
        name = stat["name"]
        if name.get("perturbation") is not None or type(name.get("name")) is not str:
            continue
        out[(name["name"], str(name.get("split")))] = common.number(stat.get("mean")) if stat.get("count") else None
    return out


def _requests(folder: Path) -> dict[tuple[str, int], dict[str, Any]]:
    """Per (instance id, trial): success, cached, completion text, error (from scenario_state.json)."""
    path = folder / "scenario_state.json"
    if not path.is_file():
        return {}
    doc = common.json_object(common.read_bytes(path), path)
    out: dict[tuple[str, int], dict[str, Any]] = {}
    states = doc.get("request_states")
    for state in states if type(states) is list else []:
        if type(state) is not dict or type(state.get("instance")) is not dict:
            continue
        if state["instance"].get("perturbation") is not None:
            continue
        result = common.obj(state.get("result"))
        completions = result.get("completions") if type(result.get("completions")) is list else []
        first = completions[0] if completions and type(completions[0]) is dict else {}
        key = (str(state["instance"].get("id")), state.get("train_trial_index", 0))
        out[key] = {
            "success": result.get("success"),
            "cached": result.get("cached") is True,
            "text": first.get("text") if type(first.get("text")) is str else None,
            "error": result.get("error") if type(result.get("error")) is str else None,
        }
    return out
