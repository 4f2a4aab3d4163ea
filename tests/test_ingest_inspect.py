"""Inspect importer on real .eval and .json logs: facts read with zipfile/json independently."""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path

import numpy as np
import pytest

from advisor.errors import InputError
from advisor.ingest import detect, inspect
from advisor.ingest.common import collect_notes
from advisor.records.samples import OUTCOME_CODE

DATA = Path(__file__).parent / "data" / "inspect_ai"
#: The public real logs; the tool-made generated-* ones are checked in test_ingest_generated.py.
EVALS = sorted(p for p in DATA.glob("*/*.eval") if not p.parent.name.startswith("generated-"))
JSONS = sorted(p for p in DATA.glob("*/*.json") if not p.parent.name.startswith("generated-"))
VALUE = {"C": 1.0, "P": 0.5, "I": 0.0, "N": 0.0}


def zipped(path: Path) -> tuple[dict, list[dict]]:
    with zipfile.ZipFile(path) as z:
        header = json.loads(z.read("header.json"))
        samples = [json.loads(z.read(n)) for n in z.namelist() if n.startswith("samples/")]
    return header, samples


@pytest.mark.parametrize("path", EVALS + JSONS, ids=lambda p: p.name[:40])
def test_detected_as_inspect(path: Path) -> None:
    assert detect.importer_for(path).NAME == "inspect"


@pytest.mark.parametrize("path", EVALS, ids=lambda p: p.name[:40])
def test_eval_logs_match_their_samples(path: Path) -> None:
    header, samples = zipped(path)
    scorer = header["results"]["scores"][0]["name"]
    t = inspect.read(path)
    assert len(t) == len(samples)
    assert t.models == (header["eval"]["model"],) and t.tasks == (header["eval"]["task"],)
    expected = sum(VALUE.get(s["scores"][scorer]["value"], s["scores"][scorer]["value"]) for s in samples)
    assert math.isclose(float(t.score.sum()), expected)
    assert sorted(set(t.epoch.tolist())) == sorted({s["epoch"] - 1 for s in samples})


def test_accuracy_round_trip_100_samples() -> None:
    path = DATA / "meridianlabs-ai__inspect_scout" / "2025-09-23T08-09-58-04-00_popularity_DN2wbX2ZvACsBpjwptzBRo.eval"
    header, samples = zipped(path)
    acc = header["results"]["scores"][0]["metrics"]["accuracy"]["value"]
    t = inspect.read(path)
    assert len(t) == 100 and math.isclose(float(t.score.mean()), acc)
    usage = [s["model_usage"][header["eval"]["model"]] for s in samples]
    assert t.numbers["input_tokens"].sum() == sum(u["input_tokens"] for u in usage)
    assert math.isclose(t.numbers["latency_ms"].sum(), 1000 * sum(s["working_time"] for s in samples))


def test_epochs_and_reductions() -> None:
    path = DATA / "UKGovernmentBEIS__inspect_ai" / "log_streaming.eval"
    with zipfile.ZipFile(path) as z:
        reductions = json.loads(z.read("reductions.json"))
    t = inspect.read(path)
    assert len(t) == 4 and set(t.epoch.tolist()) == {0, 1}
    for red in reductions[0]["samples"]:
        rows = t.sample == t.sample_ids.index(str(red["sample_id"]))
        assert math.isclose(float(t.score[rows].mean()), red["value"])


def test_reasoning_tokens_inside_output() -> None:
    path = DATA / "METR__inspect-action" / "2025-12-13T23-15-44+00-00_class-eval_XDtHXBaqEHGUBoFoinn2wS.eval"
    header, samples = zipped(path)
    usage = [s["model_usage"][header["eval"]["model"]] for s in samples]
    t = inspect.read(path)
    assert t.numbers["reasoning_tokens"].sum() == sum(u["reasoning_tokens"] for u in usage) > 0
    assert t.numbers["output_tokens"].sum() == sum(u["output_tokens"] for u in usage)  # already inside


def test_json_log_equals_eval_log() -> None:
    a = inspect.read(DATA / "UKGovernmentBEIS__inspect_ai" / "log_formats.eval")
    b = inspect.read(DATA / "UKGovernmentBEIS__inspect_ai" / "log_formats.json")
    assert a.models == b.models and a.score.tolist() == b.score.tolist() == [0.0]
    assert a.numbers["input_tokens"].tolist() == b.numbers["input_tokens"].tolist() == [66.0]


def test_message_limit_is_a_timeout_and_agentic_usage_not_guessed() -> None:
    path = DATA / "evaleval__every_eval_ever" / "data_intercode_ctf_local_path.json"
    s = json.loads(path.read_text())["samples"][0]
    assert s["limit"]["type"] == "message"
    t = inspect.read(path)
    assert t.outcome[0] == OUTCOME_CODE["timeout"]
    assert t.present("input_tokens") == 0  # output.usage is only the last of many calls
    assert t.numbers["latency_ms"][0] == pytest.approx(s["working_time"] * 1000)


def test_numeric_score_and_cancelled_status() -> None:
    t = inspect.read(DATA / "evaleval__every_eval_ever" / "data_cyse2_vuln_exploit_challenges.json")
    assert t.score.tolist() == [0.65] and t.outcome[0] == OUTCOME_CODE["wrong"]
    with collect_notes() as notes:
        t = inspect.read(DATA / "UKGovernmentBEIS__inspect_ai" / "2025-05-12T20-28-13-04-00_popularity.json")
    assert len(t) == 3 and any("cancelled" in n for n in notes)


def test_log_without_samples_is_a_clear_error() -> None:
    path = next(DATA.glob("*/2025-05-12T20-28-13-04-00_no-samples.json"))
    with pytest.raises(InputError, match="no samples"):
        inspect.read(path)


def test_a_cancelled_empty_run_is_skipped_beside_other_runs(tmp_path: Path) -> None:
    """One run cancelled before any sample must not sink a workspace: the others rank, and the skip is said."""
    from advisor.cli import main
    from advisor.ingest.load import load_paths

    empty = next(DATA.glob("*/2025-05-12T20-28-13-04-00_no-samples.json"))
    good = DATA / "UKGovernmentBEIS__inspect_ai" / "2025-05-12T20-28-13-04-00_popularity.json"
    loaded = load_paths([empty, good])
    assert len(loaded.table) == 3 and [f.path for f in loaded.files] == [good]
    (skip,) = loaded.skipped
    assert str(empty) in skip and "status 'cancelled'" in skip
    with pytest.raises(InputError, match="status 'cancelled'"):
        load_paths([empty])  # alone, it is an error that says the run's status
    for f in (empty, good):
        (tmp_path / f.name).write_bytes(f.read_bytes())
    (tmp_path / "advisor.toml").write_text('results = ["*.json"]\n')
    assert main(["rank", str(tmp_path), "--resamples", "0", "--format", "json"]) == 0


def test_header_only_log_is_an_aggregate(tmp_path: Path) -> None:
    path = DATA / "evaleval__every_eval_ever" / "data_with_llm_scoring.json"
    doc = json.loads(path.read_text())
    assert "samples" not in doc
    score = doc["results"]["scores"][0]
    t = inspect.read(path)
    assert len(t) == 0 and t.aggregates is not None
    (row,) = t.aggregates.rows
    assert (row.model, row.task, row.n) == (doc["eval"]["model"], doc["eval"]["task"], score["scored_samples"])
    assert row.mean == score["metrics"]["accuracy"]["value"] and row.se == score["metrics"]["stderr"]["value"]
    del score["metrics"]["stderr"]
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(doc))
    with pytest.raises(InputError, match="no accuracy or mean with a stderr"):
        inspect.read(bare)


def _rewrite(src: Path, dst: Path, change) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("samples/"):
                obj = json.loads(data)
                change(obj)
                data = json.dumps(obj).encode()
            zout.writestr(info.filename, data)


def test_anthropic_cache_beside_input_converted(tmp_path: Path) -> None:
    src = (
        DATA
        / "meridianlabs-ai__inspect_scout"
        / "2025-11-07T10-59-47-05-00_websearch-addition-problem_LqPDntDnkk4h2fSqQ8i6CE.eval"
    )

    def change(s: dict) -> None:
        u = s["model_usage"]["anthropic/claude-sonnet-4-5"]
        u.update(
            input_tokens=96,
            output_tokens=1561,
            input_tokens_cache_write=4821,
            input_tokens_cache_read=36365,
            total_tokens=42843,
        )

    dst = tmp_path / "x.eval"
    _rewrite(src, dst, change)
    t = inspect.read(dst)
    assert t.numbers["input_tokens"][0] == 96 + 4821 + 36365
    assert t.numbers["cached_input_tokens"][0] == 36365 and t.numbers["cache_write_tokens"][0] == 4821


def test_errors_and_no_answer(tmp_path: Path) -> None:
    src = DATA / "UKGovernmentBEIS__inspect_ai" / "2025-02-11T15-18-04-05-00_popularity_mj7khqpMM4GBCfVQozKgzB.eval"
    calls = {"n": 0}

    def change(s: dict) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            s["error"] = {"message": "RuntimeError: sandbox crashed", "traceback": ""}
            s["scores"] = {}
        elif calls["n"] == 2:
            s["scores"]["match"]["value"] = "N"

    dst = tmp_path / "x.eval"
    _rewrite(src, dst, change)
    t = inspect.read(dst)
    kinds = t.outcome.tolist()
    assert kinds.count(OUTCOME_CODE["error"]) == 1 and kinds.count(OUTCOME_CODE["malformed"]) == 1
    assert "sandbox crashed" in next(e for e in t.texts["error"] if e)


def test_scorer_choice(tmp_path: Path) -> None:
    src = DATA / "UKGovernmentBEIS__inspect_ai" / "log_read_sample.eval"

    def change(s: dict) -> None:
        s["scores"]["judge"] = {"value": 0.25}

    dst = tmp_path / "x.eval"
    _rewrite(src, dst, change)
    with collect_notes() as notes:
        default = inspect.read(dst)
    assert default.score.tolist() == [1.0] and any("ignored: judge" in n for n in notes)
    assert inspect.read(dst, scorer="judge").score.tolist() == [0.25]
    with pytest.raises(InputError, match="no scorer 'nope'"):
        inspect.read(dst, scorer="nope")
    assert np.isnan(default.numbers["cost_usd"]).all()
