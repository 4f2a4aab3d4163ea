"""The decision memo: golden files, sections, snapshot round trip, atomic writes, Kendall's tau-b."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as scipy_stats

from advisor.cli import main
from advisor.decision.decide import decide, load_inputs
from advisor.errors import InputError
from advisor.files import bundled
from advisor.memo import render, write_memo
from advisor.memo.context import build_snapshot, memo_context
from advisor.memo.snapshot_text import parse
from advisor.statistics.kendall import kendall_tau_b
from tests.memo_helpers import GOLDEN, MEMO_WS, TODAY

UPDATE = os.environ.get("ADVISOR_UPDATE_GOLDEN") == "1"
HEADINGS = [
    "1. Decision",
    "2. What mattered",
    "3. Ranking",
    "4. Evidence strength",
    "5. Failure analysis",
    "6. How robust",
    "7. Public benchmarks vs your tasks",
    "8. Provenance",
    "9. Snapshot",
]


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"{path} missing: run with ADVISOR_UPDATE_GOLDEN=1 to create it")
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; ADVISOR_UPDATE_GOLDEN=1 regenerates it"


@pytest.fixture(scope="module")
def ws_decision():  # type: ignore[no-untyped-def]
    inputs = load_inputs(MEMO_WS)
    return decide(inputs), inputs


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_golden_memo_small_workspace(ws_decision, fmt: str) -> None:  # type: ignore[no-untyped-def]
    decision, inputs = ws_decision
    _check_golden(f"memo_ws.{fmt}", render(decision, inputs, fmt, today=TODAY))


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_golden_memo_demo(fmt: str) -> None:
    inputs = load_inputs(bundled.demo_workspace())
    _check_golden(f"demo.{fmt}", render(decide(inputs), inputs, fmt, today=TODAY))


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_memo_has_every_section_and_no_absolute_paths(ws_decision, fmt: str) -> None:  # type: ignore[no-untyped-def]
    decision, inputs = ws_decision
    text = render(decision, inputs, fmt, today=TODAY)
    for heading in HEADINGS:
        assert heading in text
    assert str(MEMO_WS) not in text and str(Path.home()) not in text
    assert "**Use openai/gpt-4o-mini.**" in text or "<strong>Use openai/gpt-4o-mini.</strong>" in text
    assert "Kendall's tau-b" in text or "Kendall&#x27;s tau-b" in text


def test_html_is_self_contained_with_inline_svg(ws_decision) -> None:  # type: ignore[no-untyped-def]
    decision, inputs = ws_decision
    text = render(decision, inputs, "html", today=TODAY)
    assert text.count("<svg") == 2
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert "<link" not in text and "<img" not in text


def test_memo_is_deterministic(ws_decision) -> None:  # type: ignore[no-untyped-def]
    decision, inputs = ws_decision
    assert render(decision, inputs, "md", today=TODAY) == render(decide(inputs), inputs, "md", today=TODAY)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_snapshot_round_trips(ws_decision, fmt: str) -> None:  # type: ignore[no-untyped-def]
    decision, inputs = ws_decision
    ctx = memo_context(decision, inputs, today=TODAY)
    snap = parse(render(decision, inputs, fmt, today=TODAY), "memo")
    assert snap == build_snapshot(decision, inputs, TODAY, ctx.extras)
    assert snap.pick == "openai/gpt-4o-mini"
    assert {f.path for f in snap.files} == {f"results/{p.name}" for p in (MEMO_WS / "results").iterdir()}
    m = snap.models["deepseek/deepseek-chat"]
    assert m.cost_per_task_usd == decision.get("deepseek/deepseek-chat").cost_per_task_usd
    assert m.tasks["extract"].cost.token_samples == 40


def test_write_memo_is_atomic_and_refuses_to_overwrite(tmp_path: Path, ws_decision) -> None:  # type: ignore[no-untyped-def]
    decision, inputs = ws_decision
    target = tmp_path / "memo.md"
    assert write_memo(decision, inputs, target, "md", False, today=TODAY) == target
    first = target.read_text()
    target.write_text("keep me")
    with pytest.raises(InputError, match="already exists"):
        write_memo(decision, inputs, target, "md", False, today=TODAY)
    assert target.read_text() == "keep me"
    write_memo(decision, inputs, target, "md", True, today=TODAY)
    assert target.read_text() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["memo.md"]  # no temp file left
    html = write_memo(decision, inputs, tmp_path / "memo.html", today=TODAY)
    assert html.read_text().startswith("<!DOCTYPE html>")


def test_cli_memo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "m.md"
    assert main(["memo", str(MEMO_WS), "-o", str(out), "--date", "2025-12-01"]) == 0
    assert out.read_text() == (GOLDEN / "memo_ws.md").read_text()
    assert main(["memo", str(MEMO_WS), "-o", str(out)]) == 2
    assert "already exists; use --force" in capsys.readouterr().err
    assert main(["memo", str(MEMO_WS), "-o", str(out), "--force", "--format", "html"]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert main(["memo", str(MEMO_WS), "--weights", "accuracy=1,cost=0,latency=0,gracefulness=0"]) == 0
    assert "**Use anthropic/claude-3-7-sonnet-20250219.**" in capsys.readouterr().out


@pytest.mark.parametrize("seed", range(8))
def test_kendall_tau_b_matches_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 15))
    x = rng.integers(0, 5, n).astype(float).tolist()  # ties on purpose
    y = (rng.integers(0, 4, n) + (0.1 * np.arange(n) if seed % 2 else 0)).astype(float).tolist()
    expected = scipy_stats.kendalltau(x, y).statistic
    got = kendall_tau_b(x, y)
    if np.isnan(expected):
        assert np.isnan(got)
    else:
        assert got == pytest.approx(expected, abs=1e-12)


def test_kendall_tau_b_edge_cases() -> None:
    assert kendall_tau_b([1, 2, 3], [1, 2, 3]) == 1.0
    assert kendall_tau_b([1, 2, 3], [3, 2, 1]) == -1.0
    assert np.isnan(kendall_tau_b([1, 1, 1], [1, 2, 3]))
    with pytest.raises(ValueError):
        kendall_tau_b([1, 2], [1])
