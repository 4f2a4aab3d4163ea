"""``advisor rank`` as a table: every number whole at 80–160 columns, checked against the JSON.

The table is parsed back the way a reader sees it (cells split on runs of
spaces, model names joined across their wrapped lines) and each number is
compared with the value ``--format json`` gives for the same model. A cropped
number (``$26`` for $261, ``$0.`` for $0.00104) fails.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from advisor.cli import main
from advisor.decision.decide import Inputs, decide, load_inputs
from advisor.decision.result import Decision
from advisor.decision.uncertainty import uncertainty
from advisor.files import bundled
from advisor.report.schema import decision_json
from advisor.report.table import LABEL, layout, print_table

WIDTHS = (80, 100, 120, 160)
RESAMPLES = 200


@pytest.fixture(scope="module")
def demo() -> tuple[Inputs, Decision, dict[str, Any]]:
    inputs = load_inputs(bundled.demo_workspace())
    decision = decide(inputs)
    decision = replace(decision, uncertainty=uncertainty(inputs.evidence, decision, resamples=RESAMPLES, seed=0))
    return inputs, decision, json.loads(json.dumps(decision_json(decision, inputs), default=float))


def render(inputs: Inputs, decision: Decision, width: int, **kw: Any) -> str:
    out = io.StringIO()
    print_table(decision, inputs, Console(file=out, width=width, color_system=None), **kw)
    return out.getvalue()


def table_rows(text: str) -> list[list[str]]:
    """Each model's row as its lines (first line first), between the header rule and the first line after."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if set(line.strip()) == {"─"}) + 1
    rows: list[list[str]] = []
    for line in lines[start:]:
        if re.match(r"^(\d+|–)  ", line):
            rows.append([line])
        elif line.startswith("   ") and rows:
            rows[-1].append(line)
        else:
            break
    return rows


def money_value(cell: str) -> float:
    assert re.fullmatch(r"\$[\d,]*\.?\d+", cell), f"not a whole amount: {cell!r}"
    return float(cell[1:].replace(",", ""))


def close(shown: float, true: float, *, digits: int = 3) -> bool:
    """The shown number is ``true`` rounded to ``digits`` significant figures (or to cents/dollars)."""
    if true == 0:
        return shown == 0
    if abs(true) >= 100:
        return abs(shown - true) <= 0.5 + 1e-9
    if abs(true) >= 1:
        return abs(shown - true) <= 0.005 + 1e-9
    return abs(shown - true) <= 0.5 * 10 ** (int(f"{abs(true):e}".split("e")[1]) - digits + 1) + 1e-15


def ms_value(cell: str) -> float:
    m = re.fullmatch(r"(\d+(?:\.\d+)?) (s|ms)", cell)
    assert m, f"not a whole duration: {cell!r}"
    return float(m[1]) * (1000 if m[2] == "s" else 1)


def check_cell(key: str, cell: str, m: dict[str, Any], doc: dict[str, Any]) -> None:
    excluded = m["excluded"] is not None
    if key == "rank":
        assert cell == (str(m["rank"]) if m["rank"] else "–")
    elif key == "score":
        if excluded:
            assert cell == "–"  # not ranked: no score shown as if it were
        else:
            assert abs(float(cell) - m["score"]) <= 0.005 + 1e-9
    elif key == "breakdown":
        if excluded:
            assert cell == "–"
            return
        parts = dict(re.findall(r"([ACLG])(\d*\.\d\d)", cell))
        assert list(parts) == ["A", "C", "L", "G"]
        for letter, criterion in zip("ACLG", ("accuracy", "cost", "latency", "gracefulness"), strict=True):
            assert abs(float(parts[letter]) - m["breakdown"][criterion]) < 0.01 + 1e-9
    elif key == "accuracy":
        got = re.fullmatch(r"(\d+\.\d)% ±(\d+\.\d)", cell)
        assert got, cell
        acc = m["accuracy"]
        assert abs(float(got[1]) - 100 * acc["mean"]) <= 0.05 + 1e-9
        assert abs(float(got[2]) - 100 * (acc["ci_high"] - acc["ci_low"]) / 2) <= 0.05 + 1e-9
    elif key in ("cost", "success", "month"):
        field = {"cost": "cost_per_task_usd", "success": "cost_per_success_usd", "month": "monthly_cost_usd"}[key]
        if m[field] is None:
            assert cell == "n/a"
        else:
            assert close(money_value(cell), m[field]), (key, cell, m[field])
    elif key == "latency":
        true = m["latency_ms"][doc["profile"]["latency_metric"]]
        shown = ms_value(cell)
        assert abs(shown - true) <= (5.0 if cell.endswith(" s") else 0.5) + 1e-9, (cell, true)
    elif key == "graceful":
        assert cell == ("unknown" if m["gracefulness"] is None else f"{m['gracefulness']:.2f}")
        if m["gracefulness"] is not None:
            assert abs(float(cell) - m["gracefulness"]) <= 0.005 + 1e-9
    elif key == "pbest":
        if m["p_best"] is None:
            assert cell == "–"
            return
        got = re.fullmatch(r"(\d+)% #(\d+)(?:–(\d+))?", cell)
        assert got, cell
        assert abs(int(got[1]) - 100 * m["p_best"]) <= 0.5 + 1e-9
        low, high = int(got[2]), int(got[3] or got[2])
        assert [low, high] == m["rank_interval"]
    elif key == "flags":
        words = cell.split(", ")
        if excluded:
            assert words[0] == "excluded"
        else:
            assert words[0] == ("Pareto" if m["pareto"] else "dominated")
            tied = m["rank"] != 1 and m["model"] in (doc["tied_for_first"] or ())
            assert ("tied #1" in words) == tied
            assert ("~#1" in words) == (m["accuracy_vs_pick"] == "unclear" and not tied)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_number_shown_is_whole_and_matches_the_json(
    demo: tuple[Inputs, Decision, dict[str, Any]], width: int
) -> None:
    inputs, decision, doc = demo
    text = render(inputs, decision, width)
    lay = layout(decision, width)
    assert all(len(line) <= width for line in text.splitlines()), "a line runs past the terminal"
    rows = table_rows(text)
    assert len(rows) == len(doc["models"])
    checked = 0
    for lines, m in zip(rows, doc["models"], strict=True):
        cells = re.split(r"\s{2,}", lines[0].strip())
        assert len(cells) == len(lay.shown), (cells, lay.shown)
        # the model name wraps (never a number): its pieces, joined, are the name
        col = lines[0].index(cells[1])
        pieces = [cells[1], *(line[col:].split("  ")[0].strip() for line in lines[1:])]
        assert "".join(pieces) == m["model"]
        for key, cell in zip(lay.shown, cells, strict=True):
            if key != "model":
                check_cell(key, cell, m, doc)
                checked += 1
    assert checked >= len(doc["models"]) * 6  # at 80 columns too, most numbers are there
    if lay.hidden:
        note = " ".join(text.split("Not shown at", 1)[1].split("\n\n")[0].split())
        for key in lay.hidden:
            assert LABEL[key] in note
        assert "--wide" in note and "--columns" in note and "--format md" in note
    else:
        assert "Not shown" not in text


def test_wide_terminal_shows_every_column_and_narrow_ones_hide_by_priority(
    demo: tuple[Inputs, Decision, dict[str, Any]],
) -> None:
    _, decision, _ = demo
    assert layout(decision, 160).hidden == ()
    narrow = layout(decision, 80)
    assert {"score", "accuracy", "cost"} <= set(narrow.shown)  # the first columns a reader wants
    assert narrow.hidden and narrow.total <= 80
    assert layout(decision, 80, wide=True).hidden == ()
    assert layout(decision, 80, wanted=["latency"]).shown == ("rank", "model", "latency")


def test_breakdown_as_shown_adds_up_to_the_score_as_shown(demo: tuple[Inputs, Decision, dict[str, Any]]) -> None:
    inputs, decision, doc = demo
    text = render(inputs, decision, 200, wide=True)
    lay = layout(decision, 200, wide=True)
    for lines, m in zip(table_rows(text), doc["models"], strict=True):
        cells = dict(zip(lay.shown, re.split(r"\s{2,}", lines[0].strip()), strict=True))
        if m["excluded"]:
            continue
        parts = [float(v) for v in re.findall(r"[ACLG](\d*\.\d\d)", cells["breakdown"])]
        assert round(sum(parts), 2) == float(cells["score"])


def test_wide_and_columns_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rank", "--resamples", "0", "--columns", "cost,latency"]) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if line.startswith("#"))
    assert re.split(r"\s{2,}", header.strip()) == ["#", "model", "$/task", "p95"]
    assert main(["rank", "--resamples", "0", "--columns", "speed"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--columns: unknown column 'speed'" in err


@pytest.mark.skipif(shutil.which("script") is None, reason="needs script(1) to run advisor in a real terminal")
def test_in_a_real_80_column_terminal(demo: tuple[Inputs, Decision, dict[str, Any]], tmp_path: Path) -> None:
    """``advisor rank`` in a pseudo-terminal of 80 columns: the terminal path, not a StringIO console."""
    _, _, doc = demo
    cmd = f"stty cols 80 rows 50; {sys.executable} -m advisor rank --resamples {RESAMPLES}"
    out = subprocess.run(
        ["script", "-qc", cmd, "/dev/null"], capture_output=True, text=True, timeout=120, cwd=tmp_path, check=True
    ).stdout
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out).replace("\r", "")
    assert all(len(line) <= 80 for line in text.splitlines())
    rows = table_rows(text)
    assert len(rows) == len(doc["models"])
    header = text.split("─" * 10, 1)[0].splitlines()[-1]
    assert "$/task" in header
    for lines, m in zip(rows, doc["models"], strict=True):
        amounts = re.findall(r"\$[\d,.]+", lines[0])
        assert amounts and close(money_value(amounts[0]), m["cost_per_task_usd"])
    assert "Not shown at 80 columns" in text


@pytest.mark.parametrize(
    ("key", "cell"),
    [("month", "$26"), ("month", "$2,"), ("cost", "$0."), ("cost", "$0.00036"), ("score", "0"), ("latency", "4.")],
)
def test_the_checker_rejects_cropped_numbers(
    demo: tuple[Inputs, Decision, dict[str, Any]], key: str, cell: str
) -> None:
    """The crops issue 13 saw ($26 for $261, $2, for $2,119, $0. for $0.00104) fail the comparison."""
    _, _, doc = demo
    m = dict(doc["models"][0], monthly_cost_usd=261.0 if cell == "$26" else 2119.0, cost_per_task_usd=0.000361)
    with pytest.raises(AssertionError):
        check_cell(key, cell, m, doc)
