"""The ranking table at every width: the first screen shows it, and every number in it is whole."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot

from advisor.files import bundled
from advisor.tui.format import acc_text, money
from advisor.tui.widgets.ranking import MIN_MODEL, RankingTable, choose_columns, shorten

from .conftest import WS, drive, make_app, screen_lines

LONG = "provider-with-a-long-name/an-extremely-long-model-name-2025-10-01-preview"


def test_shorten_keeps_both_ends_and_marks_the_cut() -> None:
    assert shorten("acme/large", 20) == "acme/large"
    short = shorten(LONG, 21)
    assert len(short) == 21 and short.startswith("provider-") and short.endswith("-preview") and "…" in short


def test_choose_columns_by_hand() -> None:
    widths = {"rank": 1, "model": 30, "score": 5, "accuracy": 13, "cost": 9, "p_best": 7, "rank_ci": 8, "latency": 7}
    widths |= {"monthly": 7, "success": 9, "graceful": 8, "parts": 13, "flags": 11}
    # Kept columns: 3 + 32 + 7 + 15 + 11 = 68 cells; then P(best) (9) fits in 80; flags (13), latency (9) do not.
    keys, model = choose_columns(widths, 80)
    assert keys == ["rank", "model", "score", "accuracy", "cost", "p_best"] and model == 30
    # Too narrow for whole names: the name shrinks (not below MIN_MODEL) before anything else goes.
    keys, model = choose_columns(widths, 60)
    assert keys == ["rank", "model", "score", "accuracy", "cost"] and model == 60 - 36 - 2
    keys, model = choose_columns(widths, 30)
    assert model == MIN_MODEL and keys[:5] == ["rank", "model", "score", "accuracy", "cost"]
    keys, _ = choose_columns(widths, 400)
    assert len(keys) == len(widths)


def _long_names(tmp_path: Path) -> Path:
    dest = tmp_path / "long"
    shutil.copytree(WS, dest)
    samples = dest / "results" / "samples.jsonl"
    rows = [json.loads(line) for line in samples.read_text().splitlines()]
    for row in rows:
        if row["model"] == "acme/large":
            row["model"] = LONG
    samples.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    sheet = dest / "prices.toml"
    sheet.write_text(sheet.read_text().replace('id = "acme/large"', f'id = "{LONG}"'))
    return dest


@pytest.mark.parametrize(
    "where, size",
    [("demo", (80, 24)), ("demo", (120, 30)), ("demo", (160, 48)), ("long names", (80, 24)), ("long names", (100, 30))],
)
def test_first_screen_shows_the_verdict_and_whole_numbers(size: tuple[int, int], where: str, tmp_path: Path) -> None:
    app = make_app(bundled.demo_workspace() if where == "demo" else _long_names(tmp_path))

    async def steps(pilot: Pilot[None]) -> None:
        lines = screen_lines(app)
        decision = app.session.decision
        assert decision is not None and decision.pick is not None
        table = app.screen.query_one(RankingTable)
        shown = [str(key.value) for key in table.columns]
        assert shown[:5] == ["rank", "model", "score", "accuracy", "cost"]
        # The columns fit the table: no cell is cut at the right edge.
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= table.size.width
        text = "\n".join(lines)
        assert "Pick " in text  # the verdict is on the first screen
        for m in decision.models[:5]:  # and the top rows, every number whole
            row = next(
                line for line in lines if f"{acc_text(m.accuracy)}" in line and money(m.cost_per_task_usd) in line
            )
            assert (f"{m.score:.2f}" if not m.excluded else "–") in row
            name = str(table.get_cell(m.model, "model"))
            assert name == m.model or ("…" in name and name[0] == m.model[0] and name[-1] == m.model[-1])
            assert name in row
        header = next(line for line in lines if "accuracy ±95%" in line)
        note = str(app.screen.query_one("#ranking-note").render())
        for title in ("P(best)", "rank 95%", "$/month", "$/success", "graceful", "flags"):
            assert (title in header) != (title in note), (title, note)  # shown, or named as hidden

    drive(app, steps, size=size)
