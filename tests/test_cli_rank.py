"""``advisor rank`` end to end: output formats, overrides, and one clear line for every bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.cli import main
from tests.test_engine import PROFILE, hand_rows


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def hand_ws(make_workspace, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    (tmp_path / "hand.toml").write_text(PROFILE)
    return make_workspace(hand_rows(), f'profile = "{tmp_path / "hand.toml"}"\ntasks_per_month = 1000\n')  # type: ignore[no-any-return]


def test_json_schema(hand_ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rank", str(hand_ws), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert {"workspace", "profile", "weights", "prices", "models"} <= set(doc)
    assert set(doc["prices"]) >= {"as_of", "source"}
    a = doc["models"][0]
    for key in (
        "model",
        "rank",
        "score",
        "breakdown",
        "accuracy",
        "cost_per_task_usd",
        "cost_per_success_usd",
        "monthly_cost_usd",
        "latency_ms",
        "gracefulness",
        "failures",
        "pareto",
        "excluded",
    ):
        assert key in a
    assert set(a["breakdown"]) == {"accuracy", "cost", "latency", "gracefulness"}
    assert set(a["accuracy"]) >= {"mean", "ci_low", "ci_high", "n"}
    assert set(a["latency_ms"]) == {"p50", "p95", "p99"}
    assert (a["model"], a["rank"], a["excluded"], a["accuracy"]["n"]) == ("A", 1, None, 4)
    assert a["score"] == pytest.approx(0.75)
    c = next(m for m in doc["models"] if m["model"] == "C")
    assert c["rank"] is None and "latency" in c["excluded"]
    assert doc["pick"] == "A"


def test_weights_override_changes_the_pick(hand_ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rank", str(hand_ws), "--format", "json", "--weights", "accuracy=0,cost=1")
    doc = json.loads(out)
    assert code == 0 and doc["pick"] == "B"  # cost alone: B is 10× cheaper
    assert doc["weights"]["latency"] == pytest.approx(0.5)  # latency keeps the profile's weight (1 of 2)


def test_table_and_markdown(hand_ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rank", str(hand_ws))
    assert code == 0 and "Pick A" in out and "exceeds the 5.00 s ceiling" in out
    code, out, _ = run(capsys, "rank", str(hand_ws), "--format", "md")
    lines = out.splitlines()
    table = [line for line in lines if line.startswith("|")]
    assert code == 0 and len(table) == 2 + 3  # header, rule, three models
    assert table[2].startswith("| 1 | A | 0.75 |")


BAD_ROW = {"model": "m", "task": "t", "sample_id": "1", "score": 1}


@pytest.mark.parametrize(
    ("results", "toml", "expect"),
    [
        ("{not json\n", "", "samples.jsonl:1: not valid JSON"),
        ('{"model": "m", "task": "t", "score": 1}\n', "", "missing required field 'sample_id'"),
        (json.dumps(BAD_ROW | {"score": 2}) + "\n", "", "outside [0, 1]"),
        (json.dumps(BAD_ROW | {"input_tokens": -1}) + "\n", "", "input_tokens -1 is negative"),
        (json.dumps(BAD_ROW | {"outcome": "meh"}) + "\n", "", "unknown outcome 'meh'"),
        ((json.dumps(BAD_ROW) + "\n") * 2, "", "duplicate row"),
        ("", "", "empty"),
        (json.dumps(BAD_ROW) + "\n", 'results = ["nothing/*.jsonl"]\n', "matches no files"),
        (json.dumps(BAD_ROW) + "\n", 'profile = "no-such-profile"\n', "unknown profile 'no-such-profile'"),
        (json.dumps(BAD_ROW) + "\n", "colour = 1\n", "[colour]: unknown key"),
        (json.dumps(BAD_ROW) + "\n", "tasks_per_month = -5\n", "[tasks_per_month]"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], results: str, toml: str, expect: str
) -> None:
    ws = tmp_path / "ws"
    (ws / "results").mkdir(parents=True)
    (ws / "results" / "samples.jsonl").write_text(results)
    head = 'name = "w"\n' + ("" if "results" in toml else 'results = ["results/*.jsonl"]\n')
    (ws / "advisor.toml").write_text(head + toml)
    code, out, err = run(capsys, "rank", str(ws))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("advisor: error: ")
    assert expect in err
    assert "Traceback" not in err


def test_zero_weight_profile_and_bad_weights(tmp_path: Path, hand_ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    zero = tmp_path / "zero.toml"
    zero.write_text('name = "z"\n[weights]\naccuracy = 0\ncost = 0\n')
    code, _, err = run(capsys, "rank", str(hand_ws), "--profile", str(zero))
    assert code == 2 and f"{zero}:2 [weights]: weights are all zero" in err
    code, _, err = run(capsys, "rank", str(hand_ws), "--weights", "speed=3")
    assert code == 2 and "--weights" in err
    code, _, err = run(capsys, "rank", str(hand_ws), "--weights", "cost=-1")
    assert code == 2 and "non-negative" in err


def test_python_dash_m_and_console_script_agree(hand_ws: Path) -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "advisor", "rank", str(hand_ws), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["pick"] == "A"
