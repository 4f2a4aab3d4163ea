"""promptfoo importer on real files: facts read off the JSON independently."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from advisor.errors import InputError
from advisor.ingest import detect, promptfoo
from advisor.ingest.common import collect_notes
from advisor.records.samples import OUTCOME_CODE

DATA = Path(__file__).parent / "data" / "promptfoo"
#: The public real files; the tool-made generated-* ones are checked in test_ingest_generated.py.
FILES = sorted(p for p in DATA.glob("*/*.json") if not p.parent.name.startswith("generated-"))


def raw(path: Path) -> list[dict]:
    return json.loads(path.read_text())["results"]["results"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.parent.name)
def test_detected_as_promptfoo(path: Path) -> None:
    assert detect.importer_for(path).NAME == "promptfoo"


@pytest.mark.parametrize("path", [p for p in FILES if "nicheIQ" not in str(p)], ids=lambda p: p.parent.name)
def test_counts_models_and_pass_rate(path: Path) -> None:
    rows = raw(path)
    t = promptfoo.read(path)
    assert len(t) == len(rows)
    assert set(t.models) == {r["provider"]["id"] for r in rows}
    assert np.count_nonzero(t.outcome == OUTCOME_CODE["ok"]) == sum(r["success"] for r in rows)
    assert math.isclose(float(t.score.sum()), sum(float(r["score"]) for r in rows))


def test_stats_round_trip() -> None:
    """The tool's own stats.successes / failures equal the imported outcomes."""
    for path in FILES:
        if "nicheIQ" in str(path):
            continue
        stats = json.loads(path.read_text())["results"]["stats"]
        t = promptfoo.read(path)
        ok = int(np.count_nonzero(t.outcome == OUTCOME_CODE["ok"]))
        assert ok == stats["successes"]
        assert len(t) - ok == stats["failures"] + stats.get("errors", 0)


def test_tokens_latency_cost_workbench() -> None:
    path = DATA / "krystianbergmann__prompt-eval-workbench@2eb71c16" / "promptfoo-results.json"
    rows = raw(path)
    t = promptfoo.read(path)
    assert t.numbers["input_tokens"].sum() == sum(r["response"]["tokenUsage"]["prompt"] for r in rows)
    assert t.numbers["output_tokens"].sum() == sum(r["response"]["tokenUsage"]["completion"] for r in rows)
    assert math.isclose(t.numbers["cost_usd"].sum(), sum(r["cost"] for r in rows))
    assert sorted(t.numbers["latency_ms"].tolist()) == sorted(float(r["latencyMs"]) for r in rows)
    assert t.tasks == ("promptfoo-results",)  # the file stem, as for the JSONL export of the same eval
    failed = [r for r in rows if not r["success"]]
    assert np.count_nonzero(t.outcome == OUTCOME_CODE["wrong"]) == len(failed) == 1


def test_unknowns_stay_missing() -> None:
    """Ollama rows have no tokens or cost; a custom provider's zeros are not a free call."""
    ollama = promptfoo.read(DATA / "Wadys__ai-qa-demo@06634bf7" / "results.json")
    assert ollama.present("input_tokens") == 0 and ollama.present("cost_usd") == 0
    assert ollama.present("latency_ms") == 2
    custom = promptfoo.read(DATA / "mspworld__reqverify@38eaf341" / "results.json")
    assert custom.models == ("file://../integrations/promptfoo.py",)
    assert custom.present("input_tokens") == 0 and custom.present("cost_usd") == 0
    drift = promptfoo.read(DATA / "reDreamAI__measure-ai-drift@cb2be90f" / "promptfoo-results.json")
    assert drift.present("cost_usd") == 0  # cost 0 everywhere for a python provider
    assert drift.present("input_tokens") == len(drift)


def test_old_file_without_failure_reason() -> None:
    path = DATA / "Kacper-Hernacki__aiDevs3@b0691622" / "promptfoo_results.json"
    rows = raw(path)
    assert all("failureReason" not in r for r in rows)
    t = promptfoo.read(path)
    assert t.models == ("openai:gpt-4o",)
    assert t.numbers["input_tokens"].sum() == sum(r["response"]["tokenUsage"]["prompt"] for r in rows)


def test_prompts_become_task_variants() -> None:
    path = DATA / "Wadys__ai-qa-demo@06634bf7" / "results.json"
    rows = raw(path)
    labels = {r["prompt"]["label"] for r in rows}
    t = promptfoo.read(path)
    assert len(t.tasks) == len(labels) == 2
    # Labels longer than a name (an unlabelled prompt's label is its text) become "prompt <n>".
    order = list(dict.fromkeys(r["promptId"] for r in rows))
    expected = {
        f"results / {label}" if len(label) <= promptfoo.MAX_LABEL and "\n" not in label else f"results / prompt {n}"
        for label, n in {(r["prompt"]["label"].strip(), order.index(r["promptId"]) + 1) for r in rows}
    }
    assert set(t.tasks) == expected
    assert promptfoo.read(path, task="qa").tasks[0].startswith("qa / ")


def test_grader_errors_dropped_with_note_and_cached_rows_unknown() -> None:
    path = DATA / "tthatcher95__nicheIQ@11f86bbb" / "results.json"
    rows = raw(path)
    grader = [r for r in rows if (r.get("gradingResult") or {}).get("reason", "").startswith("Custom function threw")]
    kept = [r for r in rows if r not in grader]
    with collect_notes() as notes:
        t = promptfoo.read(path)
    assert len(t) == len(kept) == len(rows) - len(grader)
    assert any("grader" in n for n in notes)
    live = [r for r in kept if not r["response"].get("cached")]
    # cached replays: no token split, latency or cost of their own
    assert t.present("latency_ms") == len(live)
    assert t.present("input_tokens") == len(live)
    assert t.numbers["output_tokens"][~np.isnan(t.numbers["output_tokens"])].sum() == sum(
        r["response"]["tokenUsage"]["completion"] for r in live
    )


def test_all_grader_errors_is_a_clear_error(tmp_path: Path) -> None:
    src = DATA / "tthatcher95__nicheIQ@11f86bbb" / "results.json"
    doc = json.loads(src.read_text())
    for r in doc["results"]["results"]:
        r["gradingResult"] = {"pass": False, "score": 0, "reason": "Custom function threw error: boom"}
    bad = tmp_path / "r.json"
    bad.write_text(json.dumps(doc))
    with pytest.raises(InputError, match="grader errors"):
        promptfoo.read(bad)


def test_infra_errors_and_timeouts(tmp_path: Path) -> None:
    src = DATA / "krystianbergmann__prompt-eval-workbench@2eb71c16" / "promptfoo-results.json"
    doc = json.loads(src.read_text())
    rows = doc["results"]["results"]
    rows[0].update(
        success=False, score=0, failureReason=2, error="Request timed out after 30000ms", latencyMs=0, cost=0
    )
    rows[0].pop("response")
    rows[2].update(success=False, score=0, failureReason=2, error="RateLimitExhaustedError", latencyMs=0)
    path = tmp_path / "r.json"
    path.write_text(json.dumps(doc))
    t = promptfoo.read(path)
    assert t.outcome[0] == OUTCOME_CODE["timeout"] and t.outcome[2] == OUTCOME_CODE["error"]
    assert math.isnan(t.numbers["latency_ms"][0]) and math.isnan(t.numbers["cost_usd"][0])
    assert t.texts["error"][2] == "RateLimitExhaustedError"


def test_anthropic_style_cache_and_gemini_reasoning_converted(tmp_path: Path) -> None:
    src = DATA / "krystianbergmann__prompt-eval-workbench@2eb71c16" / "promptfoo-results.json"
    doc = json.loads(src.read_text())
    rows = doc["results"]["results"]
    rows[0]["response"]["tokenUsage"] = {
        "total": 1200,
        "prompt": 100,
        "completion": 100,
        "completionDetails": {"cacheReadInputTokens": 900, "cacheCreationInputTokens": 100},
    }
    rows[1]["response"]["tokenUsage"] = {
        "total": 1125,
        "prompt": 402,
        "completion": 25,
        "completionDetails": {"reasoning": 698},
    }
    path = tmp_path / "r.json"
    path.write_text(json.dumps(doc))
    t = promptfoo.read(path)
    assert t.numbers["input_tokens"][0] == 1100 and t.numbers["cached_input_tokens"][0] == 900
    assert t.numbers["output_tokens"][1] == 723 and t.numbers["reasoning_tokens"][1] == 698


def test_jsonl_export_with_glued_batches(tmp_path: Path) -> None:
    src = DATA / "reDreamAI__measure-ai-drift@cb2be90f" / "promptfoo-results.json"
    rows = raw(src)
    lines = [json.dumps(r) for r in rows]
    text = "\n".join(lines[:4]) + "".join(lines[4:6]) + "\n" + "\n".join(lines[6:]) + "\n"
    path = tmp_path / "export.jsonl"
    path.write_text(text)
    assert detect.importer_for(path).NAME == "promptfoo"
    t = promptfoo.read(path)
    assert len(t) == len(rows)
    assert t.numbers["input_tokens"].sum() == sum(r["response"]["tokenUsage"]["prompt"] for r in rows)


def test_repeats_are_epochs(tmp_path: Path) -> None:
    src = DATA / "Kacper-Hernacki__aiDevs3@b0691622" / "promptfoo_results.json"
    doc = json.loads(src.read_text())
    doc["results"]["results"] = doc["results"]["results"] * 3
    path = tmp_path / "r.json"
    path.write_text(json.dumps(doc))
    t = promptfoo.read(path)
    assert len(t) == 18 and sorted(set(t.epoch.tolist())) == [0, 1, 2]
