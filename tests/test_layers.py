"""The package layers, the Textual boundary and the absence of import cycles, checked by import-linter.

The contracts live in pyproject.toml ([tool.importlinter]); this test runs them
so the README's test command enforces them, and shows that a broken contract is
reported (the check can fail).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    return subprocess.run([exe, "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_import_contracts_are_kept() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_a_cycle_breaks_the_contract(tmp_path: Path) -> None:
    # A copy of the package with one type-only cycle added: the contract must catch it.
    shutil.copytree(ROOT / "advisor", tmp_path / "advisor", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    result_py = tmp_path / "advisor" / "decision" / "result.py"
    cycle = "\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import advisor.decision.rank\n"
    result_py.write_text(result_py.read_text() + cycle)
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; lint_imports_command()"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(tmp_path), "PATH": ""},
    )
    assert result.returncode != 0
    assert ".result -> .rank" in result.stdout
