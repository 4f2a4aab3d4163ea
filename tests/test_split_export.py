"""``advisor split --export DIR``: plain lists, Inspect ``--sample-id`` lists, promptfoo tests files.

Inspect's matching is re-enacted from its source (inspect_ai 2026-08, ``_eval/run.py``
``resolve_task_sample_ids`` and ``_eval/task/util.py`` ``sample_id_filter``): an entry
``task:id`` is kept for the task whose name matches case-insensitively, and ids are matched
with ``fnmatch`` after ``normalise_sample_id`` (digit strings compare as zero-padded ints).
"""

from __future__ import annotations

import json
import shutil
from fnmatch import fnmatch
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.ingest.load import load_workspace_samples
from advisor.inputs.workspace import load_workspace
from advisor.split.assign import split_of
from advisor.split.export import inspect_pattern, slug
from advisor.split.secret import read_secret

DATA = Path(__file__).resolve().parent / "data"
PROMPTFOO = DATA / "promptfoo" / "tthatcher95__nicheIQ@11f86bbb" / "results.json"
PROMPTFOO_ONE = DATA / "promptfoo" / "Kacper-Hernacki__aiDevs3@b0691622" / "promptfoo_results.json"
INSPECT = DATA / "inspect_ai" / "UKGovernmentBEIS__inspect_ai" / "2025-05-12T20-28-13-04-00_popularity.json"


def _normalise(sample_id: str) -> str:  # inspect_ai.dataset._util.normalise_sample_id
    return str(int(sample_id)).zfill(20) if sample_id.isdigit() else sample_id


def _inspect_selects(entries: list[str], task: str, ids: list[str]) -> set[str]:
    """The ids of ``task`` an Inspect run with ``--sample-id`` entries would evaluate."""
    patterns = []
    for entry in entries:
        scope, sep, rest = entry.partition(":")
        if sep and scope.lower() == task.lower():
            patterns.append(_normalise(rest))
        elif not sep:
            patterns.append(_normalise(entry))
    return {i for i in ids if any(fnmatch(_normalise(i), p) for p in patterns)}


@pytest.mark.parametrize("sample_id", ["plain", "42", "a*b", "q?", "[x]", "x[!y]z", "no:scope"])
def test_inspect_patterns_select_exactly_their_id(sample_id: str) -> None:
    others = ["plain", "42", "042", "a*b", "aXb", "q?", "qq", "[x]", "x", "x[!y]z", "xaz", "no:scope"]
    entry = inspect_pattern("popularity", sample_id)
    selected = _inspect_selects([entry], "popularity", others)
    expected = {i for i in others if _normalise(i) == _normalise(sample_id)}
    assert selected == expected
    assert _inspect_selects([entry], "other-task", others) == set()


def test_slugs_are_safe_and_distinct() -> None:
    names = ["qa", "q/a", "../etc", "q a", "Q A", ".hidden", "", "x" * 300]
    slugs = [slug(n) for n in names]
    assert len(set(slugs)) == len(names)
    assert all("/" not in s and not s.startswith(".") and len(s) < 80 for s in slugs)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "results").mkdir(parents=True)
    for src in (PROMPTFOO, PROMPTFOO_ONE, INSPECT):
        shutil.copy(src, root / "results" / f"{src.parent.name[:12]}-{src.name}")
    (root / "advisor.toml").write_text('name = "export test"\nresults = ["results/*.json"]\n')
    return root


def test_export_lists_every_item_once_in_its_part(ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "lists"
    assert main(["split", str(ws), "--holdout", "0.5", "--rotation", "r1", "--export", str(out)]) == 0
    assert "manifest.json" in capsys.readouterr().out
    loaded = load_workspace_samples(load_workspace(ws))
    table = loaded.table
    split = load_workspace(ws).config.split
    assert split is not None
    view = split_of(table, read_secret(ws), split, "holdout")
    truth: dict[str, dict[str, set[str]]] = {}
    for t, s, h in zip(table.task, table.sample, view.row_holdout, strict=True):
        truth.setdefault(table.tasks[t], {"dev": set(), "holdout": set()})["holdout" if h else "dev"].add(
            table.sample_ids[s]
        )
    items = json.loads((out / "items.json").read_text())
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(items) == set(truth) == set(manifest["tasks"])
    for task, parts in truth.items():
        for part in ("dev", "holdout"):
            assert set(items[task][part]) == parts[part]
            listed = (out / manifest["tasks"][task][part]["file"]).read_text().splitlines()
            assert sorted(listed) == sorted(parts[part])
        assert not parts["dev"] & parts["holdout"]

    # Inspect: the popularity task's ids, as Inspect would select them from the command-line list
    assert manifest["inspect"]["tasks"] == ["popularity"]
    for part in ("dev", "holdout"):
        entries = (out / "inspect" / f"{part}.txt").read_text().strip().split(",")
        entries = [e for e in entries if e]
        ids = sorted(truth["popularity"]["dev"] | truth["popularity"]["holdout"])
        assert _inspect_selects(entries, "popularity", ids) == truth["popularity"][part]
        assert json.loads((out / "inspect" / f"{part}.json").read_text()) == entries

    # promptfoo: the test cases promptfoo ran, copied from its results, per task and part
    promptfoo_tasks = manifest["promptfoo"]
    assert len(promptfoo_tasks) >= 3  # the one-prompt file, and one task per prompt of the other
    for task, files in promptfoo_tasks.items():
        seen = set()
        for part in ("dev", "holdout"):
            for test in json.loads((out / files[part]).read_text()):
                meta = test["metadata"]
                assert meta["advisor_split"] == part and meta["advisor_sample_id"] in truth[task][part]
                seen.add(meta["advisor_sample_id"])
        assert seen == truth[task]["dev"] | truth[task]["holdout"]
    one = json.loads(PROMPTFOO_ONE.read_text())["results"]["results"]
    task = next(t for t in promptfoo_tasks if t.startswith("Kacper"))
    copied = [t for part in ("dev", "holdout") for t in json.loads((out / promptfoo_tasks[task][part]).read_text())]
    for test in copied:
        case = next(r["testCase"] for r in one if str(r["testIdx"]) == test["metadata"]["advisor_sample_id"])
        extra = {"advisor_split", "advisor_sample_id"}
        assert {k: v for k, v in test.items() if k != "metadata"} == {k: v for k, v in case.items() if k != "metadata"}
        assert {k: v for k, v in test["metadata"].items() if k not in extra} == (case.get("metadata") or {})
    assert all(len(v) == len(table) for v in table.numbers.values())  # promptfoo beside Inspect loads whole


def test_export_replaces_its_own_folder_only(ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "lists"
    assert main(["split", str(ws), "--rotation", "r1", "--export", str(out)]) == 0
    (out / "stale.txt").write_text("from before")
    assert main(["split", str(ws), "--export", str(out)]) == 0  # an earlier export: replaced whole
    assert not (out / "stale.txt").exists() and (out / "manifest.json").exists()
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    capsys.readouterr()
    assert main(["split", str(ws), "--export", str(foreign)]) == 2
    assert "holds no earlier `advisor split` export" in capsys.readouterr().err
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left behind


def test_ids_with_line_breaks_only_in_items_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "ws"
    (root / "results").mkdir(parents=True)
    rows = [{"model": "m", "task": "t", "sample_id": sid, "score": 1.0} for sid in ("a", "b\nc", "d", "e", "f")]
    (root / "results" / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (root / "advisor.toml").write_text('name = "n"\nresults = ["results/*.jsonl"]\n')
    out = tmp_path / "lists"
    assert main(["split", str(root), "--holdout", "0.5", "--rotation", "r", "--export", str(out)]) == 0
    assert "only in items.json" in capsys.readouterr().out
    items = json.loads((out / "items.json").read_text())["t"]
    assert sorted(items["dev"] + items["holdout"]) == sorted(r["sample_id"] for r in rows)
    listed = [line for p in ("dev", "holdout") for line in (out / p / f"{slug('t')}.txt").read_text().splitlines()]
    assert sorted(listed) == ["a", "d", "e", "f"]
