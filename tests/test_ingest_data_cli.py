"""``advisor data`` and ``[[failure_rules]]`` on small workspaces made from real fixtures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from advisor.cli import main

DATA = Path(__file__).parent / "data"
PF = DATA / "promptfoo" / "krystianbergmann__prompt-eval-workbench@2eb71c16" / "promptfoo-results.json"
EVAL = (
    DATA
    / "inspect_ai"
    / "UKGovernmentBEIS__inspect_ai"
    / "2025-02-11T15-18-04-05-00_popularity_mj7khqpMM4GBCfVQozKgzB.eval"
)
OAI = DATA / "openai_evals" / "zeno-ml__zeno-evals-hub"


def workspace(tmp_path: Path, files: list[Path], toml: str = "") -> Path:
    root = tmp_path / "ws"
    (root / "results").mkdir(parents=True)
    for f in files:
        shutil.copy(f, root / "results" / f.name)
    (root / "advisor.toml").write_text(f'name = "t"\nresults = ["results/*"]\n{toml}')
    return root


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["data", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_data_reports_formats_fields_and_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = workspace(tmp_path, [PF, EVAL, OAI / "crossword-4.jsonl", OAI / "crossword-turbo.jsonl"])
    report = run_json(capsys, str(ws))
    formats = {f["path"]: f["format"] for f in report["files"]}
    assert formats == {
        f"results/{PF.name}": "promptfoo",
        f"results/{EVAL.name}": "inspect",
        "results/crossword-4.jsonl": "openai_evals",
        "results/crossword-turbo.jsonl": "openai_evals",
    }
    inspect_file = next(f for f in report["files"] if f["format"] == "inspect")
    assert inspect_file["samples"] == 10 and inspect_file["models"] == ["openai/gpt-4o-mini"]
    assert "latency_ms" in inspect_file["fields_missing"] and "input_tokens" in inspect_file["fields_present"]
    assert inspect_file["outcomes"] == {"ok": 8, "wrong": 2}
    assert report["total"]["samples"] == 3 + 10 + 100 + 100
    counts = {(c["model"], c["task"]): c["samples"] for c in report["by_model_task"]}
    assert counts[("gpt-4", "partially_solved_crossword_clues.dev.v0")] == 100


def test_data_table_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = workspace(tmp_path, [EVAL])
    assert main(["data", str(ws)]) == 0
    out = capsys.readouterr().out
    assert "inspect" in out and "openai/gpt-4o-mini" in out and "latency_ms" in out


def test_warnings_for_unpaired_samples(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = (OAI / "crossword-turbo.jsonl").read_text().splitlines()
    dropped = [x for x in lines if '"type": "match"' in x][:7]
    trimmed = tmp_path / "crossword-turbo.jsonl"
    trimmed.write_text("\n".join(x for x in lines if x not in dropped))
    ws = workspace(tmp_path, [OAI / "crossword-4.jsonl", trimmed])
    report = run_json(capsys, str(ws))
    assert any("'gpt-3.5-turbo' lacks 7 of the 100" in w for w in report["warnings"])


def test_failure_rules_fire_and_are_counted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = """
[[failure_rules]]
name = "gave up"
pattern = "^\\\\s*$|i cannot"
on = "response"
kind = "refusal"

[[failure_rules]]
pattern = "never matches anything zzz"
kind = "unsafe"
"""
    src = json.loads(PF.read_text())
    failing = [r for r in src["results"]["results"] if not r["success"]]
    failing[0]["response"]["output"] = "I cannot answer that."
    path = tmp_path / "pf.json"
    path.write_text(json.dumps(src))
    ws = workspace(tmp_path, [path], rules)
    report = run_json(capsys, str(ws))
    hits = {r["rule"]: r["hits"] for r in report["failure_rules"]}
    assert hits["gave up"] == 1 and list(hits.values())[1] == 0
    assert report["total"]["outcomes"].get("refusal") == 1 and "wrong" not in report["total"]["outcomes"]


def test_bad_rule_and_unknown_importer_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = workspace(tmp_path, [EVAL], '[[failure_rules]]\npattern = "(("\nkind = "refusal"\n')
    assert main(["data", str(ws)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("advisor: error: ") and "regular expression" in err and "Traceback" not in err
    ws2 = workspace(tmp_path / "b", [EVAL], '[importers.inspect]\nscorrer = "match"\n')
    assert main(["data", str(ws2)]) == 2
    assert "has no option 'scorrer'" in capsys.readouterr().err


def test_importer_option_picks_scorer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = workspace(tmp_path, [EVAL], '[importers.inspect]\nscorer = "nope"\n')
    assert main(["data", str(ws)]) == 2
    assert "no scorer 'nope'" in capsys.readouterr().err
    ws2 = workspace(tmp_path / "b", [EVAL], '[importers.inspect]\nscorer = "match"\nlatency = "total"\n')
    assert run_json(capsys, str(ws2))["total"]["samples"] == 10


def test_mixed_good_and_bad_files_report_every_bad_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad1 = tmp_path / "broken.eval"
    bad1.write_bytes(EVAL.read_bytes()[:3000])
    bad2 = tmp_path / "cut.json"
    bad2.write_bytes(PF.read_bytes()[:2000])
    ws = workspace(tmp_path, [EVAL, bad1, bad2])
    assert main(["data", str(ws)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("advisor: error: ") for line in err)
    assert any("broken.eval" in line for line in err) and any("cut.json:" in line for line in err)
