"""OpenAI Evals record logs and HELM run folders on real files."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from advisor.errors import InputError
from advisor.ingest import detect, helm, openai_evals
from advisor.ingest.load import load_paths
from advisor.records.samples import OUTCOME_CODE

OAI = Path(__file__).parent / "data" / "openai_evals"
HELM = Path(__file__).parent / "data" / "helm" / "evaleval__every_eval_ever"
LOGS = sorted(OAI.glob("*/*.jsonl"))
RUNS = sorted(p for p in HELM.iterdir() if p.is_dir())


def events(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.mark.parametrize("path", LOGS, ids=lambda p: p.name)
def test_openai_evals_counts_and_report_round_trip(path: Path) -> None:
    lines = events(path)
    spec = lines[0]["spec"]
    report = next(x["final_report"] for x in lines if "final_report" in x)
    matches = [x for x in lines if x.get("type") == "match"]
    assert detect.importer_for(path).NAME == "openai_evals"
    t = openai_evals.read(path)
    assert t.models == (spec["completion_fns"][0],) and t.tasks == (spec["eval_name"],)
    assert len(t) == len(matches) == len({m["sample_id"] for m in matches})
    assert int(t.score.sum()) == sum(m["data"]["correct"] for m in matches)
    assert math.isclose(float(t.score.mean()), report["accuracy"])
    assert t.present("input_tokens") == 0  # 2023 logs carry no usage


def test_openai_evals_two_models_paired() -> None:
    loaded = load_paths(
        [
            OAI / "zeno-ml__zeno-evals-hub" / "crossword-4.jsonl",
            OAI / "zeno-ml__zeno-evals-hub" / "crossword-turbo.jsonl",
        ]
    )
    assert set(loaded.table.models) == {"gpt-4", "gpt-3.5-turbo"}
    assert len(loaded.table.sample_ids) == 100 and loaded.warnings == ()


def test_openai_evals_usage_and_error_events(tmp_path: Path) -> None:
    lines = events(OAI / "zeno-ml__zeno-evals" / "us-tort-law-turbo.jsonl")
    sampled = [x for x in lines if x.get("type") == "sampling"]
    for i, x in enumerate(sampled):
        x["data"]["usage"] = {"prompt_tokens": 100 + i, "completion_tokens": 5, "total_tokens": 105 + i}
    first = sampled[0]["sample_id"]
    lines = [x for x in lines if not (x.get("type") == "match" and x["sample_id"] == first)]
    lines.append(
        {
            "run_id": "r",
            "event_id": 99,
            "sample_id": first,
            "type": "error",
            "data": {"type": "APIError", "message": "server overloaded"},
        }
    )
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines))
    t = openai_evals.read(path)
    assert t.numbers["input_tokens"].sum() == sum(100 + i for i in range(len(sampled)))
    row = t.sample_ids.index(first)
    assert t.outcome[t.sample == row][0] == OUTCOME_CODE["error"]


@pytest.mark.parametrize("run", RUNS, ids=lambda p: p.name[:20])
def test_helm_run_folder(run: Path) -> None:
    spec = json.loads((run / "run_spec.json").read_text())
    stats = json.loads((run / "per_instance_stats.json").read_text())

    def stat(entry: dict, name: str) -> float:
        return next(s["mean"] for s in entry["stats"] if s["name"]["name"] == name and "perturbation" not in s["name"])

    test = [e for e in stats if any(s["name"].get("split") == "test" for s in e["stats"])]
    assert detect.importer_for(run).NAME == "helm"
    t = helm.read(run)
    scenario, _, args = spec["name"].partition(":")
    kept = ",".join(a for a in args.split(",") if not a.startswith(("model=", "model_deployment=")))
    assert t.models == (spec["adapter_spec"]["model"],) and t.tasks == (scenario + (f":{kept}" if kept else ""),)
    assert len(t) == len(test)
    assert math.isclose(float(t.score.sum()), sum(stat(e, "exact_match") for e in test))
    assert t.numbers["input_tokens"].sum() == sum(stat(e, "num_prompt_tokens") for e in test)
    assert math.isclose(t.numbers["latency_ms"].sum(), 1000 * sum(stat(e, "inference_runtime") for e in test))
    # round trip with HELM's own aggregate (stats.json, test split, no perturbation)
    agg = json.loads((run / "stats.json").read_text())
    mean = next(s["mean"] for s in agg if s["name"] == {"name": "exact_match", "split": "test"})
    assert math.isclose(float(t.score.mean()), mean)


def test_helm_other_metric_and_files_read_once() -> None:
    run = next(r for r in RUNS if r.name.startswith("narrative_qa"))
    t = helm.read(run, metric="f1_score")
    agg = json.loads((run / "stats.json").read_text())
    mean = next(s["mean"] for s in agg if s["name"] == {"name": "f1_score", "split": "test"})
    assert math.isclose(float(t.score.mean()), mean) and mean > 0
    loaded = load_paths(sorted(run.iterdir()))  # every file of the folder named
    assert len(loaded.files) == 1 and len(loaded.table) == len(t)


def test_helm_failed_request_is_error(tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(RUNS[0], run)
    state = json.loads((run / "scenario_state.json").read_text())
    first = state["request_states"][0]
    first["result"]["success"] = False
    first["result"]["error"] = "CUDA out of memory"
    (run / "scenario_state.json").write_text(json.dumps(state))
    t = helm.read(run / "run_spec.json")
    assert np.count_nonzero(t.outcome == OUTCOME_CODE["error"]) == 1
    assert "CUDA out of memory" in t.texts["error"]


def test_helm_folder_without_stats(tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(RUNS[0], run)
    (run / "per_instance_stats.json").unlink()
    with pytest.raises(InputError, match="per_instance_stats"):
        helm.read(run)
