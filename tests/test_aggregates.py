"""Per (model, task) aggregates: parsing, bad input, ranking by hand, round trip, bootstrap, outputs."""

from __future__ import annotations

import json
import math
import shutil
import statistics
from pathlib import Path
from statistics import NormalDist
from typing import Any

import pytest

from advisor.cli import main
from advisor.decision.decide import decide, load_inputs
from advisor.decision.rank import interval
from advisor.decision.uncertainty import uncertainty
from advisor.errors import InputError
from advisor.ingest import aggregates as agg_reader
from advisor.ingest import detect, lm_eval
from advisor.ingest.common import collect_notes
from advisor.memo import render_markdown
from advisor.memo.snapshot_text import parse
from advisor.report.schema import decision_json
from advisor.report.table import markdown
from advisor.statistics.intervals import Z95, wilson
from tests.memo_helpers import MEMO_WS, TODAY

LM_EVAL = Path(__file__).parent / "data" / "lm_eval"
DEEPSEEK = "deepseek/deepseek-chat"
HEADER = "model,task,n,mean,sd,se,latency_p95_ms,input_tokens_mean,cached_input_tokens_mean,output_tokens_mean"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    return write(path, "".join(json.dumps(r) + "\n" for r in rows))


def copy_ws(tmp_path: Path) -> Path:
    """memo_ws in a temp folder, reading CSV results too."""
    root = tmp_path / "ws"
    shutil.copytree(MEMO_WS, root)
    config = root / "advisor.toml"
    config.write_text(config.read_text().replace('["results/*.jsonl"]', '["results/*.jsonl", "results/*.csv"]'))
    return root


@pytest.fixture
def agg_ws(tmp_path: Path) -> Path:
    """memo_ws with deepseek's samples replaced by hand-written aggregates (numbers chosen for hand checks)."""
    root = copy_ws(tmp_path)
    (root / "results" / "deepseek-chat.jsonl").unlink()
    write(
        root / "results" / "warehouse.csv",
        HEADER + ",failures_wrong,failures_refusal\n"
        f"{DEEPSEEK},extract,40,0.8,,0.05,1200,1000,200,500,6,2\n"
        f"{DEEPSEEK},classify,50,0.6,,0.07,1500,1000,200,500,20,0\n",
    )
    return root


# ------------------------------------------------------------------ parsing


def test_csv_and_jsonl_parse_alike(tmp_path: Path) -> None:
    csv_path = write(tmp_path / "a.csv", "model,task,n,mean,sd\nm,t,25,0.6,0.5\nm,u,4,1,0\n")
    rows = [
        {"model": "m", "task": "t", "n": 25, "mean": 0.6, "sd": 0.5},
        {"model": "m", "task": "u", "n": 4, "mean": 1, "sd": 0},
    ]
    jsonl_path = jsonl(tmp_path / "a.jsonl", rows)
    for path in (csv_path, jsonl_path):
        assert detect.importer_for(path).NAME == "aggregates"
        table = agg_reader.read(path)
        assert len(table) == 0 and table.aggregates is not None
        first = table.aggregates.rows[0]
        assert (first.model, first.task, first.n, first.mean) == ("m", "t", 25, 0.6)
        assert first.se == pytest.approx(0.5 / 5)  # se = sd / √n
        assert first.where == f"{path}:2" if path.suffix == ".csv" else f"{path}:1"
        assert first.failures is None and first.latency == {}


def test_optional_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.csv",
        "model,task,n,mean,se,latency_p50_ms,latency_p95_ms,latency_p99_ms,input_tokens_mean,"
        "output_tokens_mean,reasoning_tokens_mean,cost_usd_mean,failures_timeout,failures_unsafe\n"
        "m,t,10,0.5,0.1,100,200,300,1000,400,100,0.002,3,1\n"
        "m,*,,,,110,210,310,,,,,,\n",
    )
    agg = agg_reader.read(path).aggregates
    assert agg is not None
    row = agg.rows[0]
    assert row.latency == {"p50": 100, "p95": 200, "p99": 300}
    assert row.tokens == {"input_tokens": 1000, "output_tokens": 400, "reasoning_tokens": 100}
    assert row.cost_usd == 0.002 and row.failures == {"timeout": 3, "unsafe": 1}
    assert agg.model_row("m") is not None and agg.model_row("m").latency["p99"] == 310  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("model,task,n\nm,t,3\n", "mean is missing"),
        ("model,task,n,mean\nm,t,3,0.5\n", "give sd"),
        ("model,task,n,mean,sd\nm,t,0,0.5,0.1\n", "n must be at least 1"),
        ("model,task,n,mean,sd\nm,t,2.5,0.5,0.1\n", "whole number"),
        ("model,task,n,mean,sd\nm,t,3,1.2,0.1\n", r"outside \[0, 1\]"),
        ("model,task,n,mean,sd\nm,t,3,0.5,-0.1\n", "negative"),
        ("model,task,n,mean,sd\nm,t,3,0.5,inf\n", "not a finite number"),
        ("model,task,n,mean,sd\nm,t,3,0.5,abc\n", "must be a number"),
        ("model,task,n,mean,sd,se\nm,t,4,0.5,0.2,0.5\n", "sd and se disagree"),
        ("model,task,n,mean,sd,failures_wrong\nm,t,3,0.5,0.1,4\n", "exceeds n"),
        ("model,task,n,mean,sd,failures_wrong,failures_error\nm,t,3,0.5,0.1,2,2\n", "more than n"),
        ("model,task,n,mean,sd,latency\nm,t,3,0.5,0.1,5\n", "unknown column 'latency'"),
        ("model,task,n,mean,sd\nm,t,3,0.5,0.1\nm,t,4,0.5,0.1\n", "also at .*:2"),
        ("model,task,n,mean,sd,latency_p50_ms,latency_p95_ms\nm,t,3,0.5,0.1,90,50\n", "must not decrease"),
        ("model,task,n,mean,sd,output_tokens_mean,reasoning_tokens_mean\nm,t,3,0.5,0.1,10,20\n", "reasoning"),
        ("model,task,n,mean,sd,latency_p95_ms\nm,*,3,,,40\n", "model-level row"),
        ("model,task,n,mean,sd\n,t,3,0.5,0.1\n", "model is missing"),
        ("model,task,n,mean,sd\nm,t,3,0.5\n", "4 fields, but the header has 5"),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path: Path, body: str, message: str) -> None:
    path = write(tmp_path / "bad.csv", body)
    with pytest.raises(InputError, match=message) as err:
        agg_reader.read(path)
    assert err.value.where is not None and err.value.where.startswith(f"{path}:")


def test_bad_jsonl_types(tmp_path: Path) -> None:
    for row, message in (
        ({"model": "m", "task": "t", "n": True, "mean": 0.5, "sd": 0.1}, "n must be a number"),
        ({"model": "m", "task": "t", "n": 3, "mean": "0.5", "sd": 0.1}, None),  # a numeric string is read
        ({"model": "m", "task": "t", "n": 3, "mean": [0.5], "sd": 0.1}, "mean must be a number"),
    ):
        path = jsonl(tmp_path / "x.jsonl", [row])
        if message is None:
            agg_reader.read(path)
            continue
        with pytest.raises(InputError, match=message) as err:
            agg_reader.read(path)
        assert err.value.where == f"{path}:1"


def test_samples_files_are_not_aggregates(tmp_path: Path) -> None:
    path = jsonl(tmp_path / "s.jsonl", [{"model": "m", "task": "t", "sample_id": "1", "score": 1, "n": 1, "mean": 1}])
    assert detect.importer_for(path).NAME == "native"


def test_model_with_samples_and_aggregates_is_an_error(agg_ws: Path) -> None:
    write(agg_ws / "results" / "more.csv", "model,task,n,mean,se\nopenai/gpt-4o-mini,extract,40,0.7,0.07\n")
    with pytest.raises(InputError) as err:
        load_inputs(agg_ws)
    text = str(err.value)
    assert "more.csv:2" in text and "gpt-4o-mini.jsonl" in text and "task 'extract'" in text


# ------------------------------------------------------------------ ranking by hand


def test_ranking_by_hand(agg_ws: Path) -> None:
    inputs = load_inputs(agg_ws)
    decision = decide(inputs)
    d = decision.get(DEEPSEEK)
    assert d.evidence == "aggregates" and decision.aggregated == [DEEPSEEK]
    assert decision.get("openai/gpt-4o-mini").evidence == "samples"
    # equal task mix: mean = (0.8 + 0.6) / 2 = 0.7; se = √((0.5·0.05)² + (0.5·0.07)²) = 0.0430116...
    se = math.sqrt(0.025**2 + 0.035**2)
    assert d.accuracy is not None
    assert d.accuracy.mean == pytest.approx(0.7) and d.accuracy.se == pytest.approx(se)
    assert d.accuracy.n == 90
    # Wilson at the effective n: item variance (n − 1)·se² pooled with one pseudo-item of variance p(1 − p)
    pooled = (90 * 89 * se**2 + 0.21) / 91
    low, high = wilson(0.7, 90 * 0.21 / pooled, Z95)
    assert (d.accuracy.ci_low, d.accuracy.ci_high) == (pytest.approx(low), pytest.approx(high))
    assert d.task_accuracy["extract"] == interval(0.8, 0.05, 40)
    # deepseek: input 0.27, cached 0.07, output 1.1 $/Mtok; mean request 1000 in (200 cached), 500 out:
    # (800 × 0.27 + 200 × 0.07 + 500 × 1.1) / 1e6 = 780e-6 on both tasks
    assert d.cost_per_task_usd == pytest.approx(780e-6)
    assert d.cost_source == "tokens × deepseek/deepseek-chat"
    # latency: max over tasks of the per-task p95 (a conservative bound), no model-level row given
    assert d.latency_value == 1500 and d.latency_ms == {"p95": 1500}
    assert d.failures["wrong"] == 26 and d.failures["refusal"] == 2
    assert not any("max of per-task" in w for w in decision.warnings)  # every task gave a p95


def test_model_level_latency_row_wins(agg_ws: Path) -> None:
    path = agg_ws / "results" / "warehouse.csv"
    write(path, path.read_text() + ",".join([DEEPSEEK, "*", "", "", "", "", "900", "", "", "", "", ""]) + "\n")
    assert decide(load_inputs(agg_ws)).get(DEEPSEEK).latency_value == 900


def test_recorded_cost_when_no_tokens(tmp_path: Path) -> None:
    root = copy_ws(tmp_path)
    (root / "results" / "deepseek-chat.jsonl").unlink()
    write(
        root / "results" / "w.csv",
        "model,task,n,mean,se,cost_usd_mean,latency_p95_ms\n"
        f"{DEEPSEEK},extract,40,0.8,0.05,0.002,900\n{DEEPSEEK},classify,40,0.8,0.05,0.004,900\n",
    )
    d = decide(load_inputs(root)).get(DEEPSEEK)
    assert d.cost_per_task_usd == pytest.approx(0.003) and d.cost_source == "recorded cost_usd"
    assert d.failures["wrong"] == 16  # no counts: (1 − mean) × n silent wrong answers, per task


def test_round_trip_matches_samples(tmp_path: Path) -> None:
    """Aggregating a native workspace by hand gives the samples-based accuracy (single epoch)."""
    before = load_inputs(MEMO_WS).evidence.models[DEEPSEEK]
    root = tmp_path / "ws"
    shutil.copytree(MEMO_WS, root)
    samples = root / "results" / "deepseek-chat.jsonl"
    rows = [json.loads(line) for line in samples.read_text().splitlines() if line.strip()]
    samples.unlink()
    out = []
    for task in dict.fromkeys(r["task"] for r in rows):
        scores = [float(r["score"]) for r in rows if r["task"] == task]
        out.append(
            {
                "model": DEEPSEEK,
                "task": task,
                "n": len(scores),
                "mean": statistics.fmean(scores),
                "sd": statistics.stdev(scores),
            }
        )
    jsonl(root / "results" / "agg.jsonl", out)
    after = load_inputs(root).evidence.models[DEEPSEEK]
    assert after.evidence == "aggregates" and before.evidence == "samples"
    for task, s in before.tasks.items():
        a = after.tasks[task]
        assert (a.n_items, a.mean) == (s.n_items, pytest.approx(s.mean, rel=1e-12))
        assert a.se == pytest.approx(s.se, rel=1e-12)


# ------------------------------------------------------------------ bootstrap and pairwise


def test_p_best_reproducible_and_sensible(agg_ws: Path) -> None:
    inputs = load_inputs(agg_ws)
    decision = decide(inputs)
    one = uncertainty(inputs.evidence, decision, resamples=400, seed=3)
    two = uncertainty(inputs.evidence, decision, resamples=400, seed=3)
    assert one.p_best == two.p_best and one.rank_low == two.rank_low
    assert sum(one.p_best.values()) == pytest.approx(1.0)
    # a clearly better aggregated model wins nearly every resample
    path = agg_ws / "results" / "warehouse.csv"
    write(
        path,
        HEADER + f"\n{DEEPSEEK},extract,400,0.99,,0.005,1200,1000,200,500\n"
        f"{DEEPSEEK},classify,400,0.99,,0.005,1500,1000,200,500\n",
    )
    inputs = load_inputs(agg_ws)
    decision = decide(inputs, weights={"accuracy": 1, "cost": 0, "latency": 0, "gracefulness": 0})
    u = uncertainty(inputs.evidence, decision, resamples=400, seed=0)
    assert decision.pick is not None and decision.pick.model == DEEPSEEK
    assert u.p_best[DEEPSEEK] > 0.97 and u.tied_for_first == (DEEPSEEK,)
    pair = next(p for p in u.pairwise if p.model == "anthropic/claude-3-7-sonnet-20250219")
    leader, other = decision.get(DEEPSEEK).accuracy, decision.get(pair.model).accuracy
    assert leader is not None and other is not None
    gap = pair.gap
    assert not gap.paired and gap.mcnemar is None and gap.test == "normal (unpaired)"
    assert gap.diff == pytest.approx(other.mean - leader.mean)
    # Agresti–Caffo by hand: each side's mean and item variance with one item scoring 1 and one scoring 0 added
    ev = inputs.evidence.models

    def side(model: str, task: str) -> tuple[float, float]:
        s = ev[model].tasks[task]
        sum_sq = s.n_items * ((s.n_items - 1) * s.se**2 + s.mean**2)
        adj = (s.n_items * s.mean + 1) / (s.n_items + 2)
        return adj, ((sum_sq + 1) / (s.n_items + 2) - adj**2) / (s.n_items + 2)

    parts = [(side(pair.model, t), side(DEEPSEEK, t)) for t in ("extract", "classify")]
    adjusted = sum(0.5 * (a[0] - b[0]) for a, b in parts)
    half = Z95 * math.sqrt(sum(0.25 * (a[1] + b[1]) for a, b in parts))
    assert gap.clear and gap.diff < 0
    assert (gap.ci_low, gap.ci_high) == pytest.approx((adjusted - half, max(adjusted + half, gap.diff)))
    assert gap.p_value == pytest.approx(2 * NormalDist().cdf(-abs(adjusted) / (half / Z95)))


def test_all_aggregates_workspace(tmp_path: Path) -> None:
    root = copy_ws(tmp_path)
    shutil.rmtree(root / "results")
    config = root / "advisor.toml"
    config.write_text(config.read_text().replace('"results/*.jsonl", ', ""))
    write(
        root / "results" / "w.csv",
        HEADER
        + "\n"
        + "\n".join(
            f"{m},{t},100,{acc},,0.03,900,1000,0,400"
            for m, acc in ((DEEPSEEK, 0.9), ("openai/gpt-4o-mini", 0.7))
            for t in ("extract", "classify")
        )
        + "\n",
    )
    inputs = load_inputs(root)
    decision = decide(inputs)
    u = uncertainty(inputs.evidence, decision, resamples=300, seed=1)
    assert set(u.p_best) == {DEEPSEEK, "openai/gpt-4o-mini"} and all(not p.gap.paired for p in u.pairwise)
    assert u.p_best == uncertainty(inputs.evidence, decision, resamples=300, seed=1).p_best


# ------------------------------------------------------------------ lm-eval results without samples


def test_lm_eval_results_only_import_as_aggregates() -> None:
    path = LM_EVAL / "saucam__model_evals" / "Meta-Llama-3-8B-Instruct_openllm" / "gsm8k.json"
    reported = json.loads(path.read_text())["results"]["gsm8k"]
    with collect_notes() as notes:
        agg = lm_eval.read(path).aggregates
    assert agg is not None and len(agg.rows) == 1
    row = agg.rows[0]
    assert (row.model, row.task) == ("meta-llama/Meta-Llama-3-8B-Instruct", "gsm8k")
    assert row.mean == reported["exact_match,strict-match"]
    assert row.se == reported["exact_match_stderr,strict-match"]
    assert row.n == 1319  # no n-samples: p(1−p)/se² + 1, which is gsm8k's test size
    assert any("n estimated" in n for n in notes)
    flex = lm_eval.read(path, metric="exact_match,flexible-extract").aggregates
    assert flex is not None and flex.rows[0].mean == reported["exact_match,flexible-extract"]


def test_lm_eval_n_samples_used(tmp_path: Path) -> None:
    src = LM_EVAL / "evaleval__every_eval_ever" / "results_2026-01-21T03-44-18.458309.json"
    doc = json.loads(src.read_text())
    copy = tmp_path / src.name
    copy.write_text(json.dumps(doc))
    with pytest.raises(InputError, match="logged samples"):  # task_hashes set: the samples went missing
        lm_eval.read(copy)
    doc["task_hashes"] = {}
    copy.write_text(json.dumps(doc))
    agg = lm_eval.read(copy).aggregates
    assert agg is not None
    rows = {r.task: r for r in agg.rows}
    assert rows["math_rephrased_full"].n == 5000
    assert rows["math_rephrased_full"].se == doc["results"]["math_rephrased_full"]["exact_match_stderr,none"]


# ------------------------------------------------------------------ outputs say which models rest on aggregates


def test_json_table_memo_and_data_say_aggregates(
    agg_ws: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    inputs = load_inputs(agg_ws)
    decision = decide(inputs)
    doc = decision_json(decision, inputs)
    assert doc["aggregated_models"] == [DEEPSEEK]
    assert {m["model"]: m["evidence"] for m in doc["models"]}[DEEPSEEK] == "aggregates"
    text = markdown(decision, inputs)
    assert "aggregates" in next(line for line in text.splitlines() if DEEPSEEK in line and line.startswith("|"))
    assert f"{DEEPSEEK} rests on per-task aggregates" in text

    assert main(["rank", str(agg_ws), "--format", "json", "--resamples", "200"]) == 0
    ranked = json.loads(capsys.readouterr().out)
    pairs = {p["model"]: p for p in ranked["pairwise"]}
    leader = ranked["pick"]
    unpaired = [p for p in pairs.values() if DEEPSEEK in (p["model"], leader)]
    assert unpaired and all(p["paired"] is False and p["mcnemar"] is None for p in unpaired)
    assert main(["rank", str(agg_ws), "--resamples", "200"]) == 0
    assert "unpaired (aggregates)" in capsys.readouterr().out

    from dataclasses import replace

    full = replace(decision, uncertainty=uncertainty(inputs.evidence, decision, resamples=200))
    memo = render_markdown(full, inputs, today=TODAY)
    assert "unpaired (aggregates)" in memo and f"{DEEPSEEK} rests on per-task aggregates" in memo
    snap = parse(memo, "memo.md")
    assert snap.schema_version == 2 and snap.models[DEEPSEEK].evidence == "aggregates"
    assert snap.models["openai/gpt-4o-mini"].evidence is None

    from advisor.memo.reprice import evidence_from_snapshot, plan_pricing
    from advisor.prices.select import open_sheet

    sheet, _ = open_sheet(str(agg_ws / "prices-2025-11-26.toml"))
    evidence, _ = evidence_from_snapshot(snap, plan_pricing(snap, sheet, "sheet"))
    again = decide(replace(inputs, evidence=evidence)).get(DEEPSEEK)  # re-priced from the snapshot alone
    assert again.evidence == "aggregates"
    assert again.cost_per_task_usd == pytest.approx(decision.get(DEEPSEEK).cost_per_task_usd)

    assert main(["data", str(agg_ws), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["aggregated_models"] == [DEEPSEEK]
    files = {f["path"]: f for f in data["files"]}
    assert files["results/warehouse.csv"]["format"] == "aggregates"
    assert files["results/warehouse.csv"]["aggregated_models"] == [DEEPSEEK]
    assert {c["evidence"] for c in data["by_model_task"] if c["model"] == DEEPSEEK} == {"aggregates"}
    assert main(["data", str(agg_ws)]) == 0
    assert "Resting on per-task aggregates" in capsys.readouterr().out


def test_compare_accepts_an_aggregated_model_unpaired(agg_ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One interface for both sources: compare takes the aggregate's estimates, and rank's gap is the same."""
    assert main(["compare", DEEPSEEK, "openai/gpt-4o-mini", str(agg_ws), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    overall = data["overall"]
    assert overall["paired"] is False and overall["test"] == "normal (unpaired)" and overall["mcnemar"] is None
    inputs = load_inputs(agg_ws)
    decision = decide(inputs)
    gap = decision.gap(DEEPSEEK, "openai/gpt-4o-mini")
    assert gap is not None and overall["difference"] == pytest.approx(gap.diff)
    assert overall["p_value"] == pytest.approx(gap.p_value)  # the same test; only the Holm family differs
    assert data["disagreements"]["a_better"] == 0  # no items to show
    assert main(["compare", DEEPSEEK, "openai/gpt-4o-mini", str(agg_ws)]) == 0
    assert "unpaired (aggregates)" in capsys.readouterr().out
