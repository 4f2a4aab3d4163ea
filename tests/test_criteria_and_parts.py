"""Criteria nobody has, criteria some lack, unknown gracefulness, profile edits, and parts that add up.

Hand-made workspaces with hand-computed expectations: the decision layer
(``Profile.ignoring``/``with_constraints``, ``rank``'s ``dropped`` and
``lacking``, ``criteria_notes``) and the CLI's ``--ignore``/``--constraint``.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

from advisor.cli import main
from advisor.decision.decide import decide, load_inputs
from advisor.decision.explain import criteria_notes
from advisor.errors import InputError
from advisor.files import bundled
from advisor.inputs.profiles import load_profile, parse_constraints
from advisor.memo import render_markdown
from advisor.text.format import percentages, rounded_parts, signed
from tests.conftest import WriteWorkspace

PROFILE = """
name = "hand"
description = "Accuracy first, then cost."
[weights]
accuracy = 2
cost = 1
latency = 1
gracefulness = 1
[constraints]
max_latency_ms = 5000
[utility.accuracy]
best = 1.0
worst = 0.0
[utility.cost]
best = 0.001
worst = 0.1
scale = "log"
[utility.latency]
best = 100
worst = 10000
scale = "log"
[utility.gracefulness]
best = 1.0
worst = 0.0
"""


def rows(latency: dict[str, float | None], *, outcomes: bool = True) -> list[dict[str, Any]]:
    """A: 3 of 4 right, $0.01; B: 2 of 4, $0.001; failures are refusals (outcome given) or unstated."""
    spec = {"A": ([1, 1, 1, 0], 0.01), "B": ([1, 1, 0, 0], 0.001)}
    out: list[dict[str, Any]] = []
    for model, (scores, cost) in spec.items():
        for i, s in enumerate(scores):
            row: dict[str, Any] = {"model": model, "task": "t", "sample_id": str(i), "score": s, "cost_usd": cost}
            if latency[model] is not None:
                row["latency_ms"] = latency[model]
            if outcomes and not s:
                row["outcome"] = "refusal"
            out.append(row)
    return out


@pytest.fixture
def hand_profile(tmp_path: Path) -> Path:
    path = tmp_path / "hand.toml"
    path.write_text(PROFILE)
    return path


def test_a_criterion_nobody_has_is_left_out_with_a_note(make_workspace: WriteWorkspace, hand_profile: Path) -> None:
    ws = make_workspace(rows({"A": None, "B": None}), f'profile = "{hand_profile}"\n')
    d = decide(load_inputs(ws))
    assert d.dropped == {"latency": "no candidate has latency data"}
    assert [m.excluded for m in d.models] == [None, None]  # nobody excluded for it, the 5 s ceiling is lifted
    # weights 2/1/0/1 of 4: A = .5·.75 + .25·(log .01 between .001 and .1 = .5) + .25·(1 − .2) = .7
    assert d.weights == pytest.approx({"accuracy": 0.5, "cost": 0.25, "latency": 0.0, "gracefulness": 0.25})
    assert d.get("A").score == pytest.approx(0.5 * 0.75 + 0.25 * 0.5 + 0.25 * 0.8)
    assert d.profile.constraints.max_latency_ms is None
    (note,) = criteria_notes(d)
    assert note.startswith("Latency is left out: no candidate has latency data.")
    assert "20% in the hand profile" in note  # 1 of 2 + 1 + 1 + 1
    assert d.edits is not None and d.edits.as_written  # left out by the data, not changed by the user


def test_models_lacking_a_criterion_are_excluded_and_shown_the_way_out(
    make_workspace: WriteWorkspace, hand_profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = make_workspace(rows({"A": 200.0, "B": None}), f'profile = "{hand_profile}"\n')
    d = decide(load_inputs(ws))
    assert d.dropped == {} and d.lacking == {"latency": ("B",)}
    assert d.get("B").excluded == "no latency data"
    (note,) = criteria_notes(d)
    assert note == "B lacks latency data and is excluded; to rank it without latency: --ignore latency."
    ignored = decide(load_inputs(ws), profile=load_profile(hand_profile).ignoring(["latency"]))
    assert ignored.get("B").rank is not None and ignored.lacking == {}
    assert ignored.edits is not None and ignored.edits.weights is not None  # the user's change: custom weights
    # the same from the command line, and the ceiling lifted instead
    assert main(["rank", str(ws), "--resamples", "0", "--format", "json", "--ignore", "latency"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["pick"] == "A" and all(m["rank"] for m in doc["models"])
    assert doc["profile"]["custom_weights"] is True
    assert doc["profile"]["changed_constraints"] == {"max_latency_ms": {"profile": 5000.0, "in_force": None}}


def test_constraint_from_the_command_line_lifts_the_demo_latency_ceiling(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["rank", "--resamples", "0", "--format", "json"]
    assert main(base) == 0
    before = {m["model"]: m for m in json.loads(capsys.readouterr().out)["models"]}
    assert "exceeds the 15.00 s ceiling" in before["openai/o3"]["excluded"]
    assert main([*base, "--constraint", "max_latency_ms=none"]) == 0
    doc = json.loads(capsys.readouterr().out)
    o3 = next(m for m in doc["models"] if m["model"] == "openai/o3")
    assert o3["excluded"] is None and o3["rank"] is not None
    assert doc["profile"]["constraints"]["max_latency_ms"] is None
    assert doc["profile"]["custom_weights"] is False
    assert main([*base, "--constraint", "max_latency_ms=60000,min_accuracy=0.8"]) == 0
    doc = json.loads(capsys.readouterr().out)
    limits = doc["profile"]["constraints"]
    assert limits["max_latency_ms"] == 60000 and limits["min_accuracy"] == 0.8


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["--constraint", "max_speed=1"], "--constraint: unknown constraint 'max_speed'"),
        (["--constraint", "max_latency_ms=fast"], "--constraint: max_latency_ms:"),
        (["--constraint", "max_latency_ms"], "expected name=value"),
        (["--ignore", "speed"], "--ignore: unknown criterion 'speed'"),
        (["--ignore", "accuracy,cost,latency,gracefulness"], "leaves no criterion with a weight"),
    ],
)
def test_bad_edits_are_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], expect: str) -> None:
    assert main(["rank", "--resamples", "0", *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and expect in err


def test_profile_edits_in_the_decision_layer() -> None:
    p = load_profile("balanced")
    q = p.ignoring(["latency"]).with_constraints(min_accuracy=0.8)
    assert q.weights.latency == 0 and q.constraints.max_latency_ms is None and q.constraints.min_accuracy == 0.8
    assert q.as_written is p and not q.uses("latency") and p.uses("latency")
    assert q.weights.accuracy == p.weights.accuracy  # the others keep theirs
    assert parse_constraints('max_latency_ms=none, require=["a","b"],min_accuracy=0.7') == {
        "max_latency_ms": None,
        "require": ["a", "b"],
        "min_accuracy": 0.7,
    }
    with pytest.raises(InputError):
        p.with_constraints(min_accuracy=2)


def test_results_without_outcomes_have_unknown_gracefulness(
    make_workspace: WriteWorkspace, hand_profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = make_workspace(rows({"A": 200.0, "B": 300.0}, outcomes=False), f'profile = "{hand_profile}"\n')
    d = decide(load_inputs(ws))
    assert [m.gracefulness for m in d.models] == [None, None]  # not 0.00: nothing says how they fail
    assert "gracefulness" in d.dropped and all(m.rank for m in d.models)
    assert main(["rank", str(ws), "--resamples", "0"]) == 0
    out = capsys.readouterr().out
    assert "unknown" in out and "Gracefulness is left out" in out
    # one model with outcomes, one without: the other is excluded, with the way out
    mixed = rows({"A": 200.0, "B": 300.0}, outcomes=False)
    for r in mixed:
        if r["model"] == "A" and not r["score"]:
            r["outcome"] = "refusal"
    ws2 = make_workspace(mixed, f'profile = "{hand_profile}"\n', name="mixed")
    d2 = decide(load_inputs(ws2))
    assert d2.get("A").gracefulness == pytest.approx(0.8) and d2.get("B").gracefulness is None
    assert d2.get("B").excluded == "gracefulness unknown (no failure kinds recorded)"
    assert d2.lacking == {"gracefulness": ("B",)}


def test_unpriced_names_are_not_dropped_but_offered_aliases(make_workspace: WriteWorkspace, hand_profile: Path) -> None:
    data = [dict(r, input_tokens=100, output_tokens=10) for r in rows({"A": 200.0, "B": 300.0})]
    for r in data:
        del r["cost_usd"]
    ws = make_workspace(data, f'profile = "{hand_profile}"\n')
    d = decide(load_inputs(ws))
    assert d.dropped == {} and d.lacking == {"cost": ("A", "B")}
    assert (
        "price them with [aliases] in advisor.toml, or to rank them without cost: --ignore cost"
        in (criteria_notes(d)[0])
    )


SHEET = """
schema_version = 1
as_of = 2026-01-01
currency = "USD"
source = "hand"

[[models]]
id = "m"
input_per_mtok = 1
output_per_mtok = 2
"""


def test_cost_split_is_task_weighted_and_adds_up_to_cost_per_task(
    make_workspace: WriteWorkspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Task a: 3 samples of 1,000 in / 100 out. Task b: 10,000 in / 1,000 out, and one recorded $0.50.

    a: $0.0012 each (input .001, output .0002). b: (.012 + .5) / 2 = .256 (input .005, output .001,
    recorded .25). Equal task weights: $0.1286 per task = input .003 + output .0006 + recorded .125.
    (The old pooled split, over the four priced samples, was input .00325 + output .00065.)
    """
    (tmp_path / "sheet.toml").write_text(SHEET)
    data: list[dict[str, Any]] = [
        {"model": "m", "task": "a", "sample_id": str(i), "score": 1, "input_tokens": 1000, "output_tokens": 100}
        for i in range(3)
    ]
    data += [
        {"model": "m", "task": "b", "sample_id": "0", "score": 1, "input_tokens": 10000, "output_tokens": 1000},
        {"model": "m", "task": "b", "sample_id": "1", "score": 0, "cost_usd": 0.5, "outcome": "wrong"},
    ]
    ws = make_workspace(data, f'prices = "{tmp_path / "sheet.toml"}"\n')
    assert main(["rank", str(ws), "--resamples", "0", "--format", "json"]) == 0
    (m,) = json.loads(capsys.readouterr().out)["models"]
    assert m["cost_per_task_usd"] == pytest.approx(0.1286)
    split = m["cost_split_usd"]
    assert split["input"] == pytest.approx(0.003) and split["output"] == pytest.approx(0.0006)
    assert split["recorded"] == pytest.approx(0.125)
    assert math.fsum(split.values()) == pytest.approx(m["cost_per_task_usd"], rel=1e-12)


def test_every_breakdown_adds_up_in_json_and_memo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rank", "--resamples", "0", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert math.fsum(doc["weights"].values()) == pytest.approx(1.0)
    for m in doc["models"]:
        assert math.fsum(m["breakdown"].values()) == pytest.approx(m["score"], abs=1e-12)
        assert math.fsum(m["cost_split_usd"].values()) == pytest.approx(m["cost_per_task_usd"], rel=1e-12)
    inputs = load_inputs(bundled.demo_workspace())
    memo = render_markdown(decide(inputs), inputs)
    ranking = memo.split("## 3. Ranking", 1)[1].split("\n\n")[1]
    for line in ranking.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[2] == "–":
            continue
        assert round(sum(float(c) for c in cells[3:7]), 3) == float(cells[2]), line
    weights = memo.split("## 2. What mattered", 1)[1].split("## 3.", 1)[0]
    shown = [int(x) for x in re.findall(r"^\| \w+ \| (\d+)% \|", weights, flags=re.M)]
    assert len(shown) == 4 and sum(shown) == 100
    failures = memo.split("## 5. Failure analysis", 1)[1].split("Examples", 1)[0]
    body = [line for line in failures.splitlines() if line.startswith("| ") and not line.startswith("| model")]
    assert len(body) == 8
    for line in body:
        cells = [c.strip() for c in line.strip("|").split("|")]
        total = int(cells[2].split(" ")[0].replace(",", ""))
        assert total == sum(int(c.replace(",", "")) for c in cells[3:-1]), line


def test_rounding_helpers_add_up_and_never_print_minus_zero() -> None:
    parts, total = rounded_parts([0.2794, 0.1564, 0.0734, 0.0538], 2)
    assert parts == [0.28, 0.16, 0.07, 0.05] and total == 0.56
    parts, total = rounded_parts([1 / 3, 1 / 3, 1 / 3], 2)
    assert sum(parts) == pytest.approx(total) == pytest.approx(1.0)
    assert percentages([1 / 3, 1 / 3, 1 / 3]) == ["34%", "33%", "33%"]
    assert percentages([0.125, 0.125, 0.75]) in (["12%", "13%", "75%"], ["13%", "12%", "75%"])
    assert signed(-0.0004) == "0.0" and signed(-0.06) == "-0.1" and signed(0.04, 1) == "0.0"
    assert signed(1.25) == "+1.2"
