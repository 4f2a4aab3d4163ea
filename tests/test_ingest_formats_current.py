"""Shapes the tools write today that the tool-made fixtures do not cover, built from real files.

HELM suites (one run folder per model), runs with only a ``valid`` split, safety scenarios
that split an instance over two entries; March 2023 OpenAI Evals logs; Inspect dict-valued
scores, trimmed logs and runs that failed before any sample; the zip caps for deflate and
Zstandard members; detection that says what it tried; ``advisor data FILE...``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from advisor.cli import main
from advisor.errors import InputError
from advisor.ingest import common, helm, inspect, openai_evals
from advisor.ingest.common import collect_notes, zipfile
from advisor.ingest.load import load_paths
from advisor.records.samples import OUTCOME_CODE

DATA = Path(__file__).parent / "data"
MMLU = (
    DATA
    / "helm"
    / "evaleval__every_eval_ever"
    / "mmlu-subject=philosophy,method=multiple_choice_joint,model=openai_gpt2"
)
EVAL = (
    DATA
    / "inspect_ai"
    / "UKGovernmentBEIS__inspect_ai"
    / "2025-02-11T15-18-04-05-00_popularity_mj7khqpMM4GBCfVQozKgzB.eval"
)
GENERATED = sorted(DATA.glob("inspect_ai/generated-*"))[-1]


def one_error(paths: list[Path]) -> InputError:
    with pytest.raises(InputError) as caught:
        load_paths(paths)
    assert "\n" not in caught.value.line()
    return caught.value


# --- HELM -----------------------------------------------------------------------------------------


def helm_copy(tmp_path: Path, model: str, change: Any = None) -> Path:
    """A copy of the real MMLU run as if run for ``model`` (HELM names the folder and the run by it)."""
    slug = model.replace("/", "_")
    run = tmp_path / MMLU.name.replace("openai_gpt2", slug)
    shutil.copytree(MMLU, run)
    spec = json.loads((run / "run_spec.json").read_text())
    spec["name"] = spec["name"].replace("model=openai_gpt2", f"model={slug}")
    spec["adapter_spec"]["model"] = model
    (run / "run_spec.json").write_text(json.dumps(spec))
    if change is not None:
        stats = json.loads((run / "per_instance_stats.json").read_text())
        (run / "per_instance_stats.json").write_text(json.dumps(change(stats)))
    return run


def test_helm_suite_is_one_task_across_models(tmp_path: Path) -> None:
    a = helm_copy(tmp_path, "openai/gpt2")
    b = helm_copy(tmp_path, "openai/gpt2-xl")
    loaded = load_paths([a, b])
    t = loaded.table
    assert sorted(t.models) == ["openai/gpt2", "openai/gpt2-xl"]
    assert t.tasks == ("mmlu:subject=philosophy,method=multiple_choice_joint",)
    assert not loaded.warnings  # the same instances for both: a paired comparison


def _splits(stats: list[dict[str, Any]], split: str) -> list[dict[str, Any]]:
    for entry in stats:
        for s in entry["stats"]:
            if s["name"].get("split") == "test":
                s["name"]["split"] = split
    return stats


def test_helm_run_with_only_a_valid_split(tmp_path: Path) -> None:
    run = helm_copy(tmp_path, "openai/gpt2", lambda s: _splits(s, "valid"))
    stats = json.loads((run / "per_instance_stats.json").read_text())
    valid = {
        (e["instance_id"], e["train_trial_index"])
        for e in stats
        if any(s["name"]["split"] == "valid" for s in e["stats"])
    }
    with collect_notes() as notes:
        t = helm.read(run)
    assert len(t) == len(valid) > len(helm.read(MMLU))  # the real run also has a few valid instances
    assert any("'valid', the only one" in n for n in notes)


def test_helm_several_splits_without_test_ask(tmp_path: Path) -> None:
    def two(stats: list[dict[str, Any]]) -> list[dict[str, Any]]:
        stats = _splits(stats, "valid")
        for s in stats[0]["stats"]:
            s["name"]["split"] = "train"
        return stats

    run = helm_copy(tmp_path, "openai/gpt2", two)
    err = one_error([run])
    assert "several splits (train, valid)" in err.message and "split" in err.message
    stats = json.loads((run / "per_instance_stats.json").read_text())
    assert len(helm.read(run, split="valid")) == len(stats) - 1


def test_helm_safety_instance_split_over_two_entries_is_joined(tmp_path: Path) -> None:
    def split_entries(stats: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for entry in stats:
            score = [s for s in entry["stats"] if s["name"]["name"] == "exact_match"]
            rest = [s for s in entry["stats"] if s["name"]["name"] != "exact_match"]
            out += [{**entry, "stats": rest}, {**entry, "stats": score}]
        return out

    run = helm_copy(tmp_path, "openai/gpt2", split_entries)
    joined, original = helm.read(run), helm.read(MMLU)
    assert joined.score.tolist() == original.score.tolist()
    assert np.array_equal(joined.numbers["latency_ms"], original.numbers["latency_ms"], equal_nan=True)


def test_forcing_another_format_on_a_helm_folder_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws"
    (ws / "runs").mkdir(parents=True)
    shutil.copytree(MMLU, ws / "runs" / MMLU.name)
    (ws / "advisor.toml").write_text('name = "t"\nresults = ["runs/*"]\n')
    assert main(["data", str(ws), "--input-format", "inspect"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is a folder" in err[0] and "inspect" in err[0] and "Traceback" not in err[0]


# --- OpenAI Evals ---------------------------------------------------------------------------------


def test_openai_evals_march_2023_log(tmp_path: Path) -> None:
    src = DATA / "openai_evals" / "zeno-ml__zeno-evals" / "us-tort-law-turbo.jsonl"
    lines = src.read_text().splitlines()
    spec = json.loads(lines[0])
    fns = spec["spec"].pop("completion_fns")
    spec["spec"]["model_name"] = fns[0]
    spec["spec"]["model_names"] = {"completions": fns}
    path = tmp_path / "old.jsonl"
    path.write_text("\n".join([json.dumps(spec), *lines[1:]]))
    old, new = openai_evals.read(path), openai_evals.read(src)
    assert old.models == new.models == (fns[0],) and old.score.tolist() == new.score.tolist()


# --- Inspect ---------------------------------------------------------------------------------------


def rewrite(src: Path, dst: Path, change: Any, *, drop: str | None = None) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_ZSTANDARD) as zout:
        for info in zin.infolist():
            if info.filename == drop:
                continue
            data = zin.read(info)
            if info.filename.startswith("samples/") or info.filename == "header.json":
                obj = json.loads(data)
                change(info.filename, obj)
                data = json.dumps(obj).encode()
            zout.writestr(info.filename, data)
    return dst


def test_inspect_dict_scores(tmp_path: Path) -> None:
    def web(name: str, obj: dict[str, Any]) -> None:
        if name.startswith("samples/"):
            obj["scores"]["match"]["value"] = {"success": 1 if obj["id"] % 2 else 0, "steps": 7}

    path = rewrite(EVAL, tmp_path / "web.eval", web)
    with collect_notes() as notes:
        t = inspect.read(path)
    assert sorted(set(t.score.tolist())) == [0.0, 1.0] and any("'success' key" in n for n in notes)

    def odd(name: str, obj: dict[str, Any]) -> None:
        if name.startswith("samples/"):
            obj["scores"]["match"]["value"] = {"a": 1, "b": 0.5}

    path2 = rewrite(EVAL, tmp_path / "odd.eval", odd)
    err = one_error([path2])
    assert "keys: a, b" in err.message and 'scorer = "match/<key>"' in err.message
    assert inspect.read(path2, scorer="match/b").score.tolist() == [0.5] * 10


def test_inspect_dict_key_outside_range_is_one_error(tmp_path: Path) -> None:
    def steps(name: str, obj: dict[str, Any]) -> None:
        if name.startswith("samples/"):
            obj["scores"]["match"]["value"] = {"success": 1, "steps": 7}

    path = rewrite(EVAL, tmp_path / "steps.eval", steps)
    with pytest.raises(InputError, match="outside"):
        inspect.read(path, scorer="match/steps")


def test_inspect_header_counting_more_samples_warns(tmp_path: Path) -> None:
    path = rewrite(EVAL, tmp_path / "trimmed.eval", lambda n, o: None, drop="samples/3_epoch_1.json")
    with collect_notes() as notes:
        t = inspect.read(path)
    assert len(t) == 9 and any("header counts 10" in n for n in notes)


def test_inspect_run_that_failed_before_any_sample(tmp_path: Path) -> None:
    with zipfile.ZipFile(GENERATED / "all-errors-stop.eval") as z:
        header = json.loads(z.read("header.json"))
    path = tmp_path / "dead.eval"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_ZSTANDARD) as z:
        z.writestr("header.json", json.dumps(header))
    t = inspect.read(path)
    ids = header["eval"]["dataset"]["sample_ids"]
    assert len(t) == len(ids) * (header["eval"]["config"].get("epochs") or 1)
    assert set(t.outcome.tolist()) == {OUTCOME_CODE["error"]}
    assert header["error"]["message"].splitlines()[0] in (t.texts["error"][0] or "")


# --- zip caps, deflate and Zstandard ---------------------------------------------------------------


@pytest.mark.parametrize("method", ["deflate", "zstd"])
def test_ratio_cap_stops_a_bomb_early(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    monkeypatch.setattr(common, "RATIO_GRACE_BYTES", 1 << 20)
    kind = zipfile.ZIP_DEFLATED if method == "deflate" else zipfile.ZIP_ZSTANDARD
    path = tmp_path / "bomb.eval"
    with zipfile.ZipFile(path, "w", kind) as z:
        z.writestr("header.json", b"{}")
        z.writestr("samples/1_epoch_1.json", b"[" + b" " * (24 << 20) + b"]")
    assert path.stat().st_size < 100_000
    sz = common.SafeZip(path)
    with pytest.raises(InputError, match="its compressed size"):
        sz.read("samples/1_epoch_1.json")
    assert sz.used < (6 << 20)  # stopped at MAX_RATIO x the compressed size, far from the 24 MiB


@pytest.mark.parametrize("method", ["deflate", "zstd"])
def test_member_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    monkeypatch.setattr(common, "MAX_MEMBER_BYTES", 1 << 20)
    kind = zipfile.ZIP_DEFLATED if method == "deflate" else zipfile.ZIP_ZSTANDARD
    path = tmp_path / "big.eval"
    with zipfile.ZipFile(path, "w", kind) as z:
        z.writestr("samples/1_epoch_1.json", bytes(range(256)) * (8 << 10))  # 2 MiB, compresses poorly
    with pytest.raises(InputError, match="member decompresses to more than 1 MiB"):
        common.SafeZip(path).read("samples/1_epoch_1.json")


def test_member_count_cap_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "MAX_ZIP_MEMBERS", 5)
    path = tmp_path / "many.eval"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_ZSTANDARD) as z:
        for i in range(6):
            z.writestr(f"samples/{i}_epoch_1.json", b"{}")
    err = one_error([path])
    assert "lists 6 members" in err.message and "many.eval" in (err.where or "")


def test_corrupt_zstd_member_is_one_line(tmp_path: Path) -> None:
    src = GENERATED / "words-model-b.eval"
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        info = next(i for i in z.infolist() if i.filename.startswith("samples/"))
    start = info.header_offset + 30 + len(info.filename.encode()) + 8
    data[start : start + 16] = b"\xff" * 16
    path = tmp_path / "bad.eval"
    path.write_bytes(bytes(data))
    err = one_error([path])
    assert info.filename in (err.where or "") or info.filename in err.message


# --- detection and advisor data FILE... -------------------------------------------------------------


def test_native_fallback_says_what_was_tried(tmp_path: Path) -> None:
    path = tmp_path / "mystery.jsonl"
    path.write_text('{"name": "x", "value": 1}\n')
    err = one_error([path])
    assert "no eval tool's format matched" in err.message and "native" in err.message


def test_data_takes_result_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [GENERATED / "words-model-a.eval", GENERATED / "words-model-b.eval", MMLU]
    assert main(["data", *map(str, files), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [f["format"] for f in report["files"]] == ["inspect", "inspect", "helm"]
    assert report["total"]["samples"] == 60 + len(helm.read(MMLU))


def test_lm_eval_per_task_metric_from_the_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = sorted(DATA.glob("lm_eval/generated-*"))[-1] / "samples"
    ws = tmp_path / "ws"
    shutil.copytree(run, ws / "run")
    (ws / "advisor.toml").write_text(
        'name = "t"\nresults = ["run/results_*.json"]\n'
        '[importers.lm_eval]\nmetric = { arith_gen = "exact_match,flexible-extract" }\n'
    )
    assert main(["data", str(ws), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    mean = {c["task"]: c["mean_score"] for c in report["by_model_task"]}
    facts = json.loads((run / "facts.json").read_text())["tasks"]["arith_gen"]["metrics"]
    assert mean["arith_gen"] == round(facts["exact_match,flexible-extract"]["sample_mean"], 6)


# --- every-eval-ever aggregates without an uncertainty ---------------------------------------------


def test_eee_accuracy_without_uncertainty_and_scores_without_n(tmp_path: Path) -> None:
    from advisor.ingest import every_eval_ever

    folder = sorted(DATA.glob("every_eval_ever/generated-*"))[-1] / "aggregates-only"
    src = next(folder.glob("arith_gen-*.json"))
    doc = json.loads(src.read_text())
    first = doc["evaluation_results"][0]
    del first["score_details"]["uncertainty"]["standard_error"]
    path = tmp_path / src.name
    path.write_text(json.dumps(doc))
    with collect_notes() as notes:
        t = every_eval_ever.read(path)
    assert t.aggregates is not None
    (row,) = t.aggregates.rows
    p, n = first["score_details"]["score"], first["score_details"]["uncertainty"]["num_samples"]
    assert row.se == pytest.approx((p * (1 - p) / (n - 1)) ** 0.5) and any("binomial" in x for x in notes)
    for r in doc["evaluation_results"]:
        r["score_details"].pop("uncertainty")
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError, match="nothing to rank") as caught:
        every_eval_ever.read(path)
    assert '[benchmarks."arith_gen"] "acme/dummy-7b" = ' in caught.value.message


def test_eee_leaderboard_scrape_shape(tmp_path: Path) -> None:
    """Schema 0.2.0 datastore files: no result ids, subsets as evaluation names, ± intervals, often no n."""
    from advisor.ingest import every_eval_ever

    def result(name: str, score: float, uncertainty: dict[str, Any] | None) -> dict[str, Any]:
        details: dict[str, Any] = {"score": score}
        if uncertainty is not None:
            details["uncertainty"] = uncertainty
        return {
            "evaluation_name": name,
            "source_data": {"dataset_name": "global-mmlu-lite", "source_type": "url"},
            "metric_config": {"lower_is_better": False, "min_score": 0.0, "max_score": 1.0},
            "score_details": details,
        }

    doc = {
        "schema_version": "0.2.0",
        "evaluation_id": "global-mmlu-lite/google_gemini-2.5-pro/1770822797.839372",
        "model_info": {"name": "gemini-2.5-pro", "id": "google/gemini-2.5-pro"},
        "evaluation_results": [
            result("Global MMLU Lite", 0.9323, None),
            result("Arabic", 0.9475, {"confidence_interval": {"lower": -0.0219, "upper": 0.0219}}),
        ],
    }
    path = tmp_path / "3644fd67.json"
    path.write_text(json.dumps(doc))
    err = one_error([path])
    assert '[benchmarks."global-mmlu-lite"] "google/gemini-2.5-pro" = 0.9323' in err.message
    doc["evaluation_results"] = [
        result("Arabic", 0.9475, {"confidence_interval": {"lower": -0.0219, "upper": 0.0219}, "num_samples": 400})
    ]
    path.write_text(json.dumps(doc))
    t = every_eval_ever.read(path)
    assert t.aggregates is not None
    (row,) = t.aggregates.rows
    assert row.n == 400 and row.se == pytest.approx(0.0219 / 1.9599640)


def test_helm_suite_folder_stands_for_its_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    suite = tmp_path / "benchmark_output" / "runs" / "v1"
    suite.mkdir(parents=True)
    helm_copy(suite, "openai/gpt2")
    helm_copy(suite, "openai/gpt2-xl")
    (suite / "run_specs.json").write_text("[]")  # suite-level files HELM writes beside the runs
    for folder in (suite, suite.parent):
        loaded = load_paths([folder])
        assert len(loaded.files) == 2 and len(loaded.table.tasks) == 1
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "advisor.toml").write_text(f'name = "t"\nresults = ["{suite}"]\n')
    assert main(["data", str(ws), "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["files"]) == 2


def test_inspect_nan_score_is_unscored(tmp_path: Path) -> None:
    def nan(name: str, obj: dict[str, Any]) -> None:
        if name.startswith("samples/") and obj["id"] in (1, 2):
            obj["scores"]["match"]["value"] = float("nan")

    path = rewrite(EVAL, tmp_path / "nan.eval", nan)
    with collect_notes() as notes:
        t = inspect.read(path)
    assert len(t) == 8 and any("2 sample(s) without a 'match' score" in n for n in notes)
