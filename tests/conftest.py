"""Shared test helpers: small workspaces written into temp dirs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import write_jsonl

WriteWorkspace = Callable[..., Path]


@pytest.fixture
def make_workspace(tmp_path: Path) -> WriteWorkspace:
    """Write advisor.toml plus results/samples.jsonl; returns the folder."""

    def make(rows: list[dict[str, Any]], toml: str = "", *, name: str = "ws") -> Path:
        root = tmp_path / name
        write_jsonl(root / "results" / "samples.jsonl", rows)
        head = f'name = "{name}"\nresults = ["results/*.jsonl"]\n'
        (root / "advisor.toml").write_text(head + toml)
        return root

    return make
