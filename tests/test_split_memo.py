"""The memo records the rotation it was decided on; revisit says when that holdout is no longer private."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.decision.decide import decide, load_inputs
from advisor.memo import render, write_memo
from advisor.memo.revisit import revisit
from advisor.memo.snapshot_text import read_memo
from advisor.split.secret import fingerprint, read_secret, secret_path
from tests import split_sim

TODAY = dt.date(2026, 10, 1)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = split_sim.write_workspace(tmp_path / "ws", seed=9, n_items=150)
    assert main(["split", str(root), "--rotation", "2026-Q4"]) == 0
    return root


def test_memo_has_the_section_and_the_rotation(ws: Path, tmp_path: Path) -> None:
    inputs = load_inputs(ws)
    decision = decide(inputs)
    md = render(decision, inputs, "md", today=TODAY)
    assert "decided on the holdout of rotation 2026-Q4" in md.splitlines()[2]
    assert "### Dev against holdout (rotation 2026-Q4)" in md
    assert md.index("## 4. Evidence strength") < md.index("### Dev against holdout") < md.index("## 5. Failure")
    html = render(decision, inputs, "html", today=TODAY)
    assert '<h3 id="holdout">Dev against holdout (rotation 2026-Q4)</h3>' in html
    path = write_memo(decision, inputs, tmp_path / "memo.md", today=TODAY)
    snap, _ = read_memo(path)
    assert snap.schema_version == 4 and snap.split is not None
    assert snap.split.rotation == "2026-Q4" and snap.split.part == "holdout"
    assert snap.split.fingerprint == fingerprint(read_secret(ws), "2026-Q4")
    assert snap.split.holdout_items == decision.overfit.holdout_items  # type: ignore[union-attr]


def test_memo_on_dev_says_so(ws: Path) -> None:
    inputs = load_inputs(ws, part="dev")
    md = render(decide(inputs), inputs, "md", today=TODAY)
    assert "decided on the dev of rotation 2026-Q4" in md and "Ranked on the dev of rotation 2026-Q4" in md


def test_revisit_says_when_the_holdout_is_no_longer_private(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = load_inputs(ws)
    memo = write_memo(decide(inputs), inputs, tmp_path / "memo.md", today=TODAY)
    held = inputs.split.holdout_items  # type: ignore[union-attr]

    now = revisit(memo, prices="bundled", workspace=ws)
    assert now.rotation is not None and now.rotation.state == "current" and now.rotation.private is True
    assert "still the current rotation" in now.rotation.sentence
    # re-ranked on the workspace's samples, on the memo's own part: the holdout items only
    assert sum(s.n_items for s in now.evidence.models["lab/alpha"].tasks.values()) == held

    alone = revisit(memo, prices="bundled")
    assert alone.rotation is not None and alone.rotation.state == "unchecked" and alone.rotation.private is None

    assert main(["split", str(ws), "--rotate", "2027-Q1"]) == 0
    capsys.readouterr()
    later = revisit(memo, prices="bundled", workspace=ws)
    assert later.rotation is not None and later.rotation.state == "retired" and later.rotation.private is False
    assert later.rotation.current == "2027-Q1"
    # the old rotation's part is still dealt with the same secret, so the re-rank stays on the memo's items
    assert sum(s.n_items for s in later.evidence.models["lab/alpha"].tasks.values()) == held

    assert main(["revisit", str(memo), "--prices", "bundled", "--workspace", str(ws)]) in (0, 3, 4)
    out = capsys.readouterr().out
    assert "Holdout no longer private: The memo was decided on the holdout of rotation 2026-Q4" in out
    assert main(["revisit", str(memo), "--prices", "bundled", "--workspace", str(ws), "--format", "json"]) in (0, 3, 4)
    data = json.loads(capsys.readouterr().out)
    assert data["split"]["state"] == "retired" and data["split"]["private"] is False
    follow = tmp_path / "follow.md"
    assert main(["revisit", str(memo), "--prices", "bundled", "--workspace", str(ws), "--write", str(follow)]) in (
        0,
        3,
        4,
    )
    assert "Holdout no longer private" in follow.read_text()
    snap, _ = read_memo(follow)
    assert snap.split is not None and snap.split.rotation == "2026-Q4" and snap.schema_version == 4


def test_revisit_with_another_secret_falls_back_to_the_snapshot(ws: Path, tmp_path: Path) -> None:
    inputs = load_inputs(ws)
    memo = write_memo(decide(inputs), inputs, tmp_path / "memo.md", today=TODAY)
    secret_path(ws).write_text("ab" * 32 + "\n")
    r = revisit(memo, prices="bundled", workspace=ws)
    assert r.rotation is not None and r.rotation.same_secret is False and r.rotation.private is False
    assert r.evidence_source == "the memo's snapshot"
    assert any("does not deal the memo's split" in n for n in r.file_notes)


def test_memos_without_a_split_are_unchanged(tmp_path: Path) -> None:
    root = split_sim.write_workspace(tmp_path / "plain", seed=9, n_items=40)
    inputs = load_inputs(root)
    memo = write_memo(decide(inputs), inputs, tmp_path / "memo.md", today=TODAY)
    text = memo.read_text()
    assert "holdout" not in text.lower() and '"split"' not in text
    snap, _ = read_memo(memo)
    assert snap.schema_version == 1 and snap.split is None
    assert revisit(memo, prices="bundled", workspace=root).rotation is None
