"""The domain code never imports Textual: checked at run time, in a fresh interpreter per module."""

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


def test_domain_modules_found() -> None:
    assert {"advisor.rank", "advisor.metrics", "advisor.samples", "advisor.cli.rank"} <= set(DOMAIN)


def test_no_domain_module_imports_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"bad = []\nfor name in {DOMAIN!r}:\n"
        "    importlib.import_module(name)\n"
        "    if 'textual' in sys.modules:\n"
        "        bad.append(name); break\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
