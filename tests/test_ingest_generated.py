"""advisor against what the eval tools write today: tests/data/<tool>/generated-<version>/.

scripts/make_client_fixtures.sh ran each tool offline at its current version and wrote, beside
its output, a facts.json computed by code that is not advisor's (the tool's own library, or
plain json). Every test here compares advisor's load with those facts: per model and task the
rows, samples, epochs, mean score, errors, tokens and latency.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from advisor.errors import InputError
from advisor.ingest import detect, every_eval_ever, inspect, lm_eval, promptfoo
from advisor.ingest.common import collect_notes, zipfile
from advisor.ingest.load import load_paths, require_rankable
from advisor.records.samples import OUTCOME_CODE, SampleTable

DATA = Path(__file__).parent / "data"
INSPECT = sorted(DATA.glob("inspect_ai/generated-*"))
PROMPTFOO = sorted(DATA.glob("promptfoo/generated-*"))
LM_EVAL = sorted(DATA.glob("lm_eval/generated-*"))
EEE = sorted(DATA.glob("every_eval_ever/generated-*"))


def facts(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "facts.json").read_text())  # type: ignore[no-any-return]


def total(t: SampleTable, column: str, rows: Any = slice(None)) -> float | None:
    values = t.numbers[column][rows]
    return None if np.isnan(values).all() else float(np.nansum(values))


def check(t: SampleTable, rows: Any, f: dict[str, Any], *, latency: str = "latency_ms") -> None:
    """The facts every tool's fixture states, for the rows of one model and task."""
    assert all(len(v) == len(t) for v in t.numbers.values())  # every column, the probe's too
    assert int(np.count_nonzero(rows) if rows is not None else len(t)) == f["rows"]
    sel = rows if rows is not None else slice(None)
    assert len(set(t.sample[sel].tolist())) == f["samples"]
    assert int(t.epoch[sel].max()) + 1 == f["epochs"]
    assert math.isclose(float(t.score[sel].mean()), f["mean_score"], abs_tol=1e-12)
    assert int((t.outcome[sel] == OUTCOME_CODE["error"]).sum()) == f["errors"]
    for column in ("input_tokens", "output_tokens"):
        assert total(t, column, sel) == f[column]
    assert math.isclose(total(t, "latency_ms", sel) or 0.0, f[latency])


def test_fixtures_are_there() -> None:
    assert INSPECT and len(PROMPTFOO) >= 2 and LM_EVAL and EEE


# --- Inspect AI -----------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", INSPECT, ids=lambda p: p.name)
def test_inspect_logs_equal_inspect_ais_own_reading(folder: Path) -> None:
    for name, f in facts(folder).items():
        path = folder / name
        assert detect.importer_for(path).NAME == "inspect"
        t = inspect.read(path)
        assert t.models == (f["model"],) and t.tasks == (f["task"],)
        check(t, None, {**f, "samples": f["samples"]})
        assert any("/" in s for s in t.sample_ids) == f["ids_with_slash"]


@pytest.mark.parametrize("folder", INSPECT, ids=lambda p: p.name)
def test_inspect_writes_zstandard_and_sub_folders(folder: Path) -> None:
    with zipfile.ZipFile(folder / "words-model-a.eval") as z:
        samples = [i for i in z.infolist() if i.filename.startswith("samples/")]
    assert {i.compress_type for i in samples} == {zipfile.ZIP_ZSTANDARD}
    assert all(i.filename.count("/") == 2 for i in samples)  # samples/<alpha|beta>/<n>_epoch_<e>.json


@pytest.mark.parametrize("folder", INSPECT, ids=lambda p: p.name)
def test_inspect_limits_and_json_twin(folder: Path) -> None:
    t = inspect.read(folder / "agent-limits.eval")
    kinds = {OUTCOME_CODE[k] for k in ("timeout", "truncated")}
    assert set(t.outcome[t.score < 1].tolist()) <= kinds | {OUTCOME_CODE["wrong"]}
    assert {int(k) for k in t.outcome.tolist()} & kinds == kinds  # a message limit and a token limit
    j = inspect.read(folder / "agent-limits.json")
    assert j.sample_ids == t.sample_ids and j.score.tolist() == t.score.tolist()
    assert np.array_equal(j.numbers["input_tokens"], t.numbers["input_tokens"], equal_nan=True)


@pytest.mark.parametrize("folder", INSPECT, ids=lambda p: p.name)
def test_inspect_all_error_runs_load_and_say_why_nothing_ranks(folder: Path) -> None:
    stop = facts(folder)["all-errors-stop.eval"]
    with collect_notes() as notes:
        t = inspect.read(folder / "all-errors-stop.eval")
    assert set(t.outcome.tolist()) == {OUTCOME_CODE["error"]} and len(t) == stop["rows"]
    assert any("status 'error'" in n for n in notes)
    loaded = load_paths([folder / "all-errors-stop.eval"])
    with pytest.raises(InputError) as caught:
        require_rankable(loaded)
    assert "status 'error'" in caught.value.message and stop["error"][:40] in caught.value.message
    # Beside a run that scored, the failed model is counted with its errors and the workspace loads.
    both = load_paths([folder / "all-errors-continue.eval", folder / "words-model-b.eval"])
    require_rankable(both)
    assert len(both.table.models) == 2


# --- promptfoo ------------------------------------------------------------------------------------


def promptfoo_task(group: dict[str, Any], several: bool) -> str:
    label = group["prompt_label"].strip()
    if not several:
        return "out"
    short = len(label) <= promptfoo.MAX_LABEL and "\n" not in label
    return f"out / {label if short else 'prompt ' + str(group['prompt_number'])}"


@pytest.mark.parametrize("folder", PROMPTFOO, ids=lambda p: p.name)
@pytest.mark.parametrize("name", ["out.json", "out.jsonl"])
def test_promptfoo_equals_its_raw_output(folder: Path, name: str) -> None:
    f = facts(folder)[name]
    t = promptfoo.read(folder / name)
    assert detect.importer_for(folder / name).NAME == "promptfoo"
    for group in f["groups"]:
        m, k = t.models.index(group["provider"]), t.tasks.index(promptfoo_task(group, f["prompts"] > 1))
        rows = (t.model == m) & (t.task == k)
        check(t, rows, {**group, "samples": group["tests"], "epochs": group["repeats"]})


@pytest.mark.parametrize("folder", PROMPTFOO, ids=lambda p: p.name)
def test_promptfoo_json_and_jsonl_are_one_eval(folder: Path) -> None:
    a, b = promptfoo.read(folder / "out.json"), promptfoo.read(folder / "out.jsonl")
    assert a.tasks == b.tasks and a.models == b.models and a.sample_ids == b.sample_ids
    key = np.lexsort((a.epoch, a.sample, a.task, a.model))
    key_b = np.lexsort((b.epoch, b.sample, b.task, b.model))
    assert a.score[key].tolist() == b.score[key_b].tolist()


@pytest.mark.parametrize("folder", PROMPTFOO, ids=lambda p: p.name)
@pytest.mark.parametrize("name", ["out.csv", "out.yaml"])
def test_promptfoo_lossy_exports_ask_for_json(folder: Path, name: str) -> None:
    with pytest.raises(InputError) as caught:
        load_paths([folder / name])
    assert "export JSON or JSONL" in caught.value.message and name in (caught.value.where or "")


# --- lm-evaluation-harness ------------------------------------------------------------------------

PRIMARY = {"capitals_mc": "acc,none", "arith_gen": "exact_match,strict-match", "phrases_gen": "exact_match,none"}


@pytest.mark.parametrize("folder", LM_EVAL, ids=lambda p: p.name)
def test_lm_eval_primary_metric_per_task(folder: Path) -> None:
    f = facts(folder / "samples")
    with collect_notes() as notes:
        t = lm_eval.read(next((folder / "samples").glob("results_*.json")))
    assert t.models == (f["model_name"],)
    for task, metric in PRIMARY.items():
        m = f["tasks"][task]["metrics"][metric]
        rows = t.task == t.tasks.index(task)
        assert int(rows.sum()) == m["samples"] == f["tasks"][task]["n"]
        assert math.isclose(float(t.score[rows].mean()), m["sample_mean"])
        assert math.isclose(m["sample_mean"], m["value"])  # the harness's own aggregate
    assert any("phrases_gen" in n and "bleu" in n for n in notes)


@pytest.mark.parametrize("folder", LM_EVAL, ids=lambda p: p.name)
def test_lm_eval_per_task_override(folder: Path) -> None:
    f = facts(folder / "samples")["tasks"]["arith_gen"]["metrics"]["exact_match,flexible-extract"]
    t = lm_eval.read(
        next((folder / "samples").glob("results_*.json")), metric={"arith_gen": "exact_match,flexible-extract"}
    )
    rows = t.task == t.tasks.index("arith_gen")
    assert math.isclose(float(t.score[rows].mean()), f["sample_mean"])
    assert int((t.outcome[rows] == OUTCOME_CODE["malformed"]).sum()) == f["invalid"] > 0
    with pytest.raises(InputError, match="no metric 'nope,none' for task 'arith_gen'"):
        lm_eval.read(next((folder / "samples").glob("results_*.json")), metric={"arith_gen": "nope"})


@pytest.mark.parametrize("folder", LM_EVAL, ids=lambda p: p.name)
def test_lm_eval_results_only_as_aggregates(folder: Path) -> None:
    f = facts(folder / "results-only")
    t = lm_eval.read(next((folder / "results-only").glob("results_*.json")))
    assert t.aggregates is not None and len(t) == 0
    got = {r.task: r for r in t.aggregates.rows}
    assert set(got) == set(PRIMARY)
    for task, metric in PRIMARY.items():
        m = f["tasks"][task]["metrics"][metric]
        assert got[task].mean == m["value"] and got[task].se == m["stderr"] and got[task].n == f["tasks"][task]["n"]


@pytest.mark.parametrize("folder", LM_EVAL, ids=lambda p: p.name)
def test_lm_eval_scale_metrics_skipped_with_a_note(folder: Path, tmp_path: Path) -> None:
    src = next((folder / "results-only").glob("results_*.json"))
    doc = json.loads(src.read_text())
    doc["results"]["phrases_gen"] = {
        "name": "phrases_gen",
        "alias": "phrases_gen",
        "sample_len": 4,
        "bleu_max,none": 10.03,
    }
    path = tmp_path / src.name
    path.write_text(json.dumps(doc))
    with collect_notes() as notes:
        t = lm_eval.read(path)
    assert t.aggregates is not None and {r.task for r in t.aggregates.rows} == {"capitals_mc", "arith_gen"}
    assert any("'phrases_gen' skipped" in n and "bleu_max,none" in n for n in notes)


# --- every-eval-ever ------------------------------------------------------------------------------


def eee_files(folder: Path, part: str) -> list[tuple[Path, dict[str, Any]]]:
    f = facts(folder / part)
    return [(folder / part / name, entry) for name, entry in sorted(f.items())]


@pytest.mark.parametrize("folder", EEE, ids=lambda p: p.name)
@pytest.mark.parametrize("part", ["from-inspect", "from-lm_eval"])
def test_eee_samples_equal_its_models(folder: Path, part: str) -> None:
    for path, entry in eee_files(folder, part):
        for p in (path, path.with_name(path.stem + "_samples.jsonl")):
            assert detect.importer_for(p).NAME == "every_eval_ever"
        t = every_eval_ever.read(path)
        first = next(r for r in entry["results"] if not r["lower_is_better"] and r["rows"])
        assert t.models == (entry["model"],) and t.tasks == (first["task"],)
        check(t, None, first, latency="generation_time_ms")


@pytest.mark.parametrize("folder", EEE, ids=lambda p: p.name)
def test_eee_aggregates_only(folder: Path) -> None:
    for path, entry in eee_files(folder, "aggregates-only"):
        assert not entry["has_samples"]
        t = every_eval_ever.read(path)
        expected = {"arith_gen": "exact_match:strict-match", "capitals_mc": "acc", "phrases_gen": "exact_match"}
        first = next(r for r in entry["results"] if r["id"] == expected[r["task"]])
        assert t.aggregates is not None
        (row,) = t.aggregates.rows
        assert (row.model, row.task, row.n) == (entry["model"], first["task"], first["num_samples"])
        assert row.mean == first["score"] and row.se == first["standard_error"]


@pytest.mark.parametrize("folder", EEE, ids=lambda p: p.name)
def test_eee_inspect_conversion_matches_the_inspect_log(folder: Path) -> None:
    """The same run read from Inspect's log and from its every-eval-ever conversion: same mean and rows."""
    (path, _), *_ = [x for x in eee_files(folder, "from-inspect") if x[0].name.startswith("words-")]
    converted = every_eval_ever.read(path)
    original = inspect.read(INSPECT[-1] / "words-model-a.eval")
    assert len(converted) == len(original)
    assert math.isclose(float(converted.score.mean()), float(original.score.mean()))
    assert set(converted.sample_ids) == set(original.sample_ids)


@pytest.mark.parametrize("folder", INSPECT, ids=lambda p: p.name)
def test_inspect_bare_nan_is_read_as_unscored(folder: Path) -> None:
    """Inspect writes a score it could not compute as a bare ``NaN`` (not JSON); the sample is unscored."""
    with zipfile.ZipFile(folder / "nan-scores.eval") as z:
        raw = z.read("samples/alpha/1_epoch_1.json")
    assert b'"value":NaN' in raw
    f = facts(folder)["nan-scores.eval"]
    with collect_notes() as notes:
        t = inspect.read(folder / "nan-scores.eval")
    assert "alpha/1" not in t.sample_ids and len(t) == f["rows"]
    assert any("1 sample(s) without a 'words_matched' score" in n for n in notes)
