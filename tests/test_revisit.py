"""advisor revisit: round trip, real LiteLLM repricings, missing prices, bad snapshots, follow-up memos."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from advisor.cli import main
from advisor.decision.decide import decide, load_inputs
from advisor.errors import InputError
from advisor.evidence.gather import gather
from advisor.memo import write_memo
from advisor.memo.cost_inputs import cost_inputs
from advisor.memo.reprice import reprice
from advisor.memo.revisit import EXIT_CHANGED, EXIT_HOLDS, EXIT_UNDETERMINED, revisit
from advisor.memo.snapshot_text import read_memo
from advisor.prices.native import dump_sheet
from advisor.prices.sheet import ModelPrice, PriceSheet, Tier, load_sheet
from advisor.records.samples import build
from tests.memo_helpers import MEMO_WS, TODAY, copy_workspace, edit_snapshot, litellm_sheet

SHEET = str(MEMO_WS / "prices-2025-11-26.toml")


@pytest.fixture
def memo(tmp_path: Path) -> Path:
    inputs = load_inputs(MEMO_WS)
    return write_memo(decide(inputs), inputs, tmp_path / "memo.md", today=TODAY)


def _json(capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("suffix", [".md", ".html"])
def test_round_trip_same_prices_holds_with_identical_numbers(tmp_path: Path, suffix: str) -> None:
    inputs = load_inputs(MEMO_WS)
    decision = decide(inputs)
    path = write_memo(decision, inputs, tmp_path / f"memo{suffix}", today=TODAY)
    for workspace in (None, MEMO_WS):
        r = revisit(path, prices=SHEET, workspace=workspace)
        assert r.status == "holds" and r.exit_code == EXIT_HOLDS
        assert r.price_changes == () and r.score_changes == () and r.crossings == ()
        for old in decision.models:
            new = r.decision.get(old.model)
            assert new.rank == old.rank and new.excluded == old.excluded
            assert new.score == pytest.approx(old.score, rel=1e-12)
            assert new.cost_per_task_usd == pytest.approx(old.cost_per_task_usd, rel=1e-12)
    assert "unchanged since the memo" in r.evidence_source


def test_cli_round_trip_exit_0(memo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["revisit", str(memo), "--prices", SHEET]) == 0
    out = capsys.readouterr().out
    assert out.startswith("The decision holds on the 2025-11-26 prices: openai/gpt-4o-mini is still the pick.")
    assert main(["revisit", str(memo), "--prices", SHEET, "--format", "json"]) == 0
    data = _json(capsys)
    assert data["status"] == "holds" and data["old_pick"] == data["new_pick"] == "openai/gpt-4o-mini"
    for row in data["ranking"]:
        assert row["new_score"] == pytest.approx(row["old_score"], rel=1e-12)


def test_real_litellm_snapshots_report_the_real_repricing(
    memo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The memo was priced on three entries of the 2025-11-26 LiteLLM map; re-price on the real maps.
    old_sheet = litellm_sheet("2025-11-26", tmp_path)
    assert main(["revisit", str(memo), "--prices", str(old_sheet), "--format", "json"]) == EXIT_HOLDS
    assert _json(capsys)["price_changes"] == []
    newest = litellm_sheet("2026-11-19", tmp_path)
    code = main(["revisit", str(memo), "--prices", str(newest), "--format", "json"])
    data = _json(capsys)
    assert code == EXIT_CHANGED and data["status"] == "changed"
    assert (data["old_pick"], data["new_pick"]) == ("openai/gpt-4o-mini", "deepseek/deepseek-chat")
    changes = {c["model"]: c["changes"] for c in data["price_changes"]}
    # DeepSeek's real price cut between the two LiteLLM releases.
    assert changes["deepseek/deepseek-chat"] == [
        "input $0.27 → $0.28 (+4%)",
        "output $1.1 → $0.42 (-62%)",
        "cached input $0.07 → $0.028 (-60%)",
    ]
    assert "openai/gpt-4o-mini" not in changes
    # claude-3-7-sonnet is only on resellers' routes on the newest map: reported, not priced at their rate.
    assert list(data["not_repriced"]) == ["anthropic/claude-3-7-sonnet-20250219"]
    assert "no anthropic entry" in data["not_repriced"]["anthropic/claude-3-7-sonnet-20250219"]
    assert "other routes price it" in data["not_repriced"]["anthropic/claude-3-7-sonnet-20250219"]
    assert any("deepseek/deepseek-chat overtook the memo's pick" in c for c in data["crossings"])
    assert any("past the memo's break-even" in c for c in data["crossings"])
    deepseek = next(s for s in data["score_changes"] if s["model"] == "deepseek/deepseek-chat")
    assert deepseek["reasons"][0].startswith("cost +0.066: $0.000902 → $0.000455 per task")
    # "changed" says that the evidence still cannot tell the two apart: the prices moved the order
    assert set(data["tied_for_first"]) >= {"deepseek/deepseek-chat", "openai/gpt-4o-mini"}
    assert "still statistically tied for first" in data["headline"] and "not with the evidence" in data["headline"]


def test_missing_pick_cannot_tell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = load_inputs(MEMO_WS)
    decision = decide(inputs, weights={"accuracy": 1, "cost": 0, "latency": 0, "gracefulness": 0})
    path = write_memo(decision, inputs, tmp_path / "acc.md", today=TODAY)
    sheet = load_sheet(Path(SHEET))
    lacking = sheet.model_copy(update={"models": tuple(m for m in sheet.models if "claude" not in m.id)})
    (tmp_path / "lacking.toml").write_text(dump_sheet(lacking))
    code = main(["revisit", str(path), "--prices", str(tmp_path / "lacking.toml")])
    out = capsys.readouterr().out
    assert code == EXIT_UNDETERMINED
    assert "Cannot tell whether the decision holds" in out
    assert "anthropic/claude-3-7-sonnet-20250219 (not on the new sheet)" in out


def test_sheet_lacking_a_runner_up_still_answers(
    memo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = load_sheet(Path(SHEET))
    lacking = sheet.model_copy(update={"models": tuple(m for m in sheet.models if "deepseek" not in m.id)})
    (tmp_path / "lacking.toml").write_text(dump_sheet(lacking))
    assert main(["revisit", str(memo), "--prices", str(tmp_path / "lacking.toml")]) == EXIT_HOLDS
    out = capsys.readouterr().out
    assert "Could not re-price (the memo's prices are kept): deepseek/deepseek-chat (not on the new sheet)" in out


def test_no_model_priced_cannot_tell(memo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = PriceSheet(
        as_of=TODAY,
        source="unrelated",
        models=(ModelPrice(id="some-other-model", input_per_mtok=1, output_per_mtok=2),),
    )
    (tmp_path / "other.toml").write_text(dump_sheet(other))
    assert main(["revisit", str(memo), "--prices", str(tmp_path / "other.toml")]) == EXIT_UNDETERMINED
    assert "none of the memo's models could be re-priced" in capsys.readouterr().out


def _edit_snapshot(memo: Path, edit: str) -> Path:
    text = memo.read_text()
    if edit == "break-json":
        text = text.replace('"schema_version": 1,', '"schema_version": 1', 1)
    elif edit == "newer":
        text = text.replace('"schema_version": 1,', '"schema_version": 99,', 1)
    elif edit == "unknown-key":
        return edit_snapshot(memo, lambda d: d.update(colour="red"))
    elif edit == "bad-value":
        return edit_snapshot(memo, lambda d: d["workspace"].update(tasks_per_month="lots"))
    elif edit == "unsigned":
        text = re.sub(r'"tasks_per_month": [0-9.]+', '"tasks_per_month": 1', text, count=1)
    elif edit == "no-snapshot":
        text = text[: text.index("## 9. Snapshot")]
    memo.write_text(text)
    return memo


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ("break-json", "the snapshot is not valid JSON"),
        ("newer", "written by a newer advisor"),
        ("unknown-key", "does not parse at colour: unknown key"),
        ("bad-value", "does not parse at workspace.tasks_per_month"),
        ("unsigned", "the snapshot was changed after advisor wrote it"),
        ("no-snapshot", "no advisor snapshot found"),
    ],
)
def test_bad_snapshots_exit_2(memo: Path, edit: str, message: str, capsys: pytest.CaptureFixture[str]) -> None:
    _edit_snapshot(memo, edit)
    assert main(["revisit", str(memo), "--prices", SHEET]) == 2
    err = capsys.readouterr().err
    assert message in err and str(memo) in err


def test_missing_memo_and_bad_prices_exit_2(tmp_path: Path, memo: Path) -> None:
    assert main(["revisit", str(tmp_path / "nope.md"), "--prices", SHEET]) == 2
    assert main(["revisit", str(memo), "--prices", str(tmp_path / "nope.toml")]) == 2
    with pytest.raises(InputError, match="memo not found"):
        read_memo(tmp_path / "nope.md")


def test_changed_eval_files_are_reported_and_used_only_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = copy_workspace(tmp_path)
    inputs = load_inputs(ws)
    path = write_memo(decide(inputs), inputs, tmp_path / "memo.md", today=TODAY)
    results = ws / "results" / "gpt-4o-mini.jsonl"
    results.write_text(results.read_text().replace('"score":1.0', '"score":0.0', 20))
    r = revisit(path, prices=SHEET, workspace=ws)
    assert r.file_notes == ("results/gpt-4o-mini.jsonl: changed since the memo (SHA-256 differs)",)
    assert r.evidence_source == "the memo's snapshot" and r.status == "holds"
    r2 = revisit(path, prices=SHEET, workspace=ws, use_new_evidence=True)
    assert r2.evidence_source.endswith("(new evidence)")
    assert r2.decision.get("openai/gpt-4o-mini").accuracy.mean < r.decision.get("openai/gpt-4o-mini").accuracy.mean
    assert main(["revisit", str(path), "--prices", SHEET, "--workspace", str(ws)]) == 0
    assert "pass --use-new-evidence" in capsys.readouterr().out


def test_follow_up_memo_links_to_the_first_and_can_be_revisited(
    memo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newest = litellm_sheet("2026-11-19", tmp_path)
    follow = tmp_path / "followup.md"
    argv = ["revisit", str(memo), "--prices", str(newest), "--write", str(follow), "--date", "2026-12-01"]
    assert main(argv) == EXIT_CHANGED
    text = follow.read_text()
    assert "[memo.md](memo.md)" in text and "deepseek/deepseek-chat overtook" in text
    snap, _ = read_memo(follow)
    assert snap.follows is not None and snap.follows.memo == "memo.md"
    assert snap.pick == "deepseek/deepseek-chat" and snap.prices.as_of.isoformat() == "2026-11-19"
    assert main(argv) == 2  # no overwrite without --force
    capsys.readouterr()
    assert main(["revisit", str(follow), "--prices", str(newest)]) == EXIT_HOLDS
    assert main(["revisit", str(memo), "--prices", str(newest), "--write", str(tmp_path / "f.html")]) == 3
    assert (tmp_path / "f.html").read_text().startswith("<!DOCTYPE html>")


def _tiered_table() -> tuple[object, PriceSheet]:
    rng = np.random.default_rng(3)
    n = 60
    inp = rng.choice([800, 5_000, 20_000, 150_000, 300_000], n).astype(float)
    out = rng.integers(10, 2_000, n).astype(float)
    cached = np.floor(inp * rng.uniform(0, 0.5, n))
    written = np.where(rng.uniform(size=n) < 0.3, np.floor(inp * 0.1), np.nan)
    inp[5] = np.nan  # no tokens: the recorded cost fills it
    table = build(
        model=["m"] * n,
        task=["t"] * n,
        sample_id=[f"s{i}" for i in range(n)],
        score=[1.0] * n,
        source="x",
        numbers={
            "input_tokens": inp,
            "output_tokens": out,
            "cached_input_tokens": cached,
            "cache_write_tokens": written,
            "cost_usd": np.full(n, 0.01),
        },
    )
    price = ModelPrice(
        id="m",
        input_per_mtok=2,
        output_per_mtok=8,
        cached_input_per_mtok=0.5,
        cache_write_per_mtok=2.5,
        batch_discount=0.5,
        tiers=(
            Tier(above_input_tokens=128_000, input_per_mtok=4, output_per_mtok=16),
            Tier(above_input_tokens=200_000, input_per_mtok=6, output_per_mtok=20, cached_input_per_mtok=1),
        ),
    )
    return table, PriceSheet(as_of=TODAY, source="test", models=(price,))


@pytest.mark.parametrize("batch", [False, True])
def test_reprice_from_cost_inputs_is_exact_with_long_context_tiers(batch: bool) -> None:
    table, sheet = _tiered_table()
    evidence = gather(table, sheet, batch=batch)  # type: ignore[arg-type]
    ci = cost_inputs(evidence)[("m", "t")]
    mean, n, approximate = reprice(ci, sheet.models[0], batch)
    assert not approximate and n == 60
    assert mean == pytest.approx(evidence.models["m"].tasks["t"].cost_mean, rel=1e-12)
    low_tier = sheet.models[0].model_copy(
        update={"tiers": (Tier(above_input_tokens=1_000, input_per_mtok=3, output_per_mtok=9),)}
    )
    assert reprice(ci, low_tier, batch)[2]  # a tier below the kept detail: flagged approximate
    mean_none, n_none, _ = reprice(ci, None, batch)
    assert (mean_none, n_none) == (pytest.approx(0.01), 60)
