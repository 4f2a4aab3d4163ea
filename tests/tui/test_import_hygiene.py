"""The domain modules, the CLI and the TUI's pure state never import Textual."""

from __future__ import annotations

import subprocess
import sys

import pytest

MODULES = [
    "advisor.decide",
    "advisor.rank",
    "advisor.explain",
    "advisor.report",
    "advisor.metrics",
    "advisor.profiles",
    "advisor.cli",
    "advisor.cli.rank",
    "advisor.cli.tui",
    "advisor.tui",
    "advisor.tui.state",
    "advisor.tui.settings",
    "advisor.tui.uncertainty",
    "advisor.tui.export",
]


@pytest.mark.parametrize("module", MODULES)
def test_does_not_import_textual(module: str) -> None:
    code = f"import {module}, sys; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_cli_parses_tui_without_textual() -> None:
    code = (  # parse only: building the parser must not load the TUI
        "import sys; from advisor.cli import parser; "
        "a = parser().parse_args(['tui', 'x', '--profile', 'p']); "
        "print(a.command, 'textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "tui False"
