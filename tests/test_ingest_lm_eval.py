"""lm-evaluation-harness importer: results file + samples files, read independently."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from advisor.errors import InputError
from advisor.ingest import detect, lm_eval
from advisor.ingest.common import collect_notes
from advisor.ingest.load import load_paths
from advisor.records.samples import OUTCOME_CODE

DATA = Path(__file__).parent / "data" / "lm_eval"
GSM = DATA / "DanielKluev__pyFade" / "gsm8k_gemma3-12b-u1"
MMLU = DATA / "DanielKluev__pyFade" / "mmlu_pro_plus_gemma3_12b_u2"
EEE = DATA / "evaleval__every_eval_ever"


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_gsm8k_model_from_results_and_scores_from_samples() -> None:
    results = next(GSM.glob("results_*.json"))
    samples = rows(next(GSM.glob("samples_*.jsonl")))
    t = lm_eval.read(results)
    assert t.models == (json.loads(results.read_text())["model_name"],) == ("gemma3:12b-u1",)
    assert t.tasks == ("gsm8k",)
    assert sorted(t.sample_ids) == sorted(str(r["doc_id"]) for r in samples)
    assert t.score.sum() == sum(r["exact_match"] for r in samples)
    assert t.present("latency_ms") == t.present("input_tokens") == t.present("cost_usd") == 0


def test_group_with_three_sample_files() -> None:
    results = next(MMLU.glob("results_*.json"))
    files = sorted(MMLU.glob("samples_*.jsonl"))
    with collect_notes() as notes:
        t = lm_eval.read(results)
    assert len(t) == sum(len(rows(f)) for f in files) == 9
    assert set(t.tasks) == {"mmlu_pro_plus_chemistry", "mmlu_pro_plus_health", "mmlu_pro_plus_psychology"}
    assert t.models == ("/workspace/gemma3_12b_u2",)
    assert any("no samples file" in n for n in notes)


def test_round_trip_untrimmed_task() -> None:
    results = json.loads(next(EEE.glob("results_*.json")).read_text())
    t = lm_eval.read(next(EEE.glob("samples_*.jsonl")))
    assert float(t.score.mean()) == results["results"]["math_perturbed_full"]["exact_match,none"]
    assert len(t) == 10


def test_samples_file_and_results_file_read_once(tmp_path: Path) -> None:
    paths = sorted(MMLU.iterdir())
    loaded = load_paths(paths)
    assert len(loaded.files) == 1 and len(loaded.table) == 9
    assert set(detect.covered(paths[-1])) == set(paths)


def test_filter_choice_and_other_filters_noted(tmp_path: Path) -> None:
    for f in GSM.iterdir():
        shutil.copy(f, tmp_path / f.name)
    sample = next(tmp_path.glob("samples_*.jsonl"))
    extra = []
    for r in rows(sample):
        r2 = dict(r, filter="flexible-extract", exact_match=1.0, filtered_resps=["[invalid]"])
        extra.append(r2)
    sample.write_text(sample.read_text().rstrip("\n") + "\n" + "\n".join(json.dumps(r) for r in extra) + "\n")
    with collect_notes() as notes:
        strict = lm_eval.read(sample)
    assert len(strict) == 3 and any("flexible-extract" in n for n in notes)
    flex = lm_eval.read(sample, metric="exact_match,flexible-extract")
    assert flex.score.tolist() == [1.0, 1.0, 1.0]
    strict_rows = rows(sample)[:3]
    invalid = [r for r in strict_rows if r["filtered_resps"] == ["[invalid]"] and r["exact_match"] < 1]
    assert list(strict.outcome).count(OUTCOME_CODE["malformed"]) == len(invalid)


def test_results_only_files_import_as_aggregates() -> None:
    """Early-0.4 results without samples are per-task aggregates (details: tests/test_aggregates.py)."""
    path = DATA / "saucam__model_evals" / "Meta-Llama-3-8B-Instruct_openllm" / "gsm8k.json"
    assert detect.importer_for(path).NAME == "lm_eval"
    table = lm_eval.read(path)
    assert len(table) == 0 and table.aggregates is not None and len(table.aggregates) == 1


def test_v03_results_without_a_model_name() -> None:
    path = DATA / "EleutherAI__lm-evaluation-harness" / "arc_challenge-v2.0-res.json"
    assert detect.importer_for(path).NAME == "lm_eval"
    with pytest.raises(InputError, match="no model name"):
        lm_eval.read(path)


def test_results_whose_samples_are_missing(tmp_path: Path) -> None:
    results = next(GSM.glob("results_*.json"))
    shutil.copy(results, tmp_path / results.name)
    with pytest.raises(InputError) as err:
        lm_eval.read(tmp_path / results.name)
    assert results.name in str(err.value) and "samples" in str(err.value)


def test_samples_without_results_file(tmp_path: Path) -> None:
    sample = next(GSM.glob("samples_*.jsonl"))
    shutil.copy(sample, tmp_path / sample.name)
    with pytest.raises(InputError, match="no results file"):
        lm_eval.read(tmp_path / sample.name)


def test_lower_is_better_metric_refused(tmp_path: Path) -> None:
    for f in GSM.iterdir():
        shutil.copy(f, tmp_path / f.name)
    results = next(tmp_path.glob("results_*.json"))
    doc = json.loads(results.read_text())
    doc["higher_is_better"]["gsm8k"]["exact_match"] = False
    results.write_text(json.dumps(doc))
    with pytest.raises(InputError, match="lower-is-better"):
        lm_eval.read(results, metric="exact_match,strict-match")
    with pytest.raises(InputError, match="task 'gsm8k' skipped: none of its metrics is a per-sample score"):
        lm_eval.read(results)
