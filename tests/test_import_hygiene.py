"""The domain code never imports Textual: checked at run time, in fresh interpreters.

A static check cannot see a lazy import that stops being lazy, so each module
is imported for real and ``sys.modules`` is inspected afterwards.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import advisor

DOMAIN = sorted(
    m.name
    for m in pkgutil.walk_packages(advisor.__path__, "advisor.")
    if not m.name.startswith("advisor.tui") and m.name != "advisor.__main__"
)
#: Parts of the TUI package that hold state and settings only; they must stay importable without Textual.
TUI_PURE = ["advisor.tui", "advisor.tui.state", "advisor.tui.settings", "advisor.tui.export"]


def first_importing_textual(modules: list[str]) -> str:
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    if 'textual' in sys.modules:\n"
        "        print(name); break\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_domain_modules_found() -> None:
    assert {
        "advisor.decision.rank",
        "advisor.evidence.gather",
        "advisor.records.samples",
        "advisor.cli.rank",
        "advisor.memo",
    } <= set(DOMAIN)


def test_no_domain_module_imports_textual() -> None:
    assert first_importing_textual(DOMAIN) == ""


def test_pure_tui_modules_do_not_import_textual() -> None:
    for module in TUI_PURE:  # one interpreter each: a module must not lean on another's imports
        assert first_importing_textual([module]) == "", module


def test_the_check_can_fail() -> None:
    assert first_importing_textual(["advisor.tui.app"]) == "advisor.tui.app"


def test_cli_parses_tui_without_textual() -> None:
    code = (  # parse only: building the parser must not load the TUI
        "import sys; from advisor.cli import parser; "
        "a = parser().parse_args(['tui', 'x', '--profile', 'p']); "
        "print(a.command, 'textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "tui False"
