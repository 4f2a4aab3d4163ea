"""Resource bounds (issue 12): capped resamples, linear glob de-duplication, the engine loaded lazily."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.inputs.workspace import load_workspace
from advisor.statistics.bootstrap import MAX_RESAMPLES


@pytest.mark.parametrize(("option", "value"), [("--resamples", str(MAX_RESAMPLES + 1)), ("--seed", "-1")])
def test_bootstrap_options_are_bounded(capsys: pytest.CaptureFixture[str], option: str, value: str) -> None:
    assert main(["rank", option, value]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"advisor: error: {option}: must be") and "\n" not in err


def test_thousands_of_overlapping_globs_are_listed_once(tmp_path: Path) -> None:
    for i in range(3000):
        (tmp_path / f"r{i:04d}.jsonl").write_text("")
    (tmp_path / "advisor.toml").write_text('name = "many"\nresults = ["*.jsonl", "r0*.jsonl", "r1*.jsonl"]\n')
    files = load_workspace(tmp_path).result_files()
    assert len(files) == 3000 and len(set(files)) == 3000 and files == sorted(files)


def test_help_and_small_files_do_not_load_the_engine() -> None:
    code = (
        "import sys\n"
        "from advisor.cli import main\n"
        "from advisor.decision.decide import load_inputs\n"
        "from advisor.files import bundled\n"
        "load_inputs(bundled.demo_workspace())\n"
        "print('duckdb' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
