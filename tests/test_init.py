"""``advisor init`` and the README's quickstart, run for real on committed tool output; paths that do not exist."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.ingest.discover import discover, globs
from advisor.inputs.workspace import load_workspace
from advisor.prices.select import open_sheet
from advisor.prices.suggest import suggest

DATA = Path(__file__).resolve().parent / "data"
PROMPTFOO = DATA / "promptfoo" / "krystianbergmann__prompt-eval-workbench@2eb71c16" / "promptfoo-results.json"
PROMPTFOO_TWO = DATA / "promptfoo" / "tthatcher95__nicheIQ@11f86bbb" / "results.json"
INSPECT = (
    DATA
    / "inspect_ai"
    / "UKGovernmentBEIS__inspect_ai"
    / "2025-02-11T15-18-04-05-00_popularity_mj7khqpMM4GBCfVQozKgzB.eval"
)
LM_EVAL = DATA / "lm_eval" / "DanielKluev__pyFade" / "gsm8k_gemma3-12b-u1"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_quickstart_init_rank_memo_on_promptfoo_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """README's three commands on a promptfoo ``eval -o`` file, as a new user runs them."""
    evals = tmp_path / "my-evals"
    evals.mkdir()
    shutil.copy(PROMPTFOO, evals / "promptfoo-results.json")
    code, out, err = run(capsys, "init", str(evals))
    assert code == 0 and err == ""
    assert "Found 1 result file(s)" in out and "1 promptfoo" in out
    assert "not on the price sheet" not in out  # the sheet knows it (by name, or through the alias init wrote)
    assert f"advisor rank {evals}" in out and f"advisor memo {evals} -o decision.md" in out
    config = tomllib.loads((evals / "advisor.toml").read_text())
    assert config["name"] == "my-evals" and config["results"] == ["promptfoo-results.json"]
    assert config["aliases"] in ({}, {"openai:chat:gpt-4o-mini": "gpt-4o-mini"})

    code, out, err = run(capsys, "rank", str(evals), "--resamples", "100", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["pick"] == "openai:chat:gpt-4o-mini" and doc["workspace"]["name"] == "my-evals"
    (m,) = doc["models"]
    assert m["priced_as"] == "gpt-4o-mini" and m["cost_per_task_usd"] > 0 and m["latency_ms"] is not None

    memo = tmp_path / "decision.md"
    code, _, err = run(capsys, "memo", str(evals), "-o", str(memo))
    assert code == 0 and f"wrote {memo}" in err
    assert "**Use openai:chat:gpt-4o-mini.**" in memo.read_text()


def test_init_then_the_way_out_for_results_without_latency(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two providers, one with no latency or tokens (promptfoo served it from its cache)."""
    evals = tmp_path / "niche"
    evals.mkdir()
    shutil.copy(PROMPTFOO_TWO, evals / "results.json")
    code, out, _ = run(capsys, "init", str(evals))
    assert code == 0 and "Note: openai:gpt-4o lacks latency data and is excluded" in out
    code, out, _ = run(capsys, "rank", str(evals), "--resamples", "0")
    assert code == 0 and "--ignore latency" in out and "--ignore cost" in out
    code, out, _ = run(capsys, "rank", str(evals), "--resamples", "0", "--format", "json", "--ignore", "latency,cost")
    doc = json.loads(out)
    assert code == 0 and doc["pick"] is not None and all(m["rank"] for m in doc["models"])


def test_discover_finds_each_format_and_skips_the_rest(tmp_path: Path) -> None:
    shutil.copy(PROMPTFOO, tmp_path / "pf.json")
    (tmp_path / "logs").mkdir()
    shutil.copy(INSPECT, tmp_path / "logs" / INSPECT.name)
    shutil.copytree(LM_EVAL, tmp_path / "lm")
    (tmp_path / "package.json").write_text('{"name": "x", "version": "1.0.0"}')
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n")
    (tmp_path / ".hidden").mkdir()
    shutil.copy(PROMPTFOO, tmp_path / ".hidden" / "old.json")
    (tmp_path / "node_modules").mkdir()
    shutil.copy(PROMPTFOO, tmp_path / "node_modules" / "x.json")
    found, cut = discover(tmp_path)
    assert not cut
    by_name = {f.path.relative_to(tmp_path).as_posix(): f.format for f in found}
    assert by_name == {
        "pf.json": "promptfoo",
        f"logs/{INSPECT.name}": "inspect",
        **{f"lm/{p.name}": "lm_eval" for p in LM_EVAL.iterdir()},
    }
    patterns = globs(tmp_path, found)
    assert "pf.json" in patterns and f"logs/{INSPECT.name}" in patterns
    assert "lm/*.json" not in patterns  # one .json there, listed by name


def test_init_writes_a_workspace_that_loads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(LM_EVAL, tmp_path / "lm")
    code, out, _ = run(capsys, "init", str(tmp_path / "lm"), "--name", "gemma runs")
    assert code == 0
    ws = load_workspace(tmp_path / "lm")
    assert ws.name == "gemma runs" and ws.result_files()
    assert "Cost is left out" in out and "Latency is left out" in out  # lm-eval records neither
    code, _, err = run(capsys, "init", str(tmp_path / "lm"))
    assert code == 2 and "already exists; use --force" in err
    assert run(capsys, "init", str(tmp_path / "lm"), "--force")[0] == 0


def test_alias_suggestions() -> None:
    sheet, _ = open_sheet("bundled", relative_to=None)
    sure = suggest("openai:chat:gpt-4o-mini", sheet)
    assert sure.sure and sure.ids == ("gpt-4o-mini",)
    guess = suggest("my-claude-sonnet-4-0", sheet)
    assert not guess.sure and guess.ids and all(i in {m.id for m in sheet.models} for i in guess.ids)
    assert "sonnet" in guess.ids[0]


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["/missing/results"], "/missing/results: no such file or folder"),
        (["rank", "/missing/results"], "/missing/results: no such file or folder"),
        (["memo", "/missing/results"], "/missing/results: no such file or folder"),
        (["rnak"], "rnak: not a command or a folder (commands: init, rank,"),
        (["init", "/missing/results"], "/missing/results: no such folder"),
    ],
)
def test_paths_that_do_not_exist_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], expect: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and err.count("\n") == 1 and expect in err


def test_a_folder_without_a_workspace_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(tmp_path))
    assert code == 2 and out == "" and "no advisor.toml in this folder" in err and "advisor init" in err
    code, out, err = run(capsys, "init", str(tmp_path))
    assert code == 2 and "no eval result files found" in err


def test_rank_inside_a_workspace_folder_ranks_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    evals = tmp_path / "here"
    evals.mkdir()
    shutil.copy(PROMPTFOO, evals / "promptfoo-results.json")
    assert run(capsys, "init", str(evals))[0] == 0
    monkeypatch.chdir(evals)
    code, out, _ = run(capsys, "rank", "--resamples", "0", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["workspace"]["name"] == "here" and doc["pick"] == "openai:chat:gpt-4o-mini"
    monkeypatch.chdir(tmp_path)  # not a workspace: the demo, as before
    code, out, _ = run(capsys, "rank", "--resamples", "0", "--format", "json")
    assert json.loads(out)["workspace"]["name"].startswith("demo")
